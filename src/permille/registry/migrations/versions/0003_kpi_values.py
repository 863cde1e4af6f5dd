"""Manual indicator values (kpis.py): the Secretariat's entries with date and source.

Revision ID: 0003_kpi_values
Revises: 0002_zone_statistics
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_kpi_values"
down_revision = "0002_zone_statistics"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kpi_value",
        sa.Column("indicator", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("entered_by", sa.String(length=320), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_kpi_value_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_value")),
    )
    op.create_index(op.f("ix_kpi_value_indicator"), "kpi_value", ["indicator"], unique=False)
    op.create_index(op.f("ix_kpi_value_organisation_id"), "kpi_value", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_kpi_value_published"), "kpi_value", ["published"], unique=False)


def downgrade() -> None:
    op.drop_table("kpi_value")
