"""Security of accounts and sign-in (issue 12 points 1, 4, 5, 10), on SQLite and PostgreSQL: no demo
account without ``--demo`` and none on a deployment, a rate-limited and audited sign-in shared by every
worker, tokens that die with the account's rights, and a password policy that says why it refuses."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from permille.api.app import create_app
from permille.api.security import ACCOUNT_LIMIT, ADDRESS_LIMIT
from permille.cli import app as cli
from permille.registry import seed, service
from permille.registry.db import make_engine, session_factory
from permille.registry.deployment import DeploymentRefused
from permille.registry.orm import ApiToken, AuditLog, LoginAttempt, Practice, Project, User, utcnow

from .conftest import PASSWORD

STRONG = "sturdy plum lantern voyage"


def _sign_in(client: TestClient, email: str, password: str):
    return client.post("/api/auth/token", json={"email": email, "password": password})


def _bearer(response) -> dict[str, str]:
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


# --- 1. demo data only with --demo; a deployment refuses demo accounts ---------------------------------------


def test_without_demo_the_seed_loads_the_catalogues_and_no_account(engine, session, monkeypatch):
    monkeypatch.delenv("PERMILLE_ENV", raising=False)
    create_app(engine)  # also on PostgreSQL, a deployment: nothing demo to refuse
    assert session.scalar(select(func.count()).select_from(User)) == 0
    assert session.scalar(select(func.count()).select_from(Project)) == 0
    assert session.scalar(select(func.count()).select_from(Practice).where(Practice.name.like("Demo%"))) == 0
    assert session.scalar(select(func.count()).select_from(Practice)) > 0  # the real catalogue


def test_a_deployment_refuses_demo_accounts_even_renamed_until_deactivated(
    engine, session, db_url, monkeypatch
):
    monkeypatch.setenv("PERMILLE_ENV", "development")
    create_app(engine, demo=True)
    secretariat = session.scalar(select(User).where(User.email == "demo.secretariat@example.org"))
    service.update(session, "users", secretariat.id, {"email": "renamed@example.org"}, service.SYSTEM)
    users = session.scalar(select(func.count()).select_from(User))
    seed.seed(session, demo=True)  # a restart with --demo
    assert session.scalar(select(func.count()).select_from(User)) == users  # not created again

    monkeypatch.setenv("PERMILLE_ENV", "production")
    with pytest.raises(DeploymentRefused, match="--demo"):
        create_app(engine, demo=True)
    with pytest.raises(DeploymentRefused, match="renamed@example.org"):
        create_app(engine)
    monkeypatch.delenv("PERMILLE_ENV")
    if engine.dialect.name == "postgresql":  # a PostgreSQL registry is a deployment unless said otherwise
        with pytest.raises(DeploymentRefused, match="active demo account"):
            create_app(engine)
    else:
        create_app(engine)

    runner, env = CliRunner(), {"PERMILLE_DATABASE_URL": db_url, "PERMILLE_ENV": "production"}
    result = runner.invoke(cli, ["users", "deactivate-demo"], env=env)
    assert result.exit_code == 0 and "renamed@example.org" in result.output, result.output
    weak = runner.invoke(
        cli, ["users", "create-admin", "--email", "admin@example.org", "--password-stdin"],
        input="password1234\n", env=env,
    )  # fmt: skip
    assert weak.exit_code == 2 and "common password" in weak.output, weak.output
    made = runner.invoke(
        cli, ["users", "create-admin", "--email", "admin@example.org", "--password-stdin"],
        input=f"{STRONG}\n", env=env,
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    monkeypatch.setenv("PERMILLE_ENV", "production")
    with TestClient(create_app(engine)) as client:  # starts now
        headers = _bearer(_sign_in(client, "admin@example.org", STRONG))
        assert client.get("/api/me", headers=headers).json()["role"] == "secretariat"
        demo_password = dict((e, p) for e, _, p in seed.DEMO_ACCOUNTS)["demo.member@example.org"]
        assert _sign_in(client, "demo.member@example.org", demo_password).status_code == 401


# --- 4. sign-in rate limit by account and by address, shared by workers, audited ----------------------------


def test_failed_sign_ins_lock_the_account_in_every_worker_and_are_audited(db_url, auth, session):
    user = auth.user("stc")
    engines = [make_engine(db_url), make_engine(db_url)]  # two workers: two apps, two connection pools
    try:
        with (
            TestClient(create_app(engines[0], seed=False)) as a,
            TestClient(create_app(engines[1], seed=False)) as b,
        ):
            for n in range(ACCOUNT_LIMIT.failures):
                assert _sign_in((a, b)[n % 2], user.email, "wrong password!").status_code == 401
            refused = _sign_in(a, user.email.upper(), PASSWORD)  # the right password, too late
            assert refused.status_code == 429, refused.text
            assert 0 < int(refused.headers["Retry-After"]) <= ACCOUNT_LIMIT.window.total_seconds()
            assert _sign_in(b, user.email, PASSWORD).status_code == 429
            assert _sign_in(b, auth.user("member").email, PASSWORD).status_code == 200  # others may sign in

            audited = session.scalars(select(AuditLog).where(AuditLog.kind == "sign-in")).all()
            assert [(r.action, r.record_id, r.after["reason"]) for r in audited] == [
                ("failed", user.id, "wrong password")
            ] * ACCOUNT_LIMIT.failures
            assert all(r.after["email"] == user.email.lower() and "password" not in r.after for r in audited)

            with session_factory(engines[0])() as other:  # the window passes
                other.execute(update(LoginAttempt).values(at=utcnow() - ACCOUNT_LIMIT.window))
                other.commit()
            assert _sign_in(a, user.email, PASSWORD).status_code == 200
    finally:
        for engine in engines:
            engine.dispose()


def test_concurrent_guesses_do_not_get_past_the_account_limit(client, auth):
    email = auth.user("partner").email
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda _: _sign_in(client, email, "wrong password!").status_code, range(12)))
    assert set(statuses) <= {401, 429} and statuses.count(401) <= ACCOUNT_LIMIT.failures, statuses
    assert _sign_in(client, email, PASSWORD).status_code == (
        429 if statuses.count(401) == ACCOUNT_LIMIT.failures else 200
    )


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(client):
    for n in range(ADDRESS_LIMIT.failures):
        assert _sign_in(client, f"nobody{n}@example.org", "some password").status_code == 401
    refused = _sign_in(client, "someone.else@example.org", "some password")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "address" in refused.json()["error"]["message"]
    elsewhere = TestClient(client.app, client=("203.0.113.7", 50000))
    assert _sign_in(elsewhere, "someone.else@example.org", "some password").status_code == 401


# --- 5. tokens die with the account's rights; log out everywhere; expired tokens deleted --------------------


def test_tokens_are_revoked_when_password_role_organisation_or_activity_change(client, auth):
    admin, member = auth("secretariat"), auth.user("member")
    url = f"/api/users/{member.id}"

    def alive(headers) -> bool:
        return client.get("/api/me", headers=headers).status_code == 200

    headers = auth.sign_in_again("member")
    assert client.patch(url, json={"name": "Renamed member"}, headers=admin).status_code == 200
    assert alive(headers)  # a change that grants nothing new keeps the session
    for change in (
        {"password": STRONG},
        {"role": "partner"},
        {"organisation_id": auth.organisation_id("partner")},
        {"active": False},
    ):
        headers = auth.sign_in_again("member")
        assert alive(headers)
        response = client.patch(url, json=change, headers=admin)
        assert response.status_code == 200, response.text
        assert not alive(headers), change
        if change == {"active": False}:  # reactivating does not revive the token
            assert client.patch(url, json={"active": True}, headers=admin).status_code == 200
            assert not alive(headers)


def test_log_out_everywhere_and_expired_tokens_are_deleted(client, auth, session):
    member = auth.user("member")
    first = auth("member")
    second = _bearer(_sign_in(client, member.email, PASSWORD))
    assert client.delete("/api/auth/tokens", headers=first).status_code == 204
    for headers in (first, second):
        assert client.get("/api/me", headers=headers).status_code == 401

    stc = auth.user("stc")
    session.add(ApiToken(user_id=stc.id, token_hash="0" * 64, expires_at=utcnow() - datetime.timedelta(1)))
    session.commit()
    _bearer(_sign_in(client, member.email, PASSWORD))  # anyone's sign-in clears the expired tokens
    session.expire_all()
    assert session.scalar(select(ApiToken).where(ApiToken.token_hash == "0" * 64)) is None


# --- 10. password policy ------------------------------------------------------------------------------------


def test_common_and_repetitive_passwords_are_refused_with_the_reason(client, auth):
    admin = auth("secretariat")
    body = {"email": "new.user@example.org", "role": "stc"}
    for password, why in (
        ("aaaaaaaaaaaa", "Repeats"),
        ("password1234", "common password"),
        ("qwertyuiop12", "commonly used password"),
        ("abcabcabcabc", "Repeats"),
    ):
        response = client.post("/api/users", json=body | {"password": password}, headers=admin)
        assert response.status_code == 422, (password, response.text)
        details = response.json()["error"]["details"]
        assert any(d["loc"][-1] == "password" and why in d["message"] for d in details), details
        assert password not in response.text
    assert (
        client.post("/api/users", json=body | {"password": "eleven char"}, headers=admin).status_code == 422
    )
    created = client.post("/api/users", json=body | {"password": STRONG}, headers=admin)
    assert created.status_code == 201, created.text
    url = f"/api/users/{created.json()['id']}"
    assert client.patch(url, json={"password": "password1234"}, headers=admin).status_code == 422
    assert _sign_in(client, body["email"], STRONG).status_code == 200
