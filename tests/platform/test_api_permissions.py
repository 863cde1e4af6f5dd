"""Every role × action (read, create, update, publish; allowed and refused) on every record kind, through
the HTTP API, on SQLite and PostgreSQL (one app per database: the ``world`` fixture).

The expected answers are written out here from the rules of docs/platform.md, not taken from
``permissions.py``: public reads published records of public kinds; members and partners read those and
their organisation's, and write their organisation's records of the open kinds; the STC reads
everything and writes assessments; the Secretariat does everything, and alone publishes.
"""

import itertools

import pytest

from permille.registry import pending, service
from permille.registry.kinds import KINDS
from permille.registry.orm import User
from permille.registry.permissions import SERVER_WRITTEN
from permille.registry.schemas import Criterion

ROLES = ("public", "member", "partner", "stc", "secretariat")
RESTRICTED = {"users", "contacts", "budget-lines"}
SECRETARIAT_ONLY = {"organisations", "users", "budget-lines"}
OPEN = (
    set(KINDS) - SECRETARIAT_ONLY - {"assessments"} - SERVER_WRITTEN
)  # toolkit usage: the platform writes it
_counter = itertools.count()

PATCHES = {
    "organisations": {"website": "https://example.org/new"},
    "users": {"name": "Renamed"},
    "projects": {"area_ha": 30.0},
    "assessments": {"summary": "revised after the field visit"},
    "practices": {"soil": "loam"},
    "monitoring-tools": {"accuracy": "± 10 % of the stock"},
    "ndcs": {"how": "soil carbon in the AFOLU section"},
    "strategies": {"status": "implemented"},
    "schemes": {"findings": "permanence buffer of 20 %"},
    "studies": {"authors": "A. Author, B. Author"},
    "meetings": {"location": "Dakar"},
    "networks": {"description": "regional soil carbon network"},
    "contacts": {"notes": "met at COP"},
    "brandings": {"description": "label for soil-friendly products"},
    "municipalities": {"population": 12000},
    "budget-lines": {"amount": 2000.0},
    "toolkit-usage": {"tool": "ipcc"},
    "sites": {"description": "long-term trial"},
    "observations": {"value": 1.6},
}
assert set(PATCHES) == set(KINDS), "every kind is tested"


def sample(kind: str, refs: dict) -> dict:
    """A valid new record of ``kind`` (unique where the kind needs it)."""
    n = next(_counter)
    return {
        "organisations": {
            "name": f"Organisation {n}",
            "membership": "partner",
            "org_type": "ngo",
            "region": "Africa",
        },
        "users": {"email": f"user{n}@example.org", "role": "member", "password": "a long enough password"},
        "projects": {
            "name": "Agroforestry in the groundnut basin",
            "country_iso3": "SEN",
            "lon": -16.2,
            "lat": 14.4,
            "area_ha": 250.0,
            "stage": "proposed",
            "practices": ["agroforestry"],
        },
        "assessments": {
            "project_id": refs.get("project_id"),
            "assessed_on": "2026-05-01",
            "scores": {c.value: {"score": 3, "comment": "adequate"} for c in Criterion},
        },
        "practices": {
            "name": "Cover crops",
            "evidence_level": "meta_analysis",
            "effect_t_c_ha_yr": 0.32,
            "effect_uncertainty_t_c_ha_yr": 0.08,
            "references": ["Poeplau & Don (2015) Agric. Ecosyst. Environ. 200:33–41"],
            "languages": ["en", "fr"],
        },
        "monitoring-tools": {
            "name": "RothC",
            "category": "model",
            "scale": "field",
            "cost": "low",
            "mrv_suitability": "high",
        },
        "ndcs": {
            "country_iso3": "FRA",
            "ndc_version": "NDC 3.0",
            "year": 2025,
            "refers_soc": True,
            "refers_soil_health": False,
            "refers_peatlands_wetlands": True,
        },
        "strategies": {
            "title": "National soil strategy",
            "strategy_type": "national_strategy",
            "country_iso3": "SEN",
            "year": 2024,
            "status": "adopted",
        },
        "schemes": {"name": "Soil carbon label", "scheme_type": "voluntary", "year": 2023},
        "studies": {"title": "Review of SOC MRV", "year": 2022, "study_type": "review"},
        "meetings": {"title": "Regional meeting", "meeting_type": "regional_event", "date": "2026-03-01"},
        "networks": {"name": "Soil network", "network_type": "network", "scope": "regional"},
        "contacts": {"name": "A journalist", "audience": "media", "email": "press@example.org"},
        "brandings": {"name": "Soil label", "branding_type": "label"},
        "municipalities": {"name": "Twin town", "country_iso3": "FRA", "lon": 2.0, "lat": 45.0},
        "budget-lines": {
            "objective": "F2",
            "label": "Secretariat",
            "year": 2026,
            "amount": 1000.0,
            "status": "planned",
        },
        "toolkit-usage": {"tool": "rothc", "country_iso3": "FRA"},
        "sites": {"name": "Trial", "country_iso3": "FRA", "lon": 1.0, "lat": 43.0, "land_use": "cropland"},
        "observations": {
            "site_id": refs.get("site_id"),
            "upper_cm": 0,
            "lower_cm": 30,
            "property": "soc",
            "value": 1.5,
            "unit": "%",
            "uncertainty": 0.1,
        },
    }[kind]


