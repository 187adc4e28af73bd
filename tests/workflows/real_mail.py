"""Workflow tests with the real email activity: notices go through aiosmtplib to an SMTP
server of the test (tests/conftest.py), each attempt still recorded like the Outbox's."""

from __future__ import annotations

from temporalio import activity

from activities.answer_links import AnswerLinks
from activities.email import EmailActivities
from config.settings import SmtpSettings
from glossary.notices import Notice, NoticeReceipt
from tests.conftest import SmtpServer
from tests.workflows.support import Outbox, Sent, sent_at


class RealMail(Outbox):
    """The workflow test's activities, with the real email activity in place of the
    recording one: notices go through aiosmtplib to the SMTP server of the test."""

    def __init__(
        self, smtp: SmtpServer, database_url: str, give_up_after_hours: float = 120.0
    ) -> None:
        super().__init__()
        settings = SmtpSettings(
            host=smtp.host,
            port=smtp.port,
            timeout_seconds=5,
            give_up_after_hours=give_up_after_hours,
        )
        # Links as a deployment with a web service has them (signed with a test secret).
        links = AnswerLinks("http://mieux.test", "test-secret-for-answer-links")
        self.email = EmailActivities(settings, database_url, links=links)

    @activity.defn(name="send_notice")
    async def send_notice(self, notice: Notice) -> NoticeReceipt:
        """Each attempt recorded with the moment the notice was first scheduled."""
        scheduled = sent_at(notice, activity.info().scheduled_time)
        if activity.info().attempt == 1:
            self.sent.append(Sent(notice, scheduled))
        return await self.email.send_notice(notice)
