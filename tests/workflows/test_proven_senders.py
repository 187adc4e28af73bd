"""Who may do what, checked inside the workflow (issue 20): a worker that trusts a real
OpenID Connect provider takes a command only from the person and role the table names,
with a token that provider signed; links answer their own step; raw signals forge nothing.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from glossary.answers import AnswerStep, AnswerToken, sign
from tests.oidc_provider import Provider, other_key_token, running_provider, signed_token
from tests.workflows.support import (
    Outbox,
    action_input,
    activity,
    invited,
    proving,
    running_worker,
    sample_fiche,
    start_action,
    status_of,
    until,
)
from worker.headers import sending
from worker.proof import Trust

SECRET = "the-workers-secret"


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as running:
        yield running


@pytest_asyncio.fixture(loop_scope="session")
async def trust(provider: Provider) -> Trust:
    trusted = Trust(issuer=provider.issuer, audience="mieux", secret=SECRET)
    await trusted.load_keys()
    return trusted


@pytest_asyncio.fixture(loop_scope="session")
async def action(
    time_skipping_env: WorkflowEnvironment, task_queue: str, trust: Trust
) -> AsyncIterator[WorkflowHandle[Any, Any]]:
    client = proving(time_skipping_env.client)
    async with running_worker(time_skipping_env, task_queue, Outbox(), trust=trust):
        yield await start_action(client, task_queue, action_input())


@pytest_asyncio.fixture(loop_scope="session")
async def action_on_dev_server(
    local_env: WorkflowEnvironment, task_queue: str, trust: Trust
) -> AsyncIterator[WorkflowHandle[Any, Any]]:
    """The time-skipping test server drops the headers of a signal one workflow sends
    another, so what the Action and its activities say to each other is tested here."""
    client = proving(local_env.client)
    # Activities' ids follow the reference, and the dev server is shared by the session.
    reference = f"2039-{random.randint(100, 999)}"
    async with running_worker(local_env, task_queue, Outbox(), trust=trust):
        yield await start_action(client, task_queue, action_input(reference))


async def as_(
    provider: Provider,
    sub: str,
    handle: WorkflowHandle[Any, Any],
    name: str,
    payload: dict[str, Any],
) -> str:
    with sending(token=signed_token(provider, sub)):
        return str(await handle.execute_update(name, payload))


async def refused(handle: WorkflowHandle[Any, Any], name: str, payload: dict[str, Any]) -> str:
    before = await status_of(handle)
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await handle.execute_update(name, payload)
    after = await status_of(handle)
    # Nothing recorded but the refusal: validators refuse before anything is written.
    assert (after.stage, len(after.audit), after.psg_votes) == (
        before.stage,
        len(before.audit),
        before.psg_votes,
    )
    return str(failure.value.cause.message)  # type: ignore[union-attr]


ACCEPT = {"decision": "accept", "by": "someone"}


async def test_the_actions_officer_accepts_and_the_audit_names_the_verified_person(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    await as_(provider, "po.martin", action, "intake_decision", ACCEPT)
    status = await status_of(action)
    assert status.stage == "fiche_drafting"
    assert status.audit[-1].by == "po.martin"  # not "someone", what the payload said


async def test_a_signed_in_stranger_or_another_actions_officer_is_refused(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    with sending(token=signed_token(provider, "intern.bob")):
        reason = await refused(action, "intake_decision", ACCEPT)
    assert "not in this Action's staff directory" in reason
    with sending(token=signed_token(provider, "po.okafor")):
        reason = await refused(action, "intake_decision", ACCEPT)
    assert reason == "Ngozi Okafor is not the project officer of this Action"


async def test_no_token_an_expired_one_and_one_signed_by_another_key_are_refused(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    reason = await refused(action, "intake_decision", ACCEPT)
    assert reason.startswith("who sends this is not proven")
    hour_ago = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    with sending(token=signed_token(provider, "po.martin", exp=hour_ago)):
        reason = await refused(action, "intake_decision", ACCEPT)
    assert "expired" in reason
    with sending(token=other_key_token(provider, "po.martin")):
        reason = await refused(action, "intake_decision", ACCEPT)
    assert reason.startswith("the sign-in token is not accepted")
    with sending(token=signed_token(provider, "po.martin", aud="another-app")):
        reason = await refused(action, "intake_decision", ACCEPT)
    assert reason.startswith("the sign-in token is not accepted")


async def to_psg(provider: Provider, handle: WorkflowHandle[Any, Any]) -> None:
    await as_(provider, "po.martin", handle, "intake_decision", ACCEPT)
    await as_(provider, "po.martin", handle, "submit_fiche", {"fiche": sample_fiche()})
    await as_(
        provider,
        "po.martin",
        handle,
        "consultation_feedback",
        {"organisation": "EC services"},
    )


def vote(member: str, decision: str = "approved") -> dict[str, Any]:
    return {"member": member, "decision": decision, "comment": "see the minutes"}


async def test_a_psg_desk_votes_for_its_own_body_only(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    await to_psg(provider, action)
    with sending(token=signed_token(provider, "psg.eeas")):
        reason = await refused(action, "psg_vote", vote("DG_HOME"))
    assert reason == "EEAS desk votes for EEAS, not for DG_HOME"
    with sending(token=signed_token(provider, "pm.rossi")):
        reason = await refused(action, "psg_vote", vote("EEAS"))
    assert reason.startswith("Giulia Rossi may not send psg_vote: it is for a PSG member desk")
    await as_(provider, "psg.eeas", action, "psg_vote", vote("EEAS"))
    status = await status_of(action)
    assert [(v.member, v.by) for v in status.psg_votes] == [("EEAS", "psg.eeas")]


async def test_withdrawal_is_for_management_not_the_officer(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    withdraw = {"reason": "the partner withdrew its request"}
    with sending(token=signed_token(provider, "po.martin")):
        reason = await refused(action, "withdraw", withdraw)
    assert "may not send withdraw" in reason
    await as_(provider, "pd.novak", action, "withdraw", withdraw)
    assert (await status_of(action)).audit[-1].by == "pd.novak"


async def test_raw_signals_with_a_made_up_identity_change_nothing(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    await action.signal("intake_decision", {"decision": "accept", "by": "po.martin"})
    await action.signal(
        "activity_progress",
        {"number": 1, "type": "workshop", "title": "x", "stage": "delivered", "report": 99},
    )
    with sending(token=signed_token(provider, "po.martin")):
        await action.signal("hold", {"reason": "a staff token by signal"})
    status = await until(action, lambda s: len([e for e in s.audit if not e.accepted]) == 3)
    assert status.stage == "intake" and not status.on_hold and not status.activities
    refusals = [(e.command, e.by) for e in status.audit if not e.accepted]
    assert refusals == [
        ("intake_decision", "unproven (po.martin)"),
        ("activity_progress", "unproven"),
        ("hold", "unproven (unknown)"),
    ]


def link(reference: str, step: AnswerStep, subject: str, recipient: str, round_: int) -> str:
    return sign(
        AnswerToken(
            reference=reference,
            step=step,
            subject=subject,
            recipient=recipient,
            expires=datetime.now(UTC) + timedelta(days=30),
            round=round_,
        ),
        SECRET,
    )


async def test_a_round_one_link_does_not_vote_in_round_two(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    reference = "2026-01"
    await to_psg(provider, action)
    round_one = link(reference, AnswerStep.PSG_VOTE, "EEAS", "psg.eeas", 1)
    with sending(link=round_one):
        await action.execute_update("psg_vote", vote("EEAS", "revise"))
    # Back to drafting; v2 goes to consultation, then to the PSG's round 2.
    await as_(provider, "po.martin", action, "submit_fiche", {"fiche": sample_fiche()})
    v1_consultation = link(reference, AnswerStep.CONSULTATION, "EUDEL", "eudel", 1)
    with sending(link=v1_consultation):
        reason = await refused(action, "consultation_feedback", {"organisation": "EUDEL"})
    assert reason.startswith("This question is closed: the link was for the consultation")
    await as_(
        provider, "po.martin", action, "consultation_feedback", {"organisation": "EC services"}
    )
    with sending(link=round_one):
        reason = await refused(action, "psg_vote", vote("EEAS"))
    assert reason.startswith("This question is closed: the link was for the PSG vote (round 1)")
    with sending(link=round_one):
        reason = await refused(action, "psg_vote", vote("DG_HOME"))
    assert reason == "This link is for the vote of EEAS only."
    with sending(link=link(reference, AnswerStep.PSG_VOTE, "EEAS", "psg.eeas", 2)):
        await action.execute_update("psg_vote", vote("EEAS"))
    status = await status_of(action)
    assert [(v.round, v.member, v.by) for v in status.psg_votes] == [
        (1, "EEAS", "psg.eeas"),
        (2, "EEAS", "psg.eeas"),
    ]


async def test_the_action_and_its_activities_talk_under_the_workers_signature(
    provider: Provider, action_on_dev_server: WorkflowHandle[Any, Any]
) -> None:
    action = action_on_dev_server
    """Relayed commands and the activities' reports are signed: they still go through."""
    await to_psg(provider, action)
    for desk, body in (("psg.intpa", "DG_INTPA"), ("psg.home", "DG_HOME"), ("psg.eeas", "EEAS")):
        await as_(provider, desk, action, "psg_vote", vote(body))
    status = await until(action, lambda s: len(invited(s, 1)) == 2)
    expert = invited(status, 1)[0]
    answer = {"activity": 1, "expert_id": expert, "confirmed": True}
    await as_(provider, "po.martin", action, "expert_response", answer)
    status = await until(
        action, lambda s: any(e.state == "confirmed" for e in activity(s, 1).experts)
    )
    assert [e.expert_id for e in activity(status, 1).experts if e.state == "confirmed"] == [expert]


