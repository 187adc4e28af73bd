"""`mieux db upgrade`: bring the shared database to the latest migration (the workers and
`mieux dev` do it at start too)."""

from __future__ import annotations

import asyncio
from argparse import Namespace

from reads.errors import DONE, BadInput
from reads.session import Session


async def upgrade(session: Session, args: Namespace) -> int:
    from worker.database import DatabaseUnusable, ready

    try:
        print(await asyncio.to_thread(ready, session.settings))
    except DatabaseUnusable as error:
        raise BadInput(str(error)) from None
    return DONE
