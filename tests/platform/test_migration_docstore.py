"""Migration 0006_docstore retires the old record kind "helpdesk", on SQLite and PostgreSQL: its rows go
to the audit log (kind helpdesk, action retire) before the table is dropped, and the downgrade puts them
back."""

import json
import os
import uuid

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from permille.registry import db
from tests.platform.conftest import BACKENDS, POSTGRES_ENV, _missing


@pytest.fixture(params=BACKENDS)
def empty_engine(request, tmp_path):
    """An engine on a new, empty database (not migrated)."""
    if request.param == "sqlite":
        engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    server = os.environ.get(POSTGRES_ENV)
    if not server:
        _missing(f'{POSTGRES_ENV} is not set; start a server with: eval "$(.ci/postgres start)"')
    name = f"permille_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = db.make_engine(make_url(server).set(database=name).render_as_string(hide_password=False))
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    admin.dispose()


def test_old_helpdesk_requests_are_kept_in_the_audit_log(empty_engine):
    engine = empty_engine
    db.migrate(engine, "0005_workflows")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO helpdesk_request (id, subject, question, answer, status, region, country_iso3,"
                " created_at, updated_at, version, published) VALUES (7, 'Sandy soils', 'Which cover"
                " crops?', 'See the catalogue', 'answered', 'Africa', 'SEN', '2024-03-01 10:00:00',"
                " '2024-03-02 10:00:00', 2, false)"
            )
        )
    db.migrate(engine)
    with engine.connect() as connection:
        assert not inspect(connection).has_table("helpdesk_request")
        tables = set(inspect(connection).get_table_names())
        assert {"attachment", "working_group", "working_group_member"} <= tables
        kind, record_id, action, before = connection.execute(
            text("SELECT kind, record_id, action, before FROM audit_log WHERE action = 'retire'")
        ).one()
    before = json.loads(before) if isinstance(before, str) else before
    assert (kind, record_id, action) == ("helpdesk", 7, "retire")
    assert (before["subject"], before["answer"], before["region"]) == (
        "Sandy soils",
        "See the catalogue",
        "Africa",
    )

    with engine.begin() as connection:  # Alembic's downgrade, as an operator would run it
        command.downgrade(db.alembic_config(connection), "0005_workflows")
    with engine.connect() as connection:
        row = connection.execute(text("SELECT subject, status, version FROM helpdesk_request")).one()
        assert tuple(row) == ("Sandy soils", "answered", 2)
        assert not inspect(connection).has_table("attachment")
