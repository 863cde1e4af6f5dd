"""Timing and disclosure (issue 19, point 10): a deactivated account's sign-in checks the password as
any other (no faster answer reveals it); a record's history names its writers and their organisations,
their e-mail addresses only to the Secretariat; answers to requests with credentials that set no cache
policy say ``Cache-Control: private, no-store``. SQLite and PostgreSQL."""

from sqlalchemy import update

from permille.registry import accounts
from permille.registry.orm import User
from tests.platform.conftest import PASSWORD

SITE = {"name": "Disclosed", "country_iso3": "SEN", "lon": -16.0, "lat": 14.0, "land_use": "cropland"}


def test_a_deactivated_account_costs_a_password_check(client, auth, engine, monkeypatch):
    user = auth.user("member")
    with engine.begin() as connection:
        connection.execute(update(User).where(User.id == user.id).values(active=False))
    checks = []
    real = accounts.verify_password
    monkeypatch.setattr(accounts, "verify_password", lambda h, p: checks.append(h) or real(h, p))
    for password in (PASSWORD, "wrong password"):
        answer = client.post("/api/auth/token", json={"email": user.email, "password": password})
        assert answer.status_code == 401
    assert checks == [user.password_hash, user.password_hash]


def test_history_shows_names_and_organisations_and_emails_only_to_the_secretariat(client, auth):
    member = auth("member")
    site = client.post("/api/sites", json=SITE, headers=member)
    assert site.status_code == 201, site.text
    path = f"/api/sites/{site.json()['id']}"
    assert client.patch(path, json={"published": True}, headers=auth("secretariat")).status_code == 200
    seen = {}
    for role in ("partner", "stc", "secretariat", "public"):
        answer = client.get(f"{path}/history", headers=auth(role))
        assert answer.status_code == 200, (role, answer.text)
        seen[role] = [(h["actor"], h["actor_organisation"], h["actor_email"]) for h in answer.json()]
    assert (
        seen["partner"]
        == seen["stc"]
        == [
            ("Test member", "Test member organisation", None),
            ("Test secretariat", None, None),
        ]
    )
    assert seen["secretariat"] == [
        ("Test member", "Test member organisation", "member@test.example.org"),
        ("Test secretariat", None, "secretariat@test.example.org"),
    ]
    assert seen["public"] == [(None, None, None)] * 2
    assert "@" not in client.get(f"{path}/history", headers=auth("partner")).text


def test_uncached_private_answers_are_not_stored(client, auth):
    headers = auth("secretariat")
    site = client.post("/api/sites", json=SITE, headers=headers).json()
    for path in ("/api/me", "/api/contacts/export.csv", f"/api/sites/{site['id']}/history"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["cache-control"] == "private, no-store", path
    kept = client.get("/api/sites", headers=headers)  # a cached read keeps its own revalidation policy
    assert kept.headers["cache-control"] == "private, no-cache"
