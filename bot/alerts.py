"""Which subscriptions get which flagged items (pure), and how an alert reads on a console.

New means first seen after the subscription was made. A feed's first poll never floods
chats: items it brings that were published more than NEW_ITEM_WINDOW before are stored
silently (they still show up in `summary`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.query import QueryError, candidate, parse
from bot.types import FlaggedItem, SubscriptionInfo

NEW_ITEM_WINDOW = timedelta(hours=1)


def is_backfill(item: FlaggedItem, window: timedelta = NEW_ITEM_WINDOW) -> bool:
    """An old article met on a feed's first poll: stored, never alerted."""
    if not item.first_poll or item.first_seen_at is None:
        return False
    return item.published_at is None or item.published_at < item.first_seen_at - window


def plan(
    subscriptions: Sequence[SubscriptionInfo], items: Sequence[FlaggedItem]
) -> list[tuple[int, int]]:
    """(subscription id, item id) for every instant alert to queue."""
    pairs = []
    for subscription in subscriptions:
        if subscription.paused or subscription.mode != "instant":
            continue
        try:
            query = parse(subscription.query)
        except QueryError:
            continue  # stored queries were validated; an older grammar is skipped, not fatal
        for item in items:
            seen = item.first_seen_at
            if seen is None or seen <= subscription.created_at or is_backfill(item):
                continue
            if query.matches(candidate(item)):
                pairs.append((subscription.id, item.item_id))
    return pairs


def label_of(item: FlaggedItem) -> str:
    if item.allegation and item.denial:
        return "Disputed"
    return "Denial" if item.denial else "Allegation"


def console_text(item: FlaggedItem) -> str:
    """A plain-text alert: label, headline, who alleged and who denied, the link."""
    lines = [f"[{label_of(item)}{' (official)' if item.official_denial else ''}] {item.title}"]
    if item.accuser or item.accused:
        lines.append(f"  {item.accuser or '?'} -> {item.accused or '?'}")
    if item.denier:
        lines.append(f"  denied by {item.denier}")
    if item.claim:
        lines.append(f"  claim: {item.claim}")
    if item.url:
        lines.append(f"  {item.url}")
    return "\n".join(lines)
