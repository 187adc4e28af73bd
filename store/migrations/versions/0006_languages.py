"""The language each expert and focal point is written to in (issue 23); empty: the
expert's first working language that notices are written in, else English.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("experts") as table:
        table.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))
    with op.batch_alter_table("focal_points") as table:
        table.add_column(sa.Column("language", sa.String(8), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("experts") as table:
        table.drop_column("language")
    with op.batch_alter_table("focal_points") as table:
        table.drop_column("language")
