"""The programme manager's daily digest of notices whose delivery is unknown (issue 22.3):
a Temporal schedule the workers keep starts `MailDigest`, which reads the outbox and mails
the list, each with its resend command; with nothing to list, no mail."""

from __future__ import annotations

import contextlib
import time

from sqlalchemy import update
from temporalio.client import ScheduleCalendarSpec
from temporalio.worker import Worker

from activities.deployment import DeploymentActivities
from activities.email import EmailActivities
from config.settings import MieuxSettings, SmtpSettings
from store.db import engine_for, write_session
from store.outbox import Outbox
from store.tables import OutboxRow
from tests.conftest import SmtpServer
from worker.schedules import keep_schedules
from workflows.mail_digest import MailDigest, digest_schedule_id

KEY = "2026-01/fiche/reminder-1/po.martin"


def _settings(smtp: SmtpServer, task_queue: str, hour: int) -> MieuxSettings:
    return MieuxSettings(
        task_queue=task_queue,
        smtp=SmtpSettings(host=smtp.host, port=smtp.port, timeout_seconds=5, digest_hour=hour),
    )


@contextlib.asynccontextmanager
async def _worker(env, settings: MieuxSettings, database_url: str):
    email = EmailActivities(settings.smtp, database_url)
    async with Worker(
        env.client,
        task_queue=settings.task_queue,
        workflows=[MailDigest],
        activities=[
            email.send_notice,
            email.unconfirmed_notices,
            DeploymentActivities(lambda: settings).deployment_settings,
        ],
    ):
        yield


def _cut_off(database_url: str, key: str) -> None:
    """What a worker killed during the SMTP DATA leaves: a claim never confirmed."""
    assert Outbox(database_url).claim(key, "<x@mieux-flow>", b"Subject: x\r\n\r\nx")
    with write_session(engine_for(database_url)) as session:
        session.execute(
            update(OutboxRow).where(OutboxRow.key == key).values(claimed_at=time.time() - 3600)
        )


async def test_the_schedule_sends_the_manager_the_notices_that_may_not_have_arrived(
    local_env, task_queue, smtp_server: SmtpServer, database_url
):
    env = local_env
    _cut_off(database_url, KEY)
    settings = _settings(smtp_server, task_queue, hour=7)
    await keep_schedules(env.client, settings)
    # A second worker host starting with another hour brings the schedule up to date.
    await keep_schedules(env.client, _settings(smtp_server, task_queue, hour=6))
    schedule = env.client.get_schedule_handle(digest_schedule_id(task_queue))
    try:
        described = await schedule.describe()
        [calendar] = described.schedule.spec.calendars
        assert isinstance(calendar, ScheduleCalendarSpec)
        assert [(r.start, r.end) for r in calendar.hour] == [(6, 6)]
        assert described.schedule.spec.time_zone_name == "Europe/Brussels"

        async with _worker(env, settings, database_url):
            await schedule.trigger()
            await smtp_server.inbox.wait_for(lambda inbox: inbox.messages)
    finally:
        await schedule.delete()

    [message] = smtp_server.inbox.messages
    assert message["Subject"] == "MIEUX: 1 notice may not have arrived"
    assert message["To"].addresses[0].addr_spec == settings.staff.programme_manager.email
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"mieux mail resend {KEY} --confirm" in text
    assert "Action:" not in text  # a programme-wide list, not one Action's notice


async def test_with_nothing_unconfirmed_there_is_no_digest(
    time_skipping_env, task_queue, smtp_server: SmtpServer, database_url
):
    env = time_skipping_env
    # Sent and confirmed: nothing to tell.
    Outbox(database_url).claim(KEY, "<x@mieux-flow>", b"x")
    Outbox(database_url).mark_sent(KEY)
    settings = _settings(smtp_server, task_queue, hour=7)
    async with _worker(env, settings, database_url):
        listed = await env.client.execute_workflow(
            MailDigest.run, id=f"digest-{task_queue}", task_queue=task_queue
        )
    assert listed == 0
    assert smtp_server.inbox.messages == []
