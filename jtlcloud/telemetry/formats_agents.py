"""Standard agents' formats: InfluxDB line protocol and collectd's ``write_http`` JSON.

Line protocol ``measurement,tag=v,... field=1.5,other=2i timestamp`` maps to
channel names as: the measurement, then each tag's value in tag-key order
(the tag ``unit`` is not part of the name: it sets the channel's unit), then
the field key unless it is ``value``; joined with ``.``. So
``boiler,circuit=north flow_temp=41.5`` is channel ``boiler.north.flow_temp``
and ``outdoor,unit=°C value=3.2`` is channel ``outdoor`` in °C. String
fields are not numbers and are skipped (counted as ignored); booleans are 1/0.

collectd: each value list maps to ``plugin[-plugin_instance].type[-type_instance]``,
plus ``.dsname`` when the type has more than one data source; e.g.
``cpu-0.cpu-idle`` or ``interface-eth0.if_octets.rx``. The host name is
not part of the channel: the installation key already says which machine it is.
"""

from __future__ import annotations

import math
import re
from typing import Any

from line_protocol_parser import LineFormatError, parse_line

from jtlcloud.telemetry.batch import (
    Batch,
    Errors,
    TimeWindow,
    check_unit,
    check_value,
)
from jtlcloud.telemetry.formats_json import load_json

_UNSAFE = re.compile(r"[^A-Za-z0-9_.:/-]")
# Divisors from each precision to milliseconds (InfluxDB 1.x and 2.x spellings).
PRECISIONS: dict[str, tuple[int, int]] = {
    # precision: (multiply, divide)
    "ns": (1, 1_000_000),
    "n": (1, 1_000_000),
    "us": (1, 1_000),
    "u": (1, 1_000),
    "ms": (1, 1),
    "s": (1_000, 1),
    "m": (60_000, 1),
    "h": (3_600_000, 1),
}


def safe_name(*parts: str) -> str:
    """A channel name from free-form parts: unsafe characters become ``_``."""
    name = ".".join(_UNSAFE.sub("_", part) for part in parts if part)[:200]
    if not name or not (name[0].isalnum() or name[0] == "_"):
        name = "_" + name[:199]
    return name


def parse_line_protocol(raw: bytes, precision: str, now_ms: int, errors: Errors) -> Batch:
    batch = Batch()
    multiply, divide = PRECISIONS[precision]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        errors.add("body", None, "", "is not valid UTF-8")
        return batch
    window = TimeWindow()
    for index, line in enumerate(text.split("\n")):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            point = parse_line(line)
        except (LineFormatError, ValueError, OverflowError) as error:
            errors.add("line", index + 1, "", f"is not line protocol: {error}"[:200])
            continue
        raw_time = point["time"]
        ts = now_ms if raw_time is None else raw_time * multiply // divide
        problem = window.check(ts)
        if problem:
            errors.add("line", index + 1, "timestamp", problem)
            continue
        tags: dict[str, str] = point["tags"]
        unit = tags.get("unit")
        if unit is not None:
            message = check_unit(unit)
            if message:
                errors.add("line", index + 1, "unit", message)
                continue
        stem = [point["measurement"]] + [tags[key] for key in sorted(tags) if key != "unit"]
        for key, value in point["fields"].items():
            if isinstance(value, str):
                batch.ignored += 1
                continue
            number, message = check_value(float(value) if isinstance(value, bool) else value)
            if message is not None or number is None:
                errors.add("line", index + 1, key[:50], message or "must be a number")
                continue
            channel = safe_name(*stem, *([] if key == "value" else [key]))
            if unit is not None:
                batch.units[channel] = unit
            batch.readings.append((channel, ts, number))
    return batch


def parse_collectd(raw: bytes, errors: Errors) -> Batch:
    """collectd ``write_http`` with ``Format "JSON"``: a list of value lists."""
    batch = Batch()
    try:
        document = load_json(raw)
    except (ValueError, RecursionError):
        errors.add("body", None, "", "is not valid UTF-8 JSON")
        return batch
    if not isinstance(document, list):
        errors.add("body", None, "", "must be a list of collectd value lists")
        return batch
    window = TimeWindow()
    for index, item in enumerate(document):
        _collectd_item(index, item, batch, errors, window)
    return batch


def _text(item: dict[str, Any], key: str) -> str:
    value = item.get(key, "")
    return value if isinstance(value, str) else ""


def _collectd_item(
    index: int, item: object, batch: Batch, errors: Errors, window: TimeWindow
) -> None:
    if not isinstance(item, dict):
        errors.add("values", index, "", "must be an object")
        return
    values, names = item.get("values"), item.get("dsnames")
    if not isinstance(values, list) or not isinstance(names, list) or len(values) != len(names):
        errors.add("values", index, "values", "values and dsnames must be lists of equal length")
        return
    when = item.get("time")
    if isinstance(when, bool) or not isinstance(when, int | float) or not math.isfinite(when):
        errors.add("values", index, "time", "must be Unix seconds")
        return
    ts = round(when * 1000)
    problem = window.check(ts)
    if problem:
        errors.add("values", index, "time", problem)
        return
    plugin, type_ = _text(item, "plugin"), _text(item, "type")
    if not plugin or not type_:
        errors.add("values", index, "plugin", "plugin and type are required")
        return
    plugin_instance, type_instance = _text(item, "plugin_instance"), _text(item, "type_instance")
    stem = [
        f"{plugin}-{plugin_instance}" if plugin_instance else plugin,
        f"{type_}-{type_instance}" if type_instance else type_,
    ]
    for value, name in zip(values, names, strict=True):
        if value is None:  # collectd writes an unknown gauge (NaN) as null
            batch.ignored += 1
            continue
        number, message = check_value(value)
        if message is not None or number is None:
            errors.add("values", index, "values", message or "must be a number")
            continue
        dsname = str(name) if len(names) > 1 else ""
        batch.readings.append((safe_name(*stem, dsname), ts, number))
