"""`mieux simulate --requests N --year Y [--seed S] [--json]`: a synthetic year through the
real workflows on Temporal's time-skipping test server (simulation/), and what it means for
the team: load per project officer and month, deadline misses per clock, time in stage
against the policy's targets, the busiest week. The same seed gives the same figures."""

from __future__ import annotations

import asyncio
import sys
import time
from argparse import Namespace
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from reads.errors import DONE, BadInput
from reads.session import Session
from starter.render_simulation import SimulationReport, simulation

if TYPE_CHECKING:
    from simulation.run import Outcome
    from simulation.scenario import Scenario

# The time-skipping server starts at today's date and only runs forward.
YEARS_AHEAD = 30


def check_year(year: int, today: datetime) -> None:
    first, last = today.year + 1, today.year + YEARS_AHEAD
    if not first <= year <= last:
        raise BadInput(
            f"--year: {year} is not from {first} to {last} (the time-skipping server starts"
            " today and runs forward)"
        )


async def simulate(session: Session, args: Namespace) -> int:
    from reads.reports.figures import CaseFile, stage_targets, time_in_stage
    from simulation.figures import load_figures
    from simulation.run import simulate as run_year
    from simulation.scenario import Scenario

    if args.seed < 0:
        raise BadInput(f"--seed: {args.seed} is negative; a seed is 0 or more")
    check_year(args.year, datetime.now(UTC))
    settings = session.settings
    scenario = Scenario(
        seed=args.seed,
        year=args.year,
        requests=args.requests,
        officers=tuple(p.id for p in settings.staff.project_officers),
    )
    began = time.perf_counter()
    with _progress(args.requests) as advance:
        outcome = await run_year(scenario, settings.policy, settings.staff, advance)
    wall = time.perf_counter() - began
    cases = [CaseFile(status, (), (status.country,)) for status in outcome.statuses]
    report = SimulationReport(
        requests=args.requests,
        year=args.year,
        seed=args.seed,
        wall_seconds=round(wall, 1),
        load=load_figures(outcome.statuses, outcome.sent, outcome.applied["expert_response"]),
        time_in_stage=time_in_stage(cases, stage_targets(settings.policy)),
    )
    if args.register:
        written = await asyncio.to_thread(_register, settings.database_url, scenario, outcome)
        print(
            f"mieux: {written} simulated Actions written to the register of"
            f" {settings.database_url} (mieux report --year {args.year} reads them)",
            file=sys.stderr,
        )
    if args.json:
        print(report.model_dump_json(indent=2))
    else:
        simulation(report)
    return DONE


def _register(url: str, scenario: Scenario, outcome: Outcome) -> int:
    """The simulated Actions into the register, as ended Actions are written there."""
    from glossary.register import RegisterRecord, without_personal_data
    from store.register import Register

    register = Register(url)
    written = 0
    for status in outcome.statuses:
        number = int(status.reference.split("-")[1])
        request = scenario.request(number)
        authorities = request["requesting_authorities"]
        written += register.put(
            RegisterRecord(
                reference=status.reference,
                ended_at=status.stages[-1].entered if status.stages else None,
                requester_types=[a["type"] for a in authorities],
                institutions=[a["institution"] for a in authorities],
                countries=request["countries"],
                status=without_personal_data(status),
            )
        )
    return written


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr (Actions ended, of N) when it is a terminal."""
    if not sys.stderr.isatty():
        yield lambda _done: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    bar = Progress(
        "simulating",
        BarColumn(),
        MofNCompleteColumn(),
        "Actions ended",
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    )
    task = bar.add_task("simulate", total=total)
    with bar:
        yield lambda done: bar.update(task, completed=done)
