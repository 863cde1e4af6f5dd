"""Saved calculations of the online toolkit (``saved_calculation``): a signed-in user's named inputs of a
calculator, the summary of their result and the software version, optionally shared (read-only) with the
user's organisation.

Revision ID: 0006_toolkit2
Revises: 0006_pending_changes
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_toolkit2"
down_revision = "0006_pending_changes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_calculation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("calculator", sa.String(length=20), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("software_version", sa.String(length=40), nullable=False),
        sa.Column("shared", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_saved_calculation_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_calculation")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_saved_calculation_user_id_name")),
    )
    op.create_index(op.f("ix_saved_calculation_user_id"), "saved_calculation", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_saved_calculation_user_id"), table_name="saved_calculation")
    op.drop_table("saved_calculation")
