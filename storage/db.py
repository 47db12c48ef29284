"""Engine, sessions and automatic migrations.

SQLite (the default) runs in WAL mode with foreign keys on; PostgreSQL is reached through
DATABASE_URL (postgresql+psycopg://...). `Database.open()` applies pending migrations, so a
fresh file or an old one is always at the current schema before anything uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.errors import ConfigError, StorageError
from storage.migrations import HEAD_REVISION


def _normalise_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which we do not ship: use psycopg 3.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def create_db_engine(url: str) -> Engine:
    """An engine for `url`. Raises ConfigError when the URL is unusable."""
    try:
        parsed = make_url(_normalise_url(url))
    except ArgumentError as exc:
        raise ConfigError(f"DATABASE_URL: not a database URL ({exc})") from None
    try:
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(parsed, connect_args={"timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, ImportError) as exc:
        raise ConfigError(f"DATABASE_URL: unsupported database ({exc})") from None
    return engine


class Database:
    """An engine plus a session factory. Callers own transactions (`with db.session() as s`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Database:
        """Connect and bring the schema up to date. Raises StorageError or ConfigError."""
        database = cls(create_db_engine(url))
        if migrate:
            database.migrate()
        return database

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error.

        Database failures come out as StorageError.
        """
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {_one_line(exc)}") from exc
        finally:
            session.close()

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                return connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar_one_or_none()
        except (OperationalError, ProgrammingError) as exc:
            if _is_missing_table(exc):
                return None
            raise StorageError(f"cannot reach the database: {_one_line(exc)}") from exc

    def migrate(self) -> None:
        """Apply pending migrations; cheap when the schema is current (no Alembic import)."""
        if self.current_revision() == HEAD_REVISION:
            return
        from storage.migrations.runner import upgrade_to_head

        try:
            upgrade_to_head(self.engine)
        except SQLAlchemyError as exc:
            raise StorageError(f"migrating the database failed: {_one_line(exc)}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def _is_missing_table(exc: Exception) -> bool:
    message = str(exc).lower()
    return "no such table" in message or "does not exist" in message


def _one_line(exc: Exception) -> str:
    original = getattr(exc, "orig", None) or exc
    return " ".join(str(original).split())[:300]
