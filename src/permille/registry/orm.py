"""The registry's tables (SQLAlchemy 2 declarative). Migration ``0001_core`` creates them.

Every record (:class:`Record`) has ``id``, ``created_at`` and ``updated_at`` (UTC), ``version``
(optimistic locking: an update of a stale row fails), ``organisation_id`` (the owner, nullable) and
``published``. Spatial records carry ``lon``/``lat`` in WGS 84 degrees; on PostgreSQL the migration adds
a generated PostGIS point ``geom`` (SRID 4326) with a GiST index. Amounts and quantities name their unit.
"""

import builtins
import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite stores it naive, in UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; give a timezone-aware (UTC) timestamp")
        return value.astimezone(datetime.UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime.datetime: UTCDateTime, dict: JSON, list: JSON}


class Record:
    """Columns shared by every record kind."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """A demonstration record (``permille serve --demo``): never counted by an indicator."""
    verified_at: Mapped[datetime.datetime | None]
    """When the Secretariat last verified the record's content (its write or publication); None: not
    verified (new, or changed since by someone else). Indicators count verified records only."""
    verified_by: Mapped[str | None] = mapped_column(String(320))
    """Who verified it: a Secretariat user's e-mail, or "system" (bundled, sourced catalogues)."""

    @declared_attr
    def organisation_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("organisation.id"), index=True)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


class Spatial:
    """A point in WGS 84: ``lon`` in [-180, 180], ``lat`` in [-90, 90] degrees."""

    lon: Mapped[float] = mapped_column(Float)
    lat: Mapped[float] = mapped_column(Float)

    @declared_attr.directive
    def __table_args__(cls):
        return (
            CheckConstraint("lon >= -180 AND lon <= 180", name="lon_range"),
            CheckConstraint("lat >= -90 AND lat <= 90", name="lat_range"),
        )


class Organisation(Record, Base):
    """A member or partner of the Initiative."""

    __tablename__ = "organisation"
    name: Mapped[str] = mapped_column(String(300), unique=True)
    membership: Mapped[str] = mapped_column(String(20))  # member, partner
    org_type: Mapped[str] = mapped_column(String(40))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    region: Mapped[str | None] = mapped_column(String(60))
    website: Mapped[str] = mapped_column(String(500), default="")


class User(Record, Base):
    """A person who signs in; ``role`` decides what they may do (see permissions.py)."""

    __tablename__ = "app_user"
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="en")  # of the e-mails sent to them
    org_admin: Mapped[bool] = mapped_column(Boolean, default=False)  # invites colleagues


class ApiToken(Base):
    """A bearer token, stored only as its SHA-256 hex digest, valid until ``expires_at``."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime.datetime] = mapped_column(index=True)
    last_used_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    user_agent: Mapped[str | None] = mapped_column(String(200), default=None)
    user: Mapped[User] = relationship(lazy="joined")


class LoginAttempt(Base):
    """A sign-in that reached the password check and has not succeeded (yet): the rate limit counts these
    by ``email`` (lower case, as typed) and by client ``address`` (see ``api/security.py``). Kept in the
    database so that every worker counts the same attempts; rows older than the window are deleted."""

    __tablename__ = "login_attempt"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


class AuditLog(Base):
    """One row per write, never changed or deleted (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    actor: Mapped[str] = mapped_column(String(320))  # the user's e-mail, or "system"
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))  # create, update, publish
    before: Mapped[dict | None]
    after: Mapped[dict | None]

    __table_args__ = (
        Index("ix_audit_log_kind_record", "kind", "record_id"),
        Index("ix_audit_log_kind_id", "kind", "id"),  # the newest change of a kind (api/readmodels.py)
    )


class RecordVersion(Base):
    """A snapshot of each version of a versioned record (assessments, observations); append-only."""

    __tablename__ = "record_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    data: Mapped[dict]

    __table_args__ = (UniqueConstraint("kind", "record_id", "version"),)


