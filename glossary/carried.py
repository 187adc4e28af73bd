"""What an Action takes into its next run when it continues as new (issue 22.7).

A flood of signals, refused or not, grows an Action's history towards Temporal's limits
(by default the server refuses signals past 10,000 in one run). Before it gets there, an
Action at any open stage continues as new: same workflow id, a fresh history, and this
state, so nothing it decided is lost and every clock keeps its dates.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from glossary.action import ActionFiche, PlannedActivity
from glossary.commands import DeliverablesValidated, FeedbackReceived, FollowUpReceived
from glossary.documents import DocumentRef
from glossary.names import Stage
from glossary.notices import MailProblem, Notice
from glossary.status import ActivityView, AuditEntry, PsgVoteView, StageSpan


class CarriedState(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    runs_before: int  # how many runs of this Action came before the one carrying this
    stage: Stage
    stage_spans: list[StageSpan]
    officer_id: str
    title: str
    on_hold: bool
    hold_reason: str
    held_since: datetime | None
    holds: int
    audit: list[AuditEntry]
    refusals: int
    refusals_not_listed: dict[str, int]
    mail_problems: list[MailProblem]
    # workflows.clock.Clock, each as its TypeAdapter writes it: the due dates are absolute,
    # so a clock keeps its remaining time across runs.
    clocks: list[dict[str, Any]]
    # Notices still being delivered when the run ended: sent again by the next run, where
    # the outbox (activities/email.py) makes sure none arrives twice.
    undelivered: list[Notice]
    fiche: ActionFiche | None
    fiche_version: int
    psg_round: int
    psg_votes: list[PsgVoteView]
    revisions: int
    consultations: int
    consulted_answers: dict[str, str]
    consult_everyone: bool
    outcome: str
    documents: list[DocumentRef]
    # In implementation: the plan, each activity as it last reported, and the activities
    # already started, whose workflows (abandoned by the run that started them, not ended)
    # go on and report to the Action's next run by its workflow id.
    plan: list[PlannedActivity] = []
    views: list[ActivityView] = []
    started: list[int] = []
    awaiting_plan: bool = False
    mission_handled: bool = False
    follows_dependencies: bool = False
    plan_clocks: int = 0
    answered_invitations: dict[str, str] = {}
    # In completion and follow-up: what the partner answered, and the final report.
    validated: DeliverablesValidated | None = None
    feedback: FeedbackReceived | None = None
    feedback_overdue: bool = False
    final_report: DocumentRef | None = None
    follow_up: FollowUpReceived | None = None
    adoption_checked: bool = False
