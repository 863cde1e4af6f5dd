"""The registry's newest migration, as start-up checks it without Alembic (registry.db.HEAD_REVISION),
is Alembic's single head; a database at an older revision is still migrated."""

from alembic.script import ScriptDirectory
from sqlalchemy import text

from permille.registry import db


def test_head_revision_is_alembics_single_head():
    assert ScriptDirectory.from_config(db.alembic_config()).get_heads() == [db.HEAD_REVISION]


def test_an_older_database_is_migrated_to_the_head(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        db.migrate(engine, "0003_kpi_values")
        db.migrate(engine)
        with engine.connect() as connection:
            assert (
                connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
                == db.HEAD_REVISION
            )
            assert "login_attempt" in {
                r[0] for r in connection.execute(text("SELECT name FROM sqlite_master"))
            }
    finally:
        engine.dispose()
