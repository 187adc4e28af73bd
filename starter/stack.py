"""`mieux worker` and `mieux dev`: thin calls into worker/, which owns both."""

from __future__ import annotations

import asyncio
import sys
from argparse import Namespace

from temporalio.client import Client

from reads.errors import DONE, BadInput, Unreachable
from reads.session import Session


async def worker(session: Session, args: Namespace) -> int:
    from worker.database import DatabaseUnusable, ready
    from worker.main import run_worker, stop_on_signals
    from worker.proof import ProviderUnreachable

    settings = session.settings
    if settings.auth.issuer and not (
        settings.web.secret and settings.web.secret.get_secret_value()
    ):
        raise BadInput(
            "auth.issuer needs web.secret (MIEUX_WEB__SECRET) on every worker: it signs the"
            " answer links and what an Action and its activities tell each other"
        )
    try:
        # Before connecting anything: a wrong database.url stops the worker at once.
        print(await asyncio.to_thread(ready, session.settings), flush=True)
    except DatabaseUnusable as error:
        raise BadInput(str(error)) from None
    session.signs_in = False  # a worker is no one: it checks the proofs others send
    stop = asyncio.Event()
    stop_on_signals(stop)
    client = await until_connected(session, args.wait_for_server)
    print(
        f"worker polling task queue {session.task_queue!r} at {session.address}; Ctrl-C stops it",
        flush=True,
    )
    try:
        await run_worker(client, session.settings, stop)
    except ProviderUnreachable as error:
        raise Unreachable(str(error)) from None
    return DONE


async def until_connected(session: Session, wait: float | None) -> Client:
    """A worker is a service: started before Temporal (a reboot, a restart of the cluster),
    it waits for it, saying so every 10 s, instead of exiting. `--wait-for-server SECONDS`
    bounds the wait for scripts."""
    loop = asyncio.get_running_loop()
    began, said, delay = loop.time(), -LOG_EVERY, 0.5
    while True:
        try:
            return await session.client(models_once_loaded=False)
        except Unreachable as error:
            now = loop.time()
            if wait is not None and now - began >= wait:
                raise
            if now - said >= LOG_EVERY:
                print(f"mieux worker: waiting for Temporal: {error.message}", file=sys.stderr)
                said = now
            # Backing off: a retried connection, not a synchronisation.
            await asyncio.sleep(delay if wait is None else min(delay, began + wait - now))
            delay = min(delay * 2, 5.0)


LOG_EVERY = 10.0


async def dev(session: Session, args: Namespace) -> int:
    from web.server import embedded
    from worker.dev import run_dev_stack

    return await run_dev_stack(session.settings, embedded)


async def web(session: Session, args: Namespace) -> int:
    settings = session.settings
    if settings.web.secret is None or not settings.web.secret.get_secret_value():
        raise BadInput(
            "web.secret (MIEUX_WEB__SECRET) is not set: it signs the answer links; give the"
            " web service and every worker the same value"
        )
    from web.server import server

    session.signs_in = False  # each request carries its own proof
    client = await session.client()
    print(
        f"mieux web on http://{settings.web.host}:{settings.web.port} (links in notices:"
        f" {settings.web.base_url}); Ctrl-C stops it",
        flush=True,
    )
    await server(settings, client).serve()
    return DONE
