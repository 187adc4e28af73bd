"""An Action that continues as new (issue 22.7): when, and what it takes along.

Only between the review's steps (intake to the PSG): no activity runs as a child workflow
then, so nothing is left behind; the implementation's children stay bound to their run.
The state goes whole into `ActionInput.carried` (glossary/carried.py); the clocks' dates are
absolute, so every reminder and deadline keeps its time.
"""

from __future__ import annotations

from pydantic import TypeAdapter
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from glossary import Stage
    from glossary.carried import CarriedState
    from workflows.clock import Clock
    from workflows.intake import Intake
    from workflows.review import Review

# 0.7: an Action under review continues as new before its history nears Temporal's limits.
# Read once at start: an Action started earlier replays without it (and never continues).
CONTINUE_AS_NEW = "0.7-continue-as-new"
REVIEW_STAGES = frozenset(
    {Stage.INTAKE, Stage.FICHE_DRAFTING, Stage.CONSULTATION, Stage.PSG_REVIEW}
)
_CLOCK = TypeAdapter(Clock)


class Continuation(Intake, Review):
    """The ActionLifecycle's state across runs; its attributes are set in its __init__."""

    continues: bool
    runs_before: int

    def _time_to_continue(self) -> bool:
        """At a quiet moment only: no command half-handled, nothing queued, no child running."""
        if not self.continues or self.stage not in REVIEW_STAGES:
            return False
        if self._children or self._effects or self._outbox:
            return False
        if any(not t.done() for t in self._summaries):
            return False
        if not workflow.all_handlers_finished():
            return False
        info = workflow.info()
        return (
            info.is_continue_as_new_suggested()
            or info.get_current_history_length() >= self.policy.continue_after_events
        )

    def _carry(self) -> CarriedState:
        return CarriedState(
            runs_before=self.runs_before + 1,
            stage=self.stage,
            stage_spans=self.__dict__.get("stage_spans", []),
            officer_id=self.officer_id,
            title=self.title,
            on_hold=self.on_hold,
            hold_reason=self.hold_reason,
            held_since=self.held_since,
            holds=self._holds,
            audit=self.audit,
            refusals=self._refusals,
            refusals_not_listed=self.refusals_not_listed,
            mail_problems=self.mail_problems,
            clocks=[_CLOCK.dump_python(c, mode="json") for c in self.clocks.open.values()],
            undelivered=list(self._in_flight.values()),
            fiche=self.fiche,
            fiche_version=self.fiche_version,
            psg_round=self.psg_round,
            psg_votes=self.psg_votes,
            revisions=self.revisions,
            consultations=self.consultations,
            consulted_answers=self.consulted_answers,
            consult_everyone=self.consult_everyone,
            outcome=self.outcome,
            documents=self.documents,
        )

    def _restore(self, carried: CarriedState) -> None:
        """Into a new run's `__init__`, before any command or clock."""
        self.runs_before = carried.runs_before
        self.__dict__["stage_spans"] = list(carried.stage_spans)
        self._stage = carried.stage
        self.officer_id = carried.officer_id
        self.title = carried.title
        self.on_hold = carried.on_hold
        self.hold_reason = carried.hold_reason
        self.held_since = carried.held_since
        self._holds = carried.holds
        self.audit = list(carried.audit)
        self._refusals = carried.refusals
        self.refusals_not_listed = dict(carried.refusals_not_listed)
        self.mail_problems = list(carried.mail_problems)
        for raw in carried.clocks:
            self.clocks.start(_CLOCK.validate_python(raw))
        self._notify(*carried.undelivered)
        self.fiche = carried.fiche
        self.fiche_version = carried.fiche_version
        self.psg_round = carried.psg_round
        self.psg_votes = list(carried.psg_votes)
        self.revisions = carried.revisions
        self.consultations = carried.consultations
        self.consulted_answers = dict(carried.consulted_answers)
        self.consult_everyone = carried.consult_everyone
        self.outcome = carried.outcome
        self.documents = list(carried.documents)
