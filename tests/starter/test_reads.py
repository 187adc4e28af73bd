"""`status`, `list`, `report` and `history export` read live Actions (DOMAIN.md §6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from temporalio.client import WorkflowHistory

from tests.starter.conftest import Cli, eventually

pytestmark = pytest.mark.usefixtures("worker")


async def test_status_tells_people_the_stage_what_it_waits_on_clocks_votes_and_audit(cli: Cli):
    reference = await cli.to_psg()
    await cli.ok("approve", reference, "--member", "DG_HOME", "--comment", "fine [by us]")

    out = await cli.ok("status", reference)

    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == f"{reference}  Kenya III — Kenya: migration data management"
    assert "Stage       PSG review (round 1)" in lines
    assert "Waiting on  PSG votes (round 1)" in lines
    assert "From        DG_INTPA, EEAS" in lines
    clock = next(line for line in lines if line.lstrip().startswith("PSG vote "))
    assert "psg-1" in clock and "9 d 23 h" in clock
    vote = next(line for line in lines if "DG_HOME" in line and "approved" in line)
    assert "fine [by us]" in vote and "tester" in vote
    assert any(line.startswith("Audit trail (last 4 of 4)") for line in lines)


async def test_status_json_is_the_status_query_as_it_is(cli: Cli):
    reference = await cli.submit()

    data = json.loads(await cli.ok("status", reference, "--json"))

    assert data["reference"] == reference
    assert data["stage"] == "intake"
    assert data["waiting_for"] == ["Claire Martin"]
    assert [c["name"] for c in data["clocks"]] == ["intake"]


async def _listed(cli: Cli, *filters: str) -> list[dict[str, Any]]:
    return list(json.loads(await cli.ok("list", "--json", *filters)))


async def test_list_filters_on_the_search_attributes(cli: Cli):
    country = f"Country {cli.year}"  # this test's Actions only
    kenya = await cli.submit(countries=[country])
    held = await cli.submit(countries=[country], name="Kenya IV")
    asia = await cli.submit(
        countries=[country],
        name="Lao PDR II",
        region="Asia",
        project_officer="po.silva",
        themes=["labour migration", "diaspora"],
    )
    await cli.ok("intake", kenya, "accept")
    await cli.ok("hold", held, "--reason", "elections")

    async def settled() -> list[dict[str, Any]] | None:
        rows = await _listed(cli, "--country", country)
        stages = {r["reference"]: (r["stage"], r["on_hold"]) for r in rows}
        wanted = {kenya: ("fiche_drafting", False), held: ("intake", True)}
        return rows if all(stages.get(k) == v for k, v in wanted.items()) else None

    rows = await eventually(settled)
    assert [r["reference"] for r in rows] == [kenya, held, asia]

    async def refs(*filters: str) -> list[str]:
        return [r["reference"] for r in await _listed(cli, "--country", country, *filters)]

    assert await refs("--stage", "fiche_drafting") == [kenya]
    assert await refs("--on-hold") == [held]
    assert await refs("--region", "asia") == [asia]
    assert await refs("--officer", "po.silva") == [asia]
    assert await refs("--theme", "Diaspora") == [asia]
    assert await refs("--theme", "migration data") == [kenya, held]
    assert await refs("--stage", "intake", "--region", "Sub-Saharan Africa") == [held]


async def test_list_overdue_shows_actions_past_a_deadline(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
):
    country = f"Country {cli.year}"
    monkeypatch.setenv("MIEUX_POLICY__INTAKE_DEADLINE", "PT1S")
    late = await cli.submit(countries=[country])
    monkeypatch.delenv("MIEUX_POLICY__INTAKE_DEADLINE")
    on_time = await cli.submit(countries=[country], name="Kenya IV")

    async def overdue() -> list[str] | None:
        rows = await _listed(cli, "--country", country, "--overdue")
        return [r["reference"] for r in rows] or None

    assert await eventually(overdue) == [late]
    text = await cli.ok("list", "--country", country)
    assert "overdue by" in next(line for line in text.splitlines() if late in line)
    assert on_time in text


async def test_list_refuses_an_unknown_theme_naming_the_themes(cli: Cli):
    outcome = await cli("list", "--theme", "football")
    assert outcome.code == 2
    assert outcome.err.startswith("mieux: --theme: 'football' is not a theme; one of: ")
    assert "labour migration" in outcome.err and len(outcome.err.splitlines()) == 1


async def test_list_refuses_an_unknown_region_naming_the_regions(cli: Cli):
    outcome = await cli("list", "--region", "Atlantis")
    assert outcome.code == 2
    assert outcome.err.startswith("mieux: --region: 'Atlantis' is not a region; one of: ")


async def test_report_counts_requests_outcomes_and_requesters_of_the_year(cli: Cli):
    accepted = await cli.submit()
    rejected = await cli.submit(name="Kenya IV")
    await cli.submit(
        name="Andean Community",
        region="Latin America and the Caribbean",
        countries=["Bolivia", "Colombia", "Ecuador", "Peru"],
        requesting_authorities=[
            {
                "institution": "General Secretariat of the Andean Community",
                "country": "Peru",
                "type": "regional organisation",
            }
        ],
    )
    await cli.ok("intake", accepted, "accept")
    await cli.ok("intake", rejected, "reject", "--reason", "not eligible")

    async def all_listed() -> dict[str, Any] | None:
        figures = json.loads(await cli.ok("report", "--year", str(cli.year), "--json"))
        return figures if figures["requests"] == 3 else None

    figures = await eventually(all_listed)
    assert figures["scope"] == str(cli.year)
    assert figures["requests_by_region"] == {
        "Sub-Saharan Africa": 2,
        "Latin America and the Caribbean": 1,
    }
    assert figures["requests_by_requester_type"] == {
        "national central authority": 2,
        "regional organisation": 1,
    }
    assert figures["joint_or_regional"] == 1
    assert figures["outcomes"]["in preparation"] == 2
    assert figures["outcomes"]["rejected"] == 1


async def test_report_docx_writes_the_figures_as_a_word_document(cli: Cli):
    await cli.submit()
    path = cli.tmp_path / "report.docx"

    async def written() -> bool | None:
        out = await cli.ok("report", "--year", str(cli.year), "--docx", "--out", str(path))
        return True if "Requests received: 1 " in out else None

    await eventually(written)
    document = Document(str(path))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == f"MIEUX figures, {cli.year}"
    assert "Requests by region" in headings
    assert document.tables[0].rows[1].cells[0].text == "Sub-Saharan Africa"


async def test_report_docx_goes_to_the_state_folder_not_the_working_directory(cli: Cli):
    out = await cli.ok("report", "--year", str(cli.year), "--docx")
    expected = cli.tmp_path / "state" / "reports" / f"report-{cli.year}.docx"
    assert f"written to {expected}" in out
    assert Document(str(expected)).paragraphs[0].text == f"MIEUX figures, {cli.year}"


async def test_history_export_writes_a_history_that_replay_can_read(cli: Cli):
    reference = await cli.submit()
    await cli.ok("intake", reference, "accept")
    path = cli.tmp_path / "history.json"

    out = await cli.ok("history", "export", reference, "-o", str(path))

    history = WorkflowHistory.from_json(f"action-{reference}", path.read_text())
    assert out == f"action-{reference}: {len(history.events)} events written to {path}\n"
    assert history.events[0].HasField("workflow_execution_started_event_attributes")
    assert any(
        e.HasField("workflow_execution_update_accepted_event_attributes") for e in history.events
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["doc", "list", "2026-01"],
        ["mail", "stuck"],
        ["knowledge", "search", "asylum"],
        ["roster", "search", "--theme", "asylum"],
    ],
    ids=" ".join,
)
async def test_a_read_from_another_folder_names_where_it_looked_and_creates_nothing(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    """Issue 21 (11): no empty database appears where a command only looks."""
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("MIEUX_STATE_DIR", str(elsewhere))
    monkeypatch.delenv("MIEUX_DATABASE__URL", raising=False)
    outcome = await cli(*argv)
    assert outcome.code == 2
    assert outcome.err.startswith(f"mieux: no database at {elsewhere.resolve() / 'mieux.db'}")
    assert not elsewhere.exists()


async def test_outputs_never_follow_links_create_folders_or_overwrite_without_force(
    cli: Cli, tmp_path: Path
) -> None:
    """Issue 22 (12): report --html into a missing folder, a symlinked target, lessons from a
    link to another file."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    link = tmp_path / "link.html"
    link.symlink_to(precious)
    existing = tmp_path / "r.html"
    existing.write_text("last year's")
    missing = tmp_path / "no-such-folder" / "r.html"

    into_link = await cli("report", "--html", str(link), "--partial")
    into_missing = await cli("report", "--html", str(missing), "--partial")
    over = await cli("report", "--html", str(existing), "--partial")
    forced = await cli("report", "--html", str(existing), "--partial", "--force")
    lessons = await cli("register", "lessons", f"{cli.year}-01", str(link))

    assert (into_link.code, into_link.err) == (
        2,
        f"mieux: {link} is a symbolic link: give the path of a plain file\n",
    )
    assert into_missing.code == 2 and "does not exist; create it first" in into_missing.err
    assert not missing.parent.exists()
    assert over.code == 2 and "exists: --force overwrites it" in over.err
    assert forced.code == 0 and existing.read_text() != "last year's"
    assert precious.read_text() == "keep me"
    assert lessons.code == 2 and "is a symbolic link" in lessons.err


async def test_list_shows_a_page_and_says_how_many_are_left_out(cli: Cli):
    """Issue 24: `mieux list` reads one page from visibility (the most recent first) and
    counts the rest, as the board does; `--limit 0` lists every one."""
    country = f"Country {cli.year}"
    made = [await cli.submit(countries=[country], name=f"Kenya {n}") for n in ("V", "VI", "VII")]

    async def all_three() -> list[str] | None:
        rows = await _listed(cli, "--country", country, "--limit", "0")
        return [r["reference"] for r in rows] if len(rows) == 3 else None

    assert await eventually(all_three) == made
    text = await cli.ok("list", "--country", country, "--limit", "2")
    lines = text.splitlines()
    assert lines[0].split() == [
        "Reference",
        "Stage",
        "Region",
        "Country",
        "Officer",
        "Hold",
        "Next",
        "due",
        "Left",
    ]
    assert [line.split()[0] for line in lines[2:4]] == made[1:]
    assert lines[-1] == "2 most recent of 3 Actions; `--limit 0` lists every one"
    refused = await cli("list", "--limit", "-1")
    assert (
        refused.code == 2
        and refused.err.strip() == "mieux: --limit -1: at least 0 (0 lists every Action)"
    )
