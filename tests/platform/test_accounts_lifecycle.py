"""Accounts' life cycle through the API, on SQLite and PostgreSQL, with a real SMTP server (aiosmtpd) in
the test process: application → approval → invitation e-mail → password → sign-in; decline; invitations
by an organisation's admin; password reset and change; each step's audit-log row; a mail server that
fails (the step is kept, the message sent later); the outbox without SMTP."""

import datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from permille import cli
from permille.api.app import create_app
from permille.mail.queue import deliver_due
from permille.mail.transport import Smtp
from permille.registry.orm import AuditLog, MailMessage, Organisation, User
from tests.mailserver import MailServer, html_of, link_in, text_of, token_in

from .conftest import PASSWORD

NEW_PASSWORD = "violet tractor meadow lantern"
APPLICATION = {
    "organisation_name": "Sols Vivants du Sahel",
    "membership": "member",
    "org_type": "ngo",
    "region": "Africa",
    "country_iso3": "SEN",
    "contact_name": "Awa Diop",
    "contact_email": "awa@sols-vivants.example.org",
    "language": "fr",
    "motivation": "We restore degraded soils with farmers in the groundnut basin.",
}


@pytest.fixture
def client(mailed_client):
    return mailed_client


def audit_rows(session, kind: str, record_id: int | None = None) -> list[AuditLog]:
    statement = select(AuditLog).where(AuditLog.kind == kind).order_by(AuditLog.id)
    if record_id is not None:
        statement = statement.where(AuditLog.record_id == record_id)
    session.rollback()  # a new snapshot: what the app committed meanwhile
    return list(session.scalars(statement))


def sign_in(client, email: str, password: str) -> dict:
    answer = client.post("/api/auth/token", json={"email": email, "password": password})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_application_approved_invitation_accepted_sign_in(client, auth, session, mailserver):
    answer = client.post("/api/applications", json=APPLICATION)
    assert answer.status_code == 201, answer.text
    application_id = answer.json()["id"]
    received = mailserver.wait_for(APPLICATION["contact_email"])
    assert "candidature" in received[0]["Subject"]  # in the applicant's language
    assert "Sols Vivants du Sahel" in text_of(received[0])
    assert [r.action for r in audit_rows(session, "applications", application_id)] == ["create"]
    assert audit_rows(session, "applications", application_id)[0].actor == "anonymous"

    assert client.get("/api/applications", headers=auth("member")).status_code == 403
    pending = client.get("/api/applications?state=pending", headers=auth("secretariat")).json()
    assert [a["organisation_name"] for a in pending] == ["Sols Vivants du Sahel"]

    approved = client.post(f"/api/applications/{application_id}/approve", headers=auth("secretariat"))
    assert approved.status_code == 200, approved.text
    assert approved.json()["state"] == "approved"
    assert (
        client.post(f"/api/applications/{application_id}/approve", headers=auth("secretariat")).status_code
        == 409
    )
    session.rollback()
    organisation = session.get(Organisation, approved.json()["organisation_id"])
    assert (organisation.name, organisation.membership, organisation.country_iso3) == (
        "Sols Vivants du Sahel",
        "member",
        "SEN",
    )
    user = session.scalar(select(User).where(User.email == APPLICATION["contact_email"]))
    assert (user.role, user.organisation_id, user.org_admin, user.language) == (
        "member",
        organisation.id,
        True,
        "fr",
    )
    assert [r.action for r in audit_rows(session, "applications", application_id)] == ["create", "approve"]
    assert audit_rows(session, "applications", application_id)[1].actor == "secretariat@test.example.org"
    assert [r.action for r in audit_rows(session, "organisations", organisation.id)] == ["create"]
    assert [r.action for r in audit_rows(session, "users", user.id)] == ["create"]
    assert [r.action for r in audit_rows(session, "accounts", user.id)] == ["invite"]

    invitation = mailserver.wait_for(APPLICATION["contact_email"], 2)[1]
    assert invitation["Subject"] == "Votre compte sur la plateforme « 4 pour 1000 »"
    assert invitation["Content-Language"] == "fr"
    link = link_in(invitation)
    assert link.startswith("http://platform.test/#/accept-invitation?token=")
    assert 'href="http://platform.test/#/accept-invitation?token=' in html_of(invitation)
    token = token_in(invitation)
    assert client.get(f"/api/invitations/{token}").json()["email"] == APPLICATION["contact_email"]
    # no password works before one is set
    assert client.post("/api/auth/token", json={"email": user.email, "password": ""}).status_code == 422
    weak = client.post("/api/invitations/accept", json={"token": token, "password": "password1234"})
    assert weak.status_code == 422 and weak.json()["error"]["details"][0]["loc"][-1] == "password"
    accepted = client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD})
    assert accepted.status_code == 200, accepted.text
    again = client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD + " x"})
    assert again.status_code == 422  # single use
    assert [r.action for r in audit_rows(session, "accounts", user.id)] == ["invite", "accept-invitation"]
    headers = sign_in(client, user.email, NEW_PASSWORD)
    me = client.get("/api/me", headers=headers).json()
    assert (me["email"], me["org_admin"], me["language"]) == (user.email, True, "fr")


