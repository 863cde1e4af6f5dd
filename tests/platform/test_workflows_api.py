"""The workflows through the API, on SQLite and PostgreSQL, with e-mails received by a real SMTP server
(aiosmtpd): a whole call for projects (a conflicting reviewer refused and recorded, two reviewers score,
the STC recommends, the applicant sees the feedback, the Secretariat selects with a reason e-mailed);
an anonymous question answered by the region's expert, proposed and published as an FAQ entry; the inbox,
the digest and the one-click unsubscribe; the rate limit of anonymous questions."""

import datetime
import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from permille import cli
from permille.registry import counting, notify
from permille.registry.orm import AuditLog, Notification, ReviewConflict, User, utcnow
from permille.registry.schemas import Criterion
from tests.mailserver import text_of

from .conftest import add_user

PROJECT = {
    "name": "Agroforestry in Kaffrine",
    "country_iso3": "SEN",
    "lon": -15.5,
    "lat": 14.1,
    "area_ha": 250.0,
}
URL = re.compile(r"https?://\S+")


@pytest.fixture
def client(mailed_client):
    return mailed_client


def _scores(value):
    return {c.value: {"score": value, "comment": f"{c.value}: {value}/5"} for c in Criterion}


def _kpi(session, name: str) -> float | None:
    """The indicator's value this year, as the KPIs page counts it."""
    today = datetime.date.today()
    with Session(session.get_bind()) as reader:  # its own transaction, ended at once (SQLite locks)
        return counting.evaluate(reader, name, today).by_year[today.year]


