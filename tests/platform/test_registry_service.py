"""The registry service on SQLite and PostgreSQL: migrations, the append-only audit log, versions and
optimistic locking, validation that lists every problem, all-or-nothing ingest, change events.

One database per backend for the module (``world``); each test writes its own records and counts only them.
"""

import datetime
import uuid

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from permille.registry import events, orm, service
from permille.registry.db import make_engine, migrate, session_factory
from permille.registry.kinds import KINDS
from permille.registry.orm import AuditLog, RecordVersion
from permille.registry.schemas import Criterion

SITE = {"name": "Trial", "country_iso3": "FRA", "lon": 1.0, "lat": 43.0, "land_use": "cropland"}


def soc(site_id: int, value: float = 1.5, **extra) -> dict:
    return {
        "site_id": site_id,
        "upper_cm": 0,
        "lower_cm": 30,
        "property": "soc",
        "value": value,
        "unit": "%",
    } | extra


@pytest.fixture
def session(world):
    with world.session() as session:
        yield session


@pytest.fixture
def site(session):
    return service.create(session, "sites", SITE, service.SYSTEM)


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def observations_of(site) -> tuple:
    return (orm.Observation.layer_id.in_(select(orm.Layer.id).where(orm.Layer.site_id == site.id)),)


def test_migration_creates_every_table_and_is_idempotent(engine):
    tables = set(inspect(engine).get_table_names())
    assert {m.__tablename__ for m in (k.model for k in KINDS.values())} <= tables
    assert {"audit_log", "record_version", "api_token", "layer", "alembic_version"} <= tables
    migrate(engine)  # a second run changes nothing
    with engine.connect() as connection:
        assert connection.scalar(text("SELECT version_num FROM alembic_version")) is not None


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sub' / 'r.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0


def test_postgis_point_follows_lon_lat(world, session, site):
    if world.backend != "postgresql":
        pytest.skip("PostGIS geometry exists on PostgreSQL only")
    point = session.execute(
        text("SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM site WHERE id = :id"), {"id": site.id}
    )
    assert tuple(point.one()) == (1.0, 43.0, 4326)


def test_every_write_is_audited_with_before_and_after(session, site):
    service.update(session, "sites", site.id, {"description": "long-term trial"}, service.SYSTEM)
    rows = session.scalars(
        select(AuditLog).where(AuditLog.kind == "sites", AuditLog.record_id == site.id).order_by(AuditLog.id)
    ).all()
    assert [r.action for r in rows] == ["create", "update"]
    assert rows[0].before is None and rows[0].after["description"] == ""
    assert rows[1].before["description"] == "" and rows[1].after["description"] == "long-term trial"
    assert rows[1].after["version"] == 2 and rows[1].actor == "system"
    assert rows[1].at.tzinfo is not None


@pytest.mark.parametrize("table", ["audit_log", "record_version"])
@pytest.mark.parametrize("statement", ["UPDATE {table} SET kind = 'x'", "DELETE FROM {table}"])
def test_audit_log_and_versions_are_append_only(world, session, site, table, statement):
    service.create(session, "observations", soc(site.id), service.SYSTEM)
    before = session.scalar(select(func.count()).select_from(text(table)))
    assert before >= 1
    session.commit()
    with pytest.raises(DBAPIError, match="append-only"), world.engine.begin() as connection:
        connection.execute(text(statement.format(table=table)))
    with world.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(text(table))) == before


def test_versions_are_kept_and_a_stale_update_is_refused(session, site):
    observation = service.create(session, "observations", soc(site.id), service.SYSTEM)
    service.update(session, "observations", observation.id, {"value": 1.6, "version": 1}, service.SYSTEM)
    with pytest.raises(service.Conflict, match="version 1 is stale"):
        service.update(session, "observations", observation.id, {"value": 9.9, "version": 1}, service.SYSTEM)
    with pytest.raises(service.Invalid, match="version"):  # a versioned kind needs the version
        service.update(session, "observations", observation.id, {"value": 9.9}, service.SYSTEM)
    versions = session.scalars(
        select(RecordVersion)
        .where(RecordVersion.kind == "observations", RecordVersion.record_id == observation.id)
        .order_by(RecordVersion.version)
    ).all()
    assert [(v.version, v.data["value"]) for v in versions] == [(1, 1.5), (2, 1.6)]
    assert session.get(orm.Observation, observation.id).value == 1.6


