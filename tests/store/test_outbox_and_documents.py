"""The outbox and the documents in the shared database, on SQLite and PostgreSQL: one claim
per key among racing processes, stuck notices surfaced and resent only when staff confirm,
documents read back whole from any host; and the CLI commands that show them."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from starter.cli import run_async
from store.documents import DocumentStore, OutsideStore
from store.outbox import Outbox, OutboxState
from tests.conftest import SmtpServer


def _claim(url: str, key: str) -> bool:
    return Outbox(url).claim(key, "<id@mieux-flow>", b"message")


def test_of_eight_processes_racing_for_one_notice_exactly_one_claims_it(database_url: str):
    Outbox(database_url).state("warm-up")  # the schema first, so the race is on the claim
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=8, mp_context=context) as pool:
        won = list(pool.map(_claim, [database_url] * 8, ["2026-01/fiche/due/pm.rossi"] * 8))
    assert won.count(True) == 1
    assert Outbox(database_url).state("2026-01/fiche/due/pm.rossi") == OutboxState.SENDING


def test_a_claimed_notice_never_confirmed_is_listed_as_stuck(database_url: str):
    outbox = Outbox(database_url)
    assert outbox.claim("2026-01/intake/reminder-1/po.martin", "<a@m>", b"one")
    assert outbox.claim("2026-01/intake/due/pm.rossi", "<b@m>", b"two")
    outbox.mark_sent("2026-01/intake/due/pm.rossi")
    assert [s.key for s in outbox.stuck(older_than=0)] == ["2026-01/intake/reminder-1/po.martin"]
    assert outbox.stuck(older_than=3600) == []
    outbox.release("2026-01/intake/reminder-1/po.martin")
    assert outbox.stuck(older_than=0) == []


def test_documents_are_stored_once_and_read_back_whole(database_url: str):
    store = DocumentStore(database_url)
    content = bytes(range(256)) * 1000  # binary, 256 kB
    assert store.put("2026-01/action-fiche-v1-0123.docx", content, "0123")
    assert not store.put("2026-01/action-fiche-v1-0123.docx", b"other bytes")
    assert store.read("2026-01/action-fiche-v1-0123.docx") == content
    [listed] = store.listing("2026-01")
    assert (listed.name, listed.size) == ("action-fiche-v1-0123.docx", len(content))
    assert listed.media_type.startswith("application/vnd.openxmlformats")
    assert store.listing("2026-02") == []
    for bad in ("../etc/passwd", "/abs/path.docx", "2026-01", "2026-01/../x.md"):
        with pytest.raises(OutsideStore):
            store.read(bad)
    with pytest.raises(FileNotFoundError):
        store.read("2026-01/missing.md")


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    for name in ("MIEUX_DATABASE__URL", "MIEUX_STATE_DIR", "MIEUX_SMTP__HOST", "MIEUX_SMTP__PORT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MIEUX_DATABASE__URL", database_url)
    monkeypatch.setenv("MIEUX_STATE_DIR", str(tmp_path / "state"))
    return database_url


async def test_staff_list_a_stuck_notice_and_resend_it_only_with_confirm(
    cli_database: str,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("MIEUX_SMTP__HOST", smtp_server.host)
    monkeypatch.setenv("MIEUX_SMTP__PORT", str(smtp_server.port))
    key = "2026-01/fiche/reminder-1/po.martin"
    message = (
        b"From: MIEUX <mieux@mieux.example.org>\r\nTo: Claire Martin <po.martin@mieux.example"
        b".org>\r\nSubject: MIEUX 2026-01: reminder\r\nMessage-ID: <k@mieux-flow>\r\n\r\nDue.\r\n"
    )
    Outbox(cli_database).claim(key, "<k@mieux-flow>", message)

    assert await run_async(["mail", "stuck", "--older-than", "0"]) == 0
    assert key in capsys.readouterr().out
    assert await run_async(["mail", "resend", key]) == 2
    assert "add --confirm" in capsys.readouterr().err
    assert smtp_server.inbox.messages == []

    assert await run_async(["mail", "resend", key, "--confirm"]) == 0
    [sent] = smtp_server.inbox.messages
    assert sent["Subject"] == "MIEUX 2026-01: reminder"
    assert Outbox(cli_database).state(key) == OutboxState.SENT
    assert await run_async(["mail", "resend", key, "--confirm"]) == 1
    assert "sent and confirmed" in capsys.readouterr().err
    assert await run_async(["mail", "resend", "2026-01/no/such/key", "--confirm"]) == 2


async def test_doc_list_and_get_read_documents_from_the_database(
    cli_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    DocumentStore(cli_database).put("2026-01/final-report-abc.md", b"# Final report\n")
    assert await run_async(["doc", "list", "2026-01"]) == 0
    assert "final-report-abc.md" in capsys.readouterr().out
    out = tmp_path / "report.md"
    assert await run_async(["doc", "get", "2026-01", "final-report-abc.md", "--out", str(out)]) == 0
    assert out.read_bytes() == b"# Final report\n"
    assert await run_async(["doc", "get", "2026-01", "missing.md"]) == 2
    assert "has no document 'missing.md'" in capsys.readouterr().err
    assert await run_async(["doc", "get", "2026-01", "../../etc/passwd"]) == 2
