"""`send_notice` run by a real Temporal worker: replays and SMTP outages send nothing twice."""

from __future__ import annotations

import uuid

from temporalio.api.enums.v1 import PendingActivityState
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from activities.email import EmailActivities
from glossary.notices import NoticeReceipt
from tests.activities.notice_workflow import SendOneNotice
from tests.activities.support import eventually, make_notice
from tests.conftest import SmtpServer


def notice_worker(env: WorkflowEnvironment, task_queue: str, email: EmailActivities) -> Worker:
    return Worker(
        env.client,
        task_queue=task_queue,
        workflows=[SendOneNotice],
        activities=[email.send_notice],
    )


async def test_a_replayed_or_restarted_workflow_sends_nothing_more(
    time_skipping_env: WorkflowEnvironment,
    task_queue: str,
    email_activities: EmailActivities,
    smtp_server: SmtpServer,
) -> None:
    notice = make_notice()
    async with notice_worker(time_skipping_env, task_queue, email_activities):
        first = await time_skipping_env.client.start_workflow(
            SendOneNotice.run, notice, id=f"notice-{uuid.uuid4()}", task_queue=task_queue
        )
        receipt = await first.result()
        # The same notice from a new run (say, the Action's workflow was reset).
        again = await time_skipping_env.client.execute_workflow(
            SendOneNotice.run, notice, id=f"notice-{uuid.uuid4()}", task_queue=task_queue
        )
    history = await first.fetch_history()

    await Replayer(
        workflows=[SendOneNotice], data_converter=pydantic_data_converter
    ).replay_workflow(history)

    assert isinstance(receipt, NoticeReceipt) and receipt.sent
    assert not again.sent
    assert len(smtp_server.inbox.messages) == 1


async def test_a_notice_sent_while_smtp_is_down_arrives_once_when_it_is_back(
    time_skipping_env: WorkflowEnvironment,
    task_queue: str,
    email_activities: EmailActivities,
    smtp_server: SmtpServer,
) -> None:
    smtp_server.stop()
    async with notice_worker(time_skipping_env, task_queue, email_activities):
        handle = await time_skipping_env.client.start_workflow(
            SendOneNotice.run, make_notice(), id=f"notice-{uuid.uuid4()}", task_queue=task_queue
        )

        async def failed_and_retried() -> bool:
            pending = (await handle.describe()).raw_description.pending_activities
            return (
                bool(pending)
                and pending[0].attempt >= 2
                and pending[0].state
                in (
                    PendingActivityState.PENDING_ACTIVITY_STATE_SCHEDULED,
                    PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
                )
            )

        await eventually(failed_and_retried)
        failure = (await handle.describe()).raw_description.pending_activities[0].last_failure
        assert failure.application_failure_info.type == "SmtpUnavailable"
        assert not smtp_server.inbox.messages
        smtp_server.start()
        receipt = await handle.result()

    assert receipt.sent
    assert len(smtp_server.inbox.messages) == 1
