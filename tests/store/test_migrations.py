"""The shared database's schema by Alembic: an empty database and one made by release 0.1
both reach the latest migration, the migrations agree with the tables the code uses, and
several processes starting at once upgrade it once. On SQLite and on PostgreSQL."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import column, insert, inspect, select, table, text

from store.db import new_engine
from store.knowledge import outside_the_model
from store.schema import config, current, head, upgrade
from store.tables import (
    AssignmentRow,
    Base,
    ConflictRow,
    ExpertiseRow,
    ExpertRow,
    FocalPointRow,
    LanguageRow,
    UnavailabilityRow,
)

ROSTER_0_1 = [
    FocalPointRow.__table__,
    ExpertRow.__table__,
    ExpertiseRow.__table__,
    LanguageRow.__table__,
    UnavailabilityRow.__table__,
    ConflictRow.__table__,
    AssignmentRow.__table__,
]


def test_an_empty_database_is_upgraded_to_the_latest_migration(database_url: str):
    engine = new_engine(database_url)
    assert current(engine) is None
    assert upgrade(engine) == (None, head())
    assert head() == "0006"
    tables = set(inspect(engine).get_table_names())
    assert {"experts", "assignments", "outbox", "documents", "alembic_version"} <= tables
    assert upgrade(engine) == (head(), head())  # nothing more to do


def test_the_migrations_build_the_tables_the_code_uses(database_url: str):
    engine = new_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": outside_the_model})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


EXPERT_0_1 = ("id", "name", "email", "nationality", "administration", "category", "timezone")
ASSIGNMENT_0_1 = ("expert_id", "reference", "activity", "start", "end", "state", "theme")


def test_a_database_made_by_release_0_1_is_stamped_and_upgraded_with_its_data(
    database_url: str,
):
    engine = new_engine(database_url)
    # Release 0.1 created the roster tables directly, with no version table: the tables of
    # the first migration, as they were then (today's model has columns added since).
    command.upgrade(config(engine), "0001")
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    with engine.begin() as connection:
        connection.execute(
            insert(table("experts", *map(column, EXPERT_0_1))).values(
                id="EX-AT-01",
                name="Expert Example",
                email="expert@bmi.example.at",
                nationality="Austria",
                administration="",
                category="EU MS official",
                timezone="Europe/Vienna",
            )
        )
        connection.execute(
            insert(table("assignments", *map(column, ASSIGNMENT_0_1))).values(
                expert_id="EX-AT-01",
                reference="2026-01",
                activity=1,
                start=date(2027, 6, 7),
                end=date(2027, 6, 9),
                state="reserved",
                theme="migration data",
            )
        )
    assert "alembic_version" not in inspect(engine).get_table_names()

    assert upgrade(engine) == ("0001", head())

    assert {"outbox", "documents"} <= set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        assert connection.scalar(select(ExpertRow.name)) == "Expert Example"
        assert connection.scalar(select(AssignmentRow.state)) == "reserved"


def _start_and_upgrade(url: str) -> tuple[str | None, str]:
    return upgrade(new_engine(url))


def test_workers_starting_together_upgrade_the_database_once(database_url: str):
    """Four processes, as four worker hosts would, upgrade one empty database at once."""
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=4, mp_context=context) as pool:
        results = list(pool.map(_start_and_upgrade, [database_url] * 4))
    assert all(after == head() for _, after in results)
    # One of them found the database empty and migrated it; the others found it done.
    assert sorted(before or "" for before, _ in results).count("") >= 1
    assert current(new_engine(database_url)) == head()


def test_an_upgrade_is_one_transaction_so_no_process_sees_it_half_done(database_url: str):
    """Alembic commits after each migration on SQLite unless told otherwise; a second worker
    taking the write lock in between re-ran a migration ("table outbox already exists",
    seen once in CI). From empty to head is one commit."""
    from sqlalchemy import event

    engine = new_engine(database_url)
    commits: list[str] = []
    event.listen(engine, "commit", lambda connection: commits.append("commit"))

    upgrade(engine)

    assert current(engine) == head()
    # The version reads before and after the upgrade are read-only; one commit migrates.
    assert len(commits) == 1, commits
