"""Event streams that end and connections that cannot exhaust the server (issue 19, points 5 and 6): a
revoked token's stream delivers nothing more and ends while events flow, without waiting for a heartbeat;
streams are capped per client and in total; a connection that does not finish its request headers is
closed; ``permille serve`` raises the open-file limit. Real uvicorn server in a thread (the test client
does not stream). SQLite and PostgreSQL."""

import contextlib
import socket
import subprocess
import sys
import threading
import time

import httpx
import pytest
import uvicorn

from permille.api import serving
from permille.api.app import create_app
from permille.api.routes import events as events_route

LIVE_S = 60.0
"""How long one step against the live server may take: a bound that holds on a machine kept busy by
other processes (not a speed claim; the limits under test are set apart)."""

SITE = {
    "name": "After the sign-out",
    "country_iso3": "SEN",
    "lon": -16.0,
    "lat": 14.0,
    "land_use": "cropland",
}


@pytest.fixture
def server(engine, monkeypatch):
    monkeypatch.setattr(events_route, "HEARTBEAT_S", 3600.0)  # no heartbeat plays a part
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(engine, seed=False, toolkit_workers=0)
    config = uvicorn.Config(
        app, port=port, log_level="warning", timeout_graceful_shutdown=1, http=serving.NoDelayHTTPProtocol
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + LIVE_S
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _read_until_end(stream, lines: list[str]) -> None:
    for line in stream.iter_lines():
        lines.append(line)


@pytest.mark.parametrize("revoke", ["everywhere", "this token"])
def test_a_revoked_tokens_stream_ends_and_delivers_nothing_more(server, auth, revoke):
    headers = auth("member")
    other = auth("secretariat")
    lines: list[str] = []
    with httpx.Client(base_url=server, timeout=LIVE_S) as client:
        with client.stream("GET", "/api/events", headers=headers) as stream:
            reader = threading.Thread(target=_read_until_end, args=(stream, lines), daemon=True)
            reader.start()
            deadline = time.monotonic() + LIVE_S
            while not lines and time.monotonic() < deadline:
                time.sleep(0.01)
            assert lines and lines[0].startswith("retry:")
            path = "/api/auth/tokens" if revoke == "everywhere" else "/api/auth/token"
            assert client.delete(path, headers=headers).status_code == 204
            organisation = auth.organisation_id("member")
            for i in range(3):  # the organisation's unpublished records, written by the Secretariat
                body = SITE | {"name": f"site {i}", "organisation_id": organisation}
                assert client.post("/api/sites", json=body, headers=other).status_code == 201
            reader.join(LIVE_S)
            assert not reader.is_alive(), "the stream of a revoked token is still open"
    assert not [line for line in lines if line.startswith("data:")]


def test_event_streams_are_capped_per_client_and_in_total(server, monkeypatch):
    monkeypatch.setattr(events_route, "MAX_STREAMS_PER_CLIENT", 2)
    monkeypatch.setattr(events_route, "MAX_STREAMS", 3)
    with httpx.Client(base_url=server, timeout=LIVE_S) as client, contextlib.ExitStack() as streams:
        for _ in range(2):
            assert streams.enter_context(client.stream("GET", "/api/events")).status_code == 200
        refused = client.get("/api/events")
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        monkeypatch.setattr(events_route, "MAX_STREAMS_PER_CLIENT", 10)
        assert streams.enter_context(client.stream("GET", "/api/events")).status_code == 200
        full = client.get("/api/events")
        assert full.status_code == 503 and int(full.headers["Retry-After"]) > 0
    with httpx.Client(base_url=server, timeout=LIVE_S) as client:  # closed streams free their places
        deadline = time.monotonic() + LIVE_S
        while (status := _first_status(client)) != 200 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert status == 200


def _first_status(client) -> int:
    with client.stream("GET", "/api/events") as stream:
        return stream.status_code


def test_a_connection_that_does_not_finish_its_headers_is_closed(server, monkeypatch):
    monkeypatch.setattr(serving, "HEADER_TIMEOUT_S", 0.5)
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=LIVE_S) as slow:
        slow.sendall(b"GET /api/kpis HTTP/1.1\r\nHost: x\r\nX-Slow: ")  # and nothing more
        assert slow.recv(1024) == b"", "the connection stayed open"
    with socket.create_connection((host, int(port)), timeout=LIVE_S) as prompt:
        prompt.sendall(b"GET /api/auth/token HTTP/1.1\r\nHost: x\r\n\r\n")
        assert prompt.recv(1024).startswith(b"HTTP/1.1 ")


def test_serve_raises_the_open_file_limit_where_allowed():
    code = (
        "import resource; from permille.api import serving; "
        "soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE); "
        "resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)); "
        "print(serving.raise_file_limit(), min(hard, serving.FILE_LIMIT))"
    )
    now, expected = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(now) == int(expected) > 256
    options = serving.uvicorn_options("127.0.0.1", 8000)
    assert options["limit_concurrency"] == serving.MAX_CONNECTIONS and options["timeout_keep_alive"] == 5
