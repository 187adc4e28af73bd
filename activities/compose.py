"""A notice as an email: checked headers, a plain-text and an HTML body from the notice kind's
templates, the deadline in the recipient's time zone, a Message-ID derived from the key.

Header injection is made impossible here rather than hoped away: names and subjects with line
breaks or control characters are refused, addresses are validated, and every header is set
through `email.headerregistry`, which encodes non-ASCII text (RFC 2047) instead of passing it.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from functools import cache
from pathlib import PurePosixPath

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from activities.answer_links import Link
from activities.errors import refused
from activities.options import INVALID_ADDRESS, INVALID_NOTICE
from glossary.catalogs import gettext_for, is_rtl, local_moment, translations, write_date
from glossary.languages import Language
from glossary.notices import Notice, NoticeText, reader_language
from glossary.people import STAFF_ROLES, Recipient, check_display_name, check_email
from glossary.phrases import render


@cache
def _templates(language: Language) -> Environment:
    """The templates with the language's catalog: `{% trans %}` and `_()` translate."""
    environment = Environment(
        loader=PackageLoader("activities", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return environment


def subject_of(notice: Notice) -> str:
    if notice.text is None or notice.text.subject is None:
        return notice.subject
    language = reader_language(notice)
    phrase = render(notice.text.subject, gettext_for(language), write_date(language))
    return f"MIEUX {notice.reference}: {phrase}"


# RFC 5322 allows header lines up to 998 characters. At the default 78, Python's folder
# breaks a long subject right after "Subject:", and clients then show it with a leading
# space; bodies are quoted-printable and attachments base64, wrapped at 76 either way.
_POLICY = SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Attachment:
    path: str
    content: bytes


def message_id(key: str) -> str:
    """The same notice always has the same Message-ID, so even a duplicate would be
    recognisable by mail clients; the key itself (ids only) stays out of the header."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@mieux-flow>"


def local_time(moment: datetime, timezone: str) -> str:
    """`Monday 9 March 2026, 17:00 (Africa/Nairobi, UTC+03:00)`: deadlines are exact, but
    people read them in their own zone (DOMAIN.md §4); in their language too (compose)."""
    return local_moment(moment, timezone, Language.EN)


def sender_address(sender: str) -> Address:
    name, address = parseaddr(sender)
    return _address(name, address, what="the configured sender")


def compose(
    notice: Notice,
    sender: str,
    attachments: list[Attachment],
    links: Sequence[Link] = (),
) -> EmailMessage:
    """The message for a notice, or a non-retryable ApplicationError naming what is wrong."""
    _check_header_text(notice.key, "the notice key")
    subject = subject_of(notice)
    _check_header_text(subject, "the subject")
    if not subject.strip():
        raise refused(INVALID_NOTICE, f"notice {notice.key}: the subject is empty")
    to = _recipient_address(notice, notice.to)
    cc = [_recipient_address(notice, r) for r in notice.cc]

    message = EmailMessage(policy=_POLICY)
    message["From"] = sender_address(sender)
    message["To"] = to
    if cc:
        message["Cc"] = cc
    if notice.reply_to is not None:
        # "Reply to the officer named": an answer by email reaches a person, not the robot.
        message["Reply-To"] = _recipient_address(notice, notice.reply_to)
    message["Subject"] = subject
    message["Message-ID"] = message_id(notice.key)
    message["Date"] = formatdate(usegmt=True)
    # RFC 3834: an automatic notice, so auto-responders do not answer it.
    message["Auto-Submitted"] = "auto-generated"
    message["X-Mieux-Reference"] = notice.reference
    message["X-Mieux-Notice"] = notice.kind.value

    context = _context(notice, attachments, links)
    # Quoted-printable keeps the body 7-bit, so no server extension (8BITMIME, SMTPUTF8) is
    # needed and long lines survive relays.
    text, html = _render(notice, "txt", context), _render(notice, "html", context)
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for attachment in attachments:
        maintype, subtype = _mime_type(attachment.path)
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype,
            filename=PurePosixPath(attachment.path).name,
        )
    # Last: set_content and add_alternative move or drop the Content-* headers before them.
    message["Content-Language"] = reader_language(notice).value
    return message


def render_bodies(notice: Notice, links: Sequence[Link] = ()) -> tuple[str, str]:
    """The plain-text and HTML bodies of a notice, for previews and tests."""
    context = _context(notice, [], links)
    return _render(notice, "txt", context), _render(notice, "html", context)


def _render(notice: Notice, flavour: str, context: dict[str, object]) -> str:
    environment = _templates(reader_language(notice))
    return environment.get_template(f"{notice.kind.value}.{flavour}.j2").render(context)


def _context(
    notice: Notice, attachments: list[Attachment], links: Sequence[Link] = ()
) -> dict[str, object]:
    language = reader_language(notice)
    gettext, dates = gettext_for(language), write_date(language)
    text = notice.text or NoticeText()
    awaited = render(text.awaited, gettext, dates) if text.awaited else notice.awaited
    details = [render(p, gettext, dates) for p in text.details] if text.details else notice.details
    return {
        "subject": subject_of(notice),
        "lang": language.value,
        "rtl": is_rtl(language),
        "links": list(links),
        "notice": notice,
        "role": notice.to.role,
        # Only the MIEUX team is told to run a `mieux` command; others reply to the officer.
        "staff": notice.to.role in STAFF_ROLES,
        # "nothing: ..." notices inform; they carry no Awaited / By form.
        "informational": notice.awaited.startswith("nothing"),
        "reply_to": notice.reply_to,
        "name": notice.to.name,
        # Isolated in right-to-left text, or "2026-07" reads "07-2026" (Unicode bidi).
        "reference": f"\u2066{notice.reference}\u2069" if is_rtl(language) else notice.reference,
        "title": notice.action_title,
        "awaited": awaited,
        "due": local_moment(notice.due_at, notice.to.timezone, language) if notice.due_at else "",
        "command": notice.command,
        "details": details,
        "attachments": [PurePosixPath(a.path).name for a in attachments],
    }


def _recipient_address(notice: Notice, recipient: Recipient) -> Address:
    return _address(
        recipient.name,
        recipient.email,
        what=f"notice {notice.key}: recipient {recipient.role} {recipient.id}",
    )


def _address(name: str, address: str, *, what: str) -> Address:
    # Messages name the recipient by role and id, never by address (DOMAIN.md §5).
    try:
        check_email(address)
    except ValueError:
        raise refused(INVALID_ADDRESS, f"{what} has an invalid email address") from None
    try:
        check_display_name(name)
    except ValueError:
        raise refused(
            INVALID_ADDRESS, f"{what} has a name with line breaks or control characters"
        ) from None
    username, _, domain = address.partition("@")
    return Address(display_name=name, username=username, domain=domain)


def _check_header_text(value: str, what: str) -> None:
    try:
        check_display_name(value)
    except ValueError as error:
        # "names must not contain ..." -> "the subject contains ... it must not"
        reason = str(error).removeprefix("names must not contain ")
        raise refused(INVALID_NOTICE, f"{what} contains {reason}: refused") from None


_KNOWN_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".md": "text/markdown",
}


def _mime_type(path: str) -> tuple[str, str]:
    # Not every host's mime.types knows .docx; the documents we attach are ours to name.
    guessed = _KNOWN_TYPES.get(PurePosixPath(path).suffix) or mimetypes.guess_type(path)[0]
    maintype, _, subtype = (guessed or "application/octet-stream").partition("/")
    return maintype, subtype
