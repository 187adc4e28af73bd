"""The `send_notice` activity: one notice, one email, at most once (DOMAIN.md §4).

How "at most once" holds across retries, replays and crashes:

1. The notice's key (Action, clock, step, recipient) decides everything: the Message-ID is
   derived from it, and the outbox (a table of the shared database, `database.url`) has one
   row per key, whichever worker host sends it.
2. A key already in the outbox is never sent again: the activity returns `sent=False`.
3. The row is written as `sending` only after the server has accepted the sender and the
   recipients, right before the message data goes out, and becomes `sent` when the server
   has accepted the data.
4. Failures before the data goes out (server down, connection refused, a temporary refusal)
   remove the row and raise a retryable error: the retry policy's backoff brings the notice
   out once the server is back. A temporary refusal of this recipient or this message (a
   4xx to RCPT or DATA: a full mailbox, greylisting) is retried on its own slower schedule,
   up to hourly, and given up after `smtp.give_up_after_hours` (MailGivenUp); each notice is
   its own activity, so one recipient's trouble never holds another's mail. A copy (Cc)
   the server refuses, for now or for good, is left out and named in the receipt.
5. A crash or lost connection while the data is in flight, or between the server's acceptance
   and the `sent` record, leaves the row at `sending`: the outcome is unknown, and we resolve
   it in favour of **no duplicate**. The retry finds the row, sends nothing, logs a warning
   with the key and returns `sent=False, unconfirmed=True`: the Action shows it among its
   mail problems. The row keeps the message: `mieux mail stuck` lists such rows and
   `mieux mail resend KEY --confirm` sends one again when staff so decide.
6. The database down: every outbox call raises a retryable error, and Temporal's backoff
   brings the notice out once when it is back.

Logs and error messages name notices by key, kind and recipient id, never by name or address.
"""

from __future__ import annotations

import asyncio
import ssl
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import aiosmtplib
from sqlalchemy.exc import SQLAlchemyError
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.answer_links import AnswerLinks
from activities.compose import Attachment, compose, message_id, sender_address
from activities.errors import refused, unavailable
from activities.heartbeat import heartbeating
from activities.options import (
    DATABASE_UNAVAILABLE,
    INVALID_ADDRESS,
    INVALID_NOTICE,
    MAIL_GIVEN_UP,
    RECIPIENT_DEFERRED,
    SMTP_UNAVAILABLE,
)
from config.settings import SmtpSecurity, SmtpSettings
from glossary.notices import Notice, NoticeReceipt, UnconfirmedNotice
from store.documents import DocumentStore, OutsideStore
from store.outbox import Outbox, OutboxState

__all__ = ["EmailActivities", "message_id"]

# A delivery takes seconds; a claim older than this was cut off.
UNCONFIRMED_AFTER = 300.0

# The wait before the next try of a deferred notice: 1 s, 4 s, 16 s, ... then hourly.
DEFERRAL_FIRST = timedelta(seconds=1)
DEFERRAL_LONGEST = timedelta(hours=1)


def deferral_delay(attempt: int) -> timedelta:
    return min(DEFERRAL_FIRST * 4 ** min(attempt - 1, 12), DEFERRAL_LONGEST)


