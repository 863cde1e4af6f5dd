"""Concurrent writers lose nothing, on SQLite (WAL, write lock at BEGIN, busy timeout) and PostgreSQL;
concurrent readers of the API are all served.

8 threads × 500 creates through the service layer (each one transaction with its audit-log row): every
record, every audit entry and every value is there afterwards, and no "database is locked" escapes.
Then 8 threads update one record at once, read-modify-write with the version they read: a stale update
is refused (conflict) and retried, so every change survives and none is silently overwritten.
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from permille.api.app import create_app
from permille.registry import orm, service
from permille.registry.db import session_factory

THREADS = 8
WRITES = 500  # creates per thread
UPDATES = 25  # contended updates per thread


def _writer(sessions, email: str) -> tuple[int, str]:
    with sessions() as session:
        user = service.create(
            session,
            "users",
            {"email": email, "role": "secretariat", "password": "concurrency-test-password"},
            service.SYSTEM,
        )
        return user.id, user.email


def _run_threads(work) -> None:
    """``work(thread_index)`` in :data:`THREADS` threads started together; any exception fails the test."""
    start = threading.Barrier(THREADS)

    def run(t: int) -> None:
        start.wait()
        work(t)

    with ThreadPoolExecutor(THREADS) as pool:
        for future in [pool.submit(run, t) for t in range(THREADS)]:
            future.result()


def _network(t: int, i: int) -> dict:
    return {
        "name": f"network {t}-{i}",
        "network_type": "network" if i % 2 else "partnership",
        "scope": ("local", "national", "regional", "global")[(t + i) % 4],
        "description": f"written by thread {t}, write {i}",
    }


def test_concurrent_creates_lose_nothing(engine):
    sessions = session_factory(engine)
    user_id, email = _writer(sessions, "writer@example.org")

    def work(t: int) -> None:
        with sessions() as session:
            user = session.get(orm.User, user_id)
            for i in range(WRITES):
                service.create(session, "networks", _network(t, i), user)

    _run_threads(work)

    expected = {(n["name"], n["network_type"], n["scope"], n["description"]) for t in range(THREADS) for n in
                (_network(t, i) for i in range(WRITES))}  # fmt: skip
    with sessions() as session:
        records = session.scalars(select(orm.Network)).all()
        stored = {(r.name, r.network_type, r.scope, r.description) for r in records}
        assert len(records) == THREADS * WRITES
        assert stored == expected
        assert {r.version for r in records} == {1}
        audit = session.scalars(select(orm.AuditLog).where(orm.AuditLog.kind == "networks")).all()
        assert len(audit) == THREADS * WRITES
        assert {(a.action, a.actor, a.user_id) for a in audit} == {("create", email, user_id)}
        by_id = {r.id: r for r in records}
        assert sorted(a.record_id for a in audit) == sorted(by_id)
        for a in audit:  # each entry holds what was written to its record
            record = by_id[a.record_id]
            assert a.before is None
            assert (a.after["id"], a.after["name"], a.after["description"]) == (
                record.id,
                record.name,
                record.description,
            )
        _assert_consistent(session)


def test_concurrent_updates_of_one_record_are_never_lost(engine):
    sessions = session_factory(engine)
    user_id, _ = _writer(sessions, "editor@example.org")
    with sessions() as session:
        record_id = service.create(
            session, "networks", _network(0, 0) | {"description": ""}, service.SYSTEM
        ).id
    conflicts = [0] * THREADS

    def work(t: int) -> None:
        with sessions() as session:
            user = session.get(orm.User, user_id)
            for i in range(UPDATES):
                while True:
                    current = session.get(orm.Network, record_id, populate_existing=True)
                    patch = {"description": f"{current.description}[{t}-{i}]", "version": current.version}
                    session.commit()  # end the read; the update runs in its own transaction
                    try:
                        service.update(session, "networks", record_id, patch, user)
                        break
                    except service.Conflict:
                        conflicts[t] += 1

    _run_threads(work)

    with sessions() as session:
        record = session.get(orm.Network, record_id)
        marks = record.description.removeprefix("[").removesuffix("]").split("][")
        assert sorted(marks) == sorted(f"{t}-{i}" for t in range(THREADS) for i in range(UPDATES))
        assert record.version == 1 + THREADS * UPDATES
        updates = session.scalars(
            select(orm.AuditLog)
            .where(orm.AuditLog.kind == "networks", orm.AuditLog.action == "update")
            .order_by(orm.AuditLog.id)
        ).all()
        assert len(updates) == THREADS * UPDATES
        # the log is a chain: each update starts from the state the previous one left
        assert [u.after["version"] for u in updates] == list(range(2, 2 + THREADS * UPDATES))
        assert all(a.after["description"] == b.before["description"] for a, b in pairwise(updates))
        _assert_consistent(session)
    assert sum(conflicts) > 0, "the threads never collided: the test did not exercise stale versions"


READERS = 64  # concurrent API requests: more than the server's worker threads (40) and its connections


def test_concurrent_api_readers_are_all_served_promptly(engine, auth):
    """Sync routes run in a pool of worker threads and each holds a database connection: with more
    requests in flight than connections, none may wait for the pool's timeout or fail."""
    headers = auth("secretariat")
    with TestClient(create_app(engine, seed=False)) as client:
        client.post("/api/sites", json=_site(0), headers=headers).raise_for_status()
        start = threading.Barrier(READERS)

        def read(_: int) -> tuple[int, float]:
            start.wait()
            began = time.perf_counter()
            response = client.get("/api/sites?page_size=5", headers=headers)
            return response.status_code, time.perf_counter() - began

        with ThreadPoolExecutor(READERS) as pool:
            answers = list(pool.map(read, range(READERS)))
    assert [status for status, _ in answers] == [200] * READERS
    assert max(seconds for _, seconds in answers) < 10.0  # the connection pool's timeout is 30 s


def _site(i: int) -> dict:
    return {"name": f"site {i}", "country_iso3": "FRA", "land_use": "cropland", "lon": 2.0, "lat": 46.0}


def _assert_consistent(session) -> None:
    if session.get_bind().dialect.name == "sqlite":
        assert session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        assert session.execute(text("PRAGMA foreign_key_check")).all() == []


def test_a_server_out_of_connections_answers_503_with_retry_after(db_url):
    """Every pooled connection taken for longer than the pool's timeout: the request is refused as
    busy (503, ``Retry-After``), not as an internal error."""
    from permille.registry.db import make_engine

    engine = make_engine(db_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    try:
        with TestClient(create_app(engine, seed=False)) as client:
            with engine.connect():  # the pool's only connection
                busy = client.get("/api/practices?page_size=3")
            assert busy.status_code == 503, busy.text
            assert busy.json()["error"]["code"] == "busy" and busy.headers["retry-after"] == "5"
            assert client.get("/api/practices?page_size=3").status_code == 200
    finally:
        engine.dispose()
