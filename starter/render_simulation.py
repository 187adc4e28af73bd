"""How `mieux simulate` prints its year: plain tables on stdout."""

from __future__ import annotations

from pydantic import BaseModel

from glossary.names import stage_words
from reads.reports.figures import StageTime
from simulation.figures import LoadFigures


class SimulationReport(BaseModel):
    """What `mieux simulate` prints (and writes with --json)."""

    requests: int
    year: int
    seed: int
    wall_seconds: float
    load: LoadFigures
    time_in_stage: list[StageTime]


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()

    return [line(headers), line(tuple("-" * w for w in widths)), *(line(r) for r in rows)]


def simulation(report: SimulationReport) -> None:
    load = report.load
    outcomes = ", ".join(f"{stage} {n}" for stage, n in load.outcomes.items())
    out = [
        f"Simulated year {report.year}: {report.requests} requests, seed {report.seed};"
        f" real workflows on the time-skipping test server, {report.wall_seconds:.1f} s",
        f"Outcomes: {outcomes}",
        f"Notices to the MIEUX team (officers, manager, director): {load.notices}",
        "",
        "Load per project officer and month (open Actions / notices received / answers due)",
    ]
    officers = sorted({r.officer for r in load.officer_months})
    months = sorted({r.month for r in load.officer_months})
    cell = {(r.officer, r.month): r for r in load.officer_months}
    out += _table(
        ("Month", *officers),
        [
            (
                month,
                *(
                    f"{cell[(o, month)].open_actions} / {cell[(o, month)].notices}"
                    f" / {cell[(o, month)].answers_due}"
                    for o in officers
                ),
            )
            for month in months
        ],
    )
    out += ["", "Deadline misses per clock (clocks that ran out, of those that sent a notice)"]
    out += _table(
        ("Clock", "Missed", "Clocks", "Share"),
        [
            (m.clock, str(m.missed), str(m.clocks), f"{m.missed / m.clocks:.0%}")
            for m in load.misses
        ],
    )
    out += ["", "Time in stage against targets (stays that ended)"]
    out += _table(
        ("Stage", "Stays", "Median", "90th pct", "Target", "Within"),
        [
            (
                stage_words(t.stage),
                str(t.stays),
                f"{t.median_days:.1f} d",
                f"{t.p90_days:.1f} d",
                f"{t.target_days:g} d" if t.target_days is not None else "",
                f"{t.within_target:.0%}" if t.within_target is not None else "",
            )
            for t in report.time_in_stage
        ],
    )
    if load.busiest_week:
        week = load.busiest_week
        out += [
            "",
            f"Busiest week: the week of {week.week_of:%Y-%m-%d}, {week.notices} notices to the"
            f" team ({week.answers_due} answers due from the project officers)",
        ]
    print("\n".join(out))