class Project(Spatial, Record, Base):
    """A «4 per 1000» project; ``expected_impact`` is computed from ``balance_input`` by the models."""

    __tablename__ = "project"
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    country_iso3: Mapped[str] = mapped_column(String(3), index=True)
    area_ha: Mapped[float] = mapped_column(Float)
    practices: Mapped[list] = mapped_column(default=list)
    stage: Mapped[str] = mapped_column(String(20), index=True)
    start_year: Mapped[int | None]
    balance_input: Mapped[dict | None]
    expected_impact: Mapped[dict | None]


class Assessment(Record, Base):
    """The scientific and technical committee's formative assessment of a project (versioned)."""

    __tablename__ = "assessment"
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    assessed_on: Mapped[datetime.date] = mapped_column(Date)
    scores: Mapped[dict]  # criterion → {"score": 0–5, "comment": str}
    summary: Mapped[str] = mapped_column(Text, default="")


class Practice(Record, Base):
    """A good SOC-management practice with its context, evidence and measured effect (objective B2)."""

    __tablename__ = "practice"
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(60), default="")
    climate_zone: Mapped[str] = mapped_column(String(100), default="")
    land_use: Mapped[str] = mapped_column(String(60), default="")
    soil: Mapped[str] = mapped_column(String(200), default="")
    region: Mapped[str | None] = mapped_column(String(60))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    evidence_level: Mapped[str] = mapped_column(String(30))
    effect_t_c_ha_yr: Mapped[float | None]
    effect_uncertainty_t_c_ha_yr: Mapped[float | None]
    depth_cm: Mapped[float | None]
    references: Mapped[list] = mapped_column(default=list)
    languages: Mapped[list] = mapped_column(default=list)


class MonitoringTool(Record, Base):
    """A SOC monitoring tool or method (objective E1)."""

    __tablename__ = "monitoring_tool"
    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    scale: Mapped[str] = mapped_column(String(40))
    accuracy: Mapped[str] = mapped_column(String(300), default="")
    cost: Mapped[str] = mapped_column(String(20))
    mrv_suitability: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(500), default="")
    references: Mapped[list] = mapped_column(default=list)


class NdcEntry(Record, Base):
    """Whether and how a country's NDC (one version) refers to SOC, soil health, peatlands/wetlands (A1)."""

    __tablename__ = "ndc_entry"
    country_iso3: Mapped[str] = mapped_column(String(3), index=True)
    ndc_version: Mapped[str] = mapped_column(String(40))
    year: Mapped[int]
    refers_soc: Mapped[bool] = mapped_column(Boolean)
    refers_soil_health: Mapped[bool] = mapped_column(Boolean)
    refers_peatlands_wetlands: Mapped[bool] = mapped_column(Boolean)
    how: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500), default="")


class Strategy(Record, Base):
    """A national strategy or investment plan including soil carbon (B1)."""

    __tablename__ = "strategy"
    title: Mapped[str] = mapped_column(String(300))
    strategy_type: Mapped[str] = mapped_column(String(40))
    country_iso3: Mapped[str] = mapped_column(String(3), index=True)
    year: Mapped[int]
    status: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")


