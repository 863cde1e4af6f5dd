"""Indicators a reader can defend (KPIs): every record says whether it is demonstration data and when, by
whom, the Secretariat verified it; structured fields the counting rules need instead of name matching
(a scheme recognised as the «4 per 1000» one, a network's audience and tool development); the approval of a
manual KPI value by a second Secretariat user; the days each user signed in (KPI D1).

Existing rows: a published record was published by the Secretariat (only it may publish), so it is taken as
verified on its last change ("migration"); the demo seed named every demonstration record "Demo …", so
records so named are flagged demo once, here (the seed flags them itself from now on).

Revision ID: 0005_kpis
Revises: 0005_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_kpis"
down_revision = "0005_accounts"
branch_labels = None
depends_on = None

RECORD_TABLES = {
    # table → the column holding its name (demo rows were named "Demo …" by the demo seed), or None
    "toolkit_usage": None, "observation": None, "scheme_review": "name", "practice": "name",
    "strategy": "title", "study": "title", "meeting": "title", "monitoring_tool": "name", "network": "name",
    "branding": "name", "kpi_value": None, "contact": "name", "site": "name", "helpdesk_request": "subject",
    "municipality": "name", "ndc_entry": None, "app_user": "name", "organisation": "name",
    "budget_line": "label", "assessment": None, "project": "name",
}  # fmt: skip


def upgrade() -> None:
    for table in RECORD_TABLES:
        op.add_column(table, sa.Column("demo", sa.Boolean(), server_default=sa.false(), nullable=False))
        op.add_column(table, sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
        op.add_column(table, sa.Column("verified_by", sa.String(length=320), nullable=True))
    t = sa.table
    c = sa.column
    for table, name in RECORD_TABLES.items():
        rows = t(table, c("published", sa.Boolean), c("updated_at"), c("verified_at"), c("verified_by"))
        op.execute(
            rows.update()
            .where(rows.c.published.is_(True))
            .values(verified_at=rows.c.updated_at, verified_by="migration")
        )
        if name:
            named = t(table, c(name, sa.String), c("demo", sa.Boolean))
            op.execute(named.update().where(named.c[name].like("Demo %")).values(demo=True))
    op.add_column(
        "scheme_review",
        sa.Column("recognised_4p1000", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.add_column(
        "network", sa.Column("audience", sa.String(length=20), server_default="general", nullable=False)
    )
    op.add_column(
        "network", sa.Column("develops_tools", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("kpi_value", sa.Column("approved_by", sa.String(length=320), nullable=True))
    op.add_column("kpi_value", sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column(
        "kpi_value", sa.Column("self_approved", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.create_table(
        "sign_in",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_sign_in_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_sign_in")),
    )
    op.create_index(op.f("ix_sign_in_day"), "sign_in", ["day"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_sign_in_day"), table_name="sign_in")
    op.drop_table("sign_in")
    with op.batch_alter_table("kpi_value") as batch:
        for column in ("approved_by", "approved_at", "self_approved"):
            batch.drop_column(column)
    with op.batch_alter_table("network") as batch:
        batch.drop_column("audience")
        batch.drop_column("develops_tools")
    with op.batch_alter_table("scheme_review") as batch:
        batch.drop_column("recognised_4p1000")
    for table in RECORD_TABLES:
        with op.batch_alter_table(table) as batch:
            for column in ("demo", "verified_at", "verified_by"):
                batch.drop_column(column)
