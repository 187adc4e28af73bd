"""The report's tables as plain rows of text, one source for every way it is written: the
terminal (rich), the Word document, the HTML page and the CSV files."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from glossary.names import stage_words
from reads.reports.breakdowns import DIMENSIONS, GroupFigures
from reads.reports.figures import OUTCOMES, Figures


@dataclass(frozen=True)
class ReportTable:
    name: str  # a file name for CSV: "outcomes-by-region"
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]


def _score(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else ""


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def outcome_table(figures: Figures, dimension: str) -> ReportTable:
    rows = [
        (g.group, str(g.actions), *(str(g.outcomes.get(o, 0)) for o in OUTCOMES))
        for g in figures.by(dimension)
    ]
    return ReportTable(
        name=f"outcomes-by-{dimension.replace(' ', '-')}",
        title=f"Outcomes by {dimension}",
        headers=(dimension.capitalize(), "Actions", *(o.capitalize() for o in OUTCOMES)),
        rows=rows,
    )


def me_row(g: GroupFigures) -> tuple[str, ...]:
    return (
        g.group,
        str(g.actions),
        str(g.activities_held),
        _score(g.mean_score),
        str(g.participants),
        _share(g.women, g.participants),
        f"{_score(g.mean_feedback)} ({g.feedback_answers})" if g.feedback_answers else "",
        f"{g.adopted} of {g.adoption_answers}" if g.adoption_answers else "",
        _ratio(g.on_time_share),
    )


ME_HEADERS = (
    "Actions",
    "Activities held",
    "Mean score",
    "Participants",
    "Women",
    "Partner feedback",
    "Adopted",
    "Stages on time",
)


def me_table(figures: Figures, dimension: str) -> ReportTable:
    return ReportTable(
        name=f"me-by-{dimension.replace(' ', '-')}",
        title=f"M&E by {dimension}",
        headers=(dimension.capitalize(), *ME_HEADERS),
        rows=[me_row(g) for g in figures.by(dimension)],
    )


def actions_table(figures: Figures) -> ReportTable:
    return ReportTable(
        name="actions",
        title="M&E by Action",
        headers=("Reference", "Region", "Country", "Themes", "Outcome", *ME_HEADERS[1:]),
        rows=[
            (
                a.reference,
                a.region,
                a.country,
                "; ".join(a.themes),
                a.outcome,
                str(a.activities_held),
                _score(a.mean_score),
                str(a.participants),
                _share(a.women, a.participants),
                "" if a.feedback_rating is None else f"{a.feedback_rating}/5",
                "" if a.adopted is None else ("yes" if a.adopted else "not yet"),
                f"{a.on_time} of {a.timed_stays}" if a.timed_stays else "",
            )
            for a in figures.actions
        ],
    )


def time_table(figures: Figures) -> ReportTable:
    return ReportTable(
        name="time-in-stage",
        title="Time in stage (stays that ended)",
        headers=("Stage", "Stays", "Median", "90th pct", "Target", "Within target"),
        rows=[
            (
                stage_words(row.stage),
                str(row.stays),
                f"{row.median_days:.1f} d",
                f"{row.p90_days:.1f} d",
                f"{row.target_days:g} d" if row.target_days is not None else "",
                _ratio(row.within_target),
            )
            for row in figures.time_in_stage
        ],
    )


def scores_table(figures: Figures) -> ReportTable:
    return ReportTable(
        name="scores-by-criterion",
        title="Activity evaluations: mean score by criterion (1-5)",
        headers=("Criterion", "Mean score"),
        rows=[(c, f"{v:.2f}") for c, v in figures.scores_by_criterion.items()],
    )


def breakdown_tables(figures: Figures) -> Iterator[ReportTable]:
    """Every table beyond the plain counts, in the order the report shows them."""
    yield time_table(figures)
    for dimension in DIMENSIONS:
        yield outcome_table(figures, dimension)
    yield scores_table(figures)
    for dimension in DIMENSIONS:
        yield me_table(figures, dimension)
    yield actions_table(figures)
