"""A calculation whose client hangs up is stopped (issue 19, point 4): over real HTTP (uvicorn in a thread,
one toolkit worker process started before the server answers), a long balance is sent, the connection
closed once the worker is computing it, and the pool stops the job in its worker process (``cancelled``),
frees its place and keeps the process, long before the job's CPU budget. The database plays no part
(SQLite)."""

import json
import os
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from permille.api.app import create_app
from permille.api.routes import toolkit as toolkit_route
from permille.registry.db import make_engine
from permille.toolkit.examples import balance

GUARD_S = 120
"""Failure guard of every wait below (never reached when the code works: each wait ends on a state)."""


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by process ``pid`` (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _until(condition, what: str) -> None:
    deadline = time.monotonic() + GUARD_S
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.01)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """(base URL, app) of uvicorn in a thread on a socket bound here, its one toolkit process started."""
    monkeypatch.setattr(toolkit_route, "DISCONNECT_POLL_S", 0.05)
    engine = make_engine(f"sqlite:///{tmp_path / 'cancel.db'}")
    app = create_app(engine, seed=False, toolkit_workers=1, start_toolkit=True)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    _until(lambda: server.started, "uvicorn started")
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}", app
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()
        engine.dispose()


def test_a_running_calculation_is_stopped_when_its_client_hangs_up(served):
    url, app = served
    pool = app.state.toolkit
    (worker,) = list(pool._executor._processes.values())
    body = balance()
    # the example project at 4,000 draws: within the limits (its baseline from 1970: 912,000 of the
    # 1,000,000 draw-area-years), ≈ 1.5 s of CPU time here (60 s budget), so it is still computing when the
    # server sees the hang-up (checked every 0.05 s)
    body["monte_carlo"]["draws"] = 4000
    payload = json.dumps(body).encode()
    host, port = url.removeprefix("http://").split(":")
    before = _cpu_s(worker.pid)

    client = socket.create_connection((host, int(port)))
    client.sendall(
        b"POST /api/toolkit/balance HTTP/1.1\r\nHost: permille\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(payload)}\r\n\r\n".encode()
        + payload
    )
    client.setblocking(False)

    def submitted() -> bool:
        try:
            early = client.recv(4096, socket.MSG_PEEK)
        except BlockingIOError:
            early = b""
        assert not early, f"answered before it ran: {early[:300]!r}"
        return pool.in_flight == 1

    _until(submitted, "the calculation was submitted")
    _until(lambda: _cpu_s(worker.pid) - before >= 0.2, "the worker computes the balance")
    assert pool.cancelled == 0
    client.close()  # the client hangs up

    _until(lambda: pool.in_flight == 0, "the calculation ended")
    assert pool.cancelled == 1  # stopped in its worker by the cancel signal, neither finished nor over budget
    assert pool._slots.running == 0 and pool._slots.queued == 0  # its place is free …
    assert list(pool._executor._processes.values()) == [worker] and worker.is_alive()  # … same process
    sampling = httpx.get(f"{url}/api/toolkit/examples/sampling").json()
    answer = httpx.post(f"{url}/api/toolkit/sampling", json=sampling, timeout=GUARD_S)
    assert answer.status_code == 200, answer.text
    assert pool.cancelled == 1
