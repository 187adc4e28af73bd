"""`mieux status` reads the query's JSON through `starter/status_view.py`, without the status
models: the view must read every field as the models do, and the table must be theirs."""

from __future__ import annotations

import json
import types
import typing
from datetime import UTC, date, datetime, timedelta

import pydantic
import pytest

from glossary import status as models
from glossary.notices import MailProblem
from glossary.status import (
    ActionStatus,
    ActivityView,
    AuditEntry,
    ClockView,
    DocumentView,
    ExpertSlotView,
    PsgVoteView,
    StageSpan,
)
from starter.render import status_text
from starter.status_view import DATES, MAPS, TIMES, StatusView

NOW = datetime(2027, 5, 3, 9, 30, tzinfo=UTC)


def _status_models() -> list[type[pydantic.BaseModel]]:
    return [
        m
        for m in vars(models).values()
        if isinstance(m, type)
        and issubclass(m, pydantic.BaseModel)
        and m.__module__ == models.__name__
    ]


def _kind(annotation: object) -> type | None:
    """date, datetime or dict for a field holding one (optional or not), else None."""
    args = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else ()
    for candidate in (annotation, *args):
        origin = typing.get_origin(candidate) or candidate
        if origin in (date, datetime, dict):
            return origin  # type: ignore[return-value]
    return None


def test_the_view_reads_dates_times_and_maps_where_the_models_hold_them():
    found: dict[type, set[str]] = {date: set(), datetime: set(), dict: set()}
    others: set[str] = set()
    for model in _status_models():
        for name, field in model.model_fields.items():
            kind = _kind(field.annotation)
            (found[kind] if kind else others).add(name)

    assert found[date] == DATES
    assert found[datetime] == TIMES
    assert found[dict] == MAPS
    # A name is one kind everywhere, or the view would read one of them wrongly.
    assert not (DATES | TIMES | MAPS) & others


def _clock(name: str, due: datetime, **more: object) -> ClockView:
    return ClockView(
        name=name,
        label=name.replace("-", " "),
        started_at=due - timedelta(days=9),
        due_at=due,
        **more,
    )


def _rich_status() -> ActionStatus:
    """Every section of the table filled, with text that rich could take for markup."""
    at = datetime(2027, 4, 1, 8, 0, tzinfo=UTC)
    return ActionStatus(
        reference="2027-04",
        name="Kenya III",
        stage="implementation",
        on_hold=True,
        hold_reason="elections [national]",
        title="Kenya: migration data management",
        country="Kenya",
        region="Sub-Saharan Africa",
        themes=["migration data", "labour migration"],
        project_officer="po.martin",
        received_on=date(2027, 1, 11),
        clocks=[
            _clock("report-overdue", NOW - timedelta(hours=5)),
            _clock("fiche", NOW + timedelta(days=2), paused=True),
        ],
        waiting_on="the activities",
        waiting_for=["experts", "EUDEL"],
        psg_round=1,
        psg_votes=[
            PsgVoteView(
                round=1,
                member="DG_HOME",
                decision="approved",
                comment="fine [by us]",
                by="tester",
                at=at,
            )
        ],
        activities=[
            ActivityView(
                number=1,
                type="workshop",
                title="Data [pilot]",
                place="Nairobi",
                start=date(2027, 6, 1),
                end=date(2027, 6, 3),
                stage="mobilising",
                experts=[ExpertSlotView(expert_id="EXP-001", state="invited")],
                note="dates moved",
                next_due=NOW + timedelta(days=3),
                clocks=[_clock("before-start", NOW + timedelta(days=20), deadline=False)],
            ),
            ActivityView(
                number=2,
                type="study_visit",
                title="Visit",
                place="Madrid",
                start=date(2027, 3, 1),
                end=date(2027, 3, 5),
                stage="evaluation",
                evaluation={"relevance": 5, "usefulness": 4},
                evaluation_summary="useful",
            ),
        ],
        documents=[
            DocumentView(
                label="Action Fiche v1",
                kind="action_fiche",
                docx_path="a.docx",
                markdown_path="a.md",
            )
        ],
        audit=[
            AuditEntry(
                at=at + timedelta(minutes=m),
                by="po.martin",
                command="hold",
                accepted=m % 2 == 0,
                detail=f"d{m}",
            )
            for m in range(10)
        ],
        stages=[StageSpan(stage="intake", entered=at, left=at + timedelta(days=1))],
        mail_problems=[
            MailProblem(
                key="2027-04/fiche/reminder-1/po.martin",
                kind="reminder",
                to="po.martin",
                trouble="unconfirmed",
                at=at,
            )
        ],
    )


@pytest.mark.parametrize("variant", ["everything", "a bare Action"])
def test_the_table_from_the_json_is_the_table_from_the_models(variant: str):
    status = _rich_status()
    if variant == "a bare Action":
        status = status.model_copy(
            update={
                "clocks": [],
                "psg_votes": [],
                "activities": [],
                "documents": [],
                "audit": [],
                "mail_problems": [],
                "on_hold": False,
                "title": "Kenya III",
            }
        )
    # What the worker answers: the model as pydantic writes its JSON.
    answer = json.loads(pydantic.TypeAdapter(ActionStatus).dump_json(status))

    from_json = status_text(StatusView(answer), NOW)

    assert from_json == status_text(status, NOW)
    shown = "Data [pilot]" in from_json and "relevance 5/5" in from_json
    assert shown == (variant == "everything")
    mail = "Mail that may not have reached someone" in from_json
    assert mail == (variant == "everything")
    if mail:  # a table wraps its cells: the words, not the whole sentence
        assert "may not have arrived" in from_json and "resend" in from_json


def test_a_status_without_a_field_this_release_reads_is_left_to_the_model():
    answer = json.loads(_rich_status().model_dump_json(exclude={"waiting_for"}))

    with pytest.raises(AttributeError):
        status_text(StatusView(answer), NOW)
    assert "From        -" in status_text(ActionStatus.model_validate(answer), NOW)


def test_the_audit_trail_names_steps_in_staff_words():
    """Issue 21: `intake_decision` and `hold` were code words in the case file."""
    status = _rich_status()
    text = status_text(status, NOW)
    trail = text.split("Audit trail")[1]
    assert "put on hold" in trail
    assert " hold " not in trail.replace("put on hold", "")


def test_the_workers_own_entries_are_in_staff_words_too():
    """The entry of a continue-as-new (issue 22.7) and the others the workers write."""
    entries = [
        AuditEntry(at=NOW, by="worker", command=c, accepted=True, detail=f"d{i}")
        for i, c in enumerate(["continue_as_new", "instruction", "public_summary"])
    ]
    trail = status_text(_rich_status().model_copy(update={"audit": entries}), NOW)
    trail = trail.split("Audit trail")[1]
    for words in ("continued in a new run", "instruction from the Action", "public summary"):
        assert words in trail
    assert "continue as new" not in trail and "continue_as_new" not in trail


def test_the_officer_is_named_with_the_id_staff_type():
    status = _rich_status().model_copy(update={"project_officer_name": "Claire Martin"})
    answer = json.loads(pydantic.TypeAdapter(ActionStatus).dump_json(status))
    text = status_text(StatusView(answer), NOW)
    assert text == status_text(status, NOW)
    assert f"Claire Martin ({status.project_officer})" in text
