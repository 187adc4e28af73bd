"""`mieux publish --out DIR`: writes the programme's public pages (reads/public_site.py)
into a folder the website can host as it is."""

from __future__ import annotations

import asyncio
from argparse import Namespace
from pathlib import Path

from reads.errors import DONE, BadInput
from reads.public_site import public_actions, write_site
from reads.session import Session
from starter.outputs import target_folder


async def publish(session: Session, args: Namespace) -> int:
    folder = target_folder(Path(args.out))
    actions = await public_actions(session)
    try:
        count = await asyncio.to_thread(write_site, actions, folder)
    except OSError as error:
        raise BadInput(f"cannot write {folder}: {error.strerror or error}") from None
    print(f"{count} Action pages and the index written to {folder}")
    return DONE
