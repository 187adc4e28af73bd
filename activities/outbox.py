"""The outbox: one row per notice key, recorded around the SMTP send (DOMAIN.md §4: no notice
is sent twice for the same Action, clock, step and recipient).

States: `sending` is written just before the message data goes to the server, `sent` once the
server has accepted it. A row stuck in `sending` means the outcome is unknown (a crash or a lost
connection at the very moment of delivery); it is never re-sent. A SQLite file is enough: rows
are tiny, and every worker process on the host shares it through SQLite's own file locks.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from enum import StrEnum
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL,
    claimed_at REAL NOT NULL,
    sent_at REAL
)
"""


class OutboxState(StrEnum):
    SENDING = "sending"
    SENT = "sent"


class Outbox:
    """Blocking SQLite calls; the email activity runs them through `asyncio.to_thread`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit: each statement below is its own atomic step.
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as db:
            db.execute(_SCHEMA)
            yield db

    def state(self, key: str) -> OutboxState | None:
        with self._connection() as db:
            row = db.execute("SELECT state FROM outbox WHERE key = ?", (key,)).fetchone()
        return OutboxState(row[0]) if row else None

    def claim(self, key: str, message_id: str) -> bool:
        """True for the one caller that may send this notice; False for everyone after."""
        with self._connection() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO outbox (key, message_id, state, claimed_at)"
                " VALUES (?, ?, ?, ?)",
                (key, message_id, OutboxState.SENDING.value, time.time()),
            )
            return cursor.rowcount == 1

    def mark_sent(self, key: str) -> None:
        with self._connection() as db:
            db.execute(
                "UPDATE outbox SET state = ?, sent_at = ? WHERE key = ?",
                (OutboxState.SENT.value, time.time(), key),
            )

    def release(self, key: str) -> None:
        """The server refused before any data went out: the notice may be tried again."""
        with self._connection() as db:
            db.execute(
                "DELETE FROM outbox WHERE key = ? AND state = ?",
                (key, OutboxState.SENDING.value),
            )
