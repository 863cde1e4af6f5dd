"""Bulk ingest is all-or-nothing: a process killed in the middle of one leaves every row or none, and an
upload with bad rows stores nothing and reports every bad row.

The killed ingest runs in a subprocess through the API's own path (``POST /api/observations/ingest``
on ``create_app``, in-process): a SQLAlchemy cursor hook prints a marker once the observations and
their layers are written and the audit rows start, i.e. inside the one transaction. "paused": the
hook then waits, so the kill lands on an open transaction for certain (on SQLite the write-ahead log
has grown: uncommitted pages are on disk); "racing": the process goes on writing and is killed as
soon as the marker is read. Afterwards the database holds none of the rows (or, racing, possibly all),
is consistent (``PRAGMA integrity_check`` on SQLite, no transaction left open on PostgreSQL) and takes
a new ingest into the same layers.
"""

import csv
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from permille.api.app import create_app
from permille.registry import orm, service
from permille.registry.db import make_engine, session_factory

ROWS = 20_000  # observations in the killed ingest
AGAIN = 1_000  # observations ingested afterwards, into every layer of the killed ingest
SITES = 25
DEPTHS = [(0, 10), (10, 20), (20, 30), (30, 50), (50, 100)]  # cm
MARKER = "TRANSACTION-OPEN"

CHILD = f"""
import sys, time
from fastapi.testclient import TestClient
from sqlalchemy import event
from permille.api.app import create_app
from permille.registry.db import make_engine

url, token, path, mode = sys.argv[1:]
engine = make_engine(url)
app = create_app(engine, seed=False)

@event.listens_for(engine, "after_cursor_execute")
def marker(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip().upper().startswith("INSERT INTO AUDIT_LOG") and not marker.done:
        marker.done = True
        print("{MARKER}", flush=True)
        if mode == "paused":
            time.sleep(600)
marker.done = False

with TestClient(app) as client, open(path, "rb") as f:
    r = client.post("/api/observations/ingest", files={{"file": ("obs.csv", f, "text/csv")}},
                    headers={{"Authorization": "Bearer " + token}})
print("DONE", r.status_code, r.text[:300], flush=True)
"""


def _sites(engine) -> list[int]:
    with session_factory(engine)() as session:
        return [
            service.create(
                session,
                "sites",
                {
                    "name": f"kill test site {i}",
                    "country_iso3": "FRA",
                    "land_use": "cropland",
                    "lon": 2.0 + i / 100,
                    "lat": 46.0 + i / 100,
                },
                service.SYSTEM,
            ).id
            for i in range(SITES)
        ]


def _csv(site_ids: list[int], rows: int) -> str:
    """``rows`` SOC observations (%, ± %) spread over the sites and depths, one a line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site_id", "upper_cm", "lower_cm", "property", "value", "unit", "uncertainty", "date"])
    for i in range(rows):
        upper, lower = DEPTHS[i % len(DEPTHS)]
        site = site_ids[(i // len(DEPTHS)) % len(site_ids)]
        writer.writerow([site, upper, lower, "soc", f"{0.5 + (i % 400) / 100:.2f}", "%", "0.1", "2024-05-02"])
    return out.getvalue()


def _counts(engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            "observations": connection.scalar(select(func.count()).select_from(orm.Observation)),
            "layers": connection.scalar(select(func.count()).select_from(orm.Layer)),
            "audit": connection.scalar(
                select(func.count()).select_from(orm.AuditLog).where(orm.AuditLog.kind == "observations")
            ),
            "versions": connection.scalar(select(func.count()).select_from(orm.RecordVersion)),
            "sites": connection.scalar(select(func.count()).select_from(orm.Site)),
        }


def _wait_for_transactions_to_end(engine, seconds: float = 20.0) -> None:
    """PostgreSQL: wait until no other session of the database has a transaction open (the server rolls
    back the killed client's transaction when it sees the connection drop)."""
    deadline = time.monotonic() + seconds
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL"
    )
    with engine.connect() as connection:
        while connection.scalar(query):
            assert time.monotonic() < deadline, "the killed client's transaction is still open"
            time.sleep(0.1)
            connection.rollback()


