"""Pending changes of published records: ``review_state.proposed`` (the fields a member's, partner's or
the STC's change would give the record, kept until the review approves them) and ``proposed_by``.

Revision ID: 0006_pending_changes
Revises: 0005_workflows
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_pending_changes"
down_revision = "0005_workflows"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("review_state") as batch:
        batch.add_column(sa.Column("proposed", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("proposed_by", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_review_state_proposed_by_app_user"), "app_user", ["proposed_by"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("review_state") as batch:
        batch.drop_constraint(op.f("fk_review_state_proposed_by_app_user"), type_="foreignkey")
        batch.drop_column("proposed_by")
        batch.drop_column("proposed")
