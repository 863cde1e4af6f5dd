"""Core tables of the registry (orm.py): records, users and tokens, the append-only audit log and record
versions. On PostgreSQL: PostGIS, a generated point ``geom`` (SRID 4326) with a GiST index on each spatial
table; on both databases: triggers that refuse UPDATE and DELETE of ``audit_log`` and ``record_version``.

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

APPEND_ONLY = ("audit_log", "record_version")
SPATIAL = ("project", "municipality", "site")


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION permille_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION permille_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION permille_append_only()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
            )


def _postgis_points() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in SPATIAL:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN geom geometry(Point, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_geom ON {table} USING gist (geom)")


revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "organisation",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("membership", sa.String(length=20), nullable=False),
        sa.Column("org_type", sa.String(length=40), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("website", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_organisation_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("name", name=op.f("uq_organisation_name")),
    )
    op.create_index(op.f("ix_organisation_country_iso3"), "organisation", ["country_iso3"], unique=False)
    op.create_index(
        op.f("ix_organisation_organisation_id"), "organisation", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_organisation_published"), "organisation", ["published"], unique=False)
    op.create_table(
        "app_user",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_app_user_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("email", name=op.f("uq_app_user_email")),
    )
    op.create_index(op.f("ix_app_user_organisation_id"), "app_user", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_app_user_published"), "app_user", ["published"], unique=False)
    op.create_table(
        "branding",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("branding_type", sa.String(length=30), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_branding_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_branding")),
    )
    op.create_index(op.f("ix_branding_country_iso3"), "branding", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_branding_organisation_id"), "branding", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_branding_published"), "branding", ["published"], unique=False)
    op.create_table(
        "budget_line",
        sa.Column("objective", sa.String(length=10), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Double(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("funder", sa.String(length=300), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_budget_line_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_line")),
    )
    op.create_index(op.f("ix_budget_line_objective"), "budget_line", ["objective"], unique=False)
    op.create_index(op.f("ix_budget_line_organisation_id"), "budget_line", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_budget_line_published"), "budget_line", ["published"], unique=False)
    op.create_table(
        "contact",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("affiliation", sa.String(length=300), nullable=False),
        sa.Column("audience", sa.String(length=30), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_contact_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    op.create_index(op.f("ix_contact_country_iso3"), "contact", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_contact_organisation_id"), "contact", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_contact_published"), "contact", ["published"], unique=False)
    op.create_table(
        "helpdesk_request",
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
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_helpdesk_request_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_request")),
    )
    op.create_index(
        op.f("ix_helpdesk_request_country_iso3"), "helpdesk_request", ["country_iso3"], unique=False
    )
    op.create_index(
        op.f("ix_helpdesk_request_organisation_id"), "helpdesk_request", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_helpdesk_request_published"), "helpdesk_request", ["published"], unique=False)
    op.create_index(op.f("ix_helpdesk_request_status"), "helpdesk_request", ["status"], unique=False)
    op.create_table(
        "meeting",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("meeting_type", sa.String(length=30), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("location", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_meeting_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    op.create_index(op.f("ix_meeting_country_iso3"), "meeting", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_meeting_date"), "meeting", ["date"], unique=False)
    op.create_index(op.f("ix_meeting_organisation_id"), "meeting", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_meeting_published"), "meeting", ["published"], unique=False)
    op.create_table(
        "monitoring_tool",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("scale", sa.String(length=40), nullable=False),
        sa.Column("accuracy", sa.String(length=300), nullable=False),
        sa.Column("cost", sa.String(length=20), nullable=False),
        sa.Column("mrv_suitability", sa.String(length=20), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_monitoring_tool_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_tool")),
    )
    op.create_index(op.f("ix_monitoring_tool_category"), "monitoring_tool", ["category"], unique=False)
    op.create_index(
        op.f("ix_monitoring_tool_organisation_id"), "monitoring_tool", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_monitoring_tool_published"), "monitoring_tool", ["published"], unique=False)
    op.create_table(
        "municipality",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("twin_id", sa.Integer(), nullable=True),
        sa.Column("population", sa.Integer(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("lat >= -90 AND lat <= 90", name=op.f("ck_municipality_lat_range")),
        sa.CheckConstraint("lon >= -180 AND lon <= 180", name=op.f("ck_municipality_lon_range")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_municipality_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["twin_id"], ["municipality.id"], name=op.f("fk_municipality_twin_id_municipality")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipality")),
    )
    op.create_index(op.f("ix_municipality_country_iso3"), "municipality", ["country_iso3"], unique=False)
    op.create_index(
        op.f("ix_municipality_organisation_id"), "municipality", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_municipality_published"), "municipality", ["published"], unique=False)
    op.create_table(
        "ndc_entry",
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("ndc_version", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("refers_soc", sa.Boolean(), nullable=False),
        sa.Column("refers_soil_health", sa.Boolean(), nullable=False),
        sa.Column("refers_peatlands_wetlands", sa.Boolean(), nullable=False),
        sa.Column("how", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_ndc_entry_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ndc_entry")),
    )
    op.create_index(op.f("ix_ndc_entry_country_iso3"), "ndc_entry", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_ndc_entry_organisation_id"), "ndc_entry", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_ndc_entry_published"), "ndc_entry", ["published"], unique=False)
    op.create_table(
        "network",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("network_type", sa.String(length=30), nullable=False),
        sa.Column("scope", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_network_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network")),
    )
    op.create_index(op.f("ix_network_organisation_id"), "network", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_network_published"), "network", ["published"], unique=False)
    op.create_table(
        "practice",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column("climate_zone", sa.String(length=100), nullable=False),
        sa.Column("land_use", sa.String(length=60), nullable=False),
        sa.Column("soil", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_level", sa.String(length=30), nullable=False),
        sa.Column("effect_t_c_ha_yr", sa.Double(), nullable=True),
        sa.Column("effect_uncertainty_t_c_ha_yr", sa.Double(), nullable=True),
        sa.Column("depth_cm", sa.Double(), nullable=True),
        sa.Column("references", sa.JSON(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_practice_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
    )
    op.create_index(op.f("ix_practice_country_iso3"), "practice", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_practice_organisation_id"), "practice", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_practice_published"), "practice", ["published"], unique=False)
    op.create_table(
        "project",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("area_ha", sa.Float(), nullable=False),
        sa.Column("practices", sa.JSON(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("balance_input", sa.JSON(), nullable=True),
        sa.Column("expected_impact", sa.JSON(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("lat >= -90 AND lat <= 90", name=op.f("ck_project_lat_range")),
        sa.CheckConstraint("lon >= -180 AND lon <= 180", name=op.f("ck_project_lon_range")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_project_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
    )
    op.create_index(op.f("ix_project_country_iso3"), "project", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_project_organisation_id"), "project", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_project_published"), "project", ["published"], unique=False)
    op.create_index(op.f("ix_project_stage"), "project", ["stage"], unique=False)
    op.create_table(
        "scheme_review",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("scheme_type", sa.String(length=40), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("methodology", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_scheme_review_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheme_review")),
    )
    op.create_index(op.f("ix_scheme_review_country_iso3"), "scheme_review", ["country_iso3"], unique=False)
    op.create_index(
        op.f("ix_scheme_review_organisation_id"), "scheme_review", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_scheme_review_published"), "scheme_review", ["published"], unique=False)
    op.create_table(
        "site",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("land_use", sa.String(length=30), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("lat >= -90 AND lat <= 90", name=op.f("ck_site_lat_range")),
        sa.CheckConstraint("lon >= -180 AND lon <= 180", name=op.f("ck_site_lon_range")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_site_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site")),
    )
    op.create_index(op.f("ix_site_country_iso3"), "site", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_site_organisation_id"), "site", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_site_published"), "site", ["published"], unique=False)
    op.create_table(
        "strategy",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("strategy_type", sa.String(length=40), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_strategy_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strategy")),
    )
    op.create_index(op.f("ix_strategy_country_iso3"), "strategy", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_strategy_organisation_id"), "strategy", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_strategy_published"), "strategy", ["published"], unique=False)
    op.create_table(
        "study",
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("authors", sa.String(length=1000), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("study_type", sa.String(length=30), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_study_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study")),
    )
    op.create_index(op.f("ix_study_country_iso3"), "study", ["country_iso3"], unique=False)
    op.create_index(op.f("ix_study_organisation_id"), "study", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_study_published"), "study", ["published"], unique=False)
    op.create_table(
        "toolkit_usage",
        sa.Column("tool", sa.String(length=60), nullable=False),
        sa.Column("country_iso3", sa.String(length=3), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_toolkit_usage_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_toolkit_usage")),
    )
    op.create_index(op.f("ix_toolkit_usage_at"), "toolkit_usage", ["at"], unique=False)
    op.create_index(op.f("ix_toolkit_usage_country_iso3"), "toolkit_usage", ["country_iso3"], unique=False)
    op.create_index(
        op.f("ix_toolkit_usage_organisation_id"), "toolkit_usage", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_toolkit_usage_published"), "toolkit_usage", ["published"], unique=False)
    op.create_index(op.f("ix_toolkit_usage_tool"), "toolkit_usage", ["tool"], unique=False)
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_api_token_user_id_app_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_index(op.f("ix_api_token_user_id"), "api_token", ["user_id"], unique=False)
    op.create_table(
        "assessment",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_assessment_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f("fk_assessment_project_id_project")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
    )
    op.create_index(op.f("ix_assessment_organisation_id"), "assessment", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_assessment_project_id"), "assessment", ["project_id"], unique=False)
    op.create_index(op.f("ix_assessment_published"), "assessment", ["published"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], name=op.f("fk_audit_log_user_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_at"), "audit_log", ["at"], unique=False)
    op.create_index("ix_audit_log_kind_record", "audit_log", ["kind", "record_id"], unique=False)
    op.create_table(
        "layer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("upper_cm", sa.Double(), nullable=False),
        sa.Column("lower_cm", sa.Double(), nullable=False),
        sa.CheckConstraint("upper_cm >= 0 AND upper_cm < lower_cm", name=op.f("ck_layer_depth_order")),
        sa.ForeignKeyConstraint(["site_id"], ["site.id"], name=op.f("fk_layer_site_id_site")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_layer")),
        sa.UniqueConstraint(
            "site_id", "upper_cm", "lower_cm", name=op.f("uq_layer_site_id_upper_cm_lower_cm")
        ),
    )
    op.create_index(op.f("ix_layer_site_id"), "layer", ["site_id"], unique=False)
    op.create_table(
        "record_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_record_version_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_version")),
        sa.UniqueConstraint(
            "kind", "record_id", "version", name=op.f("uq_record_version_kind_record_id_version")
        ),
    )
    op.create_table(
        "observation",
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("property", sa.String(length=30), nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("uncertainty", sa.Double(), nullable=True),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["layer_id"], ["layer.id"], name=op.f("fk_observation_layer_id_layer")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_observation_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation")),
    )
    op.create_index(op.f("ix_observation_layer_id"), "observation", ["layer_id"], unique=False)
    op.create_index(op.f("ix_observation_organisation_id"), "observation", ["organisation_id"], unique=False)
    op.create_index(op.f("ix_observation_property"), "observation", ["property"], unique=False)
    op.create_index(op.f("ix_observation_published"), "observation", ["published"], unique=False)
    _postgis_points()
    _append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS permille_append_only CASCADE")
    op.drop_index(op.f("ix_observation_published"), table_name="observation")
    op.drop_index(op.f("ix_observation_property"), table_name="observation")
    op.drop_index(op.f("ix_observation_organisation_id"), table_name="observation")
    op.drop_index(op.f("ix_observation_layer_id"), table_name="observation")
    op.drop_table("observation")
    op.drop_table("record_version")
    op.drop_index(op.f("ix_layer_site_id"), table_name="layer")
    op.drop_table("layer")
    op.drop_index("ix_audit_log_kind_record", table_name="audit_log")
    op.drop_index(op.f("ix_audit_log_at"), table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_index(op.f("ix_assessment_published"), table_name="assessment")
    op.drop_index(op.f("ix_assessment_project_id"), table_name="assessment")
    op.drop_index(op.f("ix_assessment_organisation_id"), table_name="assessment")
    op.drop_table("assessment")
    op.drop_index(op.f("ix_api_token_user_id"), table_name="api_token")
    op.drop_table("api_token")
    op.drop_index(op.f("ix_toolkit_usage_tool"), table_name="toolkit_usage")
    op.drop_index(op.f("ix_toolkit_usage_published"), table_name="toolkit_usage")
    op.drop_index(op.f("ix_toolkit_usage_organisation_id"), table_name="toolkit_usage")
    op.drop_index(op.f("ix_toolkit_usage_country_iso3"), table_name="toolkit_usage")
    op.drop_index(op.f("ix_toolkit_usage_at"), table_name="toolkit_usage")
    op.drop_table("toolkit_usage")
    op.drop_index(op.f("ix_study_published"), table_name="study")
    op.drop_index(op.f("ix_study_organisation_id"), table_name="study")
    op.drop_index(op.f("ix_study_country_iso3"), table_name="study")
    op.drop_table("study")
    op.drop_index(op.f("ix_strategy_published"), table_name="strategy")
    op.drop_index(op.f("ix_strategy_organisation_id"), table_name="strategy")
    op.drop_index(op.f("ix_strategy_country_iso3"), table_name="strategy")
    op.drop_table("strategy")
    op.drop_index(op.f("ix_site_published"), table_name="site")
    op.drop_index(op.f("ix_site_organisation_id"), table_name="site")
    op.drop_index(op.f("ix_site_country_iso3"), table_name="site")
    op.drop_table("site")
    op.drop_index(op.f("ix_scheme_review_published"), table_name="scheme_review")
    op.drop_index(op.f("ix_scheme_review_organisation_id"), table_name="scheme_review")
    op.drop_index(op.f("ix_scheme_review_country_iso3"), table_name="scheme_review")
    op.drop_table("scheme_review")
    op.drop_index(op.f("ix_project_stage"), table_name="project")
    op.drop_index(op.f("ix_project_published"), table_name="project")
    op.drop_index(op.f("ix_project_organisation_id"), table_name="project")
    op.drop_index(op.f("ix_project_country_iso3"), table_name="project")
    op.drop_table("project")
    op.drop_index(op.f("ix_practice_published"), table_name="practice")
    op.drop_index(op.f("ix_practice_organisation_id"), table_name="practice")
    op.drop_index(op.f("ix_practice_country_iso3"), table_name="practice")
    op.drop_table("practice")
    op.drop_index(op.f("ix_network_published"), table_name="network")
    op.drop_index(op.f("ix_network_organisation_id"), table_name="network")
    op.drop_table("network")
    op.drop_index(op.f("ix_ndc_entry_published"), table_name="ndc_entry")
    op.drop_index(op.f("ix_ndc_entry_organisation_id"), table_name="ndc_entry")
    op.drop_index(op.f("ix_ndc_entry_country_iso3"), table_name="ndc_entry")
    op.drop_table("ndc_entry")
    op.drop_index(op.f("ix_municipality_published"), table_name="municipality")
    op.drop_index(op.f("ix_municipality_organisation_id"), table_name="municipality")
    op.drop_index(op.f("ix_municipality_country_iso3"), table_name="municipality")
    op.drop_table("municipality")
    op.drop_index(op.f("ix_monitoring_tool_published"), table_name="monitoring_tool")
    op.drop_index(op.f("ix_monitoring_tool_organisation_id"), table_name="monitoring_tool")
    op.drop_index(op.f("ix_monitoring_tool_category"), table_name="monitoring_tool")
    op.drop_table("monitoring_tool")
    op.drop_index(op.f("ix_meeting_published"), table_name="meeting")
    op.drop_index(op.f("ix_meeting_organisation_id"), table_name="meeting")
    op.drop_index(op.f("ix_meeting_date"), table_name="meeting")
    op.drop_index(op.f("ix_meeting_country_iso3"), table_name="meeting")
    op.drop_table("meeting")
    op.drop_index(op.f("ix_helpdesk_request_status"), table_name="helpdesk_request")
    op.drop_index(op.f("ix_helpdesk_request_published"), table_name="helpdesk_request")
    op.drop_index(op.f("ix_helpdesk_request_organisation_id"), table_name="helpdesk_request")
    op.drop_index(op.f("ix_helpdesk_request_country_iso3"), table_name="helpdesk_request")
    op.drop_table("helpdesk_request")
    op.drop_index(op.f("ix_contact_published"), table_name="contact")
    op.drop_index(op.f("ix_contact_organisation_id"), table_name="contact")
    op.drop_index(op.f("ix_contact_country_iso3"), table_name="contact")
    op.drop_table("contact")
    op.drop_index(op.f("ix_budget_line_published"), table_name="budget_line")
    op.drop_index(op.f("ix_budget_line_organisation_id"), table_name="budget_line")
    op.drop_index(op.f("ix_budget_line_objective"), table_name="budget_line")
    op.drop_table("budget_line")
    op.drop_index(op.f("ix_branding_published"), table_name="branding")
    op.drop_index(op.f("ix_branding_organisation_id"), table_name="branding")
    op.drop_index(op.f("ix_branding_country_iso3"), table_name="branding")
    op.drop_table("branding")
    op.drop_index(op.f("ix_app_user_published"), table_name="app_user")
    op.drop_index(op.f("ix_app_user_organisation_id"), table_name="app_user")
    op.drop_table("app_user")
    op.drop_index(op.f("ix_organisation_published"), table_name="organisation")
    op.drop_index(op.f("ix_organisation_organisation_id"), table_name="organisation")
    op.drop_index(op.f("ix_organisation_country_iso3"), table_name="organisation")
    op.drop_table("organisation")
