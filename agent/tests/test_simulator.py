"""The simulator: plausible values, counters that only go up, and restarts without repeats."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from jtlcloud_agent.sources import build_source
from jtlcloud_agent.sources.simulator_model import plant
from jtlcloud_agent.spool import Spool


def run_for(spool: Spool, seconds: float, **options: object) -> None:
    source = build_source("sim", {"type": "simulator", **options}, ".")
    stop = threading.Event()
    thread = threading.Thread(target=source.run, args=(spool, stop))
    thread.start()
    time.sleep(seconds)
    stop.set()
    thread.join(10)


def series(spool: Spool) -> dict[str, list[tuple[str, float]]]:
    out: dict[str, list[tuple[str, float]]] = {}
    for item in spool.next_batch(1_000_000, 10**9):
        body = json.loads(item.body)
        if item.kind == "reading":
            out.setdefault(body["channel"], []).append((body["ts"], body["value"]))
    return out


def test_a_restart_continues_the_series_without_repeats_or_gaps(tmp_path: Path) -> None:
    spool = Spool(str(tmp_path / "s.db"))
    run_for(spool, 1.0, backfill_days=0.5, interval=60)
    first = series(spool)
    assert len(first["flow_temp"]) >= 719
    run_for(Spool(spool.path), 1.0, backfill_days=0.5, interval=60)
    both = series(spool)
    for channel, points in both.items():
        stamps = [ts for ts, _ in points]
        assert stamps == sorted(set(stamps)), f"{channel} repeats a timestamp"
    energy = [value for _, value in both["heat_energy"]]
    assert energy == sorted(energy)


def test_winter_is_colder_than_summer_and_heating_follows() -> None:
    january = plant(1, 1_768_478_400)  # 2026-01-15 12:00 UTC
    july = plant(1, 1_784_116_800)  # 2026-07-15 12:00 UTC
    assert january["outdoor_temp"] < july["outdoor_temp"]
    assert january["flow_temp"] > july["flow_temp"]
    assert january["heat_kw"] > july["heat_kw"]
    for state in (january, july):
        assert 1.0 < state["system_pressure"] < 2.5
        assert state["return_temp"] < state["flow_temp"]
