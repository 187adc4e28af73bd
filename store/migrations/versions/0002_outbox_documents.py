"""The outbox of notices and the documents, moved from each host's disk into the shared
database (release 0.2): one claim per notice key whichever host sends it, and every
attachment readable from every host.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("message_id", sa.String(120), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("claimed_at", sa.Float, nullable=False),
        sa.Column("sent_at", sa.Float),
        sa.Column("host", sa.String(120), nullable=False),
        sa.Column("message", sa.LargeBinary),
    )
    op.create_index("ix_outbox_state", "outbox", ["state"])
    op.create_table(
        "documents",
        sa.Column("path", sa.String(300), primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(120), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_index("ix_documents_reference", "documents", ["reference"])


def downgrade() -> None:
    op.drop_table("documents")
    op.drop_table("outbox")
