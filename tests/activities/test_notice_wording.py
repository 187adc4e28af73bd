"""What each recipient reads, through the real SMTP server: people outside the MIEUX team are
told whom to reply to (never to run a staff command); the officer's copy carries the command;
information notices carry no "Awaited / By" form."""

from __future__ import annotations

from temporalio.testing import ActivityEnvironment

from activities.email import EmailActivities
from glossary.notices import NoticeKind
from glossary.people import Recipient
from tests.activities.support import OFFICER, bodies, make_notice
from tests.conftest import SmtpServer

EXPERT = Recipient(
    role="expert",
    id="EX-DE-01",
    name="Expert Example",
    email="expert@bamf.example.de",
    timezone="Europe/Berlin",
)
FOCAL_POINT = Recipient(
    role="focal_point",
    id="FP-DE",
    name="Focal Point Germany",
    email="fp@bmi.example.de",
    timezone="Europe/Berlin",
)
COMMAND = "mieux expert confirm 2026-07 --activity 1 --expert EX-DE-01"


def invitation(to: Recipient):
    return make_notice(
        kind=NoticeKind.INVITATION,
        key=f"2026-07/expert-1-EX-DE-01-1/invitation/{to.id}",
        to=to,
        cc=[],
        subject="MIEUX 2026-07: invitation: workshop Nairobi, Kenya, 08 Jun-10 Jun 2026",
        awaited="the answer of expert EX-DE-01: confirm or decline",
        command=COMMAND,
        reply_to=OFFICER,
    )


async def test_an_expert_is_told_to_reply_to_the_officer_not_to_run_a_command(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    await ActivityEnvironment().run(email_activities.send_notice, invitation(EXPERT))

    [message] = smtp_server.inbox.messages
    assert message["Reply-To"].addresses[0].addr_spec == OFFICER.email
    assert not message["Subject"].startswith(" ")
    for body in bodies(message):
        assert "mieux " not in body.replace("MIEUX ", "")
        assert "reply to this message" in body
        assert OFFICER.name in body and OFFICER.email in body
        assert "You are invited to contribute as an expert" in body


async def test_the_focal_point_reads_that_the_invitation_is_for_their_expert(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    await ActivityEnvironment().run(email_activities.send_notice, invitation(FOCAL_POINT))

    text, html = bodies(smtp_server.inbox.messages[0])
    for body in (text, html):
        assert "as their focal point" in body
        assert COMMAND not in body


async def test_the_officers_copy_carries_the_command(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    copy = invitation(OFFICER).model_copy(update={"reply_to": None})
    await ActivityEnvironment().run(email_activities.send_notice, copy)

    [message] = smtp_server.inbox.messages
    assert message["Reply-To"] is None
    for body in bodies(message):
        assert COMMAND in body
        assert "Your copy" in body


async def test_an_information_notice_has_no_awaited_or_by_form(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    partner = EXPERT.model_copy(update={"role": "partner_focal_point", "id": "partner-2026-07"})
    decision = make_notice(
        kind=NoticeKind.DECISION,
        key="2026-07/psg-1/decision/partner-2026-07",
        to=partner,
        cc=[],
        subject="MIEUX 2026-07: PSG decision: approved by the PSG",
        awaited="nothing: this is the PSG's decision",
        due_at=None,
        command="",
        details=[],
        reply_to=OFFICER,
    )
    await ActivityEnvironment().run(email_activities.send_notice, decision)

    text, html = bodies(smtp_server.inbox.messages[0])
    assert "Awaited:" not in text and "By:" not in text
    assert ">Awaited<" not in html and ">By<" not in html
    assert "A decision has been taken" in text
