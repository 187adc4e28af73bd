"""The register of Actions in the shared database: written once per ended Action (again, with
the same content, by a retried activity), read by `mieux report` for the Actions Temporal
no longer holds."""

from __future__ import annotations

import json
import time

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from glossary.register import RegisterRecord
from store.db import engine_for, read_session, write_session
from store.knowledge import write_entry
from store.tables import RegisterRow


class NotInRegister(LookupError):
    """An Action the register does not hold (it has not ended, or was never here)."""


class Register:
    def __init__(self, url: str) -> None:
        self.url = url

    def put(self, record: RegisterRecord) -> bool:
        """Write the record; False when the same record was already there (nothing changed)."""
        engine = engine_for(self.url)
        text = record.model_dump_json()
        status = record.status
        values = {
            "year": record.year,
            "stage": str(status.stage),
            "region": status.region,
            "country": status.country,
            "source": record.source,
            "record": text,
        }
        insert = (postgresql if engine.dialect.name == "postgresql" else sqlite).insert
        with write_session(engine) as session:
            current = session.scalar(
                select(RegisterRow.record).where(RegisterRow.reference == record.reference)
            )
            if current == text:
                return False
            statement = insert(RegisterRow).values(
                reference=record.reference, written_at=time.time(), lessons="", **values
            )
            # Staff's lessons are not the workflow's to overwrite.
            session.execute(
                statement.on_conflict_do_update(
                    index_elements=["reference"], set_=values | {"written_at": time.time()}
                )
            )
            lessons = session.scalar(
                select(RegisterRow.lessons).where(RegisterRow.reference == record.reference)
            )
            write_entry(session, record.model_dump(mode="json"), lessons or "")
        return True

    def records(self, year: int | None = None) -> list[RegisterRecord]:
        query = select(RegisterRow.record).order_by(RegisterRow.reference)
        if year is not None:
            query = query.where(RegisterRow.year == year)
        with read_session(engine_for(self.url)) as session:
            rows = session.scalars(query).all()
        return [RegisterRecord.model_validate_json(row) for row in rows]

    def entry(self, reference: str) -> tuple[RegisterRecord, str]:
        """One Action's record and its lessons; NotInRegister when it is not there."""
        with read_session(engine_for(self.url)) as session:
            row = session.execute(
                select(RegisterRow.record, RegisterRow.lessons).where(
                    RegisterRow.reference == reference
                )
            ).first()
        if row is None:
            raise NotInRegister(reference)
        return RegisterRecord.model_validate_json(row.record), row.lessons

    def lessons(self, reference: str) -> str:
        return self.entry(reference)[1]

    def set_lessons(self, reference: str, text: str) -> None:
        with write_session(engine_for(self.url)) as session:
            row = session.get(RegisterRow, reference)
            if row is None:
                raise NotInRegister(reference)
            row.lessons = text
            write_entry(session, json.loads(row.record), text)
