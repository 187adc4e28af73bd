"""Alembic's environment: run on the engine `store.schema` hands over, in one transaction
that also serialises concurrent upgrades (see store/schema.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import inspect, text

from store.db import writing
from store.knowledge import outside_the_model
from store.tables import Base

# Release 0.1 made the roster tables without Alembic: such a database is at migration 0001.
FIRST = "0001"

engine = context.config.attributes["engine"]
with writing(engine).connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        include_object=outside_the_model,
        # One transaction for the whole upgrade, on SQLite too (Alembic's default there is
        # one per migration): the write lock taken at its start is held to the end, so a
        # second process never finds a database half-way between two migrations.
        transactional_ddl=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # One upgrader at a time, whichever host it runs on; released at commit.
            connection.execute(text("SELECT pg_advisory_xact_lock(4711)"))
        # Decided under the lock: another process may have migrated it meanwhile.
        migration = context.get_context()
        if migration.get_current_revision() is None and inspect(connection).has_table("experts"):
            migration.stamp(context.script, FIRST)
        context.run_migrations()
