"""The outbox lives in the shared database: see `store.outbox`."""

from store.outbox import Outbox, OutboxState, Stuck

__all__ = ["Outbox", "OutboxState", "Stuck"]
