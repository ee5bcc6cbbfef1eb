"""A simulated heating plant, for demos and load tests: realistic channels and events.

Every non-counter channel is a pure function of time (seasonal and daily cycles plus
deterministic noise), so history generated now matches what live mode would have produced.
The energy counters only go up; their values and the simulator's clock are committed with
the readings, so a restart continues the series without gaps or repeats.

`backfill_days` first generates that many days of 1-minute history for every channel,
in batches of a few hours so that a year (over 4 million readings) streams steadily.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from jtlcloud_agent.items import Item
from jtlcloud_agent.sources.options import Options
from jtlcloud_agent.sources.simulator_events import events_in_minute
from jtlcloud_agent.sources.simulator_model import UNITS, format_ts_unix, plant
from jtlcloud_agent.spool import Spool

log = logging.getLogger(__name__)

HISTORY_STEP = 60
BATCH_MINUTES = 240
MAX_CATCH_UP = 7 * 86400  # after a long outage, fill at most a week (plus any backfill)


class SimulatorSource:
    finite = False

    def __init__(self, name: str, interval: float, backfill_days: float, seed: int) -> None:
        self.name = name
        self.interval = interval
        self.backfill_days = backfill_days
        self.seed = seed
        self.state_key = f"source:{name}"

    @classmethod
    def from_options(cls, name: str, values: dict[str, Any], base_dir: str) -> SimulatorSource:
        options = Options(f"source.{name}", values, base_dir)
        source = cls(
            name,
            options.number("interval", 10.0, minimum=0.01),
            options.number("backfill_days", 0.0),
            int(options.number("seed", 1)),
        )
        options.done()
        return source

    def run(self, spool: Spool, stop: threading.Event) -> None:
        saved = spool.get_state(self.state_key) or {}
        now = time.time()
        earliest = now - max(self.backfill_days * 86400, MAX_CATCH_UP)
        start = now - self.backfill_days * 86400 if not saved else max(saved["t"], earliest)
        t = float(math.floor(start / HISTORY_STEP) * HISTORY_STEP)
        counters = saved.get("counters", {"heat_energy": 1000.0, "electric_energy": 100.0})
        if now - t > HISTORY_STEP:
            log.info("source %s: generating history from %s", self.name, format_ts_unix(t))
        while not stop.is_set():
            now = time.time()
            if now - t > 2 * HISTORY_STEP:
                steps = [t + HISTORY_STEP * i for i in range(1, BATCH_MINUTES + 1)]
                steps = [step for step in steps if step <= now]
            else:
                next_t = max(t + self.interval, math.floor(now / self.interval) * self.interval)
                if next_t > now:
                    stop.wait(next_t - now)
                    continue
                steps = [next_t]
            items = self.generate(t, steps, counters)
            # History waits for room rather than pushing older readings out of the spool.
            if not spool.wait_for_room(len(items), stop):
                break
            t = steps[-1]
            spool.add(items, {self.state_key: {"t": t, "counters": counters}})
            if len(steps) > 1 and now - t <= 2 * HISTORY_STEP:
                log.info(
                    "source %s: history complete; now live every %g s", self.name, self.interval
                )

    def generate(
        self, previous: float, steps: list[float], counters: dict[str, float]
    ) -> list[Item]:
        """Readings for each time in `steps` (and events for each minute since `previous`)."""
        items = []
        for t in steps:
            state = plant(self.seed, t)
            hours = (t - previous) / 3600
            counters["heat_energy"] = round(
                counters["heat_energy"] + state.pop("heat_kw") * hours, 3
            )
            counters["electric_energy"] = round(
                counters["electric_energy"] + state.pop("electric_kw") * hours, 3
            )
            state.update(counters)
            stamp = format_ts_unix(t)
            for channel, value in state.items():
                items.append(
                    Item(
                        "reading",
                        f'{{"channel":"{channel}","ts":"{stamp}","value":{value!r},'
                        f'"unit":"{UNITS[channel]}"}}',
                    )
                )
            first_minute = math.floor(previous / 60) + 1
            for minute in range(first_minute, math.floor(t / 60) + 1):
                items.extend(events_in_minute(self.seed, minute))
            previous = t
        return items
