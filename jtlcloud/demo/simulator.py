"""The demo's fallback live data source: posts the simulated plant to the ingest API.

Run as ``python -m jtlcloud.demo.simulator URL`` with the installation key in
``JTL_DEMO_KEY``. Standard library only; keeps trying while the server starts.
"""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request

from jtlcloud.demo import plant

LIVE_EVENTS = [
    ("BOILER_SERVICE_DUE", "info", "Annual service due in 14 days"),
    ("PRESSURE_LOW", "warning", "System pressure below 1.2 bar"),
    ("HEATING_ON", "info", "Heating demand from zone 2"),
    ("FLAME_FAILURE", "alarm", "Burner failed to light after 3 attempts"),
    ("FLAME_RESTORED", "info", "Burner lit after an automatic reset"),
    ("SENSOR_FAULT", "warning", "Return temperature sensor reading out of range"),
    ("OVERHEAT", "critical", "Flow temperature above 90 °C: burner locked out"),
    ("LOCKOUT_CLEARED", "info", "Lockout cleared by the controller"),
]


def post(url: str, key: str, body: dict[str, object]) -> int:
    request = urllib.request.Request(  # noqa: S310 - our own server's URL
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)


def run(url: str, key: str, every: float = 5.0) -> None:
    last_events = time.time()
    last_slot = int(last_events // 420)
    pending: list[dict[str, object]] = []  # kept until delivered: nothing lost while down
    while True:
        now = time.time()
        ts = round(now, 3)
        pending.extend(
            {"channel": name, "ts": ts, "value": value, "unit": plant.CHANNELS[name]}
            for name, value in plant.values_at(now).items()
        )
        events = plant.events_between(last_events, now)
        slot = int(now // 420)  # every seven minutes something happens, so the event log moves
        if slot != last_slot:
            last_slot = slot
            code, severity, message = LIVE_EVENTS[slot % len(LIVE_EVENTS)]
            events.append(
                {"id": f"live-{slot}", "ts": ts, "severity": severity, "code": code,
                 "message": message, "details": {"flow_temp": plant.values_at(now)["flow_temp"]}}
            )  # fmt: skip
        try:
            post(url, key, {"readings": pending[-5000:], "events": events})
            pending = []
            last_events = now
        except (urllib.error.URLError, OSError, ValueError):
            pass  # the server is starting or restarting: keep the readings and try again
        time.sleep(every)


if __name__ == "__main__":
    run(sys.argv[1], os.environ["JTL_DEMO_KEY"], float(sys.argv[2]) if len(sys.argv) > 2 else 5.0)
