"""Migration 0006_docstore retires the old record kind "helpdesk": its rows go to the audit log (kind
helpdesk, action retire) before the table is dropped, and the downgrade puts them back."""

from sqlalchemy import inspect, text

from permille.registry import db


def test_old_helpdesk_requests_are_kept_in_the_audit_log(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        db.migrate(engine, "0005_workflows")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO helpdesk_request (id, subject, question, answer, status, region, country_iso3,"
                    " created_at, updated_at, version, published) VALUES (7, 'Sandy soils', 'Which cover"
                    " crops?', 'See the catalogue', 'answered', 'Africa', 'SEN', '2024-03-01 10:00:00',"
                    " '2024-03-02 10:00:00', 2, 0)"
                )
            )
        db.migrate(engine)
        with engine.connect() as connection:
            assert not inspect(connection).has_table("helpdesk_request")
            assert {"attachment", "working_group", "working_group_member"} <= set(
                inspect(connection).get_table_names()
            )
            kind, record_id, action, before = connection.execute(
                text("SELECT kind, record_id, action, before FROM audit_log WHERE action = 'retire'")
            ).one()
        assert (kind, record_id, action) == ("helpdesk", 7, "retire")
        assert '"subject": "Sandy soils"' in before and '"answer": "See the catalogue"' in before

        from alembic import command

        with engine.begin() as connection:
            command.downgrade(db.alembic_config(connection), "0005_workflows")
        with engine.connect() as connection:
            row = connection.execute(text("SELECT subject, status, version FROM helpdesk_request")).one()
            assert tuple(row) == ("Sandy soils", "answered", 2)
            assert not inspect(connection).has_table("attachment")
    finally:
        engine.dispose()
