"""Alembic migrations, applied automatically by `storage.db.Database.open()`.

HEAD_REVISION lets start-up skip importing Alembic when the schema is already current; a test
checks it against Alembic's own idea of the head, so it cannot drift.
"""

HEAD_REVISION = "0010"
