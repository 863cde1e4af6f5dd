"""Several server processes, one truth (PostgreSQL LISTEN/NOTIFY, registry/events.py): a change written
through one process reaches the event streams of the others, exactly once; SQLite refuses ``--workers``.

The multi-process tests need PostgreSQL (``PERMILLE_TEST_POSTGRES_URL``): skipped locally without it, a
failure when CI=true (conftest ``_missing``).
"""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import psycopg
import pytest
import uvicorn

from permille.api.app import create_app
from permille.registry import events
from permille.registry.db import make_engine

from .conftest import Accounts, fresh_database

START_S = 240  # a loaded 2-core machine: imports and seeding of each process


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(url: str, home, *args: str) -> tuple[subprocess.Popen, str]:
    port = _port()
    env = os.environ | {
        "PERMILLE_DATABASE_URL": url,
        "PERMILLE_HOME": str(home),
        "PERMILLE_TOOLKIT_WORKERS": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "permille.cli", "serve", "--port", str(port), "--toolkit-workers", "0", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, f"http://127.0.0.1:{port}"


def _wait_ready(process: subprocess.Popen, base: str) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            if httpx.get(f"{base}/api/projects", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{base} did not answer within {START_S} s")


class Stream:
    """One ``GET /api/events`` connection of the writer (who may read what they write), read in a thread:
    ``changes`` as they come."""

    def __init__(self, base: str, headers: dict):
        self.changes: list[dict] = []
        self.open = threading.Event()
        self._client = httpx.Client(base_url=base, headers=headers, timeout=httpx.Timeout(5, read=None))
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            with self._client.stream("GET", "/api/events") as response:
                for line in response.iter_lines():
                    self.open.set()  # the first line ("retry: …") comes once the stream is subscribed
                    if line.startswith("data:"):
                        self.changes.append(json.loads(line.removeprefix("data:")))
        except httpx.HTTPError:
            pass

    def close(self) -> None:
        self._client.close()


@pytest.fixture
def postgres_url(request, tmp_path) -> str:
    return fresh_database(request, "postgresql", tmp_path)


@pytest.fixture
def server_b(postgres_url) -> Iterator[str]:
    """Server B: this test process (uvicorn in a thread), on the same database, not seeded."""
    engine = make_engine(postgres_url)
    config = uvicorn.Config(
        create_app(engine, seed=False, toolkit_workers=0), port=_port(), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{config.port}"
    server.should_exit = True
    thread.join(10)
    engine.dispose()


def test_two_server_processes_deliver_each_others_writes(postgres_url, server_b, tmp_path):
    """Server A (``permille serve --workers 2``: two uvicorn worker processes) and server B (this
    process): every stream on either (A's land on either worker) receives a site written through A and
    one written through B, each exactly once."""
    engine = make_engine(postgres_url)
    headers = Accounts(engine)("member")
    engine.dispose()
    a, base_a = _serve(postgres_url, tmp_path / "a", "--workers", "2")
    streams: list[Stream] = []
    try:
        _wait_ready(a, base_a)
        streams = [Stream(base_a, headers) for _ in range(4)] + [Stream(server_b, headers) for _ in range(2)]
        assert all(s.open.wait(30) for s in streams), "an event stream did not open"
        created = []
        for base, name in ((base_a, "Written through A"), (server_b, "Written through B")):
            site = {"name": name, "country_iso3": "SEN", "lon": -16.0, "lat": 14.0, "land_use": "cropland"}
            answer = httpx.post(f"{base}/api/sites", json=site, headers=headers, timeout=30)
            assert answer.status_code == 201, answer.text
            created.append(answer.json()["id"])
        expected = [{"kind": "sites", "action": "create", "id": i, "country_iso3": "SEN"} for i in created]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(len(s.changes) < 2 for s in streams):
            time.sleep(0.1)
        time.sleep(0.5)  # a duplicate would arrive about now
        for stream in streams:  # the keys of contract 1 (the stream may add more)
            assert [{k: c[k] for k in expected[0]} for c in stream.changes] == expected
    finally:
        for stream in streams:
            stream.close()
        a.terminate()
        a.communicate(timeout=60)


def test_a_notification_of_another_process_reaches_local_subscribers_once(postgres_url):
    engine = make_engine(postgres_url)
    received: list[dict] = []
    unsubscribe = events.subscribe(received.append)
    unbridge = events.bridge(engine)
    try:
        change = {"kind": "sites", "action": "update", "id": 7, "country_iso3": "KEN"}
        events.publish(change)  # ours: delivered here at once, not again through NOTIFY
        conninfo = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(conninfo, autocommit=True) as other:  # another process's announcement
            payload = json.dumps({"origin": "another-process", "change": change | {"id": 8}})
            other.execute("SELECT pg_notify(%s, %s)", (events.CHANNEL, payload))
        deadline = time.monotonic() + 10
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert received == [change, change | {"id": 8}]
    finally:
        unbridge()
        unsubscribe()
        engine.dispose()


def test_several_workers_are_refused_on_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PERMILLE_DATABASE_URL"} | {
        "PERMILLE_HOME": str(tmp_path)
    }
    done = subprocess.run(
        [sys.executable, "-m", "permille.cli", "serve", "--workers", "2", "--port", str(_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "--workers 2 needs PostgreSQL" in done.stdout + done.stderr
    assert not (tmp_path / "permille.db").exists()  # refused before touching a database
