"""A simulated heating plant: smooth, deterministic channel values for any instant.

Used for the demo's year of history and for its live data, so the live
values continue the history without a jump.
"""

from __future__ import annotations

import math

# The names match the installation agent's simulator, so its live data continues this history.
CHANNELS: dict[str, str] = {
    "outdoor_temp": "°C",
    "flow_temp": "°C",
    "return_temp": "°C",
    "system_pressure": "bar",
    "pump_speed": "%",
}
_YEAR = 365.25 * 86400
_DAY = 86400.0


def _wiggle(t: float, seed: float) -> float:
    # Sum of incommensurate sines: looks like weather, costs no state.
    return (
        math.sin(t / 7_200 + seed)
        + 0.6 * math.sin(t / 2_700 + 2 * seed)
        + 0.35 * math.sin(t / 130_000 + 3 * seed)
        + 0.2 * math.sin(t / 611 + 5 * seed)
    )


def values_at(t: float) -> dict[str, float]:
    """Every channel's value at Unix time ``t`` (seconds)."""
    season = math.cos(2 * math.pi * ((t / _YEAR) % 1.0 - 0.05))  # 1 in winter, -1 in summer
    day = math.sin(2 * math.pi * (((t / _DAY) % 1.0) - 0.375))  # warmest mid-afternoon
    outdoor = 9 - 8 * season + 4 * day + 1.6 * _wiggle(t, 0.3)
    heating = outdoor < 15.5
    flow = (62 - 1.1 * outdoor if heating else 27) + 0.9 * _wiggle(t, 1.7)
    spread = 9 + 1.5 * _wiggle(t, 2.9) if heating else 2 + 0.3 * _wiggle(t, 2.9)
    demand = min(1.0, max(0.0, (17 - outdoor) / 27))
    speed = 25 + 70 * demand + 3 * _wiggle(t, 4.1)
    # The pressure falls slowly (a small leak) and is topped up every 40 days.
    cycle = (t % (40 * _DAY)) / (40 * _DAY)
    pressure = 1.85 - 0.75 * cycle + 0.02 * _wiggle(t, 5.3)
    return {
        "outdoor_temp": round(outdoor, 2),
        "flow_temp": round(flow, 2),
        "return_temp": round(flow - spread, 2),
        "system_pressure": round(pressure, 3),
        "pump_speed": round(max(speed, 0.0), 1),
    }


def events_between(start: float, end: float) -> list[dict[str, object]]:
    """The plant's events in [start, end): deterministic, so re-seeding never duplicates them."""
    events: list[dict[str, object]] = []
    day = math.floor(start / _DAY)
    while day * _DAY < end:
        base = day * _DAY
        for hour, code, severity, message in (
            (5.5, "HEATING_ON", "info", "Heating schedule started"),
            (22.5, "HEATING_OFF", "info", "Heating schedule ended"),
        ):
            _add(events, start, end, base + hour * 3600, code, severity, message)
        if day % 40 == 0:
            _add(events, start, end, base + 10 * 3600, "PRESSURE_TOPPED_UP", "info",
                 "System pressure topped up to 1.85 bar")  # fmt: skip
        if day % 40 == 37:
            _add(events, start, end, base + 9 * 3600, "PRESSURE_LOW", "warning",
                 "System pressure below 1.2 bar")  # fmt: skip
        if day % 53 == 11:
            _add(events, start, end, base + 3 * 3600 + 120, "FLAME_FAILURE", "alarm",
                 "Burner failed to light after 3 attempts")  # fmt: skip
            _add(events, start, end, base + 3 * 3600 + 900, "FLAME_RESTORED", "info",
                 "Burner lit after a reset")  # fmt: skip
        if day % 97 == 50:
            _add(events, start, end, base + 14 * 3600, "OVERHEAT", "critical",
                 "Flow temperature above 90 °C: burner locked out")  # fmt: skip
        day += 1
    return events


def _add(
    events: list[dict[str, object]],
    start: float,
    end: float,
    when: float,
    code: str,
    severity: str,
    message: str,
) -> None:
    if start <= when < end:
        events.append(
            {
                "id": f"sim-{code}-{int(when)}",
                "ts": when,
                "severity": severity,
                "code": code,
                "message": message,
            }
        )
