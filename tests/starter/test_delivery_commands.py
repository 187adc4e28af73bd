"""From PSG approval to closure with `mieux` alone: experts, completion reports,
evaluations, plan amendments, validation, feedback and follow-up. Activity commands go to
the Action, which checks them and relays them to the activity's workflow."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from glossary import ActionStatus, ActivityView, Stage
from tests.starter.conftest import EXAMPLES, Cli, eventually

pytestmark = pytest.mark.usefixtures("worker")


def _workshop(number: int, start: date, **more: Any) -> dict[str, Any]:
    return {
        "number": number,
        "type": "workshop",
        "title": f"Migration data workshop {number}",
        "country": "Kenya",
        "city": "Nairobi",
        "start": start.isoformat(),
        "end": (start + timedelta(days=2)).isoformat(),
        "expertise": ["migration data"],
        **more,
    }


async def _approved(cli: Cli, fiche: str, *options: str) -> str:
    reference = await cli.submit()
    await cli.ok("intake", reference, "accept")
    await cli.ok("fiche", "submit", reference, fiche, *options)
    await cli.ok("consult", reference, "--by", "EC services", "--no-objection")
    if (await cli.status(reference)).stage == "consultation":  # the Fiche names an EUDEL
        await cli.ok("consult", reference, "--by", "EUDEL Kenya", "--no-objection")
    for member in ("DG_INTPA", "DG_HOME", "EEAS"):
        await cli.ok("approve", reference, "--member", member)
    return reference


async def _activity_when(cli: Cli, reference: str, number: int, check: Any) -> ActivityView:
    """The activity once `check` holds: activities report to the Action a moment later."""

    async def probe() -> ActivityView | None:
        status = await cli.status(reference)
        view = next((a for a in status.activities if a.number == number), None)
        return view if view is not None and check(view) else None

    return await eventually(probe)


async def _stage(cli: Cli, reference: str, stage: Stage) -> ActionStatus:
    """The Action once in `stage`: it moves on in its own time after the command."""

    async def probe() -> ActionStatus | None:
        status = await cli.status(reference)
        return status if status.stage == stage else None

    return await eventually(probe)


def _invited(view: ActivityView) -> list[str]:
    return [e.expert_id for e in view.experts if e.state == "invited"]


async def test_an_approved_action_is_delivered_and_closed_with_the_cli_alone(cli: Cli):
    # A workshop that has already taken place: its report is due at once.
    held = date.today() - timedelta(days=10)
    reference = await _approved(
        cli, cli.fiche_file(activities=[_workshop(1, held)]), "--allow-past-dates"
    )

    view = await _activity_when(cli, reference, 1, lambda v: len(_invited(v)) == 2)
    shown = await cli.ok("status", reference)
    for expert in _invited(view):
        assert f"{expert} (invited)" in shown
        out = await cli.ok("expert", "confirm", reference, "--activity", "1", "--expert", expert)
        assert out == f"{reference}: {expert} confirmed for activity 1\n"
    await _activity_when(cli, reference, 1, lambda v: v.stage == "reporting")
    out = await cli.ok(
        "activity", "complete", reference, "--activity", "1", "--participants", "25",
        "--women", "12", "--men", "13", "--output", "draft data-sharing protocol",
    )  # fmt: skip
    assert out == f"{reference}: activity 1 completion reported\n"
    await _activity_when(cli, reference, 1, lambda v: v.stage == "evaluation")
    evaluation = str(EXAMPLES / "evaluation.json")
    await cli.ok("activity", "evaluate", reference, "--activity", "1", evaluation)

    await _stage(cli, reference, Stage.COMPLETION)
    await cli.ok("validate", reference, "--comment", "validated by the ministry")
    await cli.ok("feedback", reference, str(EXAMPLES / "feedback.json"))
    await _stage(cli, reference, Stage.FOLLOW_UP)
    out = await cli.ok("follow-up", reference, str(EXAMPLES / "follow-up.json"))
    assert out == f"{reference}: adopted: protocol approved by ministerial decree\n"

    status = await cli.status(reference)
    assert status.stage == Stage.CLOSED
    assert (status.activities[0].participants, status.activities[0].women) == (25, 12)
    assert status.activities[0].evaluation["relevance"] == 5
    shown = await cli.ok("status", reference)
    assert "relevance 5/5" in shown and "sustainability 3/5" in shown
    assert "Action Fiche v1" in shown and "Final report" in shown
    figures = json.loads(await cli.ok("report", "--year", str(cli.year), "--json"))
    assert figures["outcomes"]["completed"] == 1
    assert figures["activities_by_type"] == {"workshop": 1}
    assert (figures["participants"], figures["women"], figures["men"]) == (25, 12, 13)
    assert figures["experts_deployed"] == 2
    # Categories come from the roster the worker mobilised from (the demo roster).
    assert "not in the roster" not in figures["experts_by_origin"]


async def test_the_example_plan_amendment_adds_cancels_and_reschedules(cli: Cli):
    reference = await _approved(cli, str(EXAMPLES / "fiche.json"))
    await _activity_when(cli, reference, 1, lambda v: v.stage == "mobilising")

    out = await cli.ok("plan", "amend", reference, str(EXAMPLES / "plan-amendment.json"))

    assert out == (
        f"{reference}: plan amended: added 4; cancelled 3 (the partner trains its analysts"
        " with its own trainers); rescheduled 2 to 2027-09-20\n"
    )
    cancelled = await _activity_when(cli, reference, 3, lambda v: v.stage == "cancelled")
    assert cancelled.note == "the partner trains its analysts with its own trainers"
    status = await cli.status(reference)
    assert [a.number for a in status.activities] == [1, 2, 3, 4]


async def test_a_declined_expert_is_replaced_and_staff_can_nominate_one(cli: Cli):
    start = date.today() + timedelta(days=60)
    reference = await _approved(cli, cli.fiche_file(activities=[_workshop(1, start)]))
    first, second = _invited(await _activity_when(cli, reference, 1, lambda v: _invited(v)))

    out = await cli.ok(
        "expert", "decline", reference, "--activity", "1", "--expert", first,
        "--reason", "on mission in June",
    )  # fmt: skip
    assert out == f"{reference}: {first} declined (on mission in June) for activity 1\n"
    # The next candidate takes the declined expert's place.
    view = await _activity_when(
        cli, reference, 1, lambda v: len(_invited(v)) == 2 and first not in _invited(v)
    )

    out = await cli.ok("expert", "nominate", reference, "--activity", "1", "--expert", "EX-NL-01")
    assert out == f"{reference}: EX-NL-01 nominated for activity 1\n"
    assert second in _invited(view)


async def test_activity_commands_out_of_turn_are_refused_with_the_actions_reason(cli: Cli):
    start = date.today() + timedelta(days=60)
    reference = await _approved(cli, cli.fiche_file(activities=[_workshop(1, start)]))
    invited = _invited(await _activity_when(cli, reference, 1, lambda v: len(_invited(v)) == 2))

    cases = {
        ("expert", "confirm", reference, "--activity", "1", "--expert", "EX-NOBODY"): (
            f"expert EX-NOBODY was not invited to activity 1 (awaiting: {', '.join(invited)})"
        ),
        ("activity", "complete", reference, "--activity", "1", "--participants", "9",
         "--women", "4", "--men", "5"): (
            f"activity 1 ends on {start + timedelta(days=2)}; its completion is reported"
            " after that"
        ),
        ("activity", "evaluate", reference, "--activity", "2", str(EXAMPLES / "evaluation.json")): (
            f"Action {reference} has no activity 2 (1)"
        ),
    }  # fmt: skip
    for argv, reason in cases.items():
        outcome = await cli(*argv)
        assert (outcome.code, outcome.err) == (1, f"mieux: refused: {reason}\n"), argv
