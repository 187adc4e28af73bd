"""Answer pages: a link from a notice opens a page naming the Action, the step and the
answer, with one form; submitting it sends exactly the update the CLI sends (through the
same command models and the workflow's validators) and says what happened in plain words.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
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
from glossary.catalogs import gettext_for, local_moment
from glossary.commands import (
    ConsultationFeedback,
    DeliverablesValidated,
    ExpertResponse,
    FeedbackReceived,
    FollowUpReceived,
    PsgVote,
    describe_validation_error,
)
from glossary.languages import Language
from glossary.names import body_name
from glossary.phrases import N_
from reads.errors import CliError, Refused
from reads.session import Session, Target
from web.pages import Pages
from worker.headers import sending

log = logging.getLogger("mieux.web")

# The reader's gettext: `str` (English as written) where no page is being made.
Say = Callable[[str], str]


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
        Field("reason", N_("Why you cannot take part"), required=True)
    ],
    (AnswerStep.CONSULTATION, "no-objection"): [],
    (AnswerStep.CONSULTATION, "objection"): [
        Field("comments", N_("Your objection and comments"), required=True)
    ],
    (AnswerStep.PSG_VOTE, "approve"): [Field("comment", N_("Comment"))],
    (AnswerStep.PSG_VOTE, "reject"): [
        Field("comment", N_("Why the Action is rejected"), required=True)
    ],
    (AnswerStep.PSG_VOTE, "revise"): [
        Field("comment", N_("What should be revised"), required=True)
    ],
    (AnswerStep.FEEDBACK, "answer"): [
        Field("rating", N_("Overall, how useful was the Action?"), "rating", required=True),
        Field("comment", N_("What worked, and what should MIEUX do better?")),
    ],
    (AnswerStep.VALIDATION, "validate"): [Field("comment", N_("Comments on the deliverables"))],
    (AnswerStep.FOLLOW_UP, "answer"): [
        Field("adopted", N_("Has a deliverable been adopted?"), "yesno", required=True),
        Field("adoption", N_("How (e.g. approved by ministerial decree)")),
        Field("comment", N_("What became of the Action's results?")),
    ],
}

# Labels are msgids: each page shows them in the language of the link's recipient.
STEP_LABEL = {
    AnswerStep.INVITATION: N_("Invitation to an activity"),
    AnswerStep.CONSULTATION: N_("Consultation on the Action Fiche"),
    AnswerStep.PSG_VOTE: N_("Project Steering Group vote"),
    AnswerStep.FEEDBACK: N_("Partner feedback questionnaire"),
    AnswerStep.FOLLOW_UP: N_("Follow-up questionnaire"),
    AnswerStep.VALIDATION: N_("Validation of the deliverables"),
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
        _ = gettext_for(token.lang)
        status = await self._status(token.reference)
        closed = _closed(token, status, _)
        if closed:
            return self.pages.render(
                request,
                "outcome.html",
                410,
                language=token.lang,
                reference=token.reference,
                title=status.title if status else "",
                ok=False,
                message=closed,
                detail="",
            )
        return self.pages.render(
            request,
            "answer.html",
            language=token.lang,
            reference=token.reference,
            title=status.title if status else "",
            step_label=_(STEP_LABEL[token.step]),
            what=describe_step(token, status, _),
            choice_label=_(CHOICES[token.step][choice]),
            until=local_moment(token.expires - GRACE, "UTC", token.lang)
            if token.step != AnswerStep.FOLLOW_UP
            else "",
            fields=fields_for(token, choice, _),
            token=text,
            action_url=f"/answer/{text}/{choice}",
            button=_(CHOICES[token.step][choice]),
        )

    async def submit(self, request: Request) -> Response:
        checked = self._check(request)
        if isinstance(checked, Response):
            return checked
        token, text, choice = checked
        _ = gettext_for(token.lang)
        form = await request.form()
        # Cross-site posting: the form must carry the link's own token, and a browser that
        # says where the form came from must say it came from here. No cookies are used.
        if form.get("token") != text or not self._same_origin(request):
            log.warning("answer refused: form not posted from its own page")
            return self.pages.refused(
                request, _("This form was not sent from its own page."), 403, token.lang
            )
        values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
        try:
            payload = command_payload(token, choice, values, _)
        except ValueError as error:
            return self.pages.refused(request, str(error), 400, token.lang)
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
                _("Your answer is already recorded; nothing was changed.")
                if already
                else plain_refusal(str(refusal), self._contact(after), _)
            )
            return self.pages.render(
                request,
                "outcome.html",
                409,
                language=token.lang,
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
                request,
                _("The case files cannot be reached just now; please try again later."),
                503,
                token.lang,
            )
        log.info("answer recorded: %s %s %s", token.reference, token.step, choice)
        return self.pages.render(
            request,
            "outcome.html",
            language=token.lang,
            reference=token.reference,
            title=status.title if status else "",
            ok=True,
            # A late answer is taken, not refused: the workflow says what became of it.
            message=late_answer(detail, token.lang, _)
            if detail.startswith("Your ")
            else thank_you(token, choice, status, _),
            detail="",
        )

    # -- checks ---------------------------------------------------------------------------

    def _check(self, request: Request) -> tuple[AnswerToken, str, str] | Response:
        text = request.path_params["token"]
        choice = request.path_params["choice"]
        if not self.per_client.allow(_client(request)) or not self.limit.allow(text):
            log.warning("answer refused: too many requests for one link")
            return self._unread(request, "Too many requests for this link; wait a while.", 429)
        try:
            token = verify(text, self.secret)
        except BadToken as error:
            # The token itself never goes to the log: it is the credential.
            log.warning("answer link refused (%s) from %s", error, _client(request))
            return self._unread(request, "This link is not valid (or no longer valid).", 403)
        if choice not in CHOICES[token.step]:
            say = gettext_for(token.lang)
            return self.pages.refused(
                request, say("This link does not offer that answer."), 404, token.lang
            )
        return token, text, choice

    def _unread(self, request: Request, message: str, status: int) -> Response:
        """Refused before the link is read: in the browser's language (Accept-Language)."""
        language = request_language(request)
        return self.pages.refused(request, gettext_for(language)(message), status, language)

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


