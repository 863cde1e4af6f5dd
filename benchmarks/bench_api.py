"""The platform's API under load: read endpoints under concurrent clients and bulk ingest throughput, on
the embedded SQLite database and on PostgreSQL, served by ``permille serve`` in a subprocess.

    uv run python benchmarks/bench_api.py [--duration 10] [--clients 100] [--ingest 10000,50000]
                                          [--postgres postgresql+psycopg://user@host:port/db]

For each database (SQLite in a temporary folder; PostgreSQL when ``--postgres`` or
``PERMILLE_TEST_POSTGRES_URL`` names a server, on a database created for the run and dropped after):
the registry is migrated and seeded, sites are added, and ``permille serve`` starts on it. Then

- bulk ingest: ``POST /api/observations/ingest`` of N SOC observations (CSV), timed from this process,
  against a raw DBAPI ``executemany`` of the same rows into a bare table (one transaction each);
- read load: a second process runs ``--clients`` concurrent HTTP clients (asyncio, keep-alive)
  for ``--duration`` seconds each against the static index page (the framework's ceiling) and against
  a mix of read endpoints (record lists with filters and search, a record by id, KPIs, monitoring),
  signed in as the Secretariat (every record visible: the heaviest read path).

Prints latency p50/p95/p99 (ms) and requests/s per scenario and database, and observations/s of the
ingests. Not a pass/fail test; figures depend on the machine (cores shared by server and clients).
"""

import argparse
import asyncio
import csv
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

DEPTHS = [(0, 10), (10, 20), (20, 30), (30, 50), (50, 100)]  # cm
SITES = 200
SECRETARIAT = ("demo.secretariat@example.org", "demo-secretariat-password")  # seed.DEMO_ACCOUNTS


# --- the load generator (runs in its own process) -----------------------------------------------------------


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> int:
    """One keep-alive HTTP/1.1 GET on an open connection; the status code (the body is read and dropped)."""
    writer.write(request)
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status
    while size := int((await reader.readline()).split(b";")[0], 16):
        await reader.readexactly(size + 2)
    await reader.readline()
    return status


async def _load(base: str, paths: list[str], clients: int, seconds: float, token: str | None) -> dict:
    """``clients`` concurrent clients, each on its own keep-alive connection, requesting ``paths``
    round-robin for ``seconds``: latencies (s) by path, status codes.

    A bare asyncio HTTP/1.1 client: an HTTP library's own cost per request (httpx: milliseconds with a
    hundred connections) would otherwise be what is measured."""
    host, port = base.removeprefix("http://").split(":")
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    requests = {p: f"GET {p} HTTP/1.1\r\nHost: {host}\r\n{auth}\r\n".encode() for p in paths}
    latencies: dict[str, list[float]] = {p: [] for p in paths}
    statuses: dict[int, int] = {}
    connections = [await asyncio.open_connection(host, int(port)) for _ in range(clients)]
    for path in paths:  # warm up: first-use caches of the server
        assert await _get(*connections[0], requests[path]) == 200, path
    deadline = time.perf_counter() + seconds

    async def client(offset: int, reader, writer) -> None:
        i = offset
        while (start := time.perf_counter()) < deadline:
            path = paths[i % len(paths)]
            status = await _get(reader, writer, requests[path])
            latencies[path].append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
            i += 1

    begin = time.perf_counter()
    await asyncio.gather(*(client(c, *connection) for c, connection in enumerate(connections)))
    elapsed = time.perf_counter() - begin
    for _, writer in connections:
        writer.close()
    return {"elapsed": elapsed, "latencies": latencies, "statuses": statuses}


def load_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description="(internal) the load generator")
    parser.add_argument("--base", required=True)
    parser.add_argument("--paths", required=True, help="space-separated")
    parser.add_argument("--clients", type=int, required=True)
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--token")
    args = parser.parse_args(argv)
    result = asyncio.run(_load(args.base, args.paths.split(" "), args.clients, args.duration, args.token))
    json.dump(result, sys.stdout)


def run_load(base: str, paths: list[str], clients: int, seconds: float, token: str | None) -> dict:
    """The load generator in a second process (its own interpreter and event loop)."""
    command = [sys.executable, __file__, "load", "--base", base, "--paths", " ".join(paths)]
    command += ["--clients", str(clients), "--duration", str(seconds)] + (["--token", token] if token else [])
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


# --- preparing a database and serving it --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str) -> list[int]:
    """Migrate and seed the registry at ``url`` and add :data:`SITES` sites; their ids."""
    from permille.api.app import create_app
    from permille.registry import service
    from permille.registry.db import make_engine, session_factory

    engine = make_engine(url)
    os.environ.setdefault("PERMILLE_ENV", "development")  # a benchmark, not a deployment: demo accounts
    create_app(engine, seed=True, demo=True)
    rng = random.Random(1)
    with session_factory(engine)() as session:
        ids = [
            service.create(
                session,
                "sites",
                {
                    "name": f"Benchmark site {i}",
                    "country_iso3": rng.choice(["FRA", "SEN", "BRA", "IND", "KEN"]),
                    "land_use": rng.choice(["cropland", "grassland"]),
                    "lon": rng.uniform(-10, 30),
                    "lat": rng.uniform(-20, 50),
                    "published": True,
                },
                service.SYSTEM,
            ).id
            for i in range(SITES)
        ]
    engine.dispose()
    return ids


class Server:
    """``permille serve`` on ``url`` in a subprocess, until :meth:`stop`."""

    def __init__(self, url: str, home: Path):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"PERMILLE_DATABASE_URL": url, "PERMILLE_HOME": str(home)}
        permille = Path(sys.executable).with_name("permille")
        self.log = home / f"serve-{self.port}.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [str(permille), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(self.base + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"permille serve did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def token(self) -> str:
        email, password = SECRETARIAT
        response = httpx.post(self.base + "/api/auth/token", json={"email": email, "password": password})
        response.raise_for_status()
        return response.json()["access_token"]

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()


