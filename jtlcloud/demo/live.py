"""Processes that feed the running demo with live data."""

from __future__ import annotations

import subprocess


def start_live_data() -> list[subprocess.Popen[bytes]]:
    """Start the demo's live data sources; the data issue connects the agent's simulator here."""
    return []
