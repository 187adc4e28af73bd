"""The clock every stage uses: a deadline, reminders before it, escalations after it, and
pause/resume for hold. Pure state: the workflow asks it for the next alarm and sleeps.

A clock never sends anything itself; the workflow decides what an alarm means (a reminder
to the officer, "silence counts as no objection", the next expert candidate, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from glossary import ClockView, Recipient, WorkingHours


@dataclass(frozen=True)
class Alarm:
    clock: str
    step: str  # "reminder-1", "due", "escalation-2"
    at: datetime
    recipient: Recipient | None
    summary: str  # the timer's name in the Temporal UI

    @property
    def key(self) -> str:
        return f"{self.step}:{self.recipient.id}" if self.recipient else self.step


@dataclass
class Clock:
    name: str  # unique in the Action, e.g. "fiche", "psg-2", "expert-3-EXP-017"
    kind: str  # what `extend_deadline --clock` names: "fiche", "psg", "revision", ...
    label: str  # "Action Fiche", for people
    started_at: datetime
    due_at: datetime
    reminders: list[timedelta] = field(default_factory=list)
    reminder_to: list[Recipient] = field(default_factory=list)
    escalate_every: timedelta | None = None
    escalate_to: str = ""  # who, for the timer's summary
    defer_to_working_hours: bool = True
    pausable: bool = True
    is_deadline: bool = True  # counts for MieuxNextDue
    done: list[str] = field(default_factory=list)
    paused_at: datetime | None = None

    def pending(self, hours: WorkingHours | None, *, before_due: bool = False) -> list[Alarm]:
        """Every alarm not yet fired, in no particular order (only the next escalation).

        With `before_due`, a reminder deferred to working hours never lands at or after the
        deadline it reminds of: when no working time is left before it, it goes at once.
        """
        alarms: list[Alarm] = []
        for index, offset in enumerate(self.reminders, start=1):
            nominal = self.started_at + offset
            if nominal >= self.due_at:
                continue
            for person in self.reminder_to:
                at = nominal
                if hours and self.defer_to_working_hours:
                    at = hours.next_open(nominal, person.timezone)
                    if before_due and at >= self.due_at:
                        at = nominal
                alarms.append(
                    Alarm(
                        self.name,
                        f"reminder-{index}",
                        at,
                        person,
                        f"{self.label} reminder {index} to {person.id}",
                    )
                )
        alarms.append(Alarm(self.name, "due", self.due_at, None, f"{self.label} due"))
        if self.escalate_every is not None:
            count = sum(1 for key in self.done if key.startswith("escalation-"))
            alarms.append(
                Alarm(
                    self.name,
                    f"escalation-{count + 1}",
                    self.due_at + self.escalate_every * (count + 1),
                    None,
                    f"{self.label} escalation {count + 1}"
                    + (f" to {self.escalate_to}" if self.escalate_to else ""),
                )
            )
        return [a for a in alarms if a.key not in self.done]

    def view(self) -> ClockView:
        return ClockView(
            name=self.name,
            kind=self.kind,
            deadline=self.is_deadline,
            label=self.label,
            started_at=self.started_at,
            due_at=self.due_at,
            paused=self.paused_at is not None,
            steps_done=list(self.done),
        )


class Clocks:
    """The open clocks of one workflow.

    `strict` is the behaviour of Actions started since release 0.2 (`workflow.patched`):
    reminders never land after their deadline, and an alarm superseded by a later one of
    the same clock is not sent (see `Casework._fire`). Older Actions keep the old rules.
    """

    def __init__(self, *, strict: bool = False) -> None:
        self.open: dict[str, Clock] = {}
        self.strict = strict

    def start(self, clock: Clock) -> Clock:
        self.open[clock.name] = clock
        return clock

    def stop(self, name: str) -> Clock | None:
        return self.open.pop(name, None)

    def stop_kind(self, *kinds: str) -> None:
        for name in [n for n, c in self.open.items() if c.kind in kinds]:
            del self.open[name]

    def get(self, name: str) -> Clock | None:
        return self.open.get(name)

    def find(self, name_or_kind: str) -> Clock | None:
        if name_or_kind in self.open:
            return self.open[name_or_kind]
        matches = [c for c in self.open.values() if c.kind == name_or_kind]
        return matches[0] if len(matches) == 1 else None

    def mark(self, alarm: Alarm) -> None:
        clock = self.open.get(alarm.clock)
        if clock is not None:
            clock.done.append(alarm.key)

    def pause(self, now: datetime) -> None:
        for clock in self.open.values():
            if clock.pausable and clock.paused_at is None:
                clock.paused_at = now

    def resume(self, now: datetime) -> timedelta:
        """Shift every paused clock by the time it was paused: what remained, remains."""
        held = timedelta(0)
        for clock in self.open.values():
            if clock.paused_at is not None:
                held = now - clock.paused_at
                clock.started_at += held
                clock.due_at += held
                clock.paused_at = None
        return held

    def next_alarm(self, hours: WorkingHours | None) -> Alarm | None:
        candidates = [
            alarm
            for clock in self.open.values()
            if clock.paused_at is None
            for alarm in clock.pending(hours, before_due=self.strict)
        ]
        # Ties broken by clock name and step so replays always choose the same alarm.
        return min(candidates, key=lambda a: (a.at, a.clock, a.key), default=None)

    def superseded(self, alarm: Alarm, now: datetime, hours: WorkingHours | None) -> bool:
        """Another, later step of the same clock is also due by `now`: this alarm's moment
        has passed (a clock opened late, a worker was down), so only the latest goes out."""
        clock = self.open.get(alarm.clock)
        if clock is None or clock.paused_at is not None:
            return False
        return any(
            other.step != alarm.step and other.at <= now
            for other in clock.pending(hours, before_due=self.strict)
        )

    def next_due(self) -> datetime | None:
        dues = [c.due_at for c in self.open.values() if c.is_deadline and c.paused_at is None]
        return min(dues, default=None)

    def views(self) -> list[ClockView]:
        return [c.view() for c in self.open.values()]
