"""JTL Cloud installation agent: reads local data and delivers it durably to JTL Cloud.

Standard library only, so it installs on any installation computer with Python 3.9+.
"""

__version__ = "0.1.0"
