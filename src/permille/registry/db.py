"""Where the registry lives and how to open it: SQLite (WAL) by default, PostgreSQL + PostGIS on request.

``PERMILLE_DATABASE_URL`` names the database (a SQLAlchemy URL); without it the registry is the SQLite
file ``$PERMILLE_HOME/permille.db`` (``PERMILLE_HOME`` defaults to ``~/.permille``). :func:`migrate`
brings a database to the newest Alembic revision shipped in ``registry/migrations/`` (package data,
configured in code: no alembic.ini is needed).
"""

import os
from importlib.resources import files
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from ..home import permille_home

SQLITE_BUSY_TIMEOUT_MS = 30_000
"""How long (ms) a SQLite writer waits for the lock held by another writer before giving up."""

POOL = {"pool_size": 20, "max_overflow": 30}
"""Connection pool: up to 50 connections, more than the 40 worker threads in which FastAPI runs synchronous
routes, so that threads waiting for a connection never hold every worker slot (a stall under load)."""

IMMEDIATE = {"sqlite_immediate": True}
"""Execution options of a write transaction: on SQLite it takes the write lock at BEGIN (``BEGIN
IMMEDIATE``), so concurrent writers queue on the busy timeout instead of failing on lock upgrade."""


def database_url() -> str:
    """``PERMILLE_DATABASE_URL``, else the SQLite file ``$PERMILLE_HOME/permille.db``."""
    url = os.environ.get("PERMILLE_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{permille_home() / 'permille.db'}"


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """An engine for ``url`` (default :func:`database_url`).

    SQLite: the folder of the file is created; every connection uses WAL, foreign keys and a busy
    timeout of :data:`SQLITE_BUSY_TIMEOUT_MS`; transactions opened with :data:`IMMEDIATE` take the write
    lock at once. PostgreSQL: psycopg 3 with pre-ping (PostGIS is enabled by the first migration).
    """
    url = make_url(url or database_url())
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, **(POOL | kwargs))
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    pool = POOL if url.database and url.database != ":memory:" else {}
    engine = create_engine(url, connect_args={"check_same_thread": False}, **(pool | kwargs))

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(connection):
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


HEAD_REVISION = "0006_directory"
"""The newest migration (tests/test_migrations_head.py checks it is Alembic's head): a database already
there is not migrated, and Alembic (≈ 0.4 s to import) is not loaded at start-up."""


def alembic_config(connection=None):
    """The Alembic configuration of the registry, built in code from the package's migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("permille.registry") / "migrations"))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database of ``engine`` to ``revision`` (default: the newest), in one transaction."""
    with engine.begin() as connection:
        if revision == "head" and _revision(connection) == HEAD_REVISION:
            return
        from alembic import command

        command.upgrade(alembic_config(connection), revision)


def _revision(connection) -> str | None:
    """The database's migration revision (None before the first migration)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``; objects stay readable after commit (the API returns them)."""
    return sessionmaker(engine, expire_on_commit=False)
