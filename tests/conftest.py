"""Shared fixtures: a real SQLite file and a real PostgreSQL schema per test, a real local
HTTP feed server, and settings built the way the CLI builds them."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, load_settings
from storage.db import Database
from tests.feedserver import FeedServer
from tests.stories import Story, own, seed
from tests.telegram_standin import BotAPIStandIn

TELEGRAM_TOKEN = "123456:TEST-token"

# python-telegram-bot 22 warns unless code opts in to its next major version's
# timedelta-valued retry_after; claimwatch opts in (the adapter will do the same).
os.environ.setdefault("PTB_TIMEDELTA", "1")

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
PG_URL = os.environ.get("CLAIMWATCH_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; skips the test when the shared material is absent (not in CI)."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing, and CI must run the tests that read it")
        pytest.skip(f"{path} is not present on this machine")
    return path


def _postgres_available() -> str | None:
    import psycopg

    try:
        with psycopg.connect(
            PG_URL.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ):
            return None
    except psycopg.Error as exc:
        return str(exc).splitlines()[0]


@pytest.fixture(scope="session")
def postgres_url() -> str:
    problem = _postgres_available()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required under CI=true: {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    return PG_URL


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'claimwatch.db'}"
        return
    base = request.getfixturevalue("postgres_url")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    from sqlalchemy import create_engine, text

    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database.open(f"sqlite:///{tmp_path / 'claimwatch.db'}")
    try:
        yield database
    finally:
        database.dispose()


def make_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "allowed_private_networks": "127.0.0.1/32",
        "fetch_connect_timeout": "3s",
        "fetch_read_timeout": "3s",
        "fetch_total_timeout": "5s",
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@pytest.fixture
async def standin() -> AsyncIterator[BotAPIStandIn]:
    """A Telegram Bot API stand-in on 127.0.0.1 (token TELEGRAM_TOKEN)."""
    server = await BotAPIStandIn(TELEGRAM_TOKEN).start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture(params=["own", "seed"])
def story(request: pytest.FixtureRequest) -> Story:
    """The article an end-to-end test sends through: the project's own (runs everywhere) and
    the seed article from ../shared (skips where that is absent, never in CI)."""
    return own() if request.param == "own" else seed()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()