def test_concurrent_update_of_the_same_version_loses_nothing(world, site):
    sessions = session_factory(world.engine)
    with sessions() as s:
        observation = service.create(s, "observations", soc(site.id), service.SYSTEM)
    with sessions() as first, sessions() as second:
        a = first.get(orm.Observation, observation.id)
        b = second.get(orm.Observation, observation.id)
        assert a.version == b.version == 1
        first.commit(), second.commit()
        service.update(first, "observations", a.id, {"value": 2.0, "version": 1}, service.SYSTEM)
        with pytest.raises(service.Conflict):
            service.update(second, "observations", b.id, {"value": 3.0, "version": 1}, service.SYSTEM)
    with sessions() as s:
        assert s.get(orm.Observation, observation.id).value == 2.0


def test_validation_lists_every_problem(session, site):
    with pytest.raises(service.Invalid) as error:
        service.create(
            session,
            "practices",
            {"name": "", "evidence_level": "hearsay", "effect_t_c_ha_yr": 50, "languages": ["English"]},
            service.SYSTEM,
        )
    locations = {tuple(d["loc"]) for d in error.value.details}
    assert {("name",), ("evidence_level",), ("effect_t_c_ha_yr",), ("languages", "0")} <= locations
    with pytest.raises(service.Invalid, match="uncertainty"):
        service.create(
            session,
            "practices",
            {"name": "x", "evidence_level": "meta_analysis", "effect_t_c_ha_yr": 0.3},
            service.SYSTEM,
        )
    with pytest.raises(service.Invalid) as error:
        service.create(session, "observations", soc(site.id, value=120, upper_cm=40), service.SYSTEM)
    message = error.value.details[0]["message"]
    assert (
        "upper depth 40 cm is not above lower depth 30 cm" in message
        and "soc 120 % is outside [0, 100] %" in message
    )


def test_assessment_needs_a_score_for_every_criterion(session):
    project = service.create(
        session,
        "projects",
        {"name": "P", "country_iso3": "SEN", "lon": -16, "lat": 14, "area_ha": 10, "stage": "selected"},
        service.SYSTEM,
    )
    scores = {c.value: {"score": 4} for c in Criterion if c is not Criterion.WATER}
    payload = {"project_id": project.id, "assessed_on": "2026-01-10", "scores": scores}
    with pytest.raises(service.Invalid, match="water"):
        service.create(session, "assessments", payload, service.SYSTEM)
    scores["water"] = {"score": 6}
    with pytest.raises(service.Invalid) as error:
        service.create(session, "assessments", payload, service.SYSTEM)
    assert error.value.details[0]["loc"] == ["scores", "water", "score"]
    scores["water"] = {"score": 5, "comment": "irrigation reduced"}
    assessment = service.create(session, "assessments", payload, service.SYSTEM)
    assert assessment.scores["water"] == {"score": 5, "comment": "irrigation reduced"}


def test_missing_references_are_reported_not_crashed(session):
    with pytest.raises(service.Invalid, match="missing records?") as error:
        service.create(session, "observations", soc(12345), service.SYSTEM)
    assert error.value.details[0]["loc"] == ["site_id"]


def test_unique_values_conflict(session):
    organisation = {"name": "Same name", "membership": "member", "org_type": "research"}
    service.create(session, "organisations", organisation, service.SYSTEM)
    with pytest.raises(service.Conflict):
        service.create(session, "organisations", organisation, service.SYSTEM)
    assert count(session, orm.Organisation, orm.Organisation.name == "Same name") == 1


def test_user_passwords_are_hashed(session):
    user = service.create(
        session,
        "users",
        {"email": "a@example.org", "role": "stc", "password": "twelve chars!"},
        service.SYSTEM,
    )
    assert user.password_hash.startswith("$argon2id$") and "twelve" not in user.password_hash
    audit = session.scalars(
        select(AuditLog).where(AuditLog.kind == "users", AuditLog.record_id == user.id)
    ).one()
    assert "password" not in audit.after and "password_hash" not in audit.after


