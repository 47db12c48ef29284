"""Digest schedules, contents and Telegram delivery (pure parts, then through the stand-in)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot

from bot.delivery import queue_digests
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
    messages = digest_messages(stories, "russia", "daily at 08:00 UTC", more=7)
    assert len(messages) > 1
    assert all(utf16_units(m) <= 4096 for m, _ in messages)
    joined = "\n".join(m for m, _ in messages)
    assert all(f">Story {i} &lt;b&gt;&amp;</a>" in joined for i in range(300))
    assert "307 flagged stories" in messages[0][0]
    assert messages[-1][0].endswith("… and 7 more — /summary 7d to see them")
    for text, ids in messages:  # each message knows exactly the stories it lists
        assert sorted(ids) == sorted(i for i in range(300) if f">Story {i} &lt;" in text)


async def test_digest_is_sent_once_when_due(sqlite_db: Database, standin: BotAPIStandIn) -> None:
    standin.add_chat(42)
    with sqlite_db.session() as session:
        repository = SubscriptionRepository(session)
        made = repository.add("telegram", "42", "", now=T0)
        repository.set_mode("telegram", "42", "", "digest", "daily 08:00 UTC")
    clock = [T0 + timedelta(hours=1)]
    async with Bot(TELEGRAM_TOKEN, base_url=standin.base_url) as bot:
        sender = TelegramSender(bot, sqlite_db, clock=lambda: clock[0], per_chat_interval=0)
        assert queue_digests(sqlite_db, now=clock[0]) == 0  # not yet 08:00
        with sqlite_db.session() as session:
            assert SubscriptionRepository(session).find()[0].last_digest_at is None
        clock[0] = datetime(2025, 3, 29, 8, 1, tzinfo=UTC)
        assert queue_digests(sqlite_db, now=clock[0]) == 0  # due, nothing flagged: no message
        assert await sender.deliver_due() == 0
        assert standin.sent(42) == []
    with sqlite_db.session() as session:
        (after,) = SubscriptionRepository(session).find("telegram", "42")
    assert after.id == made.id and after.last_digest_at == clock[0]


async def test_a_429_mid_digest_never_resends_parts_already_sent(
    db: Database, db_url: str, standin: BotAPIStandIn
) -> None:
    """A digest of 150 stories (100 listed, then "and N more") in several messages; Telegram
    answers 429 to the second: the first is not sent again, the rest follow once, and
    neither a restart nor the schedule repeats the digest."""
    import asyncio

    from tests.test_alerts import add_judged

    standin.add_chat(42)
    with db.session() as session:
        repository = SubscriptionRepository(session)
        repository.add("telegram", "42", "", now=T0)
        repository.set_mode("telegram", "42", "", "digest", "daily 08:00 UTC")
    add_judged(db, 150, start=0, seen=T0 + timedelta(hours=1))
    due_at = datetime(2025, 3, 29, 8, 1, tzinfo=UTC)
    assert queue_digests(db, now=due_at) == 1
    assert queue_digests(db, now=due_at) == 0  # the schedule advanced with the queueing

    async def rate_limit_the_second() -> None:
        for _ in range(2000):  # poll the stand-in's record (it has no event to wait on)
            if standin.sent(42):
                break
            await asyncio.sleep(0.005)
        standin.fail_next(42, "429", 30)

    async with Bot(TELEGRAM_TOKEN, base_url=standin.base_url) as bot:
        sender = TelegramSender(bot, db, clock=lambda: due_at, per_chat_interval=0.5)
        watcher = asyncio.create_task(rate_limit_the_second())
        assert await sender.deliver_due() == 1
        await watcher
        assert len(standin.sent(42)) == 1
        assert await sender.deliver_due() == 0  # waits retry_after
    restarted = Database.open(db_url)
    try:
        later = due_at + timedelta(minutes=1)
        async with Bot(TELEGRAM_TOKEN, base_url=standin.base_url) as bot:
            sender = TelegramSender(bot, restarted, clock=lambda: later, per_chat_interval=0)
            assert queue_digests(restarted, now=later) == 0
            rest = await sender.deliver_due()
            assert rest >= 1
            assert await sender.deliver_due() == 0
    finally:
        restarted.dispose()
    texts = [m["text"] for m in standin.sent(42)]
    assert len(texts) == 1 + rest
    assert texts[0].startswith("Digest (daily at 08:00 UTC): 150 flagged stories")
    listed = [n for n in range(150) for t in texts if f"Russia denies story {n}\n" in t + "\n"]
    assert len(listed) == len(set(listed))  # no story listed twice
    # the resumed part lists what was left, up to 100, and counts the rest
    more = int(texts[-1].rsplit("… and ", 1)[1].split()[0])
    assert len(listed) + more == 150
    with db.session() as session:
        from storage.subscriptions import OutboxRepository

        assert OutboxRepository(session).count("sent", kind="digest") == 150
