"""The shared database at start: reachable, and at the latest migration. One line either
way; a wrong or unreachable `database.url` stops the start before anything runs."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from config import MieuxSettings


class DatabaseUnusable(Exception):
    """The one-line reason, naming the setting."""


def where(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def ready(settings: MieuxSettings) -> str:
    from store.db import schema_change

    url = settings.database_url
    _sqlite_file_is_the_one(url, settings.state_dir)
    try:
        before, after = schema_change(url)
    except (SQLAlchemyError, OSError, ImportError) as error:
        reason = str(error).splitlines()[0][:200]
        raise DatabaseUnusable(
            f"database.url (MIEUX_DATABASE__URL) {where(url)} is not usable: {reason}"
        ) from None
    _mark(url, settings.state_dir)
    if before == after:
        return f"database {where(url)}: schema at migration {after}, up to date"
    return f"database {where(url)}: schema upgraded from {before or 'empty'} to {after}"


MARKER = "database-created"


def _sqlite_file_is_the_one(url: str, state_dir: Path) -> None:
    """A SQLite file that was there and is gone is not silently replaced by an empty one
    (documents and roster lost), and one that cannot be written stops the start with one
    line instead of a SIGBUS later (issue 22.10). The state folder keeps a marker once the
    file exists."""
    parsed = make_url(url)
    file = parsed.database if parsed.drivername.startswith("sqlite") else None
    if not file or file == ":memory:":
        return
    path = Path(file)
    marker = state_dir / MARKER
    if not path.exists():
        if marker.exists() and marker.read_text().strip() == str(path.resolve()):
            raise DatabaseUnusable(
                f"database.url (MIEUX_DATABASE__URL) {path} was created here before and is"
                f" gone: restore it, or remove {marker} to start with an empty database"
            )
        return
    for checked in (path, path.parent):
        if not os.access(checked, os.R_OK | os.W_OK):
            raise DatabaseUnusable(
                f"database.url (MIEUX_DATABASE__URL) {checked} cannot be written by this"
                " process: fix its permissions"
            )


def _mark(url: str, state_dir: Path) -> None:
    """Once the file exists: remember it, so its loss is noticed at the next start."""
    parsed = make_url(url)
    file = parsed.database if parsed.drivername.startswith("sqlite") else None
    if not file or file == ":memory:" or not Path(file).exists():
        return
    marker = state_dir / MARKER
    if not marker.exists():
        state_dir.mkdir(parents=True, exist_ok=True)
        marker.write_text(f"{Path(file).resolve()}\n")
