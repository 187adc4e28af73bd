"""`mieux worker` and `mieux dev`: thin calls into worker/, which owns both."""

from __future__ import annotations

import asyncio
from argparse import Namespace

from starter.errors import DONE
from starter.session import Session


async def worker(session: Session, args: Namespace) -> int:
    from worker.main import run_worker, stop_on_signals

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
    from worker.dev import run_dev_stack

    return await run_dev_stack(session.settings)
