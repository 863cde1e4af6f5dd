"""The review queue through the API, on SQLite and PostgreSQL: a member's record stays unpublished
until the Secretariat approves it (assessments: the STC); returned with a comment (told by e-mail); the
queue shows the changes against the last published version; "My organisation" lists the organisation's
records with their state and its members; each step is audited on the record."""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from permille.api.app import create_app
from permille.registry.orm import AuditLog, Project, Site
from permille.registry.schemas import Criterion
from tests.mailserver import text_of

SITE = {"name": "Ndiaganiao trial", "country_iso3": "SEN", "lon": -16.7, "lat": 14.5, "land_use": "cropland"}


@pytest.fixture
def client(engine, mailserver, monkeypatch):
    monkeypatch.setenv("PERMILLE_SMTP_URL", mailserver.url)
    with TestClient(create_app(engine, seed=False)) as client:
        yield client


def actions(session, kind: str, record_id: int) -> list[tuple[str, str]]:
    session.rollback()
    rows = session.scalars(
        select(AuditLog).where(AuditLog.kind == kind, AuditLog.record_id == record_id).order_by(AuditLog.id)
    )
    return [(row.action, row.actor.split("@")[0]) for row in rows]


def verified(session, site_id: int) -> bool:
    """Whether the site is verified (the Secretariat's write: what the indicators count)."""
    session.rollback()
    return session.get(Site, site_id).verified_at is not None


