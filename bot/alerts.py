"""Which subscriptions get which flagged items (pure), and how an alert reads on a console.

New means first seen after the subscription was made. A feed's first poll never floods
chats: items it brings that were published more than NEW_ITEM_WINDOW before are stored
silently (they still show up in `summary`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.types import REPORTING_OUTLET, FlaggedItem, Sighting, SubscriptionInfo

NEW_ITEM_WINDOW = timedelta(hours=1)


def is_backfill(item: FlaggedItem | Sighting, window: timedelta = NEW_ITEM_WINDOW) -> bool:
    """An old article met on a feed's first poll: stored, never alerted."""
    if not item.first_poll or item.first_seen_at is None:
        return False
    # A date at or after first sight was clamped (a typo, year 2100): it says nothing about
    # the article being new, so on a first poll it counts as old too.
    published = item.published_at
    return (
        published is None
        or published >= item.first_seen_at
        or published < item.first_seen_at - window
    )


def plan(
    subscriptions: Sequence[SubscriptionInfo],
    items: Sequence[FlaggedItem],
    window: timedelta = NEW_ITEM_WINDOW,
) -> list[tuple[int, int]]:
    """(subscription id, item id) for every instant alert to queue."""
    from bot.query import QueryError, candidate, parse

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
            if seen is None or seen <= subscription.created_at or is_backfill(item, window):
                continue
            if query.matches(candidate(item)):
                pairs.append((subscription.id, item.item_id))
    return pairs


@dataclass(frozen=True, slots=True)
class Alert:
    """What an alert says, whatever the platform (handlers only render and send it)."""

    label: str  # Allegation | Denial | Disputed
    official: bool
    title: str
    url: str | None
    accuser: str
    accused: str
    denier: str
    quote: str
    claim: str
    sources: tuple[str, ...]
    why: str  # the subscription's query
    when: datetime | None = None  # published, else first seen

    @property
    def heading(self) -> str:
        """'Disputed (official)', 'Denial', 'Allegation' …"""
        return f"{self.label}{' (official)' if self.official else ''}"


def alert_for(item: FlaggedItem, query: str = "") -> Alert:
    if item.allegation and item.denial:
        label = "Disputed"
    else:
        label = "Denial" if item.denial else "Allegation"
    titles = tuple(s for s in item.feeds if not s.startswith(("http://", "https://")))
    return Alert(
        label=label,
        official=item.official_denial,
        title=item.title or "(no title)",
        url=item.url,
        accuser=_outlet(item.accuser, titles),
        accused=item.accused,
        denier=_outlet(item.denier, titles),
        quote=item.quote,
        claim=item.claim,
        sources=titles or item.feeds[:1],
        why=query or "everything flagged",
        when=item.published_at or item.first_seen_at,
    )


def _outlet(party: str, sources: tuple[str, ...]) -> str:
    """The matcher's "the reporting outlet" (a denial in the article's own voice, as a
    fact-check's) named by its source: "the reporting outlet (Snopes)"."""
    if party == REPORTING_OUTLET and sources:
        return f"{REPORTING_OUTLET} ({sources[0]})"
    return party


def console_text(item: FlaggedItem) -> str:
    """A plain-text alert: label, headline, who alleged and who denied, the link."""
    from bot.text import clean_display

    alert = alert_for(item)
    lines = [f"[{alert.heading}] {alert.title}"]
    if alert.accuser or alert.accused:
        lines.append(f"  {alert.accuser or '?'} -> {alert.accused or '?'}")
    if alert.denier:
        lines.append(f"  denied by {alert.denier}")
    if alert.claim:
        lines.append(f"  claim: {alert.claim}")
    if alert.url:
        lines.append(f"  {alert.url}")
    # Terminals obey bidi controls too: no external string may reorder its neighbours.
    return "\n".join(clean_display(line) for line in lines)
