"""Answering from the message: which answers a notice offers, and the signed token that a
link carries (no personal data: ids, the step and an expiry; DOMAIN.md §5).

The token is `base64url(json).base64url(hmac-sha256)` with the deployment's `web.secret`;
the notices' activity signs it, the web service checks it. Pure: no I/O, no clock of its own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from glossary.languages import Language
from glossary.phrases import N_


class AnswerStep(StrEnum):
    INVITATION = "invitation"  # an expert (or their focal point) confirms or declines
    CONSULTATION = "consultation"  # the EUDEL or EC services comment on the Fiche
    PSG_VOTE = "psg_vote"  # a PSG member votes
    FEEDBACK = "feedback"  # the partner's feedback questionnaire
    FOLLOW_UP = "follow_up"  # the partner's follow-up questionnaire
    VALIDATION = "validation"  # the partner validates the deliverables


# One link per possible answer, in the order the message lists them.
# The labels are msgids: the links and pages show them in the reader's language.
CHOICES: dict[AnswerStep, dict[str, str]] = {
    AnswerStep.INVITATION: {"confirm": N_("Confirm"), "decline": N_("Decline")},
    AnswerStep.CONSULTATION: {"no-objection": N_("No objection"), "objection": N_("Object")},
    AnswerStep.PSG_VOTE: {
        "approve": N_("Approve"),
        "reject": N_("Reject"),
        "revise": N_("Ask for revision"),
    },
    AnswerStep.FEEDBACK: {"answer": N_("Answer the questionnaire")},
    AnswerStep.FOLLOW_UP: {"answer": N_("Answer the follow-up questionnaire")},
    AnswerStep.VALIDATION: {"validate": N_("Validate the deliverables")},
}

# The update each step sends: the same the CLI sends (DOMAIN.md §6).
COMMAND_OF_STEP = {
    AnswerStep.INVITATION: "expert_response",
    AnswerStep.CONSULTATION: "consultation_feedback",
    AnswerStep.PSG_VOTE: "psg_vote",
    AnswerStep.FEEDBACK: "feedback_received",
    AnswerStep.FOLLOW_UP: "follow_up_received",
    AnswerStep.VALIDATION: "deliverables_validated",
}

# A link keeps working a little past the step's deadline: the workflow decides whether an
# answer is still taken (a late expert may still be welcome), the token only bounds its life.
GRACE = timedelta(days=7)


class AnswerRequest(BaseModel):
    """On a notice: what its recipient may answer, for whom, until when."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    step: AnswerStep
    subject: str = Field(
        default="", max_length=60, description="expert id, PSG body, EUDEL or EC services"
    )
    activity: int | None = Field(default=None, ge=1, le=99)
    until: datetime | None = Field(default=None, description="the step's deadline")
    # The PSG round, the Fiche version under consultation or the invitation it answers: a
    # link answers that step only, never a later one (docs/security.md).
    round: int | None = Field(default=None, ge=1)


class AnswerToken(BaseModel):
    """What a link carries. Ids only: the reference, the step, whom it is for."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reference: str = Field(pattern=r"^\d{4}-\d{2,3}$")
    step: AnswerStep
    subject: str = Field(default="", max_length=60)
    activity: int | None = None
    recipient: str = Field(min_length=1, max_length=60)
    expires: datetime
    round: int | None = Field(default=None, ge=1)
    # The language the page answers in: the notice's (links made before 0.6 have none).
    lang: Language = Language.EN

    @classmethod
    def for_notice(
        cls,
        reference: str,
        recipient: str,
        answer: AnswerRequest,
        sent: datetime,
        lang: Language = Language.EN,
    ) -> AnswerToken:
        until = answer.until or sent + timedelta(days=30)
        return cls(
            reference=reference,
            step=answer.step,
            subject=answer.subject,
            activity=answer.activity,
            recipient=recipient,
            expires=until + GRACE,
            round=answer.round,
            lang=lang,
        )


class BadToken(ValueError):
    """Tampered, malformed, expired or signed with another key: the reason is for the log."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(token: AnswerToken, secret: str) -> str:
    # Positional and to the second: the link stays short enough for any mail client.
    fields = [
        token.reference,
        token.step.value,
        token.subject,
        token.activity,
        token.recipient,
        int(token.expires.timestamp()),
    ]
    if token.round is not None or token.lang != Language.EN:
        fields.append(token.round)
    if token.lang != Language.EN:
        fields.append(token.lang.value)
    encoded = _b64(json.dumps(fields, separators=(",", ":")).encode())
    mac = hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()
    return f"{encoded}.{_b64(mac)}"


def verify(text: str, secret: str, now: datetime | None = None) -> AnswerToken:
    # The signature first, and nothing parsed before it holds: a deeply nested or
    # non-ASCII token is refused as malformed, never a 500 (issue 22.11).
    if not text.isascii() or len(text) > 2000:
        raise BadToken("malformed")
    encoded, dot, signature = text.partition(".")
    if not dot or not encoded or not signature:
        raise BadToken("malformed")
    expected = hmac.new(secret.encode(), encoded.encode(), hashlib.sha256).digest()
    try:
        given = _unb64(signature)
    except ValueError:
        raise BadToken("malformed") from None
    if not hmac.compare_digest(expected, given):
        raise BadToken("bad signature")
    try:
        data = json.loads(_unb64(encoded))
    except (ValueError, json.JSONDecodeError, RecursionError):
        raise BadToken("malformed") from None
    try:
        reference, step, subject, activity, recipient, expires, *rest = data
        if len(rest) > 2:
            raise ValueError("too many fields")
        token = AnswerToken(
            round=rest[0] if rest else None,
            lang=rest[1] if len(rest) > 1 else Language.EN,
            reference=reference,
            step=step,
            subject=subject,
            activity=activity,
            recipient=recipient,
            expires=datetime.fromtimestamp(expires, UTC),
        )
    except (ValidationError, ValueError, TypeError):
        raise BadToken("unexpected content") from None
    if token.expires <= (now or datetime.now(UTC)):
        raise BadToken("expired")
    return token