# --- bulk ingest --------------------------------------------------------------------------------------------


def observations(site_ids: list[int], n: int, seed: int) -> list[tuple]:
    """``n`` SOC observations (%, ± %) over the sites and depths: (site_id, upper_cm, lower_cm,
    property, value, unit, uncertainty, date)."""
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        upper, lower = DEPTHS[i % len(DEPTHS)]
        value = round(rng.uniform(0.3, 6.0), 2)
        rows.append((rng.choice(site_ids), upper, lower, "soc", value, "%", 0.1, f"20{10 + i % 15}-05-02"))
    return rows


def as_csv(rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site_id", "upper_cm", "lower_cm", "property", "value", "unit", "uncertainty", "date"])
    writer.writerows(rows)
    return out.getvalue().encode()


def ingest_api(server: Server, token: str, rows: list[tuple]) -> float:
    """Seconds of one ``POST /api/observations/ingest`` of ``rows``."""
    body = as_csv(rows)
    start = time.perf_counter()
    response = httpx.post(
        server.base + "/api/observations/ingest",
        files={"file": ("observations.csv", body, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=600,
    )
    seconds = time.perf_counter() - start
    response.raise_for_status()
    assert response.json()["stored"] == len(rows)
    return seconds


def ingest_raw(url: str, rows: list[tuple]) -> float:
    """Seconds of a raw DBAPI ``executemany`` of ``rows`` into a bare table, in one transaction."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    create = (
        "CREATE TABLE bench_raw (site_id integer, upper_cm float, lower_cm float, property text, "
        "value float, unit text, uncertainty float, date date)"
    )
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        connection = sqlite3.connect(parsed.database, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        insert = "INSERT INTO bench_raw VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
    else:
        import psycopg

        connection = psycopg.connect(
            parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        )
        connection.autocommit = True
        insert = "INSERT INTO bench_raw VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
    connection.execute("DROP TABLE IF EXISTS bench_raw")
    connection.execute(create)
    start = time.perf_counter()
    connection.execute("BEGIN")
    connection.cursor().executemany(insert, rows)
    connection.execute("COMMIT")
    seconds = time.perf_counter() - start
    connection.execute("DROP TABLE bench_raw")
    connection.close()
    return seconds


# --- the run ------------------------------------------------------------------------------------------------


def read_paths(site_ids: list[int]) -> dict[str, list[str]]:
    site = site_ids[len(site_ids) // 2]
    return {
        "static index (baseline)": ["/"],
        "read mix": [
            "/api/practices?q=soil&page_size=20",
            "/api/projects?sort=-area_ha&page_size=20",
            f"/api/observations?site_id={site}&property=soc&page_size=50",
            f"/api/sites/{site}",
            "/api/kpis",
            "/api/monitoring/global",
            "/api/monitoring/regions/Africa",
        ],
    }


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    p50, p95, p99 = np.percentile(np.asarray(latencies) * 1e3, [50, 95, 99])
    return p50, p95, p99


def bench(name: str, url: str, home: Path, args) -> None:
    site_ids = prepare(url)
    server = Server(url, home)
    try:
        token = server.token()
        print(f"\n{name}: {url.split('@')[-1] if '@' in url else url}")
        print("  bulk ingest (POST /api/observations/ingest, one transaction; baseline: raw executemany)")
        for n in args.ingest:
            rows = observations(site_ids, n, seed=n)
            api = ingest_api(server, token, rows)
            raw = ingest_raw(url, rows)
            print(f"    {n:>7,} observations: API {n / api:>9,.0f} obs/s ({api:6.2f} s)   "
                  f"raw executemany {n / raw:>10,.0f} rows/s ({raw:6.2f} s)   API/raw ×{api / raw:,.0f}")  # fmt: skip
        print(f"  read load: {args.clients} concurrent clients × {args.duration:g} s, from a second process")
        print(
            f"    {'scenario / endpoint':<58} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        )
        for scenario, paths in read_paths(site_ids).items():
            result = run_load(server.base, paths, args.clients, args.duration, token)
            every = [x for p in paths for x in result["latencies"][p]]
            bad = {s: c for s, c in result["statuses"].items() if not str(s).startswith("2")}
            rate = len(every) / result["elapsed"]
            p50, p95, p99 = percentiles(every)
            flag = f"  non-2xx: {bad}" if bad else ""
            print(
                f"    {scenario:<58} {len(every):>9,} {rate:>8,.0f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}{flag}"
            )
            if len(paths) > 1:
                for path in paths:
                    lat = result["latencies"][path]
                    p50, p95, p99 = percentiles(lat)
                    print(f"      {path:<56} {len(lat):>9,} {'':>8} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}")
    finally:
        server.stop()


def main() -> None:
    if sys.argv[1:2] == ["load"]:
        return load_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per load scenario")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument(
        "--ingest", default="10000,50000", help="observations per bulk ingest, comma-separated"
    )
    parser.add_argument("--postgres", default=os.environ.get("PERMILLE_TEST_POSTGRES_URL"), help="server URL")
    args = parser.parse_args()
    args.ingest = [int(n) for n in args.ingest.split(",")]
    print(f"permille API benchmark: {os.cpu_count()} CPU(s) shared by the server and the load generator")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        bench("SQLite (WAL)", f"sqlite:///{home / 'bench.db'}", home, args)
        if args.postgres:
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            name = f"permille_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
            try:
                url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
                bench("PostgreSQL", url, home, args)
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print("\nPostgreSQL: skipped (give --postgres URL or set PERMILLE_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
