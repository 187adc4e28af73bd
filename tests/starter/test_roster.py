"""`mieux roster import | search` call the roster functions of activities/roster.py on the
database of the settings; the report reads expert categories from the same roster."""

from __future__ import annotations

import json

from config.settings import load_settings
from starter.experts import categories
from tests.starter.conftest import EXAMPLES, Cli


async def test_the_example_roster_imports_without_a_rejected_row(cli: Cli):
    out = await cli.ok("roster", "import", str(EXAMPLES / "roster.json"))

    assert out == "roster.json: 3 experts and 2 focal points imported, 0 rows rejected\n"


async def test_rejected_rows_are_listed_and_exit_2(cli: Cli):
    roster = cli.file(
        "roster.json",
        {"experts": [{"id": "EX-1", "name": "A", "email": "nope", "nationality": "Malta"}]},
    )

    outcome = await cli("roster", "import", roster)

    assert outcome.code == 2
    assert "0 experts and 0 focal points imported, 1 rows rejected" in outcome.out
    assert "row 1: expert EX-1: " in outcome.out and "'nope' is not a valid email" in outcome.out
    assert outcome.err == f"mieux: 1 rows of {roster} were rejected (listed above)\n"


async def test_a_file_that_is_not_a_roster_is_refused_and_exit_2(cli: Cli):
    request = cli.file("request.json", {"title": "Labour migration", "country": "Kenya"})

    outcome = await cli("roster", "import", request)

    assert outcome.code == 2
    assert outcome.out == ""
    assert outcome.err == (
        "mieux: not a roster: a JSON roster has focal_points and/or experts "
        "(this has country, title)\n"
    )


async def test_roster_search_ranks_free_experts_for_a_theme_and_language(cli: Cli):
    await cli.ok("roster", "import", str(EXAMPLES / "roster.json"))

    async def found(*argv: str) -> list[str]:
        rows = json.loads(await cli.ok("roster", "search", "--json", *argv))
        return [r["expert_id"] for r in rows]

    dates = ("--from", "2026-06-08", "--to", "2026-06-10")
    assert await found("--theme", "migration data", *dates) == ["EX-PT-11", "EX-SN-04"]
    assert await found("--theme", "migration data", "--language", "Wolof", *dates) == ["EX-SN-04"]
    # Inês Moreira is unavailable in August.
    assert await found("--theme", "migration data", "--from", "2026-08-10") == ["EX-SN-04"]
    text = await cli.ok("roster", "search", "--theme", "climate & migration")
    assert "EX-AC-02" in text


async def test_search_dates_in_the_wrong_order_exit_2(cli: Cli):
    outcome = await cli(
        "roster", "search", "--theme", "x", "--from", "2026-06-10", "--to", "2026-06-08"
    )
    assert outcome.code == 2
    assert "the query ends (2026-06-08) before it starts (2026-06-10)" in outcome.err


async def test_the_report_reads_expert_categories_from_the_roster(cli: Cli):
    await cli.ok("roster", "import", str(EXAMPLES / "roster.json"))

    found = categories(load_settings(), ["EX-PT-11", "EX-SN-04", "EX-UNKNOWN"])

    assert found == {"EX-PT-11": "EU MS official", "EX-SN-04": "non-EU official"}


def test_the_report_does_not_create_a_roster_to_read_categories(cli_env: dict[str, str]):
    settings = load_settings()

    assert categories(settings, ["EX-PT-11"]) == {}
    assert not (settings.state_dir / "roster.db").exists()
