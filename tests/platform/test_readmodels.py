"""The read-model cache (api/readmodels.py): after every kind of write — a create and an update of every
record kind, an observations ingest, a manual KPI value, a toolkit usage row — each cached answer
(KPIs, monitoring zones, world, country, site) equals a recomputation by an app without the cache on the
same database; repeated reads are served from the cache (no recomputation) with a strong ETag and 304.
Invalidation by change events alone, and by the database-side version alone, are tested apart. SQLite and
PostgreSQL."""

import datetime
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from permille.api import readmodels
from permille.api.app import create_app
from permille.registry import events, kpis, service, zones
from permille.registry.kinds import KINDS
from permille.registry.orm import ToolkitUsage
from permille.registry.permissions import SERVER_WRITTEN
from permille.registry.zones import ZONES_KIND, ZoneStatistic
from tests.platform.conftest import Accounts, settled
from tests.platform.test_api_permissions import PATCHES, sample

SITE = {"name": "Cache trial", "country_iso3": "FRA", "lon": 1.5, "lat": 43.5, "land_use": "cropland"}
KPI_READS = ("/api/kpis", "/api/kpis/A1", "/api/kpis/export.csv")
MONITORING_READS = (
    "/api/monitoring/zones?level=country&layer=soc_t0",
    "/api/monitoring/global",
    "/api/monitoring/measured",
    "/api/monitoring/countries/FRA",
    "/api/monitoring/countries/FRA?format=csv&table=sites",
)


@dataclass
class Apps:
    cached: TestClient
    fresh: TestClient  # the same database, the cache off: every answer recomputed
    auth: Accounts
    site_id: int

    def reads(self) -> list[str]:
        records = ("/api/sites?q=cache&page_size=50", f"/api/sites/{self.site_id}", "/api/users?sort=-id")
        return [*KPI_READS, *MONITORING_READS, *records, f"/api/monitoring/sites/{self.site_id}"]

    def assert_cached_equals_fresh(self, role: str = "secretariat", paths=None) -> dict[str, bytes]:
        bodies = {}
        for path in paths or self.reads():
            cached = self.cached.get(path, headers=self.auth(role))
            fresh = self.fresh.get(path, headers=self.auth(role))
            assert cached.status_code == fresh.status_code == 200, (path, cached.text)
            assert cached.content == fresh.content, f"{path} as {role}: the cached answer is stale"
            assert "etag" in cached.headers and "etag" not in fresh.headers
            bodies[path] = cached.content
        return bodies


def _apps(engine, *, events_heard: bool) -> Iterator[Apps]:
    cached_app = create_app(engine, seed=True, demo_layers=True)
    if not events_heard:  # a cache of its own that the lifespan did not subscribe to the change events
        cached_app.state.readmodels = readmodels.ReadModels(enabled=True)
    fresh_app = create_app(engine, seed=False, demo_layers=True)
    fresh_app.state.readmodels.enabled = False
    auth = Accounts(engine)
    for role in ("public", "member", "partner", "stc", "secretariat"):
        auth(role)  # users made before the first read: the fixture writes them without the service
    with TestClient(fresh_app) as fresh, TestClient(cached_app) as cached:
        heard = dict(cached_app.state.readmodels._generation)
        site = fresh.post("/api/sites", json=SITE | {"published": True}, headers=auth("secretariat"))
        assert site.status_code == 201, site.text
        if events_heard:  # the other app's write reaches this one by its change events and then by its
            # database-version poll (each drops the answers once): wait until it has heard both
            models = cached_app.state.readmodels
            deadline = time.monotonic() + 30
            while models._generation.get("kpis") == heard.get("kpis"):
                assert time.monotonic() < deadline, "the cached app never heard the other app's write"
                time.sleep(0.05)
            settled(cached_app)
        yield Apps(cached, fresh, auth, site.json()["id"])


@pytest.fixture
def apps(engine) -> Iterator[Apps]:
    yield from _apps(engine, events_heard=True)


def _ingest_csv(site_id: int) -> bytes:
    rows = ["site_id,upper_cm,lower_cm,property,value,unit,uncertainty,date"]
    rows += [
        f"{site_id},0,30,soc,1.4,%,0.1,2024-05-02",
        f"{site_id},0,30,bulk_density,1.3,g/cm3,0.05,2024-05-02",
    ]
    return "\n".join(rows).encode()


