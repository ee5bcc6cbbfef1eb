"""Ingest over HTTP vs raw sqlite3 executemany INSERT OR IGNORE of the same rows.

Batches of 5,000 readings (200 channels interleaved, 25 instants each) go to
``POST /api/v1/ingest`` of one gunicorn web worker on SQLite, one request
after another. The baseline inserts the same rows (channel ids already
known, no rollups, no parsing, no HTTP) into the same table shape with
``executemany`` and a commit per batch. Ratio = baseline time / HTTP time;
the target is >= 0.5.

    .venv/bin/python bench/ingest.py [batches]
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time

from _world import ROOT, fresh_django, make_installation

CHANNELS = 200
PER_BATCH = 5_000
STEPS = PER_BATCH // CHANNELS


def batches(count: int, start_s: int) -> list[list[tuple[str, float, float]]]:
    out = []
    t = start_s
    for _ in range(count):
        rows = []
        for _step in range(STEPS):
            for channel in range(CHANNELS):
                rows.append(
                    (f"ch{channel:03d}", float(t), round(20 + (channel % 7) + (t % 600) / 100, 2))
                )
            t += 10
        out.append(rows)
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def post(port: int, key: str, body: bytes) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        "/api/v1/ingest",
        body=body,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    response = connection.getresponse()
    answer = response.read()
    assert response.status == 200, answer[:300]
    connection.close()


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


class Baseline:
    """The same table in its own SQLite file, written with plain executemany."""

    def __init__(self, database: str) -> None:
        self.connection = sqlite3.connect(database, isolation_level=None)
        self.connection.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
        self.connection.execute(
            "CREATE TABLE telemetry_reading (channel_id INTEGER NOT NULL, ts INTEGER NOT NULL, "
            "value REAL NOT NULL, PRIMARY KEY (channel_id, ts)) WITHOUT ROWID"
        )

    def insert(self, rows: list[tuple[int, int, float]]) -> float:
        started = time.perf_counter()
        self.connection.execute("BEGIN IMMEDIATE")
        self.connection.executemany(
            "INSERT OR IGNORE INTO telemetry_reading VALUES (?, ?, ?)", rows
        )
        self.connection.execute("COMMIT")
        return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    database = fresh_django("ingest")
    _installation, key = make_installation()
    start_s = int(time.time()) - 30 * 86400
    work = batches(count + 2, start_s)
    bodies = [
        json.dumps(
            {"readings": [{"channel": c, "ts": ts, "value": v} for c, ts, v in rows]}
        ).encode()
        for rows in work
    ]
    port = free_port()
    env = {**os.environ, "JTL_INGEST_RATE_PER_MINUTE": "1000000", "JTL_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "jtlcloud.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "1", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    ids = {f"ch{n:03d}": n + 1 for n in range(CHANNELS)}
    raw_rows = [[(ids[c], int(ts * 1000), v) for c, ts, v in rows] for rows in work]
    base = Baseline(str(database) + ".baseline")
    http_time = base_time = 0.0
    try:
        wait_for(port)
        for index in range(2):  # warm-up: imports, first channels, first pages
            post(port, key, bodies[index])
            base.insert(raw_rows[index])
        # Alternate the two, batch by batch, so both see the same machine load.
        for index in range(2, count + 2):
            started = time.perf_counter()
            post(port, key, bodies[index])
            http_time += time.perf_counter() - started
            base_time += base.insert(raw_rows[index])
    finally:
        server.terminate()
        server.wait()
    readings = count * PER_BATCH
    print(f"batches: {count} x {PER_BATCH} readings ({CHANNELS} channels interleaved)")
    print(
        f"HTTP ingest (1 gunicorn worker, SQLite): {http_time:.2f} s = "
        f"{readings / http_time:,.0f} readings/s, {http_time / count * 1000:.1f} ms/batch"
    )
    print(
        f"raw sqlite3 executemany INSERT OR IGNORE: {base_time:.2f} s = "
        f"{readings / base_time:,.0f} readings/s, {base_time / count * 1000:.1f} ms/batch"
    )
    print(f"ratio (baseline time / HTTP time): {base_time / http_time:.2f}  (target >= 0.5)")


if __name__ == "__main__":
    main()
