"""Staff commands: each builds its glossary payload, checks it here, and sends it.

Sent as an update by default, so the caller learns at once whether the workflow took it;
`--no-wait` sends the signal of the same name instead, which the server keeps while no
worker runs (DOMAIN.md §6). Every command goes to the Action (`action-YYYY-NN`), activity
commands included: the Action checks them against the activity's state and relays them
to its `ActivityDelivery`, so a refusal is immediate and comes with a reason.
"""

from __future__ import annotations

from argparse import Namespace
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from reads.errors import DONE, BadInput
from reads.session import Session, Target
from starter.inputs import read_object, reference, validated
from starter.plain_commands import plain_payload


@dataclass(frozen=True)
class Outgoing:
    name: str  # the update and signal name of DOMAIN.md §6
    target: Target
    payload: dict[str, Any]  # the command, checked, as its glossary model dumps it


async def send(session: Session, outgoing: Outgoing, *, wait: bool, key: str | None = None) -> int:
    payload = outgoing.payload
    ref = outgoing.target.reference
    if wait:
        detail = await session.update(outgoing.target, outgoing.name, payload, key=key)
        print(f"{ref}: {detail}")
    else:
        await session.signal(outgoing.target, outgoing.name, payload)
        print(
            f"{ref}: {outgoing.name} left with the server for {outgoing.target.workflow_id};"
            f" `mieux status {ref}` shows whether it was taken"
        )
    return DONE


Builder = Callable[[Namespace, str], Outgoing]


def _handler(build: Builder) -> Callable[[Session, Namespace], Awaitable[int]]:
    async def handle(session: Session, args: Namespace) -> int:
        outgoing = build(args, session.identity)
        return await send(session, outgoing, wait=not args.no_wait, key=args.key)

    handle.__name__ = build.__name__
    handle.__doc__ = build.__doc__
    return handle


def _action(args: Namespace) -> Target:
    return Target(reference(args.reference))


def _make(model: str, **fields: Any) -> dict[str, Any]:
    """The payload of the glossary command `model` (glossary/commands.py)."""
    given = {k: v for k, v in fields.items() if v is not None}
    payload = plain_payload(model, given)
    if payload is not None:
        return payload
    return _dump(validated(_model(model), given))


def _model(name: str) -> Any:
    from glossary import commands

    return getattr(commands, name)


def _dump(command: Any) -> dict[str, Any]:
    dumped: dict[str, Any] = command.model_dump(mode="json")
    return dumped


# -- the Action ---------------------------------------------------------------------------


def build_intake(args: Namespace, by: str) -> Outgoing:
    command = _make(
        "IntakeDecision",
        by=by,
        decision=args.decision,
        reason=args.reason,
        forward_to=args.to,
        project_officer=args.officer,
    )
    return Outgoing("intake_decision", _action(args), command)


def build_fiche(args: Namespace, by: str) -> Outgoing:
    target = _action(args)
    from glossary import ActionFiche

    fiche = validated(ActionFiche, read_object(args.file), args.file)
    if not args.allow_past_dates:
        not_in_the_past(args.file, [(a.number, a.title, a.start) for a in fiche.activities])
    return Outgoing("submit_fiche", target, _make("SubmitFiche", by=by, fiche=fiche))


def not_in_the_past(source: str, starts: list[tuple[int, str, date]]) -> None:
    """An activity cannot be planned for a day already gone: the reminders "14 d before"
    would be due at once and the report overdue (past Actions go to the register)."""
    today = datetime.now(UTC).date()
    for number, title, start in starts:
        if start < today:
            raise BadInput(
                f"{source}: activity {number} ({title}) starts on {start:%Y-%m-%d}, which has"
                f" passed; plan it from {today:%Y-%m-%d} on (or --allow-past-dates if it"
                " already took place)"
            )


def build_consult(args: Namespace, by: str) -> Outgoing:
    command = _make(
        "ConsultationFeedback",
        by=by,
        organisation=args.organisation,
        objection=None if args.no_objection else args.objection,
    )
    return Outgoing("consultation_feedback", _action(args), command)


def _vote(decision: str) -> Builder:
    def build_vote(args: Namespace, by: str) -> Outgoing:
        command = _make(
            "PsgVote", by=by, member=args.member, decision=decision, comment=args.comment
        )
        return Outgoing("psg_vote", _action(args), command)

    return build_vote


