"""Alembic environment of the registry: runs on the connection handed over by ``db.migrate``."""

from alembic import context

from permille.registry import kpis, zones  # noqa: F401  (their tables join Base.metadata for autogenerate)
from permille.registry.orm import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the registry migrations with permille.registry.db.migrate(engine)")
context.configure(connection=connection, target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