class EmailActivities:
    def __init__(
        self,
        smtp: SmtpSettings,
        database_url: str,
        tls_context: ssl.SSLContext | None = None,
        links: AnswerLinks | None = None,
    ) -> None:
        self._smtp = smtp
        # Without a web secret, notices carry no links and say whom to reply to.
        self._links = links
        self._outbox = Outbox(database_url)
        self._store = DocumentStore(database_url)
        # A private CA for the mail relay, if it has one; the system's trust store otherwise.
        self._tls_context = tls_context

    @activity.defn(name="send_notice")
    async def send_notice(self, notice: Notice) -> NoticeReceipt:
        try:
            async with heartbeating():
                return await self._send(notice)
        except SQLAlchemyError as error:
            raise unavailable(
                DATABASE_UNAVAILABLE,
                f"notice {notice.key}: the database is unreachable ({type(error).__name__})",
            ) from None

    async def _send(self, notice: Notice) -> NoticeReceipt:
        attachments = await asyncio.to_thread(self._attachments, notice)
        links = self._links.for_notice(notice) if self._links else []
        message = compose(notice, self._smtp.sender, attachments, links)
        receipt = NoticeReceipt(key=notice.key, message_id=message_id(notice.key), sent=False)

        state = await asyncio.to_thread(self._outbox.state, notice.key)
        if state is not None:
            return self._not_resent(notice, state, receipt)

        smtp = self._client()
        try:
            await smtp.connect()
        except (aiosmtplib.SMTPException, OSError) as error:
            raise self._unreachable(notice, error) from None
        copies_refused: list[str] = []
        try:
            sent = await self._deliver(smtp, notice, message.as_bytes(), copies_refused)
        finally:
            await _close(smtp)
        if not sent:
            state = await asyncio.to_thread(self._outbox.state, notice.key)
            return self._not_resent(notice, state or OutboxState.SENDING, receipt)
        activity.logger.info("notice %s (%s to %s) sent", notice.key, notice.kind, notice.to.id)
        return receipt.model_copy(update={"sent": True, "copies_refused": copies_refused})

    async def _deliver(
        self, smtp: aiosmtplib.SMTP, notice: Notice, payload: bytes, copies_refused: list[str]
    ) -> bool:
        """Send the envelope, claim the key, send the data; False when someone else has it."""
        try:
            await smtp.mail(sender_address(self._smtp.sender).addr_spec)
            await self._recipients(smtp, notice, copies_refused)
        except aiosmtplib.SMTPRecipientRefused as error:
            raise self._deferred(
                notice, f"the address of {notice.to.role} {notice.to.id}", error.code
            ) from None
        except aiosmtplib.SMTPResponseException as error:
            raise unavailable(
                SMTP_UNAVAILABLE, f"notice {notice.key}: the server refused it ({error.code})"
            ) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            raise self._unreachable(notice, error) from None

        claimed = await asyncio.to_thread(
            self._outbox.claim, notice.key, message_id(notice.key), payload
        )
        if not claimed:
            return False
        try:
            await smtp.data(payload)
        except aiosmtplib.SMTPResponseException as error:
            # The server answered the data with a refusal: nothing was delivered.
            await asyncio.to_thread(self._outbox.release, notice.key)
            if error.code >= 500:
                raise refused(
                    INVALID_NOTICE,
                    f"notice {notice.key}: the server permanently refused the message "
                    f"({error.code})",
                ) from None
            raise self._deferred(notice, "the message", error.code) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            activity.logger.warning(
                "notice %s: connection lost while delivering (%s); not re-sent",
                notice.key,
                type(error).__name__,
            )
            raise self._unreachable(notice, error) from None
        await asyncio.to_thread(self._record_sent, notice.key)
        return True

    async def _recipients(
        self, smtp: aiosmtplib.SMTP, notice: Notice, copies_refused: list[str]
    ) -> None:
        await _rcpt(smtp, notice, notice.to.email, f"{notice.to.role} {notice.to.id}")
        for copy in notice.cc:
            try:
                await _rcpt(smtp, notice, copy.email, f"{copy.role} {copy.id}")
            except (ApplicationError, aiosmtplib.SMTPRecipientRefused) as error:
                if isinstance(error, ApplicationError) and error.type != INVALID_ADDRESS:
                    raise
                # A copy refused, for good or for now, must not keep the notice from its
                # addressee: it goes without, and the receipt names the copy.
                copies_refused.append(copy.id)
                activity.logger.warning(
                    "notice %s: copy to %s %s refused by the server", notice.key, copy.role, copy.id
                )

    def _deferred(self, notice: Notice, what: str, code: int) -> ApplicationError:
        """A temporary refusal of this recipient or message: try later, or give up."""
        info = activity.info()
        waited = info.current_attempt_scheduled_time - info.scheduled_time
        give_up = timedelta(hours=self._smtp.give_up_after_hours)
        if waited >= give_up:
            return refused(
                MAIL_GIVEN_UP,
                f"notice {notice.key}: the server deferred {what} ({code}) for "
                f"{_hours(waited)}; given up",
            )
        delay = deferral_delay(info.attempt)
        activity.logger.warning(
            "notice %s: the server deferred %s (%s); next try in %s", notice.key, what, code, delay
        )
        return ApplicationError(
            f"notice {notice.key}: the server deferred {what} ({code})",
            type=RECIPIENT_DEFERRED,
            next_retry_delay=delay,
        )

    @activity.defn(name="unconfirmed_notices")
    async def unconfirmed_notices(self) -> list[UnconfirmedNotice]:
        """Claimed for delivery over `UNCONFIRMED_AFTER` ago and never confirmed."""
        try:
            stuck = await asyncio.to_thread(self._outbox.stuck, UNCONFIRMED_AFTER)
        except SQLAlchemyError as error:
            raise unavailable(
                DATABASE_UNAVAILABLE, f"the outbox is unreachable ({type(error).__name__})"
            ) from None
        return [
            UnconfirmedNotice(
                key=row.key, claimed_at=datetime.fromtimestamp(row.claimed_at, UTC), host=row.host
            )
            for row in stuck
        ]

    def _record_sent(self, key: str) -> None:
        self._outbox.mark_sent(key)

    def _attachments(self, notice: Notice) -> list[Attachment]:
        if not notice.documents:
            return []
        found = []
        for reference in notice.documents:
            try:
                content = self._store.read(reference)
            except OutsideStore:
                raise refused(
                    INVALID_NOTICE, f"notice {notice.key}: {reference!r} is not a stored document"
                ) from None
            except FileNotFoundError:
                activity.logger.warning(
                    "notice %s: document %s not found, sent without", notice.key, reference
                )
                continue
            found.append(Attachment(reference, content))
        return found

    def _client(self) -> aiosmtplib.SMTP:
        settings = self._smtp
        return aiosmtplib.SMTP(
            hostname=settings.host,
            port=settings.port,
            username=settings.username,
            password=settings.password.get_secret_value() if settings.password else None,
            use_tls=settings.security == SmtpSecurity.TLS,
            start_tls=settings.security == SmtpSecurity.STARTTLS,
            tls_context=self._tls_context,
            timeout=settings.timeout_seconds,
        )

    def _not_resent(
        self, notice: Notice, state: OutboxState, receipt: NoticeReceipt
    ) -> NoticeReceipt:
        if state == OutboxState.SENDING:
            activity.logger.warning(
                "notice %s: an earlier attempt was interrupted while delivering; "
                "not re-sent, to avoid a duplicate",
                notice.key,
            )
            return receipt.model_copy(update={"unconfirmed": True})
        else:
            activity.logger.info("notice %s: already sent, not re-sent", notice.key)
        return receipt

    def _unreachable(self, notice: Notice, error: BaseException) -> Exception:
        activity.logger.warning(
            "notice %s: SMTP server unavailable (%s); will retry", notice.key, type(error).__name__
        )
        return unavailable(
            SMTP_UNAVAILABLE,
            f"notice {notice.key}: SMTP server {self._smtp.host}:{self._smtp.port} unavailable "
            f"({type(error).__name__})",
        )


async def _rcpt(smtp: aiosmtplib.SMTP, notice: Notice, address: str, who: str) -> None:
    try:
        await smtp.rcpt(address)
    except aiosmtplib.SMTPRecipientRefused as error:
        if error.code >= 500:
            raise refused(
                INVALID_ADDRESS,
                f"notice {notice.key}: the server refused the address of {who} ({error.code})",
            ) from None
        raise


def _hours(delta: timedelta) -> str:
    hours = delta / timedelta(hours=1)
    return f"{round(hours / 24, 1):g} days" if hours >= 48 else f"{hours:.0f} h"


async def _close(smtp: aiosmtplib.SMTP) -> None:
    if smtp.is_connected:
        with suppress(aiosmtplib.SMTPException, OSError):
            await smtp.quit()
    smtp.close()