def fields_for(token: AnswerToken, choice: str, _: Say = str) -> list[Field]:
    """The form's fields, worded for who answers: an expert's focal point answers for the
    expert (the link names the expert as its subject and the focal point as recipient)."""
    fields = FIELDS[(token.step, choice)]
    if token.step == AnswerStep.INVITATION and token.recipient != token.subject:
        fields = [
            Field(f.name, N_("Why the expert cannot take part"), f.kind, f.required)
            if f.name == "reason"
            else f
            for f in fields
        ]
    return [Field(f.name, _(f.label), f.kind, f.required) for f in fields]


def plain_refusal(reason: str, contact: str, _: Say = str) -> str:
    """What a person outside the team reads when their answer is not taken: what happened,
    in plain words, and whom to write to (issue 21: "expert EX-FR-02 was not invited to
    activity 1 (awaiting: EX-JO-01)" told a late expert nothing true). `reason` is the
    workflow's English sentence, for the team; the reader gets theirs."""
    if reason.startswith("This question is closed") or reason.startswith("This link"):
        what = _("This question is closed: the step it answered has ended; nothing was changed.")
    elif "already recorded" in reason:
        what = _(
            "An answer to this invitation is already recorded ({answer}); nothing was changed."
        ).format(answer=reason.rsplit(": ", 1)[-1])
    elif "was not invited" in reason or "already on activity" in reason:
        what = _(
            "This invitation is no longer open: the answer came after its deadline, and the"
            " place has been offered to another expert."
        )
    elif "on hold" in reason:
        what = _("The Action is on hold just now, so no answer can be taken.")
    elif "takes no more commands" in reason:
        what = _("The Action has ended, so no answer can be taken.")
    elif "is for the" in reason and "stage" in reason:
        what = _("This question is no longer open: the Action has moved on.")
    else:
        what = _("Your answer could not be recorded.")
    write = _("Please write to {contact}, the project officer of this Action.")
    return f"{what} {write.format(contact=contact)}"


def late_answer(detail: str, language: str, _: Say = str) -> str:
    """The workflow took an answer after its step had closed: it is kept for the officer.
    English readers get the workflow's own sentence; others its gist in their language."""
    if language == Language.EN:
        return detail
    return _(
        "Your answer arrived after this step had closed: it is kept for the project officer,"
        " who will decide whether it changes anything."
    )