def _write_everything(apps: Apps, client: TestClient, *, updates: bool = True) -> Iterator[str]:
    """Every kind of write through ``client``, one at a time (``updates``: an update of every kind too);
    yields what was just written."""
    headers = apps.auth("secretariat")
    refs = {"site_id": apps.site_id}
    project = client.post("/api/projects", json=sample("projects", {}), headers=headers)
    refs["project_id"] = project.json()["id"]
    yield "projects create"
    for kind in KINDS:
        if kind in SERVER_WRITTEN:  # toolkit usage: written by the platform only, through the service
            with client.app.state.sessions() as session:
                service.create(session, kind, sample(kind, refs) | {"published": True}, service.SYSTEM)
            yield f"{kind} create"
            continue
        created = client.post(f"/api/{kind}", json=sample(kind, refs) | {"published": True}, headers=headers)
        assert created.status_code == 201, (kind, created.text)
        yield f"{kind} create"
        if not updates:
            continue
        record = created.json()
        patch = PATCHES[kind] | ({"version": record["version"]} if "version" in record else {})
        updated = client.patch(f"/api/{kind}/{record['id']}", json=patch, headers=headers)
        assert updated.status_code == 200, (kind, updated.text)
        yield f"{kind} update"
    ingest = client.post(
        "/api/observations/ingest", files={"file": ("soil.csv", _ingest_csv(apps.site_id))}, headers=headers
    )
    assert ingest.status_code in (200, 201), ingest.text
    yield "observations ingest"
    manual = kpis.manual_indicators()[0]
    value = {"value": 12.0, "date": "2024-01-15", "source": "cache test survey"}
    assert client.post(f"/api/kpis/{manual}/values", json=value, headers=headers).status_code == 201
    yield "kpi-values create"
    with client.app.state.sessions() as session:  # a toolkit run recording its use (team contract 2)
        row = ToolkitUsage(tool="sampling", country_iso3="KEN")
        session.add(row)
        session.commit()
        events.publish({"kind": "toolkit_usage", "action": "create", "id": row.id, "country_iso3": "KEN"})
    yield "toolkit_usage create"


def test_every_kind_of_write_is_seen_at_once_by_the_cached_reads(apps):
    before = apps.assert_cached_equals_fresh()
    seen = []
    for write in _write_everything(apps, apps.fresh):  # written through the other app: events only
        kind = write.split()[0]
        listed = [f"/api/{kind}?sort=-id&page_size=5"] if kind in KINDS else []
        apps.assert_cached_equals_fresh(
            paths=[KPI_READS[0], *MONITORING_READS[2:4], apps.reads()[-1], *listed]
        )
        seen.append(write)
    after = apps.assert_cached_equals_fresh()
    public = [p for p in apps.reads() if not p.startswith("/api/users")]  # the public may not list users
    apps.assert_cached_equals_fresh("public", public)
    apps.assert_cached_equals_fresh("member")
    assert {w.split()[0] for w in seen} >= set(KINDS) | {"kpi-values", "toolkit_usage"}
    changed = {p for p in before if before[p] != after[p]}
    assert {"/api/kpis", "/api/monitoring/countries/FRA", f"/api/monitoring/sites/{apps.site_id}"} <= changed


