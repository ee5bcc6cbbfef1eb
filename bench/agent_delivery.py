"""Agent end to end vs the server's own ingest rate, measured in the same run.

Starts the real server (``jtlcloud serve``, one worker, SQLite) and measures:

1. the server's own rate: the benchmark posts the readings itself, in batches of
   the agent's size, one request after another over one kept-alive connection;
2. the agent's rate: ``agent/bench_agent.py`` makes the agent follow a CSV file
   of the same size and counts what the server acknowledged, with the agent's
   peak memory.

Ratio = agent readings/s / server readings/s (1.0 means the agent adds nothing).
The server's per-installation rate limit is lifted for the run: it would
otherwise cap both at 120 requests a minute.

    .venv/bin/python bench/agent_delivery.py [readings]
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.agent.real_server import start_server  # noqa: E402 - needs the path above

CHANNELS = ["flow_temp", "return_temp", "pressure", "heat_energy", "room_temp"]
BATCH = 1000


def server_rate(url: str, key: str, readings: int) -> float:
    """Readings per second when the batches are posted straight to the ingest API."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    rows = readings // len(CHANNELS)
    per_batch = BATCH // len(CHANNELS)
    bodies = []
    for start in range(0, rows, per_batch):
        batch = [
            {"channel": f"direct_{channel}", "ts": 1_690_000_000 + row, "value": row % 97 + 0.5}
            for row in range(start, min(start + per_batch, rows))
            for channel in CHANNELS
        ]
        bodies.append(json.dumps({"readings": batch}).encode())
    started = time.perf_counter()
    for body in bodies:
        status = 0
        while status != 200:
            try:
                connection.request("POST", "/api/v1/ingest", body=body, headers=headers)
                answer = connection.getresponse()
                answer.read()
            except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
                # gunicorn closed the kept-alive connection; ingest is idempotent, send again.
                connection.close()
                continue
            status = answer.status
            if status == 429:
                time.sleep(float(answer.headers.get("Retry-After", "1")))
            elif status != 200:
                raise SystemExit(f"ingest answered {status}")
    return readings / (time.perf_counter() - started)


def agent_rate(url: str, key: str, readings: int) -> tuple[float, float]:
    """Readings per second delivered by the agent, and its peak RSS in MiB."""
    output = subprocess.run(  # noqa: S603 - our own interpreter and script
        [
            sys.executable, str(ROOT / "agent" / "bench_agent.py"), "--server", url,
            "--key", key, "--readings", str(readings), "--batch-size", str(BATCH),
        ],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rate = float(re.search(r"readings/second:\s+([\d,]+)", output).group(1).replace(",", ""))  # type: ignore[union-attr]
    memory = float(re.search(r"agent peak RSS:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    return rate, memory


def main() -> None:
    readings = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory(prefix="jtl-bench-agent-") as work:
        # The per-installation rate limit would measure itself, not the delivery path.
        server = start_server(Path(work), settings={"JTL_INGEST_RATE_PER_MINUTE": "1000000"})
        try:
            direct = server_rate(server.url, server.key, readings)
            delivered, memory = agent_rate(server.url, server.key, readings)
        finally:
            server.kill()
    print(f"readings:                 {readings:,} in batches of {BATCH}, 1 web worker, SQLite")
    print(f"server's own ingest rate: {direct:,.0f} readings/s (posted directly)")
    print(f"agent end to end:         {delivered:,.0f} readings/s")
    print(f"agent peak memory:        {memory:.1f} MiB")
    print(f"ratio agent / server:     {delivered / direct:.2f}")


if __name__ == "__main__":
    main()
