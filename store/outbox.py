"""The outbox: one row per notice key in the shared database, recorded around the SMTP send
(DOMAIN.md §4: no notice is sent twice for the same Action, clock, step and recipient,
whichever worker host retries it).

States: `sending` is claimed just before the message data goes to the server, `sent` once
the server has accepted it. The claim is one `INSERT ... ON CONFLICT DO NOTHING` on the key:
of N hosts racing, exactly one inserts. A row stuck in `sending` means the outcome is
unknown (a crash or a lost connection at the very moment of delivery); it is never re-sent
by itself: `mieux mail stuck` lists them and `mieux mail resend KEY --confirm` lets staff
decide, from the message kept in the row.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from store.db import engine_for, read_session, write_session
from store.tables import OutboxRow


class OutboxState(StrEnum):
    SENDING = "sending"
    SENT = "sent"


@dataclass(frozen=True)
class Stuck:
    key: str
    message_id: str
    claimed_at: float
    host: str


class Outbox:
    """Blocking database calls; the email activity runs them through `asyncio.to_thread`."""

    def __init__(self, url: str) -> None:
        self.url = url

    @property
    def _engine(self):  # type: ignore[no-untyped-def]
        return engine_for(self.url)

    def state(self, key: str) -> OutboxState | None:
        with read_session(self._engine) as session:
            found = session.scalar(select(OutboxRow.state).where(OutboxRow.key == key))
        return OutboxState(found) if found else None

    def claim(self, key: str, message_id: str, message: bytes | None = None) -> bool:
        """True for the one caller that may send this notice; False for everyone after."""
        engine = self._engine
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        statement = (
            insert(OutboxRow)
            .values(
                key=key,
                message_id=message_id,
                state=OutboxState.SENDING.value,
                claimed_at=time.time(),
                host=socket.gethostname()[:120],
                message=message,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(OutboxRow.key)
        )
        with write_session(engine) as session:
            # RETURNING, not rowcount: the only portable way to learn whether it was ours.
            return session.execute(statement).first() is not None

    def mark_sent(self, key: str) -> None:
        with write_session(self._engine) as session:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.key == key)
                .values(state=OutboxState.SENT.value, sent_at=time.time())
            )

    def release(self, key: str) -> None:
        """The server refused before any data went out: the notice may be tried again."""
        with write_session(self._engine) as session:
            session.execute(
                delete(OutboxRow).where(
                    OutboxRow.key == key, OutboxRow.state == OutboxState.SENDING.value
                )
            )

    def stuck(self, older_than: float = 300.0) -> list[Stuck]:
        """Claimed but never confirmed, for longer than a delivery takes."""
        limit = time.time() - older_than
        with read_session(self._engine) as session:
            rows = session.scalars(
                select(OutboxRow)
                .where(OutboxRow.state == OutboxState.SENDING.value, OutboxRow.claimed_at < limit)
                .order_by(OutboxRow.claimed_at)
            ).all()
            return [Stuck(r.key, r.message_id, r.claimed_at, r.host) for r in rows]

    def message(self, key: str) -> bytes | None:
        with read_session(self._engine) as session:
            return session.scalar(select(OutboxRow.message).where(OutboxRow.key == key))
