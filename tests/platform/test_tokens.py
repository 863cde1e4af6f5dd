"""A user's active tokens (issue 19, point 12): at most MAX_TOKENS_PER_USER (a new sign-in revokes the
oldest), listed by ``GET /api/me/tokens`` and revoked one by one by ``DELETE /api/me/tokens/{id}``.
SQLite and PostgreSQL."""

from permille.api import security
from tests.platform.conftest import PASSWORD


def _sign_in(client, email: str, agent: str) -> dict:
    answer = client.post(
        "/api/auth/token", json={"email": email, "password": PASSWORD}, headers={"User-Agent": agent}
    )
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_active_tokens_are_capped_oldest_revoked(client, auth):
    email = auth.user("member").email
    first = _sign_in(client, email, "browser 0")
    tokens = [first] + [
        _sign_in(client, email, f"browser {i}") for i in range(1, security.MAX_TOKENS_PER_USER + 2)
    ]
    assert client.get("/api/me", headers=tokens[-1]).status_code == 200
    listed = client.get("/api/me/tokens", headers=tokens[-1]).json()
    agents = {t["user_agent"] for t in listed}
    assert len(listed) == security.MAX_TOKENS_PER_USER  # the fixture's own token and the two oldest went
    assert {"browser 0", "browser 1"}.isdisjoint(
        agents
    ) and f"browser {security.MAX_TOKENS_PER_USER + 1}" in agents
    for revoked in tokens[:2]:
        assert client.get("/api/me", headers=revoked).status_code == 401
    assert client.get("/api/me", headers=tokens[2]).status_code == 200


def test_my_tokens_are_listed_and_revoked_one_by_one(client, auth):
    email = auth.user("partner").email
    laptop, phone = _sign_in(client, email, "laptop"), _sign_in(client, email, "phone")
    listed = client.get("/api/me/tokens", headers=laptop)
    assert listed.status_code == 200 and listed.headers["cache-control"] == "private, no-store"
    rows = {t["user_agent"]: t for t in listed.json()}
    assert set(rows["laptop"]) == {"id", "created", "last_used", "expires", "user_agent", "current"}
    assert rows["laptop"]["current"] is True and rows["phone"]["current"] is False
    assert rows["laptop"]["last_used"] is not None  # this request used it
    other = auth("member")  # another user cannot see or revoke them
    assert all(
        t["user_agent"] not in ("laptop", "phone") for t in client.get("/api/me/tokens", headers=other).json()
    )
    assert client.delete(f"/api/me/tokens/{rows['phone']['id']}", headers=other).status_code == 404
    assert client.get("/api/me", headers=phone).status_code == 200
    assert client.delete(f"/api/me/tokens/{rows['phone']['id']}", headers=laptop).status_code == 204
    assert client.get("/api/me", headers=phone).status_code == 401
    assert client.get("/api/me", headers=laptop).status_code == 200
    assert client.delete(f"/api/me/tokens/{rows['phone']['id']}", headers=laptop).status_code == 404
    assert client.get("/api/me/tokens").status_code == 401
