"""Staff drive an Action with `mieux` alone (issue 6): each command, its output, its
exit code, and the identity it leaves in the audit trail."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from glossary import Stage
from tests.starter.conftest import Cli

pytestmark = pytest.mark.usefixtures("worker")


async def test_an_action_goes_from_request_to_implementation_with_the_cli_alone(cli: Cli):
    reference = await cli.submit()
    assert reference == f"{cli.year}-01"

    out = await cli.ok("intake", reference, "accept", "--as", "anna")
    assert out == f"{reference}: accepted; Action Fiche due in 21 days\n"
    out = await cli.ok("fiche", "submit", f"action-{reference}", cli.fiche_file())
    assert out.startswith(f"{reference}: Action Fiche v1 submitted; consultation until ")
    out = await cli.ok("consult", reference, "--by", "EUDEL Kenya", "--no-objection")
    assert out.startswith(f"{reference}: no objection from EUDEL Kenya; waiting for the EC")
    out = await cli.ok("consult", reference, "--by", "EC services", "--no-objection")
    assert out == (
        f"{reference}: no objection from EC services; every body consulted has answered:"
        " on to the PSG\n"
    )
    for member in ("DG_INTPA", "DG_HOME", "EEAS"):
        out = await cli.ok("approve", reference, "--member", member)
        assert out == f"{reference}: {member} voted 'approved' (round 1)\n"

    status = await cli.status(reference)
    assert status.stage == Stage.IMPLEMENTATION
    assert [(e.command, e.by) for e in status.audit] == [
        ("intake_decision", "anna"),
        ("submit_fiche", "tester"),
        ("consultation_feedback", "tester"),
        ("consultation_feedback", "tester"),
        ("psg_vote", "tester"),
        ("psg_vote", "tester"),
        ("psg_vote", "tester"),
    ]
    assert {v.member for v in status.psg_votes} == {"DG_INTPA", "DG_HOME", "EEAS"}


async def test_a_refused_command_exits_1_with_the_workflows_reason_in_one_line(cli: Cli):
    reference = await cli.submit()

    outcome = await cli("approve", reference, "--member", "EEAS")

    assert outcome.code == 1
    assert outcome.out == ""
    assert outcome.err == (
        f"mieux: refused: psg_vote is for the psg_review stage; Action {reference} is in intake\n"
    )
    assert (await cli.status(reference)).audit == []


async def test_a_second_vote_of_the_same_member_is_refused(cli: Cli):
    reference = await cli.to_psg()
    await cli.ok("approve", reference, "--member", "DG_HOME")

    outcome = await cli("approve", reference, "--member", "DG_HOME")

    assert outcome.code == 1
    assert "DG_HOME already voted 'approved' in PSG round 1" in outcome.err


async def test_an_unknown_reference_exits_2_naming_it(cli: Cli):
    for argv in (
        ("status", f"{cli.year}-99"),
        ("intake", f"{cli.year}-99", "accept"),
        ("hold", f"action-{cli.year}-99", "--reason", "elections"),
        ("hold", f"{cli.year}-99", "--reason", "elections", "--no-wait"),
        ("history", "export", f"{cli.year}-99", "-o", str(cli.tmp_path / "h.json")),
    ):
        outcome = await cli(*argv)
        assert (outcome.code, outcome.out) == (2, ""), argv
        assert outcome.err.startswith(f"mieux: no Action {cli.year}-99 "), argv
        assert "Traceback" not in outcome.err


async def test_a_malformed_reference_exits_2_before_anything_is_sent(cli: Cli):
    outcome = await cli("status", "26-3")
    assert outcome.code == 2
    assert outcome.err == (
        "mieux: '26-3' is not an Action reference like 2026-03 or action-2026-03\n"
    )


async def test_a_malformed_fiche_exits_2_naming_the_field_and_nothing_is_sent(cli: Cli):
    reference = await cli.submit()
    await cli.ok("intake", reference, "accept")
    fiche = cli.fiche_file(
        activities=[
            {
                "number": 1,
                "type": "workshop",
                "title": "Migration data workshop",
                "start": "2026-06-10",
                "end": "2026-06-08",
            }
        ]
    )

    outcome = await cli("fiche", "submit", reference, fiche)

    assert outcome.code == 2
    assert outcome.err == (
        f"mieux: {fiche}: activities.0: activity 1: end 2026-06-08 is before start 2026-06-10\n"
    )
    assert (await cli.status(reference)).fiche_version == 0


async def test_a_file_that_is_not_json_exits_2_with_the_line_and_column(cli: Cli):
    broken = cli.file("broken.json", '{"title": "x",\n  "objective": }')

    outcome = await cli("fiche", "submit", f"{cli.year}-01", broken)

    assert outcome.code == 2
    assert outcome.err == (
        f"mieux: {broken} is not valid JSON: Expecting value at line 2 column 16\n"
    )


async def test_a_request_with_a_bad_field_exits_2_naming_it(cli: Cli):
    request = cli.file(
        "request.json",
        {**_example_request(), "partner_focal_point": {"name": "F", "email": "not-an-address"}},
    )

    outcome = await cli("request", "submit", request)

    assert outcome.code == 2
    assert outcome.err == (
        f"mieux: {request}: partner_focal_point.email: 'not-an-address' is not a valid"
        " email address\n"
    )


async def test_intake_reject_without_a_reason_is_refused_before_sending(cli: Cli):
    reference = await cli.submit()

    outcome = await cli("intake", reference, "reject")

    assert (outcome.code, outcome.err) == (2, "mieux: a rejection needs a reason\n")
    assert (await cli.status(reference)).stage == Stage.INTAKE


async def test_intake_forward_ends_the_action_and_later_commands_are_refused(cli: Cli):
    reference = await cli.submit()
    out = await cli.ok("intake", reference, "forward", "--to", "EU4Migration")
    assert out == f"{reference}: forwarded to EU4Migration\n"

    outcome = await cli("hold", reference, "--reason", "elections")

    assert outcome.code == 1
    assert outcome.err == (
        f"mieux: refused: Action {reference} is forwarded: it takes no more commands\n"
    )


async def test_an_objection_sends_the_fiche_back_to_drafting(cli: Cli):
    reference = await cli.submit()
    await cli.ok("intake", reference, "accept")
    await cli.ok("fiche", "submit", reference, cli.fiche_file())

    out = await cli.ok(
        "consult", reference, "--by", "EUDEL Kenya", "--objection", "no gender expertise"
    )

    assert "objection from EUDEL Kenya: no gender expertise" in out
    assert (await cli.status(reference)).stage == Stage.FICHE_DRAFTING


async def test_revise_returns_the_fiche_to_drafting_and_reject_ends_the_action(cli: Cli):
    revised = await cli.to_psg()
    rejected = await cli.to_psg(name="Kenya IV")

    await cli.ok("revise", revised, "--member", "EEAS", "--comment", "add a gender expert")
    await cli.ok("reject", rejected, "--member", "DG_HOME", "--comment", "out of scope")

    assert (await cli.status(revised)).stage == Stage.FICHE_DRAFTING
    status = await cli.status(rejected)
    assert (status.stage, status.outcome) == (Stage.REJECTED, "rejected by the PSG")


async def test_reject_and_revise_need_a_comment(cli: Cli):
    for verb in ("reject", "revise"):
        outcome = await cli(verb, f"{cli.year}-01", "--member", "EEAS")
        assert outcome.code == 2
        assert "the following arguments are required: --comment" in outcome.err


async def test_hold_pauses_resume_continues_and_withdraw_ends(cli: Cli):
    reference = await cli.submit()

    out = await cli.ok("--as", "bruno", "hold", reference, "--reason", "elections")
    assert out == f"{reference}: on hold: elections\n"
    status = await cli.status(reference)
    assert status.on_hold
    assert (status.audit[-1].command, status.audit[-1].by) == ("hold", "bruno")
    out = await cli.ok("resume", reference, "--comment", "elections over")
    assert out.startswith(f"{reference}: resumed after ")
    assert not (await cli.status(reference)).on_hold

    out = await cli.ok("withdraw", reference, "--reason", "the ministry withdrew it")
    assert out == f"{reference}: withdrawn: the ministry withdrew it\n"
    status = await cli.status(reference)
    assert status.stage == Stage.WITHDRAWN
    assert status.audit[-1].by == "tester"


async def test_resume_of_an_action_not_on_hold_is_refused(cli: Cli):
    reference = await cli.submit()

    outcome = await cli("resume", reference)

    assert outcome.code == 1
    assert outcome.err == (
        f"mieux: refused: Action {reference} is not on hold; there is nothing to resume\n"
    )


async def test_deadline_extend_moves_the_open_clock_by_the_duration(cli: Cli):
    reference = await cli.submit()
    await cli.ok("intake", reference, "accept")
    before = (await cli.status(reference)).clocks[0].due_at

    out = await cli.ok(
        "deadline", "extend", reference, "--clock", "fiche", "--by", "P7D", "--reason", "leave"
    )

    after = (await cli.status(reference)).clocks[0].due_at
    assert after - before == timedelta(days=7)
    assert out.startswith(f"{reference}: Action Fiche now due ")


async def test_deadline_extend_names_the_option_when_the_duration_is_wrong(cli: Cli):
    outcome = await cli(
        "deadline", "extend", f"{cli.year}-01", "--clock", "fiche", "--by", "a week",
        "--reason", "leave",
    )  # fmt: skip
    assert outcome.code == 2
    assert outcome.err.startswith("mieux: --by: ")


async def test_deadline_extend_of_a_clock_that_is_not_open_is_refused(cli: Cli):
    reference = await cli.submit()

    outcome = await cli(
        "deadline", "extend", reference, "--clock", "psg", "--by", "P7D", "--reason", "leave"
    )

    assert outcome.code == 1
    assert f"no open clock 'psg' on Action {reference} (open: intake)" in outcome.err


async def test_activity_commands_before_implementation_are_refused_by_the_action(cli: Cli):
    reference = await cli.submit()
    commands = {
        ("expert", "confirm", reference, "--activity", "1", "--expert", "EX-1"): "expert_response",
        ("expert", "decline", reference, "--activity", "1", "--expert", "EX-1"): "expert_response",
        ("expert", "nominate", reference, "--activity", "1", "--expert", "EX-1"): "nominate_expert",
        ("activity", "complete", reference, "--activity", "1", "--participants", "20",
         "--women", "9", "--men", "11", "--output", "draft protocol"): "activity_completed",
        ("activity", "evaluate", reference, "--activity", "1",
         str(_example("evaluation"))): "evaluation_done",
    }  # fmt: skip
    for argv, command in commands.items():
        outcome = await cli(*argv)
        assert outcome.code == 1, argv
        assert outcome.err == (
            f"mieux: refused: {command} is for the implementation stage;"
            f" Action {reference} is in intake\n"
        )


async def test_a_completion_report_whose_split_exceeds_the_total_exits_2(cli: Cli):
    outcome = await cli(
        "activity", "complete", f"{cli.year}-01", "--activity", "1",
        "--participants", "10", "--women", "8", "--men", "5",
    )  # fmt: skip
    assert outcome.code == 2
    assert outcome.err == "mieux: women (8) + men (5) exceed the participants total (10)\n"


async def test_an_evaluation_file_may_not_name_its_activity(cli: Cli):
    evaluation = cli.file("evaluation.json", {"activity": 2, "scores": {"relevance": 4}})

    outcome = await cli("activity", "evaluate", f"{cli.year}-01", "--activity", "1", evaluation)

    assert outcome.code == 2
    assert (
        outcome.err == f"mieux: {evaluation}: activity: set it with --activity, not in the file\n"
    )


def _example(name: str) -> object:
    from tests.starter.conftest import EXAMPLES

    return EXAMPLES / f"{name}.json"


def _example_request() -> dict[str, object]:
    import json

    return dict(json.loads((_example("request")).read_text()))  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[" * 2000 + "]" * 2000, "is nested too deeply to be an input file"),
        ('{"a":' * 150 + "1" + "}" * 150, "is nested more than 100 levels deep; no input file is"),
    ],
    ids=["beyond the parser", "beyond any input file"],
)
async def test_a_deeply_nested_file_exits_2_with_one_line(cli: Cli, text: str, says: str):
    deep = cli.file("deep.json", text)

    outcome = await cli("request", "submit", deep)

    assert outcome.code == 2
    assert outcome.err == f"mieux: {deep} {says}\n"


async def test_a_request_naming_an_unknown_officer_is_refused_in_one_line(cli: Cli):
    path = cli.request_file(project_officer="po.nobody")
    outcome = await cli("request", "submit", path)
    assert (outcome.code, outcome.out) == (2, "")
    assert outcome.err == (
        f"mieux: {path}: project_officer: 'po.nobody' is not a project officer"
        " (officers: po.martin, po.okafor, po.silva)\n"
    )


async def test_a_huge_input_file_is_refused_before_it_is_read_whole(cli: Cli, tmp_path: Path):
    """Issue 22 (8): a 67 MB file took 2 GB and a traceback."""
    huge = tmp_path / "huge.json"
    with huge.open("wb") as out:
        out.truncate(67_000_000)  # sparse: no 67 MB written to the disk
    outcome = await cli("request", "submit", str(huge))
    assert outcome.code == 2
    assert outcome.err == (f"mieux: {huge} is 67,000,000 bytes; an input file is at most 500,000\n")
