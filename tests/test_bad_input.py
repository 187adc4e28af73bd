"""Inputs that were accepted though wrong (issue 15, item 7): each refused with one line."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from glossary.action import ActionFiche
from glossary.commands import ConsultationFeedback, Hold, Resume, Withdraw
from starter.cli import run_async
from tests.workflows.support import activity_plan, sample_fiche


@pytest.mark.parametrize("model", [Hold, Withdraw])
def test_a_reason_of_spaces_is_refused(model):
    with pytest.raises(ValidationError, match="must say something"):
        model(reason="     ")


def test_one_line_fields_refuse_line_breaks():
    with pytest.raises(ValidationError, match="one line"):
        ConsultationFeedback(organisation="EUDEL\nKenya")
    with pytest.raises(ValidationError, match="one line"):
        Resume(comment="back\r\nnow")


def test_a_fiche_whose_activities_wait_on_a_later_or_circular_one_is_refused():
    from datetime import date

    plan = activity_plan(date(2027, 6, 7), 2)
    plan[0]["depends_on"] = [2]  # the first waits for the second: and the reverse below
    plan[1]["depends_on"] = [1]
    with pytest.raises(ValidationError, match="depends on activity 2, which does not start"):
        ActionFiche.model_validate(sample_fiche(activities=plan))
    plan[0]["depends_on"] = [7]
    with pytest.raises(ValidationError, match="depends on activity 7, which is not planned"):
        ActionFiche.model_validate(sample_fiche(activities=plan))
    plan[0]["depends_on"] = []
    assert ActionFiche.model_validate(sample_fiche(activities=plan)).activities[1].depends_on


@pytest.mark.parametrize("year", ["-1", "1999", "10000"])
async def test_a_report_year_out_of_range_exits_2(year, capsys):
    assert await run_async(["report", "--year", year]) == 2
    assert capsys.readouterr().err.startswith(f"mieux: --year: {year} is not a year from 2009")
