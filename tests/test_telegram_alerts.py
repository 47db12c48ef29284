"""Telegram delivery end to end: a local feed serves the seed article, the poller stores it,
the matcher flags it, and a chat subscribed to "russia" receives exactly one alert through the
real python-telegram-bot client and the Bot API stand-in (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
from datetime import UTC, datetime

from telegram import Bot

from bot.delivery import queue_alerts, queue_digests
from bot.matching import match_pending
from bot.poller import Poller
from handlers.telegram.sender import TelegramSender
from storage.db import Database
from storage.feeds import FeedRepository
from storage.subscriptions import OutboxRepository, SubscriptionRepository
from tests.conftest import TELEGRAM_TOKEN as TOKEN
from tests.conftest import make_settings, shared_path
from tests.feedserver import FeedServer
from tests.feedserver import kyiv_post_rss as rss
from tests.telegram_standin import BotAPIStandIn

HOSTILE_TITLE = "Russian embassy calls <b>White House</b> claims & </a> 'other-worldly lies'"


async def flag_seed_article(db: Database, db_url: str, feed_server: FeedServer, chat: int) -> None:
    settings = make_settings(db_url)
    weather = ("1", "Weather", "Sunny.")
    url = feed_server.add("/kp.xml", body=rss(weather))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
        SubscriptionRepository(session).add("telegram", str(chat), "russia", now=datetime.now(UTC))
    await Poller(db, settings).poll(include_not_due=True)
    lines = shared_path("corpus", "seed-article.txt").read_text().splitlines()
    body = "".join(f"<p>{html.escape(p)}</p>" for p in lines)
    # Escaped twice: once for XML, once because feed titles are HTML; what is stored is the
    # literal text "<b>claims</b> & </a>", which must reach the chat as text.
    feed_server.routes["/kp.xml"].body = rss(weather, ("2", html.escape(HOSTILE_TITLE), body))
    await Poller(db, settings).poll(include_not_due=True)
    match_pending(db)
    queue_alerts(db)


async def test_one_alert_with_quote_sources_and_buttons(
    db: Database, db_url: str, feed_server: FeedServer, standin: BotAPIStandIn
) -> None:
    standin.add_chat(42)
    await flag_seed_article(db, db_url, feed_server, 42)
    async with Bot(TOKEN, base_url=standin.base_url) as bot:
        sender = TelegramSender(bot, db, per_chat_interval=0)
        assert await sender.deliver_due() == 1
        assert await sender.deliver_due() == 0
    (message,) = standin.sent(42)
    text = message["text"]
    assert HOSTILE_TITLE in text  # arrived as text: escaped, not interpreted
    assert "White House" in text and "Russian embassy" in text
    assert "other-worldly lies" in text
    assert "Kyiv Post · " in text and " UTC" in text  # sources and time
    mute, open_ = message["reply_markup"]["inline_keyboard"][0]
    assert mute["text"] == "Mute this story" and mute["callback_data"].startswith("mute:")
    assert open_["text"] == "Open" and open_["url"] == "https://kyivpost.example/2"
    restarted = Database.open(db_url)  # a restart sends nothing again
    try:
        async with Bot(TOKEN, base_url=standin.base_url) as bot:
            assert await TelegramSender(bot, restarted, per_chat_interval=0).deliver_due() == 0
    finally:
        restarted.dispose()


async def test_rate_limits_blocks_and_migrations(
    db: Database, db_url: str, feed_server: FeedServer, standin: BotAPIStandIn
) -> None:
    standin.add_chat(42)
    standin.add_chat(-1001, "supergroup", title="newsroom")
    await flag_seed_article(db, db_url, feed_server, 42)
    async with Bot(TOKEN, base_url=standin.base_url) as bot:
        sender = TelegramSender(bot, db, per_chat_interval=0)
        standin.fail_next(42, "429", 30)
        assert await sender.deliver_due() == 0  # waits retry_after, nothing lost
        with db.session() as session:
            assert OutboxRepository(session).due("telegram", datetime.now(UTC)) == []
        assert standin.sent(42) == []
        standin.fail_next(42, "migrate", -1001)
        later = TelegramSender(
            bot, db, per_chat_interval=0, clock=lambda: datetime(2100, 1, 1, tzinfo=UTC)
        )
        assert await later.deliver_due() == 0  # the subscription follows the new chat
        assert await later.deliver_due() == 1
        assert len(standin.sent(-1001)) == 1
        with db.session() as session:
            (subscription,) = SubscriptionRepository(session).find()
            assert subscription.chat == "-1001"


async def test_blocked_chat_pauses_its_subscriptions(
    db: Database, db_url: str, feed_server: FeedServer, standin: BotAPIStandIn
) -> None:
    standin.add_chat(42)
    await flag_seed_article(db, db_url, feed_server, 42)
    standin.fail_next(42, "403")
    async with Bot(TOKEN, base_url=standin.base_url) as bot:
        assert await TelegramSender(bot, db, per_chat_interval=0).deliver_due() == 0
    with db.session() as session:
        (subscription,) = SubscriptionRepository(session).find()
        assert subscription.paused
        assert subscription.paused_reason.startswith("forbidden: ")


async def test_digest_subscriptions_get_the_story_in_the_digest_not_instantly(
    db: Database, db_url: str, feed_server: FeedServer, standin: BotAPIStandIn
) -> None:
    from datetime import timedelta

    settings = make_settings(db_url)
    standin.add_chat(42)
    weather = ("1", "Weather", "Sunny.")
    url = feed_server.add("/kp.xml", body=rss(weather))
    made_at = datetime.now(UTC) - timedelta(minutes=1)
    with db.session() as session:
        FeedRepository(session).add(url, now=made_at)
        subscriptions = SubscriptionRepository(session)
        subscriptions.add("telegram", "42", "russia", now=made_at)
        subscriptions.set_mode("telegram", "42", "", "digest", "daily 08:00 UTC")
    await Poller(db, settings).poll(include_not_due=True)
    lines = shared_path("corpus", "seed-article.txt").read_text().splitlines()
    body = "".join(f"<p>{html.escape(p)}</p>" for p in lines)
    feed_server.routes["/kp.xml"].body = rss(weather, ("2", html.escape(HOSTILE_TITLE), body))
    await Poller(db, settings).poll(include_not_due=True)
    match_pending(db)
    queue_alerts(db)

    tomorrow = (made_at + timedelta(days=1)).replace(hour=8, minute=1)
    async with Bot(TOKEN, base_url=standin.base_url) as bot:
        sender = TelegramSender(bot, db, clock=lambda: tomorrow, per_chat_interval=0)
        assert await sender.deliver_due() == 0  # no instant alert for a digest subscription
        assert queue_digests(db, now=tomorrow) == 1
        assert await sender.deliver_due() == 1
        assert queue_digests(db, now=tomorrow) == 0
        assert await sender.deliver_due() == 0
    (digest,) = standin.sent(42)
    assert digest["text"].startswith("Digest (daily at 08:00 UTC): 1 flagged story for russia")
    assert HOSTILE_TITLE in digest["text"] and "Russian embassy" in digest["text"]


async def test_mute_this_story(
    db: Database, db_url: str, feed_server: FeedServer, standin: BotAPIStandIn
) -> None:
    import asyncio
    from contextlib import AsyncExitStack

    from sqlalchemy import update

    from handlers.telegram.app import start_telegram
    from storage.models import MatchRow, Mute

    standin.add_chat(42)
    await flag_seed_article(db, db_url, feed_server, 42)
    async with AsyncExitStack() as stack:
        sender = await start_telegram(
            stack, db, token=TOKEN, base_url=standin.base_url, poll_timeout=1
        )
        sender.per_chat_interval = 0
        assert await sender.deliver_due() == 1
        (alert,) = standin.sent(42)
        standin.press_button(
            42, alert["message_id"], alert["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        )
        for _ in range(100):
            if standin.answers:
                break
            await asyncio.sleep(0.05)
        assert standin.answers == ["Muted: no more alerts about this story here."]
        for _ in range(40):  # the Mute button disappears, Open stays
            buttons = standin.sent(42)[0]["reply_markup"]["inline_keyboard"]
            if [b["text"] for row in buttons for b in row] == ["Open"]:
                break
            await asyncio.sleep(0.05)
        assert [b["text"] for row in buttons for b in row] == ["Open"]
    with db.session() as session:
        (mute,) = session.query(Mute).all()
        item_id = mute.item_id
        # another subscription in the same chat would match the story: it stays quiet
        SubscriptionRepository(session).add(
            "telegram", "42", "embassy", now=datetime(2000, 1, 1, tzinfo=UTC)
        )
        session.execute(  # judged again: the mute holds for every subscription of the chat
            update(MatchRow).where(MatchRow.item_id == item_id).values(alerts_queued=False)
        )
    assert queue_alerts(db) == 0
