"""The real JTL Cloud server, for the agent's fault test (agent/tests/test_fault.py).

That test kills the server with SIGKILL and starts it again on the same port,
many times, while the agent streams 100,000 readings; then it compares what
the server stores with what the source produced. Point it here with

    JTLCLOUD_AGENT_FAULT_SERVER=tests.agent.real_server:start_server

The server runs as ``jtlcloud serve`` (gunicorn) in its own process group on
a database of its own: a SQLite file in the test's folder, or, when
``DATABASE_URL`` names PostgreSQL, a fresh database on that server.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

_CREATE_KEY = """
import django; django.setup()
from jtlcloud.accounts.models import Organisation
from jtlcloud.installations.models import Installation, InstallationKey
from jtlcloud.lib.secrets import new_secret
owner = Organisation.objects.create(name="Fault test owner")
plant = Installation.objects.create(owner=owner, name="Fault test plant")
secret = new_secret("jtlk")
InstallationKey.objects.create(installation=plant, prefix=secret.prefix, key_hash=secret.hashed)
print(secret.full)
"""
_SUMMARY_SQL = (
    "SELECT c.name, r.value FROM telemetry_reading r "
    "JOIN telemetry_channel c ON c.id = r.channel_id"
)


@dataclass
class DjangoServer:
    url: str
    key: str
    process: subprocess.Popen[bytes]
    database_url: str

    def kill(self) -> None:
        """SIGKILL to gunicorn's master and workers at once: a crash, not a shutdown."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def summary(self) -> dict[str, tuple[int, float]]:
        values: dict[str, list[float]] = {}
        for channel, value in _rows(self.database_url):
            values.setdefault(channel, []).append(value)
        return {channel: (len(vs), math.fsum(vs)) for channel, vs in values.items()}


def _rows(database_url: str) -> list[tuple[str, float]]:
    if database_url.startswith("sqlite"):
        db = sqlite3.connect(f"file:{database_url.removeprefix('sqlite:///')}?mode=ro", uri=True)
        try:
            return list(db.execute(_SUMMARY_SQL))
        finally:
            db.close()
    with psycopg.connect(database_url) as db:
        return list(db.execute(_SUMMARY_SQL).fetchall())


def _database_url(workdir: Path) -> str:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        return f"sqlite:///{workdir / 'server.sqlite3'}"
    name = f"jtl_fault_{os.getpid()}"
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')
    atexit.register(_drop_database, admin, name)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _drop_database(admin_url: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _environment(
    database_url: str, workdir: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "JTL_", "DJANGO"))
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="jtlcloud.settings",
        JTL_DATA_DIR=str(workdir / "server-data"),
        JTL_ANALYTICS_ENABLED="false",
        JTL_LOG_LEVEL="WARNING",
    )
    env.update(extra or {})
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _prepare(workdir: Path) -> tuple[str, str]:
    """Once per test: a migrated database holding one installation and its key."""
    state = workdir / "real-server.txt"
    if state.exists():
        database_url, key = state.read_text().split("\n")[:2]
        return database_url, key
    database_url = _database_url(workdir)
    env = _environment(database_url, workdir)
    jtlcloud = [sys.executable, "-m", "jtlcloud.cli"]
    subprocess.run([*jtlcloud, "migrate", "-v0"], env=env, check=True)  # noqa: S603
    made = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", _CREATE_KEY], env=env, check=True, capture_output=True, text=True
    )
    key = made.stdout.strip().splitlines()[-1]
    state.write_text(f"{database_url}\n{key}\n")
    return database_url, key


def start_server(
    workdir: Path, port: int = 0, settings: dict[str, str] | None = None
) -> DjangoServer:
    """``settings``: extra JTL_* environment variables for the server process."""
    database_url, key = _prepare(workdir)
    port = port or _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "jtlcloud.cli", "serve", f"127.0.0.1:{port}"],
        env=_environment(database_url, workdir, settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return DjangoServer(url, key, process, database_url)
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError(f"jtlcloud serve did not answer on {url}")
