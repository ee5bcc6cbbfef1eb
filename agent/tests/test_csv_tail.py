"""Following a CSV file: appends, partial lines, rotation, truncation and restarts."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from jtlcloud_agent.sources import build_source
from jtlcloud_agent.spool import Spool


def values(spool: Spool) -> list[tuple[str, float]]:
    items = [json.loads(item.body) for item in spool.next_batch(100_000, 10**9)]
    return [(item["channel"], item["value"]) for item in items]


class Follower:
    """Runs a CSV source in a thread, as the agent does, and stops it on request."""

    def __init__(self, spool: Spool, path: Path, **options: Any) -> None:
        self.source = build_source(
            "plant", {"type": "csv", "path": str(path), "poll_interval": 0.02, **options}, "."
        )
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.source.run, args=(spool, self.stop))
        self.thread.start()

    def halt(self) -> None:
        self.stop.set()
        self.thread.join(5)


def settle(spool: Spool, count: int) -> None:
    deadline = time.monotonic() + 5
    while spool.depth() < count and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)


@pytest.fixture
def spool(tmp_path: Path) -> Spool:
    return Spool(str(tmp_path / "spool.db"))


def test_it_reads_a_wide_file_with_one_column_per_channel(tmp_path: Path, spool: Spool) -> None:
    path = tmp_path / "plant.csv"
    path.write_text(
        "ts,flow_temp,pressure\n2026-11-24T10:00:00Z,21.5,1.8\n2026-11-24T10:01:00Z,,1.9\n"
    )
    follower = Follower(spool, path, units="flow_temp: °C, pressure: bar")
    settle(spool, 3)
    follower.halt()
    items = [json.loads(item.body) for item in spool.next_batch(10, 10**6)]
    assert items == [
        {"channel": "flow_temp", "ts": "2026-11-24T10:00:00Z", "value": 21.5, "unit": "°C"},
        {"channel": "pressure", "ts": "2026-11-24T10:00:00Z", "value": 1.8, "unit": "bar"},
        {"channel": "pressure", "ts": "2026-11-24T10:01:00Z", "value": 1.9, "unit": "bar"},
    ]


def test_it_reads_a_long_file_and_local_times(tmp_path: Path, spool: Spool) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("time,channel,value,unit\n2026-07-01 12:00:00,room_temp,22.25,°C\n")
    follower = Follower(spool, path, timezone="Europe/Berlin")
    settle(spool, 1)
    follower.halt()
    (item,) = [json.loads(i.body) for i in spool.next_batch(10, 10**6)]
    assert item == {
        "channel": "room_temp",
        "ts": "2026-07-01T10:00:00Z",
        "value": 22.25,
        "unit": "°C",
    }


def test_it_waits_for_the_end_of_a_line_being_written(tmp_path: Path, spool: Spool) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\n1795000000,1\n1795000060,2")
    follower = Follower(spool, path)
    settle(spool, 1)
    assert values(spool) == [("a", 1.0)]
    with path.open("a") as handle:
        handle.write("5\n")
    settle(spool, 2)
    follower.halt()
    assert values(spool) == [("a", 1.0), ("a", 25.0)]


def test_it_skips_bad_lines_and_says_so(tmp_path: Path, spool: Spool, caplog: Any) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\nyesterday,1\n1795000000,oops\n1795000060,3\n")
    follower = Follower(spool, path)
    settle(spool, 1)
    follower.halt()
    assert values(spool) == [("a", 3.0)]
    assert "not RFC 3339" in caplog.text and "not a number" in caplog.text


def test_it_resumes_after_a_restart_without_rereading_or_skipping(
    tmp_path: Path, spool: Spool
) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\n1795000000,1\n1795000060,2\n")
    follower = Follower(spool, path)
    settle(spool, 2)
    follower.halt()
    with path.open("a") as handle:
        handle.write("1795000120,3\n")  # written while the agent is stopped
    follower = Follower(Spool(spool.path), path)
    settle(spool, 3)
    follower.halt()
    assert values(spool) == [("a", 1.0), ("a", 2.0), ("a", 3.0)]


def test_it_follows_a_rotated_file(tmp_path: Path, spool: Spool) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\n1795000000,1\n")
    follower = Follower(spool, path)
    settle(spool, 1)
    with path.open("a") as handle:
        handle.write("1795000060,2\n")
    os.rename(path, tmp_path / "plant.csv.1")
    path.write_text("ts,b\n1795000120,3\n")
    settle(spool, 3)
    follower.halt()
    assert values(spool) == [("a", 1.0), ("a", 2.0), ("b", 3.0)]


def test_it_finishes_a_file_rotated_while_the_agent_was_stopped(
    tmp_path: Path, spool: Spool
) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\n1795000000,1\n")
    follower = Follower(spool, path)
    settle(spool, 1)
    follower.halt()
    with path.open("a") as handle:
        handle.write("1795000060,2\n")
    os.rename(path, tmp_path / "plant.csv.1")
    path.write_text("ts,b\n1795000120,3\n")
    follower = Follower(Spool(spool.path), path)
    settle(spool, 3)
    follower.halt()
    assert values(spool) == [("a", 1.0), ("a", 2.0), ("b", 3.0)]


def test_it_starts_over_after_truncation(tmp_path: Path, spool: Spool) -> None:
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\n1795000000,1\n1795000060,2\n")
    follower = Follower(spool, path)
    settle(spool, 2)
    with path.open("w") as handle:  # copytruncate-style rotation
        handle.write("ts,a\n")
    time.sleep(0.2)
    with path.open("a") as handle:
        handle.write("1795000120,3\n")
    settle(spool, 3)
    follower.halt()
    assert values(spool) == [("a", 1.0), ("a", 2.0), ("a", 3.0)]


def test_it_holds_the_file_back_instead_of_dropping_when_the_spool_is_full(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "spool.db"), max_items=10)
    path = tmp_path / "plant.csv"
    path.write_text("ts,a\n" + "".join(f"{1795000000 + i},{i}\n" for i in range(25)))
    follower = Follower(spool, path)
    settle(spool, 10)
    assert spool.depth() == 10  # only what fits; the other lines wait in the file
    sent = spool.next_batch(10, 10**6)
    spool.acknowledge([item.id for item in sent], 10, 0)  # as the sender would
    settle(spool, 10)
    follower.halt()
    assert [json.loads(item.body)["value"] for item in sent] == list(range(10))
    assert [value for _, value in values(spool)] == list(range(10, 20))
    assert spool.get_state("dropped", 0) == 0
