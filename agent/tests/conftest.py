"""Shared fixtures: an in-process ingest stub, a config writer, and the agent as a process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

import pytest

AGENT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(AGENT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_stub import IngestStub  # noqa: E402

KEY = "test-key"


@pytest.fixture
def stub() -> Any:
    server = IngestStub()
    server.start()
    yield server
    server.stop()


def write_config(path: Path, agent: dict[str, Any], sources: dict[str, dict[str, Any]]) -> Path:
    """An INI configuration file, the format that works on every supported Python."""
    lines = ["[agent]"] + [f"{key} = {value}" for key, value in agent.items()]
    for name, options in sources.items():
        lines += ["", f"[source.{name}]"] + [f"{key} = {value}" for key, value in options.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def fast_agent_settings(url: str, spool: Path) -> dict[str, Any]:
    """Settings for tests: short intervals and backoff so failures recover in milliseconds."""
    return {
        "server": url,
        "key": KEY,
        "spool": spool,
        "send_interval": 0.1,
        "backoff_initial": 0.05,
        "backoff_max": 0.5,
        "unauthorized_retry": 0.3,
        "timeout": 5,
        "shutdown_grace": 3,
    }


def agent_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "jtlcloud_agent", *args]


def agent_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(AGENT_DIR) + os.pathsep + env.get("PYTHONPATH", "")
    return env


_started: list[subprocess.Popen[bytes]] = []


def start_agent(*args: str, **kwargs: Any) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(agent_command(*args), env=agent_env(), **kwargs)
    _started.append(process)
    return process


@pytest.fixture(autouse=True)
def no_agent_outlives_its_test() -> Any:
    yield
    while _started:
        process = _started.pop()
        if process.poll() is None:
            process.kill()
            process.wait(10)


def run_agent(*args: str, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        agent_command(*args),
        env=agent_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        **kwargs,
    )


def wait_until(condition: Callable[[], Any], timeout: float = 20, message: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {message or condition}")
