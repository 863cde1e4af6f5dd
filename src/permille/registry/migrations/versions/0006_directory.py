"""The member directory, the calendar and the twin-regions pilot (objective F1) and the daily jobs'
lease: ``meeting.capacity``, ``event_registration``, ``twin_activity``, ``scheduled_run``;
``helpdesk_question.demo`` (the demo seed's question, never counted by KPI B3).

Revision ID: 0006_directory
Revises: 0006_docstore
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_directory"
down_revision = "0006_docstore"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("capacity", sa.Integer(), nullable=True))
    with op.batch_alter_table("helpdesk_question") as batch:
        batch.add_column(sa.Column("demo", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "event_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_event_registration_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_event_registration_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registration")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_event_registration_meeting_id_user_id")),
    )
    op.create_index(op.f("ix_event_registration_meeting_id"), "event_registration", ["meeting_id"])
    op.create_index(op.f("ix_event_registration_user_id"), "event_registration", ["user_id"])
    op.create_table(
        "twin_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("activity_type", sa.String(length=20), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_twin_activity_municipality_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["municipality.id"],
            name=op.f("fk_twin_activity_partner_id_municipality"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_twin_activity_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_twin_activity")),
    )
    op.create_index(op.f("ix_twin_activity_municipality_id"), "twin_activity", ["municipality_id"])
    op.create_index(op.f("ix_twin_activity_partner_id"), "twin_activity", ["partner_id"])
    op.create_table(
        "scheduled_run",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("job", "day", name=op.f("pk_scheduled_run")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_run")
    op.drop_table("twin_activity")
    op.drop_table("event_registration")
    with op.batch_alter_table("helpdesk_question") as batch:
        batch.drop_column("demo")
    with op.batch_alter_table("meeting") as batch:
        batch.drop_column("capacity")
