"""`mieux simulate` (issue 14): a synthetic year through the real workflows on the
time-skipping test server; the same seed gives the same figures, and bad input is refused
in one line before any server starts."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.starter.conftest import Cli

NEXT_YEAR = datetime.now(UTC).year + 1


async def _figures(cli: Cli, *argv: str) -> dict:
    figures = json.loads(await cli.ok("simulate", "--json", *argv))
    figures.pop("wall_seconds")
    return figures


async def test_the_same_seed_gives_the_same_year_and_another_seed_another(cli: Cli):
    first = await _figures(cli, "--requests", "4", "--year", str(NEXT_YEAR), "--seed", "5")
    again = await _figures(cli, "--requests", "4", "--year", str(NEXT_YEAR), "--seed", "5")
    other = await _figures(cli, "--requests", "4", "--year", str(NEXT_YEAR), "--seed", "6")

    assert first == again
    assert first != other
    load = first["load"]
    assert sum(load["outcomes"].values()) == 4
    assert set(load["outcomes"]) <= {"closed", "rejected", "forwarded", "withdrawn"}
    assert load["notices"] > 10
    # Each request is received in the year asked for, and staff's months start there.
    assert min(r["month"] for r in load["officer_months"]).startswith(str(NEXT_YEAR))
    stays = {t["stage"]: t for t in first["time_in_stage"]}
    assert stays["intake"]["target_days"] == 7.0 and stays["intake"]["stays"] == 4


async def test_the_text_output_names_the_load_the_misses_and_the_busiest_week(cli: Cli):
    shown = await cli.ok("simulate", "--requests", "2", "--year", str(NEXT_YEAR), "--seed", "2")

    assert shown.startswith(f"Simulated year {NEXT_YEAR}: 2 requests, seed 2;")
    assert "Load per project officer and month" in shown
    assert "Deadline misses per clock" in shown
    assert "Time in stage against targets" in shown
    assert "Busiest week: the week of " in shown


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--requests", "0", "--year", str(NEXT_YEAR)], "argument --requests: 0 is not from 1"),
        (["--requests", "x", "--year", str(NEXT_YEAR)], "argument --requests: 'x' is not a"),
        (
            ["--requests", "3", "--year", str(NEXT_YEAR), "--seed", "-1"],
            "mieux: --seed: -1 is negative; a seed is 0 or more",
        ),
        (
            ["--requests", "3", "--year", str(NEXT_YEAR - 1)],
            f"mieux: --year: {NEXT_YEAR - 1} is not from {NEXT_YEAR} to",
        ),
        (["--requests", "3", "--year", "99999"], "mieux: --year: 99999 is not from"),
    ],
)
async def test_bad_input_is_refused_in_one_line(cli: Cli, argv: list[str], message: str):
    refused = await cli("simulate", *argv)

    assert refused.code == 2
    assert message in refused.err
    assert refused.out == ""


async def test_a_simulated_year_written_to_the_register_is_counted_by_mieux_report(cli: Cli):
    ran = await cli(
        "simulate", "--requests", "3", "--year", str(NEXT_YEAR), "--seed", "4", "--register"
    )
    figures = json.loads(await cli.ok("report", "--year", str(NEXT_YEAR), "--json"))

    assert ran.code == 0
    assert "mieux: 3 simulated Actions written to the register" in ran.err
    assert figures["requests"] == 3
    assert sum(figures["outcomes"].values()) == 3
    assert {t["stage"] for t in figures["time_in_stage"]} >= {"intake"}
