"""Alembic environment: uses the engine handed over in config.attributes, inside
`migrating()` (foreign keys off on SQLite, an advisory lock on PostgreSQL)."""

from __future__ import annotations

from alembic import context

from storage.migrations.runner import migrating
from storage.models import Base

engine = context.config.attributes["engine"]

with migrating(engine) as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
