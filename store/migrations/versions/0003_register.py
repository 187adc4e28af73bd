"""The register of Actions: each ended Action's record, kept beside Temporal so that reports
survive the namespace's retention (release 0.3).

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "register",
        sa.Column("reference", sa.String(16), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("region", sa.String(80), nullable=False),
        sa.Column("country", sa.String(80), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("written_at", sa.Float, nullable=False),
        sa.Column("record", sa.Text, nullable=False),
        sa.Column("lessons", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_register_year", "register", ["year"])


def downgrade() -> None:
    op.drop_table("register")
