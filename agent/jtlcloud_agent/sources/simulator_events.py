"""Events of the simulated plant: door openings, temperature and pressure alarms, burner faults.

Decided per minute from deterministic noise, so history and live mode agree and a restart
produces the same event ids (the server then keeps each event once).
"""

from __future__ import annotations

import json
from typing import Any

from jtlcloud_agent.items import Item
from jtlcloud_agent.sources.simulator_model import format_ts_unix, noise, plant

DAYTIME_DOOR_CHANCE = 0.004  # about three openings during a working day
NIGHT_DOOR_CHANCE = 0.0003
BURNER_FAULT_CHANCE = 1 / (30 * 1440)  # about once a month
FLOW_ALARM_ABOVE = 70.0
PRESSURE_WARNING_BELOW = 1.5


def events_in_minute(seed: int, minute: int) -> list[Item]:
    def chance(stream: int, at_minute: int) -> float:
        return (noise(seed, stream, at_minute) + 1) / 2

    events: list[Item] = []
    hour = (minute % 1440) // 60
    door_chance = DAYTIME_DOOR_CHANCE if 6 <= hour < 20 else NIGHT_DOOR_CHANCE
    if chance(20, minute) < door_chance:
        events.append(_event(minute, "info", "DOOR_OPEN", "Plant room door opened"))
    for opened_ago in range(1, 9):
        opened = minute - opened_ago
        hour_then = (opened % 1440) // 60
        then_chance = DAYTIME_DOOR_CHANCE if 6 <= hour_then < 20 else NIGHT_DOOR_CHANCE
        if chance(20, opened) >= then_chance:
            continue
        duration = 1 + int(chance(21, opened) * 8)
        if opened_ago == duration:
            events.append(_event(minute, "info", "DOOR_CLOSED", "Plant room door closed"))
        if opened_ago == 5 and duration > 5:
            events.append(
                _event(minute, "warning", "DOOR_LEFT_OPEN", "Plant room door open for 5 minutes")
            )

    now, before = plant(seed, minute * 60.0), plant(seed, (minute - 1) * 60.0)
    if now["flow_temp"] > FLOW_ALARM_ABOVE >= before["flow_temp"]:
        events.append(
            _event(
                minute, "alarm", "FLOW_TEMP_HIGH", "Flow temperature above limit",
                {"value": now["flow_temp"], "limit": FLOW_ALARM_ABOVE},
            )
        )  # fmt: skip
    if now["system_pressure"] < PRESSURE_WARNING_BELOW <= before["system_pressure"]:
        events.append(
            _event(
                minute, "warning", "PRESSURE_LOW", "System pressure low, refill needed",
                {"value": now["system_pressure"], "limit": PRESSURE_WARNING_BELOW},
            )
        )  # fmt: skip
    if chance(22, minute) < BURNER_FAULT_CHANCE:
        events.append(_event(minute, "critical", "BURNER_FAULT", "Burner lockout: no flame"))
    if chance(22, minute - 15) < BURNER_FAULT_CHANCE:
        events.append(_event(minute, "info", "BURNER_RESET", "Burner reset after lockout"))
    return events


def _event(
    minute: int, severity: str, code: str, message: str, details: dict[str, float] | None = None
) -> Item:
    body: dict[str, Any] = {
        "id": f"sim-{code.lower()}-{minute}",
        "ts": format_ts_unix(minute * 60),
        "severity": severity,
        "code": code,
        "message": message,
    }
    if details:
        body["details"] = details
    return Item("event", json.dumps(body, separators=(",", ":")))
