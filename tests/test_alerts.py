"""Subscriptions, alert planning and the outbox: a subscriber gets exactly one alert per new
flagged story, also across restarts; a feed's first poll never floods (SQLite, PostgreSQL)."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.alerts import is_backfill, plan
from bot.delivery import ConsoleNotifier, DeliveryService, queue_alerts, seed_console_subscription
from bot.matching import match_pending
from bot.poller import Poller
from bot.types import FlaggedItem, SubscriptionInfo
from storage.db import Database
from storage.feeds import FeedRepository
from storage.subscriptions import OutboxRepository, SubscriptionRepository
from tests.conftest import make_settings, shared_path
from tests.feedserver import FeedServer
from tests.feedserver import kyiv_post_rss as rss

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


async def deliver_console(db: Database, printed: list[str]) -> int:
    service = DeliveryService(db, ConsoleNotifier(printed.append), per_chat_interval=0)
    return await service.deliver_due()


def flagged(item_id: int, title: str, **kwargs: object) -> FlaggedItem:
    values: dict[str, object] = {
        "item_id": item_id,
        "title": title,
        "url": None,
        "allegation": True,
        "denial": True,
        "official_denial": True,
        "accuser": "White House",
        "accused": "Russia",
        "denier": "Russian embassy",
        "claim": "",
        "first_seen_at": NOW,
        "published_at": NOW - timedelta(minutes=5),
    }
    values.update(kwargs)
    return FlaggedItem(**values)  # type: ignore[arg-type]


def subscription(sid: int, query: str, created: datetime, **kwargs: object) -> SubscriptionInfo:
    values: dict[str, object] = {
        "id": sid,
        "platform": "console",
        "chat": "stdout",
        "thread": "",
        "query": query,
        "mode": "instant",
        "paused": False,
        "created_at": created,
    }
    values.update(kwargs)
    return SubscriptionInfo(**values)  # type: ignore[arg-type]


def test_plan_new_matching_unpaused_only() -> None:
    items = [flagged(1, "Russia denies executions"), flagged(2, "Company denies fraud")]
    before = NOW - timedelta(hours=1)
    subscriptions = [
        subscription(10, "russia", before),
        subscription(11, "", before),
        subscription(12, "russia", NOW + timedelta(seconds=1)),  # made after: nothing is new
        subscription(13, "", before, paused=True),
        subscription(14, "label:allegation -fraud", before),
    ]
    assert sorted(plan(subscriptions, items)) == [(10, 1), (11, 1), (11, 2), (14, 1)]


def test_first_poll_backfill_is_silent() -> None:
    old = flagged(1, "x", first_poll=True, published_at=NOW - timedelta(days=2))
    fresh = flagged(2, "y", first_poll=True, published_at=NOW - timedelta(minutes=10))
    undated = flagged(3, "z", first_poll=True, published_at=None)
    later_poll = flagged(4, "w", first_poll=False, published_at=NOW - timedelta(days=2))
    assert [is_backfill(i) for i in (old, fresh, undated, later_poll)] == [
        True,
        False,
        True,
        False,
    ]


async def test_seed_article_reaches_a_subscriber_exactly_once(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    settings = make_settings(db_url)
    url = feed_server.add("/kp.xml", body=rss(("1", "Weather", "Sunny and dry.")))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
        SubscriptionRepository(session).add("console", "stdout", "russia", now=datetime.now(UTC))
    await Poller(db, settings).poll(include_not_due=True)  # the feed's first poll
    match_pending(db)
    queue_alerts(db)

    lines = shared_path("corpus", "seed-article.txt").read_text().splitlines()
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in lines)
    seed = ("2", "Russia calls White House execution claims 'other-worldly lies'", paragraphs)
    feed_server.routes["/kp.xml"].body = rss(("1", "Weather", "Sunny and dry."), seed)
    await Poller(db, settings).poll(include_not_due=True)
    match_pending(db)
    queue_alerts(db)

    printed: list[str] = []
    assert await deliver_console(db, printed) == 1
    (alert,) = printed
    assert alert.startswith("[Disputed (official)]")
    assert "White House" in alert and "Russia" in alert
    assert "other-worldly lies" in alert

    # Polling, judging and queueing again, or a restart, sends nothing twice.
    await Poller(db, settings).poll(include_not_due=True)
    match_pending(db)
    queue_alerts(db)
    assert await deliver_console(db, printed) == 0
    restarted = Database.open(db_url)
    try:
        assert await deliver_console(restarted, printed) == 0
        with restarted.session() as session:
            assert OutboxRepository(session).sent_count() == 1
    finally:
        restarted.dispose()


def test_console_subscription_is_seeded_once(sqlite_db: Database) -> None:
    assert seed_console_subscription(sqlite_db, now=NOW)
    with sqlite_db.session() as session:
        (only,) = SubscriptionRepository(session).find()
        SubscriptionRepository(session).remove(only.id)
    assert not seed_console_subscription(sqlite_db, now=NOW)  # unsubscribing sticks


def test_subscription_commands(tmp_path: Path) -> None:
    claimwatch = str(Path(sys.executable).with_name("claimwatch"))
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "PATH": os.environ["PATH"]}

    def cw(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [claimwatch, *args], env=env, capture_output=True, text=True, timeout=60
        )

    made = cw("subscribe", "telegram:@newsroom", "russia", "label:denial")
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Subscribed #1 (telegram:@newsroom) to russia label:denial")
    assert "#1 telegram:@newsroom instant: russia label:denial" in cw("subscriptions").stdout
    for args, fragment in (
        (("subscribe", "fax:123"), "unknown target"),
        (("subscribe", "telegram:"), "needs a chat"),
        (("subscribe", "console", '"unclosed'), "not closed"),
        (("unsubscribe", "9"), "no subscription #9"),
    ):
        failed = cw(*args)
        assert failed.returncode == 1 and fragment in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
    assert cw("unsubscribe", "1").stdout.startswith("Unsubscribed #1")
    assert "No subscriptions" in cw("subscriptions").stdout


def add_judged(db: Database, count: int, *, start: int, seen: datetime) -> list[int]:
    """`count` stored items with a flagging verdict (alerts not queued yet)."""
    from storage.models import Item, MatchRow

    with db.session() as session:
        rows = [
            Item(
                dedupe_key=f"key-{start + n}",
                url=f"https://news.example/{start + n}",
                title=f"Russia denies story {start + n}",
                first_seen_at=seen,
                content_hash="x",
            )
            for n in range(count)
        ]
        session.add_all(rows)
        session.flush()
        for row in rows:
            session.add(
                MatchRow(
                    item_id=row.id,
                    matcher_version=1,
                    allegation=True,
                    denial=True,
                    official_denial=False,
                    score_allegation=0.9,
                    score_denial=0.9,
                    score_official=0.0,
                    matched_at=seen,
                )
            )
        return [row.id for row in rows]


async def test_superseded_rows_at_the_head_never_block_a_new_alert(db: Database) -> None:
    from sqlalchemy import select, update

    from storage.models import MatchRow, OutboxEntry

    now = datetime.now(UTC)
    with db.session() as session:
        SubscriptionRepository(session).add("console", "stdout", "", now=now - timedelta(hours=1))
    old = add_judged(db, 150, start=0, seen=now)
    assert queue_alerts(db, now=now) == 150
    with db.session() as session:  # re-judged: no longer flagged, 150 rows at the head
        session.execute(
            update(MatchRow).where(MatchRow.item_id.in_(old)).values(allegation=False, denial=False)
        )
    (new,) = add_judged(db, 1, start=1000, seen=now)
    assert queue_alerts(db, now=now) == 1
    printed: list[str] = []
    assert await deliver_console(db, printed) == 1
    assert printed == ["[Disputed] Russia denies story 1000\n  https://news.example/1000"]
    with db.session() as session:
        rows = session.execute(
            select(OutboxEntry.item_id, OutboxEntry.status, OutboxEntry.last_error)
        )
        states = {item: (status, error) for item, status, error in rows}
    assert states[new] == ("sent", None)
    assert {states[i] for i in old} == {("dropped", "no longer flagged")}


async def test_judged_but_never_queued_is_caught_up_after_a_restart(
    db_url: str, feed_server: FeedServer
) -> None:
    """A crash (or SIGTERM) after the verdicts were committed and before alerts were queued:
    the next run queues them from the database and the alert still arrives, once."""
    from bot.runner import Runner

    settings = make_settings(db_url)
    lines = shared_path("corpus", "seed-article.txt").read_text().splitlines()
    first = Database.open(db_url)
    try:
        url = feed_server.add("/kp.xml", body=rss(("1", "Weather", "Sunny and dry.")))
        with first.session() as session:
            FeedRepository(session).add(url, now=datetime.now(UTC))
            SubscriptionRepository(session).add(
                "console", "stdout", "russia", now=datetime.now(UTC)
            )
        await Poller(first, settings).poll(include_not_due=True)
        paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in lines)
        seed = ("2", "Russia calls White House execution claims 'other-worldly lies'", paragraphs)
        feed_server.routes["/kp.xml"].body = rss(("1", "Weather", "Sunny and dry."), seed)
        await Poller(first, settings).poll(include_not_due=True)
        assert match_pending(first).flagged_item_ids  # judged and committed ...
    finally:
        first.dispose()  # ... and the process dies before queueing

    restarted = Database.open(db_url)
    try:
        printed: list[str] = []
        runner = Runner(restarted, settings, write_alert=printed.append)
        await runner.tick()
        await runner.tick()
        assert len(printed) == 1 and "other-worldly lies" in printed[0]
    finally:
        restarted.dispose()
