"""Run Alembic programmatically (no alembic.ini needed), safely.

Two dangers are handled in `migrating()`, which every migration runs inside:
- SQLite rebuilds a table to alter it (copy, drop, rename). With foreign keys on, dropping
  `items` would cascade-delete `item_sources`, `matches`, `outbox` and `mutes`. So migrations
  run with foreign keys off, and `PRAGMA foreign_key_check` must find nothing before commit.
- Two processes starting together would both migrate. On PostgreSQL a transaction-scoped
  advisory lock makes the second wait; it then finds the schema current and does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from bot.errors import StorageError

SCRIPT_LOCATION = str(Path(__file__).parent)
# pg_advisory_xact_lock key: "claimwatch migrations", any constant shared by all processes.
ADVISORY_LOCK_KEY = 0x636C_6D77


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def script_head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade_to_head(engine: Engine) -> None:
    command.upgrade(alembic_config(engine), "head")


@contextmanager
def migrating(engine: Engine) -> Iterator[Connection]:
    """A connection in one transaction for schema changes; committed when the block ends
    without error. Raises StorageError (and commits nothing) if the migrated SQLite database
    would hold a row whose foreign key points nowhere."""
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Only effective outside a transaction, hence before begin().
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    connection.execute(
                        text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                    )
                yield connection
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        table, rowid, parent, _fk = broken[0]
                        raise StorageError(
                            f"migration left {len(broken)} rows pointing nowhere (first: "
                            f"{table} row {rowid} -> {parent}); nothing was changed"
                        )
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
