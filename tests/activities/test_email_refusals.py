"""Bad input is refused with a clear, non-retryable error and nothing is sent or recorded;
what the server refuses is classified as permanent or temporary."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.compose import compose
from activities.email import EmailActivities
from config.settings import SmtpSettings
from glossary.people import Contact
from store.outbox import Outbox
from tests.activities.support import MANAGER, OFFICER, make_notice
from tests.conftest import SmtpServer
from tests.smtp_faults import FaultyInbox

INJECTED_SUBJECTS = [
    "Fiche due\r\nBcc: victim@example.org",
    "Fiche due\nBcc: victim@example.org",
    "Fiche due\rX-Priority: 1",
    "Fiche due\x00",
]
BAD_ADDRESSES = [
    "not-an-address",
    "amina@example.org\r\nBcc: victim@example.org",
    "amina@example.org>, victim@example.org",
    "Amina <amina@example.org>",
    "amina@exa mple.org",
    "amina@localhost",
    "amïna@example.org",
]


async def refusal(activities: EmailActivities, **changes: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        await ActivityEnvironment().run(activities.send_notice, make_notice(**changes))
    return caught.value


@pytest.mark.parametrize("subject", INJECTED_SUBJECTS)
async def test_a_subject_with_line_breaks_is_refused(
    subject: str, email_activities: EmailActivities, smtp_server: SmtpServer, database_url: str
) -> None:
    error = await refusal(email_activities, subject=subject)

    assert error.type == "InvalidNotice" and error.non_retryable
    assert "the subject contains line breaks or control characters" in error.message
    assert not smtp_server.inbox.envelopes
    assert Outbox(database_url).state(make_notice().key) is None


@pytest.mark.parametrize("name", ["Amina\r\nBcc: victim@example.org", "Amina\nOfficer", "A\x1bB"])
async def test_a_recipient_name_with_line_breaks_is_refused(
    name: str, email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    error = await refusal(email_activities, to=OFFICER.model_copy(update={"name": name}))

    assert error.type == "InvalidAddress" and error.non_retryable
    assert "recipient project_officer po-amina has a name with line breaks" in error.message
    assert not smtp_server.inbox.envelopes


@pytest.mark.parametrize("address", BAD_ADDRESSES)
async def test_a_bad_address_is_refused_without_being_repeated(
    address: str, email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    error = await refusal(email_activities, to=OFFICER.model_copy(update={"email": address}))

    assert error.type == "InvalidAddress" and error.non_retryable
    assert "recipient project_officer po-amina has an invalid email address" in error.message
    # Error messages end up in workflow history and logs: no personal data in them.
    assert address not in error.message
    assert not smtp_server.inbox.envelopes


async def test_a_bad_copy_address_is_refused_too(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    error = await refusal(email_activities, cc=[MANAGER.model_copy(update={"email": "x@y"})])

    assert error.type == "InvalidAddress"
    assert "recipient programme_manager pm-jonas" in error.message
    assert not smtp_server.inbox.envelopes


async def test_a_control_character_in_the_notice_key_is_refused(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    error = await refusal(email_activities, key="2026-07/fiche/r\r\nBcc: x@example.org/po")

    assert error.type == "InvalidNotice"
    assert not smtp_server.inbox.envelopes


async def test_a_document_outside_the_store_is_refused(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    error = await refusal(email_activities, documents=["../../etc/passwd"])

    assert error.type == "InvalidNotice" and error.non_retryable
    assert not smtp_server.inbox.envelopes


@pytest.fixture
def picky(faulty_smtp: tuple[FaultyInbox, SmtpServer]) -> tuple[FaultyInbox, SmtpSettings]:
    inbox, server = faulty_smtp
    return inbox, SmtpSettings(host=server.host, port=server.port, timeout_seconds=5)


async def test_an_address_the_server_refuses_for_good_is_not_retried(
    picky: tuple[FaultyInbox, SmtpSettings], database_url: str
) -> None:
    inbox, settings = picky
    inbox.rcpt[OFFICER.email] = "550 5.1.1 mailbox unavailable"

    error = await refusal(EmailActivities(settings, database_url))

    assert error.type == "InvalidAddress" and error.non_retryable
    assert "the server refused the address of project_officer po-amina (550)" in error.message
    assert not inbox.messages
    assert Outbox(database_url).state(make_notice().key) is None


@pytest.mark.parametrize("reply", ["550 5.1.1 no such user", "452 4.2.2 mailbox full"])
async def test_a_copy_the_server_refuses_does_not_stop_the_notice(
    reply: str, picky: tuple[FaultyInbox, SmtpSettings], database_url: str
) -> None:
    """For good or for now, a refused copy goes without: the receipt names it, and the
    addressee has the message at the first try."""
    inbox, settings = picky
    inbox.rcpt[MANAGER.email] = reply

    receipt = await ActivityEnvironment().run(
        EmailActivities(settings, database_url).send_notice, make_notice()
    )

    assert receipt.sent and receipt.copies_refused == [MANAGER.id]
    assert inbox.envelopes == [("mieux@mieux.example.org", [OFFICER.email])]


async def test_a_deferred_message_is_retried_and_then_sent_once(
    picky: tuple[FaultyInbox, SmtpSettings], database_url: str
) -> None:
    inbox, settings = picky
    inbox.data.append("451 4.3.0 try again later")
    activities = EmailActivities(settings, database_url)

    error = await refusal(activities)
    assert error.type == "RecipientDeferred" and not error.non_retryable
    assert error.next_retry_delay == timedelta(seconds=1)
    receipt = await ActivityEnvironment().run(activities.send_notice, make_notice())
    again = await ActivityEnvironment().run(activities.send_notice, make_notice())

    assert receipt.sent and not again.sent
    assert len(inbox.messages) == 1


def _attempt(number: int, waited: timedelta) -> ActivityEnvironment:
    env = ActivityEnvironment()
    first = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    env.info = dataclasses.replace(
        env.info,
        attempt=number,
        scheduled_time=first,
        current_attempt_scheduled_time=first + waited,
    )
    return env


async def test_a_mailbox_that_defers_is_retried_more_slowly_then_given_up(
    picky: tuple[FaultyInbox, SmtpSettings], database_url: str
) -> None:
    """Postfix's way: a 4xx for the addressee is retried on a growing delay, at most hourly,
    and after `smtp.give_up_after_hours` the notice is given up (and reported by the
    workflow), never retried for ever."""
    inbox, settings = picky
    inbox.rcpt[OFFICER.email] = "451 4.2.2 mailbox full"
    activities = EmailActivities(
        settings.model_copy(update={"give_up_after_hours": 120}), database_url
    )
    delays = []
    for number, waited in [(1, timedelta(0)), (3, timedelta(seconds=5)), (40, timedelta(days=2))]:
        with pytest.raises(ApplicationError) as caught:
            await _attempt(number, waited).run(activities.send_notice, make_notice())
        assert caught.value.type == "RecipientDeferred" and not caught.value.non_retryable
        delays.append(caught.value.next_retry_delay)
    with pytest.raises(ApplicationError) as given_up:
        await _attempt(130, timedelta(days=5)).run(activities.send_notice, make_notice())

    assert delays == [timedelta(seconds=1), timedelta(seconds=16), timedelta(hours=1)]
    assert given_up.value.type == "MailGivenUp" and given_up.value.non_retryable
    assert "deferred the address of project_officer po-amina (451) for 5 days" in (
        given_up.value.message
    )
    assert not inbox.messages
    assert Outbox(database_url).state(make_notice().key) is None


async def test_an_encoded_word_in_a_name_cannot_plant_a_header(
    email_activities: EmailActivities, smtp_server: SmtpServer
) -> None:
    """`=?utf-8?q?x=0D=0ABcc:_a@b.c?=` has no raw CR/LF, but the email package would decode
    it inside the display name and write the CR/LF out: refused at input and at composing."""
    planted = "=?utf-8?q?x=0D=0ABcc:_a@b.c?="
    with pytest.raises(ValidationError, match="encoded words"):
        Contact(name=planted, email="focal@immigration.example.ke")
    sneaked = make_notice().to.model_copy(update={"name": planted})
    error = await refusal(email_activities, to=sneaked)
    assert error.type == "InvalidAddress" and error.non_retryable
    assert smtp_server.inbox.messages == []


@pytest.mark.parametrize(
    "field", ["name", "title", "subject"], ids=["request name", "fiche title", "subject"]
)
def test_header_text_built_from_input_refuses_encoded_words(field: str) -> None:
    from glossary import Request
    from glossary.action import ActionFiche
    from tests.workflows.support import sample_fiche, sample_request

    planted = "Kenya =?utf-8?b?DQpCY2M6IGFAYi5j?="
    if field == "name":
        with pytest.raises(ValidationError, match="encoded words"):
            Request.model_validate({**sample_request().model_dump(), "name": planted})
    elif field == "title":
        with pytest.raises(ValidationError, match="encoded words"):
            ActionFiche.model_validate(sample_fiche(title=planted))
    else:
        with pytest.raises(ApplicationError, match="the subject contains"):
            compose(make_notice(subject=planted), "MIEUX <m@mieux.example.org>", [])
