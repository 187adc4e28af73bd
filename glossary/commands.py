"""Staff commands (DOMAIN.md §6): the payloads of the updates and signals of the same name.

Payloads are parsed with `parse_command`, so a malformed one is refused with a sentence a
staff member understands instead of failing a workflow task.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from glossary.action import ActionFiche, PlannedActivity
from glossary.bounds import SOME, Line
from glossary.names import describe_validation_error, has_control


def _said(value: str) -> str:
    """A reason is words, not whitespace: kept as given, checked stripped."""
    if len(value.strip()) < 2:
        raise ValueError("must say something (at least 2 characters besides spaces)")
    return value


def _one_line(value: str | None) -> str | None:
    if value is not None and has_control(value):
        raise ValueError("must be one line, without control characters")
    return value


def _garbled(value: Any, path: str) -> str | None:
    """The first text field holding a control character other than a line break or a tab:
    such text would reach terminals, documents and mail as it is."""
    if isinstance(value, str):
        if any((ord(c) < 32 and c not in "\n\r\t") or 127 <= ord(c) < 160 for c in value):
            return path
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            found = _garbled(getattr(value, name), f"{path}.{name}" if path else name)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = _garbled(item, f"{path}[{index}]")
            if found:
                return found
    elif isinstance(value, dict):
        for key, item in value.items():
            found = _garbled(key, path) or _garbled(item, f"{path}.{key}")
            if found:
                return found
    return None


class CommandRefused(ValueError):
    """A command the workflow will not take; the message is shown to staff as it is."""


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    by: str = Field(default="staff", min_length=1, max_length=80, description="who sends it")

    # The audit trail shows it on one line, and notices may quote it.
    _by = field_validator("by")(_one_line)

    @model_validator(mode="after")
    def _no_control_characters(self) -> Command:
        field = _garbled(self, "")
        if field:
            raise ValueError(f"{field}: control characters are not allowed (line breaks are)")
        return self


class IntakeOutcome(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    FORWARD = "forward"


class IntakeDecision(Command):
    decision: IntakeOutcome
    reason: str = Field(default="", max_length=2000)
    forward_to: str = Field(default="", max_length=200)
    project_officer: str | None = Field(default=None, max_length=60)

    @model_validator(mode="after")
    def _explained(self) -> IntakeDecision:
        if self.decision == IntakeOutcome.REJECT and not self.reason.strip():
            raise ValueError("a rejection needs a reason")
        if self.decision == IntakeOutcome.FORWARD and not self.forward_to.strip():
            raise ValueError("forwarding needs the facility it goes to")
        return self


class SubmitFiche(Command):
    fiche: ActionFiche


class ConsultationFeedback(Command):
    organisation: str = Field(min_length=2, max_length=120, description='e.g. "EUDEL Kenya"')
    objection: str | None = Field(default=None, max_length=5000)

    _organisation = field_validator("organisation")(_one_line)
    _organisation_said = field_validator("organisation")(_said)


class VoteDecision(StrEnum):
    APPROVED = "approved"
    REJECTED = "rejected"
    REVISE = "revise"


class PsgVote(Command):
    member: str = Field(max_length=40, description="DG_INTPA, DG_HOME or EEAS")
    decision: VoteDecision
    comment: str = Field(default="", max_length=5000)

    @model_validator(mode="after")
    def _commented(self) -> PsgVote:
        if self.decision != VoteDecision.APPROVED and not self.comment.strip():
            raise ValueError(f"a '{self.decision}' vote needs a comment")
        return self


class ExpertResponse(Command):
    activity: int = Field(ge=1)
    expert_id: str = Field(min_length=1, max_length=60)
    confirmed: bool
    reason: str = Field(default="", max_length=2000)


class NominateExpert(Command):
    activity: int = Field(ge=1)
    expert_id: str = Field(min_length=1, max_length=60)


class ActivityCompleted(Command):
    activity: int = Field(ge=1)
    participants: int = Field(ge=0)
    women: int = Field(ge=0)
    men: int = Field(ge=0)
    outputs: list[Line] = Field(default=[], max_length=SOME)
    narrative: str = Field(default="", max_length=10000)

    @model_validator(mode="after")
    def _split_fits_total(self) -> ActivityCompleted:
        if self.women + self.men > self.participants:
            raise ValueError(
                f"women ({self.women}) + men ({self.men}) exceed the participants"
                f" total ({self.participants})"
            )
        return self


class EvaluationDone(Command):
    activity: int = Field(ge=1)
    scores: dict[str, int] = Field(default={}, description="criterion -> 1..5")
    summary: str = Field(default="", max_length=10000)

    @model_validator(mode="after")
    def _scores_in_range(self) -> EvaluationDone:
        bad = [k for k, v in self.scores.items() if not 1 <= v <= 5]
        if bad:
            raise ValueError(f"scores must be 1 to 5: {', '.join(bad)}")
        return self


class DeliverablesValidated(Command):
    comment: str = Field(default="", max_length=5000)


class FeedbackReceived(Command):
    overall_rating: int = Field(ge=1, le=5)
    answers: dict[str, str] = {}
    comment: str = Field(default="", max_length=10000)


class FollowUpReceived(Command):
    adopted: bool = False
    adoption: str = Field(default="", max_length=500, description='"approved by Supreme Decree"')
    comment: str = Field(default="", max_length=10000)


class Cancellation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1)
    reason: str = Field(min_length=2, max_length=2000)

    _reason = field_validator("reason")(_said)


class Rescheduling(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int = Field(ge=1)
    start: date
    end: date

    @model_validator(mode="after")
    def _in_order(self) -> Rescheduling:
        if self.end < self.start:
            raise ValueError(f"activity {self.number}: end is before start")
        return self


class AmendPlan(Command):
    add: list[PlannedActivity] = []
    cancel: list[Cancellation] = []
    reschedule: list[Rescheduling] = []
    reason: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _not_empty(self) -> AmendPlan:
        if not (self.add or self.cancel or self.reschedule or self.reason):
            raise ValueError("the amendment adds, cancels or reschedules nothing")
        return self


MAX_EXTENSION = timedelta(days=366)


class ExtendDeadline(Command):
    clock: str = Field(min_length=1, max_length=80)
    extend_by: timedelta
    reason: str = Field(min_length=2, max_length=2000)
    activity: int | None = Field(
        default=None, ge=1, description="the activity whose clock it is (expert, report, ...)"
    )

    _reason = field_validator("reason")(_said)

    @model_validator(mode="after")
    def _positive(self) -> ExtendDeadline:
        if self.extend_by <= timedelta(0):
            raise ValueError("the extension must be a positive duration such as P7D")
        if self.extend_by > MAX_EXTENSION:
            # A typo (P700D for P7D) would silence a clock for years; a real hold is `hold`.
            raise ValueError(
                f"an extension of at most {MAX_EXTENSION.days} days (P{MAX_EXTENSION.days}D);"
                " to stop the clocks for longer, put the Action on hold"
            )
        return self


class Hold(Command):
    reason: str = Field(min_length=2, max_length=2000)

    _reason = field_validator("reason")(_said)


class Resume(Command):
    comment: str = Field(default="", max_length=2000)

    _comment = field_validator("comment")(_one_line)


class Withdraw(Command):
    reason: str = Field(min_length=2, max_length=2000)

    _reason = field_validator("reason")(_said)


C = TypeVar("C", bound=Command)


def command_name(model: type[Command]) -> str:
    """The update and signal name of DOMAIN.md §6 a command model travels under."""
    return _NAMES[model.__name__]


_NAMES = {
    "IntakeDecision": "intake_decision",
    "SubmitFiche": "submit_fiche",
    "ConsultationFeedback": "consultation_feedback",
    "PsgVote": "psg_vote",
    "ExpertResponse": "expert_response",
    "NominateExpert": "nominate_expert",
    "ActivityCompleted": "activity_completed",
    "EvaluationDone": "evaluation_done",
    "AmendPlan": "amend_plan",
    "DeliverablesValidated": "deliverables_validated",
    "FeedbackReceived": "feedback_received",
    "FollowUpReceived": "follow_up_received",
    "ExtendDeadline": "extend_deadline",
    "Hold": "hold",
    "Resume": "resume",
    "Withdraw": "withdraw",
}


def parse_command(model: type[C], raw: Any) -> C:
    """The command as its model, or CommandRefused with one readable line."""
    if isinstance(raw, model):
        return raw
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        raise CommandRefused(
            f"invalid {model.__name__}: {describe_validation_error(error)}"
        ) from None


__all__ = [
    "ActivityCompleted",
    "AmendPlan",
    "Cancellation",
    "Command",
    "CommandRefused",
    "ConsultationFeedback",
    "DeliverablesValidated",
    "EvaluationDone",
    "ExpertResponse",
    "ExtendDeadline",
    "FeedbackReceived",
    "FollowUpReceived",
    "Hold",
    "IntakeDecision",
    "IntakeOutcome",
    "NominateExpert",
    "PsgVote",
    "Rescheduling",
    "Resume",
    "SubmitFiche",
    "VoteDecision",
    "Withdraw",
    "describe_validation_error",
    "parse_command",
]
