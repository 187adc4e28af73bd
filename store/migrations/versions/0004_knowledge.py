"""The knowledge register: what each ended Action produced and the lessons staff drew, for
full-text search (SQLite FTS5; PostgreSQL tsvector with a GIN index). Filled from the
register's rows, so a database of 0.3 gets its past Actions searchable at once.

Revision ID: 0004
Revises: 0003
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Weights: a word of the title counts more than one of the outputs or lessons.
PG_DOCUMENT = (
    "setweight(to_tsvector('english', title), 'A')"
    " || setweight(to_tsvector('english', produced), 'B')"
    " || setweight(to_tsvector('english', lessons), 'B')"
)


def upgrade() -> None:
    from store.knowledge import entry_values

    op.create_table(
        "knowledge",
        sa.Column("reference", sa.String(16), primary_key=True),
        sa.Column("region", sa.String(80), nullable=False),
        sa.Column("country", sa.String(80), nullable=False),
        sa.Column("themes", sa.Text, nullable=False),  # "|theme|theme|", for LIKE
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("produced", sa.Text, nullable=False),
        sa.Column("lessons", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"ALTER TABLE knowledge ADD COLUMN document tsvector"
            f" GENERATED ALWAYS AS ({PG_DOCUMENT}) STORED"
        )
        op.execute("CREATE INDEX ix_knowledge_document ON knowledge USING GIN (document)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE knowledge_fts USING fts5("
            "reference UNINDEXED, title, produced, lessons, tokenize = 'porter unicode61')"
        )
    register = sa.table(
        "register", sa.column("reference"), sa.column("record"), sa.column("lessons")
    )
    knowledge = sa.table(
        "knowledge",
        *(sa.column(c) for c in ("reference", "region", "country", "themes", "title")),
        sa.column("produced"),
        sa.column("lessons"),
    )
    rows = op.get_bind().execute(sa.select(register)).all()
    for row in rows:
        values = entry_values(json.loads(row.record), row.lessons)
        op.execute(knowledge.insert().values(**values))
        if op.get_bind().dialect.name != "postgresql":
            op.execute(
                sa.text(
                    "INSERT INTO knowledge_fts (reference, title, produced, lessons)"
                    " VALUES (:reference, :title, :produced, :lessons)"
                ).bindparams(
                    reference=values["reference"],
                    title=values["title"],
                    produced=values["produced"],
                    lessons=values["lessons"],
                )
            )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE knowledge_fts")
    op.drop_table("knowledge")
