"""`mieux --help` and every subcommand's help say what it does in one line, with an
example; every file in examples/ is accepted by the CLI as it is."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator

import pytest

from glossary import ActionFiche, Request
from glossary.commands import AmendPlan, EvaluationDone, FeedbackReceived, FollowUpReceived
from starter.cli import run
from starter.demo import demo_requests
from starter.parser import build_parser
from tests.starter.conftest import EXAMPLES, Cli


def _commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _commands(sub, (*path, name))


COMMANDS = list(_commands(build_parser()))


def test_every_command_of_the_issue_is_there():
    names = {" ".join(path) for path, _ in COMMANDS}
    assert names >= {
        "request submit", "intake", "fiche submit", "consult", "approve", "reject", "revise",
        "expert confirm", "expert decline", "expert nominate", "activity complete",
        "activity evaluate", "plan amend", "validate", "feedback", "follow-up", "hold",
        "resume", "withdraw", "deadline extend", "status", "list", "report", "history export",
        "roster import", "roster search", "mail list", "mail show", "demo", "worker", "dev",
    }  # fmt: skip


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=" ".join)
def test_each_command_help_says_what_it_does_in_one_line_with_an_example(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
):
    assert run([*path, "--help"]) == 0
    out = capsys.readouterr().out
    description = out.split("\n\n")[1]
    assert "\n" not in description.strip() and description.strip().endswith(".")
    example = out.split("example:\n", 1)[1].strip().splitlines()[0]
    assert example.startswith(f"mieux {' '.join(path)}")


def test_mieux_help_lists_each_command_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("COLUMNS", "80")
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    listing = out.split("commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert len(listing) == len([p for p in COMMANDS if len(p[0]) == 1])
    assert all(len(line.split(None, 1)) == 2 for line in listing), listing
    assert "examples:\n  mieux request submit examples/request.json" in out


@pytest.mark.parametrize(
    ("name", "model"),
    [
        ("request", Request),
        ("fiche", ActionFiche),
        ("plan-amendment", AmendPlan),
        ("evaluation", EvaluationDone),
        ("feedback", FeedbackReceived),
        ("follow-up", FollowUpReceived),
    ],
)
def test_each_example_file_is_a_valid_input(name: str, model: type):
    data = json.loads((EXAMPLES / f"{name}.json").read_text())
    if model is EvaluationDone:
        data["activity"] = 1  # given with --activity
    model.model_validate(data)


@pytest.mark.usefixtures("worker")
async def test_the_example_request_and_fiche_are_taken_as_they_are(cli: Cli):
    request = json.loads((EXAMPLES / "request.json").read_text())
    request["received_on"] = f"{cli.year}-03-02"
    reference = await cli.submit_file(cli.file("request.json", request))
    await cli.ok("intake", reference, "accept")

    await cli.ok("fiche", "submit", reference, str(EXAMPLES / "fiche.json"))

    status = await cli.status(reference)
    assert status.title == "Kenya: inter-agency migration data sharing"


@pytest.mark.usefixtures("worker")
@pytest.mark.parametrize(
    "command",
    [
        ["plan", "amend", "REF", str(EXAMPLES / "plan-amendment.json")],
        ["feedback", "REF", str(EXAMPLES / "feedback.json")],
        ["follow-up", "REF", str(EXAMPLES / "follow-up.json")],
        ["validate", "REF", "--comment", "validated by the ministry"],
    ],
    ids=lambda command: command[0],
)
async def test_later_stage_files_pass_the_cli_checks_and_reach_the_workflow(
    cli: Cli, command: list[str]
):
    reference = await cli.submit()

    outcome = await cli(*(reference if arg == "REF" else arg for arg in command))

    # The workflow, not the CLI, refuses: an Action in intake takes none of these.
    assert outcome.code == 1, outcome.err
    assert outcome.err.startswith("mieux: refused: ")


def test_the_demo_ships_the_23_requests_of_2016_dated_in_2026():
    requests = demo_requests()
    assert len(requests) == 23
    assert requests[0].name == "Mexico II" and requests[-1].name == "Thailand II"
    assert {r.received_on.year for r in requests} == {2026}
    assert [r.received_on for r in requests] == sorted(r.received_on for r in requests)
    assert all(r.partner_focal_point.email.endswith("@example.org") for r in requests)


@pytest.mark.usefixtures("worker")
async def test_demo_submits_count_actions_in_order_of_receipt(cli: Cli):
    out = await cli.ok("demo", "--count", "3", "--year", str(cli.year))

    assert out.splitlines() == [
        f"{cli.year}-01  Mexico II (Mexico, Asylum and Re-Integration)",
        f"{cli.year}-02  Belarus (Belarus, Labour Migration)",
        f"{cli.year}-03  Togo III (Togo, Migration and Development/Diaspora issues)",
    ]
    assert (await cli.status(f"{cli.year}-02")).region == "EU Neighbourhood East"


async def test_demo_count_must_fit_the_23_requests(cli: Cli):
    outcome = await cli("demo", "--count", "24")
    assert (outcome.code, outcome.err) == (
        2,
        "mieux: --count: between 1 and 23 (the requests of 2016)\n",
    )
