"""`mieux worker` and `mieux dev`: thin calls into worker/, which owns both."""

from __future__ import annotations

import asyncio
from argparse import Namespace

from starter.errors import DONE, BadInput
from starter.session import Session


async def worker(session: Session, args: Namespace) -> int:
    from worker.database import DatabaseUnusable, ready
    from worker.main import run_worker, stop_on_signals

    try:
        # Before connecting anything: a wrong database.url stops the worker at once.
        print(await asyncio.to_thread(ready, session.settings), flush=True)
    except DatabaseUnusable as error:
        raise BadInput(str(error)) from None
    stop = asyncio.Event()
    stop_on_signals(stop)
    client = await session.client()
    print(
        f"worker polling task queue {session.settings.task_queue!r} at {session.address};"
        " Ctrl-C stops it",
        flush=True,
    )
    await run_worker(client, session.settings, stop)
    return DONE


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

    client = await session.client()
    print(
        f"mieux web on http://{settings.web.host}:{settings.web.port} (links in notices:"
        f" {settings.web.base_url}); Ctrl-C stops it",
        flush=True,
    )
    await server(settings, client).serve()
    return DONE
