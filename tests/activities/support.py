"""Builders and waiting helpers shared by the activity tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any

from glossary.notices import Notice, NoticeKind
from glossary.people import Recipient

OFFICER = Recipient(
    role="project_officer",
    id="po-amina",
    name="Amina Officer",
    email="amina.officer@mieux.example.org",
    timezone="Africa/Nairobi",
)
MANAGER = Recipient(
    role="programme_manager",
    id="pm-jonas",
    name="Jonas Manager",
    email="jonas.manager@mieux.example.org",
    timezone="Europe/Vienna",
)


def make_notice(**changes: Any) -> Notice:
    data: dict[str, Any] = {
        "key": "2026-07/fiche/reminder-7d/po-amina",
        "kind": NoticeKind.REMINDER,
        "reference": "2026-07",
        "action_title": "Kenya: migration data management",
        "to": OFFICER,
        "cc": [MANAGER],
        "subject": "MIEUX 2026-07: the Action Fiche is due",
        "awaited": "the Action Fiche, from the project officer",
        "due_at": datetime(2026, 3, 23, 15, 0, tzinfo=UTC),
        "command": "mieux submit-fiche 2026-07 --file fiche.json",
        "details": ["Drafted jointly with the requester", "Consultation follows"],
        "planned_at": datetime(2026, 3, 9, 9, 0, tzinfo=UTC),
    }
    data.update(changes)
    return Notice.model_validate(data)


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and HTML alternatives of a received message."""
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return str(text.get_content()), str(html.get_content())


async def eventually(
    condition: Callable[[], Awaitable[bool]], within: float = 10.0, every: float = 0.05
) -> None:
    """Poll a condition until it holds; TimeoutError after `within` seconds."""
    async with asyncio.timeout(within):
        # Polls a server's state (no event to wait on); the interval only paces the polling.
        while True:
            if await condition():
                return
            await asyncio.sleep(every)
