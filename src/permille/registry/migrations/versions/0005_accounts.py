"""Accounts' life cycle, the review queue and the e-mail queue: the users' ``language`` and ``org_admin``,
the tables ``membership_application``, ``account_token``, ``review_state`` and ``mail_message``.

Revision ID: 0005_accounts
Revises: 0004_perf_cache
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_accounts"
down_revision = "0004_perf_cache"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("language", sa.String(8), nullable=False, server_default="en"))
        batch.add_column(sa.Column("org_admin", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_table(
        "membership_application",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("created_at"),
        sa.Column("organisation_name", sa.String(300), nullable=False),
        sa.Column("membership", sa.String(20), nullable=False),
        sa.Column("org_type", sa.String(40), nullable=False),
        sa.Column("region", sa.String(60), nullable=True),
        sa.Column("country_iso3", sa.String(3), nullable=True),
        sa.Column("website", sa.String(500), nullable=False),
        sa.Column("contact_name", sa.String(200), nullable=False),
        sa.Column("contact_email", sa.String(320), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        _at("decided_at", True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app_user.id"], name=op.f("fk_membership_application_decided_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_membership_application_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_application")),
    )
    op.create_index(op.f("ix_membership_application_created_at"), "membership_application", ["created_at"])
    op.create_index(op.f("ix_membership_application_state"), "membership_application", ["state"])
    op.create_table(
        "account_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(10), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        _at("created_at"),
        _at("expires_at"),
        _at("used_at", True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_account_token_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_token_token_hash")),
    )
    op.create_index(op.f("ix_account_token_user_id"), "account_token", ["user_id"])
    op.create_table(
        "review_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        _at("submitted_at", True),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        _at("decided_at", True),
        sa.Column("approved_data", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_review_state_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"], ["app_user.id"], name=op.f("fk_review_state_submitted_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["app_user.id"], name=op.f("fk_review_state_decided_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_state")),
        sa.UniqueConstraint("kind", "record_id", name=op.f("uq_review_state_kind")),
    )
    op.create_index(op.f("ix_review_state_organisation_id"), "review_state", ["organisation_id"])
    op.create_index(op.f("ix_review_state_state"), "review_state", ["state"])
    op.create_table(
        "mail_message",
        sa.Column("id", sa.Integer(), nullable=False),
        _at("created_at"),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("template", sa.String(40), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _at("next_attempt_at"),
        _at("sent_at", True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_message")),
    )
    op.create_index(op.f("ix_mail_message_state"), "mail_message", ["state"])
    op.create_index(op.f("ix_mail_message_next_attempt_at"), "mail_message", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("mail_message")
    op.drop_table("review_state")
    op.drop_table("account_token")
    op.drop_table("membership_application")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("org_admin")
        batch.drop_column("language")
