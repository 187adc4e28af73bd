"""The simulated year's load figures (simulation/figures.py): pure, from statuses and the
notices sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from glossary import ActionStatus
from glossary.notices import Notice
from glossary.people import Recipient
from simulation.figures import clock_kind, load_figures
from simulation.mailroom import Sent

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)


def _notice(key: str, kind: str, role: str, who: str, due: datetime | None = None) -> Notice:
    return Notice(
        key=key,
        kind=kind,
        reference=key.split("/")[0],
        to=Recipient(role=role, id=who, name=who, email=f"{who}@example.org"),
        subject="s",
        awaited="a",
        due_at=due,
        planned_at=T0,
    )


def _status(reference: str, officer: str, begin: datetime, end: datetime) -> ActionStatus:
    return ActionStatus(
        reference=reference,
        name=reference,
        stage="closed",
        title=reference,
        country="Kenya",
        region="Sub-Saharan Africa",
        themes=["migration data"],
        project_officer=officer,
        received_on=begin.date(),
        stages=[
            {"stage": "intake", "entered": begin, "left": end},
            {"stage": "closed", "entered": end},
        ],
    )


def test_each_officer_month_counts_open_actions_notices_and_answers_due():
    statuses = [
        _status("2027-01", "po.a", T0, T0 + timedelta(days=40)),  # March and April
        _status("2027-02", "po.b", T0 + timedelta(days=31), T0 + timedelta(days=35)),
    ]
    sent = [
        Sent(
            _notice(
                "2027-01/intake/reminder-1/po.a",
                "reminder",
                "project_officer",
                "po.a",
                due=T0 + timedelta(days=33),
            ),
            T0 + timedelta(days=4),
        ),
        Sent(_notice("2027-01/intake/due/pm", "escalation", "programme_manager", "pm"), T0),
    ]

    load = load_figures(statuses, sent, expert_answers=0)

    cells = {(r.officer, r.month): r for r in load.officer_months}
    assert (cells[("po.a", "2027-03")].open_actions, cells[("po.a", "2027-04")].open_actions) == (
        1,
        1,
    )
    assert cells[("po.b", "2027-03")].open_actions == 0
    assert cells[("po.a", "2027-03")].notices == 1
    assert cells[("po.a", "2027-04")].answers_due == 1  # due on 3 April
    assert load.outcomes == {"closed": 2}


def test_a_clock_is_missed_when_a_notice_goes_at_its_due_time_and_an_expert_when_silent():
    sent = [
        Sent(_notice(f"2027-0{n}/fiche/reminder-1/po.a", "reminder", "project_officer", "po.a"), T0)
        for n in (1, 2)
    ] + [
        Sent(_notice("2027-01/fiche/due/pm", "escalation", "programme_manager", "pm"), T0),
        Sent(
            _notice("2027-01/expert-1-EX-1-1/invitation/EX-1", "invitation", "expert", "EX-1"), T0
        ),
        Sent(
            _notice("2027-01/expert-1-EX-2-2/invitation/EX-2", "invitation", "expert", "EX-2"), T0
        ),
    ]

    misses = {m.clock: m for m in load_figures([], sent, expert_answers=1).misses}

    assert (misses["Action Fiche"].missed, misses["Action Fiche"].clocks) == (1, 2)
    assert (misses["expert confirmation"].missed, misses["expert confirmation"].clocks) == (1, 2)


def test_the_busiest_week_is_the_week_with_most_notices():
    monday = datetime(2027, 5, 3, 10, tzinfo=UTC)
    sent = [
        Sent(
            _notice(f"2027-01/fiche/reminder-{n}/po.a", "reminder", "project_officer", "po.a"),
            monday + timedelta(days=n % 5),
        )
        for n in range(6)
    ] + [
        Sent(
            _notice("2027-01/intake/reminder-1/po.a", "reminder", "project_officer", "po.a"),
            monday - timedelta(days=7),
        )
    ]

    week = load_figures([], sent, expert_answers=0).busiest_week

    assert week is not None and (week.week_of, week.notices) == (date(2027, 5, 3), 6)


def test_clock_kinds_drop_numbers_and_expert_ids():
    assert clock_kind("expert-2-EX-HU-02-1") == "expert"
    assert clock_kind("follow-up") == "follow-up"
    assert clock_kind("report-3") == "report"
    assert clock_kind("psg-2") == "psg"
