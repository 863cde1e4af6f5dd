"""Indexes of the read-model cache and the zone tables: the newest audit-log row of a kind (the
database-side version of api/readmodels.py) and the first and last year of a zone dataset.

Revision ID: 0004_perf_cache
Revises: 0004_perf_workers (linearised at merge)
"""

from alembic import op

revision = "0004_perf_cache"
down_revision = "0004_perf_workers"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_kind_id", "audit_log", ["kind", "id"], unique=False)
    op.create_index("ix_zone_statistic_dataset_year", "zone_statistic", ["dataset", "year"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_zone_statistic_dataset_year", table_name="zone_statistic")
    op.drop_index("ix_audit_log_kind_id", table_name="audit_log")