def test_ingest_is_all_or_nothing_and_reports_every_bad_row(session, site):
    rows = [
        {k: str(v) for k, v in soc(site.id).items()},
        {k: str(v) for k, v in soc(site.id, value=-1).items()},
        {k: str(v) for k, v in soc(999).items()},
        {k: str(v) for k, v in soc(site.id, property="colour").items()},
        {k: str(v) for k, v in soc(site.id, depth="deep").items()},
    ]
    with pytest.raises(service.Invalid) as error:
        service.ingest_observations(session, rows, service.SYSTEM)
    assert sorted({p["row"] for p in error.value.details}) == [3, 4, 5, 6]
    assert any("no site 999" in p["message"] for p in error.value.details)
    assert any(p["column"] == "depth" and p["message"] == "unknown column" for p in error.value.details)
    assert count(session, orm.Observation, *observations_of(site)) == 0
    assert count(session, orm.Layer, orm.Layer.site_id == site.id) == 0
    good = [
        {k: str(v) for k, v in soc(site.id, upper_cm=10 * i, lower_cm=10 * i + 10).items()} for i in range(5)
    ]
    ids = service.ingest_observations(session, good, service.SYSTEM)
    assert len(ids) == 5
    assert count(session, orm.Observation, *observations_of(site)) == 5
    assert count(session, AuditLog, AuditLog.kind == "observations", AuditLog.record_id.in_(ids)) == 5
    versions = count(
        session, RecordVersion, RecordVersion.kind == "observations", RecordVersion.record_id.in_(ids)
    )
    assert versions == 5


def test_ingest_rolls_back_when_the_database_refuses(session, site, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(service, "_layers", fail)
    with pytest.raises(RuntimeError):
        service.ingest_observations(session, [{k: str(v) for k, v in soc(site.id).items()}], service.SYSTEM)
    assert count(session, orm.Observation, *observations_of(site)) == 0


def test_changes_are_published_after_commit_only(session, site):
    received = []
    unsubscribe = events.subscribe(received.append)
    try:
        observation = service.create(session, "observations", soc(site.id), service.SYSTEM)
        with pytest.raises(service.Invalid):
            service.create(session, "observations", soc(site.id, value=-5), service.SYSTEM)
        with pytest.raises(service.Conflict):
            service.update(
                session, "observations", observation.id, {"value": 1, "version": 7}, service.SYSTEM
            )
    finally:
        unsubscribe()
    assert received == [
        {"kind": "observations", "action": "create", "id": observation.id, "country_iso3": "FRA"}
        | {"published": False, "organisation_id": None}  # for the event stream's reader filter
    ]


def test_list_search_filter_sort_and_pages(session):
    tag = uuid.uuid4().hex[:8]  # the module's database is shared: search this test's sites only
    for i, (name, country) in enumerate(
        [("Alpha farm", "FRA"), ("Beta farm", "SEN"), ("Gamma ranch", "FRA")]
    ):
        site = SITE | {"name": f"{name} {tag}", "country_iso3": country, "lon": i}
        service.create(session, "sites", site, service.SYSTEM)
    items, total = service.list_records(session, "sites", service.SYSTEM, q=f"FARM {tag}", sort="-name")
    assert total == 2 and [s.name for s in items] == [f"Beta farm {tag}", f"Alpha farm {tag}"]
    options = {"q": tag, "filters": {"country_iso3": "FRA"}, "sort": "lon"}
    items, total = service.list_records(session, "sites", service.SYSTEM, **options)
    assert [s.name for s in items] == [f"Alpha farm {tag}", f"Gamma ranch {tag}"]
    items, total = service.list_records(
        session, "sites", service.SYSTEM, q=tag, page=2, page_size=2, sort="id"
    )
    assert total == 3 and [s.name for s in items] == [f"Gamma ranch {tag}"]
    with pytest.raises(service.Invalid, match="cannot sort"):
        service.list_records(session, "sites", service.SYSTEM, sort="description")
    assert service.list_records(session, "sites", None, q=tag)[1] == 0  # none published


def test_timestamps_are_utc(session, site):
    assert site.created_at.tzinfo is not None
    assert abs(site.created_at - datetime.datetime.now(datetime.UTC)) < datetime.timedelta(minutes=5)
