"""Slack rendering (pure, escaped, within Block Kit's limits) and Slack delivery through the
outbox with the real slack_sdk client against the local Web API stand-in."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.delivery import DeliveryService, queue_alerts, queue_digests
from bot.types import FlaggedItem
from handlers.slack.app import web_client
from handlers.slack.notifier import SlackNotifier
from handlers.slack.render import alert_blocks, digest_parts, summary_blocks
from storage.db import Database
from storage.models import OutboxEntry
from storage.subscriptions import SubscriptionRepository
from tests.slack_standin import BOT_TOKEN, SlackStandIn, block_problem, slack
from tests.test_alerts import add_judged

__all__ = ["slack"]

HOSTILE = "<!channel> <@U0BOSS> <https://evil.example|click> & *bold* Tom & Jerry"
NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def story(item_id: int, title: str = HOSTILE, **kwargs: object) -> FlaggedItem:
    values: dict[str, object] = {
        "item_id": item_id,
        "title": title,
        "url": "https://news.example/a?x=1&y=<2>|3",
        "allegation": True,
        "denial": True,
        "official_denial": True,
        "accuser": "White House <@U1>",
        "accused": "Russia",
        "denier": "Russian embassy",
        "claim": "",
        "quote": "Whoever came up with these other-worldly lies & <fakes>",
        "first_seen_at": NOW,
        "feeds": ("Kyiv Post",),
    }
    values.update(kwargs)
    return FlaggedItem(**values)  # type: ignore[arg-type]


def mrkdwn_texts(blocks: list[dict[str, Any]]) -> list[str]:
    found = []
    for block in blocks:
        for part in [block.get("text"), *block.get("elements", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                found.append(part["text"])
    return found


def test_a_headline_never_becomes_a_mention_or_a_link() -> None:
    text, blocks = alert_blocks(story(7), "russia")
    section = blocks[0]["text"]["text"]  # type: ignore[index]
    assert "&lt;!channel&gt; &lt;@U0BOSS&gt; &lt;https://evil.example|click&gt; &amp;" in section
    # the only <…> in the message is the link we built, with the URL's | < > encoded
    assert re.findall(r"<[^>]*>", section) == [
        "<https://news.example/a?x=1&amp;y=%3C2%3E%7C3|&lt;!channel&gt; &lt;@U0BOSS&gt; "
        "&lt;https://evil.example|click&gt; &amp; *bold* Tom &amp; Jerry>"
    ]
    assert "White House &lt;@U1&gt; → Russia" in section
    assert "> Whoever came up with these other-worldly lies &amp; &lt;fakes&gt;" in section
    assert all(t["verbatim"] for t in [blocks[0]["text"], *blocks[1]["elements"]])  # type: ignore[index]
    assert "&lt;!channel&gt;" in text and "<" not in text
    mute, open_ = blocks[2]["elements"]  # type: ignore[index]
    assert (mute["action_id"], mute["value"], open_["action_id"]) == ("mute", "7", "open")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=5000), st.text(max_size=5000), st.integers(0, 400))
def test_any_text_renders_within_slack_limits(title: str, quote: str, count: int) -> None:
    item = story(1, title, quote=quote, denier=title, accuser=quote)
    for _text, blocks in (
        alert_blocks(item, title),
        summary_blocks([item] * count, "7d", "", "x", 3),
    ):
        assert block_problem(blocks) is None
        for text in mrkdwn_texts(blocks):  # the only "<" opens a link we built
            assert not re.search(r"<(?!https://news\.example/a\?x=1&amp;y=%3C2%3E%7C3\|)", text)
    for _text, blocks, _ids in digest_parts([item] * count, title, "daily at 08:00 UTC", 5):
        assert block_problem(blocks) is None


def test_summary_past_the_limits_says_and_n_more() -> None:
    _text, blocks = summary_blocks([story(i) for i in range(30)], "7d", "russia", "russia", 970)
    assert len(blocks) <= 50
    assert blocks[0]["text"]["text"] == "1000 flagged in the last 7d: russia"  # type: ignore[index]
    assert blocks[-2]["text"]["text"] == "… and 980 more — narrow the query or use 24h"  # type: ignore[index]
    share, subscribe = blocks[-1]["elements"]  # type: ignore[index]
    assert (share["value"], subscribe["value"]) == ("7d russia", "russia")
    text, blocks = summary_blocks([], "24h", "", "everything flagged", 0)
    assert (
        text == "Nothing flagged in the last 24h matches everything flagged." and len(blocks) == 1
    )


async def deliver(db: Database, slack: SlackStandIn, clock: datetime | None = None) -> int:
    notifier = SlackNotifier(web_client(BOT_TOKEN, slack.base_url))
    moment = clock or datetime.now(UTC)
    service = DeliveryService(db, notifier, per_chat_interval=0, clock=lambda: moment)
    return await service.deliver_due()


def subscribe(db: Database, *channels: str) -> None:
    with db.session() as session:
        for channel in channels:
            SubscriptionRepository(session).add(
                "slack", channel, "", now=datetime.now(UTC) - timedelta(hours=1)
            )


async def test_one_alert_per_channel_escaped_unfurl_off_never_twice(
    db: Database, db_url: str, slack: SlackStandIn
) -> None:
    slack.add_channel("C0NEWS")
    slack.add_channel("C0DESK")
    subscribe(db, "C0NEWS", "C0DESK")
    add_judged(db, 1, start=0, seen=datetime.now(UTC))
    assert queue_alerts(db) == 2
    assert await deliver(db, slack) == 2
    assert await deliver(db, slack) == 0
    restarted = Database.open(db_url)
    try:
        assert await deliver(restarted, slack) == 0
    finally:
        restarted.dispose()
    for channel in ("C0NEWS", "C0DESK"):
        (post,) = slack.sent(channel)
        assert post["unfurl_links"] is False and post["unfurl_media"] is False
        assert "Russia denies story 0" in post["blocks"][0]["text"]["text"]


async def test_429_waits_retry_after_through_slack_sdk(db: Database, slack: SlackStandIn) -> None:
    slack.add_channel("C0NEWS")
    subscribe(db, "C0NEWS")
    add_judged(db, 1, start=0, seen=datetime.now(UTC))
    queue_alerts(db)
    slack.fail_next("C0NEWS", "ratelimited", retry_after=1)
    assert await deliver(db, slack) == 1  # slack_sdk waited Retry-After and retried once
    assert [c for c in slack.calls if c[0] == "chat.postMessage"] == [
        ("chat.postMessage", "C0NEWS", 429),
        ("chat.postMessage", "C0NEWS", 200),
    ]
    assert len(slack.sent("C0NEWS")) == 1


async def test_not_invited_waits_archived_pauses_other_errors_drop(
    db: Database, db_url: str, slack: SlackStandIn
) -> None:
    slack.add_channel("C0OUT", member=False)
    slack.add_channel("C0GONE").archived = True
    slack.add_channel("C0ODD")
    subscribe(db, "C0OUT", "C0GONE", "C0ODD", "C0DELETED")
    add_judged(db, 1, start=0, seen=datetime.now(UTC))
    queue_alerts(db)
    slack.fail_next("C0ODD", "msg_too_long")
    assert await deliver(db, slack) == 0
    with db.session() as session:
        by_chat = {s.chat: s for s in SubscriptionRepository(session).find()}
        rows = {
            sid: (status, error)
            for sid, status, error in session.execute(
                select(OutboxEntry.subscription_id, OutboxEntry.status, OutboxEntry.last_error)
            )
        }
    assert not by_chat["C0OUT"].paused
    assert rows[by_chat["C0OUT"].id] == (
        "pending",
        "not in the channel: invite me with /invite @claimwatch",
    )
    assert by_chat["C0GONE"].paused and by_chat["C0GONE"].paused_reason == "slack: channel archived"
    assert by_chat["C0DELETED"].paused_reason.startswith("slack: channel not found")
    assert rows[by_chat["C0ODD"].id] == ("dropped", "refused by Slack: msg_too_long")
    process = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).with_name("claimwatch")),
        "subscriptions",
        env={"PATH": os.environ["PATH"], "DATABASE_URL": db_url},
        stdout=subprocess.PIPE,
    )
    listing = (await process.communicate())[0].decode()
    assert "slack:C0GONE instant (paused: slack: channel archived): everything" in listing
    slack.channels["C0OUT"].member = True  # invited: the alert goes out at its next try
    assert await deliver(db, slack, datetime.now(UTC) + timedelta(minutes=11)) == 1
    assert len(slack.sent("C0OUT")) == 1


async def test_a_rate_limit_mid_digest_resends_nothing(db: Database, slack: SlackStandIn) -> None:
    slack.add_channel("C0NEWS")
    made = datetime(2025, 3, 28, 12, 0, tzinfo=UTC)
    with db.session() as session:
        repository = SubscriptionRepository(session)
        repository.add("slack", "C0NEWS", "", now=made)
        repository.set_mode("slack", "C0NEWS", "", "digest", "daily 08:00 UTC")
    add_judged(db, 95, start=0, seen=made + timedelta(hours=1))  # 3 messages of 45 stories
    due_at = datetime(2025, 3, 29, 8, 1, tzinfo=UTC)
    assert queue_digests(db, now=due_at) == 1
    slack.fail_next("C0NEWS", "ok", "ratelimited", "ratelimited", "ratelimited", retry_after=1)
    assert await deliver(db, slack, due_at) == 1  # retries exhausted on the second part
    assert len(slack.sent("C0NEWS")) == 1
    assert await deliver(db, slack, due_at + timedelta(minutes=2)) == 2
    assert await deliver(db, slack, due_at + timedelta(minutes=3)) == 0
    seen = [
        b["text"]["text"]
        for post in slack.sent("C0NEWS")
        for b in post["blocks"]
        if b["type"] == "section"
    ]
    numbers = [int(m) for t in seen for m in re.findall(r"Russia denies story (\d+)", t)]
    assert sorted(numbers) == list(range(95))  # every story once, none twice
