"""Sign-in rate limit and token clean-up: the table ``login_attempt`` and an index on token expiry.

Revision ID: 0004_sec_auth
Revises: 0003_kpi_values
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sec_auth"
down_revision = "0003_kpi_values"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempt")),
    )
    op.create_index(op.f("ix_login_attempt_at"), "login_attempt", ["at"], unique=False)
    op.create_index(op.f("ix_login_attempt_email"), "login_attempt", ["email"], unique=False)
    op.create_index(op.f("ix_login_attempt_address"), "login_attempt", ["address"], unique=False)
    op.create_index(op.f("ix_api_token_expires_at"), "api_token", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_api_token_expires_at"), table_name="api_token")
    op.drop_table("login_attempt")
