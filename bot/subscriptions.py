"""Subscription services shared by the CLI and the chat adapters (one place for the rules)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.delivery.summary import summarize
from bot.query import Query, parse
from bot.types import SubscriptionInfo
from storage.db import Database
from storage.subscriptions import MuteRepository, SubscriptionRepository

PREVIEW_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Subscribed:
    subscription: SubscriptionInfo
    query: Query
    recent_matches: int  # flagged in the last 24 h that the query matches


def subscribe(
    db: Database,
    platform: str,
    chat: str,
    text: str,
    *,
    now: datetime,
    thread: str = "",
    by: str = "",
) -> Subscribed:
    """Add a subscription. Raises QueryError for a query that cannot be understood."""
    query = parse(text)
    with db.session() as session:
        info = SubscriptionRepository(session).add(
            platform, chat, query.source, now=now, thread=thread, by=by
        )
    recent = len(summarize(db, query, now - PREVIEW_WINDOW, parse_first=0).items)
    return Subscribed(info, query, recent)


def subscriptions_of(
    db: Database, platform: str, chat: str, thread: str | None = None
) -> list[SubscriptionInfo]:
    with db.session() as session:
        found = SubscriptionRepository(session).find(platform, chat)
    return [s for s in found if thread is None or s.thread == thread]


def pause(db: Database, platform: str, chat: str, *, paused: bool) -> int:
    with db.session() as session:
        return SubscriptionRepository(session).pause_chat(platform, chat, paused=paused)


def set_mode(
    db: Database, platform: str, chat: str, thread: str, mode: str, digest: str | None = None
) -> int:
    with db.session() as session:
        return SubscriptionRepository(session).set_mode(platform, chat, thread, mode, digest)


def unsubscribe(db: Database, platform: str, chat: str, ref: str, thread: str = "") -> int:
    """Remove one subscription of this chat by id, or all of them ('all'); returns how many."""
    mine = subscriptions_of(db, platform, chat, thread)
    chosen = mine if ref.strip().lower() == "all" else [s for s in mine if str(s.id) == ref.strip()]
    with db.session() as session:
        repository = SubscriptionRepository(session)
        return sum(1 for s in chosen if repository.remove(s.id))


def mute_story(db: Database, platform: str, chat: str, item_id: int, *, now: datetime) -> None:
    """No more alerts or digest lines about this story in this chat (the Mute button)."""
    with db.session() as session:
        MuteRepository(session).mute(platform, chat, item_id, now)