async def test_an_activity_takes_no_command_but_its_actions(
    provider: Provider, action_on_dev_server: WorkflowHandle[Any, Any]
) -> None:
    action = action_on_dev_server
    await to_psg(provider, action)
    for desk, body in (("psg.intpa", "DG_INTPA"), ("psg.home", "DG_HOME"), ("psg.eeas", "EEAS")):
        await as_(provider, desk, action, "psg_vote", vote(body))
    status = await until(action, lambda s: len(invited(s, 1)) == 2)
    reference = action.id.split("-test-")[0].removeprefix("action-")
    child = action_on_dev_server._client.get_workflow_handle(f"action-{reference}-activity-1")
    expert = invited(status, 1)[0]
    with sending(token=signed_token(provider, "po.martin")):
        await child.signal(
            "expert_response",
            {"activity": 1, "expert_id": expert, "confirmed": True, "by": "po.martin"},
        )
    await child.signal("instruction", {"kind": "hold", "reason": "forged", "by": "x"})
    audit = await child.query("audit")
    while len([e for e in audit if not e["accepted"]]) < 2:
        audit = await child.query("audit")
    assert [(e["command"], e["accepted"]) for e in audit if not e["accepted"]] == [
        ("expert_response", False),
        ("instruction", False),
    ]
    assert invited(await status_of(action), 1) == invited(status, 1)


