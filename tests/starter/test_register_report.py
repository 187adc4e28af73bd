"""The register of Actions under `mieux report` (issue 14): an Action that has ended is
written to the register, and the report still counts it once Temporal's retention has
removed its workflow (here: deleted, as retention does)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.testing import WorkflowEnvironment

from store.register import Register
from tests.starter.conftest import Cli, eventually

pytestmark = pytest.mark.usefixtures("worker")


async def test_an_ended_action_is_registered_with_its_stage_times(cli: Cli):
    reference = await cli.submit()
    await cli.ok("intake", reference, "reject", "--reason", "not eligible")
    register = Register(os.environ["MIEUX_DATABASE__URL"])

    async def registered() -> Any:
        return next((r for r in register.records(cli.year) if r.reference == reference), None)

    record = await eventually(registered)
    assert record.status.stage == "rejected"
    assert [s.stage for s in record.status.stages] == ["intake", "rejected"]
    assert record.status.stages[0].left == record.status.stages[1].entered
    assert record.status.audit == []  # what staff wrote about people stays in Temporal
    assert record.requester_types == ["national central authority"]


async def test_the_report_counts_an_action_temporal_no_longer_holds(
    cli: Cli, local_env: WorkflowEnvironment
):
    forgotten = await cli.submit()
    await cli.submit(name="Kenya IV")
    await cli.ok("intake", forgotten, "reject", "--reason", "not eligible")
    register = Register(os.environ["MIEUX_DATABASE__URL"])
    await eventually(
        lambda: _async([r for r in register.records(cli.year) if r.reference == forgotten])
    )
    client = local_env.client
    await client.workflow_service.delete_workflow_execution(
        DeleteWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=f"action-{forgotten}"),
        )
    )

    async def figures_without_it_in_temporal() -> dict[str, Any] | None:
        outcome = await cli("report", "--year", str(cli.year), "--json")
        assert outcome.code == 0, outcome.err
        listed = json.loads((await cli.ok("list", "--json")) or "[]")
        if any(row["reference"] == forgotten for row in listed):
            return None  # visibility has not caught up with the deletion yet
        return json.loads(outcome.out)

    # Deleted as retention deletes: `mieux list` (Temporal's visibility) no longer shows it.
    figures = await eventually(figures_without_it_in_temporal, seconds=60)
    assert figures["requests"] == 2
    assert figures["outcomes"]["rejected"] == 1
    assert figures["outcomes"]["in preparation"] == 1


async def _async(value: Any) -> Any:
    return value or None


async def test_historic_actions_load_into_the_register_and_the_report(cli: Cli):
    from tests.starter.conftest import EXAMPLES

    past = str(EXAMPLES / "register-2009-2015.json")
    first = await cli.ok("register", "import", past)
    again = await cli.ok("register", "import", past)
    figures = json.loads(await cli.ok("report", "--year", "2009", "--json"))
    lessons = cli.file("lessons.txt", "Hold the seminar in Portuguese.\n")
    await cli.ok("register", "lessons", "2009-01", lessons)
    shown = json.loads(await cli.ok("register", "show", "2009-01", "--json"))

    assert first == "register-2009-2015.json: 3 Actions, 3 new or changed\n"
    assert again == "register-2009-2015.json: 3 Actions, 0 new or changed\n"
    assert figures["requests"] == 2
    assert figures["outcomes"]["completed"] == 2
    assert shown["lessons"] == "Hold the seminar in Portuguese."
    assert shown["source"] == "import"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"region": "Atlantis"}, "Action 1: region: Input should be"),
        ({"outcome": "ongoing"}, "'ongoing' is not how an Action ends"),
        ({"received_on": "2001-01-01"}, "Action 1: received_on: Input should be greater"),
        ({"themes": ["football"]}, "Action 1: themes.0: Input should be"),
    ],
)
async def test_a_historic_action_that_is_wrong_is_refused_and_nothing_loads(
    cli: Cli, change: dict[str, Any], message: str
):
    from tests.starter.conftest import EXAMPLES

    past = json.loads((EXAMPLES / "register-2009-2015.json").read_text())
    bad = cli.file("past.json", [past[0] | change, past[1]])

    outcome = await cli("register", "import", bad)
    listed = Register(os.environ["MIEUX_DATABASE__URL"]).records(2009)

    assert outcome.code == 2
    assert outcome.err.startswith("mieux: ") and message in outcome.err, outcome.err
    assert len(outcome.err.splitlines()) == 1
    assert listed == []


async def test_lessons_for_an_action_that_has_not_ended_exit_2(cli: Cli):
    reference = await cli.submit()
    outcome = await cli("register", "lessons", reference, cli.file("l.txt", "x y z"))
    assert (outcome.code, outcome.err) == (
        2,
        f"mieux: {reference} is not in the register: an Action is written there when it ends\n",
    )


async def test_the_report_writes_its_page_and_spreadsheets_from_the_register(cli: Cli):
    from tests.starter.conftest import EXAMPLES

    await cli.ok("register", "import", str(EXAMPLES / "register-2009-2015.json"))
    page = cli.tmp_path / "figures.html"
    folder = cli.tmp_path / "figures"
    shown = await cli.ok("report", "--html", str(page), "--csv", str(folder))

    assert f"written to {page}" in shown and f"written to {folder}" in shown
    assert "Outcomes by theme" in shown
    html = page.read_text(encoding="utf-8")
    assert html.count('aria-label="Outcomes by') == 3  # year, region, theme
    assert "irregular migration &amp; THB" in html
    groups = (folder / "groups.csv").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("theme,irregular migration & THB,2,") for line in groups)


async def test_knowledge_search_finds_ended_actions_by_outputs_and_lessons(cli: Cli):
    from tests.starter.conftest import EXAMPLES

    await cli.ok("register", "import", str(EXAMPLES / "register-2009-2015.json"))
    rejected = await cli.submit()
    await cli.ok("intake", rejected, "reject", "--reason", "not eligible")
    register = Register(os.environ["MIEUX_DATABASE__URL"])
    await eventually(
        lambda: _async([r for r in register.records(cli.year) if r.reference == rejected])
    )
    lesson = cli.file("lesson.txt", "Check DCI eligibility before the first call.\n")
    await cli.ok("register", "lessons", rejected, lesson)

    by_output = json.loads(await cli.ok("knowledge", "search", "asylum law", "--json"))
    by_lesson = await cli.ok("knowledge", "search", "eligibility", "--region", "sub-saharan africa")
    none_there = await cli.ok("knowledge", "search", "asylum", "--theme", "labour migration")
    bad_country = await cli("knowledge", "search", "asylum", "--country", "Atlantis")

    assert [f["reference"] for f in by_output] == ["2009-01"]
    assert "suggestions on the draft asylum law" in " ".join(by_output[0]["produced"])
    assert by_lesson.startswith(f"{rejected}  ")
    assert "lesson: Check DCI eligibility before the first call." in by_lesson
    assert none_there == "No ended Action matches 'asylum'.\n"
    assert bad_country.code == 2
    assert bad_country.err.startswith("mieux: --country: no ended Action is in 'Atlantis';")
    assert "Angola; Ethiopia; Kenya; Syria" in bad_country.err


async def test_a_report_that_leaves_an_action_out_exits_1_unless_partial_accepts_it(
    cli: Cli, local_env: WorkflowEnvironment, task_queue: str
):
    """Issue 22 (16): it exited 0, and a script took partial figures for whole ones."""
    reference = await cli.submit()
    broken = f"{cli.year}-77"
    # An Action whose every workflow task fails (an input no release can read): listed by
    # Temporal, its status never readable.
    await local_env.client.start_workflow(
        "ActionLifecycle", {"not": "an Action"}, id=f"action-{broken}", task_queue=task_queue
    )

    async def listed() -> bool | None:
        out = await cli("list", "--json")
        return True if broken in out.out and reference in out.out else None

    await eventually(listed)
    strict = await cli("report", "--year", str(cli.year), "--timeout", "2")
    partial = await cli("report", "--year", str(cli.year), "--partial", "--timeout", "2")
    assert strict.code == 1
    assert f"mieux: left out of the report: {broken}" in strict.err
    assert "exits 1 unless --partial" in strict.err
    assert partial.code == 0 and f"left out of the report: {broken}" in partial.err
    assert "Requests" in partial.out or "requests" in partial.out
