"""How times read for people in `status` and `list`."""

from __future__ import annotations

from datetime import UTC, datetime

from starter.render import time_left


def test_status_time_left_reads_in_days_hours_and_overdue():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert time_left(datetime(2026, 3, 5, 15, 30, tzinfo=UTC), now) == "3 d 3 h"
    assert time_left(datetime(2026, 3, 2, 14, 5, tzinfo=UTC), now) == "2 h 5 min"
    assert time_left(datetime(2026, 3, 1, 12, 0, tzinfo=UTC), now) == "overdue by 1 d 0 h"