def build_plan_amend(args: Namespace, by: str) -> Outgoing:
    target = _action(args)
    data = read_object(args.file)
    amendment = validated(_model("AmendPlan"), {**data, "by": by}, args.file)
    if not args.allow_past_dates:
        not_in_the_past(
            args.file,
            [(a.number, a.title, a.start) for a in amendment.add]
            + [(r.number, "rescheduled", r.start) for r in amendment.reschedule],
        )
    return Outgoing("amend_plan", target, _dump(amendment))


def build_validate(args: Namespace, by: str) -> Outgoing:
    command = _make("DeliverablesValidated", by=by, comment=args.comment)
    return Outgoing("deliverables_validated", _action(args), command)


def build_feedback(args: Namespace, by: str) -> Outgoing:
    target = _action(args)
    data = read_object(args.file)
    command = validated(_model("FeedbackReceived"), {**data, "by": by}, args.file)
    return Outgoing("feedback_received", target, _dump(command))


def build_follow_up(args: Namespace, by: str) -> Outgoing:
    target = _action(args)
    data = read_object(args.file)
    command = validated(_model("FollowUpReceived"), {**data, "by": by}, args.file)
    return Outgoing("follow_up_received", target, _dump(command))


def build_hold(args: Namespace, by: str) -> Outgoing:
    return Outgoing("hold", _action(args), _make("Hold", by=by, reason=args.reason))


def build_resume(args: Namespace, by: str) -> Outgoing:
    return Outgoing("resume", _action(args), _make("Resume", by=by, comment=args.comment))


def build_withdraw(args: Namespace, by: str) -> Outgoing:
    return Outgoing("withdraw", _action(args), _make("Withdraw", by=by, reason=args.reason))


def build_extend(args: Namespace, by: str) -> Outgoing:
    command = _make(
        "ExtendDeadline",
        by=by,
        clock=args.clock,
        extend_by=args.extend_by,
        reason=args.reason,
        activity=args.activity,
    )
    return Outgoing("extend_deadline", _action(args), command)


# -- one activity (relayed by the Action to its ActivityDelivery) -------------------------


def _expert_response(confirmed: bool) -> Builder:
    def build_expert_response(args: Namespace, by: str) -> Outgoing:
        command = _make(
            "ExpertResponse",
            by=by,
            activity=args.activity,
            expert_id=args.expert,
            confirmed=confirmed,
            reason=args.reason,
        )
        return Outgoing("expert_response", _action(args), command)

    return build_expert_response


def build_nominate(args: Namespace, by: str) -> Outgoing:
    command = _make("NominateExpert", by=by, activity=args.activity, expert_id=args.expert)
    return Outgoing("nominate_expert", _action(args), command)


def build_activity_complete(args: Namespace, by: str) -> Outgoing:
    command = _make(
        "ActivityCompleted",
        by=by,
        activity=args.activity,
        participants=args.participants,
        women=args.women,
        men=args.men,
        outputs=args.output or [],
        narrative=args.narrative,
    )
    return Outgoing("activity_completed", _action(args), command)


def build_activity_evaluate(args: Namespace, by: str) -> Outgoing:
    target = _action(args)
    data = read_object(args.file, set_by_options=("activity",))
    command = validated(
        _model("EvaluationDone"), {**data, "by": by, "activity": args.activity}, args.file
    )
    return Outgoing("evaluation_done", target, _dump(command))


intake = _handler(build_intake)
fiche_submit = _handler(build_fiche)
consult = _handler(build_consult)
approve = _handler(_vote("approved"))
reject = _handler(_vote("rejected"))
revise = _handler(_vote("revise"))
plan_amend = _handler(build_plan_amend)
validate = _handler(build_validate)
feedback = _handler(build_feedback)
follow_up = _handler(build_follow_up)
hold = _handler(build_hold)
resume = _handler(build_resume)
withdraw = _handler(build_withdraw)
deadline_extend = _handler(build_extend)
expert_confirm = _handler(_expert_response(True))
expert_decline = _handler(_expert_response(False))
expert_nominate = _handler(build_nominate)
activity_complete = _handler(build_activity_complete)
activity_evaluate = _handler(build_activity_evaluate)