def test_a_whole_call_for_projects(client, auth, session, mailserver):
    member, secretariat, stc = auth("member"), auth("secretariat"), auth("stc")
    a2 = _kpi(session, "projects_selected_and_implemented")
    by_hand = client.post(
        "/api/projects", json=PROJECT | {"stage": "selected", "published": True}, headers=secretariat
    )
    assert by_hand.status_code == 201, by_hand.text
    assert _kpi(session, "projects_selected_and_implemented") == a2  # a stage set by hand moves no KPI
    now = utcnow()
    call = client.post(
        "/api/calls",
        json={"title": "Call 2027", "opens_at": (now - datetime.timedelta(days=1)).isoformat(),
              "closes_at": (now + datetime.timedelta(days=30)).isoformat(),
              "review_by": (now + datetime.timedelta(days=60)).isoformat(), "regions": ["Africa"]},
        headers=secretariat,
    )  # fmt: skip
    assert call.status_code == 201, call.text
    assert len(call.json()["criteria"]) == 14
    assert client.post("/api/calls", json=call.json() | {"id": None}, headers=member).status_code in (
        403,
        422,
    )

    # an organisation no longer sets "selected" itself
    refused = client.post("/api/projects", json=PROJECT | {"stage": "selected"}, headers=member)
    assert refused.status_code == 403 and "call for projects" in refused.json()["error"]["message"]
    project = client.post("/api/projects", json=PROJECT | {"stage": "proposed"}, headers=member).json()
    assert (
        client.patch(f"/api/projects/{project['id']}", json={"stage": "selected"}, headers=member).status_code
        == 403
    )

    path = f"/api/calls/{call.json()['id']}/applications"
    wrong_region = client.post(path, json={"project_id": project["id"], "region": "Asia"}, headers=member)
    assert wrong_region.status_code == 422
    application = client.post(
        path, json={"project_id": project["id"], "region": "Africa"}, headers=member
    ).json()
    assert application["state"] == "draft" and "submit" in application["actions"]
    app_path = f"/api/call-applications/{application['id']}"
    assert client.post(f"{app_path}/submit", headers=auth("partner")).status_code == 404  # not theirs
    assert client.post(f"{app_path}/submit", headers=member).json()["state"] == "submitted"

    # a reviewer of the applicant's organisation: refused, and the conflict is recorded
    colleague = add_user(session, "stc-colleague@test.example.org", "stc", auth.organisation_id("member"))
    conflict = client.post(f"{app_path}/assign", json={"reviewer_id": colleague.id}, headers=secretariat)
    assert conflict.status_code == 409 and "conflict of interest" in conflict.json()["error"]["message"]
    session.expire_all()
    assert [c.reviewer_id for c in session.scalars(select(ReviewConflict))] == [colleague.id]
    assert client.post(f"{app_path}/start_review", headers=secretariat).status_code == 409  # < 2 reviewers
    second = add_user(session, "stc2@test.example.org", "stc", name="Second reviewer")
    reviewer2 = auth.sign_in_again("stc")  # keeps the auth helper's STC user
    for reviewer_id in (auth.user("stc").id, second.id):
        assigned = client.post(f"{app_path}/assign", json={"reviewer_id": reviewer_id}, headers=secretariat)
        assert assigned.status_code == 200, assigned.text
    assert [r["reviewer_id"] for r in assigned.json()["reviews"]] == [auth.user("stc").id, second.id]
    assert assigned.json()["conflicts"][0]["reviewer_id"] == colleague.id
    told = mailserver.wait_for("stc@test.example.org")[0]
    assert "Agroforestry in Kaffrine" in told["Subject"] and "Call 2027" in text_of(told)
    inbox = client.get("/api/notifications", headers=reviewer2).json()
    assert inbox["unread"] == 1 and inbox["items"][0]["kind"] == "assignment"

    assert client.post(f"{app_path}/start_review", headers=secretariat).json()["state"] == "under_review"
    assert (
        client.post(f"{app_path}/score", json={"scores": _scores(4)}, headers=secretariat).status_code == 403
    )
    partial = {k: v for k, v in list(_scores(4).items())[:13]}
    assert client.post(f"{app_path}/score", json={"scores": partial}, headers=stc).status_code == 422
    assert (
        client.post(
            f"{app_path}/score", json={"scores": _scores(4), "comment": "Sound."}, headers=stc
        ).status_code
        == 200
    )
    assert client.post(f"{app_path}/recommend", headers=stc).status_code == 409  # one reviewer still to score
    from permille.api.security import issue_token

    token, _ = issue_token(session, second)
    session.commit()
    second_headers = {"Authorization": f"Bearer {token}"}
    assert client.post(f"{app_path}/score", json={"scores": _scores(2), "comment": "Monitoring is thin."},
                       headers=second_headers).status_code == 200  # fmt: skip
    # the applicant does not see scores while the review runs
    assert client.get(app_path, headers=member).json()["recommendation"] is None
    recommended = client.post(f"{app_path}/recommend", headers=stc).json()
    rec = recommended["recommendation"]
    assert recommended["state"] == "recommended"
    assert rec["reviewers"] == 2 and rec["mean"] == 3.0
    assert rec["criteria"]["soc_increase"] == {"mean": 3.0, "min": 2, "max": 4, "spread": 2,
                                                 "comments": ["soc_increase: 4/5", "soc_increase: 2/5"]}  # fmt: skip
    feedback = client.get(app_path, headers=member).json()
    assert feedback["recommendation"]["comments"] == ["Sound.", "Monitoring is thin."]
    assert feedback["reviews"] == []  # who scored what stays with the STC and the Secretariat

    assert client.post(f"{app_path}/select", json={"reason": " "}, headers=secretariat).status_code == 422
    assert client.post(f"{app_path}/select", json={"reason": "x"}, headers=member).status_code == 403
    selected = client.post(
        f"{app_path}/select", json={"reason": "Strong expected impact."}, headers=secretariat
    )
    assert selected.json()["state"] == "selected" and selected.json()["project"]["stage"] == "selected"
    decision = mailserver.wait_for("member@test.example.org")[0]
    assert "is selected" in decision["Subject"] and "Strong expected impact." in text_of(decision)
    assert _kpi(session, "projects_selected_and_implemented") == a2  # the project is not published yet
    current = client.get(f"/api/projects/{project['id']}", headers=secretariat).json()
    published = client.patch(
        f"/api/projects/{project['id']}",
        json={"published": True, "version": current.get("version")},
        headers=secretariat,
    )
    assert published.status_code == 200, published.text
    assert _kpi(session, "projects_selected_and_implemented") == a2 + 1  # KPI A2 moves by one, by the call

    report = {
        "year": 2028,
        "text": "Trees planted on 200 ha.",
        "measured_t_c_ha": 0.5,
        "uncertainty_t_c_ha": 0.3,
    }
    implemented = client.post(f"{app_path}/report", json=report, headers=member).json()
    assert implemented["state"] == "implemented" and implemented["reports"][0]["measured_t_c_ha"] == 0.5
    assert client.post(f"{app_path}/report", json=report, headers=member).status_code == 409  # one per year
    session.expire_all()
    steps = session.scalars(
        select(AuditLog.action).where(
            AuditLog.kind == "call_application", AuditLog.record_id == application["id"]
        )
    ).all()
    assert steps == ["create", "submit", "conflict", "assign", "assign", "start_review", "score", "score",
                     "recommend", "select", "report"]  # fmt: skip


