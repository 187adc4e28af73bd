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
from sqlalchemy import Engine, inspect

MIGRATIONS = Path(__file__).parent / "migrations"
FIRST = "0001"  # the roster tables of release 0.1


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
    """(revision before, revision after); the same twice when nothing was to do."""
    before = current(engine)
    if before == head():
        return before, before
    cfg = config(engine)
    if before is None and "experts" in inspect(engine).get_table_names():
        command.stamp(cfg, FIRST)  # made by release 0.1, before migrations
        before = FIRST
    command.upgrade(cfg, "head")
    return before, head()