def test_application_declined_with_reason(client, auth, session, mailserver):
    application_id = client.post("/api/applications", json=APPLICATION | {"language": "es"}).json()["id"]
    assert (
        client.post(
            f"/api/applications/{application_id}/decline", json={"reason": ""}, headers=auth("secretariat")
        ).status_code
        == 422
    )
    declined = client.post(
        f"/api/applications/{application_id}/decline",
        json={"reason": "Please send the statutes of the organisation."},
        headers=auth("secretariat"),
    )
    assert declined.status_code == 200 and declined.json()["state"] == "declined"
    told = mailserver.wait_for(APPLICATION["contact_email"], 2)[1]
    assert "Please send the statutes" in text_of(told) and "Secretaría" in text_of(told)
    assert [r.action for r in audit_rows(session, "applications", application_id)] == ["create", "decline"]
    assert session.scalar(select(User).where(User.email == APPLICATION["contact_email"])) is None


def test_application_is_checked(client):
    bad = client.post(
        "/api/applications", json=APPLICATION | {"contact_email": "not-an-address", "motivation": "short"}
    )
    assert bad.status_code == 422
    assert {d["loc"][-1] for d in bad.json()["error"]["details"]} == {"contact_email", "motivation"}
    for address in ("a,b@example.org", "(note)a@example.org", "a<b@example.org"):  # one plain address only
        listed = client.post("/api/applications", json=APPLICATION | {"contact_email": address})
        assert listed.status_code == 422, address


def test_invitations_by_secretariat_and_organisation_admin(client, auth, session, mailserver):
    organisation_id = auth.organisation_id("member")
    invited = client.post(
        "/api/invitations",
        json={"email": "colleague@test.example.org", "name": "Col League", "language": "es"},
        headers=auth("member"),
    )
    assert invited.status_code == 403  # not the organisation's admin
    session.rollback()
    session.get(User, auth.user("member").id).org_admin = True
    session.commit()
    invited = client.post(
        "/api/invitations",
        json={"email": "colleague@test.example.org", "name": "Col League", "language": "es"},
        headers=auth("member"),
    )
    assert invited.status_code == 201, invited.text
    assert (invited.json()["role"], invited.json()["organisation_id"]) == ("member", organisation_id)
    message = mailserver.wait_for("colleague@test.example.org")[0]
    assert "Test member" in text_of(message) and "7 días" in text_of(message)
    other = client.post(
        "/api/invitations",
        json={"email": "x@test.example.org", "organisation_id": auth.organisation_id("partner")},
        headers=auth("member"),
    )
    assert other.status_code == 403
    assert (
        client.post(
            "/api/invitations", json={"email": "colleague@test.example.org"}, headers=auth("member")
        ).status_code
        == 422
    )
    stc = client.post(
        "/api/invitations", json={"email": "sci@test.example.org", "role": "stc"}, headers=auth("secretariat")
    )
    assert stc.status_code == 201 and stc.json()["role"] == "stc"
    invited_id = invited.json()["id"]
    assert [r.action for r in audit_rows(session, "accounts", invited_id)] == ["invite"]
    assert audit_rows(session, "accounts", invited_id)[0].actor == "member@test.example.org"
    assert client.get("/api/invitations", headers=auth("secretariat")).json() == [
        invited_id,
        stc.json()["id"],
    ]
    assert client.get("/api/invitations", headers=auth("member")).status_code == 403
    member_id = auth.user("member").id
    assert client.post(f"/api/users/{member_id}/invitation", headers=auth("secretariat")).status_code == 409
    # a new link ends the old one
    first = token_in(message)
    assert client.post(f"/api/users/{invited_id}/invitation", headers=auth("secretariat")).status_code == 204
    second = token_in(mailserver.wait_for("colleague@test.example.org", 2)[1])
    assert client.get(f"/api/invitations/{first}").status_code == 422
    assert client.get(f"/api/invitations/{second}").status_code == 200


