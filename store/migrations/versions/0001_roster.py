"""The roster of release 0.1: experts, focal points, expertise, languages, unavailability,
declared conflicts, assignments.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "focal_points",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("member_state", sa.String(120), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
    )
    op.create_table(
        "experts",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("nationality", sa.String(80), nullable=False),
        sa.Column("administration", sa.String(200), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("focal_point_id", sa.String(40), sa.ForeignKey("focal_points.id")),
    )
    op.create_table(
        "expert_expertise",
        sa.Column("expert_id", sa.String(40), sa.ForeignKey("experts.id"), primary_key=True),
        sa.Column("area", sa.String(120), primary_key=True),
    )
    op.create_table(
        "expert_languages",
        sa.Column("expert_id", sa.String(40), sa.ForeignKey("experts.id"), primary_key=True),
        sa.Column("language", sa.String(60), primary_key=True),
    )
    op.create_table(
        "unavailability",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("expert_id", sa.String(40), sa.ForeignKey("experts.id"), nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
    )
    op.create_index("ix_unavailability_expert_id", "unavailability", ["expert_id"])
    op.create_table(
        "declared_conflicts",
        sa.Column("expert_id", sa.String(40), sa.ForeignKey("experts.id"), primary_key=True),
        sa.Column("subject", sa.String(120), primary_key=True),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("expert_id", sa.String(40), sa.ForeignKey("experts.id"), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("activity", sa.Integer, nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("theme", sa.String(120), nullable=False),
        sa.UniqueConstraint("expert_id", "reference", "activity"),
    )
    op.create_index("ix_assignments_expert_id", "assignments", ["expert_id"])


def downgrade() -> None:
    for table in (
        "assignments",
        "declared_conflicts",
        "unavailability",
        "expert_languages",
        "expert_expertise",
        "experts",
        "focal_points",
    ):
        op.drop_table(table)