def test_submit_return_resubmit_approve(client, auth, session, mailserver):
    member, secretariat = auth("member"), auth("secretariat")
    site = client.post("/api/sites", json=SITE, headers=member).json()
    path = f"/api/review/sites/{site['id']}"
    assert client.get(path, headers=member).json() is None  # a draft
    assert client.post(f"{path}/submit", headers=auth("partner")).status_code == 404  # not theirs
    assert client.post(f"{path}/submit", headers=member).json()["state"] == "submitted"
    assert client.post(f"{path}/submit", headers=member).status_code == 409
    assert client.post(f"{path}/approve", headers=member).status_code == 403
    assert client.post(f"{path}/approve", headers=auth("stc")).status_code == 403  # sites: the Secretariat

    queue = client.get("/api/review", headers=secretariat).json()
    assert [(i["kind"], i["id"], i["title"], i["first_publication"]) for i in queue] == [
        ("sites", site["id"], "Ndiaganiao trial", True)
    ]
    assert {c["field"]: c["after"] for c in queue[0]["changes"]}["name"] == "Ndiaganiao trial"
    assert queue[0]["organisation"] == "Test member organisation"
    assert client.get("/api/review", headers=member).status_code == 403

    assert client.post(f"{path}/return", json={"comment": " "}, headers=secretariat).status_code == 422
    returned = client.post(
        f"{path}/return", json={"comment": "Give the land use history."}, headers=secretariat
    )
    assert returned.json() == returned.json() | {"state": "returned", "comment": "Give the land use history."}
    told = mailserver.wait_for("member@test.example.org")[0]
    assert "Give the land use history." in text_of(told) and "Ndiaganiao trial" in told["Subject"]
    overview = client.get("/api/my-organisation", headers=member).json()
    mine = {(r["kind"], r["id"]): r for r in overview["records"]}
    assert mine[("sites", site["id"])]["review"]["comment"] == "Give the land use history."
    assert client.get("/api/review", headers=secretariat).json() == []

    client.patch(f"/api/sites/{site['id']}", json={"description": "maize since 1990"}, headers=member)
    client.post(f"{path}/submit", headers=member)
    assert client.get(f"/api/sites/{site['id']}").status_code == 404  # still unpublished
    approved = client.post(f"{path}/approve", headers=secretariat)
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    public = client.get(f"/api/sites/{site['id']}")
    assert public.status_code == 200 and public.json()["published"] is True
    assert client.post(f"{path}/approve", headers=secretariat).status_code == 409

    # a change to the published record waits for review: the public keeps the published version
    renamed = client.patch(
        f"/api/sites/{site['id']}", json={"name": "Ndiaganiao long-term trial"}, headers=member
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Ndiaganiao trial"
    public = client.get(f"/api/sites/{site['id']}")
    assert public.status_code == 200 and public.json()["name"] == "Ndiaganiao trial"
    assert client.get(path, headers=member).json()["proposed"] == {"name": "Ndiaganiao long-term trial"}
    client.post(f"{path}/submit", headers=member)
    changes = client.get("/api/review", headers=secretariat).json()[0]["changes"]
    assert changes == [{"field": "name", "before": "Ndiaganiao trial", "after": "Ndiaganiao long-term trial"}]
    assert actions(session, "sites", site["id"]) == [
        ("create", "member"),
        ("submit", "member"),
        ("return", "secretariat"),
        ("update", "member"),
        ("submit", "member"),
        ("approve", "secretariat"),
        ("publish", "secretariat"),
        ("propose", "member"),
        ("submit", "member"),
    ]
    history = client.get(f"/api/sites/{site['id']}/history", headers=member).json()
    assert [h["action"] for h in history][-4:] == ["approve", "publish", "propose", "submit"]


def test_a_change_to_a_published_record_waits_for_review_and_leaves_the_published_version_public(
    client, auth, session
):
    member, secretariat = auth("member"), auth("secretariat")
    site = client.post("/api/sites", json=SITE, headers=member).json()
    path = f"/api/review/sites/{site['id']}"
    client.post(f"{path}/submit", headers=member)
    client.post(f"{path}/approve", headers=secretariat)
    published = client.get(f"/api/sites/{site['id']}").json()
    assert published["published"] is True and verified(session, site["id"])
    version = published["version"]

    def edit(body):
        answer = client.patch(f"/api/sites/{site['id']}", json=body | {"version": version}, headers=member)
        assert answer.status_code == 200, answer.text
        return answer.json()

    edit({"description": "maize since 1990", "lat": 14.6})
    edit({"lat": 14.5, "land_use": "grassland"})  # lat back to the published value: not a change any more
    assert client.get(path, headers=member).json()["proposed"] == {
        "description": "maize since 1990",
        "land_use": "grassland",
    }
    assert client.get(path, headers=auth("partner")).json()["proposed"] is None, "another organisation's"
    public = client.get(f"/api/sites/{site['id']}").json()
    assert public == published, "the public reads the published version, verified, unchanged"
    assert client.get(f"/api/sites/{site['id']}", headers=member).json()["version"] == version

    client.post(f"{path}/submit", headers=member)
    item = client.get("/api/review", headers=secretariat).json()[0]
    assert (item["pending"], item["first_publication"]) == (True, False)
    assert {c["field"]: (c["before"], c["after"]) for c in item["changes"]} == {
        "description": ("", "maize since 1990"),
        "land_use": ("cropland", "grassland"),
    }
    client.post(f"{path}/return", json={"comment": "Which maize?"}, headers=secretariat)
    assert client.get(f"/api/sites/{site['id']}").json() == published, "returned: the published version stays"
    assert client.get(path, headers=member).json()["proposed"]["land_use"] == "grassland", "kept to correct"

    edit({"description": "hybrid maize since 1990"})
    client.post(f"{path}/submit", headers=member)
    approved = client.post(f"{path}/approve", headers=secretariat)
    assert approved.status_code == 200 and approved.json()["pending"] is False
    now = client.get(f"/api/sites/{site['id']}").json()
    assert (now["description"], now["land_use"], now["published"]) == (
        "hybrid maize since 1990",
        "grassland",
        True,
    )
    assert now["version"] == version + 1 and verified(session, site["id"])
    assert actions(session, "sites", site["id"])[-8:] == [
        ("propose", "member"),
        ("propose", "member"),
        ("submit", "member"),
        ("return", "secretariat"),
        ("propose", "member"),
        ("submit", "member"),
        ("approve", "secretariat"),
        ("update", "secretariat"),
    ]
    # withdrawn while a change is pending: reviewed as a draft, whose approval drops the old change
    now = client.get(f"/api/sites/{site['id']}", headers=member).json()
    client.patch(
        f"/api/sites/{site['id']}",
        json={"description": "a change never approved", "version": now["version"]},
        headers=member,
    )
    assert client.get(path, headers=member).json()["pending"] is True
    withdrawn = client.patch(
        f"/api/sites/{site['id']}", json={"published": False, "version": now["version"]}, headers=secretariat
    )
    assert withdrawn.status_code == 200 and withdrawn.json()["published"] is False
    assert client.get(path, headers=member).json() | {"submitted_at": None, "decided_at": None} == {
        "state": "approved",
        "comment": "",
        "submitted_at": None,
        "decided_at": None,
        "pending": False,
        "proposed": None,
    }
    client.post(f"{path}/submit", headers=member)
    assert client.get("/api/review", headers=secretariat).json()[0]["pending"] is False
    client.post(f"{path}/approve", headers=secretariat)
    now = client.get(f"/api/sites/{site['id']}").json()
    assert now["description"] == "hybrid maize since 1990" and now["published"] is True
    assert client.get(path, headers=member).json()["proposed"] is None
    # the Secretariat's own change is not a proposal: it applies at once
    assert (
        client.patch(
            f"/api/sites/{site['id']}",
            json={"name": "Renamed", "version": now["version"]},
            headers=secretariat,
        ).json()["name"]
        == "Renamed"
    )


def test_a_patch_that_changes_nothing_writes_nothing(client, auth, session):
    """A PATCH with the values already stored answers 200 and writes no version (it answered 409: the
    version snapshot of an unchanged record collided with the stored one)."""
    secretariat = auth("secretariat")
    site = client.post("/api/sites", json=SITE, headers=secretariat).json()
    row = {"site_id": site["id"], "upper_cm": 0, "lower_cm": 30, "property": "soc", "value": 1.5, "unit": "%"}
    observation = client.post("/api/observations", json=row, headers=secretariat).json()
    for kind, record, body in (
        ("observations", observation, {"value": 1.5}),
        ("sites", site, {"name": SITE["name"]}),
    ):
        before = actions(session, kind, record["id"])
        answer = client.patch(
            f"/api/{kind}/{record['id']}", json=body | {"version": record["version"]}, headers=secretariat
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["version"] == record["version"]
        assert actions(session, kind, record["id"]) == before, "no audit row for no change"
        other = {k: v + 0.5 if isinstance(v, float) else v + " changed" for k, v in body.items()}
        changed = client.patch(
            f"/api/{kind}/{record['id']}", json=other | {"version": record["version"]}, headers=secretariat
        )
        assert changed.status_code == 200 and changed.json()["version"] == record["version"] + 1


def test_the_stc_approves_assessments(client, auth, session):
    # stored directly: the project route loads the numerical models (slow), not what is tested here
    project = Project(
        name="Agroforestry",
        country_iso3="SEN",
        lon=-16,
        lat=14,
        area_ha=120,
        stage="proposed",
        organisation_id=auth.organisation_id("member"),
    )
    session.add(project)
    session.commit()
    project = {"id": project.id}
    assessment = client.post(
        "/api/assessments",
        json={
            "project_id": project["id"],
            "assessed_on": "2026-05-01",
            "scores": {c.value: {"score": 3, "comment": "adequate"} for c in Criterion},
        },
        headers=auth("stc"),
    )
    assert assessment.status_code == 201, assessment.text
    path = f"/api/review/assessments/{assessment.json()['id']}"
    assert client.post(f"{path}/submit", headers=auth("stc")).status_code == 200
    assert [i["kind"] for i in client.get("/api/review", headers=auth("stc")).json()] == ["assessments"]
    assert client.post(f"{path}/approve", headers=auth("stc")).status_code == 200
    session.rollback()
    assert client.get(f"/api/assessments/{assessment.json()['id']}").json()["published"] is True
    # and the project, submitted by its member, waits for the Secretariat, not the STC
    client.post(f"/api/review/projects/{project['id']}/submit", headers=auth("member"))
    assert client.get("/api/review", headers=auth("stc")).json() == []
    assert [i["kind"] for i in client.get("/api/review", headers=auth("secretariat")).json()] == ["projects"]


def test_my_organisation(client, auth):
    member = auth("member")
    draft = client.post("/api/sites", json=SITE | {"name": "Draft site"}, headers=member).json()
    waiting = client.post("/api/sites", json=SITE | {"name": "Waiting site"}, headers=member).json()
    client.post(f"/api/review/sites/{waiting['id']}/submit", headers=member)
    client.post("/api/sites", json=SITE | {"name": "Not ours"}, headers=auth("partner"))
    overview = client.get("/api/my-organisation", headers=member).json()
    assert overview["organisation"]["name"] == "Test member organisation"
    states = {r["title"]: (r["review"] or {}).get("state") for r in overview["records"]}
    assert states == {"Draft site": None, "Waiting site": "submitted"}
    assert overview["totals"] == {"sites": 2}
    assert [(m["email"], m["role"]) for m in overview["members"]] == [("member@test.example.org", "member")]
    assert draft["published"] is False
    assert client.get("/api/my-organisation", headers=auth("stc")).status_code == 422  # no organisation
    assert client.get("/api/my-organisation").status_code == 401
    assert client.post("/api/review/users/1/submit", headers=member).status_code == 422  # not reviewed