def test_repeated_reads_are_served_from_the_cache_with_etag_and_304(apps, monkeypatch):
    calls = []
    compute = kpis.compute
    monkeypatch.setattr(kpis, "compute", lambda *a, **k: calls.append(1) or compute(*a, **k))
    first = apps.cached.get("/api/kpis")
    again = apps.cached.get("/api/kpis")
    assert len(calls) == 1 and first.content == again.content
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")  # strong
    assert first.headers["cache-control"] == "no-cache"
    not_modified = apps.cached.get("/api/kpis", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304 and not_modified.content == b"" and len(calls) == 1
    assert apps.cached.get("/api/kpis", headers={"If-None-Match": '"other"'}).status_code == 200
    value = {"value": 3.0, "date": "2024-02-01", "source": "cache test"}
    manual = kpis.manual_indicators()[0]
    apps.cached.post(f"/api/kpis/{manual}/values", json=value, headers=apps.auth("secretariat"))
    changed = apps.cached.get("/api/kpis", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag and len(calls) == 2
    country = apps.cached.get("/api/monitoring/countries/FRA", headers=apps.auth("member"))
    assert country.headers["cache-control"] == "private, no-cache"
    assert country.headers["vary"] == "Authorization, Accept-Language"  # per reader and per language
    assert country.headers["content-language"] == "en"


def test_events_alone_invalidate(apps, monkeypatch):
    """With the database-side version blind, the change events keep every answer fresh."""
    monkeypatch.setattr(readmodels, "database_version", lambda session: {})
    apps.assert_cached_equals_fresh()
    for _ in _write_everything(apps, apps.fresh, updates=False):
        apps.assert_cached_equals_fresh(paths=[KPI_READS[0]])
    apps.assert_cached_equals_fresh()


def _poll(apps: Apps) -> set[str]:
    with apps.cached.app.state.sessions() as session:
        return apps.cached.app.state.readmodels.poll(session)


def test_the_database_version_alone_invalidates(engine):
    """A cache that hears no event (another worker's write whose event was missed) answers fresh after its
    next poll of the database version — and only then: the poll is what saw the write."""
    for apps in _apps(engine, events_heard=False):
        assert _poll(apps) == set()  # the baseline
        apps.assert_cached_equals_fresh()
        stale = 0
        for write in _write_everything(apps, apps.fresh, updates=False):
            cached, fresh = (
                c.get(KPI_READS[0], headers=apps.auth("secretariat")) for c in (apps.cached, apps.fresh)
            )
            stale += cached.content != fresh.content
            kind = write.split()[0]
            assert kind in _poll(apps), write
            apps.assert_cached_equals_fresh(paths=[KPI_READS[0]])
        assert stale > 0


def test_the_app_polls_the_database_version(engine, monkeypatch):
    """A write no event announces (another program's) is seen within a poll interval of the app's own."""
    monkeypatch.setattr(readmodels, "POLL_S", 0.05)
    with TestClient(create_app(engine, seed=True)) as client:
        first = client.get("/api/kpis")
        with client.app.state.sessions() as session:
            anonymous = ToolkitUsage(tool="sampling", country_iso3="KEN", actor="client:" + "0" * 64)
            session.add(anonymous)  # an anonymous run: shown apart on B4 (never counted)
            session.commit()  # no event published
        deadline = time.monotonic() + 10
        while (again := client.get("/api/kpis")).content == first.content and time.monotonic() < deadline:
            time.sleep(0.02)
        assert again.headers["etag"] != first.headers["etag"]


def test_each_kind_touches_exactly_the_aggregates_declared():
    assert readmodels.TOUCHES["observations"] == {"kpis", "country", "site", "measured", "records"}
    assert readmodels.TOUCHES["toolkit_usage"] == readmodels.TOUCHES["kpi-values"] == {"kpis"}
    assert readmodels.TOUCHES[ZONES_KIND] == {"zones", "country"}
    assert readmodels.TOUCHES["users"] == {"kpis", "records"}  # D1: the users of organisations
    models = readmodels.ReadModels(enabled=True)
    for a in readmodels.DEPENDS_ON:
        entry = readmodels._Entry(a, 0, datetime.date.today(), None, 1)  # type: ignore[arg-type]
        models._keep((a, b"key", None, None), entry, False, False)
    models.changed({"kind": "projects", "action": "create", "id": 1, "country_iso3": "SEN"})
    assert {k[0] for k in models._entries} == set(readmodels.DEPENDS_ON) - {"kpis", "site", "records"}


def test_zone_rows_come_from_memory_and_follow_a_reload(engine):
    with (
        TestClient(create_app(engine, seed=True, demo_layers=True)) as seeded_client,
        seeded_client.app.state.sessions() as session,
    ):
        table = zones._table(session, zones.BUNDLED_DATASET)
        assert zones._table(session, zones.BUNDLED_DATASET) is table  # read once
        query = select(ZoneStatistic).where(
            ZoneStatistic.dataset == zones.BUNDLED_DATASET,
            ZoneStatistic.level == "region",
            ZoneStatistic.layer == "soc_t0",
        )
        stored = session.scalars(query.order_by(ZoneStatistic.zone, ZoneStatistic.year)).all()
        held = zones.statistics(session, level="region", layer="soc_t0")
        assert [(r.zone, r.year, r.mean, r.sd_total) for r in held] == [
            (r.zone, r.year, r.mean, r.sd_total) for r in stored
        ]
        assert zones.start_year(session) == session.scalar(select(func.min(ZoneStatistic.year)))
        assert seeded_client.get("/api/monitoring/global").status_code == 200
        session.execute(delete(ZoneStatistic).where(ZoneStatistic.dataset == zones.BUNDLED_DATASET))
        session.commit()  # another process emptied the dataset: no event here, the next poll sees it
        # this poll sees the change, unless the app's own poll (every POLL_S) saw it first: no timing assumed
        seeded_client.app.state.readmodels.poll(session)
        assert seeded_client.get("/api/monitoring/global").json()["dataset"] is None
        assert zones.load_bundled(session) > 0
        session.commit()
        assert seeded_client.get("/api/monitoring/global").status_code == 200


def test_requests_missing_the_same_answer_compute_it_once():
    """Single flight: a hundred clients after a write (or on a cold worker) wait for one computation."""
    from concurrent.futures import ThreadPoolExecutor

    from starlette.requests import Request

    models = readmodels.ReadModels(enabled=True)
    calls = []

    def compute():
        calls.append(1)
        time.sleep(0.3)
        return {"value": len(calls)}

    def read(_):
        scope = {"type": "http", "method": "GET", "path": "/api/kpis", "query_string": b"", "headers": []}
        return models.serve(Request(scope), "kpis", None, compute).body

    with ThreadPoolExecutor(8) as pool:
        bodies = list(pool.map(read, range(8)))
    assert len(calls) == 1 and set(bodies) == {b'{"value":1}'}
    models.changed({"kind": "projects"})
    assert read(0) == b'{"value":2}' and len(calls) == 2


def test_kept_answers_are_dropped_before_the_event_streams_hear_of_a_change(engine):
    """A page re-fetches when its stream announces a change: by then the kept answer must be gone."""
    app = create_app(engine, seed=False)
    order = []
    with TestClient(app) as client:
        client.get("/api/kpis")
        models, broker = app.state.readmodels, app.state.broker
        changed, publish = models.changed, broker.publish
        for subscriber in list(events._subscribers):
            if subscriber == changed:
                order.append("read models")
            elif subscriber == publish:
                order.append("event streams")
    assert order == ["read models", "event streams"]
