"""Engine, sessions, connections and automatic migrations.

SQLite (the default) runs in WAL mode with foreign keys on; PostgreSQL is reached through
DATABASE_URL (postgresql+psycopg://...). `Database.open()` applies pending migrations, so a
fresh file or an old one is always at the current schema before anything uses it.

Two kinds of transaction, with the same contract: `session()` (the ORM, for the commands that
edit feeds and subscriptions as objects) and `connection()` (SQLAlchemy Core only, for the
poll and the stages after it, which only run statements on storage.tables). The ORM is
imported on the first `session()`: a re-poll never loads it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError, SQLAlchemyError

from bot.errors import ConfigError, StorageError
from storage.migrations import HEAD_REVISION

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

# What a repository runs its statements on: an ORM session, or a Core connection (see the
# module docstring). Repository methods that build ORM objects need a Session.
Executor: TypeAlias = "Session | Connection"


def connection_of(executor: Executor) -> Connection:
    """The Core connection under `executor`, in its transaction: a Connection itself, or a
    Session's own, flushed first (as the session's own execute would flush its pending
    objects before a statement)."""
    if isinstance(executor, Connection):
        return executor
    executor.flush()
    return executor.connection()


def orm_session(executor: Executor, what: str) -> Session:
    """`executor` as the ORM session that `what` (a repository method that builds or hands out
    ORM objects) needs. Raises TypeError when given a Core connection (a bug in the caller)."""
    if isinstance(executor, Connection):
        raise TypeError(f"{what} needs an ORM Session (Database.session()), not a Connection")
    return executor


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
    """An engine plus a session factory. Callers own transactions (`with db.session() as s`,
    `with db.connection() as c`)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] | None = None

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
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        session = self._sessions()
        try:
            with session.begin():
                yield session
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {_one_line(exc)}") from exc
        finally:
            session.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in a transaction: committed on success, rolled back on error,
        as `session()`. Database failures come out as StorageError."""
        try:
            with self.engine.begin() as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise StorageError(f"database error: {_one_line(exc)}") from exc

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