# One valid payload per command of DOMAIN.md §6: a refusal below is about the sender.
PAYLOADS: dict[str, dict[str, Any]] = {
    "intake_decision": ACCEPT,
    "submit_fiche": {"fiche": sample_fiche()},
    "consultation_feedback": {"organisation": "EC services"},
    "psg_vote": vote("EEAS"),
    "expert_response": {"activity": 1, "expert_id": "EX-HU-02", "confirmed": True},
    "nominate_expert": {"activity": 1, "expert_id": "EX-HU-02"},
    "activity_completed": {"activity": 1, "participants": 20, "women": 10, "men": 10},
    "evaluation_done": {"activity": 1, "scores": {"relevance": 4}},
    "amend_plan": {"reason": "the partner asked for a later date"},
    "deliverables_validated": {"comment": "validated"},
    "feedback_received": {"overall_rating": 4},
    "follow_up_received": {"adopted": True, "adoption": "approved by decree"},
    "extend_deadline": {"clock": "intake", "extend_by": "P7D", "reason": "elections"},
    "hold": {"reason": "elections"},
    "resume": {"comment": "after the elections"},
    "withdraw": {"reason": "the partner withdrew its request"},
}


def test_every_command_of_the_contract_has_a_row_in_the_table() -> None:
    from workflows.permissions import MAY_SEND

    assert set(PAYLOADS) == set(MAY_SEND)


