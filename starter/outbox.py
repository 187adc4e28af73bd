"""`mieux mail stuck` and `mieux mail resend KEY --confirm`: notices whose delivery outcome is
unknown (a worker died while the SMTP server was taking the message). The workers never
re-send those by themselves, to avoid a duplicate; staff look, then decide."""

from __future__ import annotations

import asyncio
import email
import email.policy
from argparse import Namespace
from datetime import UTC, datetime
from email.message import EmailMessage

from reads.errors import DONE, BadInput, Refused
from reads.session import Session


async def stuck(session: Session, args: Namespace) -> int:
    from store.outbox import Outbox

    rows = await asyncio.to_thread(Outbox(session.existing_database).stuck, args.older_than)
    if args.json:
        import json

        print(json.dumps([row.__dict__ for row in rows], indent=2))
        return DONE
    if not rows:
        print("No notice is stuck: every claimed notice was confirmed sent.")
        return DONE
    print(f"{len(rows)} notice(s) claimed but never confirmed sent (outcome unknown):")
    for row in rows:
        when = datetime.fromtimestamp(row.claimed_at, UTC)
        print(f"  {row.key}  claimed {when:%Y-%m-%d %H:%M} UTC on {row.host or '?'}")
    print("Check with the recipient, then: mieux mail resend KEY --confirm")
    return DONE


async def resend(session: Session, args: Namespace) -> int:
    from store.outbox import Outbox, OutboxState

    outbox = Outbox(session.settings.database_url)
    state = await asyncio.to_thread(outbox.state, args.key)
    if state is None:
        raise BadInput(f"no notice {args.key!r} in the outbox")
    if state == OutboxState.SENT:
        raise Refused(f"notice {args.key} was sent and confirmed; nothing to resend")
    stored = await asyncio.to_thread(outbox.message, args.key)
    if not stored:
        raise Refused(f"notice {args.key} has no stored message (claimed by release 0.1)")
    if not args.confirm:
        raise BadInput(
            f"notice {args.key} may have reached its recipient already; add --confirm to send"
            " it again"
        )
    message = email.message_from_bytes(stored, policy=email.policy.SMTP)
    assert isinstance(message, EmailMessage)
    await _send(session, message)
    await asyncio.to_thread(outbox.mark_sent, args.key)
    print(f"{args.key}: sent again to {message['To']}")
    return DONE


async def _send(session: Session, message: EmailMessage) -> None:
    import aiosmtplib

    from config.settings import SmtpSecurity

    smtp = session.settings.smtp
    try:
        await aiosmtplib.send(
            message,
            hostname=smtp.host,
            port=smtp.port,
            username=smtp.username,
            password=smtp.password.get_secret_value() if smtp.password else None,
            use_tls=smtp.security == SmtpSecurity.TLS,
            start_tls=smtp.security == SmtpSecurity.STARTTLS,
            timeout=smtp.timeout_seconds,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        raise Refused(f"the SMTP server {smtp.host}:{smtp.port} did not take it: {error}") from None
