"""Intake: the walking skeleton of the lifecycle (DOMAIN.md §3 stage 1)."""

from datetime import timedelta

from temporalio.client import WorkflowUpdateFailedError

from glossary import Stage
from tests.workflows.support import Outbox, action_input, running_worker, start_action
from workflows.action_lifecycle import ActionLifecycle


async def test_intake_accept_opens_the_fiche_clock(time_skipping_env, task_queue):
    outbox = Outbox()
    async with running_worker(time_skipping_env, task_queue, outbox):
        handle = await start_action(time_skipping_env.client, task_queue, action_input())
        result = await handle.execute_update(
            "intake_decision", {"decision": "accept", "by": "anna"}
        )
        status = await handle.query(ActionLifecycle.status)
    assert "accepted" in result
    assert status.stage == Stage.FICHE_DRAFTING
    assert [c.name for c in status.clocks] == ["fiche"]
    assert status.clocks[0].due_at - status.audit[-1].at == timedelta(days=21)
    assert status.audit[-1].by == "anna"


async def test_intake_decision_with_a_bad_payload_is_refused_with_its_reason(
    time_skipping_env, task_queue
):
    outbox = Outbox()
    async with running_worker(time_skipping_env, task_queue, outbox):
        handle = await start_action(time_skipping_env.client, task_queue, action_input())
        try:
            await handle.execute_update("intake_decision", {"decision": "reject"})
        except WorkflowUpdateFailedError as error:
            reason = str(error.cause)
        status = await handle.query(ActionLifecycle.status)
    assert "a rejection needs a reason" in reason
    assert status.stage == Stage.INTAKE
    assert status.audit == []


async def test_the_intake_decision_is_due_seven_days_after_receipt_not_registration(
    time_skipping_env, task_queue
):
    """Issue 21 (7): received 20 Nov, registered 5 Dec: the decision was due 27 Nov."""
    from datetime import UTC, datetime

    from tests.workflows.support import until

    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    received = today - timedelta(days=15)
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(received_on=received))
        status = await until(handle, lambda _: bool(outbox.matching("escalation", "intake")))
        [ack] = outbox.matching("acknowledgement")
    [intake] = status.clocks
    assert intake.due_at == datetime(received.year, received.month, received.day, tzinfo=UTC) + (
        timedelta(days=7)
    )
    # Overdue from the first moment: the programme manager hears at once, and the partner
    # is not told a date already past.
    [escalation] = outbox.matching("escalation", "intake")
    assert escalation.notice.to.id == "pm.rossi"
    assert "We will write with a first decision shortly." in ack.notice.details
    assert not [line for line in ack.notice.details if "is due by" in line]


async def test_a_request_without_an_officer_goes_to_its_regions_default_officer(
    time_skipping_env, task_queue
):
    """Issue 21 (8): not silently to the first officer of the list."""
    from glossary import ActionInput
    from tests.workflows.support import STAFF

    staff = STAFF.model_copy(update={"default_officers": {"Sub-Saharan Africa": "po.okafor"}})
    plain = action_input()
    async with running_worker(time_skipping_env, task_queue, Outbox()):
        handle = await start_action(
            time_skipping_env.client,
            task_queue,
            ActionInput(**{**dict(plain), "staff": staff}),
        )
        status = await handle.query(ActionLifecycle.status)
    assert plain.request.project_officer is None
    assert status.project_officer == "po.okafor"


async def test_a_request_received_months_ago_leaves_one_audit_line_for_the_steps_it_skipped(
    time_skipping_env, task_queue
):
    """Registered 30 weeks after receipt: the intake clock is 29 weekly escalations behind.
    Only the latest goes out, and the audit trail says so in one line, not 28."""
    from tests.workflows.support import until

    env, outbox = time_skipping_env, Outbox()
    today = (await env.get_current_time()).date()
    received = today - timedelta(weeks=30)
    async with running_worker(env, task_queue, outbox):
        handle = await start_action(env.client, task_queue, action_input(received_on=received))
        status = await until(handle, lambda _: bool(outbox.matching("escalation", "intake")))
    skipped = [e.detail for e in status.audit if "not sent" in e.detail]
    # Due a week after receipt, reminded three days before, escalated weekly since: the
    # 29th escalation is due today and goes out.
    [escalation] = outbox.matching("escalation", "intake")
    assert escalation.notice.key.endswith("/escalation-29/pm.rossi")
    first, last = received + timedelta(days=4), today - timedelta(weeks=1)
    assert skipped == [
        f"Intake decision: 30 steps not sent, reminder-1 to escalation-28 (due {first} 00:00"
        f" to {last} 00:00 UTC): each was overtaken by a later one; only the latest goes out"
    ]
