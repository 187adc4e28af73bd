"""Answer pages: a link from a notice opens a page naming the Action, the step and the
answer, with one form; submitting it sends exactly the update the CLI sends (through the
same command models and the workflow's validators) and says what happened in plain words.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from glossary import ActionStatus
from glossary.answers import (
    CHOICES,
    COMMAND_OF_STEP,
    GRACE,
    AnswerStep,
    AnswerToken,
    BadToken,
    verify,
)
from glossary.commands import (
    ConsultationFeedback,
    DeliverablesValidated,
    ExpertResponse,
    FeedbackReceived,
    FollowUpReceived,
    PsgVote,
    describe_validation_error,
)
from glossary.names import body_name
from starter.errors import CliError, Refused
from starter.session import Session, Target
from web.pages import Pages
from worker.headers import sending

log = logging.getLogger("mieux.web")


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | rating | yesno
    required: bool = False


# What each answer asks for besides the click.
FIELDS: dict[tuple[AnswerStep, str], list[Field]] = {
    (AnswerStep.INVITATION, "confirm"): [],
    (AnswerStep.INVITATION, "decline"): [
        Field("reason", "Why you cannot take part", required=True)
    ],
    (AnswerStep.CONSULTATION, "no-objection"): [],
    (AnswerStep.CONSULTATION, "objection"): [
        Field("comments", "Your objection and comments", required=True)
    ],
    (AnswerStep.PSG_VOTE, "approve"): [Field("comment", "Comment")],
    (AnswerStep.PSG_VOTE, "reject"): [
        Field("comment", "Why the Action is rejected", required=True)
    ],
    (AnswerStep.PSG_VOTE, "revise"): [Field("comment", "What should be revised", required=True)],
    (AnswerStep.FEEDBACK, "answer"): [
        Field("rating", "Overall, how useful was the Action?", "rating", required=True),
        Field("comment", "What worked, and what should MIEUX do better?"),
    ],
    (AnswerStep.VALIDATION, "validate"): [Field("comment", "Comments on the deliverables")],
    (AnswerStep.FOLLOW_UP, "answer"): [
        Field("adopted", "Has a deliverable been adopted?", "yesno", required=True),
        Field("adoption", "How (e.g. approved by ministerial decree)"),
        Field("comment", "What became of the Action's results?"),
    ],
}

STEP_LABEL = {
    AnswerStep.INVITATION: "Invitation to an activity",
    AnswerStep.CONSULTATION: "Consultation on the Action Fiche",
    AnswerStep.PSG_VOTE: "Project Steering Group vote",
    AnswerStep.FEEDBACK: "Partner feedback questionnaire",
    AnswerStep.FOLLOW_UP: "Follow-up questionnaire",
    AnswerStep.VALIDATION: "Validation of the deliverables",
}


class RateLimit:
    """At most `limit` requests per key (a link, a client) per `window` seconds, in this
    process: links are personal, so more means a script. Bounded (issue 22.6): entries
    expire with their window, and past `most` keys the least recently seen goes, so junk
    links cannot grow the process. (Each web process counts its own; with several behind a
    balancer the bound multiplies, which is still a bound.)"""

    def __init__(self, limit: int = 20, window: float = 600.0, most: int = 10_000) -> None:
        self.limit, self.window, self.most = limit, window, most
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key_text: str) -> bool:
        key = hashlib.sha256(key_text.encode("utf-8", "replace")).hexdigest()[:32]
        now = time.monotonic()
        seen = self._seen.pop(key, None) or deque()
        while seen and now - seen[0] > self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            self._seen[key] = seen
            return False
        seen.append(now)
        self._seen[key] = seen  # most recent last
        while len(self._seen) > self.most:
            self._seen.popitem(last=False)
        return True

    def __len__(self) -> int:
        return len(self._seen)


class AnswerPages:
    def __init__(self, pages: Pages, session: Session, secret: str, base_url: str) -> None:
        self.pages, self.session, self.secret = pages, session, secret
        self.base_url = base_url
        self.limit = RateLimit()
        # Per client as well: one address trying many links is a script too.
        self.per_client = RateLimit(limit=300, window=600.0)

    # -- the two routes -------------------------------------------------------------------

    async def show(self, request: Request) -> Response:
        checked = self._check(request)
        if isinstance(checked, Response):
            return checked
        token, text, choice = checked
        status = await self._status(token.reference)
        closed = _closed(token, status)
        if closed:
            return self.pages.render(
                request,
                "outcome.html",
                410,
                reference=token.reference,
                title=status.title if status else "",
                ok=False,
                message=closed,
                detail="",
            )
        return self.pages.render(
            request,
            "answer.html",
            reference=token.reference,
            title=status.title if status else "",
            step_label=STEP_LABEL[token.step],
            what=describe_step(token, status),
            choice_label=CHOICES[token.step][choice],
            until=f"{token.expires - GRACE:%A %d %B %Y, %H:%M} UTC"
            if token.step != AnswerStep.FOLLOW_UP
            else "",
            fields=fields_for(token, choice),
            token=text,
            action_url=f"/answer/{text}/{choice}",
            button=CHOICES[token.step][choice],
        )

    async def submit(self, request: Request) -> Response:
        checked = self._check(request)
        if isinstance(checked, Response):
            return checked
        token, text, choice = checked
        form = await request.form()
        # Cross-site posting: the form must carry the link's own token, and a browser that
        # says where the form came from must say it came from here. No cookies are used.
        if form.get("token") != text or not self._same_origin(request):
            log.warning("answer refused: form not posted from its own page")
            return self.pages.refused(request, "This form was not sent from its own page.", 403)
        values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
        try:
            payload = command_payload(token, choice, values)
        except ValueError as error:
            return self.pages.refused(request, str(error), 400)
        status = await self._status(token.reference)
        try:
            # The link itself goes with the answer: the workflow checks what it answers.
            with sending(link=text):
                detail = await self.session.update(
                    Target(token.reference), COMMAND_OF_STEP[token.step], payload
                )
        except Refused as refusal:
            after = await self._status(token.reference)
            already = after is not None and _already_answered(after, token)
            message = (
                "Your answer is already recorded; nothing was changed."
                if already
                else plain_refusal(str(refusal), self._contact(after))
            )
            return self.pages.render(
                request,
                "outcome.html",
                409,
                reference=token.reference,
                title=after.title if after else "",
                ok=False,
                message=message,
                # The workflow's own sentence, for the MIEUX team the person will write to.
                detail=f"For the MIEUX team: {refusal}",
            )
        except CliError as error:
            log.error("answer for %s not sent: %s", token.reference, error)
            return self.pages.refused(
                request, "The case files cannot be reached just now; please try again later.", 503
            )
        log.info("answer recorded: %s %s %s", token.reference, token.step, choice)
        return self.pages.render(
            request,
            "outcome.html",
            reference=token.reference,
            title=status.title if status else "",
            ok=True,
            # A late answer is taken, not refused: the workflow says what became of it.
            message=detail if detail.startswith("Your ") else thank_you(token, choice, status),
            detail="",
        )

    # -- checks ---------------------------------------------------------------------------

    def _check(self, request: Request) -> tuple[AnswerToken, str, str] | Response:
        text = request.path_params["token"]
        choice = request.path_params["choice"]
        if not self.per_client.allow(_client(request)) or not self.limit.allow(text):
            log.warning("answer refused: too many requests for one link")
            return self.pages.refused(
                request, "Too many requests for this link; wait a while.", 429
            )
        try:
            token = verify(text, self.secret)
        except BadToken as error:
            # The token itself never goes to the log: it is the credential.
            log.warning("answer link refused (%s) from %s", error, _client(request))
            return self.pages.refused(request, "This link is not valid (or no longer valid).", 403)
        if choice not in CHOICES[token.step]:
            return self.pages.refused(request, "This link does not offer that answer.", 404)
        return token, text, choice

    def _same_origin(self, request: Request) -> bool:
        origin = request.headers.get("origin")
        if origin is None or origin == "null":
            return origin is None
        ours = urlsplit(self.base_url)
        seen = urlsplit(origin)
        here = request.url
        return (seen.scheme, seen.netloc) in {
            (ours.scheme, ours.netloc),
            (here.scheme, here.netloc),
        }

    def _contact(self, status: ActionStatus | None) -> str:
        """The Action's project officer, by name and address, for people to write to."""
        staff = self.session.settings.staff
        officer = staff.officer(status.project_officer if status else None)
        return f"{officer.name} ({officer.email})"

    async def _status(self, reference: str) -> ActionStatus | None:
        try:
            return await self.session.status(reference)
        except CliError:
            return None


