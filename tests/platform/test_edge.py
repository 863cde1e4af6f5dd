"""The fast path of cached reads (api/edge.py): a kept answer is sent before the app (no route, no
database), with the security headers and 304; per reader; a revoked or expired token stops at once —
signed out through the API (an event) or revoked by another program (the next poll). SQLite and
PostgreSQL."""

import time

import pytest
from sqlalchemy import delete

from permille.api import readmodels
from permille.registry import service
from permille.registry.orm import ApiToken
from tests.platform.conftest import settled

SITES = "/api/sites?sort=-id&page_size=20"


def _site(client, headers, **extra) -> dict:
    body = {"name": "Edge trial", "country_iso3": "FRA", "lon": 1.5, "lat": 43.5, "land_use": "cropland"}
    created = client.post("/api/sites", json=body | extra, headers=headers)
    assert created.status_code == 201, created.text
    return created.json()


@pytest.fixture
def calls(monkeypatch) -> list[str]:
    """The kinds the registry was asked to list (a read the edge answered is not among them)."""
    seen: list[str] = []
    list_records = service.list_records
    monkeypatch.setattr(
        service, "list_records", lambda s, kind, *a, **k: seen.append(kind) or list_records(s, kind, *a, **k)
    )
    return seen


def test_a_kept_read_is_answered_before_the_app(seeded_client, auth, calls):
    headers = auth("secretariat")
    site = _site(seeded_client, headers, published=True)
    settled(seeded_client.app)
    first = seeded_client.get(SITES, headers=headers)
    again = seeded_client.get(SITES, headers=headers)
    assert calls == ["sites"] and again.content == first.content
    assert again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert again.headers["x-frame-options"] == "DENY" and again.headers["vary"] == "Authorization"
    not_modified = seeded_client.get(SITES, headers=headers | {"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b"" and calls == ["sites"]
    assert not_modified.headers["x-content-type-options"] == "nosniff"
    record = seeded_client.get(f"/api/sites/{site['id']}", headers=headers)
    assert (
        record.json()["name"] == "Edge trial"
        and seeded_client.get(f"/api/sites/{site['id']}").status_code == 200
    )
    seeded_client.patch(
        f"/api/sites/{site['id']}", json={"name": "Edge trial 2", "version": site["version"]}, headers=headers
    )
    assert seeded_client.get(SITES, headers=headers).json()["items"][0]["name"] == "Edge trial 2"
    assert seeded_client.get(f"/api/sites/{site['id']}").json()["name"] == "Edge trial 2"
    assert calls == ["sites", "sites"]


def test_each_reader_gets_their_own_answer(seeded_client, auth):
    member, partner = auth("member"), auth("partner")
    own = _site(seeded_client, auth("secretariat"), organisation_id=auth.organisation_id("member"))
    for _ in range(2):  # computed, then from the edge
        assert own["id"] in [s["id"] for s in seeded_client.get(SITES, headers=member).json()["items"]]
        assert own["id"] not in [s["id"] for s in seeded_client.get(SITES, headers=partner).json()["items"]]
        assert own["id"] not in [s["id"] for s in seeded_client.get(SITES).json()["items"]]
        assert seeded_client.get(f"/api/sites/{own['id']}", headers=partner).status_code == 404
    assert seeded_client.get("/api/users", headers=member).status_code == 200
    assert seeded_client.get("/api/users").status_code in (401, 403)  # the public never lists users


def test_a_signed_out_token_is_refused_at_once(seeded_client, auth, calls):
    headers = auth("member")
    assert seeded_client.get(SITES, headers=headers).status_code == 200
    assert seeded_client.get(SITES, headers=headers).status_code == 200 and calls == ["sites"]
    assert seeded_client.delete("/api/auth/token", headers=headers).status_code == 204
    refused = seeded_client.get(SITES, headers=headers)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
    assert seeded_client.get(SITES, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert seeded_client.get(SITES, headers=auth.sign_in_again("member")).status_code == 200


def test_a_token_revoked_by_another_program_is_refused_after_the_next_poll(seeded_client, auth, engine):
    headers = auth("stc")
    assert seeded_client.get(SITES, headers=headers).status_code == 200
    assert seeded_client.get(SITES, headers=headers).status_code == 200
    models = seeded_client.app.state.readmodels
    with seeded_client.app.state.sessions() as session:
        session.execute(delete(ApiToken).where(ApiToken.user_id == auth.user("stc").id))
        session.commit()  # e.g. `permille users deactivate-demo`: no event reaches this app
        models.poll(session)
    assert seeded_client.get(SITES, headers=headers).status_code == 401


def test_an_expired_reader_is_not_used():
    readers = readmodels.Readers()
    readers.remember("a" * 64, ("all",), time.time() - 1, readers.generation())
    readers.remember("b" * 64, ("all",), time.time() + 60, readers.generation())
    assert readers.scope("a" * 64) is None and readers.scope("b" * 64) == ("all",)
    stale = readers.generation()
    readers.clear()  # a change of the users or tokens came while a request looked its token up
    readers.remember("c" * 64, ("all",), time.time() + 60, stale)
    assert readers.scope("b" * 64) is None and readers.scope("c" * 64) is None