def request_language(request: Request) -> Language:
    """Before a link is read: the first of the browser's languages that pages are written
    in (Accept-Language), else English."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if code in {language.value for language in Language}:
            return Language(code)
    return Language.EN


def command_payload(
    token: AnswerToken, choice: str, form: dict[str, str], _: Say = str
) -> dict[str, Any]:
    """The update's payload, checked by the same model the CLI uses; ValueError with one
    sentence when a field is missing or wrong."""
    by = token.recipient
    data: dict[str, Any]
    model: type[BaseModel]
    for field in FIELDS[(token.step, choice)]:
        if field.required and not form.get(field.name):
            raise ValueError(_("Please fill in: {field}.").format(field=_(field.label).lower()))
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
                raise ValueError(_("Please choose a rating from 1 to 5."))
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


def describe_step(token: AnswerToken, status: ActionStatus | None, _: Say = str) -> str:
    if token.step == AnswerStep.INVITATION:
        view = _activity(status, token.activity)
        number = str(token.activity)
        if view:
            where = _("{type}, {place}, {dates}").format(
                type=_(str(view.type)),
                place=view.place,
                dates=_dates(view.start, view.end, token.lang),
            )
            if token.recipient != token.subject:  # the focal point, for the expert they put up
                return _(
                    "the participation of the expert you nominated in activity {number}: {where}"
                ).format(number=number, where=where)
            return _("your participation as an expert in activity {number}: {where}").format(
                number=number, where=where
            )
        if token.recipient != token.subject:
            return _("the participation of the expert you nominated in activity {number}").format(
                number=number
            )
        return _("your participation as an expert in activity {number}").format(number=number)
    if token.step == AnswerStep.CONSULTATION:
        return _(
            "the comments of {body} on the Action Fiche"
            " (no answer by the deadline counts as no objection)"
        ).format(body=_(body_name(token.subject)))
    if token.step == AnswerStep.PSG_VOTE:
        return _("the vote of {body}").format(body=_(body_name(token.subject)))
    if token.step == AnswerStep.VALIDATION:
        return _("the partner's validation of the Action's deliverables")
    return _("the partner's answers")


def thank_you(token: AnswerToken, choice: str, status: ActionStatus | None, _: Say = str) -> str:
    if token.step == AnswerStep.INVITATION:
        view = _activity(status, token.activity)
        what = (
            _("the {type} in {place}, {dates}").format(
                type=_(str(view.type)),
                place=view.place.split(",")[0],
                dates=_dates(view.start, view.end, token.lang),
            )
            if view
            else _("activity {number}").format(number=token.activity)
        )
        if choice == "confirm":
            return _("Thank you: your confirmation for {what} is recorded.").format(what=what)
        return _("Thank you: your decline for {what} is recorded.").format(what=what)
    if token.step == AnswerStep.CONSULTATION:
        body = _(body_name(token.subject))
        if choice == "no-objection":
            return _("Thank you: no objection from {body} to the Action Fiche is recorded.").format(
                body=body
            )
        return _("Thank you: an objection from {body} to the Action Fiche is recorded.").format(
            body=body
        )
    if token.step == AnswerStep.PSG_VOTE:
        return _("Thank you: the vote of {body} ({vote}) is recorded.").format(
            body=_(body_name(token.subject)), vote=_(CHOICES[token.step][choice]).lower()
        )
    if token.step == AnswerStep.VALIDATION:
        return _("Thank you: your validation of the deliverables is recorded.")
    return _("Thank you: your answers are recorded.")


def _closed(token: AnswerToken, status: ActionStatus | None, _: Say = str) -> str:
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
        _("the PSG vote (round {round})")
        if token.step == AnswerStep.PSG_VOTE
        else _("the consultation on Action Fiche v{round}")
    ).format(round=token.round)
    return _(
        "This question is closed: the link was for {what}, which has ended. The message"
        " about the current one carries its own link; nothing was changed."
    ).format(what=what)


def _already_answered(status: ActionStatus, token: AnswerToken) -> bool:
    command = COMMAND_OF_STEP[token.step]
    return any(
        e.accepted and e.command == command and e.by == token.recipient for e in status.audit
    )


def _activity(status: ActionStatus | None, number: int | None) -> Any:
    if status is None:
        return None
    return next((a for a in status.activities if a.number == number), None)


def _dates(start: Any, end: Any, language: str = "en") -> str:
    if language != "en":
        from babel.dates import format_interval

        return format_interval(start, end, "yMMMd", locale=language)
    if start.month == end.month and start.year == end.year:
        return f"{start.day}-{end.day} {end:%B %Y}"
    return f"{start.day} {start:%B}-{end.day} {end:%B %Y}"


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


__all__ = ["AnswerPages", "command_payload"]
