"""Toolkit usage counted once per tool, country, actor and day (B4), with a daily salt for client hashes.

Revision ID: 0004_perf_workers
Revises: 0004_sec_auth (linearised after main merged sec-auth)
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_perf_workers"
down_revision = "0004_sec_auth"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("toolkit_usage", sa.Column("actor", sa.String(length=80), nullable=True))
    op.add_column("toolkit_usage", sa.Column("day", sa.Date(), nullable=True))
    op.create_index(
        "uq_toolkit_usage_once", "toolkit_usage", ["tool", "country_iso3", "actor", "day"], unique=True
    )
    op.create_table(
        "usage_salt",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("salt", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_usage_salt")),
    )


def downgrade() -> None:
    op.drop_table("usage_salt")
    op.drop_index("uq_toolkit_usage_once", table_name="toolkit_usage")
    with op.batch_alter_table("toolkit_usage") as table:
        table.drop_column("day")
        table.drop_column("actor")
