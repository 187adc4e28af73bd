"""`mieux mail list | show` read the local inbox of `mieux dev`, and only read it."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.starter.conftest import Cli


def _message(subject: str, date: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "MIEUX <mieux@mieux.example.org>"
    message["To"] = "Claire Martin <po.martin@mieux.example.org>"
    message["Subject"] = subject
    message["Date"] = date
    message.set_content(body)
    return message


@pytest.fixture
def inbox(cli_env: dict[str, str]) -> Path:
    path = Path(cli_env["MIEUX_STATE_DIR"]) / "maildir"
    path.parent.mkdir(parents=True)
    box = mailbox.Maildir(str(path), create=True)
    # Added newest first: the listing orders by date, not by arrival in the folder.
    box.add(
        _message(
            "MIEUX 2026-03: overdue: Action Fiche",
            "Tue, 24 Mar 2026 09:00:00 +0100",
            "Waiting for the Action Fiche.\nmieux fiche submit 2026-03 FICHE.json\n",
        )
    )
    box.add(
        _message(
            "MIEUX 2026-03: reminder: Intake decision",
            "Fri, 6 Mar 2026 09:00:00 +0100",
            "The intake decision is due.\n",
        )
    )
    return path


async def test_mail_list_shows_the_messages_oldest_first(cli: Cli, inbox: Path):
    rows = json.loads(await cli.ok("mail", "list", "--json"))

    assert [(r["number"], r["subject"]) for r in rows] == [
        (1, "MIEUX 2026-03: reminder: Intake decision"),
        (2, "MIEUX 2026-03: overdue: Action Fiche"),
    ]
    text = await cli.ok("mail", "list")
    assert "2026-03-24 08:00" in text and "overdue: Action Fiche" in text


async def test_mail_show_prints_headers_and_body_by_number_or_key(cli: Cli, inbox: Path):
    by_number = await cli.ok("mail", "show", "2")
    key = json.loads(await cli.ok("mail", "list", "--json"))[1]["key"]
    by_key = await cli.ok("mail", "show", key)

    assert by_number == by_key
    assert "Subject: MIEUX 2026-03: overdue: Action Fiche\n" in by_number
    assert by_number.rstrip().endswith("mieux fiche submit 2026-03 FICHE.json")


async def test_reading_the_inbox_moves_nothing(cli: Cli, inbox: Path):
    before = _files(inbox)

    await cli.ok("mail", "list")
    await cli.ok("mail", "show", "1")

    assert _files(inbox) == before


def _files(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*"))


async def test_mail_show_of_an_unknown_message_exits_2(cli: Cli, inbox: Path):
    outcome = await cli("mail", "show", "9")
    assert outcome.code == 2
    assert (
        outcome.err
        == "mieux: mail '9': no message has that number or key (see `mieux mail list`)\n"
    )


async def test_mail_without_an_inbox_says_who_creates_it(cli: Cli):
    outcome = await cli("mail", "list")
    assert outcome.code == 2
    assert "`mieux dev` creates it when it starts" in outcome.err
