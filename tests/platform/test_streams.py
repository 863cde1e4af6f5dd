"""Event streams that end (issue 19, points 5 and 6): a revoked token's stream delivers nothing more and
ends while events flow, without waiting for a heartbeat. Real uvicorn server in a thread (the test client
does not stream). SQLite and PostgreSQL."""

import socket
import threading
import time

import httpx
import pytest
import uvicorn

from permille.api.app import create_app
from permille.api.routes import events as events_route

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
    config = uvicorn.Config(app, port=port, log_level="warning", timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
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
    with httpx.Client(base_url=server, timeout=10) as client:
        with client.stream("GET", "/api/events", headers=headers) as stream:
            reader = threading.Thread(target=_read_until_end, args=(stream, lines), daemon=True)
            reader.start()
            deadline = time.monotonic() + 10
            while not lines and time.monotonic() < deadline:
                time.sleep(0.01)
            assert lines and lines[0].startswith("retry:")
            path = "/api/auth/tokens" if revoke == "everywhere" else "/api/auth/token"
            assert client.delete(path, headers=headers).status_code == 204
            organisation = auth.organisation_id("member")
            for i in range(3):  # the organisation's unpublished records, written by the Secretariat
                body = SITE | {"name": f"site {i}", "organisation_id": organisation}
                assert client.post("/api/sites", json=body, headers=other).status_code == 201
            reader.join(10)
            assert not reader.is_alive(), "the stream of a revoked token is still open"
    assert not [line for line in lines if line.startswith("data:")]