def test_invitation_expires_after_7_days(client, auth, session, mailserver):
    client.post(
        "/api/invitations",
        json={"email": "late@test.example.org", "role": "stc"},
        headers=auth("secretariat"),
    )
    token = token_in(mailserver.wait_for("late@test.example.org")[0])
    from permille.registry.orm import AccountToken

    row = session.scalars(select(AccountToken)).one()
    lifetime = row.expires_at - row.created_at
    assert lifetime == datetime.timedelta(days=7)
    row.expires_at = row.created_at + datetime.timedelta(seconds=1) - lifetime  # in the past
    session.commit()
    assert (
        client.post("/api/invitations/accept", json={"token": token, "password": NEW_PASSWORD}).status_code
        == 422
    )


def test_password_reset(client, auth, session, mailserver):
    member = auth.user("member")
    old = auth("member")
    unknown = client.post("/api/password-reset", json={"email": "nobody@test.example.org"})
    known = client.post("/api/password-reset", json={"email": "Member@Test.example.org "})
    assert unknown.status_code == known.status_code == 202
    assert unknown.json() == known.json()  # the same answer
    message = mailserver.wait_for(member.email)[0]
    assert mailserver.to("nobody@test.example.org") == []
    assert "1 hour" in text_of(message)
    token = token_in(message)
    assert link_in(message).startswith("http://platform.test/#/reset-password?token=")
    assert client.get(f"/api/invitations/{token}").status_code == 422  # a reset link is not an invitation
    assert client.get(f"/api/password-reset/{token}").json()["email"] == member.email
    assert client.get("/api/me", headers=old).status_code == 200
    done = client.post("/api/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD})
    assert done.status_code == 200, done.text
    assert client.get("/api/me", headers=old).status_code == 401  # the old token is refused
    assert (
        client.post(
            "/api/password-reset/confirm", json={"token": token, "password": NEW_PASSWORD}
        ).status_code
        == 422
    )
    assert (
        client.post("/api/auth/token", json={"email": member.email, "password": PASSWORD}).status_code == 401
    )
    sign_in(client, member.email, NEW_PASSWORD)
    changed = mailserver.wait_for(member.email, 2)[1]
    assert "changed" in changed["Subject"]
    actions = [(r.action, r.after.get("sent")) for r in audit_rows(session, "accounts")]
    assert actions == [("reset-request", False), ("reset-request", True), ("reset-password", None)]


def test_reset_link_lasts_one_hour_and_requests_are_limited(client, auth, session, mailserver):
    member = auth.user("member")
    client.post("/api/password-reset", json={"email": member.email})
    from permille.registry.orm import AccountToken

    row = session.scalars(select(AccountToken)).one()
    assert row.expires_at - row.created_at == datetime.timedelta(hours=1)
    answers = [client.post("/api/password-reset", json={"email": member.email}).status_code for _ in range(5)]
    assert answers == [202, 202, 202, 202, 429]
    limited = client.post("/api/password-reset", json={"email": member.email})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # each new link ends the previous one: only the newest works
    tokens = [token_in(m) for m in mailserver.wait_for(member.email, 5)]
    assert [client.get(f"/api/password-reset/{t}").status_code for t in tokens] == [422, 422, 422, 422, 200]


def test_change_my_password_and_profile(client, auth, session, mailserver):
    old = auth("member")
    wrong = client.post(
        "/api/me/password", json={"current_password": "nope", "new_password": NEW_PASSWORD}, headers=old
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["loc"][-1] == "current_password"
    changed = client.post(
        "/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}, headers=old
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/api/me", headers=old).status_code == 401
    new = {"Authorization": f"Bearer {changed.json()['access_token']}"}
    assert client.get("/api/me", headers=new).status_code == 200
    assert (
        client.post(
            "/api/me/password", json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
        ).status_code
        == 401
    )
    profile = client.patch("/api/me", json={"name": "Marie Curie", "language": "fr"}, headers=new)
    assert profile.status_code == 200 and (profile.json()["name"], profile.json()["language"]) == (
        "Marie Curie",
        "fr",
    )
    assert client.patch("/api/me", json={"language": "de"}, headers=new).status_code == 422
    assert client.patch("/api/me", json={"role": "secretariat"}, headers=new).status_code == 422
    user_id = auth.user("member").id
    assert [r.action for r in audit_rows(session, "accounts", user_id)] == ["change-password"]
    assert audit_rows(session, "users", user_id)[-1].after["name"] == "Marie Curie"
    assert (
        "changé" not in mailserver.wait_for(auth.user("member").email)[0]["Subject"]
    )  # sent in English then


def test_failed_send_keeps_the_step_and_is_retried(engine, auth, session, monkeypatch):
    server = MailServer()
    server.controller.start()
    url = server.url
    server.controller.stop()  # the mail server is down
    monkeypatch.setenv("PERMILLE_SMTP_URL", url)
    with TestClient(create_app(engine, seed=False)) as client:
        answer = client.post("/api/applications", json=APPLICATION)
        assert answer.status_code == 201  # the application is kept
        session.rollback()
        message = session.scalars(select(MailMessage)).one()
        assert (message.state, message.attempts) == ("pending", 1)
        assert "ConnectionRefusedError" in message.last_error or "Connection refused" in message.last_error
        retry_at = message.next_attempt_at
        assert retry_at > message.created_at + datetime.timedelta(seconds=50)
        with MailServer() as again:
            monkeypatch.setenv("PERMILLE_SMTP_URL", again.url)
            counts = deliver_due(session, Smtp.from_url(again.url), "test <t@example.org>", now=retry_at)
            assert counts == {"sent": 1, "retry": 0, "failed": 0}
            assert again.wait_for(APPLICATION["contact_email"])[0]["Subject"].startswith("Votre candidature")
        session.rollback()
        assert session.get(MailMessage, message.id).state == "sent"


def test_outbox_without_smtp(engine, auth, tmp_path, monkeypatch):
    monkeypatch.delenv("PERMILLE_SMTP_URL", raising=False)
    monkeypatch.setenv("PERMILLE_HOME", str(tmp_path))
    with TestClient(create_app(engine, seed=False)) as client:
        assert client.post("/api/applications", json=APPLICATION).status_code == 201
        assert client.get("/api/mail/outbox", headers=auth("member")).status_code == 403
        listed = client.get("/api/mail/outbox", headers=auth("secretariat")).json()
        assert [m["to"] for m in listed] == [APPLICATION["contact_email"]]
        message = client.get(f"/api/mail/outbox/{listed[0]['id']}", headers=auth("secretariat")).json()
        assert "Sols Vivants du Sahel" in message["text"] and "<p>" in message["html"]
        assert client.get("/api/mail/outbox/..%2Fpermille.db", headers=auth("secretariat")).status_code == 404
        assert client.get("/api/mail", headers=auth("secretariat")).json()["outbox"] is True
        queued = client.get("/api/mail/queue", headers=auth("secretariat")).json()
        assert [(m["state"], m["template"]) for m in queued] == [("sent", "application_received")]
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    listed_by_cli = CliRunner().invoke(cli.app, ["mail", "outbox"])
    assert listed_by_cli.exit_code == 0, listed_by_cli.output
    assert APPLICATION["contact_email"] in listed_by_cli.output and "1 message(s)" in listed_by_cli.output
    shown = CliRunner().invoke(cli.app, ["mail", "outbox", "--show", listed[0]["id"]])
    assert "Sols Vivants du Sahel" in shown.output


def test_a_deployment_takes_links_from_its_setting_only(client, auth, session, mailserver, monkeypatch):
    """A reset link built from the request's Host header could point at another site: a deployment
    needs PERMILLE_PUBLIC_URL and does nothing without it."""
    auth("member")
    monkeypatch.setenv("PERMILLE_ENV", "production")
    monkeypatch.delenv("PERMILLE_PUBLIC_URL")
    evil = {"Host": "attacker.example.net"}
    refused = client.post("/api/password-reset", json={"email": "member@test.example.org"}, headers=evil)
    assert refused.status_code == 503 and "PERMILLE_PUBLIC_URL" in refused.json()["error"]["message"]
    invited = client.post(
        "/api/invitations", json={"email": "x@example.org", "role": "stc"}, headers=auth("secretariat")
    )
    assert invited.status_code == 503
    assert audit_rows(session, "accounts") == [] and mailserver.messages == []
    monkeypatch.setenv("PERMILLE_PUBLIC_URL", "https://platform.example.org/")
    assert (
        client.post(
            "/api/password-reset", json={"email": "member@test.example.org"}, headers=evil
        ).status_code
        == 202
    )
    assert link_in(mailserver.wait_for("member@test.example.org")[0]).startswith(
        "https://platform.example.org/#/"
    )


def test_smtp_url_is_checked(monkeypatch):
    assert Smtp.from_url("smtp://mail.example.org").tls == "starttls"
    assert Smtp.from_url("smtps://mail.example.org").port == 465
    with pytest.raises(ValueError, match="PERMILLE_SMTP_USER"):
        Smtp.from_url("smtp://me:secret@mail.example.org")
    with pytest.raises(ValueError, match="tls=none"):
        Smtp.from_url("smtp://mail.example.org:25?tls=none")
    smtp = Smtp.from_url(
        "smtp://mail.example.org", {"PERMILLE_SMTP_USER": "u", "PERMILLE_SMTP_PASSWORD": "p"}
    )
    assert (smtp.user, smtp.password) == ("u", "p")
