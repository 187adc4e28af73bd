"""`mieux roster import | search`: thin calls into activities/roster.py, which owns the
roster database."""

from __future__ import annotations

from argparse import Namespace

from starter.errors import BadInput
from starter.session import Session


def _missing() -> BadInput:
    return BadInput("the roster is not available in this build (activities/roster.py is missing)")


async def roster_import(session: Session, args: Namespace) -> int:
    raise _missing()


async def roster_search(session: Session, args: Namespace) -> int:
    raise _missing()
