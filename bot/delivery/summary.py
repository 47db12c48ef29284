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


@dataclass(frozen=True, slots=True)
class Summary:
    items: list[FlaggedItem]  # matching, newest first, among the newest SCAN_LIMIT flagged
    unsearched: int  # flagged in the period beyond SCAN_LIMIT: not searched, to be counted

    def more(self, shown: int) -> int:
        """How many an answer showing `shown` stories leaves out ("and N more")."""
        return max(0, len(self.items) - shown) + self.unsearched


def summarize(db: Database, query: Query, since: datetime, *, scan: int = SCAN_LIMIT) -> Summary:
    """Raises StorageError."""
    with db.session() as session:
        items = MatchRepository(session).flagged_since(since, limit=scan)
        total = OutboxRepository(session).count_flagged_since(since) if len(items) >= scan else 0
    return Summary(
        [item for item in items if query.matches(candidate(item))], max(0, total - len(items))
    )
