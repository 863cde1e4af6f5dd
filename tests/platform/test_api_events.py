"""Server-sent events: a write through the API reaches a connected client as ``event: change`` (real
uvicorn server in a thread; the test client does not stream)."""

import json
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from permille.api.app import create_app
from permille.api.routes import events as events_route


@pytest.fixture
def server(engine, monkeypatch):
    monkeypatch.setattr(events_route, "HEARTBEAT_S", 0.5)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(engine, seed=False), port=port, log_level="warning", timeout_graceful_shutdown=1
    )
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


def test_a_change_reaches_a_connected_client(server, auth):
    headers = auth("member")  # the member's stream: it may read its organisation's unpublished records
    contact = {"name": "A restricted kind, announced to who may read it", "audience": "media"}
    site = {"name": "Trial", "country_iso3": "SEN", "lon": -16.0, "lat": 14.0, "land_use": "cropland"}
    lines: list[str] = []
    with (
        httpx.Client(base_url=server, timeout=10) as client,
        client.stream("GET", "/api/events", headers=headers) as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        reader = stream.iter_lines()
        lines.append(next(reader))  # "retry: …": the stream is open and subscribed
        made = client.post("/api/contacts", json=contact, headers=headers).json()
        created = client.post("/api/sites", json=site, headers=headers).json()
        deadline = time.monotonic() + 10  # heartbeats (every 0.5 s here) would otherwise wait forever
        for line in reader:
            lines.append(line)
            if line.startswith("data:") and '"sites"' in line or time.monotonic() > deadline:
                break
    events = [json.loads(line.removeprefix("data:")) for line in lines if line.startswith("data:")]
    owner = auth.organisation_id("member")
    assert events == [
        {"kind": kind, "action": "create", "id": record["id"], "country_iso3": country, "published": False,
         "organisation_id": owner}
        for kind, record, country in (("contacts", made, made.get("country_iso3")), ("sites", created, "SEN"))
    ]  # fmt: skip
    assert lines[-2:] == ["event: change", lines[-1]]


def test_heartbeats_keep_an_idle_stream_alive(server):
    with httpx.Client(base_url=server, timeout=10) as client, client.stream("GET", "/api/events") as stream:
        reader = stream.iter_lines()
        seen = [next(reader) for _ in range(4)]
    assert ": heartbeat" in seen
