"""Notices: the emails an Action sends (reminders, escalations, invitations, ...)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from glossary.answers import AnswerRequest
from glossary.languages import Language
from glossary.people import STAFF_ROLES, Recipient
from glossary.phrases import Phrase


class NoticeKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"
    INVITATION = "invitation"
    CONFIRMATION = "confirmation"
    WITHDRAWAL = "withdrawal"
    QUESTIONNAIRE = "questionnaire"
    DECISION = "decision"
    ACKNOWLEDGEMENT = "acknowledgement"
    ASSIGNMENT = "assignment"
    CONSULTATION = "consultation"
    VOTE_REQUEST = "vote_request"
    VALIDATION_REQUEST = "validation_request"  # the partner: please validate the deliverables
    LATE_ANSWER = "late_answer"  # to the officer: an answer came after its step had closed
    MAIL_DIGEST = "mail_digest"  # to the programme manager, daily: mail that may not have arrived


class NoticeText(BaseModel):
    """A notice's sentences for an outsider, as phrases: written in the recipient's language
    when the email is composed (the English fields of the notice hold the same in English)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    subject: Phrase | None = None
    awaited: Phrase | None = None
    details: list[Phrase] = []


class Notice(BaseModel):
    """One message to one recipient; `key` makes it at-most-once (DOMAIN.md §4).

    The key is (Action, clock, step, recipient): the same notice retried, replayed or
    re-executed after a crash has the same key, and the outbox sends it once.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(description="reference/clock/step/recipient-id")
    kind: NoticeKind
    reference: str
    action_title: str = ""
    to: Recipient
    cc: list[Recipient] = []
    subject: str = Field(max_length=200)
    awaited: str = Field(description="what is awaited, from whom")
    due_at: datetime | None = None
    command: str = Field(default="", description="the mieux CLI command that answers it")
    details: list[str] = []
    documents: list[str] = Field(default=[], description="document references to attach")
    planned_at: datetime = Field(description="workflow time the notice was meant to go")
    reply_to: Recipient | None = Field(
        default=None, description="who answers questions: the project officer of the Action"
    )
    answer: AnswerRequest | None = Field(
        default=None, description="the answers the recipient may give from the message"
    )
    text: NoticeText | None = None


class NoticeReceipt(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    message_id: str
    sent: bool = Field(description="False when the outbox already had it: nothing re-sent")
    # An earlier attempt was cut off while the server took the message: it may or may not
    # have arrived, and it is not sent again by itself (`mieux mail resend`).
    unconfirmed: bool = False
    copies_refused: list[str] = Field(
        default=[], description="ids of the copies (Cc) the server refused; the message went"
    )


class MailTrouble(StrEnum):
    UNCONFIRMED = "unconfirmed"  # cut off in delivery: may not have arrived
    REFUSED = "refused"  # the server refused the address or the message for good
    GAVE_UP = "gave_up"  # deferred again and again: not delivered
    COPY_REFUSED = "copy_refused"  # the message went, one of its copies did not


class MailProblem(BaseModel):
    """A notice that did not surely reach someone: shown on the board and in the status."""

    model_config = ConfigDict(frozen=True, use_enum_values=True)

    key: str
    kind: NoticeKind
    to: str = Field(description="recipient id")
    trouble: MailTrouble
    at: datetime
    detail: str = ""


class UnconfirmedNotice(BaseModel):
    """An outbox row claimed for delivery and never confirmed: it may not have arrived."""

    model_config = ConfigDict(frozen=True)

    key: str
    claimed_at: datetime
    host: str


def reader_language(notice: Notice) -> Language:
    """Outsiders read their own language; the team reads English (its commands, its board)."""
    return Language.EN if notice.to.role in STAFF_ROLES else Language(notice.to.language)