def _wal_bytes(db_url: str) -> int:
    wal = Path(f"{make_url(db_url).database}-wal")
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.parametrize("mode", ["paused", "racing"])
def test_killed_ingest_leaves_all_rows_or_none(mode, db_url, auth, tmp_path):
    engine = make_engine(db_url)
    site_ids = _sites(engine)
    token = auth("secretariat")["Authorization"].removeprefix("Bearer ")
    path = tmp_path / "observations.csv"
    path.write_text(_csv(site_ids, ROWS))
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    wal_before = _wal_bytes(db_url) if sqlite else 0

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, token, str(path), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    watchdog = threading.Timer(180, child.kill)
    watchdog.start()
    try:
        line = child.stdout.readline().strip()
        wal_at_kill = _wal_bytes(db_url) if sqlite else 0
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        rest = child.stdout.read()
    finally:
        watchdog.cancel()
    assert line == MARKER, f"the ingest did not start: {line!r}\n{child.stderr.read()[-3000:]}"
    assert child.returncode == -signal.SIGKILL
    if mode == "paused" and sqlite:
        assert wal_at_kill > wal_before + 1_000_000, "no uncommitted pages on disk when killed"

    engine = make_engine(db_url)
    try:
        if not sqlite:
            _wait_for_transactions_to_end(engine)
        counts = _counts(engine)
        n = counts["observations"]
        assert n in ((0, ROWS) if mode == "racing" else (0,)), rest  # racing: the commit may have won
        layers = SITES * len(DEPTHS) if n else 0
        assert counts == {"observations": n, "layers": layers, "audit": n, "versions": n, "sites": SITES}
        if sqlite:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []

        # the database takes an ingest into the same layers again: nothing half-written is in the way
        with TestClient(create_app(engine, seed=False)) as client:
            response = client.post(
                "/api/observations/ingest",
                files={"file": ("observations.csv", _csv(site_ids, AGAIN).encode(), "text/csv")},
                headers=auth("secretariat"),
            )
        assert response.status_code == 201, response.text
        assert response.json()["stored"] == AGAIN
        assert _counts(engine) == {
            "observations": n + AGAIN,
            "layers": SITES * len(DEPTHS),
            "audit": n + AGAIN,
            "versions": n + AGAIN,
            "sites": SITES,
        }
    finally:
        engine.dispose()


# --- bad rows -----------------------------------------------------------------------------------------------

HEADER = "site_id,upper_cm,lower_cm,property,value,unit,uncertainty,date"
GOOD = "{site},0,10,soc,1.5,%,0.1,2024-05-02"
BAD = {  # CSV line → (the line, the column at fault; None where the row as a whole is)
    5: ("{site},30,10,soc,1.2,%,0.1,2024-05-02", None),  # upper below lower
    9: ("{site},0,10,soc,150,%,0.1,2024-05-02", None),  # SOC above 100 %
    12: ("{site},0,10,soc,1.2,furlongs,0.1,2024-05-02", None),  # not a unit of a content
    20: ("{site},0,10,carbonium,1.2,%,0.1,2024-05-02", "property"),
    33: ("{site},0,10,soc,abc,%,0.1,2024-05-02", "value"),
    47: ("{site},0,10,soc,1.2,%,-0.1,2024-05-02", "uncertainty"),
    58: ("{site},0,10,soc,1.2,%,0.1,2024-13-45", "date"),
    71: ("{site},0,10,soc,,%,0.1,2024-05-02", "value"),  # value missing
    88: ("999999,0,10,soc,1.2,%,0.1,2024-05-02", "site_id"),  # no such site
}
MALFORMED = {95: ("{site},0,10,soc,1.2,%,0.1,2024-05-02,surplus", None)}  # more cells than columns
LINES = 120


def _ingest_bad(client, auth, engine, bad: dict):
    """Ingest :data:`LINES` lines with the ``bad`` ones; the details of the 422 answer, after checking
    that nothing was stored."""
    site = _sites(engine)[0]
    lines = [HEADER] + [bad.get(n, (GOOD, None))[0].format(site=site) for n in range(2, LINES + 1)]
    response = client.post(
        "/api/observations/ingest",
        files={"file": ("observations.csv", "\n".join(lines).encode(), "text/csv")},
        headers=auth("secretariat"),
    )
    assert response.status_code == 422, response.text
    assert {k: v for k, v in _counts(engine).items() if k != "sites"} == {
        "observations": 0,
        "layers": 0,
        "audit": 0,
        "versions": 0,
    }
    details = response.json()["error"]["details"]
    assert sorted({d["row"] for d in details}) == sorted(bad), details
    for n, (_, column) in bad.items():
        if column is not None:
            assert column in {d["column"] for d in details if d["row"] == n}, (n, details)
    return details


def test_ingest_with_bad_rows_stores_nothing_and_reports_every_bad_row(client, auth, engine):
    _ingest_bad(client, auth, engine, BAD)


def test_malformed_rows_are_reported_with_the_other_bad_rows(client, auth, engine):
    _ingest_bad(client, auth, engine, BAD | MALFORMED)
