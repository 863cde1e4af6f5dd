"""Observations at another organisation's site are proposals (issue 19, point 11): a member posting to
another organisation's published site — one at a time or in a bulk ingest — adds nothing to it; the
observation is the site owner's unpublished proposal until the owner or the Secretariat accepts it.
SQLite and PostgreSQL."""

import pytest

SITE = {"name": "Owned", "country_iso3": "SEN", "lon": -16.0, "lat": 14.0, "land_use": "cropland"}


def _observation(site_id: int, value: float = 2.0) -> dict:
    return {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": "soc", "value": value, "unit": "%"}


@pytest.fixture
def partner_site(client, auth) -> int:
    body = SITE | {"organisation_id": auth.organisation_id("partner"), "published": True}
    answer = client.post("/api/sites", json=body, headers=auth("secretariat"))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _site_values(client, site_id: int, headers) -> list[float]:
    detail = client.get(f"/api/monitoring/sites/{site_id}", headers=headers).json()
    return [o["value"] for o in detail["observations"]]


def test_an_observation_at_another_organisations_site_is_a_proposal(client, auth, partner_site):
    owner, member = auth("partner"), auth("member")
    posted = client.post("/api/observations", json=_observation(partner_site), headers=member)
    assert posted.status_code == 201, posted.text
    proposal = posted.json()
    assert proposal["proposed"] is True and proposal["published"] is False
    assert proposal["organisation_id"] == auth.organisation_id("partner")
    assert _site_values(client, partner_site, owner) == []  # not the site's data yet
    assert client.post(f"/api/observations/{proposal['id']}/accept", headers=member).status_code == 404
    accepted = client.post(f"/api/observations/{proposal['id']}/accept", headers=owner)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["proposed"] is False and accepted.json()["version"] == 2
    assert _site_values(client, partner_site, owner) == [2.0]
    assert client.post(f"/api/observations/{proposal['id']}/accept", headers=owner).status_code == 409
    history = client.get(f"/api/observations/{proposal['id']}/history", headers=auth("secretariat")).json()
    assert [(h["action"], h["actor"]) for h in history] == [
        ("create", "Test member"),
        ("accept", "Test partner"),
    ]


def test_a_bulk_ingest_at_another_organisations_site_makes_proposals(client, auth, partner_site):
    csv = "site_id,upper_cm,lower_cm,property,value,unit\n" + f"{partner_site},0,30,soc,1.5,%\n" * 2
    answer = client.post(
        "/api/observations/ingest",
        files={"file": ("o.csv", csv.encode(), "text/csv")},
        headers=auth("member"),
    )
    assert answer.status_code == 201, answer.text
    for record_id in answer.json()["ids"]:
        record = client.get(f"/api/observations/{record_id}", headers=auth("partner")).json()
        assert record["proposed"] is True and record["organisation_id"] == auth.organisation_id("partner")
    assert _site_values(client, partner_site, auth("partner")) == []
    secretariat = auth("secretariat")
    accepted = client.post(f"/api/observations/{answer.json()['ids'][0]}/accept", headers=secretariat)
    assert accepted.status_code == 200, accepted.text


def test_the_owner_and_the_secretariat_add_directly(client, auth, partner_site):
    for role in ("partner", "secretariat"):
        posted = client.post("/api/observations", json=_observation(partner_site), headers=auth(role))
        assert posted.status_code == 201, posted.text
        assert posted.json()["proposed"] is False


def test_an_observation_cannot_move_to_another_organisations_site(client, auth, partner_site):
    member = auth("member")
    own = client.post("/api/sites", json=SITE | {"name": "Mine"}, headers=member).json()
    record = client.post("/api/observations", json=_observation(own["id"]), headers=member).json()
    assert record["proposed"] is False
    moved = client.patch(
        f"/api/observations/{record['id']}", json={"site_id": partner_site, "version": 1}, headers=member
    )
    assert moved.status_code == 403, moved.text
