"""The durable spool: every item is written here before it is sent, and leaves only on a 200.

One SQLite file in WAL mode. Each thread gets its own connection. A source's position (file
offset, simulator clock) is stored in the same transaction as the items it produced, so a
crash at any instant neither loses nor repeats data.

Full-spool policy: when adding would exceed `max_items`, the oldest unsent items are deleted,
counted in the `dropped` counter and logged. Sources that can wait (files, simulator
history) call `wait_for_room` first, so only live sources ever cause drops.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from jtlcloud_agent.items import Item

log = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    queued_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS set_aside (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    body TEXT NOT NULL,
    reason TEXT NOT NULL,
    set_aside_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Queued:
    """An item waiting in the outbox; `id` orders items oldest first."""

    id: int
    kind: str
    body: str


class Spool:
    def __init__(self, path: str, max_items: int = 1_000_000) -> None:
        self.path = path
        self.max_items = max_items
        self.added = threading.Event()  # set on every add, so the sender can wake early
        self._local = threading.local()
        self._last_drop_log = 0.0
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        db = self._db()
        db.executescript(_SCHEMA)
        if self.get_state("depth") is None:
            (count,) = db.execute("SELECT count(*) FROM outbox").fetchone()
            self.put_state("depth", count)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            # FULL makes every commit survive a power cut, not only a process crash; commits
            # are per batch, so the fsync cost is paid a few times a second at most.
            db.execute("PRAGMA synchronous=FULL")
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    def _write(self) -> _Transaction:
        return _Transaction(self._db())

    # -- state ---------------------------------------------------------------------------

    def get_state(self, key: str, default: Any = None) -> Any:
        row = self._db().execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def put_state(self, key: str, value: Any) -> None:
        with self._write() as db:
            _put(db, key, value)

    # -- adding --------------------------------------------------------------------------

    def add(self, items: Sequence[Item], state: dict[str, Any] | None = None) -> int:
        """Store items (and a source's new position) atomically; return how many were dropped."""
        now = time.time()
        with self._write() as db:
            db.executemany(
                "INSERT INTO outbox (kind, body, queued_at) VALUES (?, ?, ?)",
                [(item.kind, item.body, now) for item in items],
            )
            depth = _get(db, "depth", 0) + len(items)
            dropped = 0
            if depth > self.max_items:
                dropped = db.execute(
                    "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT ?)",
                    (depth - self.max_items,),
                ).rowcount
                depth -= dropped
                _put(db, "dropped", _get(db, "dropped", 0) + dropped)
            _put(db, "depth", depth)
            for key, value in (state or {}).items():
                _put(db, key, value)
        if dropped:
            self._log_drop(dropped)
        if items:
            self.added.set()
        return dropped

    def _log_drop(self, dropped: int) -> None:
        # Once a minute at most: a full spool under a live source would otherwise flood the log.
        if time.monotonic() - self._last_drop_log > 60:
            self._last_drop_log = time.monotonic()
            log.error(
                "spool full (%d items): dropped the %d oldest unsent items (%d in total so far)",
                self.max_items,
                dropped,
                self.get_state("dropped", 0),
            )

    def depth(self) -> int:
        return int(self.get_state("depth", 0))

    def wait_for_room(self, needed: int, stop: threading.Event) -> bool:
        """Block until `needed` items fit without dropping anything; False if stopping."""
        needed = min(needed, self.max_items)
        while self.depth() + needed > self.max_items:
            if stop.wait(0.2):
                return False
        return not stop.is_set()

    # -- sending -------------------------------------------------------------------------

    def next_batch(self, limit: int, max_bytes: int) -> list[Queued]:
        rows = (
            self._db()
            .execute("SELECT id, kind, body FROM outbox ORDER BY id LIMIT ?", (limit,))
            .fetchall()
        )
        batch: list[Queued] = []
        size = 0
        for row in rows:
            size += len(row[2].encode()) + 1
            if batch and size > max_bytes:
                break
            batch.append(Queued(*row))
        return batch

    def acknowledge(self, ids: Iterable[int], readings: int, events: int) -> None:
        """The server stored (or already had) these items: forget them and record the success."""
        now = time.time()
        with self._write() as db:
            removed = _delete(db, ids)
            _put(db, "depth", _get(db, "depth", 0) - removed)
            _put(db, "last_success", {"at": now, "readings": readings, "events": events})
            _put(db, "delivered_readings", _get(db, "delivered_readings", 0) + readings)
            _put(db, "delivered_events", _get(db, "delivered_events", 0) + events)

    def set_aside(self, rejected: Sequence[tuple[Queued, str]]) -> None:
        """Move items the server refused into the dead-letter table, with the server's reason."""
        now = time.time()
        with self._write() as db:
            db.executemany(
                "INSERT OR REPLACE INTO set_aside (id, kind, body, reason, set_aside_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [(item.id, item.kind, item.body, reason, now) for item, reason in rejected],
            )
            removed = _delete(db, [item.id for item, _ in rejected])
            _put(db, "depth", _get(db, "depth", 0) - removed)

    def record_error(self, message: str) -> None:
        self.put_state("last_error", {"at": time.time(), "message": message})

    # -- reporting -----------------------------------------------------------------------

    def oldest(self) -> tuple[float, str] | None:
        row = (
            self._db().execute("SELECT queued_at, body FROM outbox ORDER BY id LIMIT 1").fetchone()
        )
        return None if row is None else (row[0], json.loads(row[1]).get("ts", "?"))

    def counts_by_kind(self) -> dict[str, int]:
        rows = self._db().execute("SELECT kind, count(*) FROM outbox GROUP BY kind").fetchall()
        return dict(rows)

    def set_aside_items(self, limit: int = 10) -> list[dict[str, Any]]:
        rows = (
            self._db()
            .execute(
                "SELECT kind, body, reason, set_aside_at FROM set_aside ORDER BY id DESC LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [dict(zip(("kind", "body", "reason", "at"), row)) for row in rows]

    def set_aside_count(self) -> int:
        return int(self._db().execute("SELECT count(*) FROM set_aside").fetchone()[0])


class _Transaction:
    """BEGIN IMMEDIATE takes the write lock up front, so concurrent writers wait instead of
    failing with 'database is locked' when a read transaction tries to upgrade."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def _get(db: sqlite3.Connection, key: str, default: Any) -> Any:
    row = db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
    return default if row is None else json.loads(row[0])


def _put(db: sqlite3.Connection, key: str, value: Any) -> None:
    db.execute("INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)", (key, json.dumps(value)))


def _delete(db: sqlite3.Connection, ids: Iterable[int]) -> int:
    ids = list(ids)
    removed = 0
    # SQLite caps bound parameters (999 on old builds), so delete in slices.
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        removed += db.execute(f"DELETE FROM outbox WHERE id IN ({marks})", chunk).rowcount  # noqa: S608
    return removed
