"""Fixtures of the platform tests (contract: /tmp/fixtures.md, docs/platform.md).

``db_url`` runs a test on SQLite (a file in tmp_path) and on PostgreSQL (a fresh database on the server
at ``PERMILLE_TEST_POSTGRES_URL``; absent: skipped locally, a failure when CI=true). Each fresh database
is a copy of one migrated per session (file copy on SQLite, ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL), so a test starts from an empty, migrated registry in milliseconds.
"""

import os
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select
from sqlalchemy.engine import make_url

from permille.api.app import create_app
from permille.api.security import issue_token
from permille.registry.accounts import hash_password
from permille.registry.db import make_engine, migrate, session_factory
from permille.registry.orm import Organisation, User

POSTGRES_ENV = "PERMILLE_TEST_POSTGRES_URL"
BACKENDS = ("sqlite", "postgresql")
ROLES = ("public", "member", "partner", "stc", "secretariat")
PASSWORD = "correct horse battery staple"


def _missing(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        _missing(f'{POSTGRES_ENV} is not set; start a server with: eval "$(.ci/postgres start)"')
    name = f"permille_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = make_engine(make_url(url).set(database=name).render_as_string(hide_password=False))
    migrate(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def fresh_database(request: pytest.FixtureRequest, backend: str, directory: Path) -> str:
    """The URL of a new, migrated, empty database on ``backend`` (dropped after the requesting fixture)."""
    if backend == "sqlite":
        path = directory / f"registry-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    template = request.getfixturevalue("postgres_template")
    server = os.environ[POSTGRES_ENV]
    name = f"permille_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template}")

    def drop() -> None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()

    request.addfinalizer(drop)
    return make_url(server).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    return fresh_database(request, request.param, tmp_path)


@pytest.fixture
def engine(db_url) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine):
    with session_factory(engine)() as session:
        yield session


@pytest.fixture
def client(engine) -> Iterator[TestClient]:
    with TestClient(create_app(engine, seed=False)) as client:
        yield client


@pytest.fixture
def mailserver():
    """A real SMTP server (aiosmtpd, :class:`tests.mailserver.MailServer`) for the test."""
    from tests.mailserver import MailServer

    with MailServer() as server:
        yield server


@pytest.fixture
def mailed_client(engine, mailserver, monkeypatch) -> Iterator[TestClient]:
    """The app (no seed) sending its e-mail to ``mailserver``, its links to http://platform.test."""
    monkeypatch.setenv("PERMILLE_SMTP_URL", mailserver.url)
    monkeypatch.setenv("PERMILLE_PUBLIC_URL", "http://platform.test")
    with TestClient(create_app(engine, seed=False)) as client:
        yield client


def demo_app(engine: Engine, **options):
    """``create_app`` with the seed and the demo records and accounts, as on a trial installation
    (``PERMILLE_ENV=development``: the tests' PostgreSQL server is not a deployment); ``options`` go to
    ``create_app``."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("PERMILLE_ENV", "development")
        return create_app(engine, seed=True, demo=True, **options)


@pytest.fixture
def seeded_client(engine) -> Iterator[TestClient]:
    """A client of :func:`demo_app`."""
    with TestClient(demo_app(engine)) as client:
        yield client


def settled(app) -> None:
    """Wait until ``app``'s read cache has polled the database as it is now: its database-version poll
    (each second) drops the answers of a kind whose version moved even when the change's event was heard
    already, so a test counting recomputations waits for it after a write (60 s: a bound for a busy machine)."""
    from permille.api.readmodels import database_version

    deadline = time.monotonic() + 60
    while True:
        with app.state.sessions() as session:
            if app.state.readmodels._versions == database_version(session):
                return
        assert time.monotonic() < deadline, "the read cache never polled the database version"
        time.sleep(0.05)


def add_user(
    session, email: str, role: str, organisation_id: int | None = None, name: str = "", **values
) -> User:
    """A stored user (committed, no password to sign in with: tokens come from :func:`issue_token`);
    ``values``: other columns (``org_admin`` …)."""
    user = User(email=email, name=name or email, role=role, password_hash="x", organisation_id=organisation_id,
                **values)  # fmt: skip
    session.add(user)
    session.commit()
    return user


class Accounts:
    """``accounts(role)`` → headers of a signed-in user of ``role`` (``{}`` for "public").

    Users are made on first use: ``member`` of the organisation "Test member organisation", ``partner``
    of "Test partner organisation"; ``stc`` and ``secretariat`` belong to none. ``user(role)`` gives the
    user, ``organisation_id(role)`` their organisation's id.
    """

    def __init__(self, engine: Engine):
        self._sessions = session_factory(engine)
        self._headers: dict[str, dict] = {"public": {}}
        self._users: dict[str, User] = {}

    def __call__(self, role: str) -> dict[str, str]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {ROLES}")
        if role not in self._headers:
            self._make(role)
        return self._headers[role]

    def user(self, role: str) -> User:
        self(role)
        return self._users[role]

    def organisation_id(self, role: str) -> int | None:
        return self.user(role).organisation_id

    def _make(self, role: str) -> None:
        """Sign ``role`` in with a new token, making the user (and organisation) the first time."""
        with self._sessions() as session:
            email = f"{role}@test.example.org"
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                organisation_id = None
                if role in ("member", "partner"):
                    organisation = Organisation(
                        name=f"Test {role} organisation", membership=role, org_type="research"
                    )
                    session.add(organisation)
                    session.flush()
                    organisation_id = organisation.id
                user = User(
                    email=email,
                    name=f"Test {role}",
                    role=role,
                    password_hash=hash_password(PASSWORD),
                    organisation_id=organisation_id,
                )
                session.add(user)
                session.flush()
            token, _ = issue_token(session, user)
            session.commit()
        self._users[role] = user
        self._headers[role] = {"Authorization": f"Bearer {token}"}

    def sign_in_again(self, role: str) -> dict[str, str]:
        """New headers for ``role`` (after a test expired or revoked its token)."""
        self._make(role)
        return self._headers[role]


@pytest.fixture
def auth(engine) -> Callable[[str], dict[str, str]]:
    return Accounts(engine)


@dataclass
class World:
    """One app and database per backend shared by a module's tests (a matrix of many cases stays fast)."""

    backend: str
    engine: Engine
    client: TestClient
    auth: Accounts

    def session(self):
        return session_factory(self.engine)()


@pytest.fixture(scope="module", params=BACKENDS)
def world(request, tmp_path_factory) -> Iterator[World]:
    engine = make_engine(fresh_database(request, request.param, tmp_path_factory.mktemp(request.param)))
    with TestClient(create_app(engine, seed=False)) as client:
        yield World(request.param, engine, client, Accounts(engine))
    engine.dispose()
