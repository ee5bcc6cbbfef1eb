"""The spool: durable across reopen, drop-oldest when full, and honest counters."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from jtlcloud_agent import status
from jtlcloud_agent.items import make_reading
from jtlcloud_agent.spool import Spool


def reading(i: int) -> object:
    return make_reading("p", 1_795_000_000 + i, float(i))


def test_it_keeps_items_and_source_positions_across_reopen(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"))
    spool.add([reading(i) for i in range(3)], {"source:a": {"offset": 42}})
    spool.close()
    reopened = Spool(str(tmp_path / "s.db"))
    assert reopened.depth() == 3
    assert reopened.get_state("source:a") == {"offset": 42}
    assert [json.loads(item.body)["value"] for item in reopened.next_batch(10, 10**6)] == [0, 1, 2]


def test_it_uses_wal_journaling(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"))
    assert spool._db().execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_full_spool_drops_the_oldest_items_and_counts_them(tmp_path: Path, caplog) -> None:
    spool = Spool(str(tmp_path / "s.db"), max_items=5)
    spool.add([reading(i) for i in range(4)])
    dropped = spool.add([reading(i) for i in range(4, 8)])
    assert dropped == 3
    assert spool.depth() == 5
    values = [json.loads(item.body)["value"] for item in spool.next_batch(10, 10**6)]
    assert values == [3, 4, 5, 6, 7]
    assert spool.get_state("dropped") == 3
    assert "spool full" in caplog.text


def test_acknowledging_items_already_dropped_keeps_the_depth_right(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"), max_items=3)
    spool.add([reading(i) for i in range(3)])
    in_flight = spool.next_batch(3, 10**6)
    spool.add([reading(3), reading(4)])  # drops two of the in-flight items
    spool.acknowledge([item.id for item in in_flight], 3, 0)
    assert spool.depth() == 2
    assert spool.depth() == spool._db().execute("SELECT count(*) FROM outbox").fetchone()[0]


def test_a_batch_stays_under_the_byte_limit(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"))
    spool.add([reading(i) for i in range(100)])
    size = len(spool.next_batch(1, 10**6)[0].body) + 1
    assert len(spool.next_batch(100, size * 10)) == 10


def test_waiting_for_room_returns_when_the_sender_makes_room(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"), max_items=2)
    spool.add([reading(0), reading(1)])
    stop = threading.Event()

    def make_room() -> None:
        other = Spool(str(tmp_path / "s.db"))
        other.acknowledge([item.id for item in other.next_batch(2, 10**6)], 2, 0)

    threading.Timer(0.3, make_room).start()
    assert spool.wait_for_room(2, stop)
    assert spool.get_state("dropped", 0) == 0


def test_status_reports_dropped_items_and_the_oldest_waiting(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"), max_items=2)
    spool.add([reading(i) for i in range(5)])
    text = status.render(status.collect(spool.path))
    assert "dropped (spool full, oldest first): 3" in text
    assert "waiting to send:    2 (2 readings, 0 events)" in text
    assert "oldest unsent item: 2026-11-18T11:06:43Z" in text
    assert "agent:              not running (last seen never)" in text
