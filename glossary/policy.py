"""The default policy of DOMAIN.md §4: every clock, reminder and escalation is a setting.

The policy is captured in each Action's workflow input when it starts, so a later change of
settings never moves the clocks of a running Action.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator

_DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS = re.compile(
    r"^(?P<d1>[A-Za-z]{3})-(?P<d2>[A-Za-z]{3}) (?P<h1>\d\d):(?P<m1>\d\d)-(?P<h2>\d\d):(?P<m2>\d\d)$"
)


def _days(n: int) -> timedelta:
    return timedelta(days=n)


class DecisionRule(StrEnum):
    UNANIMITY = "unanimity"
    SILENCE_APPROVES = "silence_approves"


class WorkingHours(BaseModel):
    """When a reminder may land: e.g. Mon-Fri 09:00-17:00 in the recipient's time zone."""

    model_config = ConfigDict(frozen=True)

    first_day: int = 0
    last_day: int = 4
    opens: time = time(9, 0)
    closes: time = time(17, 0)

    @classmethod
    def parse(cls, text: str) -> WorkingHours | None:
        text = text.strip()
        if not text:
            return None
        m = _HOURS.match(text)
        if not m or m["d1"].lower() not in _DAYS or m["d2"].lower() not in _DAYS:
            raise ValueError(f"{text!r} is not like 'Mon-Fri 09:00-17:00'")
        opens = time(int(m["h1"]), int(m["m1"]))
        closes = time(int(m["h2"]), int(m["m2"]))
        if closes <= opens:
            raise ValueError(f"{text!r}: closing time must be after opening time")
        return cls(
            first_day=_DAYS.index(m["d1"].lower()),
            last_day=_DAYS.index(m["d2"].lower()),
            opens=opens,
            closes=closes,
        )

    def _is_working_day(self, day: date) -> bool:
        return self.first_day <= day.weekday() <= self.last_day

    def next_open(self, at: datetime, timezone: str) -> datetime:
        """`at` itself when within working hours, else the next opening, in UTC as given."""
        tz = ZoneInfo(timezone)
        local = at.astimezone(tz)
        if self._is_working_day(local.date()) and self.opens <= local.time() < self.closes:
            return at
        day = local.date()
        if local.time() >= self.opens:
            day += timedelta(days=1)
        while not self._is_working_day(day):
            day += timedelta(days=1)
        opening = datetime.combine(day, self.opens, tzinfo=tz)
        return opening.astimezone(at.tzinfo)


class Policy(BaseModel):
    """Durations are ISO-8601 in settings (`P21D`, `PT30S`); a month counts 30 days."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    intake_deadline: timedelta = _days(7)
    intake_reminders: list[timedelta] = [_days(4)]
    escalation_repeat: timedelta = _days(7)
    fiche_deadline: timedelta = _days(21)
    fiche_reminders: list[timedelta] = [_days(7), _days(14), _days(19)]
    revision_deadline: timedelta = _days(10)
    revision_reminders: list[timedelta] = [_days(7)]
    consultation_window: timedelta = _days(5)
    consultation_reminders: list[timedelta] = [_days(3)]
    psg_deadline: timedelta = _days(10)
    psg_reminders: list[timedelta] = [_days(5), _days(8)]
    psg_decision_rule: DecisionRule = DecisionRule.UNANIMITY
    expert_confirmation_deadline: timedelta = _days(7)
    expert_confirmation_reminders: list[timedelta] = [_days(4)]
    experts_per_activity: int = Field(default=2, ge=0, le=10)
    activity_reminders_before: list[timedelta] = [_days(14), _days(3)]
    completion_report_deadline: timedelta = _days(7)
    completion_report_reminders: list[timedelta] = [_days(3)]
    evaluation_deadline: timedelta = _days(14)
    evaluation_reminders: list[timedelta] = [_days(10)]
    feedback_deadline: timedelta = _days(30)
    feedback_reminders: list[timedelta] = [_days(14), _days(25)]
    # The partner validates the deliverables (DOMAIN §3 stage 6): asked at completion,
    # reminded, and the programme manager told when it is late.
    validation_deadline: timedelta = _days(21)
    validation_reminders: list[timedelta] = [_days(7), _days(14)]
    # A two-step Action: the officer plans the rest after the fact-finding mission.
    next_step_deadline: timedelta = _days(30)
    next_step_reminders: list[timedelta] = [_days(14), _days(25)]
    follow_up_after: timedelta = _days(180)
    adoption_check_after: timedelta = _days(360)
    follow_up_reminders: list[timedelta] = [_days(14)]
    hold_reminder_every: timedelta = _days(30)
    working_hours: str = "Mon-Fri 09:00-17:00"
    # An Action under review continues as new past this many history events (or when the
    # server suggests it), well before Temporal's limits: 10,000 signals, 51,200 events.
    continue_after_events: int = Field(default=4000, ge=50, le=40_000)

    @field_validator("working_hours")
    @classmethod
    def _hours_parse(cls, value: str) -> str:
        WorkingHours.parse(value)
        return value

    @field_validator(
        "intake_deadline",
        "escalation_repeat",
        "fiche_deadline",
        "revision_deadline",
        "consultation_window",
        "psg_deadline",
        "expert_confirmation_deadline",
        "completion_report_deadline",
        "evaluation_deadline",
        "feedback_deadline",
        "validation_deadline",
        "next_step_deadline",
        "follow_up_after",
        "adoption_check_after",
        "hold_reminder_every",
    )
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive duration such as P7D")
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _reminders_positive(cls, value: object) -> object:
        if isinstance(value, list) and any(
            isinstance(v, timedelta) and v <= timedelta(0) for v in value
        ):
            raise ValueError("reminder offsets must be positive durations such as P7D")
        return value

    @property
    def hours(self) -> WorkingHours | None:
        return WorkingHours.parse(self.working_hours)