def fields_for(token: AnswerToken, choice: str) -> list[Field]:
    """The form's fields, worded for who answers: an expert's focal point answers for the
    expert (the link names the expert as its subject and the focal point as recipient)."""
    fields = FIELDS[(token.step, choice)]
    if token.step == AnswerStep.INVITATION and token.recipient != token.subject:
        return [
            Field(f.name, "Why the expert cannot take part", f.kind, f.required)
            if f.name == "reason"
            else f
            for f in fields
        ]
    return fields


def plain_refusal(reason: str, contact: str) -> str:
    """What a person outside the team reads when their answer is not taken: what happened,
    in plain words, and whom to write to (issue 21: "expert EX-FR-02 was not invited to
    activity 1 (awaiting: EX-JO-01)" told a late expert nothing true)."""
    if reason.startswith("This question is closed") or reason.startswith("This link"):
        what = reason
    elif "already recorded" in reason:
        what = (
            "An answer to this invitation is already recorded"
            f" ({reason.rsplit(': ', 1)[-1]}); nothing was changed."
        )
    elif "was not invited" in reason or "already on activity" in reason:
        what = (
            "This invitation is no longer open: the answer came after its deadline, and the"
            " place has been offered to another expert."
        )
    elif "on hold" in reason:
        what = "The Action is on hold just now, so no answer can be taken."
    elif "takes no more commands" in reason:
        what = "The Action has ended, so no answer can be taken."
    elif "is for the" in reason and "stage" in reason:
        what = "This question is no longer open: the Action has moved on."
    else:
        what = "Your answer could not be recorded."
    return f"{what} Please write to {contact}, the project officer of this Action."


