"""An Action that continues as new (issue 22.7): when, and what it takes along.

Under review (intake to the PSG) or in implementation. The activities' workflows started
since 0.7 are abandoned by the run that ends, not ended with it: they go on, and report to
the Action's next run by its workflow id, which relays commands to them by theirs. The state
goes whole into `ActionInput.carried` (glossary/carried.py); the clocks' dates are absolute,
so every reminder and deadline keeps its time. Completion and follow-up too: a resumed run
goes on from the stage it was in, its clocks carried, its notices not sent again.
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

# 0.7: an Action continues as new before its history nears Temporal's limits, and its
# activities outlive the run that started them. Read once at start: an Action started
# earlier replays without it (and never continues).
CONTINUE_AS_NEW = "0.7-continue-as-new"
CONTINUABLE = frozenset(
    {
        Stage.INTAKE,
        Stage.FICHE_DRAFTING,
        Stage.CONSULTATION,
        Stage.PSG_REVIEW,
        Stage.IMPLEMENTATION,
        Stage.COMPLETION,
        Stage.FOLLOW_UP,
    }
)
_CLOCK = TypeAdapter(Clock)


class Continuation(Intake, Review):
    """The ActionLifecycle's state across runs; its attributes are set in its __init__."""

    runs_before: int
    resumed_in_implementation: bool

    def _time_to_continue(self) -> bool:
        """At a quiet moment only: no command half-handled, nothing queued."""
        if not self.continues or self.stage not in CONTINUABLE:
            return False
        if self._effects or self._outbox:
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
            plan=self.plan,
            views=list(self.views.values()),
            started=sorted(set(self._children) | self._adopted),
            awaiting_plan=self.awaiting_plan,
            mission_handled=self._mission_handled,
            follows_dependencies=self.follows_dependencies,
            plan_clocks=self._plan_clocks,
            answered_invitations=self.__dict__.get("_answered_invitations", {}),
            validated=self.validated,
            feedback=self.feedback,
            feedback_overdue=self.feedback_overdue,
            final_report=self.final_report,
            follow_up=self.follow_up,
            adoption_checked=self.adoption_checked,
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
        self.plan = list(carried.plan)
        self.views = {v.number: v for v in carried.views}
        self._adopted = set(carried.started)
        self.awaiting_plan = carried.awaiting_plan
        self._mission_handled = carried.mission_handled
        self.follows_dependencies = carried.follows_dependencies
        self._plan_clocks = carried.plan_clocks
        self.__dict__["_answered_invitations"] = dict(carried.answered_invitations)
        self.validated = carried.validated
        self.feedback = carried.feedback
        self.feedback_overdue = carried.feedback_overdue
        self.final_report = carried.final_report
        self.follow_up = carried.follow_up
        self.adoption_checked = carried.adoption_checked
        self.resumed_in_implementation = carried.stage == Stage.IMPLEMENTATION
        self.resumed_in_completion = carried.stage == Stage.COMPLETION
        self.resumed_in_follow_up = carried.stage == Stage.FOLLOW_UP