def without_the_role(command: str) -> tuple[str, str]:
    """A signed-in member of the directory who may not send `command`, and why."""
    if command == "psg_vote":
        return "pm.rossi", "Giulia Rossi may not send psg_vote"
    if command in ("hold", "resume"):
        return "psg.home", "DG HOME desk may not send"
    return "psg.eeas", "EEAS desk may not send"


@pytest.mark.parametrize("command", list(PAYLOADS))
async def test_every_command_refuses_the_unproven_and_the_unentitled(
    provider: Provider, action: WorkflowHandle[Any, Any], command: str
) -> None:
    payload = {**PAYLOADS[command], "by": "pm.rossi"}  # what a forger would type
    hour_ago = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    proofs = {
        "no token": (None, "who sends this is not proven"),
        "expired": (signed_token(provider, "pm.rossi", exp=hour_ago), "has expired"),
        "another key": (other_key_token(provider, "pm.rossi"), "signature does not match"),
        "a stranger": (signed_token(provider, "intern.bob"), "not in this Action's staff"),
        "a wrong role": (signed_token(provider, without_the_role(command)[0]), ""),
    }
    for case, (token, said) in proofs.items():
        with sending(token=token):
            reason = await refused(action, command, payload)
        expected = said or without_the_role(command)[1]
        assert expected in reason, f"{case}: {reason}"
    # A raw signal with the same forged name changes nothing but the refusals' count.
    before = await status_of(action)
    await action.signal(command, payload)
    after = await until(action, lambda s: len(s.audit) == len(before.audit) + 1)
    assert (after.stage, after.on_hold, after.audit[-1].accepted) == (before.stage, False, False)
    assert after.audit[-1].by == "unproven (pm.rossi)"


async def test_the_officer_extends_holds_and_resumes_their_action(
    provider: Provider, action: WorkflowHandle[Any, Any]
) -> None:
    for command in ("extend_deadline", "hold", "resume"):
        await as_(provider, "po.martin", action, command, PAYLOADS[command])
    status = await status_of(action)
    assert [(e.command, e.by, e.accepted) for e in status.audit] == [
        ("extend_deadline", "po.martin", True),
        ("hold", "po.martin", True),
        ("resume", "po.martin", True),
    ]


async def test_with_a_roles_claim_the_providers_groups_decide(
    time_skipping_env: WorkflowEnvironment, task_queue: str, provider: Provider
) -> None:
    """`auth.roles_claim`: roles come from the token, whoever the directory lists."""
    trust = Trust(issuer=provider.issuer, audience="mieux", secret=SECRET, roles_claim="roles")
    await trust.load_keys()
    client = proving(time_skipping_env.client)
    async with running_worker(time_skipping_env, task_queue, Outbox(), trust=trust):
        handle = await start_action(client, task_queue, action_input())
        # Not in the directory, but the provider says programme manager: may accept.
        with sending(token=signed_token(provider, "intern.bob", roles=["programme_manager"])):
            await handle.execute_update("intake_decision", ACCEPT)
        # In the directory as programme manager, but the provider gives no such role.
        with sending(token=signed_token(provider, "pm.rossi", roles=["psg_member:EEAS"])):
            reason = await refused(handle, "hold", PAYLOADS["hold"])
        assert reason.startswith("Giulia Rossi may not send hold")
        with sending(token=signed_token(provider, "pm.rossi", roles=["psg_member:EEAS"])):
            reason = await refused(handle, "psg_vote", vote("DG_HOME"))
        assert reason == "Giulia Rossi votes for EEAS, not for DG_HOME"
        status = await status_of(handle)
    assert [(e.command, e.by) for e in status.audit] == [
        ("intake_decision", "intern.bob@mieux.example.org")
    ]
