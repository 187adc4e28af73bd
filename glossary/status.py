"""What the `status` query returns (DOMAIN.md §6): the Action's case file."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from glossary.names import STAGE_WORDS as STAGE_WORDS
from glossary.names import TERMINAL_STAGES as TERMINAL_STAGES
from glossary.names import PsgMember as PsgMember
from glossary.names import Stage as Stage
from glossary.names import stage_words as stage_words
from glossary.notices import MailProblem


class ClockView(BaseModel):
    name: str
    kind: str = ""
    deadline: bool = True  # False: a clock of reminders only (e.g. before an activity)
    label: str
    started_at: datetime
    due_at: datetime
    paused: bool = False
    steps_done: list[str] = []


class DocumentView(BaseModel):
    """A document the Action produced, e.g. "Action Fiche v2", as stored (paths relative to
    the document store)."""

    label: str
    kind: str
    docx_path: str
    markdown_path: str


class AuditEntry(BaseModel):
    at: datetime
    by: str
    command: str
    accepted: bool
    detail: str


class PsgVoteView(BaseModel):
    round: int
    member: str
    decision: str
    comment: str
    by: str
    at: datetime


class ExpertSlotView(BaseModel):
    expert_id: str
    state: str  # invited | confirmed | declined | timed_out | nominated | withdrawn


class ActivityView(BaseModel):
    number: int
    type: str
    title: str
    place: str
    start: date
    end: date
    stage: str
    experts: list[ExpertSlotView] = []
    participants: int | None = None
    women: int | None = None
    men: int | None = None
    note: str = ""
    next_due: datetime | None = None
    evaluation: dict[str, int] = {}
    evaluation_summary: str = ""
    outputs: list[str] = []  # what the activity produced, from its completion report
    clocks: list[ClockView] = []
    # The activity's own count of its reports: the Action keeps the latest, whatever order
    # the signals are handled in.
    report: int = 0
    mail_problems: list[MailProblem] = []


class StageSpan(BaseModel):
    """When the Action entered a stage and left it (None while it is there)."""

    model_config = ConfigDict(use_enum_values=True)

    stage: Stage
    entered: datetime
    left: datetime | None = None
    # Time on hold during the stay: the stage's clocks paused, so its targets do too.
    held_days: float = 0.0

    def days(self, now: datetime) -> float:
        """The working stay: time in the stage less the time on hold."""
        return ((self.left or now) - self.entered).total_seconds() / 86400 - self.held_days


# The status query stays well under Temporal's payload limits whatever happened.
AUDIT_IN_STATUS = 500


class ActionStatus(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    reference: str
    name: str
    stage: Stage
    on_hold: bool = False
    hold_reason: str = ""
    title: str
    country: str
    region: str
    themes: list[str]
    project_officer: str
    project_officer_name: str = ""  # what people read; the id above is for filters
    received_on: date
    clocks: list[ClockView] = []
    waiting_on: str = ""
    waiting_for: list[str] = []
    psg_round: int = 0
    psg_votes: list[PsgVoteView] = []
    fiche_version: int = 0
    activities: list[ActivityView] = []
    outcome: str = ""
    # M&E of the Action (DOMAIN §3 completion and follow-up): None until answered.
    feedback_rating: int | None = None
    adopted: bool | None = None
    adoption: str = ""
    documents: list[DocumentView] = []
    audit: list[AuditEntry] = []
    stages: list[StageSpan] = []
    # Its own and its activities': notices that may not have reached someone.
    mail_problems: list[MailProblem] = []
    # The status carries the latest AUDIT_IN_STATUS entries; this many earlier ones are left
    # out (the Temporal UI's history has every event).
    audit_left_out: int = 0
    # Refusals past the first 200, counted by "command from sender" (glossary/status.py).
    refusals_not_listed: dict[str, int] = {}