@pytest.fixture(scope="module")
def refs(world) -> dict:
    """A published project and site (referenced by assessments and observations)."""
    for role in ROLES:
        world.auth(role)
    with world.session() as session:
        secretariat = session.get(User, world.auth.user("secretariat").id)
        project = service.create(
            session, "projects", sample("projects", {}) | {"published": True}, secretariat
        )
        site = service.create(session, "sites", sample("sites", {}) | {"published": True}, secretariat)
        return {"project_id": project.id, "site_id": site.id}


def member_record(world, refs, kind: str, *, published: bool) -> dict:
    """A record of ``kind`` owned by the member's organisation, written by the Secretariat."""
    with world.session() as session:
        secretariat = session.get(User, world.auth.user("secretariat").id)
        owner = world.auth.organisation_id("member")
        payload = sample(kind, refs) | {"organisation_id": owner, "published": published}
        writer = service.SYSTEM if kind in SERVER_WRITTEN else secretariat  # usage: the platform writes it
        record = service.create(session, kind, payload, writer)
        return service.public_dict(KINDS[kind], record)


def expected_create(kind: str, role: str) -> int:
    if role == "public":
        return 401
    if kind in SERVER_WRITTEN:  # toolkit usage: recorded by the calculators, never by a client (KPI B4)
        return 403
    if role == "secretariat":
        return 201
    if role == "stc":
        return 201 if kind == "assessments" else 403
    return 201 if kind in OPEN else 403


def expected_read(kind: str, role: str, published: bool) -> int:
    if role in ("secretariat", "stc", "member"):  # the member owns the record
        return 200
    if role == "public" and kind in RESTRICTED:
        return 401
    return 200 if published and kind not in RESTRICTED else 404


def expected_update(kind: str, role: str) -> int:
    """Of a published record owned by the member's organisation."""
    if role == "public":
        return 401
    if kind in SERVER_WRITTEN:
        return 403
    if role == "secretariat":
        return 200
    if role == "stc":
        return 200 if kind == "assessments" else 403
    if role == "member":
        return 200 if kind in OPEN else 403
    return 404 if kind in RESTRICTED else 403  # partner: another organisation's record


def expected_publish(kind: str, role: str) -> int:
    """Of an unpublished record owned by the member's organisation."""
    if role == "secretariat":
        return 403 if kind in SERVER_WRITTEN else 200
    if role == "public":
        return 401 if kind in RESTRICTED else 404
    if role == "partner":
        return 404
    return 403


