"""The shared database at start: reachable, and at the latest migration. One line either
way; a wrong or unreachable `database.url` stops the start before anything runs."""

from __future__ import annotations

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
    try:
        before, after = schema_change(url)
    except (SQLAlchemyError, OSError, ImportError) as error:
        reason = str(error).splitlines()[0][:200]
        raise DatabaseUnusable(
            f"database.url (MIEUX_DATABASE__URL) {where(url)} is not usable: {reason}"
        ) from None
    if before == after:
        return f"database {where(url)}: schema at migration {after}, up to date"
    return f"database {where(url)}: schema upgraded from {before or 'empty'} to {after}"
