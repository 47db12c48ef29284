"""The event loop never waits on the database: chat commands keep the loop free while SQLite
is locked by another writer, and a command that fails answers one line (asyncio debug mode,
real python-telegram-bot against the Bot API stand-in, a real SQLite file)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import pytest

from handlers.telegram.app import start_telegram
from storage.db import Database
from tests.conftest import TELEGRAM_TOKEN
from tests.telegram_standin import BotAPIStandIn
from tests.test_telegram_commands import replies

SLOW = 0.25  # seconds: a callback holding the loop longer than this is reported


@pytest.fixture
async def debug_loop(caplog: pytest.LogCaptureFixture) -> AsyncIterator[None]:
    loop = asyncio.get_running_loop()
    loop.set_debug(True)
    loop.slow_callback_duration = SLOW
    caplog.set_level(logging.WARNING, logger="asyncio")
    yield
    loop.set_debug(False)


def slow_callbacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == "asyncio" and "took" in r.getMessage()
    ]


@asynccontextmanager
async def telegram_on(path: Path, standin: BotAPIStandIn) -> AsyncIterator[Database]:
    """The real Telegram adapter on a SQLite file, chat 42 known to the stand-in."""
    db = Database.open(f"sqlite:///{path}")
    try:
        async with AsyncExitStack() as stack:
            await start_telegram(
                stack, db, token=TELEGRAM_TOKEN, base_url=standin.base_url, poll_timeout=1
            )
            standin.add_chat(42)
            yield db
    finally:
        db.dispose()


async def test_a_command_waiting_on_a_locked_database_leaves_the_loop_free(
    tmp_path: Path, standin: BotAPIStandIn, debug_loop: None, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "claimwatch.db"
    async with telegram_on(path, standin):
        caplog.clear()  # start-up (migrations, imports) is not what is measured
        # Another process holds SQLite's write lock for a second.
        writer = sqlite3.connect(path, check_same_thread=False)
        writer.execute("BEGIN IMMEDIATE")
        threading.Timer(1.0, writer.rollback).start()
        standin.user_sends(42, "/subscribe russia")
        ticks = 0
        while not standin.sent(42):
            await asyncio.sleep(0.05)  # the loop keeps turning while the command waits
            ticks += 1
            assert ticks < 200
        assert standin.sent(42)[-1]["text"].startswith("Subscribed #1")
        assert ticks >= 10  # the answer really waited for the lock…
    writer.close()
    assert slow_callbacks(caplog) == []  # …and nothing held the loop meanwhile


async def test_a_failing_command_answers_one_line(
    tmp_path: Path, standin: BotAPIStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "claimwatch.db"
    async with telegram_on(path, standin):
        with sqlite3.connect(path) as broken:  # the database loses a table under us
            broken.execute("PRAGMA foreign_keys=OFF")
            broken.execute("DROP TABLE subscriptions")
        standin.user_sends(42, "/list")
        (answer,) = await replies(standin, 42, 1)
        assert (
            answer["text"]
            == "Sorry, that didn't work (the database failed). Please try again shortly."
        )
        standin.user_sends(42, "/help")  # and the bot goes on serving
        assert "/subscribe" in (await replies(standin, 42, 2))[-1]["text"]
    assert any("Telegram command failed" in r.getMessage() for r in caplog.records)
