"""Alembic's environment: run on the engine `store.schema` hands over, in one transaction
that also serialises concurrent upgrades (see store/schema.py)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from store.db import writing
from store.tables import Base

engine = context.config.attributes["engine"]
with writing(engine).connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # One upgrader at a time, whichever host it runs on; released at commit.
            connection.execute(text("SELECT pg_advisory_xact_lock(4711)"))
        context.run_migrations()
