"""Monitoring statistics by zone (zones.py): precomputed layers by country, region and the world.

Revision ID: 0002_zone_statistics
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_zone_statistics"
down_revision = "0001_core"
branch_labels = None
depends_on = None

_OPTIONAL_FLOATS = (
    "covered_fraction", "mean", "sd_mean", "mean_low", "mean_high", "total", "sd_total", "total_low",
    "total_high",
)  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "zone_statistic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset", sa.String(length=60), nullable=False),
        sa.Column("synthetic", sa.Boolean(), nullable=False),
        sa.Column("level", sa.String(length=10), nullable=False),
        sa.Column("zone", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("layer", sa.String(length=30), nullable=False),
        sa.Column("scenario", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("mean_units", sa.String(length=20), nullable=False),
        sa.Column("total_units", sa.String(length=20), nullable=False),
        sa.Column("n_valid", sa.Integer(), nullable=False),
        sa.Column("zone_area_ha", sa.Float(), nullable=False),
        sa.Column("area_ha", sa.Float(), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in _OPTIONAL_FLOATS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zone_statistic")),
        sa.UniqueConstraint(
            "dataset",
            "level",
            "zone",
            "layer",
            "year",
            name=op.f("uq_zone_statistic_dataset_level_zone_layer_year"),
        ),
    )
    for column in ("dataset", "level", "zone", "layer"):
        op.create_index(op.f(f"ix_zone_statistic_{column}"), "zone_statistic", [column])


def downgrade() -> None:
    op.drop_table("zone_statistic")
