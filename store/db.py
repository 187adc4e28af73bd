"""Connections to the shared database: SQLite by default, PostgreSQL by URL; its schema is
brought up to date by the Alembic migrations on first use (`store.schema`).

Writes that must be atomic across worker processes (a reservation) run in a *write
transaction*: `BEGIN IMMEDIATE` on SQLite, which takes the database's write lock before the
first read, so two reservations are checked and recorded one after the other; on PostgreSQL
the reservation additionally locks the expert's row (`SELECT ... FOR UPDATE`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

_WRITE = "mieux_write_transaction"
_ENGINES: dict[str, Engine] = {}
_UPGRADED: dict[str, tuple[str | None, str]] = {}
_LOCK = threading.Lock()  # guards the cache of engines only, never a reservation


def engine_for(url: str) -> Engine:
    """One engine per URL and process, its schema at the latest migration."""
    from store.schema import upgrade

    with _LOCK:
        engine = _ENGINES.get(url)
        if engine is None:
            engine = new_engine(url)
            _UPGRADED[url] = upgrade(engine)
            _ENGINES[url] = engine
        return engine


def schema_change(url: str) -> tuple[str | None, str]:
    """(migration before, after) of this process's first use of the database."""
    engine_for(url)
    return _UPGRADED[url]


def dispose_engine(url: str) -> None:
    """Close this process's connections to a database (before removing a SQLite file)."""
    with _LOCK:
        engine = _ENGINES.pop(url, None)
    if engine is not None:
        engine.dispose()


def writing(engine: Engine) -> Engine:
    """The engine whose transactions take the write lock first (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(**{_WRITE: True})


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session, session.begin():
        yield session


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A transaction that holds the write lock from its start (see the module docstring)."""
    with Session(engine.execution_options(**{_WRITE: True})) as session, session.begin():
        yield session


def new_engine(url: str) -> Engine:
    """An engine of its own (`engine_for` keeps one per URL and process)."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # A waiting writer queues on the lock for up to 30 s instead of failing at once.
    engine = create_engine(url, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(connection: Any, _record: Any) -> None:
    # SQLAlchemy emits BEGIN itself (below); pysqlite's own, deferred BEGIN would otherwise
    # start the transaction late and without the write lock.
    connection.isolation_level = None
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")


def _sqlite_begin(connection: Any) -> None:
    immediate = connection.get_execution_options().get(_WRITE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
