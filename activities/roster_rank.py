"""Who is free, and who fits best (DOMAIN.md §3 "Expert mobilisation").

An expert is a candidate when none of the query's exclusions apply and they are free on the
dates: not unavailable, not reserved or deployed elsewhere, no declared conflict with the
Action or its country. Candidates need at least one matching expertise area and one working
language (when the query names any) and are ranked, out of 100, by:

- expertise: 50 x the share of the query's areas they cover (a partial match counts half);
- language: 20 x the share of the query's working languages they speak;
- experience: 15 x past deployments (up to 5), and 15 x past deployments on a matching
  theme (up to 3).

Ties go to the lower expert id, so the order is stable across runs and workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from glossary.roster import Candidate, CandidateQuery
from store.tables import AssignmentRow, AssignmentState, ExpertRow


def normalise(text: str) -> str:
    """`Migration & Development` and `migration and development` are the same area."""
    return " ".join(text.lower().replace("&", " and ").split())


def why_busy(
    expert: ExpertRow,
    start: date,
    end: date,
    *,
    reference: str,
    activity: int | None,
    countries: Iterable[str] = (),
) -> str:
    """Why the expert cannot take these dates for this activity; empty when they can."""
    for period in expert.unavailable:
        if period.start <= end and start <= period.end:
            return f"expert {expert.id} is unavailable from {period.start} to {period.end}"
    for held in expert.assignments:
        if _same_activity(held, reference, activity):
            continue
        if held.start <= end and start <= held.end:
            return (
                f"expert {expert.id} is already {held.state} for {held.reference} activity "
                f"{held.activity} from {held.start} to {held.end}"
            )
    subjects = {normalise(reference), *(normalise(c) for c in countries)} - {""}
    for conflict in expert.conflicts:
        if normalise(conflict.subject) in subjects:
            return f"expert {expert.id} declared a conflict of interest with {conflict.subject}"
    return ""


def rank(experts: Iterable[ExpertRow], query: CandidateQuery) -> list[Candidate]:
    wanted_areas = [normalise(a) for a in query.expertise]
    wanted_languages = {normalise(lang) for lang in query.languages}
    candidates = []
    for expert in experts:
        areas = [normalise(row.area) for row in expert.expertise]
        matched, expertise_share = _expertise(areas, query.expertise)
        spoken = [
            row.language for row in expert.languages if normalise(row.language) in wanted_languages
        ]
        if (wanted_areas and not matched) or (wanted_languages and not spoken):
            continue
        if why_busy(
            expert,
            query.start,
            query.end,
            reference=query.reference,
            activity=query.activity,
            countries=[query.country, *query.partner_countries],
        ):
            continue
        past = [
            a
            for a in expert.assignments
            if a.state == AssignmentState.DEPLOYED and a.end < query.start
        ]
        on_theme = [a for a in past if a.theme and _matches(normalise(a.theme), wanted_areas)]
        score = (
            50 * expertise_share
            + (20 * len(spoken) / len(wanted_languages) if wanted_languages else 20)
            + 15 * min(len(past), 5) / 5
            + 15 * min(len(on_theme), 3) / 3
        )
        candidates.append(
            Candidate(
                expert_id=expert.id,
                score=round(score, 2),
                timezone=expert.timezone,
                focal_point_id=expert.focal_point_id,
                matched_expertise=matched,
                matched_languages=sorted(spoken),
                past_deployments=len(past),
            )
        )
    candidates.sort(key=lambda c: (-c.score, c.expert_id))
    return candidates[: query.limit]


def _expertise(areas: Sequence[str], wanted: Sequence[str]) -> tuple[list[str], float]:
    """The query's areas this expert covers (as the query spells them) and the share."""
    if not wanted:
        return [], 1.0
    matched, points = [], 0.0
    for label in wanted:
        area = normalise(label)
        if area in areas:
            matched.append(label)
            points += 1.0
        elif _matches(area, areas):
            matched.append(label)
            points += 0.5
    return matched, points / len(wanted)


def _matches(area: str, areas: Iterable[str]) -> bool:
    """A partial match: `thb` within `irregular migration and thb`, or the other way round."""
    return any(area in other or other in area for other in areas)


def _same_activity(held: AssignmentRow, reference: str, activity: int | None) -> bool:
    return held.reference == reference and activity is not None and held.activity == activity
