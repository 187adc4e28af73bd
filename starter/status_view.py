"""The status query's JSON, read for `mieux status` without building its pydantic models:
the table staff read most starts about as fast as the SDK imports (issue 15).

Values are what `glossary.status` would give: dates and times parsed from ISO text by the
name of their field, nested objects read as attributes, maps kept as maps.
`tests/starter/test_status_view.py` holds these names to the models' fields, and the
rendered table to the one the models give.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

DATES = frozenset({"received_on", "start", "end"})
TIMES = frozenset({"next_due", "at", "started_at", "due_at", "entered", "left"})
MAPS = frozenset({"evaluation", "refusals_not_listed"})


class StatusView:
    """One object of the status: `view.clocks[0].due_at` as on the model."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getattr__(self, name: str) -> Any:
        try:
            value = self._values[name]
        except KeyError:
            # A status from another release: let the caller fall back to the model.
            raise AttributeError(name) from None
        return _read(name, value)


def _read(name: str, value: Any) -> Any:
    if value is None or name in MAPS:
        return value
    if name in DATES:
        return date.fromisoformat(value)
    if name in TIMES:
        return datetime.fromisoformat(value)
    if isinstance(value, dict):
        return StatusView(value)
    if isinstance(value, list):
        return [StatusView(v) if isinstance(v, dict) else v for v in value]
    return value
