"""Servers the fault test can run against, behind one small interface.

`start_server(workdir, port)` returns a RunningServer: its URL and installation key, a way
to SIGKILL it, and a summary of the readings it holds. The default starts the ingest stub as
a process storing into SQLite. To run the fault test against the real server, write a
function with the same signature (start `jtlcloud serve` on SQLite or PostgreSQL, create an
installation key, query its readings table) and name it in the environment:

    JTLCLOUD_AGENT_FAULT_SERVER=package.module:function pytest agent/tests -m slow
"""

from __future__ import annotations

import importlib
import math
import os
import signal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

STUB = Path(__file__).resolve().parent / "ingest_stub.py"


class RunningServer(Protocol):
    url: str
    key: str

    def kill(self) -> None:
        """SIGKILL: no chance to finish requests or flush anything."""

    def summary(self) -> dict[str, tuple[int, float]]:
        """Per channel: how many readings are stored and the exact sum (math.fsum) of values."""


StartServer = Callable[[Path, int], RunningServer]


@dataclass
class StubProcess:
    url: str
    key: str
    process: subprocess.Popen[str]
    db_path: Path

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def summary(self) -> dict[str, tuple[int, float]]:
        db = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True)
        try:
            values: dict[str, list[float]] = {}
            for channel, value in db.execute("SELECT channel, value FROM readings"):
                values.setdefault(channel, []).append(value)
        finally:
            db.close()
        return {channel: (len(vs), math.fsum(vs)) for channel, vs in values.items()}


def start_stub_server(workdir: Path, port: int = 0) -> StubProcess:
    key = "fault-test-key"
    db_path = workdir / "server.db"
    process = subprocess.Popen(
        [sys.executable, str(STUB), "--db", str(db_path), "--port", str(port), "--key", key],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    bound = int(process.stdout.readline())
    return StubProcess(f"http://127.0.0.1:{bound}", key, process, db_path)


def configured_start_server() -> StartServer:
    target = os.environ.get("JTLCLOUD_AGENT_FAULT_SERVER")
    if not target:
        return start_stub_server
    module, _, name = target.partition(":")
    start: StartServer = getattr(importlib.import_module(module), name)
    return start
