"""Sessions on the shared database: see `store.db`."""

from store.db import engine_for, read_session, write_session

__all__ = ["engine_for", "read_session", "write_session"]
