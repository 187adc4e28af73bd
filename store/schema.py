"""The database schema's version, kept by Alembic (`store/migrations`): `mieux db upgrade`,
and every worker and CLI on first use, bring a database to the latest migration.

A database made by release 0.1 (roster tables created directly, no version table) is
recognised and stamped as migration 0001 first. Several processes may start at once: the
upgrade runs in one transaction that holds the write lock (SQLite) or an advisory lock
(PostgreSQL), so one of them migrates and the others find it done.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """(revision before, revision after); the same twice when nothing was to do. A database
    of release 0.1 reads as before = "0001" (env.py stamps it, under the lock)."""
    before = current(engine)
    if before == head():
        return before, before
    if before is None and _made_by_0_1(engine):
        before = "0001"
    command.upgrade(config(engine), "head")
    return before, head()


def _made_by_0_1(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return inspect(engine).has_table("experts")