class SchemeReview(Record, Base):
    """A review of a compensation (carbon credit) scheme (A5)."""

    __tablename__ = "scheme_review"
    name: Mapped[str] = mapped_column(String(300))
    scheme_type: Mapped[str] = mapped_column(String(40))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    year: Mapped[int]
    recognised_4p1000: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The scheme is the «4 per 1000» certified compensation scheme (KPI A5)."""
    methodology: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")


class Study(Record, Base):
    """A study or review (A3)."""

    __tablename__ = "study"
    title: Mapped[str] = mapped_column(String(500))
    authors: Mapped[str] = mapped_column(String(1000), default="")
    year: Mapped[int]
    study_type: Mapped[str] = mapped_column(String(30))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")


class Meeting(Record, Base):
    """A meeting, its notes, or a regional event (A4, D2)."""

    __tablename__ = "meeting"
    title: Mapped[str] = mapped_column(String(300))
    meeting_type: Mapped[str] = mapped_column(String(30))
    date: Mapped[datetime.date] = mapped_column(Date, index=True)
    region: Mapped[str | None] = mapped_column(String(60))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    location: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None]  # seats for registration; None: no limit (registry/calendar.py)


class Network(Record, Base):
    """A network or partnership (D3, D4)."""

    __tablename__ = "network"
    name: Mapped[str] = mapped_column(String(300))
    network_type: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(String(30))
    audience: Mapped[str] = mapped_column(String(20), default="general", server_default="general")
    """general, youth or senior (KPI D3)."""
    develops_tools: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """The partner develops impact-assessment tools (EX-ACT, CBP …; KPI E3)."""
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")


class Contact(Record, Base):
    """An outreach contact (C2, C3); restricted: never public."""

    __tablename__ = "contact"
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320), default="")
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    audience: Mapped[str] = mapped_column(String(30))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    language: Mapped[str] = mapped_column(String(8), default="")
    notes: Mapped[str] = mapped_column(Text, default="")


class Branding(Record, Base):
    """A branding mechanism (label, certification…) (C4)."""

    __tablename__ = "branding"
    name: Mapped[str] = mapped_column(String(300))
    branding_type: Mapped[str] = mapped_column(String(30))
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500), default="")


class Municipality(Spatial, Record, Base):
    """A municipality of the twin-region programme (F1); ``twin_id`` names its twin."""

    __tablename__ = "municipality"
    name: Mapped[str] = mapped_column(String(300))
    country_iso3: Mapped[str] = mapped_column(String(3), index=True)
    region: Mapped[str | None] = mapped_column(String(60))
    twin_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    population: Mapped[int | None]


class BudgetLine(Record, Base):
    """A budget line (F2); restricted."""

    __tablename__ = "budget_line"
    objective: Mapped[str] = mapped_column(String(10), index=True)
    label: Mapped[str] = mapped_column(String(300))
    year: Mapped[int]
    amount: Mapped[float]
    currency: Mapped[str] = mapped_column(String(3))
    funder: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20))


class ToolkitUsage(Record, Base):
    """One use of a toolkit calculator, by country (B4). A use through the API names its ``actor``
    ("user:<id>", or "client:<salted SHA-256 of the client address and the day>", never the address) and
    its UTC ``day``: one row per tool, country, actor and day (:mod:`permille.registry.usage`)."""

    __tablename__ = "toolkit_usage"
    tool: Mapped[str] = mapped_column(String(60), index=True)
    country_iso3: Mapped[str | None] = mapped_column(String(3), index=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str | None] = mapped_column(String(80))
    day: Mapped[datetime.date | None] = mapped_column(Date)

    __table_args__ = (Index("uq_toolkit_usage_once", "tool", "country_iso3", "actor", "day", unique=True),)


class SignIn(Base):
    """The days (UTC) on which a user signed in, one row per user and day: an organisation is active on the
    platform (KPI D1) while one of its users signed in within the last 90 days (counting-rules.yaml)."""

    __tablename__ = "sign_in"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[datetime.date] = mapped_column(Date, primary_key=True, index=True)


class UsageSalt(Base):
    """The random salt of one UTC day's client hashes (:mod:`permille.registry.usage`); deleted once the
    day is over, so that a stored hash can no longer be linked to an address by trying them all."""

    __tablename__ = "usage_salt"
    day: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))


class Site(Spatial, Record, Base):
    """A place where soil is observed."""

    __tablename__ = "site"
    name: Mapped[str] = mapped_column(String(300))
    country_iso3: Mapped[str] = mapped_column(String(3), index=True)
    land_use: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(Text, default="")


class Layer(Base):
    """A depth interval of a site, ``upper_cm`` < ``lower_cm`` (cm below the surface)."""

    __tablename__ = "layer"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id"), index=True)
    upper_cm: Mapped[float]
    lower_cm: Mapped[float]
    site: Mapped[Site] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("site_id", "upper_cm", "lower_cm"),
        CheckConstraint("upper_cm >= 0 AND upper_cm < lower_cm", name="depth_order"),
    )


class Observation(Record, Base):
    """One measured result of a layer: ``property`` (permille.measure.soildata.Property) in ``unit``,
    ``uncertainty`` (±, same unit), sampled on ``date``; versioned."""

    __tablename__ = "observation"
    layer_id: Mapped[int] = mapped_column(ForeignKey("layer.id"), index=True)
    property: Mapped[str] = mapped_column(String(30), index=True)
    value: Mapped[float]
    unit: Mapped[str] = mapped_column(String(20))
    uncertainty: Mapped[float | None]
    date: Mapped[datetime.date | None] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(200), default="")
    proposed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    layer: Mapped[Layer] = relationship(lazy="joined")

    # the column "property" shadows the builtin in this class body
    @builtins.property
    def site_id(self) -> int:
        return self.layer.site_id

    @builtins.property
    def upper_cm(self) -> float:
        return self.layer.upper_cm

    @builtins.property
    def lower_cm(self) -> float:
        return self.layer.lower_cm

    @builtins.property
    def country_iso3(self) -> str:
        return self.layer.site.country_iso3


# --- accounts' life cycle, review, e-mail (migration 0005_accounts) ----------------------------------------


class MembershipApplication(Base):
    """A public application to join the Initiative; ``state`` pending → approved (``organisation_id`` the
    organisation it created) or declined (``reason`` told to the applicant)."""

    __tablename__ = "membership_application"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    organisation_name: Mapped[str] = mapped_column(String(300))
    membership: Mapped[str] = mapped_column(String(20))  # member, partner
    org_type: Mapped[str] = mapped_column(String(40))
    region: Mapped[str | None] = mapped_column(String(60))
    country_iso3: Mapped[str | None] = mapped_column(String(3))
    website: Mapped[str] = mapped_column(String(500), default="")
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8), default="en")
    motivation: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime.datetime | None]
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))


class AccountToken(Base):
    """A single-use link sent by e-mail: ``purpose`` "invite" (set a first password, 7 days) or "reset"
    (set a new password, 1 hour); stored only as the SHA-256 digest of the token."""

    __tablename__ = "account_token"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime.datetime]
    used_at: Mapped[datetime.datetime | None]
    user: Mapped[User] = relationship(lazy="joined")


class ReviewState(Base):
    """Where a record of a member or partner stands in the review: ``state`` submitted → returned (with
    ``comment``) or approved (published; ``approved_data`` is the record as approved, the base of the next
    review's changes). A record without a row is a draft (or was published by the Secretariat itself).
    ``proposed``: the pending change of a published record (the fields that differ, :mod:`.pending`), by
    ``proposed_by``; the published record is untouched until it is approved."""

    __tablename__ = "review_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    submitted_at: Mapped[datetime.datetime | None]
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime.datetime | None]
    approved_data: Mapped[dict | None]
    proposed: Mapped[dict | None]
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    __table_args__ = (UniqueConstraint("kind", "record_id"),)


class MailMessage(Base):
    """An e-mail to send (a persisted queue): written in the transaction of the action that causes it, so
    that the action and its message are kept together; ``state`` pending → sent, or failed after
    ``attempts`` tries (``last_error``); retried from ``next_attempt_at`` (permille.mail.queue)."""

    __tablename__ = "mail_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    template: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime.datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")


# --- the Initiative's workflows (migration 0005_workflows; docs/workflows.md) ------------------------------


class ProjectCall(Base):
    """A call for projects opened by the Secretariat: submissions from ``opens_at`` until ``closes_at``,
    scores until ``review_by``; ``regions`` eligible (empty: every region); ``criteria`` scored by the STC."""

    __tablename__ = "project_call"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime.datetime]
    closes_at: Mapped[datetime.datetime]
    review_by: Mapped[datetime.datetime]
    regions: Mapped[list] = mapped_column(default=list)
    criteria: Mapped[list] = mapped_column(default=list)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CallApplication(Base):
    """A project submitted to a call by its organisation; ``state`` follows data/workflows/call_application.yaml."""

    __tablename__ = "call_application"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("project_call.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    region: Mapped[str] = mapped_column(String(60))
    summary: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # of the Secretariat's decision
    decided_at: Mapped[datetime.datetime | None]

    __table_args__ = (UniqueConstraint("call_id", "project_id"),)


class CallReview(Base):
    """An STC reviewer assigned to an application; ``scores`` {criterion: {score 0-5, comment}} once sent."""

    __tablename__ = "call_review"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("call_application.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    assigned_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    scores: Mapped[dict | None]
    comment: Mapped[str] = mapped_column(Text, default="")
    scored_at: Mapped[datetime.datetime | None]

    __table_args__ = (UniqueConstraint("application_id", "reviewer_id"),)


class ReviewConflict(Base):
    """A refused assignment: the reviewer has a conflict of interest with the application (``reason``)."""

    __tablename__ = "review_conflict"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("call_application.id"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class CallReport(Base):
    """A selected project's yearly report: what was done, and the SOC change measured at its sites
    (``measured_t_c_ha``, t C/ha over the year, with ``uncertainty_t_c_ha``) against the models' expectation."""

    __tablename__ = "call_report"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("call_application.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    measured_t_c_ha: Mapped[float | None] = mapped_column(Float)
    uncertainty_t_c_ha: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))

    __table_args__ = (UniqueConstraint("application_id", "year"),)