def _body(kind: str, record: dict, patch: dict) -> dict:
    return patch | ({"version": record["version"]} if KINDS[kind].versioned else {})


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_create(world, refs, kind, role):
    response = world.client.post(f"/api/{kind}", json=sample(kind, refs), headers=world.auth(role))
    assert response.status_code == expected_create(kind, role), response.text
    if response.status_code == 201:
        record = response.json()
        assert record["organisation_id"] == world.auth.organisation_id(role)
        assert record["published"] is False
    else:
        assert set(response.json()["error"]) == {"code", "message", "details"}


def stored(world, kind: str, record_id: int) -> dict:
    with world.session() as session:
        return service.public_dict(KINDS[kind], session.get(KINDS[kind].model, record_id))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_read(world, refs, kind):
    records = {
        published: member_record(world, refs, kind, published=published) for published in (False, True)
    }
    mismatches = []
    for role in ROLES:
        listed = world.client.get(
            f"/api/{kind}",
            params={"organisation_id": world.auth.organisation_id("member"), "page_size": 500},
            headers=world.auth(role),
        )
        ids = {item["id"] for item in listed.json()["items"]} if listed.status_code == 200 else set()
        for published, record in records.items():
            expected = expected_read(kind, role, published)
            got = world.client.get(f"/api/{kind}/{record['id']}", headers=world.auth(role)).status_code
            in_list = record["id"] in ids
            if (
                got != expected
                or in_list != (expected == 200)
                or (expected == 401) != (listed.status_code == 401)
            ):
                mismatches.append((role, "published" if published else "unpublished", got, expected, in_list))
    assert not mismatches, mismatches


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_update(world, refs, kind):
    mismatches = []
    for role in ROLES:
        record = member_record(world, refs, kind, published=True)
        body = _body(kind, record, PATCHES[kind])
        got = world.client.patch(
            f"/api/{kind}/{record['id']}", json=body, headers=world.auth(role)
        ).status_code
        after = stored(world, kind, record["id"])
        if got == 200 and expected_publish(kind, role) != 200 and pending.reviewed(kind):
            # a change to a published record by who may not publish waits for review: the record is kept
            with world.session() as session:
                kept = after == record and pending.proposed(session, kind, record["id"]) == PATCHES[kind]
        elif got == 200:
            kept = {n: after[n] for n in PATCHES[kind]} == PATCHES[kind] and after["version"] == record[
                "version"
            ] + 1
        else:
            kept = after == record
        if got != expected_update(kind, role) or not kept:
            mismatches.append((role, got, expected_update(kind, role), kept))
    assert not mismatches, mismatches


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_publish(world, refs, kind):
    mismatches = []
    for role in ROLES:
        record = member_record(world, refs, kind, published=False)
        body = _body(kind, record, {"published": True})
        got = world.client.patch(
            f"/api/{kind}/{record['id']}", json=body, headers=world.auth(role)
        ).status_code
        published = stored(world, kind, record["id"])["published"]
        if got != expected_publish(kind, role) or published != (got == 200):
            mismatches.append((role, got, expected_publish(kind, role), published))
    assert not mismatches, mismatches


@pytest.mark.parametrize("kind", sorted(OPEN))
def test_partner_cannot_write_for_another_organisation(world, refs, kind):
    member_org = world.auth.organisation_id("member")
    payload = sample(kind, refs) | {"organisation_id": member_org}
    response = world.client.post(f"/api/{kind}", json=payload, headers=world.auth("partner"))
    assert response.status_code == 403, response.text
    own = world.client.post(f"/api/{kind}", json=sample(kind, refs), headers=world.auth("partner")).json()
    body = _body(kind, own, {"organisation_id": member_org})
    response = world.client.patch(f"/api/{kind}/{own['id']}", json=body, headers=world.auth("partner"))
    assert response.status_code == 403, response.text


def test_only_the_secretariat_creates_published_records(world, refs):
    payload = sample("practices", refs) | {"published": True}
    assert world.client.post("/api/practices", json=payload, headers=world.auth("member")).status_code == 403
    created = world.client.post("/api/practices", json=payload, headers=world.auth("secretariat"))
    assert created.status_code == 201 and created.json()["published"] is True
    assert world.client.get(f"/api/practices/{created.json()['id']}").status_code == 200
