"""`mieux mail list | show`: the local inbox that `mieux dev` keeps in STATE/maildir.

Read-only, with the stdlib: nothing here moves, marks or deletes a message.
"""

from __future__ import annotations

import email
import email.policy
import json
import mailbox
from argparse import Namespace
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

from reads.errors import DONE, BadInput
from reads.session import Session
from starter import render


@dataclass(frozen=True)
class Mail:
    number: int
    key: str
    received: datetime
    message: EmailMessage

    def header(self, name: str) -> str:
        return str(self.message.get(name, ""))


def inbox(maildir: Path) -> list[Mail]:
    """Every message, oldest first, numbered from 1."""
    if not (maildir / "cur").is_dir() and not (maildir / "new").is_dir():
        raise BadInput(f"no inbox at {maildir}: `mieux dev` creates it when it starts")
    box = mailbox.Maildir(str(maildir), factory=None, create=False)
    found: list[tuple[datetime, str, EmailMessage]] = []
    for key in box.iterkeys():
        raw = box.get_bytes(key)
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found.append((_received(box, key, message), key, message))
    found.sort(key=lambda item: (item[0], item[1]))
    return [Mail(n, key, at, msg) for n, (at, key, msg) in enumerate(found, start=1)]


def _received(box: mailbox.Maildir, key: str, message: EmailMessage) -> datetime:
    date = message.get("Date")
    parsed = getattr(date, "datetime", None)
    if isinstance(parsed, datetime):
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.fromtimestamp(box.get_message(key).get_date(), UTC)


def find(mails: list[Mail], wanted: str) -> Mail:
    if wanted.isdigit() and 1 <= int(wanted) <= len(mails):
        return mails[int(wanted) - 1]
    matches = [m for m in mails if m.key.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    more = "several messages match" if matches else "no message has that number or key"
    raise BadInput(f"mail {wanted!r}: {more} (see `mieux mail list`)")


def body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    return str(part.get_content()) if isinstance(part, EmailMessage) else ""


async def mail_list(session: Session, args: Namespace) -> int:
    mails = inbox(session.settings.maildir)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "number": m.number,
                        "key": m.key,
                        "date": m.received.isoformat(),
                        "from": m.header("From"),
                        "to": m.header("To"),
                        "subject": m.header("Subject"),
                    }
                    for m in mails
                ],
                indent=2,
            )
        )
    else:
        render.mail_list(
            [(m.number, m.received, m.header("To"), m.header("Subject")) for m in mails]
        )
    return DONE


async def mail_show(session: Session, args: Namespace) -> int:
    mail = find(inbox(session.settings.maildir), args.id)
    for name in ("Date", "From", "To", "Cc", "Subject"):
        if mail.header(name):
            print(f"{name}: {mail.header(name)}")
    print(f"Key: {mail.key}\n")
    print(body(mail.message).rstrip())
    return DONE
