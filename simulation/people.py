"""How the people an Action waits on answer the notices it sends: the MIEUX team (intake,
Fiche, reports, evaluations), the EUDEL and EC services, the PSG members, the experts and
the partner. Each rule reads one notice and returns the steps it leads to; the delays and
choices come from `scenario.draw`, seeded with what they are about.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from glossary.notices import Notice, NoticeKind
from simulation.scenario import (
    ADOPTED,
    EXPERT_DECLINES,
    EXPERT_SILENT,
    FEEDBACK_NEVER,
    FOLLOW_UP_NEVER,
    FORWARDED,
    INTAKE_REJECTED,
    PSG_REJECTED,
    PSG_REVISION,
    WITHDRAWN,
    Scenario,
    days,
    draw,
)
from simulation.steps import Step

MEMBERS = ("DG_INTPA", "DG_HOME", "EEAS")
PATIENT = 120  # daily attempts for a step that waits for the Action to be ready


def _number(reference: str) -> int:
    return int(reference.split("-")[1])


def intake_outcome(scenario: Scenario, reference: str) -> str:
    roll = draw(scenario.seed, reference, "intake").random()
    if roll < INTAKE_REJECTED:
        return "reject"
    if roll < INTAKE_REJECTED + FORWARDED:
        return "forward"
    return "accept"


def psg_outcome(scenario: Scenario, reference: str, round_: int) -> str:
    """approved | revise | rejected, for the whole PSG in this round."""
    if round_ > 1:
        return "approved"
    roll = draw(scenario.seed, reference, "psg").random()
    if roll < PSG_REJECTED:
        return "rejected"
    if roll < PSG_REJECTED + PSG_REVISION:
        return "revise"
    return "approved"


def withdrawn(scenario: Scenario, reference: str) -> bool:
    return draw(scenario.seed, reference, "withdrawn").random() < WITHDRAWN


def _round(clock: str) -> int:
    tail = clock.rsplit("-", 1)[-1]
    return int(tail) if tail.isdigit() else 1


def _vote(member: str, outcome: str) -> dict[str, Any]:
    if outcome == "revise" and member == "DG_HOME":
        return {"member": member, "decision": "revise", "comment": "clarify the outputs"}
    if outcome == "rejected" and member == "EEAS":
        return {"member": member, "decision": "rejected", "comment": "outside the priorities"}
    return {"member": member, "decision": "approved"}


def invitation_slot(notice: Notice) -> tuple[str, int, int] | None:
    """(Action, activity, place) of an invitation to an expert: `expert-2-EX-HU-02-1` is
    activity 2's first place, whoever the roster put forward for it."""
    _, clock, _, _ = notice.key.split("/", 3)
    if notice.kind != NoticeKind.INVITATION or notice.to.role != "expert":
        return None
    parts = clock.split("-")
    return notice.reference, int(parts[1]), int(parts[-1])


