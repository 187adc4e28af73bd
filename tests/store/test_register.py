"""The register of Actions (store/register.py) on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from glossary import ActionStatus
from glossary.register import RegisterRecord, without_personal_data
from glossary.status import AuditEntry, PsgVoteView
from store.register import NotInRegister, Register


def a_record(reference: str = "2016-03", stage: str = "closed", **status: object) -> RegisterRecord:
    base = ActionStatus(
        reference=reference,
        name="Labour migration, Kenya",
        stage=stage,
        title="Kenya: labour migration strategy",
        country="Kenya",
        region="Sub-Saharan Africa",
        themes=["labour migration"],
        project_officer="po.martin",
        received_on=date(int(reference[:4]), 3, 2),
        psg_votes=[
            PsgVoteView(
                round=1,
                member="DG_HOME",
                decision="approved",
                comment="Ana Silva agrees",
                by="dg.home",
                at=datetime(2016, 4, 1, tzinfo=UTC),
            )
        ],
        audit=[
            AuditEntry(
                at=datetime(2016, 3, 2, tzinfo=UTC),
                command="hold",
                by="po.martin",
                accepted=True,
                detail="Ana Silva is on leave",
            )
        ],
        hold_reason="",
    )
    return RegisterRecord(
        reference=reference,
        ended_at=datetime(2017, 1, 9, tzinfo=UTC),
        requester_types=["national authority"],
        countries=["Kenya"],
        status=without_personal_data(base.model_copy(update=status)),
    )


def test_a_record_keeps_no_free_text_about_people():
    record = a_record()
    assert record.status.audit == []
    assert [v.comment for v in record.status.psg_votes] == [""]
    assert "Ana Silva" not in record.model_dump_json()


def test_writing_the_same_record_again_changes_nothing(database_url: str):
    register = Register(database_url)

    assert register.put(a_record()) is True
    assert register.put(a_record()) is False
    assert [r.reference for r in register.records()] == ["2016-03"]


def test_staff_lessons_survive_the_record_being_written_again(database_url: str):
    register = Register(database_url)
    register.put(a_record(stage="follow_up"))
    register.set_lessons("2016-03", "Hold the drafting session in the ministry itself.")

    assert register.put(a_record(stage="closed")) is True
    assert register.lessons("2016-03") == "Hold the drafting session in the ministry itself."
    assert register.records()[0].status.stage == "closed"


def test_records_by_year_and_an_unknown_reference(database_url: str):
    register = Register(database_url)
    for reference in ("2016-01", "2016-02", "2017-01"):
        register.put(a_record(reference))

    assert [r.reference for r in register.records(2016)] == ["2016-01", "2016-02"]
    with pytest.raises(NotInRegister):
        register.set_lessons("2018-01", "nothing")
