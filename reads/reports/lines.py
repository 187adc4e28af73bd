"""The sentences and count tables every writer of the report starts with (terminal, HTML,
Word)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from reads.reports.figures import Figures


def report_lines(report: Figures) -> list[str]:
    return [
        f"MIEUX figures, {report.scope}",
        f"Requests received: {report.requests} ({report.joint_or_regional} joint or regional;"
        f" {report.on_hold} on hold now)",
        f"Activities held: {report.activities} ({report.activities_planned} planned or"
        f" under way, {report.activities_cancelled} cancelled, not counted)",
        f"Experts deployed: {report.experts_deployed} ({report.deployments} deployments)",
        f"Participants: {report.participants} (women {report.women}, men {report.men},"
        f" not reported {report.gender_not_reported})",
    ]


def report_tables(report: Figures) -> Iterable[tuple[str, Mapping[str, int]]]:
    yield "Requests by region", report.requests_by_region
    yield "Requests by requester type", report.requests_by_requester_type
    yield "Outcomes", report.outcomes
    yield "Activities by type", report.activities_by_type
    yield "Experts deployed by origin", report.experts_by_origin
    yield "Activities by country", report.activities_by_country
    yield "Experts deployed by nationality", report.experts_by_nationality
