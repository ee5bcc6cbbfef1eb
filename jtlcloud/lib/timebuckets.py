"""Time buckets of the rollups, and choosing the resolution that fits a requested point count.

Timestamps are integer milliseconds since the Unix epoch everywhere in storage:
compact in SQLite's variable-length integers and exact (no float rounding).
"""

from __future__ import annotations

import math

# Rollup bucket widths in seconds. Finer than 10 minutes would cost about as
# much space as the raw readings themselves for one-minute data (see bench/);
# each step is at most 6x the previous, so a range query always finds a
# resolution within a small factor of the points it asks for.
RESOLUTIONS: tuple[int, ...] = (600, 3600, 21600, 86400)
RAW = 0


def bucket_start(ts_ms: int, resolution_s: int) -> int:
    width = resolution_s * 1000
    return ts_ms - ts_ms % width


def choose_resolution(span_ms: int, points: int, raw_rows: int | None) -> int:
    """The finest resolution that gives at most twice the requested points.

    ``raw_rows`` is how many raw readings the range holds (counted up to a cap),
    or None when raw data is not available for the range. 0 means raw.
    Reading at most ~2x the rows returned keeps every range, from minutes to
    years, equally fast; the caller merges neighbours down to ``points``.
    """
    limit = 2 * points
    if raw_rows is not None and raw_rows <= limit:
        return RAW
    for resolution in RESOLUTIONS:
        if math.ceil(span_ms / (resolution * 1000)) <= limit:
            return resolution
    return RESOLUTIONS[-1]
