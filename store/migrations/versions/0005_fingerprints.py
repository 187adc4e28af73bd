"""Fingerprints of the secrets the web service and the workers must share (issue 22.4):
each host writes an HMAC of its `web.secret`, never the secret, so that a mismatch is
found at start and on /health instead of as a 403 on every link.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fingerprints",
        sa.Column("role", sa.String(16), primary_key=True),  # worker | web
        sa.Column("host", sa.String(120), primary_key=True),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("fingerprints")
