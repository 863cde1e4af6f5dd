"""Sign-in behind a proxy (issue 19, point 7): ``permille serve --forwarded-allow-ips`` makes uvicorn
trust a proxy's ``X-Forwarded-For``; and where every user shares one address, a stranger's failed
sign-ins on other e-mails slow the address down (doubling waits, at most a minute) but cannot lock out
an account that signs in correctly for 15 minutes. SQLite and PostgreSQL."""

import datetime

from sqlalchemy import insert, update
from typer.testing import CliRunner

from permille import cli
from permille.api import security
from permille.registry.orm import LoginAttempt, utcnow
from tests.platform.conftest import PASSWORD


def _sign_in(client, email: str, password: str):
    return client.post("/api/auth/token", json={"email": email, "password": password})


def test_a_strangers_failures_on_other_accounts_only_delay_a_correct_sign_in(client, auth, engine):
    email = auth.user("member").email
    for n in range(security.ADDRESS_LIMIT.failures):  # one client, many e-mails (a password spray)
        assert _sign_in(client, f"guess{n}@example.org", "Summer2026!").status_code == 401
    with engine.begin() as connection:  # five more, just now: a wait of 2^5 s
        connection.execute(
            insert(LoginAttempt),
            [{"at": utcnow(), "email": f"more{n}@example.org", "address": "testclient"} for n in range(5)],
        )
    waiting = _sign_in(client, email, PASSWORD)
    assert waiting.status_code == 429
    assert 0 < int(waiting.headers["Retry-After"]) <= security.ADDRESS_MAX_DELAY.total_seconds()
    with engine.begin() as connection:  # a minute and a second later
        later = utcnow() - security.ADDRESS_MAX_DELAY - datetime.timedelta(seconds=1)
        connection.execute(update(LoginAttempt).values(at=later))
    assert _sign_in(client, email, PASSWORD).status_code == 200  # not locked out for 15 minutes
    assert _sign_in(client, "guess-again@example.org", "Summer2026!").status_code == 401
    assert _sign_in(client, "guess-more@example.org", "Summer2026!").status_code == 429  # slowed again


def test_the_wait_doubles_up_to_a_minute():
    limit = security.ADDRESS_LIMIT.failures
    waits = [security.address_delay(n).total_seconds() for n in range(limit - 1, limit + 8)]
    assert waits == [0, 1, 2, 4, 8, 16, 32, 60, 60]


def test_serve_takes_the_proxies_it_trusts(monkeypatch, tmp_path):
    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append(options))
    monkeypatch.setenv("PERMILLE_HOME", str(tmp_path))
    monkeypatch.delenv("PERMILLE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(
        cli.app, ["serve", "--toolkit-workers", "0", "--forwarded-allow-ips", "10.0.0.0/8,192.0.2.1"]
    )
    assert result.exit_code == 0, result.output
    assert calls[0]["forwarded_allow_ips"] == "10.0.0.0/8,192.0.2.1" and calls[0]["proxy_headers"] is True
    assert "no CPU budget" in result.output  # threads: the operator is told what they give up
    with_processes = CliRunner().invoke(cli.app, ["serve", "--toolkit-workers", "1"])
    assert with_processes.exit_code == 0 and "no CPU budget" not in with_processes.output
