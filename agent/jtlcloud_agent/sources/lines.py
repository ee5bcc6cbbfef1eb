"""Parse one text line from stdin or a command: a JSON object, or `channel value [unit]`."""

from __future__ import annotations

import json
from datetime import datetime, timezone, tzinfo

from jtlcloud_agent.items import InvalidItem, Item, item_from_mapping, make_reading

FORMATS = ("auto", "jsonl", "plain")


def parse_line(
    line: str, fmt: str, default_ts: datetime, zone: tzinfo = timezone.utc
) -> Item | None:
    """Return the item, None for a blank or comment line; raise InvalidItem otherwise."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None
    if fmt == "jsonl" or (fmt == "auto" and text.startswith("{")):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise InvalidItem(f"not JSON: {exc}") from None
        return item_from_mapping(data, default_ts, zone)
    parts = text.split()
    if len(parts) not in (2, 3):
        raise InvalidItem("expected `channel value` or `channel value unit`")
    unit = parts[2] if len(parts) == 3 else None
    return make_reading(parts[0], default_ts, parts[1], unit, zone)


def describe(line: str, limit: int = 120) -> str:
    text = line.strip()
    return text if len(text) <= limit else text[:limit] + "..."