class HelpdeskExpert(Base):
    """A partner or STC user who answers the helpdesk of ``regions`` on ``topics``."""

    __tablename__ = "helpdesk_expert"
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    regions: Mapped[list] = mapped_column(default=list)
    topics: Mapped[list] = mapped_column(default=list)


class HelpdeskQuestion(Base):
    """A question to a regional helpdesk; ``state`` follows data/workflows/helpdesk_question.yaml. An
    anonymous asker acts through the secret link mailed to them (stored as its SHA-256 digest)."""

    __tablename__ = "helpdesk_question"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow, index=True)
    region: Mapped[str] = mapped_column(String(60), index=True)
    country_iso3: Mapped[str | None] = mapped_column(String(3))
    topic: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    subject: Mapped[str] = mapped_column(String(300))
    question: Mapped[str] = mapped_column(Text)
    asker_email: Mapped[str] = mapped_column(String(320))
    asker_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    asker_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    answered_at: Mapped[datetime.datetime | None]  # the first answer (B3: within 30 days)
    closed_at: Mapped[datetime.datetime | None]
    demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Asked by the demo seed (``permille serve --demo``): never counted by KPI B3."""


class HelpdeskMessage(Base):
    """One message of a helpdesk thread: an expert's answer or the asker's follow-up (``author``)."""

    __tablename__ = "helpdesk_message"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("helpdesk_question.id"), index=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    author: Mapped[str] = mapped_column(String(10))  # expert, asker
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(Text)


class FaqEntry(Base):
    """An answer proposed by an expert as a public FAQ entry, published after the Secretariat's review."""

    __tablename__ = "faq_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int | None] = mapped_column(ForeignKey("helpdesk_question.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    region: Mapped[str] = mapped_column(String(60))
    topic: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(20), index=True)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    published_at: Mapped[datetime.datetime | None]


