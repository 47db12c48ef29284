"""What `/summary` shows on any platform: flagged stories of a period that match a query,
and how many were left out, so an answer never silently stops at a limit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.query import Query, candidate
from bot.types import FlaggedItem
from storage.db import Database
from storage.matches import MatchRepository
from storage.subscriptions import OutboxRepository

SCAN_LIMIT = 1000  # newest flagged stories searched per answer (scoring is in Python)
SHOWN_AT_MOST = 50  # the most stories any answer lists (Telegram's /summary)


@dataclass(frozen=True, slots=True)
class Summary:
    items: list[FlaggedItem]  # matching, newest first, among the newest SCAN_LIMIT flagged
    unsearched: int  # flagged in the period beyond SCAN_LIMIT: not searched, to be counted

    def more(self, shown: int) -> int:
        """How many an answer showing `shown` stories leaves out ("and N more")."""
        return max(0, len(self.items) - shown) + self.unsearched


def summarize(
    db: Database,
    query: Query,
    since: datetime,
    *,
    scan: int = SCAN_LIMIT,
    parse_first: int = SHOWN_AT_MOST,
) -> Summary:
    """The flagged stories of the period that match `query`. The parties of the first
    `parse_first` (the ones an answer shows) are read by the parser now if it has not read
    them yet (a first poll's backfill waits for `claimwatch run` to drain it), so an answer
    names parties as well as an alert does. Raises StorageError."""
    with db.session() as session:
        items = MatchRepository(session).flagged_since(since, limit=scan)
        total = OutboxRepository(session).count_flagged_since(since) if len(items) >= scan else 0
    matching = [item for item in items if query.matches(candidate(item))]
    shown = [item.item_id for item in matching[:parse_first]]
    if shown:
        from bot.matching import store_parsed_roles

        if store_parsed_roles(db, item_ids=shown):
            with db.session() as session:
                parsed = {i.item_id: i for i in MatchRepository(session).flagged(shown)}
            matching = [parsed.get(item.item_id, item) for item in matching]
    return Summary(matching, max(0, total - len(items)))