def command_payload(token: AnswerToken, choice: str, form: dict[str, str]) -> dict[str, Any]:
    """The update's payload, checked by the same model the CLI uses; ValueError with one
    sentence when a field is missing or wrong."""
    by = token.recipient
    data: dict[str, Any]
    model: type[BaseModel]
    for field in FIELDS[(token.step, choice)]:
        if field.required and not form.get(field.name):
            raise ValueError(f"Please fill in: {field.label.lower()}.")
    match token.step:
        case AnswerStep.INVITATION:
            model = ExpertResponse
            data = {
                "activity": token.activity,
                "expert_id": token.subject,
                "confirmed": choice == "confirm",
                "reason": form.get("reason", ""),
            }
        case AnswerStep.CONSULTATION:
            model = ConsultationFeedback
            data = {
                "organisation": token.subject,
                "objection": form.get("comments") if choice == "objection" else None,
            }
        case AnswerStep.PSG_VOTE:
            model = PsgVote
            decision = {"approve": "approved", "reject": "rejected", "revise": "revise"}[choice]
            data = {
                "member": token.subject,
                "decision": decision,
                "comment": form.get("comment", ""),
            }
        case AnswerStep.FEEDBACK:
            model = FeedbackReceived
            rating = form.get("rating", "")
            if not rating.isdigit():
                raise ValueError("Please choose a rating from 1 to 5.")
            data = {"overall_rating": int(rating), "comment": form.get("comment", "")}
        case AnswerStep.VALIDATION:
            model = DeliverablesValidated
            data = {"comment": form.get("comment", "")}
        case AnswerStep.FOLLOW_UP:
            model = FollowUpReceived
            data = {
                "adopted": form.get("adopted") == "yes",
                "adoption": form.get("adoption", ""),
                "comment": form.get("comment", ""),
            }
    try:
        command = model.model_validate({**data, "by": by})
    except ValidationError as error:
        raise ValueError(describe_validation_error(error)) from None
    return command.model_dump(mode="json")


