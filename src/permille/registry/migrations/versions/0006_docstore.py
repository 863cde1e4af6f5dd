"""Documents and working groups (``attachment``, ``working_group``, ``working_group_member``); the old
record kind "helpdesk" (``helpdesk_request``) retired: the regional helpdesk workflow (``helpdesk_question``)
replaced it. Each of its rows is kept in the audit log first (kind ``helpdesk``, action ``retire``, the
row's columns as ``before``), where its history already was; the downgrade puts them back (the audit
log keeps its rows: it is never changed).

Revision ID: 0006_docstore
Revises: 0006_toolkit2
"""

import datetime

import sqlalchemy as sa
from alembic import op

revision = "0006_docstore"
down_revision = "0006_toolkit2"
branch_labels = None
depends_on = None

_COLUMNS = (
    "id",
    "subject",
    "question",
    "answer",
    "status",
    "region",
    "country_iso3",
    "created_at",
    "updated_at",
    "version",
    "published",
    "organisation_id",
)


def _columns() -> list:
    return [
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
    ]


def _helpdesk_request() -> sa.Table:
    """The old table as read and written here (its constraints are the database's business)."""
    return sa.Table("helpdesk_request", sa.MetaData(), *_columns())


def _audit_log() -> sa.Table:
    return sa.table(
        "audit_log",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("user_id", sa.Integer()),
        sa.column("actor", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("record_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("before", sa.JSON()),
        sa.column("after", sa.JSON()),
    )


def _json(value):
    return value.isoformat() if isinstance(value, datetime.datetime | datetime.date) else value


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_attachment_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachment")),
    )
    op.create_index("ix_attachment_kind_record", "attachment", ["kind", "record_id"])
    op.create_index(op.f("ix_attachment_sha256"), "attachment", ["sha256"])
    op.create_table(
        "working_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("group_type", sa.String(length=20), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_working_group")),
        sa.UniqueConstraint("slug", name=op.f("uq_working_group_slug")),
    )
    op.create_table(
        "working_group_member",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["working_group.id"],
            name=op.f("fk_working_group_member_group_id_working_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_working_group_member_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("group_id", "user_id", name=op.f("pk_working_group_member")),
    )
    # the old helpdesk record kind: its rows into the audit log, then the table dropped
    connection = op.get_bind()
    old = _helpdesk_request()
    rows = (
        connection.execute(sa.select(*(old.c[name] for name in _COLUMNS)).order_by(old.c.id)).mappings().all()
    )
    if rows:
        now = datetime.datetime.now(datetime.UTC)
        if connection.dialect.name != "postgresql":
            now = now.replace(tzinfo=None)  # SQLite keeps UTC timestamps naive (orm.UTCDateTime)
        connection.execute(
            sa.insert(_audit_log()),
            [
                {
                    "at": now,
                    "user_id": None,
                    "actor": "system",
                    "kind": "helpdesk",
                    "record_id": row["id"],
                    "action": "retire",
                    "before": {k: _json(v) for k, v in row.items()},
                    "after": None,
                }
                for row in rows
            ],
        )
    for name in (
        "ix_helpdesk_request_status",
        "ix_helpdesk_request_published",
        "ix_helpdesk_request_organisation_id",
        "ix_helpdesk_request_country_iso3",
    ):
        op.drop_index(name, table_name="helpdesk_request")
    op.drop_table("helpdesk_request")


def downgrade() -> None:
    op.drop_table("working_group_member")
    op.drop_table("working_group")
    op.drop_index(op.f("ix_attachment_sha256"), table_name="attachment")
    op.drop_index("ix_attachment_kind_record", table_name="attachment")
    op.drop_table("attachment")
    op.create_table(
        "helpdesk_request",
        *_columns(),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name="fk_helpdesk_request_organisation_id_organisation"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_helpdesk_request"),
    )
    old = _helpdesk_request()
    op.create_index("ix_helpdesk_request_country_iso3", "helpdesk_request", ["country_iso3"])
    op.create_index("ix_helpdesk_request_organisation_id", "helpdesk_request", ["organisation_id"])
    op.create_index("ix_helpdesk_request_published", "helpdesk_request", ["published"])
    op.create_index("ix_helpdesk_request_status", "helpdesk_request", ["status"])
    log = _audit_log()
    connection = op.get_bind()
    retired = (
        connection.execute(sa.select(log.c.before).where(log.c.kind == "helpdesk", log.c.action == "retire"))
        .scalars()
        .all()
    )
    for before in retired:
        values = dict(before)
        for name in ("created_at", "updated_at"):
            values[name] = datetime.datetime.fromisoformat(values[name])
        connection.execute(sa.insert(old), values)
