"""The simulated heating plant as pure functions of time, shared by readings and events."""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone

from jtlcloud_agent.items import format_ts

UNITS = {
    "outdoor_temp": "°C",
    "flow_temp": "°C",
    "return_temp": "°C",
    "room_temp": "°C",
    "dhw_temp": "°C",
    "system_pressure": "bar",
    "pump_speed": "%",
    "heat_energy": "kWh",
    "electric_energy": "kWh",
}


def noise(seed: int, channel: int, knot: int) -> float:
    """Deterministic pseudo-random number in [-1, 1) for an integer position (splitmix64)."""
    z = (seed * 0x9E3779B97F4A7C15 + channel * 0xBF58476D1CE4E5B9 + knot) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return ((z ^ (z >> 31)) / 2**63) - 1.0


def smooth(seed: int, channel: int, t: float, period: float) -> float:
    """Noise that wanders slowly: linear between random knots `period` seconds apart."""
    position = t / period
    knot = math.floor(position)
    fraction = position - knot
    return (1 - fraction) * noise(seed, channel, knot) + fraction * noise(seed, channel, knot + 1)


def plant(seed: int, t: float) -> dict[str, float]:
    """The instantaneous (non-counter) state of the plant at Unix time t."""
    day = (t % 86400) / 86400
    year = (t / 86400 - 20) / 365.25  # coldest around 20 January
    outdoor = (
        9 - 10 * math.cos(2 * math.pi * year)
        - 4 * math.cos(2 * math.pi * (day - 0.125))  # coldest before dawn, warmest mid-afternoon
        + 3 * smooth(seed, 1, t, 6 * 3600) + 0.3 * smooth(seed, 2, t, 600)
    )  # fmt: skip
    demand = min(1.0, max(0.0, (17 - outdoor) / 27))
    night = day < 0.25 or day > 0.9
    room = (19.0 if night else 21.0) + 0.4 * smooth(seed, 3, t, 1800) + 0.3 * (1 - demand)
    flow = 28 + 44 * demand + (0 if not night else -5) + 1.5 * smooth(seed, 4, t, 900)
    spread = 3 + 9 * demand
    draw = (
        8
        * max(0.0, smooth(seed, 5, t, 1200))
        * (1 if 0.27 < day < 0.35 or 0.75 < day < 0.85 else 0.2)
    )
    return {
        "outdoor_temp": round(outdoor, 2),
        "flow_temp": round(flow, 2),
        "return_temp": round(flow - spread + 0.4 * smooth(seed, 6, t, 300), 2),
        "room_temp": round(room, 2),
        "dhw_temp": round(55 - draw + 0.5 * smooth(seed, 7, t, 600), 2),
        "system_pressure": round(1.55 + 0.006 * (flow - 28) + 0.08 * smooth(seed, 8, t, 7200), 3),
        "pump_speed": round(25 + 70 * demand + 3 * smooth(seed, 9, t, 600), 1),
        "heat_kw": 2 + 22 * demand + draw,
        "electric_kw": 0.15 + 0.35 * demand,
    }  # fmt: skip


def format_ts_unix(t: float) -> str:
    if t == int(t):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))
    return format_ts(datetime.fromtimestamp(t, timezone.utc))
