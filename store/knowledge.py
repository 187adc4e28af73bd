"""The knowledge register: closed Actions found by what they produced and the lessons staff
drew (`mieux knowledge search`). Full-text search is the database's own: SQLite FTS5 with
the Porter stemmer, PostgreSQL `to_tsvector('english', ...)` with a GIN index; both match
every word asked ("asylum law" finds "laws on asylum") and rank the best first.

Written with the register in the same transaction (store/register.py), so the two agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Connection,
    column,
    delete,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.db import engine_for, read_session
from store.tables import KnowledgeRow

# The FTS5 table and its shadow tables, and the generated column: outside the ORM model.
SEARCH_INDEX = re.compile(r"^knowledge_fts(_\w+)?$")


def outside_the_model(obj: Any, name: str | None, type_: str, reflected: bool, _: Any) -> bool:
    """Alembic's include_object: False for the search index the ORM does not describe."""
    if type_ == "table" and name and SEARCH_INDEX.match(name):
        return False
    if type_ == "column" and name == "document" and obj.table.name == "knowledge":
        return False
    return not (type_ == "index" and name == "ix_knowledge_document")


def entry_values(record: dict[str, Any], lessons: str) -> dict[str, str]:
    """The knowledge row of a register record (as JSON data: migrations use it too)."""
    status = record["status"]
    produced: list[str] = []
    for activity in status.get("activities", []):
        if activity.get("stage") == "cancelled":
            continue
        produced.append(f"{activity.get('type', '')}: {activity.get('title', '')}")
        produced.extend(activity.get("outputs", []))
        if activity.get("evaluation_summary"):
            produced.append(activity["evaluation_summary"])
    if status.get("adoption"):
        produced.append(f"adopted: {status['adoption']}")
    return {
        "reference": record["reference"],
        "region": status["region"],
        "country": status["country"],
        "themes": "|" + "|".join(status.get("themes", [])) + "|",
        "title": status.get("title") or status.get("name", ""),
        "produced": "\n".join(p for p in produced if p),
        "lessons": lessons,
    }


def write_entry(session: Session, record: dict[str, Any], lessons: str) -> None:
    """Put the Action's entry, replacing what was there; inside the caller's transaction."""
    values = entry_values(record, lessons)
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    insert = (postgresql if postgres else sqlite).insert
    statement = insert(KnowledgeRow).values(**values)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["reference"],
            set_={k: v for k, v in values.items() if k != "reference"},
        )
    )
    if not postgres:
        _index_fts5(connection, values)


def _index_fts5(connection: Connection, values: dict[str, str]) -> None:
    connection.execute(
        text("DELETE FROM knowledge_fts WHERE reference = :reference"),
        {"reference": values["reference"]},
    )
    connection.execute(
        text(
            "INSERT INTO knowledge_fts (reference, title, produced, lessons)"
            " VALUES (:reference, :title, :produced, :lessons)"
        ),
        {k: values[k] for k in ("reference", "title", "produced", "lessons")},
    )


def forget_entry(session: Session, reference: str) -> None:
    session.execute(delete(KnowledgeRow).where(KnowledgeRow.reference == reference))
    if session.connection().dialect.name != "postgresql":
        session.execute(text("DELETE FROM knowledge_fts WHERE reference = :r"), {"r": reference})


@dataclass(frozen=True)
class Finding:
    reference: str
    title: str
    country: str
    region: str
    themes: list[str]
    produced: list[str]
    lessons: str


def _words(query: str) -> list[str]:
    return re.findall(r"\w+", query)


def _fts5_query(words: list[str]) -> str:
    # Each word quoted: the user's text is never FTS5 syntax (AND, NEAR, "*", column:).
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


class Knowledge:
    def __init__(self, url: str) -> None:
        self.url = url

    def search(
        self,
        query: str,
        *,
        theme: str | None = None,
        country: str | None = None,
        region: str | None = None,
        limit: int = 20,
    ) -> list[Finding]:
        """Closed Actions matching every word of `query`, best first (empty query: all)."""
        engine = engine_for(self.url)
        words = _words(query)
        columns = select(
            KnowledgeRow.reference,
            KnowledgeRow.title,
            KnowledgeRow.country,
            KnowledgeRow.region,
            KnowledgeRow.themes,
            KnowledgeRow.produced,
            KnowledgeRow.lessons,
        )
        if not words:
            statement = columns.order_by(KnowledgeRow.reference)
        elif engine.dialect.name == "postgresql":
            document = literal_column("knowledge.document")
            asked = func.plainto_tsquery("english", " ".join(words))
            statement = columns.where(document.op("@@")(asked)).order_by(
                func.ts_rank(document, asked).desc(), KnowledgeRow.reference
            )
        else:
            # FTS5's hidden `rank` column is bm25: the lower, the better the match.
            fts = table("knowledge_fts", column("reference"), column("rank"))
            statement = (
                columns.join(fts, fts.c.reference == KnowledgeRow.reference)
                .where(text("knowledge_fts MATCH :q").bindparams(q=_fts5_query(words)))
                .order_by(fts.c.rank, KnowledgeRow.reference)
            )
        if theme:
            statement = statement.where(KnowledgeRow.themes.contains(f"|{theme}|"))
        if country:
            statement = statement.where(KnowledgeRow.country == country)
        if region:
            statement = statement.where(KnowledgeRow.region == region)
        with read_session(engine) as session:
            rows = session.execute(statement.limit(limit)).all()
        return [
            Finding(
                reference=row.reference,
                title=row.title,
                country=row.country,
                region=row.region,
                themes=[t for t in row.themes.split("|") if t],
                produced=[p for p in row.produced.split("\n") if p],
                lessons=row.lessons,
            )
            for row in rows
        ]

    def countries(self) -> list[str]:
        with read_session(engine_for(self.url)) as session:
            return sorted(set(session.scalars(select(KnowledgeRow.country)).all()))
