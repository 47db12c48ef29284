"""Telegram commands driven as a user would: messages into the Bot API stand-in, the real
python-telegram-bot Application answering by long polling (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest

from handlers.telegram.app import start_telegram
from handlers.telegram.render import split_blocks, utf16_units
from storage.db import Database
from storage.subscriptions import SubscriptionRepository
from tests.conftest import TELEGRAM_TOKEN
from tests.telegram_standin import BotAPIStandIn


@pytest.fixture
async def telegram(db: Database, standin: BotAPIStandIn) -> AsyncIterator[BotAPIStandIn]:
    async with AsyncExitStack() as stack:
        await start_telegram(
            stack,
            db,
            token=TELEGRAM_TOKEN,
            base_url=standin.base_url,
            admin_ids=(99,),
            poll_timeout=1,
        )
        yield standin


async def replies(standin: BotAPIStandIn, chat: int, count: int) -> list[dict[str, Any]]:
    for _ in range(100):
        sent = standin.sent(chat)
        if len(sent) >= count:
            return sent
        await asyncio.sleep(0.05)
    raise AssertionError(f"expected {count} replies in chat {chat}, got {standin.sent(chat)}")


async def test_menu_help_subscribe_list_unsubscribe(db: Database, telegram: BotAPIStandIn) -> None:
    assert [c["command"] for c in telegram.commands][:3] == ["start", "help", "subscribe"]
    telegram.add_chat(42)
    telegram.user_sends(42, "/start")
    (hello,) = await replies(telegram, 42, 1)
    assert "allegations" in hello["text"] and "/subscribe" in hello["text"]

    telegram.user_sends(42, '/subscribe russia "other-worldly lies" -sport')
    made = (await replies(telegram, 42, 2))[-1]["text"]
    assert made.startswith('Subscribed #1 to russia "other-worldly lies" -sport.')
    assert "0 flagged in the last 24 hours match" in made
    with db.session() as session:
        (subscription,) = SubscriptionRepository(session).find("telegram", "42")
    assert subscription.query == 'russia "other-worldly lies" -sport'

    telegram.user_sends(42, "/list")
    assert "#1" in (await replies(telegram, 42, 3))[-1]["text"]
    telegram.user_sends(42, "/unsubscribe 7")
    assert "No subscription 7" in (await replies(telegram, 42, 4))[-1]["text"]
    telegram.user_sends(42, "/unsubscribe all")
    assert (await replies(telegram, 42, 5))[-1]["text"] == "Removed 1 subscription."


async def test_groups_topics_and_bad_input(db: Database, telegram: BotAPIStandIn) -> None:
    telegram.add_chat(-100, "supergroup", title="newsroom", is_forum=True, admins={5})
    telegram.user_sends(-100, "/subscribe russia", user_id=6, thread_id=9)
    refused = (await replies(telegram, -100, 1))[-1]
    assert "administrators" in refused["text"]
    assert refused.get("message_thread_id") == 9  # the answer stays in the topic

    telegram.user_sends(-100, "/subscribe actor:kremlin", user_id=5, thread_id=9)
    await replies(telegram, -100, 2)
    with db.session() as session:
        (subscription,) = SubscriptionRepository(session).find("telegram", "-100")
    assert subscription.thread == "9"

    for text, fragment in (
        ('/subscribe "unclosed', "not closed"),
        ("/subscribe colour:red", "unknown filter"),
        ("/summary 7d label:rumour", "not one of"),
        ("/subscribe " + "ж" * 5000, "longer than"),
    ):
        telegram.user_sends(-100, text, user_id=5, thread_id=9)
        answer = (await replies(telegram, -100, len(telegram.sent(-100)) + 1))[-1]["text"]
        assert fragment in answer, answer
    telegram.user_sends(-100, "/summary 7d <b>&</a>", user_id=5, thread_id=9)
    answer = (await replies(telegram, -100, len(telegram.sent(-100)) + 1))[-1]["text"]
    assert "<b>&</a>" in answer  # echoed back as text, escaped on the way


@pytest.mark.parametrize("size", [1, 10, 400])
def test_split_blocks_keeps_blocks_whole_and_under_the_limit(size: int) -> None:
    blocks = [f"<b>{i}</b> " + "😀" * size for i in range(60)]
    messages = split_blocks(blocks)
    assert all(utf16_units(m) <= 4096 for m in messages)
    assert "\n".join(messages).split("\n") == blocks  # nothing lost, nothing cut


def test_split_blocks_cuts_an_oversized_block_at_line_ends() -> None:
    block = "\n".join(["line " + "x" * 90] * 100)  # ~9,500 units
    messages = split_blocks([block])
    assert len(messages) == 3 and all(utf16_units(m) <= 4096 for m in messages)
    assert "\n".join(messages) == block


async def test_pause_resume_feeds_and_admin_only_feed_changes(
    db: Database, telegram: BotAPIStandIn
) -> None:
    telegram.add_chat(42)
    telegram.add_chat(99)
    steps = [
        (42, "/subscribe russia", "Subscribed #1"),
        (42, "/pause", "Paused 1 subscription."),
        (42, "/resume", "Resumed 1 subscription."),
        (42, "/addfeed https://example.org/rss", "Only claimwatch's administrators"),
        (99, "/addfeed ftp://example.org/rss", "Not added: only http and https"),
        (99, "/addfeed https://example.org/<b>&rss", "Added"),
        (99, "/addfeed https://example.org/<b>&rss", "Already monitored"),
        # Everyone sees names and health; only administrators see the URL.
        (42, "/feeds", "1 example.org (ok never, 0 items)"),
        (99, "/feeds", "https://example.org/<b>&rss"),
        (42, "/removefeed 1", "Only claimwatch's administrators"),
        (99, "/removefeed 1", "Removed https://example.org/<b>&rss."),
        (99, "/feeds", "No feeds yet."),
    ]
    for chat, text, expected in steps:
        before = len(telegram.sent(chat))
        telegram.user_sends(chat, text)
        answer = (await replies(telegram, chat, before + 1))[-1]["text"]
        assert expected in answer, (text, answer)
        if (chat, text) == (42, "/feeds"):
            assert "https://" not in answer
    with db.session() as session:
        (subscription,) = SubscriptionRepository(session).find("telegram", "42")
    assert not subscription.paused


async def test_a_channel_subscribes_itself(db: Database, telegram: BotAPIStandIn) -> None:
    telegram.add_chat(-200, "channel", title="alerts")
    telegram.user_sends(-200, "/subscribe label:official")
    answer = (await replies(telegram, -200, 1))[-1]["text"]
    assert answer.startswith("Subscribed #1 to label:official")
    with db.session() as session:
        (subscription,) = SubscriptionRepository(session).find("telegram", "-200")
    assert subscription.query == "label:official"


def test_pacing_is_telegrams() -> None:
    from handlers.telegram.app import rate_limiter

    limiter = rate_limiter()
    assert limiter._base_limiter is not None
    assert (limiter._base_limiter.max_rate, limiter._base_limiter.time_period) == (25, 1)
    assert (limiter._group_max_rate, limiter._group_time_period) == (20, 60)
    assert limiter._max_retries == 0


async def test_mode_and_digest_commands(db: Database, telegram: BotAPIStandIn) -> None:
    telegram.add_chat(42)
    steps = [
        ("/subscribe russia", "Subscribed #1"),
        ("/mode sometimes", "Use /mode instant or /mode digest"),
        ("/mode digest", "1 subscription now digest (daily at 08:00 UTC; change with /digest)."),
        ("/digest weekly fri 18:30 Europe/Kyiv", "Digest weekly on fri at 18:30 Europe/Kyiv"),
        ("/digest daily 31:00", "That schedule doesn't work: the time must look like 08:00"),
        ("/mode instant", "1 subscription now instant."),
    ]
    for text, expected in steps:
        before = len(telegram.sent(42))
        telegram.user_sends(42, text)
        answer = (await replies(telegram, 42, before + 1))[-1]["text"]
        assert expected in answer, (text, answer)
    with db.session() as session:
        (subscription,) = SubscriptionRepository(session).find("telegram", "42")
    assert (subscription.mode, subscription.digest) == ("instant", "weekly fri 18:30 Europe/Kyiv")


async def test_webhook_mode_checks_the_secret(db: Database, standin: BotAPIStandIn) -> None:
    import socket

    from handlers.telegram.app import Webhook

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook = Webhook(
        url=f"http://127.0.0.1:{port}/hook", host="127.0.0.1", port=port, secret="s3cret_token"
    )
    standin.add_chat(42)
    async with AsyncExitStack() as stack:
        await start_telegram(
            stack, db, token=TELEGRAM_TOKEN, base_url=standin.base_url, webhook=webhook
        )
        assert standin.webhook == {"url": webhook.url, "secret": "s3cret_token"}
        assert await standin.post_to_webhook(42, "/help", secret="wrong") == 403
        assert await standin.post_to_webhook(42, "/help", secret="") == 403
        await asyncio.sleep(0.3)
        assert standin.sent(42) == []  # refused requests do nothing
        assert await standin.post_to_webhook(42, "/help") == 200
        (answer,) = await replies(standin, 42, 1)
        assert "/subscribe" in answer["text"]


async def test_summary_says_how_many_more_it_left_out(
    db: Database, telegram: BotAPIStandIn
) -> None:
    from datetime import UTC, datetime

    from tests.test_alerts import add_judged

    add_judged(db, 65, start=0, seen=datetime.now(UTC))
    telegram.add_chat(42)
    telegram.user_sends(42, "/summary 24h russia")
    answers = await replies(telegram, 42, 1)
    await asyncio.sleep(0.5)  # a long answer arrives in several messages
    text = "\n".join(m["text"] for m in telegram.sent(42))
    assert text.startswith("65 flagged in the last 24h")
    assert text.count("Russia denies story") == 50
    assert text.rstrip().endswith("… and 15 more — narrow the query or use 24h.")
    assert answers
