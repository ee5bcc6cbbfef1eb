"""Which resolution a range query reads: about as many rows as it returns, at any span."""

from __future__ import annotations

import pytest

from jtlcloud.lib.timebuckets import RAW, choose_resolution

DAY = 86_400_000


@pytest.mark.parametrize(
    ("span", "raw_rows", "expected"),
    [
        (DAY, 1440, RAW),  # a day of one-minute readings: raw
        (DAY, 2001, 600),  # denser readings: ten-minute rollups
        (30 * DAY, 2001, 3600),  # a month: hourly (720 rows)
        (365 * DAY, None, 21600),  # a year: six-hourly (1,460 rows)
        (20 * 365 * DAY, None, 86400),  # twenty years: daily
    ],
)
def test_it_chooses_the_finest_resolution_within_twice_the_points(span, raw_rows, expected):
    assert choose_resolution(span, 1000, raw_rows) == expected