class Notification(Base):
    """An entry of a user's inbox; ``mail`` says what became of its e-mail: sent (queued), digest (waits
    for the daily digest), digested, off (the user unsubscribed from its ``kind``)."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(500), default="")
    read_at: Mapped[datetime.datetime | None]
    mail: Mapped[str] = mapped_column(String(10), index=True)


class NotificationPreference(Base):
    """How a user gets the e-mails of one ``kind``: ``mode`` immediate, digest or off; ``token``: the
    secret of the one-click unsubscribe link in each of these e-mails (it can only switch this kind off,
    so it is kept as is, to be written into every message)."""

    __tablename__ = "notification_preference"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))
    token: Mapped[str] = mapped_column(String(64), unique=True)

    __table_args__ = (UniqueConstraint("user_id", "kind"),)


class Comment(Base):
    """A comment in the thread of a record (``kind``: projects or call-applications), by a signed-in user
    who may read the record."""

    __tablename__ = "comment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    text: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_comment_kind_record", "kind", "record_id"),)


class SavedCalculation(Base):
    """A calculation of the online toolkit saved by a signed-in user (:mod:`permille.registry.saved_calculations`):
    the calculator's ``inputs`` (its request), the ``summary`` of the result when saved and the
    ``software_version`` that computed it; ``shared``: readable (never writable) by the owner's organisation."""

    __tablename__ = "saved_calculation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    calculator: Mapped[str] = mapped_column(String(20))
    inputs: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[dict] = mapped_column(JSON)
    software_version: Mapped[str] = mapped_column(String(40))
    shared: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "name"),)


