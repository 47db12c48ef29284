"""Queue alerts and digests in the outbox from database state (platform-neutral)."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.alerts import NEW_ITEM_WINDOW, plan
from bot.clock import utcnow
from bot.types import FlaggedItem, SubscriptionInfo
from storage.db import Database
from storage.matches import MatchRepository
from storage.subscriptions import MuteRepository, OutboxRepository, SubscriptionRepository

BATCH = 1000


def _muted(
    mutes: MuteRepository, subscriptions: list[SubscriptionInfo]
) -> set[tuple[str, str, int]]:
    muted: set[tuple[str, str, int]] = set()
    for platform in {s.platform for s in subscriptions}:
        chats = [s.chat for s in subscriptions if s.platform == platform]
        muted |= {(platform, c, i) for c, i in mutes.muted(platform, chats)}
    return muted


def queue_alerts(
    db: Database, *, now: datetime | None = None, window: timedelta = NEW_ITEM_WINDOW
) -> int:
    """Queue instant alerts for every verdict whose alerts are not queued yet (except stories a
    chat muted), marking those verdicts queued in the same transaction; returns how many
    alerts were queued. Raises StorageError."""
    moment = now or utcnow()
    queued = 0
    while True:
        with db.connection() as connection:
            outbox = OutboxRepository(connection)
            subscriptions = SubscriptionRepository(connection).find()
            if not subscriptions:  # nobody to tell: mark every verdict queued at once
                outbox.mark_all_queued()
                return queued
            item_ids = outbox.unqueued_verdicts(BATCH)
            if not item_ids:
                return queued
            by_id = {s.id: s for s in subscriptions}
            muted = _muted(MuteRepository(connection), subscriptions)
            items = MatchRepository(connection).flagged(item_ids)
            pairs = [
                (sid, iid)
                for sid, iid in plan(subscriptions, items, window)
                if (by_id[sid].platform, by_id[sid].chat, iid) not in muted
            ]
            outbox.enqueue(pairs, moment)
            outbox.mark_queued(item_ids)
        queued += len(pairs)


def _digest_stories(
    matches: MatchRepository, ids: list[int], subscription: SubscriptionInfo
) -> list[FlaggedItem]:
    from bot.query import QueryError, candidate, parse

    try:
        query = parse(subscription.query)
    except QueryError:
        return []
    found: list[FlaggedItem] = []
    for start in range(0, len(ids), BATCH):
        found.extend(
            i for i in matches.flagged(ids[start : start + BATCH]) if query.matches(candidate(i))
        )
    return found


def queue_digests(
    db: Database, *, now: datetime | None = None, window: timedelta = NEW_ITEM_WINDOW
) -> int:
    """For every digest subscription whose time has come: queue its stories (first seen since
    the previous digest, no backfill, not muted; all of them, however many) and advance its
    schedule, in one transaction. Returns how many digests were queued (an empty one only
    advances the schedule). Raises StorageError."""
    from bot.digests import ScheduleError, digest_items, due, parse_schedule

    moment = now or utcnow()
    with db.connection() as connection:
        subscriptions = SubscriptionRepository(connection).find()
    made = 0
    for subscription in subscriptions:
        if subscription.paused or subscription.mode != "digest" or not subscription.digest:
            continue
        try:
            schedule = parse_schedule(subscription.digest)
        except ScheduleError:
            continue
        last = subscription.last_digest_at or subscription.created_at
        if not due(schedule, last, moment):
            continue
        with db.connection() as connection:
            outbox = OutboxRepository(connection)
            ids = outbox.flagged_first_seen(last, moment)
            muted = MuteRepository(connection).muted(subscription.platform, [subscription.chat])
            stories = [
                i
                for i in _digest_stories(MatchRepository(connection), ids, subscription)
                if (subscription.chat, i.item_id) not in muted
            ]
            chosen = digest_items(stories, last, window)
            outbox.enqueue([(subscription.id, i.item_id) for i in chosen], moment, kind="digest")
            SubscriptionRepository(connection).digest_done(subscription.id, moment)
        made += bool(chosen)
    return made
