"""Do the web service and the workers share `web.secret`? (issue 22.4)

The workers sign answer links with it and the web service checks them with it: two
different secrets make every link in every notice answer 403. Each host writes a
fingerprint of its secret here (an HMAC keyed by the secret over a fixed text: comparing
two says whether the secrets are equal, and reveals neither), the workers every few
minutes while they run; the web service compares its own with those of the workers seen
lately, at start and on each /health.
"""

from __future__ import annotations

import hashlib
import hmac
import socket
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

from store.db import engine_for, read_session, write_session
from store.tables import FingerprintRow

# A worker's fingerprint counts while it is this recent; workers refresh theirs far more
# often (worker/main.py), so a host taken away stops counting within the hour.
FRESH_SECONDS = 3600.0
REFRESH_SECONDS = 600.0


def fingerprint(secret: str) -> str:
    """ "" for no secret (links disabled)."""
    if not secret:
        return ""
    return hmac.new(
        secret.encode(), b"mieux-flow web.secret fingerprint", hashlib.sha256
    ).hexdigest()[:32]


@dataclass(frozen=True)
class Mismatch:
    host: str
    seen_at: float


class Fingerprints:
    """Blocking database calls; async callers run them in a thread."""

    def __init__(self, url: str) -> None:
        self.url = url

    def record(self, role: str, secret: str, host: str | None = None) -> None:
        engine = engine_for(self.url)
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        values = {
            "role": role,
            "host": (host or socket.gethostname())[:120],
            "secret": fingerprint(secret),
            "seen_at": time.time(),
        }
        statement = insert(FingerprintRow).values(**values)
        statement = statement.on_conflict_do_update(
            index_elements=["role", "host"],
            set_={"secret": values["secret"], "seen_at": values["seen_at"]},
        )
        with write_session(engine) as session:
            session.execute(statement)

    def workers_differing(self, secret: str) -> tuple[int, list[Mismatch]]:
        """(workers seen lately, those whose secret is not this one). A SQLite file that
        does not exist yet has seen no worker, and is not created by asking."""
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite" and not Path(url.database or "").exists():
            return 0, []
        since = time.time() - FRESH_SECONDS
        with read_session(engine_for(self.url)) as session:
            rows = session.execute(
                select(FingerprintRow.host, FingerprintRow.secret, FingerprintRow.seen_at).where(
                    FingerprintRow.role == "worker", FingerprintRow.seen_at >= since
                )
            ).all()
        mine = fingerprint(secret)
        return len(rows), [Mismatch(r.host, r.seen_at) for r in rows if r.secret != mine]


def mismatch_text(mismatches: list[Mismatch]) -> str:
    hosts = ", ".join(sorted(m.host for m in mismatches))
    return (
        f"the workers on {hosts} sign answer links with another web.secret: every link in "
        "their notices would be refused; give the web service and the workers the same one"
    )
