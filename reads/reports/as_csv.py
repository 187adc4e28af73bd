"""`mieux report --csv DIR`: one CSV file per table, for spreadsheets. Figures go in as
numbers, not as the terminal's "42%" or "3.5 d", so a spreadsheet can sum them."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from reads.reports.figures import OUTCOMES, Figures


def _write(path: Path, headers: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(list(headers))
        for row in rows:
            writer.writerow([_cell(cell) for cell in row])


def _cell(value: object) -> object:
    """A cell a spreadsheet shows as text: one that starts like a formula (`=`, `+`, `-`,
    `@`, a tab or a carriage return) gets a leading quote (OWASP's CSV injection advice;
    issue 22.13). Numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv(figures: Figures, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []

    def put(name: str, headers: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
        path = folder / f"{name}.csv"
        _write(path, headers, rows)
        written.append(path)

    put(
        "groups",
        [
            "dimension",
            "group",
            "actions",
            *OUTCOMES,
            "activities_held",
            "mean_score",
            "participants",
            "women",
            "men",
            "feedback_answers",
            "mean_feedback",
            "adoption_answers",
            "adopted",
            "on_time_share",
        ],
        (
            [
                g.dimension,
                g.group,
                g.actions,
                *(g.outcomes.get(o, 0) for o in OUTCOMES),
                g.activities_held,
                g.mean_score,
                g.participants,
                g.women,
                g.men,
                g.feedback_answers,
                g.mean_feedback,
                g.adoption_answers,
                g.adopted,
                g.on_time_share,
            ]
            for g in figures.groups
        ),
    )
    put(
        "actions",
        [
            "reference",
            "year",
            "region",
            "country",
            "themes",
            "outcome",
            "activities_held",
            "mean_score",
            "participants",
            "women",
            "men",
            "feedback_rating",
            "adopted",
            "timed_stays",
            "on_time",
        ],
        (
            [
                a.reference,
                a.year,
                a.region,
                a.country,
                "; ".join(a.themes),
                a.outcome,
                a.activities_held,
                a.mean_score,
                a.participants,
                a.women,
                a.men,
                a.feedback_rating,
                "" if a.adopted is None else str(a.adopted).lower(),
                a.timed_stays,
                a.on_time,
            ]
            for a in figures.actions
        ),
    )
    put(
        "time-in-stage",
        ["stage", "stays", "median_days", "p90_days", "target_days", "within_target"],
        (
            [t.stage, t.stays, t.median_days, t.p90_days, t.target_days, t.within_target]
            for t in figures.time_in_stage
        ),
    )
    counts = {
        "requests_by_region": figures.requests_by_region,
        "requests_by_requester_type": figures.requests_by_requester_type,
        "activities_by_type": figures.activities_by_type,
        "activities_by_country": figures.activities_by_country,
        "experts_by_origin": figures.experts_by_origin,
        "experts_by_nationality": figures.experts_by_nationality,
    }
    put(
        "counts",
        ["table", "name", "count"],
        ([table, name, n] for table, named in counts.items() for name, n in named.items()),
    )
    return written
