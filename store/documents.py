"""The documents, in the shared database: content-addressed (the path carries the hash of
the content, so the same path always means the same bytes), written once, readable from
every worker host and CLI. The workflow keeps only the references (`DocumentRef`)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import PurePosixPath

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from store.db import engine_for, read_session, write_session
from store.tables import DocumentRow

MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


class OutsideStore(ValueError):
    """A document path that is not `REFERENCE/NAME` (`..`, an absolute path, a folder)."""


@dataclass(frozen=True)
class StoredDocument:
    path: str
    name: str
    media_type: str
    size: int
    sha256: str


def check_path(relative: str) -> PurePosixPath:
    path = PurePosixPath(relative)
    if path.is_absolute() or len(path.parts) != 2 or ".." in path.parts or "" in path.parts:
        raise OutsideStore(f"{relative!r} is not a document path (REFERENCE/NAME)")
    return path


class DocumentStore:
    def __init__(self, url: str) -> None:
        self.url = url

    def exists(self, relative: str) -> bool:
        check_path(relative)
        with read_session(engine_for(self.url)) as session:
            found = session.scalar(select(DocumentRow.path).where(DocumentRow.path == relative))
        return found is not None

    def read(self, relative: str) -> bytes:
        check_path(relative)
        with read_session(engine_for(self.url)) as session:
            content = session.scalar(
                select(DocumentRow.content).where(DocumentRow.path == relative)
            )
        if content is None:
            raise FileNotFoundError(relative)
        return bytes(content)

    def put(self, relative: str, content: bytes, sha256: str = "") -> bool:
        """Store a new document; False (and nothing written) when it is already there."""
        path = check_path(relative)
        engine = engine_for(self.url)
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        statement = (
            insert(DocumentRow)
            .values(
                path=relative,
                reference=path.parts[0],
                name=path.name,
                sha256=sha256,
                media_type=MEDIA_TYPES.get(path.suffix, "application/octet-stream"),
                size=len(content),
                created_at=time.time(),
                content=content,
            )
            .on_conflict_do_nothing(index_elements=["path"])
            .returning(DocumentRow.path)
        )
        with write_session(engine) as session:
            # RETURNING, not rowcount: the only portable way to learn whether it was ours.
            return session.execute(statement).first() is not None

    def listing(self, reference: str) -> list[StoredDocument]:
        with read_session(engine_for(self.url)) as session:
            rows = session.execute(
                select(
                    DocumentRow.path,
                    DocumentRow.name,
                    DocumentRow.media_type,
                    DocumentRow.size,
                    DocumentRow.sha256,
                )
                .where(DocumentRow.reference == reference)
                .order_by(DocumentRow.created_at, DocumentRow.name)
            ).all()
        return [StoredDocument(*row) for row in rows]
