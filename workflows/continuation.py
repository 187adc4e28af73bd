"""An Action that continues as new (issue 22.7): when, and what it takes along.

At any open stage. In implementation (since 0.8) its activities' workflows are abandoned by
the run that ends, not ended with it: they go on, report to the Action's next run by its
workflow id, and take that run's relayed commands by theirs. The state goes whole into
`ActionInput.carried` (glossary/carried.py); the clocks' dates are absolute, so every
reminder and deadline keeps its time. A run that began in completion or follow-up goes on
from that stage (`resumed_in`), its clocks carried, its notices not sent again."""

from __future__ import annotations

from copy import copy

from pydantic import TypeAdapter
from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from glossary import Stage
    from glossary.carried import CarriedState
    from workflows.clock import Clock
    from workflows.intake import Intake
    from workflows.review import Review

# 0.7: an Action continues as new before its history nears Temporal's limits. Read once at
# start: an Action started earlier replays without it (and never continues).
CONTINUE_AS_NEW = "0.7-continue-as-new"
# 0.8: in implementation too, its activities' workflows outliving the run that started them
# (workflows/implementation.py). Read at start by an Action that continues: one started on
# 0.7 keeps its activities bound to its run, and stays in it while they run.
ACTIVITIES_OUTLIVE = "0.8-activities-outlive-their-run"
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
# The fields of CarriedState carried as they are, and the attribute each comes from.
_AS_THEY_ARE = {
    "officer_id": "officer_id",
    "title": "title",
    "on_hold": "on_hold",
    "hold_reason": "hold_reason",
    "held_since": "held_since",
    "holds": "_holds",
    "audit": "audit",
    "refusals": "_refusals",
    "refusals_not_listed": "refusals_not_listed",
    "mail_problems": "mail_problems",
    "fiche": "fiche",
    "fiche_version": "fiche_version",
    "psg_round": "psg_round",
    "psg_votes": "psg_votes",
    "revisions": "revisions",
    "consultations": "consultations",
    "consulted_answers": "consulted_answers",
    "consult_everyone": "consult_everyone",
    "outcome": "outcome",
    "documents": "documents",
    "plan": "plan",
    "awaiting_plan": "awaiting_plan",
    "mission_handled": "_mission_handled",
    "follows_dependencies": "follows_dependencies",
    "plan_clocks": "_plan_clocks",
    "validated": "validated",
    "feedback": "feedback",
    "feedback_overdue": "feedback_overdue",
    "final_report": "final_report",
    "follow_up": "follow_up",
    "adoption_checked": "adoption_checked",
}


class Continuation(Intake, Review):
    """The ActionLifecycle's state across runs; its attributes are set in its __init__."""

    continues: bool
    activities_outlive: bool
    runs_before: int

    def _time_to_continue(self) -> bool:
        """At a quiet moment only: no command half-handled, nothing queued."""
        if not self.continues or self.stage not in CONTINUABLE:
            return False
        if self.stage == Stage.IMPLEMENTATION and not self.activities_outlive:
            return False
        if self._effects or self._outbox:
            return False
        if any(not t.done() for t in [*self._summaries, *self._freeing]):
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
            **{field: getattr(self, name) for field, name in _AS_THEY_ARE.items()},
            runs_before=self.runs_before + 1,
            stage=self.stage,
            stage_spans=self.__dict__.get("stage_spans", []),
            clocks=[_CLOCK.dump_python(c, mode="json") for c in self.clocks.open.values()],
            undelivered=list(self._in_flight.values()),
            views=list(self.views.values()),
            started=sorted(set(self._children) | self._adopted),
            answered_invitations=self._answered_invitations,
        )

    def _restore(self, carried: CarriedState) -> None:
        """Into a new run's `__init__`, before any command or clock."""
        for field, name in _AS_THEY_ARE.items():
            # A copy: the run changes its lists in place, the input stays as it came.
            setattr(self, name, copy(getattr(carried, field)))
        self.runs_before = carried.runs_before
        self.resumed_in = carried.stage
        self._stage = carried.stage
        self.__dict__["stage_spans"] = list(carried.stage_spans)
        for raw in carried.clocks:
            self.clocks.start(_CLOCK.validate_python(raw))
        self._notify(*carried.undelivered)
        self.views = {v.number: v for v in carried.views}
        self._adopted = set(carried.started)
        self._answered_invitations = dict(carried.answered_invitations)
