"""Digest schedules, contents and Telegram delivery (pure parts, then through the stand-in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot

from bot.digests import ScheduleError, digest_items, due, next_after, parse_schedule
from bot.types import FlaggedItem
from handlers.telegram.render import digest_messages, utf16_units
from handlers.telegram.sender import TelegramSender
from storage.db import Database
from storage.subscriptions import SubscriptionRepository
from tests.conftest import TELEGRAM_TOKEN
from tests.telegram_standin import BotAPIStandIn

T0 = datetime(2025, 3, 28, 12, 0, tzinfo=UTC)  # a Friday


def item(i: int, *, seen: datetime, denial: bool = False, official: bool = False) -> FlaggedItem:
    return FlaggedItem(
        item_id=i,
        title=f"Story {i} <b>&",
        url=f"https://news.example/{i}",
        allegation=True,
        denial=denial,
        official_denial=official,
        accuser="Kyiv",
        accused="Moscow",
        denier="Kremlin" if denial else "",
        claim="",
        first_seen_at=seen,
    )


@pytest.mark.parametrize(
    ("text", "described"),
    [
        ("daily 08:00", "daily at 08:00 UTC"),
        ("daily 8:05 Europe/Kyiv", "daily at 08:05 Europe/Kyiv"),
        ("weekly Monday 09:30 America/New_York", "weekly on mon at 09:30 America/New_York"),
    ],
)
def test_schedules(text: str, described: str) -> None:
    assert parse_schedule(text).describe() == described


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "daily HH:MM"),
        ("hourly 08:00", "daily HH:MM"),
        ("weekly 08:00", "needs a day"),
        ("daily 25:00", "24-hour"),
        ("daily 08:00 Mars/Olympus", "unknown time zone"),
        ("daily 08:00 UTC extra", "too many"),
    ],
)
def test_bad_schedules(text: str, fragment: str) -> None:
    with pytest.raises(ScheduleError, match=fragment):
        parse_schedule(text)


def test_next_times_in_a_time_zone() -> None:
    kyiv = parse_schedule("daily 08:00 Europe/Kyiv")  # UTC+2 on 28 March, UTC+3 from the 30th
    assert next_after(kyiv, T0) == datetime(2025, 3, 29, 6, 0, tzinfo=UTC)
    assert next_after(kyiv, datetime(2025, 3, 30, 6, 0, tzinfo=UTC)) == datetime(
        2025, 3, 31, 5, 0, tzinfo=UTC
    )
    monday = parse_schedule("weekly mon 09:00")
    assert next_after(monday, T0) == datetime(2025, 3, 31, 9, 0, tzinfo=UTC)
    assert not due(monday, T0, datetime(2025, 3, 31, 8, 59, tzinfo=UTC))
    assert due(monday, T0, datetime(2025, 3, 31, 9, 0, tzinfo=UTC))


def test_digest_order_and_window() -> None:
    stories = [
        item(1, seen=T0 + timedelta(hours=1)),
        item(2, seen=T0 + timedelta(hours=2), denial=True, official=True),
        item(3, seen=T0 + timedelta(hours=3), denial=True),
        item(4, seen=T0 - timedelta(hours=1)),  # before the window
    ]
    assert [i.item_id for i in digest_items(stories, T0)] == [2, 3, 1]


def test_long_digests_split_between_stories() -> None:
    stories = [item(i, seen=T0 + timedelta(minutes=i)) for i in range(300)]
    messages = digest_messages(stories, "russia", "daily at 08:00 UTC")
    assert len(messages) > 1
    assert all(utf16_units(m) <= 4096 for m in messages)
    joined = "\n".join(messages)
    assert all(f">Story {i} &lt;b&gt;&amp;</a>" in joined for i in range(300))


async def test_digest_is_sent_once_when_due(sqlite_db: Database, standin: BotAPIStandIn) -> None:
    standin.add_chat(42)
    with sqlite_db.session() as session:
        repository = SubscriptionRepository(session)
        made = repository.add("telegram", "42", "", now=T0)
        repository.set_mode("telegram", "42", "", "digest", "daily 08:00 UTC")
    clock = [T0 + timedelta(hours=1)]
    async with Bot(TELEGRAM_TOKEN, base_url=standin.base_url) as bot:
        sender = TelegramSender(bot, sqlite_db, clock=lambda: clock[0], per_chat_interval=0)
        assert await sender.deliver_digests() == 0  # not yet 08:00
        clock[0] = datetime(2025, 3, 29, 8, 1, tzinfo=UTC)
        assert await sender.deliver_digests() == 0  # due, but nothing was flagged: no message
        assert standin.sent(42) == []
    with sqlite_db.session() as session:
        (after,) = SubscriptionRepository(session).find("telegram", "42")
    assert after.id == made.id and after.last_digest_at == clock[0]
