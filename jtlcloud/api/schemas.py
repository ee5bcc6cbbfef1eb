"""Request and response shapes of the v1 API (``XIn`` / ``XOut``), for validation and OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class ErrorOut(Schema):
    error: str = Field(description="A stable machine-readable code, e.g. `unauthorised`.")
    detail: str = Field(description="What went wrong, for people.")


class ItemErrorOut(Schema):
    item: str = Field(description="`readings`, `events`, `line`, `values` or `body`.")
    index: int | None = Field(description="0-based index of the item (1-based line number).")
    field: str
    message: str


class IngestErrorOut(ErrorOut):
    errors: list[ItemErrorOut]
    error_count: int


class CountsOut(Schema):
    accepted: int
    duplicates: int


class IngestOut(Schema):
    readings: CountsOut
    events: CountsOut
    ignored: int = Field(description="Values that are not numbers (e.g. string fields).")


class ReadingIn(Schema):
    channel: str = Field(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,199}$", examples=["flow_temp"])
    ts: datetime | float = Field(description="RFC 3339 with a zone, or Unix seconds.")
    value: float = Field(description="Finite, |value| ≤ 1e15.")
    unit: str | None = Field(None, max_length=32, examples=["°C"])


class EventIn(Schema):
    id: str = Field(
        min_length=1,
        max_length=100,
        description="Chosen by the client: retries with the same id are stored once.",
    )
    ts: datetime | float
    severity: str = Field(pattern="^(info|warning|alarm|critical)$")
    code: str = Field(pattern=r"^[A-Za-z0-9_.:-]{1,64}$", examples=["DOOR_OPEN"])
    message: str = Field("", max_length=1000)
    details: dict[str, Any] | None = Field(None, description="At most 4 KB as JSON.")


class IngestIn(Schema):
    readings: list[ReadingIn] = []
    events: list[EventIn] = []


class InstallationOut(Schema):
    code: UUID
    name: str
    owner: str
    time_zone: str
    online: bool
    last_seen_at: datetime | None
    access: str = Field(description="How you may see it: `owner`, `grant` or `staff`.")


class ChannelOut(Schema):
    name: str
    unit: str
    latest_ts: datetime | None
    latest_value: float | None


class InstallationDetailOut(InstallationOut):
    channels: list[ChannelOut]


class SeriesOut(Schema):
    channel: str
    unit: str
    resolution: int = Field(description="Seconds per row; 0 means raw readings.")
    rows: list[tuple[int, float, float, float]] = Field(
        description="`[ts, min, avg, max]`: ts in ms since the Unix epoch, start of the bucket."
    )


class EventOut(Schema):
    id: str
    ts: datetime
    severity: str
    code: str
    message: str
    details: dict[str, Any] | None


class EventPageOut(Schema):
    events: list[EventOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page.")