def describe_step(token: AnswerToken, status: ActionStatus | None) -> str:
    if token.step == AnswerStep.INVITATION:
        view = _activity(status, token.activity)
        where = f": {view.type}, {view.place}, {_dates(view.start, view.end)}" if view else ""
        if token.recipient != token.subject:  # the focal point, for the expert they put up
            return (
                f"the participation of the expert you nominated in activity {token.activity}{where}"
            )
        return f"your participation as an expert in activity {token.activity}{where}"
    if token.step == AnswerStep.CONSULTATION:
        return (
            f"the comments of {body_name(token.subject)} on the Action Fiche"
            " (no answer by the deadline counts as no objection)"
        )
    if token.step == AnswerStep.PSG_VOTE:
        return f"the vote of {body_name(token.subject)}"
    if token.step == AnswerStep.VALIDATION:
        return "the partner's validation of the Action's deliverables"
    return "the partner's answers"


def thank_you(token: AnswerToken, choice: str, status: ActionStatus | None) -> str:
    if token.step == AnswerStep.INVITATION:
        view = _activity(status, token.activity)
        what = (
            f"the {view.type} in {view.place.split(',')[0]}, {_dates(view.start, view.end)}"
            if view
            else f"activity {token.activity}"
        )
        answer = "confirmation" if choice == "confirm" else "decline"
        return f"Thank you: your {answer} for {what} is recorded."
    if token.step == AnswerStep.CONSULTATION:
        said = "no objection" if choice == "no-objection" else "an objection"
        return f"Thank you: {said} from {body_name(token.subject)} to the Action Fiche is recorded."
    if token.step == AnswerStep.PSG_VOTE:
        return (
            f"Thank you: the vote of {body_name(token.subject)}"
            f" ({CHOICES[token.step][choice].lower()})"
            " is recorded."
        )
    if token.step == AnswerStep.VALIDATION:
        return "Thank you: your validation of the deliverables is recorded."
    return "Thank you: your answers are recorded."


def _closed(token: AnswerToken, status: ActionStatus | None) -> str:
    """The step this link answers has passed (a later PSG round, a later Fiche version)."""
    if status is None or token.round is None:
        return ""
    now_open = {
        AnswerStep.PSG_VOTE: status.psg_round,
        AnswerStep.CONSULTATION: status.fiche_version,
    }.get(token.step)
    if now_open is None or now_open == token.round:
        return ""
    what = (
        f"the PSG vote (round {token.round})"
        if token.step == AnswerStep.PSG_VOTE
        else f"the consultation on Action Fiche v{token.round}"
    )
    return (
        f"This question is closed: the link was for {what}, which has ended. The message"
        " about the current one carries its own link; nothing was changed."
    )


def _already_answered(status: ActionStatus, token: AnswerToken) -> bool:
    command = COMMAND_OF_STEP[token.step]
    return any(
        e.accepted and e.command == command and e.by == token.recipient for e in status.audit
    )


def _activity(status: ActionStatus | None, number: int | None) -> Any:
    if status is None:
        return None
    return next((a for a in status.activities if a.number == number), None)


def _dates(start: Any, end: Any) -> str:
    if start.month == end.month and start.year == end.year:
        return f"{start.day}-{end.day} {end:%B %Y}"
    return f"{start.day} {start:%B}-{end.day} {end:%B %Y}"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


__all__ = ["AnswerPages", "command_payload"]
