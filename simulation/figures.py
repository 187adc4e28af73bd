"""What a simulated year says about the programme's load: per project officer and month the
open Actions, the notices received and the answers due; the deadline misses of each clock;
the busiest week. Pure: from the Actions' final statuses and the notices they sent."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

from pydantic import BaseModel

from glossary import ActionStatus
from glossary.people import STAFF_ROLES
from simulation.mailroom import Sent

# A clock's name without its numbers and ids ("expert-2-EX-HU-02-1" -> "expert"). Not
# here: consultation and follow-up, whose end is no miss (positive silence; the adoption
# check that closes the Action).
CLOCK_KIND = re.compile(r"^([a-z]+(?:-up)?)")
CLOCK_WORDS = {
    "intake": "intake decision",
    "fiche": "Action Fiche",
    "revision": "Fiche revision",
    "psg": "PSG vote",
    "expert": "expert confirmation",
    "report": "completion report",
    "evaluation": "evaluation",
    "feedback": "partner feedback",
    "redate": "new dates",
    "hold": "on hold",
}


class OfficerMonth(BaseModel):
    officer: str
    month: str  # 2027-03
    open_actions: int
    notices: int
    answers_due: int


class ClockMisses(BaseModel):
    clock: str
    clocks: int  # clocks of this kind that sent at least one notice
    missed: int  # of those, run out: a notice went at their due time


class BusiestWeek(BaseModel):
    week_of: date  # its Monday
    notices: int
    answers_due: int


class LoadFigures(BaseModel):
    outcomes: dict[str, int]
    officer_months: list[OfficerMonth]
    misses: list[ClockMisses]
    busiest_week: BusiestWeek | None
    notices: int  # to the MIEUX team (TEAM): its inbox, whichever experts were invited


# Whose inbox the load is about. Notices to experts and focal points are left out of the
# counts: how many go depends on which expert the roster put forward (one with a focal
# point, or one without), and two activities of an Action may draw them in either order.
TEAM = STAFF_ROLES


def _to_team(sent: list[Sent]) -> list[Sent]:
    return [s for s in sent if s.notice.to.role in TEAM]


def clock_kind(clock: str) -> str:
    found = CLOCK_KIND.match(clock)
    return found.group(1) if found else clock


def _month(day: date) -> str:
    return f"{day:%Y-%m}"


def _months(first: date, last: date) -> list[str]:
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append(_month(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _open_span(status: ActionStatus) -> tuple[date, date] | None:
    if not status.stages:
        return None
    # Open from its arrival to the day it entered its last stage (the run ends them all).
    return status.stages[0].entered.date(), status.stages[-1].entered.date()


def load_figures(
    statuses: list[ActionStatus], sent: list[Sent], expert_answers: int
) -> LoadFigures:
    officers = sorted({s.project_officer for s in statuses})
    spans = {s.reference: _open_span(s) for s in statuses}
    days = [d for span in spans.values() if span for d in span] + [s.at.date() for s in sent]
    if not days:
        return LoadFigures(outcomes={}, officer_months=[], misses=[], busiest_week=None, notices=0)
    months = _months(min(days), max(days))
    to_officers = [s for s in sent if s.notice.to.role == "project_officer"]
    received = Counter((s.notice.to.id, _month(s.at.date())) for s in to_officers)
    due = Counter(
        (s.notice.to.id, _month(s.notice.due_at.date()))
        for s in to_officers
        if s.notice.due_at is not None
    )
    rows = []
    for officer in officers:
        for month in months:
            open_actions = 0
            for status in statuses:
                span = spans[status.reference]
                if status.project_officer == officer and span:
                    open_actions += _month(span[0]) <= month <= _month(span[1])
            rows.append(
                OfficerMonth(
                    officer=officer,
                    month=month,
                    open_actions=open_actions,
                    notices=received[(officer, month)],
                    answers_due=due[(officer, month)],
                )
            )
    return LoadFigures(
        outcomes=dict(sorted(Counter(str(s.stage) for s in statuses).items())),
        officer_months=rows,
        misses=_misses(sent, expert_answers),
        busiest_week=_busiest_week(_to_team(sent)),
        notices=len(_to_team(sent)),
    )


def _misses(sent: list[Sent], expert_answers: int) -> list[ClockMisses]:
    """A clock missed: a notice went at its due time. An expert's invitation sends none
    when it runs out (the next candidate is asked): it is missed when no answer came."""
    clocks: dict[str, set[tuple[str, str]]] = {}
    missed: dict[str, set[tuple[str, str]]] = {}
    invitations = sum(
        1 for s in sent if s.notice.kind == "invitation" and s.notice.to.role == "expert"
    )
    for s in sent:
        reference, clock, step, _ = s.notice.key.split("/", 3)
        kind = clock_kind(clock)
        if kind not in CLOCK_WORDS:
            continue  # a decision, an invitation: not a clock that can run out
        clocks.setdefault(kind, set()).add((reference, clock))
        if step == "due":
            missed.setdefault(kind, set()).add((reference, clock))
    found = [
        ClockMisses(
            clock=CLOCK_WORDS[kind],
            clocks=len(clocks[kind]),
            missed=len(missed.get(kind, set())),
        )
        for kind in CLOCK_WORDS
        if kind in clocks and kind != "expert"
    ]
    if invitations:
        found.append(
            ClockMisses(
                clock=CLOCK_WORDS["expert"],
                clocks=invitations,
                missed=max(0, invitations - expert_answers),
            )
        )
    return found


def _busiest_week(sent: list[Sent]) -> BusiestWeek | None:
    if not sent:
        return None

    def monday(day: date) -> date:
        return day - timedelta(days=day.weekday())

    notices = Counter(monday(s.at.date()) for s in sent)
    due = Counter(
        monday(s.notice.due_at.date())
        for s in sent
        if s.notice.due_at is not None and s.notice.to.role == "project_officer"
    )
    week = min(notices, key=lambda w: (-notices[w], w))
    return BusiestWeek(week_of=week, notices=notices[week], answers_due=due[week])
