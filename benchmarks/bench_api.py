"""The platform's API under load: read endpoints under concurrent clients, with the read-model cache and
without it (``PERMILLE_READ_CACHE=off``: every request recomputes, the path before the cache), alone and
while heavy toolkit runs are in flight, and bulk ingest throughput; on the embedded SQLite database (one
worker) and on PostgreSQL (1, 2 and 4 workers, ``permille serve --workers``), served by
``permille serve`` in a subprocess.

    uv run python benchmarks/bench_api.py [--duration 5] [--clients 1,10,100] [--workers 1,2,4]
                                          [--ingest 10000,50000] [--heavy 5]
                                          [--postgres postgresql+psycopg://user@host:port/db]

For each database (SQLite in a temporary folder; PostgreSQL when ``--postgres`` or
``PERMILLE_TEST_POSTGRES_URL`` names a server, on a database created for the run and dropped after):
the registry is migrated and seeded, sites are added, and ``permille serve`` starts on it (the time to
its first 200, and of its first ``/api/kpis``, are printed). Then

- bulk ingest (``--ingest``, 0 to skip): ``POST /api/observations/ingest`` of N SOC observations (CSV),
  timed from this process, against a raw DBAPI ``executemany`` of the same rows into a bare table;
- read load: a second process runs 1, 10 and 100 concurrent HTTP clients (asyncio, keep-alive) for
  ``--duration`` seconds each against the static index page (the framework's ceiling), a mix of read
  endpoints (record lists with filters and search, a record by id, KPIs, monitoring) and each of these
  endpoints alone, signed in as the Secretariat (every record visible: the heaviest read path); each
  with the cache and without it (a second server), with the ratio of their throughputs;
- the read mix at the largest client count while ``--heavy`` project balances of 5,000 Monte Carlo
  draws each are kept in flight (threads of this process), against the same mix without them.

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
import threading
import time
import uuid
from pathlib import Path

import httpx
import numpy as np

DEPTHS = [(0, 10), (10, 20), (20, 30), (30, 50), (50, 100)]  # cm
SITES = 200
SECRETARIAT = ("bench.secretariat@example.org", "benchmark secretariat passphrase 7f3")
WARM_CONNECTIONS = 16
"""Connections on which the load generator requests each path once before measuring (the kernel hands
connections to any worker: with 16, each of 4 workers is all but sure to get some)."""
HEAVY_DRAWS = 5000
"""Monte Carlo draws of one heavy toolkit run (the toolkit's largest balance)."""


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
    for connection in connections[:WARM_CONNECTIONS]:  # warm up: each worker computes its answers
        for path in paths:
            status = await _get(*connection, requests[path])
            assert status == 200, f"{path}: {status}"
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
    command += ["--clients", str(clients), "--duration", str(seconds)] + (
        [f"--token={token}"] if token else []
    )
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"the load generator failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


# --- preparing a database and serving it --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str) -> tuple[list[int], list[int]]:
    """Migrate and seed the registry at ``url`` (with the demo records), add a
    Secretariat account of the benchmark and :data:`SITES` sites; their ids, and those of the Rothamsted
    long-term experiment sites."""
    from sqlalchemy import select

    from permille.api.app import create_app
    from permille.registry import rothamsted, service
    from permille.registry.accounts import hash_password
    from permille.registry.db import make_engine, session_factory
    from permille.registry.orm import Organisation, Site, User

    engine = make_engine(url)
    os.environ.setdefault("PERMILLE_ENV", "development")  # a benchmark, not a deployment: demo accounts
    create_app(engine, seed=True, demo=True, demo_layers=True)  # zone reads need a dataset
    rng = random.Random(1)
    with session_factory(engine)() as session:
        email, password = SECRETARIAT
        session.add(
            User(email=email, name="Benchmark", role="secretariat", password_hash=hash_password(password))
        )
        session.commit()
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
        rothamsted_sites = session.scalars(
            select(Site.id)
            .join(Organisation, Site.organisation_id == Organisation.id)
            .where(Organisation.name == rothamsted.config()["organisation"]["name"])
        ).all()
    engine.dispose()
    return ids, list(rothamsted_sites)


class Server:
    """``permille serve`` on ``url`` in a subprocess (``workers`` processes; ``cache`` False: the
    read-model cache off), until :meth:`stop`. ``started_s``: seconds from the start to the first 200.
    The long-term pages of the sites ``warm`` are requested once before any measurement (each worker
    computes the RothC runs of its treatments once, in the background after start-up or on first use:
    the load runs measure the steady state)."""

    def __init__(self, url: str, home: Path, warm: list[int], *, workers: int = 1, cache: bool = True):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"PERMILLE_DATABASE_URL": url, "PERMILLE_HOME": str(home)}
        env["PERMILLE_READ_CACHE"] = "on" if cache else "off"
        permille = Path(sys.executable).with_name("permille")
        command = [str(permille), "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        command += ["--workers", str(workers)] if workers > 1 else []
        command += ["--demo", "--demo-layers"]  # demo records and the synthetic zone dataset to read
        self.log = home / f"serve-{self.port}.log"
        begin = time.perf_counter()
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while True:
            try:
                if httpx.get(self.base + "/", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"permille serve did not start:\n{self.log.read_text()[-3000:]}")
            time.sleep(0.05)
        self.started_s = time.perf_counter() - begin
        begin = time.perf_counter()
        httpx.get(self.base + "/api/kpis", timeout=120).raise_for_status()
        self.first_kpis_s = time.perf_counter() - begin
        self._prime(warm, workers)

    def _prime(self, sites: list[int], workers: int) -> None:
        """Request the long-term page of each site on new connections (which the kernel hands to any
        worker) until each has answered fast 3 × ``workers`` times in a row: every worker has them."""
        for site in sites:
            fast, deadline = 0, time.monotonic() + 120
            while fast < 3 * workers and time.monotonic() < deadline:
                begin = time.perf_counter()
                httpx.get(
                    f"{self.base}/api/monitoring/sites/{site}/long-term", timeout=120
                ).raise_for_status()
                fast = fast + 1 if time.perf_counter() - begin < 0.1 else 0

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


class HeavyRuns:
    """``n`` project balances of :data:`HEAVY_DRAWS` draws kept in flight (one thread each) until
    :meth:`stop`; ``done``: the runs that finished."""

    def __init__(self, server: Server, token: str, n: int):
        example = httpx.get(server.base + "/api/toolkit/examples/balance", timeout=30).json()
        example.setdefault("monte_carlo", {})["draws"] = HEAVY_DRAWS
        self.body, self.base, self.token = example, server.base, token
        self.stopping, self.done, self.failed = threading.Event(), 0, []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(n)]
        for thread in self.threads:
            thread.start()
        time.sleep(1.0)  # every run under way

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.base, timeout=600, headers=headers) as client:
            while not self.stopping.is_set():
                response = client.post("/api/toolkit/balance", json=self.body)
                if response.status_code != 200:
                    self.failed.append(f"{response.status_code} {response.text[:200]}")
                    return
                self.done += 1

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()


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
    """Scenario → the paths its clients request round-robin: the static page, the read mix, each alone."""
    site = site_ids[len(site_ids) // 2]
    mix = [
        "/api/practices?q=soil&page_size=20",
        "/api/projects?sort=-area_ha&page_size=20",
        f"/api/observations?site_id={site}&property=soc&page_size=50",
        f"/api/sites/{site}",
        "/api/kpis",
        "/api/monitoring/global",
        "/api/monitoring/regions/Africa",
    ]
    return {"static index (baseline)": ["/"], "read mix": mix, **{path: [path] for path in mix}}


def measure(server: Server, paths: list[str], clients: int, seconds: float, token: str) -> dict:
    """Requests/s, latency percentiles (ms) and non-2xx counts of one load run."""
    result = run_load(server.base, paths, clients, seconds, token)
    every = [x for p in paths for x in result["latencies"][p]]
    p50, p95, p99 = np.percentile(np.asarray(every) * 1e3, [50, 95, 99])
    bad = {s: c for s, c in result["statuses"].items() if not str(s).startswith("2")}
    return {
        "n": len(every),
        "rate": len(every) / result["elapsed"],
        "p50": p50,
        "p95": p95,
        "p99": p99,
        "bad": bad,
    }


def _cells(m: dict) -> str:
    return f"{m['rate']:>8,.0f} {m['p50']:>7.1f} {m['p95']:>7.1f} {m['p99']:>7.1f}"


def serve_and_load(
    url: str, home: Path, args, paths: dict, rothamsted_sites: list[int], workers: int, cache: bool
) -> dict:
    """Every scenario at every client count, then the read mix with heavy runs in flight, on one server."""
    server = Server(url, home, rothamsted_sites, workers=workers, cache=cache)
    try:
        token = server.token()
        results = {"started_s": server.started_s, "first_kpis_s": server.first_kpis_s}
        for scenario, scenario_paths in paths.items():
            for clients in args.clients:
                results[scenario, clients] = measure(server, scenario_paths, clients, args.duration, token)
        if args.heavy:
            heavy = HeavyRuns(server, token, args.heavy)
            try:
                results["heavy"] = measure(server, paths["read mix"], max(args.clients), args.duration, token)
            finally:
                heavy.stop()
            results["heavy"] |= {"runs": heavy.done, "failed": heavy.failed}
        return results
    finally:
        server.stop()


def bench(name: str, url: str, home: Path, args, workers_list: list[int]) -> None:
    site_ids, rothamsted_sites = prepare(url)
    print(f"\n{name}: {url.split('@')[-1] if '@' in url else url}")
    if args.ingest:
        server = Server(url, home, rothamsted_sites)
        try:
            token = server.token()
            print("  bulk ingest (POST /api/observations/ingest, one transaction; baseline: raw executemany)")
            for n in args.ingest:
                rows = observations(site_ids, n, seed=n)
                api = ingest_api(server, token, rows)
                raw = ingest_raw(url, rows)
                print(f"    {n:>7,} observations: API {n / api:>9,.0f} obs/s ({api:6.2f} s)   "
                      f"raw executemany {n / raw:>10,.0f} rows/s ({raw:6.2f} s)   API/raw ×{api / raw:,.0f}")  # fmt: skip
        finally:
            server.stop()
    paths = read_paths(site_ids)
    for workers in workers_list:
        runs = {
            cache: serve_and_load(url, home, args, paths, rothamsted_sites, workers, cache)
            for cache in (True, False)
        }
        on, off = runs[True], runs[False]
        print(
            f"  {workers} worker(s): first 200 after {on['started_s']:.1f} s (uncached server "
            f"{off['started_s']:.1f} s), first /api/kpis {on['first_kpis_s'] * 1e3:.0f} ms; "
            f"{args.duration:g} s per run, load from a second process"
        )
        head = f"{'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        print(f"    {'scenario / endpoint':<58} {'clients':>7}   cached: {head}   uncached: {head}  ×req/s")
        for scenario in paths:
            for clients in args.clients:
                c, u = on[scenario, clients], off[scenario, clients]
                flag = f"  non-2xx: {c['bad']} / {u['bad']}" if c["bad"] or u["bad"] else ""
                print(
                    f"    {scenario:<58} {clients:>7}   {'':8}{_cells(c)}   {'':10}{_cells(u)}"
                    f"  ×{c['rate'] / u['rate']:.1f}{flag}"
                )
        if args.heavy:
            clients = max(args.clients)
            for label, r in (("cached", on), ("uncached", off)):
                h, base = r["heavy"], r["read mix", clients]
                failed = f"  failed: {h['failed'][:1]}" if h["failed"] else ""
                print(
                    f"    read mix, {clients} clients, {args.heavy} balances × {HEAVY_DRAWS:,} draws in flight "
                    f"({label}): {_cells(h)}  p95 ×{h['p95'] / base['p95']:.1f} of without; "
                    f"{h['runs']} runs finished{failed}"
                )


def main() -> None:
    if sys.argv[1:2] == ["load"]:
        return load_main(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per load run")
    parser.add_argument("--clients", default="1,10,100", help="concurrent clients, comma-separated")
    parser.add_argument("--workers", default="1,2,4", help="PostgreSQL server processes, comma-separated")
    parser.add_argument("--heavy", type=int, default=5, help="heavy toolkit runs in flight (0: none)")
    parser.add_argument("--ingest", default="10000,50000", help="observations per bulk ingest (0: none)")
    parser.add_argument("--postgres", default=os.environ.get("PERMILLE_TEST_POSTGRES_URL"), help="server URL")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    args.ingest = [int(n) for n in args.ingest.split(",") if int(n)]
    args.clients = [int(n) for n in args.clients.split(",")]
    workers = [int(n) for n in args.workers.split(",")]
    print(f"permille API benchmark: {os.cpu_count()} CPU(s) shared by the server and the load generator")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        if not args.no_sqlite:
            bench("SQLite (WAL), 1 worker", f"sqlite:///{home / 'bench.db'}", home, args, [1])
        if args.postgres:
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url

            name = f"permille_bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.exec_driver_sql(f"CREATE DATABASE {name}")
            try:
                url = make_url(args.postgres).set(database=name).render_as_string(hide_password=False)
                bench("PostgreSQL", url, home, args, workers)
            finally:
                with admin.connect() as connection:
                    connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        else:
            print("\nPostgreSQL: skipped (give --postgres URL or set PERMILLE_TEST_POSTGRES_URL)")


if __name__ == "__main__":
    main()