def answers(scenario: Scenario, notice: Notice, now: datetime, asked: int = 1) -> list[Step]:
    """The steps this notice leads to (most notices lead to none: reminders, copies).

    `asked`: for an invitation, how many experts this place has been offered to so far.
    An expert's answer is drawn for the place and the ask, not for the expert: which expert
    the roster puts forward depends on which of the Action's activities reserved first, and
    the same seed must give the same year whatever that order."""
    ref = notice.reference
    _, clock, step, _ = notice.key.split("/", 3)
    role = notice.to.role
    seed = scenario.seed

    def later(delay: timedelta, command: str, payload: dict[str, Any], **more: Any) -> Step:
        return Step(at=now + delay, reference=ref, command=command, payload=payload, **more)

    kind = notice.kind
    if kind == NoticeKind.ASSIGNMENT and role == "project_officer":
        outcome = intake_outcome(scenario, ref)
        payload: dict[str, Any] = {"decision": outcome, "by": notice.to.id}
        if outcome == "reject":
            payload["reason"] = "outside MIEUX's mandate"
        if outcome == "forward":
            payload["forward_to"] = "another EU facility"
        return [later(days(draw(seed, ref, "intake-delay"), 0.5, 3, 9), "intake_decision", payload)]
    if kind == NoticeKind.DECISION and clock == "intake" and role == "partner_focal_point":
        if intake_outcome(scenario, ref) != "accept":
            return []
        drafting = days(draw(seed, ref, "drafting"), 8, 17, 32)
        fiche = scenario.fiche(_number(ref))
        return [later(drafting, "submit_fiche", {"fiche": fiche, "by": "staff"})]
    if kind == NoticeKind.CONSULTATION and role in ("eudel", "ec_services"):
        rng = draw(seed, ref, clock, role)
        if rng.random() < 0.4:
            return []  # positive silence: no objection once the window ends
        body = "EC services" if role == "ec_services" else f"EUDEL {notice.to.name}"[:120]
        return [
            later(
                days(rng, 0.5, 2, 6),
                "consultation_feedback",
                {"organisation": body, "by": role},
            )
        ]
    if kind == NoticeKind.VOTE_REQUEST and role.startswith("psg:"):
        member = role.removeprefix("psg:")
        outcome = psg_outcome(scenario, ref, _round(clock))
        delay = days(draw(seed, ref, clock, member), 0.5, 4, 13)
        return [later(delay, "psg_vote", {**_vote(member, outcome), "by": member})]
    if kind == NoticeKind.DECISION and clock.startswith("psg") and role == "project_officer":
        outcome = psg_outcome(scenario, ref, _round(clock))
        if outcome == "revise":
            again = days(draw(seed, ref, "revision"), 3, 7, 14)
            fiche = scenario.fiche(_number(ref))
            return [later(again, "submit_fiche", {"fiche": fiche, "by": notice.to.id})]
        if outcome == "rejected":
            return []
        return _implementation(scenario, ref, now, notice.to.id)
    slot = invitation_slot(notice)
    if slot is not None:
        rng = draw(seed, *slot, asked)
        roll = rng.random()
        if roll < EXPERT_SILENT:
            return []
        activity = int(clock.split("-")[1])
        confirmed = roll >= EXPERT_SILENT + EXPERT_DECLINES
        payload = {
            "activity": activity,
            "expert_id": notice.to.id,
            "confirmed": confirmed,
            "reason": "" if confirmed else "not available on those dates",
            "by": notice.to.id,
        }
        return [later(days(rng, 0.5, 3, 8), "expert_response", payload)]
    if (
        kind == NoticeKind.ESCALATION
        and clock.startswith("roster-")
        and (role == "project_officer")
    ):
        activity = int(clock.split("-")[1])
        payload = {
            "cancel": [{"number": activity, "reason": "no expert available on those dates"}],
            "by": notice.to.id,
        }
        return [later(days(draw(seed, ref, clock, step), 1, 2, 6), "amend_plan", payload)]
    if kind == NoticeKind.QUESTIONNAIRE and clock == "feedback":
        rng = draw(seed, ref, "feedback")
        steps = [
            later(
                days(rng, 2, 7, 20),
                "deliverables_validated",
                {"by": "partner"},
                attempts=PATIENT,
            )
        ]
        if rng.random() >= FEEDBACK_NEVER:
            rating = rng.choice((3, 4, 4, 5, 5))
            steps.append(
                later(
                    days(rng, 3, 15, 45),
                    "feedback_received",
                    {"overall_rating": rating, "by": "partner"},
                )
            )
        return steps
    if kind == NoticeKind.QUESTIONNAIRE and clock == "follow-up":
        rng = draw(seed, ref, "follow-up")
        if rng.random() < FOLLOW_UP_NEVER:
            return []
        adopted = rng.random() < ADOPTED
        payload = {
            "adopted": adopted,
            "adoption": "adopted by the government" if adopted else "under discussion",
            "by": "partner",
        }
        return [later(days(rng, 2, 10, 30), "follow_up_received", payload)]
    return []


def _implementation(scenario: Scenario, ref: str, now: datetime, officer: str) -> list[Step]:
    """Once approved: each activity's report a few days after it ends, its evaluation some
    days later; tried each day until the activity is ready for it (its experts mobilised,
    its dates passed)."""
    steps = []
    seed = scenario.seed
    for number, (_, end) in scenario.activity_dates(_number(ref)).items():
        rng = draw(seed, ref, "activity", number)
        ended = datetime.combine(end, time(16, 0), UTC)
        report = ended + days(rng, 1, 4, 12)
        participants = rng.randint(12, 40)
        women = rng.randint(participants // 4, participants * 3 // 4)
        steps.append(
            Step(
                at=max(report, now),
                reference=ref,
                command="activity_completed",
                payload={
                    "activity": number,
                    "participants": participants,
                    "women": women,
                    "men": participants - women,
                    "outputs": [f"activity {number} recommendations"],
                    "by": officer,
                },
                attempts=PATIENT,
            )
        )
        steps.append(
            Step(
                at=max(report + days(rng, 2, 8, 20), now),
                reference=ref,
                command="evaluation_done",
                payload={
                    "activity": number,
                    "scores": {"relevance": rng.randint(3, 5), "organisation": rng.randint(2, 5)},
                    "by": officer,
                },
                attempts=PATIENT,
            )
        )
    if withdrawn(scenario, ref):
        steps.append(
            Step(
                at=now + days(draw(seed, ref, "withdrawal"), 20, 60, 120),
                reference=ref,
                command="withdraw",
                payload={"reason": "the partner withdrew the request", "by": officer},
            )
        )
    return steps