def test_an_anonymous_question_answered_and_published_as_faq(client, auth, session, mailserver):
    secretariat = auth("secretariat")
    assert _kpi(session, "regions_with_active_helpdesk") == 0
    expert = auth.user("partner")
    assert (
        client.put(
            f"/api/helpdesks/experts/{expert.id}", json={"regions": ["Africa"]}, headers=auth("member")
        ).status_code
        == 403
    )
    assert client.put(f"/api/helpdesks/experts/{auth.user('member').id}", json={"regions": ["Africa"]},
                      headers=secretariat).status_code == 422  # members are not experts  # fmt: skip
    assert (
        client.put(
            f"/api/helpdesks/experts/{expert.id}", json={"regions": ["Africa"]}, headers=secretariat
        ).status_code
        == 200
    )

    question = {"region": "Africa", "country_iso3": "SEN", "topic": "practices", "language": "fr",
                "subject": "Couverts végétaux au Sahel", "question": "Quelles espèces semer ?"}  # fmt: skip
    assert client.post("/api/helpdesks/questions", json=question).status_code == 422  # no e-mail address
    asked = client.post("/api/helpdesks/questions", json=question | {"email": "farmer@example.org"})
    assert asked.status_code == 201 and asked.json()["state"] == "routed"
    received = mailserver.wait_for("farmer@example.org")[0]
    assert "Couverts végétaux" in " ".join(received["Subject"].split())
    link = URL.findall(text_of(received))[0]
    qid, token = re.search(r"helpdesk\?question=(\d+)&token=(\S+)$", link).groups()
    path = f"/api/helpdesks/questions/{qid}"
    assert client.get(path).status_code == 404  # without the link
    assert client.get(path, params={"token": token}).json()["state"] == "routed"
    assert mailserver.wait_for("partner@test.example.org")  # the region's expert is told

    partner = auth("partner")
    assert (
        client.post(f"{path}/assign", json={"expert_id": expert.id}, headers=partner).json()["state"]
        == "assigned"
    )
    # the asker cannot write the answer
    assert client.post(f"{path}/answer", params={"token": token}, json={"text": "Mine"}).status_code == 403
    assert _kpi(session, "regions_with_active_helpdesk") == 0  # asked, not answered: B3 does not move
    answer = "Niébé et mil en association."
    assert client.post(f"{path}/answer", json={"text": answer}, headers=partner).json()["state"] == "answered"
    answered = mailserver.wait_for("farmer@example.org", 2)[1]
    assert answer in text_of(answered)
    assert _kpi(session, "regions_with_active_helpdesk") == 1  # Africa's helpdesk answered within 30 days
    follow = client.post(f"{path}/follow_up", params={"token": token}, json={"text": "Et en saison sèche ?"})
    assert follow.json()["state"] == "assigned" and [m["author"] for m in follow.json()["messages"]] == [
        "expert",
        "asker",
    ]
    client.post(f"{path}/answer", json={"text": "Paillage."}, headers=partner)
    faq = {"question": "Quelles plantes de couverture au Sahel ?", "answer": answer, "language": "fr"}
    assert client.post(f"{path}/propose_faq", json=faq, headers=partner).status_code == 200
    assert client.get("/api/faq", params={"q": "couverture"}).json() == []  # not yet reviewed
    proposed = client.get("/api/faq", params={"state": "proposed"}, headers=secretariat).json()
    assert client.post(f"/api/faq/{proposed[0]['id']}/publish", headers=partner).status_code == 403
    assert (
        client.post(f"/api/faq/{proposed[0]['id']}/publish", headers=secretariat).json()["state"]
        == "published"
    )
    found = client.get("/api/faq", params={"q": "COUVERTURE sahel", "language": "fr"}).json()
    assert [f["question"] for f in found] == [faq["question"]]
    assert client.get("/api/faq", params={"q": "couverture", "language": "es"}).json() == []
    assert client.post(f"{path}/close", params={"token": token}).json()["state"] == "closed"


