"""The Initiative's workflows: calls for projects (``project_call``, ``call_application``, ``call_review``,
``review_conflict``, ``call_report``), regional helpdesks (``helpdesk_expert``, ``helpdesk_question``,
``helpdesk_message``, ``faq_entry``), notifications (``notification``, ``notification_preference``) and
comment threads (``comment``).

Revision ID: 0005_workflows
Revises: 0005_harden
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_workflows"
down_revision = "0005_harden"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpdesk_expert",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_helpdesk_expert_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_helpdesk_expert")),
    )
    op.create_table(
        "helpdesk_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asker_email", sa.String(length=320), nullable=False),
        sa.Column("asker_id", sa.Integer(), nullable=True),
        sa.Column("asker_token_hash", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("expert_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["asker_id"], ["app_user.id"], name=op.f("fk_helpdesk_question_asker_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["app_user.id"], name=op.f("fk_helpdesk_question_expert_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_question")),
        sa.UniqueConstraint("asker_token_hash", name=op.f("uq_helpdesk_question_asker_token_hash")),
    )
    op.create_index(op.f("ix_helpdesk_question_created_at"), "helpdesk_question", ["created_at"])
    op.create_index(op.f("ix_helpdesk_question_expert_id"), "helpdesk_question", ["expert_id"])
    op.create_index(op.f("ix_helpdesk_question_region"), "helpdesk_question", ["region"])
    op.create_index(op.f("ix_helpdesk_question_state"), "helpdesk_question", ["state"])
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mail", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_notification_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
    )
    op.create_index(op.f("ix_notification_mail"), "notification", ["mail"])
    op.create_index(op.f("ix_notification_user_id"), "notification", ["user_id"])
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("mode", sa.String(length=10), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_notification_preference_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preference")),
        sa.UniqueConstraint("token", name=op.f("uq_notification_preference_token")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notification_preference_user_id_kind")),
    )
    op.create_index(op.f("ix_notification_preference_user_id"), "notification_preference", ["user_id"])
    op.create_table(
        "project_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("opens_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_project_call_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_call")),
    )
    op.create_table(
        "call_application",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["call_id"], ["project_call.id"], name=op.f("fk_call_application_call_id_project_call")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_call_application_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_call_application_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_call_application_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_application")),
        sa.UniqueConstraint("call_id", "project_id", name=op.f("uq_call_application_call_id_project_id")),
    )
    op.create_index(op.f("ix_call_application_call_id"), "call_application", ["call_id"])
    op.create_index(op.f("ix_call_application_organisation_id"), "call_application", ["organisation_id"])
    op.create_index(op.f("ix_call_application_project_id"), "call_application", ["project_id"])
    op.create_index(op.f("ix_call_application_state"), "call_application", ["state"])
    op.create_table(
        "faq_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by"], ["app_user.id"], name=op.f("fk_faq_entry_proposed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"], ["helpdesk_question.id"], name=op.f("fk_faq_entry_question_id_helpdesk_question")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_entry")),
    )
    op.create_index(op.f("ix_faq_entry_language"), "faq_entry", ["language"])
    op.create_index(op.f("ix_faq_entry_state"), "faq_entry", ["state"])
    op.create_table(
        "helpdesk_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["helpdesk_question.id"],
            name=op.f("fk_helpdesk_message_question_id_helpdesk_question"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_helpdesk_message_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_message")),
    )
    op.create_index(op.f("ix_helpdesk_message_question_id"), "helpdesk_message", ["question_id"])
    op.create_table(
        "call_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("measured_t_c_ha", sa.Float(), nullable=True),
        sa.Column("uncertainty_t_c_ha", sa.Float(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["call_application.id"],
            name=op.f("fk_call_report_application_id_call_application"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_call_report_created_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_report")),
        sa.UniqueConstraint("application_id", "year", name=op.f("uq_call_report_application_id_year")),
    )
    op.create_index(op.f("ix_call_report_application_id"), "call_report", ["application_id"])
    op.create_table(
        "call_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("scored_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["call_application.id"],
            name=op.f("fk_call_review_application_id_call_application"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["app_user.id"], name=op.f("fk_call_review_reviewer_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_review")),
        sa.UniqueConstraint(
            "application_id", "reviewer_id", name=op.f("uq_call_review_application_id_reviewer_id")
        ),
    )
    op.create_index(op.f("ix_call_review_application_id"), "call_review", ["application_id"])
    op.create_index(op.f("ix_call_review_reviewer_id"), "call_review", ["reviewer_id"])
    op.create_table(
        "review_conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["call_application.id"],
            name=op.f("fk_review_conflict_application_id_call_application"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_review_conflict_recorded_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["app_user.id"], name=op.f("fk_review_conflict_reviewer_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_conflict")),
    )
    op.create_index(op.f("ix_review_conflict_application_id"), "review_conflict", ["application_id"])

    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_comment_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    op.create_index("ix_comment_kind_record", "comment", ["kind", "record_id"])


def downgrade() -> None:
    op.drop_table("comment")
    op.drop_table("review_conflict")
    op.drop_table("call_review")
    op.drop_table("call_report")
    op.drop_table("helpdesk_message")
    op.drop_table("faq_entry")
    op.drop_table("call_application")
    op.drop_table("project_call")
    op.drop_table("notification_preference")
    op.drop_table("notification")
    op.drop_table("helpdesk_question")
    op.drop_table("helpdesk_expert")
