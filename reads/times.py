"""How times read for people, in the CLI and on the board: "3 d 3 h", "overdue by 2 h 5 min"."""

from __future__ import annotations

from datetime import datetime, timedelta


def span(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min"


def time_left(due: datetime, now: datetime) -> str:
    left = due - now
    return span(left) if left >= timedelta(0) else f"overdue by {span(-left)}"