def test_anonymous_questions_are_rate_limited(client):
    question = {"region": "Asia", "topic": "monitoring", "subject": "SOC sampling", "question": "How deep?",
                "email": "curious@example.org"}  # fmt: skip
    codes = [client.post("/api/helpdesks/questions", json=question).status_code for _ in range(6)]
    assert codes == [201] * 5 + [429]


def test_digest_and_one_click_unsubscribe(client, auth, session, mailserver, db_url):
    reviewer = auth("stc")
    user = auth.user("stc")
    preferences = client.put(
        "/api/notifications/preferences", json={"assignment": "digest"}, headers=reviewer
    )
    assert preferences.json()["assignment"] == "digest"
    assert (
        client.put(
            "/api/notifications/preferences", json={"assignment": "weekly"}, headers=reviewer
        ).status_code
        == 422
    )
    me = session.get(User, user.id)
    for n in range(2):
        notify.notify(session, me, "assignment", "helpdesk_task", "http://platform.test", "/#/helpdesk",
                      region="Africa", subject=f"Q{n}", topic="practices", asked_in="en", event="assigned")  # fmt: skip
    session.commit()
    ran = CliRunner().invoke(
        cli.app,
        ["notifications", "digest", "--public-url", "http://platform.test"],
        env={"PERMILLE_DATABASE_URL": db_url},
    )
    assert ran.exit_code == 0 and "1 digest(s) queued" in ran.output, ran.output  # the daily command
    client.app.state.courier.deliver()
    digest = mailserver.wait_for("stc@test.example.org")[0]
    assert (
        "notifications of the day (2)" in digest["Subject"]
        and "Q0" in text_of(digest)
        and "Q1" in text_of(digest)
    )
    session.expire_all()
    assert notify.send_digests(session, "http://platform.test") == 0  # each notification once

    client.put("/api/notifications/preferences", json={"assignment": "immediate"}, headers=reviewer)
    session.expire_all()
    notify.notify(session, session.get(User, user.id), "assignment", "helpdesk_task", "http://platform.test",
                  "/#/helpdesk", region="Asia", subject="Q2", topic="practices", asked_in="en", event="new")  # fmt: skip
    session.commit()
    client.app.state.courier.deliver()
    immediate = mailserver.wait_for("stc@test.example.org", 2)[1]
    unsubscribe = [u for u in URL.findall(text_of(immediate)) if "unsubscribe" in u][0]
    assert client.get(unsubscribe.replace("http://platform.test", "")).status_code == 200
    assert client.get("/api/notifications/preferences", headers=reviewer).json()["assignment"] == "off"
    inbox = client.get("/api/notifications", headers=reviewer).json()
    assert inbox["unread"] == 3
    assert client.post("/api/notifications/read", headers=reviewer).json() == {"changed": 3}
    session.expire_all()
    assert {n.mail for n in session.scalars(select(Notification))} == {"digested", "sent"}


def test_comment_threads_follow_the_records_visibility(client, auth):
    member = auth("member")
    project = client.post("/api/projects", json=PROJECT | {"stage": "proposed"}, headers=member).json()
    path = f"/api/comments/projects/{project['id']}"
    assert client.post(path, json={"text": "Baseline sampled in May."}, headers=member).status_code == 201
    assert client.post(path, json={"text": " "}, headers=member).status_code == 422
    assert (
        client.post(path, json={"text": "Mine too"}, headers=auth("partner")).status_code == 404
    )  # unpublished
    assert (
        client.get(path).status_code == 404 and client.get(path, headers=auth("partner")).status_code == 404
    )
    assert client.post(path, json={"text": "Anonymous"}).status_code == 401
    thread = client.post(path, json={"text": "Add the bulk density."}, headers=auth("stc")).json()
    assert [(c["author"], c["text"]) for c in thread] == [
        ("Test member", "Baseline sampled in May."),
        ("Test stc", "Add the bulk density."),
    ]
    assert client.get("/api/comments/call-applications/1", headers=member).status_code == 404  # none
    assert client.get("/api/comments/sites/1", headers=member).status_code == 422  # not a kind with threads
