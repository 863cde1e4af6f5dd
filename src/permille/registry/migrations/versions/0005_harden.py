"""Hardening: a token's last use and client (``api_token.last_used_at``, ``user_agent``: the
list of a user's active tokens), and observations proposed at another organisation's site
(``observation.proposed``: unpublished until the site's owner or the Secretariat accepts them).

Revision ID: 0005_harden
Revises: 0005_kpis
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_harden"
down_revision = "0005_kpis"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_token") as table:
        table.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        table.add_column(sa.Column("user_agent", sa.String(200), nullable=True))
    with op.batch_alter_table("observation") as table:
        table.add_column(sa.Column("proposed", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("observation") as table:
        table.drop_column("proposed")
    with op.batch_alter_table("api_token") as table:
        table.drop_column("user_agent")
        table.drop_column("last_used_at")
