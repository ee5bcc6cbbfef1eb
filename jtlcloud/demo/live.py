"""Processes that feed the running demo with live data.

The installation agent's simulator when the ``jtlcloud_agent`` package is
installed (the real delivery path, with its durable spool); otherwise our
own small simulator. Both send the same plant model over the ingest API
with the demo installation's key.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

from django.conf import settings

from jtlcloud.lib.env import env_str


def _demo_key() -> str:
    from jtlcloud.demo import telemetry

    return telemetry.seeded_key or telemetry.DEMO_KEY


def _server() -> str:
    return "http://" + env_str("JTL_BIND", "127.0.0.1:8000")


def start_live_data() -> list[subprocess.Popen[bytes]]:
    environment = {**os.environ, "JTLCLOUD_AGENT_KEY": _demo_key(), "JTL_DEMO_KEY": _demo_key()}
    if importlib.util.find_spec("jtlcloud_agent") is not None:
        spool = settings.DATA_DIR / "demo-agent-spool.sqlite3"
        command = [
            sys.executable, "-m", "jtlcloud_agent", "run", "--server", _server(),
            "--spool", str(spool), "--simulate", "--simulate-interval", "5",
            "--send-interval", "5",
        ]  # fmt: skip
    else:
        command = [sys.executable, "-m", "jtlcloud.demo.simulator", _server() + "/api/v1/ingest"]
    # The key travels in the environment: command-line flags show in `ps`.
    return [subprocess.Popen(command, env=environment)]  # noqa: S603 - our own interpreter
