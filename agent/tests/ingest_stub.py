"""A small ingest server that honours the JTL Cloud ingest contract, for the agent's tests.

It stores into SQLite (a file survives SIGKILL), keeps a reading once per (channel, ts) and
an event once per id, validates all-or-nothing with indexed errors, and can be told to
misbehave: answer a given status (500, 429 with Retry-After, 401...), stall, or die.

Run in-process with `IngestStub(...).start()`, or as a process:
`python ingest_stub.py --db FILE --port N --key KEY` (prints the port once listening).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import math
import os
import re
import sqlite3
import ssl
import sys
import threading
import time
import urllib.parse
from collections import deque
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CHANNEL = re.compile(r"[A-Za-z0-9_.:-]{1,100}")
SEVERITIES = {"info", "warning", "alarm", "critical"}
MAX_ITEMS = 5000
MAX_BYTES = 4 * 1024 * 1024


class IngestStub:
    def __init__(self, db_path: str = ":memory:", keys: tuple[str, ...] = ("test-key",)):
        self.keys = set(keys)
        self.db = sqlite3.connect(db_path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(
            "CREATE TABLE IF NOT EXISTS readings (channel TEXT, ts_us INTEGER, value REAL,"
            " unit TEXT, PRIMARY KEY (channel, ts_us));"
            "CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, ts_us INTEGER,"
            " severity TEXT, code TEXT, message TEXT, details TEXT);"
        )
        self.lock = threading.Lock()
        self.script: deque[tuple[Any, ...]] = deque()  # queued misbehaviours, one per request
        self.delay = 0.0
        self.requests: list[dict[str, Any]] = []  # what each request carried, for assertions
        self.server: ThreadingHTTPServer | None = None
        self.die_by_exit = False
        self.scheme = "http"

    # -- control -------------------------------------------------------------------------

    def answer_next(self, status: int, body: Any = None, headers: dict[str, str] | None = None):
        self.script.append(("answer", status, body, headers or {}))

    def die_next(self, after_storing: bool = False) -> None:
        """Drop the connection without answering (or exit the process, when run as one)."""
        self.script.append(("die", after_storing))

    def start(self, port: int = 0, tls: ssl.SSLContext | None = None) -> str:
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        if tls is not None:
            self.server.socket = tls.wrap_socket(self.server.socket, server_side=True)
            self.scheme = "https"
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()
        return self.url

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"{self.scheme}://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    # -- inspection ----------------------------------------------------------------------

    def readings(self) -> list[tuple[str, int, float, str | None]]:
        with self.lock:
            return self.db.execute(
                "SELECT channel, ts_us, value, unit FROM readings ORDER BY channel, ts_us"
            ).fetchall()

    def events(self) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.db.execute(
                "SELECT id, ts_us, severity, code, message FROM events"
            ).fetchall()
        return [dict(zip(("id", "ts_us", "severity", "code", "message"), row)) for row in rows]

    # -- the contract --------------------------------------------------------------------

    def ingest(self, payload: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(payload, dict):
            return 400, {
                "errors": [
                    {"index": 0, "kind": "readings", "field": "", "message": "object expected"}
                ]
            }
        readings = payload.get("readings") or []
        events = payload.get("events") or []
        if len(readings) + len(events) > MAX_ITEMS:
            return 413, {"detail": "too many items"}
        errors: list[dict[str, Any]] = []
        rows = [_reading_row(i, item, errors) for i, item in enumerate(readings)]
        event_rows = [_event_row(i, item, errors) for i, item in enumerate(events)]
        if errors:
            return 400, {"errors": errors}
        with self.lock:
            self.db.execute("BEGIN IMMEDIATE")
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO readings VALUES (?, ?, ?, ?)", rows)
            new_readings = self.db.total_changes - before
            before = self.db.total_changes
            self.db.executemany(
                "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?, ?, ?)", event_rows
            )
            new_events = self.db.total_changes - before
            self.db.execute("COMMIT")
        return 200, {
            "accepted": {"readings": new_readings, "events": new_events},
            "duplicates": {
                "readings": len(rows) - new_readings,
                "events": len(event_rows) - new_events,
            },
        }


def _ts_us(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("not a time")
    if isinstance(value, (int, float)):
        return round(value * 1_000_000)
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("time zone required")
    delta = moment - datetime(1970, 1, 1, tzinfo=timezone.utc)
    return (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds


def _reading_row(index: int, item: Any, errors: list[dict[str, Any]]) -> tuple[Any, ...]:
    def bad(field: str, message: str) -> tuple[Any, ...]:
        errors.append({"index": index, "kind": "readings", "field": field, "message": message})
        return ()

    if not isinstance(item, dict):
        return bad("", "object expected")
    if not isinstance(item.get("channel"), str) or not CHANNEL.fullmatch(item["channel"]):
        return bad("channel", "invalid channel name")
    value = item.get("value")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return bad("value", "finite number required")
    try:
        ts = _ts_us(item.get("ts"))
    except (TypeError, ValueError):
        return bad("ts", "RFC 3339 with zone or Unix seconds required")
    return (item["channel"], ts, float(value), item.get("unit"))


def _event_row(index: int, item: Any, errors: list[dict[str, Any]]) -> tuple[Any, ...]:
    def bad(field: str, message: str) -> tuple[Any, ...]:
        errors.append({"index": index, "kind": "events", "field": field, "message": message})
        return ()

    if not isinstance(item, dict):
        return bad("", "object expected")
    if not isinstance(item.get("id"), str) or not item["id"]:
        return bad("id", "required")
    if item.get("severity") not in SEVERITIES:
        return bad("severity", "must be info, warning, alarm or critical")
    if not isinstance(item.get("code"), str) or not item["code"]:
        return bad("code", "required")
    try:
        ts = _ts_us(item.get("ts"))
    except (TypeError, ValueError):
        return bad("ts", "RFC 3339 with zone or Unix seconds required")
    details = json.dumps(item["details"]) if "details" in item else None
    return (item["id"], ts, item["severity"], item["code"], item.get("message", ""), details)


def _handler_for(stub: IngestStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real server offers
        # Headers and body go out in two writes; without this, Nagle's algorithm and the
        # client's delayed ACK add 40 ms to every keep-alive request.
        disable_nagle_algorithm = True

        def handle(self) -> None:
            # The agent being killed or giving up mid-request is expected in the fault tests.
            with contextlib.suppress(ConnectionError):
                super().handle()

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.payload: Any = None
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            # Absolute-form targets (sent through a proxy) are valid HTTP/1.1 too.
            if urllib.parse.urlsplit(self.path).path.rstrip("/") != "/api/v1/ingest":
                return self._send(404, {"detail": "not found"})
            if stub.delay:
                time.sleep(stub.delay)
            action = stub.script.popleft() if stub.script else None
            if action and action[0] == "answer":
                return self._send(action[1], action[2] or {}, action[3])
            if action and action[0] == "die" and not action[1]:
                return self._die()
            key = self.headers.get("Authorization", "").removeprefix("Bearer ")
            if key not in stub.keys:
                return self._send(401, {"detail": "unknown or revoked installation key"})
            if self.headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                return self._send(415, {"detail": "application/json required"})
            if len(body) > MAX_BYTES:
                return self._send(413, {"detail": "body too large"})
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
                if len(body) > MAX_BYTES:
                    return self._send(413, {"detail": "body too large"})
            try:
                payload = json.loads(body)
            except ValueError:
                return self._send(
                    400,
                    {
                        "errors": [
                            {"index": 0, "kind": "readings", "field": "", "message": "bad JSON"}
                        ]
                    },
                )
            self.payload = payload
            status, answer = stub.ingest(payload)
            if action and action[0] == "die":
                return self._die()
            return self._send(status, answer)

        def _die(self) -> None:
            if stub.die_by_exit:
                os._exit(3)
            self.close_connection = True
            self.connection.close()

        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            stub.requests.append(
                {
                    "status": status,
                    "path": self.path,
                    "payload": self.payload,
                    "headers": dict(self.headers),
                }
            )
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--key", default="test-key")
    args = parser.parse_args()
    stub = IngestStub(args.db, (args.key,))
    stub.start(args.port)
    print(stub.url.rsplit(":", 1)[1], flush=True)
    threading.Event().wait()


if __name__ == "__main__":
    sys.exit(main())
