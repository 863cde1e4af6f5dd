"""The HTTP API on SQLite and PostgreSQL: sign-in and tokens, lists (pages, search, filters, sort),
CSV and GeoJSON exports, history, versions (409), error bodies, CSV ingest (report, 413 beyond the limit)."""

import csv
import datetime
import io
import uuid

import pytest
from sqlalchemy import select

from permille.api.security import token_digest
from permille.registry.orm import ApiToken, User
from permille.registry.schemas import Criterion

PASSWORD = "correct horse battery staple"  # of the users made by the auth fixture (conftest.py)
SITE = {"name": "Trial", "country_iso3": "FRA", "lon": 1.5, "lat": 43.5, "land_use": "cropland"}


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


def test_sign_in_gives_a_token_stored_only_as_its_hash(world):
    world.auth("stc")
    response = world.client.post(
        "/api/auth/token", json={"email": "STC@test.example.org", "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    token = response.json()
    assert token["token_type"] == "bearer"
    expires = datetime.datetime.fromisoformat(token["expires_at"])
    assert (
        datetime.timedelta(hours=1)
        < expires - datetime.datetime.now(datetime.UTC)
        < datetime.timedelta(days=2)
    )
    me = world.client.get("/api/me", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert me.status_code == 200 and me.json()["role"] == "stc" and "password_hash" not in me.json()
    with world.session() as session:
        hashes = session.scalars(select(ApiToken.token_hash)).all()
    assert token_digest(token["access_token"]) in hashes and token["access_token"] not in hashes


def test_signing_out_revokes_the_token(world):
    world.auth("partner")
    body = {"email": "partner@test.example.org", "password": PASSWORD}
    headers = {
        "Authorization": f"Bearer {world.client.post('/api/auth/token', json=body).json()['access_token']}"
    }
    assert world.client.get("/api/me", headers=headers).status_code == 200
    assert world.client.delete("/api/auth/token", headers=headers).status_code == 204
    assert world.client.get("/api/me", headers=headers).status_code == 401
    assert world.client.get("/api/me", headers=world.auth("partner")).status_code == 200  # other tokens stay


@pytest.mark.parametrize(
    "credentials",
    [
        {"email": "stc@test.example.org", "password": "wrong password"},
        {"email": "nobody@test.example.org", "password": PASSWORD},
    ],
)
def test_wrong_credentials_are_refused_alike(world, credentials):
    world.auth("stc")
    response = world.client.post("/api/auth/token", json=credentials)
    assert response.status_code == 401
    assert error_of(response)["message"] == "unknown e-mail or wrong password"


def test_unknown_expired_and_inactive_tokens_are_refused(world):
    headers = world.auth("member")
    assert world.client.get("/api/me", headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert world.client.get("/api/me").status_code == 401
    with world.session() as session:
        token = session.scalars(
            select(ApiToken).where(ApiToken.token_hash == token_digest(headers["Authorization"].split()[1]))
        ).one()
        token.expires_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
        session.commit()
    response = world.client.get("/api/me", headers=headers)
    assert response.status_code == 401 and error_of(response)["code"] == "invalid_token"
    assert world.client.get("/api/me", headers=world.auth.sign_in_again("member")).status_code == 200


def test_an_inactive_user_cannot_sign_in(world):
    headers = world.auth("secretariat")
    created = world.client.post(
        "/api/users",
        json={
            "email": f"{uuid.uuid4().hex[:6]}@example.org",
            "role": "partner",
            "password": "long password 1",
        },
        headers=headers,
    ).json()
    body = {"email": created["email"], "password": "long password 1"}
    assert world.client.post("/api/auth/token", json=body).status_code == 200
    world.client.patch(f"/api/users/{created['id']}", json={"active": False}, headers=headers)
    assert world.client.post("/api/auth/token", json=body).status_code == 401


def test_lists_page_search_filter_and_sort(world):
    headers = world.auth("secretariat")
    tag = uuid.uuid4().hex[:8]
    for i in range(7):
        site = SITE | {"name": f"Site {tag} {i}", "lon": float(i), "country_iso3": "FRA" if i % 2 else "SEN"}
        assert world.client.post("/api/sites", json=site, headers=headers).status_code == 201
    page = world.client.get(
        "/api/sites", params={"q": tag, "page_size": 3, "page": 2, "sort": "-lon"}, headers=headers
    )
    assert page.status_code == 200
    body = page.json()
    assert body["total"] == 7 and body["page"] == 2 and body["page_size"] == 3
    assert [s["lon"] for s in body["items"]] == [3.0, 2.0, 1.0]
    french = world.client.get("/api/sites", params={"q": tag, "country_iso3": "FRA"}, headers=headers).json()
    assert french["total"] == 3 and {s["country_iso3"] for s in french["items"]} == {"FRA"}
    for bad in ({"sort": "colour"}, {"page": 0}, {"page_size": 10_000}, {"colour": "red"}, {"lon": "east"}):
        response = world.client.get("/api/sites", params=bad, headers=headers)
        assert response.status_code == 422, bad
        assert error_of(response)["code"] == "validation_error"


def test_exports_follow_the_filters(world):
    headers = world.auth("secretariat")
    tag = uuid.uuid4().hex[:8]
    for i, country in enumerate(["FRA", "SEN"]):
        site = SITE | {"name": f"Export {tag}", "country_iso3": country, "lon": 10.0 + i, "published": True}
        world.client.post("/api/sites", json=site, headers=headers)
    response = world.client.get("/api/sites/export.csv", params={"q": tag, "country_iso3": "SEN"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["name"], r["country_iso3"], r["lon"]) for r in rows] == [(f"Export {tag}", "SEN", "11.0")]
    geojson = world.client.get("/api/sites/export.geojson", params={"q": tag, "sort": "lon"}).json()
    assert geojson["type"] == "FeatureCollection"
    assert [f["geometry"]["coordinates"] for f in geojson["features"]] == [[10.0, 43.5], [11.0, 43.5]]
    assert world.client.get("/api/practices/export.geojson").status_code in (404, 422)  # not spatial
    assert world.client.get("/api/contacts/export.csv").status_code == 401  # restricted kind


def test_history_and_version_conflicts(world):
    headers = world.auth("stc")
    project = world.client.post(
        "/api/projects",
        json={"name": "P", "country_iso3": "SEN", "lon": -16, "lat": 14, "area_ha": 20, "stage": "selected"},
        headers=world.auth("secretariat"),
    ).json()
    scores = {c.value: {"score": 2, "comment": ""} for c in Criterion}
    body = {"project_id": project["id"], "assessed_on": "2026-02-01", "scores": scores}
    assessment = world.client.post("/api/assessments", json=body, headers=headers).json()
    path = f"/api/assessments/{assessment['id']}"
    assert (
        world.client.patch(path, json={"summary": "first review", "version": 1}, headers=headers).status_code
        == 200
    )
    stale = world.client.patch(path, json={"summary": "overwrites?", "version": 1}, headers=headers)
    assert stale.status_code == 409 and error_of(stale)["code"] == "conflict"
    assert world.client.patch(path, json={"summary": "no version"}, headers=headers).status_code == 422
    history = world.client.get(f"{path}/history", headers=headers).json()
    assert [(h["action"], h["version"], h["actor"], h["actor_email"]) for h in history] == [
        ("create", 1, "Test stc", None),  # names to signed-in readers, e-mails to the Secretariat only
        ("update", 2, "Test stc", None),
    ]
    assert history[1]["before"]["summary"] == "" and history[1]["after"]["summary"] == "first review"
    assert world.client.get(path, headers=headers).json()["summary"] == "first review"


def test_errors_have_one_shape(world):
    for response, status, code in [
        (world.client.get("/api/sites/987654"), 404, "not_found"),
        (world.client.get("/api/no-such-kind"), 404, "not_found"),
        (world.client.get("/api/sites/abc"), 422, "validation_error"),
        (world.client.post("/api/sites", json={"name": 3}), 422, "validation_error"),
        (
            world.client.post(
                "/api/sites", content=b"{not json", headers={"Content-Type": "application/json"}
            ),
            422,
            "validation_error",
        ),
        (world.client.post("/api/sites", json=SITE), 401, "unauthorized"),
        (world.client.delete("/api/sites/1"), 405, "method_not_allowed"),
    ]:
        assert response.status_code == status, response.text
        assert error_of(response)["code"] == code
    invalid = world.client.post(
        "/api/sites", json=SITE | {"lat": 95, "country_iso3": "France"}, headers=world.auth("member")
    )
    assert {tuple(d["loc"]) for d in error_of(invalid)["details"]} == {
        ("body", "lat"),
        ("body", "country_iso3"),
    }


def test_inputs_no_database_can_store_are_refused_not_crashed(world):
    member = world.auth("member")
    for response in [
        world.client.post("/api/sites", json=SITE | {"name": "nul\x00byte"}, headers=member),
        world.client.get("/api/sites", params={"q": "nul\x00byte"}),
        world.client.post(
            "/api/sites",
            content=b'{"name": "\\ud800", "country_iso3": "FRA", "lon": 0, "lat": 0, "land_use": "other"}',
            headers=member | {"Content-Type": "application/json"},
        ),
        world.client.post(
            "/api/toolkit-usage", json={"tool": "x", "at": "0001-01-01T00:00:00+01:00"}, headers=member
        ),
        world.client.post("/api/observations", json={"site_id": 2**70}, headers=member),
        world.client.get("/api/sites", params={"page": 10**9}),
        world.client.get("/api/projects", params={"start_year": 2**70}),
        world.client.get(f"/api/sites/{2**70}"),
    ]:
        assert response.status_code == 422, response.text
        assert error_of(response)["code"] == "validation_error"


def _csv(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode()


def test_ingest_reports_every_bad_row_and_stores_nothing(world):
    headers = world.auth("member")
    site = world.client.post("/api/sites", json=SITE, headers=headers).json()
    header = ["site_id", "upper_cm", "lower_cm", "property", "value", "unit", "uncertainty", "date"]
    rows = [
        header,
        [site["id"], 0, 30, "soc", 1.2, "%", 0.1, "2025-06-01"],
        [site["id"], 30, 60, "bd", 3.1, "g/cm3", "", "2025-06-01"],
        [site["id"], 30, 60, "soc", "one", "%", "", ""],
        [site["id"], 0, 30, "soc", 12, "g/kg", "", "01/06/2025"],
        [987654, 0, 30, "soc", 1.0, "%", "", ""],
    ]
    response = world.client.post(
        "/api/observations/ingest", files={"file": ("soil.csv", _csv(rows))}, headers=headers
    )
    assert response.status_code == 422
    problems = error_of(response)["details"]
    assert sorted({p["row"] for p in problems}) == [3, 4, 5, 6]
    assert any("bulk_density 3.1 g/cm3 is outside" in p["message"] for p in problems)
    listed = world.client.get("/api/observations", params={"site_id": site["id"]}, headers=headers).json()
    assert listed["total"] == 0
    good = _csv([header, rows[1], [site["id"], 30, 60, "bd", 1.35, "g/cm3", 0.05, "2025-06-01"]])
    stored = world.client.post(
        "/api/observations/ingest", files={"file": ("soil.csv", good)}, headers=headers
    )
    assert stored.status_code == 201 and stored.json()["stored"] == 2
    listed = world.client.get(
        "/api/observations", params={"site_id": site["id"], "property": "bulk_density"}, headers=headers
    ).json()
    assert [(o["upper_cm"], o["lower_cm"], o["value"], o["unit"]) for o in listed["items"]] == [
        (30, 60, 1.35, "g/cm3")
    ]
    assert (
        world.client.post("/api/observations/ingest", files={"file": ("soil.csv", good)}).status_code == 401
    )


def test_ingest_refuses_missing_columns_and_oversized_files(world):
    headers = world.auth("member")
    response = world.client.post(
        "/api/observations/ingest", files={"file": ("soil.csv", b"site_id,value\n1,2\n")}, headers=headers
    )
    assert response.status_code == 422
    assert {d["column"] for d in error_of(response)["details"]} == {
        "upper_cm",
        "lower_cm",
        "property",
        "unit",
    }
    limit = world.client.app.state.max_upload_bytes
    big = b"site_id,upper_cm,lower_cm,property,value,unit\n" + b"1,0,30,soc,1.0,%\n" * (limit // 16)
    response = world.client.post(
        "/api/observations/ingest", files={"file": ("big.csv", big)}, headers=headers
    )
    assert response.status_code == 413 and error_of(response)["code"] == "payload_too_large"


def test_chunked_upload_beyond_the_limit_is_refused(world):
    limit = world.client.app.state.max_upload_bytes

    def chunks():
        for _ in range(limit // 65_536 + 2):
            yield b"x" * 65_536

    response = world.client.post(
        "/api/observations/ingest",
        content=chunks(),
        headers=world.auth("member") | {"Content-Type": "multipart/form-data; boundary=abc"},
    )
    assert response.status_code == 413


def test_projects_carry_the_expected_impact_or_say_why_not(world):
    headers = world.auth("member")
    project = {
        "name": "P",
        "country_iso3": "FRA",
        "lon": 1.4,
        "lat": 43.6,
        "area_ha": 85,
        "stage": "proposed",
    }
    bad = world.client.post("/api/projects", json=project | {"balance_input": {"name": "x"}}, headers=headers)
    assert bad.status_code == 422 and error_of(bad)["details"]
    created = world.client.post("/api/projects", json=project, headers=headers).json()
    assert created["expected_impact"] is None


def test_openapi_lists_every_kind(world):
    paths = world.client.get("/openapi.json").json()["paths"]
    for kind in ("projects", "assessments", "observations", "sites", "budget-lines", "ndcs"):
        assert f"/api/{kind}" in paths and f"/api/{kind}/{{record_id}}/history" in paths
    assert "/api/sites/export.geojson" in paths and "/api/observations/ingest" in paths
    assert "/api/auth/token" in paths and "/api/me" in paths


def test_users_of_restricted_kinds(world):
    member = world.auth("member")
    assert world.client.get("/api/users", headers=member).status_code == 200
    own = world.client.get("/api/users", params={"page_size": 500}, headers=member).json()["items"]
    assert {u["organisation_id"] for u in own} == {world.auth.organisation_id("member")}
    with world.session() as session:
        assert session.get(User, world.auth.user("member").id).password_hash.startswith("$argon2id$")
