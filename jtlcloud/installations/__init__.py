"""Installations, keys, grants, access requests and the access log.

The one place that decides who may see what.
"""
