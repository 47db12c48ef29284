"""Queue alerts for new flagged items and deliver the console's (platform-neutral core).

    flagged items -> alerts.plan (pure) -> outbox (unique per subscription and item)
    -> a platform's sender claims due rows, delivers, marks them sent

The console sender prints; the Telegram and Slack senders (handlers/) will use the same
outbox. Delivery and marking happen in one transaction: a crash between them can repeat a
console line, never lose an alert; an alert already marked sent is never sent again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from bot.alerts import NEW_ITEM_WINDOW, console_text, plan
from bot.clock import utcnow
from storage.db import Database
from storage.matches import MatchRepository
from storage.models import Meta
from storage.subscriptions import MuteRepository, OutboxRepository, SubscriptionRepository

_CONSOLE_SEEDED = "console_subscription_seeded"


def queue_alerts(
    db: Database,
    item_ids: Sequence[int],
    *,
    now: datetime | None = None,
    window: timedelta = NEW_ITEM_WINDOW,
) -> int:
    """Queue instant alerts for these (newly judged) items, except stories a chat muted;
    returns how many were queued."""
    if not item_ids:
        return 0
    with db.session() as session:
        subscriptions = SubscriptionRepository(session).find()
        by_id = {s.id: s for s in subscriptions}
        items = MatchRepository(session).flagged(list(item_ids))
        muted: set[tuple[str, str, int]] = set()
        for platform in {s.platform for s in subscriptions}:
            chats = [s.chat for s in subscriptions if s.platform == platform]
            muted |= {(platform, c, i) for c, i in MuteRepository(session).muted(platform, chats)}
        pairs = [
            (sid, iid)
            for sid, iid in plan(subscriptions, items, window)
            if (by_id[sid].platform, by_id[sid].chat, iid) not in muted
        ]
        OutboxRepository(session).enqueue(pairs, now or utcnow())
    return len(pairs)


def deliver_console(
    db: Database, write: Callable[[str], None] = print, *, now: datetime | None = None
) -> int:
    """Print every due console alert once; returns how many were printed."""
    delivered = 0
    moment = now or utcnow()
    while True:
        with db.session() as session:
            outbox = OutboxRepository(session)
            batch = outbox.due("console", moment)
            for entry_id, _subscription, item in batch:
                write(console_text(item))
                outbox.mark_sent(entry_id, moment)
        delivered += len(batch)
        if not batch:
            return delivered


def seed_console_subscription(db: Database, *, now: datetime) -> bool:
    """On the very first start, subscribe the console to everything flagged, so `run` shows
    alerts out of the box; never again (unsubscribing sticks)."""
    with db.session() as session:
        if session.get(Meta, _CONSOLE_SEEDED) is not None:
            return False
        session.add(Meta(key=_CONSOLE_SEEDED, value=now.isoformat()))
        subscriptions = SubscriptionRepository(session)
        if subscriptions.count():
            return False
        subscriptions.add("console", "stdout", "", now=now, by="first start")
    return True