class Attachment(Base):
    """A document attached to a record (``kind`` as in :mod:`permille.registry.subjects`): its name as
    uploaded, the type sniffed from its bytes, its size (bytes) and the SHA-256 under which the file store
    keeps the bytes (once, however many records they are attached to)."""

    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)

    __table_args__ = (Index("ix_attachment_kind_record", "kind", "record_id"),)


class WorkingGroup(Base):
    """A working group of the Initiative (the STC, the Bureau, a regional group): its members, document
    library (attachments of kind ``working-groups``) and thread; who may do what is the table
    ``data/workflows/working_group.yaml``."""

    __tablename__ = "working_group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    group_type: Mapped[str] = mapped_column(String(20))  # stc, bureau, regional, thematic
    region: Mapped[str | None] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text, default="")


class WorkingGroupMember(Base):
    """A user's membership of a working group; ``role``: chair or member."""

    __tablename__ = "working_group_member"
    group_id: Mapped[int] = mapped_column(
        ForeignKey("working_group.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    since: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class EventRegistration(Base):
    """A signed-in user's seat at a published meeting or event; ``cancelled_at`` set when they cancel
    (registering again clears it); ``reminded_at`` once the reminder is sent (registry/calendar.py)."""

    __tablename__ = "event_registration"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime.datetime | None]
    reminded_at: Mapped[datetime.datetime | None]

    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)


class TwinActivity(Base):
    """An action or exchange of a twin pair of municipalities (objective F1), written by the Secretariat
    or by a member or partner of the organisation owning one of the two (registry/twins.py)."""

    __tablename__ = "twin_activity"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipality.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int] = mapped_column(ForeignKey("municipality.id", ondelete="CASCADE"), index=True)
    activity_type: Mapped[str] = mapped_column(String(20))  # action, exchange
    date: Mapped[datetime.date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime.datetime] = mapped_column(default=utcnow)


class ScheduledRun(Base):
    """The lease of one daily job (``job``) on one ``day`` (UTC): the worker that inserts the row, or takes
    it over once ``lease_until`` has passed without ``finished_at``, runs the job; the others skip it
    (registry/schedule.py)."""

    __tablename__ = "scheduled_run"
    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[datetime.date] = mapped_column(Date, primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    lease_until: Mapped[datetime.datetime]
    finished_at: Mapped[datetime.datetime | None]
    result: Mapped[dict | None]
