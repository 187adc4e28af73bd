"""`send_notice` against a real SMTP server (aiosmtpd on loopback): what arrives, and that a
notice never arrives twice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.compose import compose, message_id
from activities.email import EmailActivities
from glossary.notices import NoticeKind
from store.outbox import Outbox, OutboxState
from tests.activities.support import MANAGER, OFFICER, bodies, make_notice
from tests.conftest import SmtpServer

NAIROBI_DEADLINE = "Monday 23 March 2026, 18:00 (Africa/Nairobi, UTC+03:00)"


# The digest is the programme's, not one Action's: tests/workflows/test_mail_digest.py.
@pytest.mark.parametrize("kind", [k for k in NoticeKind if k != NoticeKind.MAIL_DIGEST])
async def test_every_kind_of_notice_arrives_with_its_recipients_subject_and_body(
    kind: NoticeKind, email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    notice = make_notice(kind=kind, key=f"2026-07/fiche/{kind}/po-amina")

    receipt = await ActivityEnvironment().run(email_activities.send_notice, notice)

    assert receipt.sent and receipt.message_id == message_id(notice.key)
    [message] = smtp_server.inbox.messages
    [(mail_from, rcpt_tos)] = smtp_server.inbox.envelopes
    assert mail_from == "mieux@mieux.example.org"
    assert rcpt_tos == [OFFICER.email, MANAGER.email]
    assert message["To"].addresses[0].addr_spec == OFFICER.email
    assert message["Cc"].addresses[0].addr_spec == MANAGER.email
    assert message["Subject"] == "MIEUX 2026-07: the Action Fiche is due"
    assert message["Message-ID"] == receipt.message_id
    text, html = bodies(message)
    for body in (text, html):
        assert "MIEUX 2026-07" in body
        assert "Kenya: migration data management" in body
        assert "the Action Fiche, from the project officer" in body
        assert NAIROBI_DEADLINE in body
        assert "mieux submit-fiche 2026-07 --file fiche.json" in body
        assert "Consultation follows" in body
    assert "<html" in html and "<html" not in text


async def test_the_deadline_is_written_in_each_recipients_time_zone(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    notice = make_notice(to=MANAGER, cc=[], key="2026-07/fiche/escalation/pm-jonas")

    await ActivityEnvironment().run(email_activities.send_notice, notice)

    text, _ = bodies(smtp_server.inbox.messages[0])
    assert "Monday 23 March 2026, 16:00 (Europe/Vienna, UTC+01:00)" in text


async def test_a_recipient_without_a_known_time_zone_reads_the_deadline_in_utc(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    lost = OFFICER.model_copy(update={"timezone": "Mars/Olympus"})

    await ActivityEnvironment().run(email_activities.send_notice, make_notice(to=lost))

    text, _ = bodies(smtp_server.inbox.messages[0])
    assert "Monday 23 March 2026, 15:00 (UTC, UTC+00:00)" in text


async def test_html_alternative_escapes_what_the_workflow_wrote(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    notice = make_notice(awaited="<script>alert(1)</script> & the Fiche")

    await ActivityEnvironment().run(email_activities.send_notice, notice)

    text, html = bodies(smtp_server.inbox.messages[0])
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; the Fiche" in html
    assert "<script>" not in html
    assert "<script>alert(1)</script> & the Fiche" in text


async def test_a_notice_sent_again_is_not_sent_twice(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    notice = make_notice()
    env = ActivityEnvironment()

    first = await env.run(email_activities.send_notice, notice)
    second = await env.run(email_activities.send_notice, notice)

    assert first.sent and not second.sent
    assert first.message_id == second.message_id
    assert len(smtp_server.inbox.messages) == 1


async def test_another_step_of_the_same_clock_is_a_new_notice(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    env = ActivityEnvironment()
    await env.run(email_activities.send_notice, make_notice(key="2026-07/fiche/reminder-7d/po"))
    await env.run(email_activities.send_notice, make_notice(key="2026-07/fiche/reminder-14d/po"))

    ids = [m["Message-ID"] for m in smtp_server.inbox.messages]
    assert len(ids) == 2 and ids[0] != ids[1]


class CrashAfterSending(EmailActivities):
    """The worker dies after the server accepted the message, before the outbox recorded it."""

    def _record_sent(self, key: str) -> None:
        raise RuntimeError("worker killed between send and record")


async def test_a_retry_after_a_crash_between_send_and_record_sends_nothing(
    smtp_server: SmtpServer, email_activities: EmailActivities, smtp_settings, database_url
) -> None:
    notice = make_notice()
    env = ActivityEnvironment()
    crashing = CrashAfterSending(smtp_settings, database_url)

    with pytest.raises(RuntimeError):
        await env.run(crashing.send_notice, notice)
    assert len(smtp_server.inbox.messages) == 1
    assert Outbox(database_url).state(notice.key) == OutboxState.SENDING

    retried = await env.run(email_activities.send_notice, notice)

    assert not retried.sent and retried.unconfirmed  # the workflow shows it: may not have arrived
    assert len(smtp_server.inbox.messages) == 1


async def test_the_outbox_is_shared_by_activity_instances_of_every_worker(
    smtp_server: SmtpServer, smtp_settings, database_url
) -> None:
    notice = make_notice()
    env = ActivityEnvironment()

    sent = [
        (await env.run(EmailActivities(smtp_settings, database_url).send_notice, notice)).sent
        for _ in range(3)
    ]

    assert sent == [True, False, False]
    assert len(smtp_server.inbox.messages) == 1
    again = await env.run(EmailActivities(smtp_settings, database_url).send_notice, notice)
    assert not again.unconfirmed  # sent and confirmed: nothing to tell anyone


async def test_a_notice_refused_by_the_server_for_now_is_not_recorded(
    smtp_server: SmtpServer, email_activities: EmailActivities, database_url
) -> None:
    notice = make_notice()
    smtp_server.stop()

    with pytest.raises(ApplicationError) as refused:
        await ActivityEnvironment().run(email_activities.send_notice, notice)

    assert refused.value.type == "SmtpUnavailable" and not refused.value.non_retryable
    assert Outbox(database_url).state(notice.key) is None
    smtp_server.start()
    receipt = await ActivityEnvironment().run(email_activities.send_notice, notice)
    assert receipt.sent and len(smtp_server.inbox.messages) == 1


async def test_non_ascii_names_and_subjects_are_encoded_not_passed_raw(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    officer = OFFICER.model_copy(update={"name": "Zoë Núñez-Ōtsuka"})
    notice = make_notice(to=officer, subject="MIEUX 2026-07: Fiche — rappel à l'équipe")

    await ActivityEnvironment().run(email_activities.send_notice, notice)

    [message] = smtp_server.inbox.messages
    assert message["Subject"] == "MIEUX 2026-07: Fiche — rappel à l'équipe"
    assert message["To"].addresses[0].display_name == "Zoë Núñez-Ōtsuka"
    wire = compose(notice, "MIEUX <mieux@mieux.example.org>", []).as_bytes()
    headers = wire.split(b"\r\n\r\n")[0]
    assert headers.isascii() and b"=?utf-8?" in headers


async def test_planned_at_does_not_change_the_message_id() -> None:
    early = make_notice(planned_at=datetime(2026, 3, 9, tzinfo=UTC))
    late = make_notice(planned_at=datetime(2026, 3, 10, tzinfo=UTC))

    assert message_id(early.key) == message_id(late.key)
    assert message_id(early.key).endswith("@mieux-flow>")
