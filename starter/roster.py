"""`mieux roster import | search`: thin calls into activities/roster.py, which owns the
roster, in the shared database (`database.url`, a SQLite file in the state folder by default)."""

from __future__ import annotations

import asyncio
import json
from argparse import Namespace
from datetime import UTC, datetime
from pathlib import Path

from reads.errors import DONE, BadInput, CliError, Unreachable
from reads.session import Session
from starter import render

# The roster search of the CLI is about no Action in particular: no Action conflicts apply.
NO_ACTION = "0000-00"


def _unreachable(url: str, error: Exception) -> CliError:
    from sqlalchemy.engine import make_url

    shown = make_url(url).render_as_string(hide_password=True)
    return Unreachable(f"the roster database is unreachable at {shown} ({type(error).__name__})")


async def roster_import(session: Session, args: Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from activities.roster import import_roster

    path = Path(args.file)
    url = session.settings.database_url
    session.settings.state_dir.mkdir(parents=True, exist_ok=True)
    try:
        report = await asyncio.to_thread(import_roster, url, path)
    except OSError as error:
        raise BadInput(f"cannot read {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise BadInput(str(error)) from None
    except SQLAlchemyError as error:
        raise _unreachable(url, error) from None
    print(report.summary())
    if not report.ok:
        raise BadInput(f"{len(report.rejected)} rows of {path} were rejected (listed above)")
    return DONE


async def roster_search(session: Session, args: Namespace) -> int:
    from pydantic import ValidationError
    from sqlalchemy.exc import SQLAlchemyError

    from activities.roster import search
    from glossary.commands import describe_validation_error
    from glossary.roster import CandidateQuery

    start = args.start or datetime.now(UTC).date()
    try:
        query = CandidateQuery(
            reference=NO_ACTION,
            expertise=[args.theme],
            languages=[args.language] if args.language else [],
            start=start,
            end=args.end or start,
        )
    except ValidationError as error:
        raise BadInput(describe_validation_error(error)) from None
    url = session.existing_database
    try:
        candidates = await asyncio.to_thread(search, url, query)
    except SQLAlchemyError as error:
        raise _unreachable(url, error) from None
    if args.json:
        print(json.dumps([c.model_dump(mode="json") for c in candidates], indent=2))
    else:
        render.candidates(candidates)
    return DONE
