"""Match repository: which items still need the matcher, and storing its verdicts.

An item needs matching when it has no verdict, or one from an older matcher version
(`claimwatch rematch` after an upgrade), or when its content changed (ingest deletes the
verdict of a modified item).

Statements on storage.tables only: pass a Session or a Core Connection (the poll and the
stages after it pass a Connection and never import the ORM).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, delete, func, or_, select, true, update

from bot.types import FlaggedItem, Sighting
from bot.verdicts import COLUMNS as VERDICT_COLUMNS
from bot.verdicts import VerdictRow, verdict_row
from storage import bulk, tables
from storage.db import Executor

if TYPE_CHECKING:  # the matcher's types are loaded only where a verdict is rebuilt
    from bot.matcher.model import MatchResult

MATCHES = tables.matches
ITEMS = tables.items
SOURCES = tables.item_sources
FEEDS = tables.feeds


class MatchRepository:
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    def pending(self, version: int, limit: int) -> list[tuple[int, str, str]]:
        """Up to `limit` items (id, title, text) without a current verdict, oldest first.

        The text is the full content when the feed carried it, else the summary.
        """
        rows = self.sql.execute(
            select(ITEMS.c.id, ITEMS.c.title, ITEMS.c.summary, ITEMS.c.content)
            .outerjoin(MATCHES, MATCHES.c.item_id == ITEMS.c.id)
            .where(or_(MATCHES.c.item_id.is_(None), MATCHES.c.matcher_version < version))
            .order_by(ITEMS.c.id)
            .limit(limit)
        )
        return [(i, title, content or summary) for i, title, summary, content in rows]

    def count_pending(self, version: int) -> int:
        """How many items `pending` would answer, counted without joining every item to
        its verdict (every poll asks; the join grew with the whole history, ~35 ms at
        30,000 items, this ~6 ms): a verdict belongs to exactly one existing item (primary
        key, foreign key with cascade), so items without one = items - verdicts."""
        items = select(func.count()).select_from(ITEMS).scalar_subquery()
        verdicts = select(func.count()).select_from(MATCHES).scalar_subquery()
        outdated = (
            select(func.count())
            .select_from(MATCHES)
            .where(MATCHES.c.matcher_version < version)
            .scalar_subquery()
        )
        return int(self.sql.scalar(select(items - verdicts + outdated)) or 0)

    def save(self, results: Sequence[tuple[int, MatchResult]], version: int, now: datetime) -> None:
        """Store verdicts, replacing older ones for the same items."""
        self.save_rows([(item_id, verdict_row(r)) for item_id, r in results], version, now)

    def save_rows(
        self,
        verdicts: Sequence[tuple[int, VerdictRow]],
        version: int,
        now: datetime,
        *,
        new_items: bool = False,
    ) -> None:
        """Store verdicts already reduced to their columns (bot.verdicts), replacing older
        ones for the same items. `new_items`: the items were inserted in this transaction,
        so they have no older verdict (a verdict goes with its item: foreign key, cascade)
        and none is looked for (a first ingest's 30,000 would be)."""
        if not verdicts:
            return
        if not new_items:
            ids = [item_id for item_id, _ in verdicts]
            self.sql.execute(delete(MATCHES).where(MATCHES.c.item_id.in_(ids)))
        bulk.insert(
            self.sql, MATCHES, [_row(item_id, row, version, now) for item_id, row in verdicts]
        )

    def unparsed(
        self, version: int, limit: int, after: int = 0, item_ids: Sequence[int] | None = None
    ) -> list[tuple[int, int, str, MatchResult]]:
        """Up to `limit` flagged English verdicts of items after id `after` (and among
        `item_ids` when given) whose parties no parser of `version` set yet, by item id:
        (item id, matcher version, the item's title and text, the verdict as stored)."""
        among = MATCHES.c.item_id.in_(list(item_ids)) if item_ids is not None else true()
        rows = self.sql.execute(
            # the verdict's own columns, then its item's (no name is in both tables)
            select(MATCHES, ITEMS.c.title, ITEMS.c.summary, ITEMS.c.content)
            .join(ITEMS, ITEMS.c.id == MATCHES.c.item_id)
            .where(
                or_(MATCHES.c.allegation.is_(True), MATCHES.c.denial.is_(True)),
                MATCHES.c.roles_version < version,
                MATCHES.c.language == "en",
                MATCHES.c.item_id > after,
                among,
            )
            .order_by(MATCHES.c.item_id)
            .limit(limit)
        )
        return [
            (
                row.item_id,
                row.matcher_version,
                f"{row.title}\n{row.content or row.summary}",
                _result(row),
            )
            for row in rows
        ]

    def store_roles(self, roles: Sequence[tuple[int, int, str, str, str]], version: int) -> None:
        """Store parsed parties (item id, matcher version, accuser, accused, denier) over the
        rule ones, unless the verdict was re-made meanwhile by another matcher version."""
        for item_id, matcher_version, accuser, accused, denier in roles:
            self.sql.execute(
                update(MATCHES)
                .where(MATCHES.c.item_id == item_id, MATCHES.c.matcher_version == matcher_version)
                .values(accuser=accuser, accused=accused, denier=denier, roles_version=version)
            )

    def forget(self, item_ids: Sequence[int]) -> None:
        if item_ids:
            self.sql.execute(delete(MATCHES).where(MATCHES.c.item_id.in_(list(item_ids))))

    def borderline(
        self, *, low: float, high: float, max_summary: int, default_fetch: bool, limit: int
    ) -> list[tuple[int, str]]:
        """Items (id, url) worth reading in full: a borderline verdict, only a short summary,
        a link, never fetched, and a feed that allows article fetching."""
        feed_allows = select(SOURCES.c.item_id).join(FEEDS, FEEDS.c.id == SOURCES.c.feed_id)
        if default_fetch:
            feed_allows = feed_allows.where(FEEDS.c.fetch_articles.is_not(False))
        else:
            feed_allows = feed_allows.where(FEEDS.c.fetch_articles.is_(True))
        rows = self.sql.execute(
            select(ITEMS.c.id, ITEMS.c.url)
            .join(MATCHES, MATCHES.c.item_id == ITEMS.c.id)
            .where(
                ITEMS.c.article_fetched_at.is_(None),
                ITEMS.c.url.is_not(None),
                ITEMS.c.content == "",
                func.length(ITEMS.c.summary) < max_summary,
                or_(
                    MATCHES.c.score_allegation.between(low, high),
                    MATCHES.c.score_denial.between(low, high),
                ),
                ITEMS.c.id.in_(feed_allows),
            )
            .order_by(ITEMS.c.id)
            .limit(limit)
        )
        return [(item_id, url) for item_id, url in rows if url]

    def store_article(self, item_id: int, text: str | None, now: datetime) -> None:
        """Record a fetch attempt; with text, keep it as the item's content and judge again."""
        values: dict[str, Any] = {"article_fetched_at": now}
        if text:
            values["content"] = text
        self.sql.execute(update(ITEMS).where(ITEMS.c.id == item_id).values(**values))
        if text:
            self.forget([item_id])

    def outdate_all(self) -> int:
        """Mark every verdict as outdated (for `claimwatch rematch`); returns how many."""
        result = self.sql.execute(update(MATCHES).values(matcher_version=0))
        return int(getattr(result, "rowcount", 0) or 0)

    def flagged(self, item_ids: Sequence[int]) -> list[FlaggedItem]:
        """The flagged ones among `item_ids`, in the order given."""
        if not item_ids:
            return []
        found = {f.item_id: f for f in self._flagged(MATCHES.c.item_id.in_(list(item_ids)))}
        return [found[i] for i in item_ids if i in found]

    def sightings(self, item_ids: Sequence[int]) -> list[Sighting]:
        """The flagged ones among `item_ids`, in the order given, as Sightings: the same
        first_seen_at, published_at and first_poll that `flagged` reads, in one grouped
        query and without the verdicts' text (a first ingest asks this of ~10,000 items)."""
        if not item_ids:
            return []
        first_success = func.min(FEEDS.c.first_success_at)
        rows = self.sql.execute(
            select(ITEMS.c.id, ITEMS.c.first_seen_at, ITEMS.c.published_at, first_success)
            .join(MATCHES, MATCHES.c.item_id == ITEMS.c.id)
            .outerjoin(SOURCES, SOURCES.c.item_id == ITEMS.c.id)
            .outerjoin(FEEDS, FEEDS.c.id == SOURCES.c.feed_id)
            .where(
                ITEMS.c.id.in_(list(item_ids)),
                or_(MATCHES.c.allegation.is_(True), MATCHES.c.denial.is_(True)),
            )
            .group_by(ITEMS.c.id, ITEMS.c.first_seen_at, ITEMS.c.published_at)
        )
        found = {
            item_id: Sighting(
                item_id=item_id,
                first_seen_at=first_seen,
                published_at=published,
                # as `flagged`: seen no later than the first success of one of its feeds
                first_poll=earliest is not None and first_seen <= earliest,
            )
            for item_id, first_seen, published, earliest in rows
        }
        return [found[i] for i in item_ids if i in found]

    def flagged_since(self, since: datetime, limit: int = 1000) -> list[FlaggedItem]:
        """Flagged items first seen since `since`, newest first."""
        return self._flagged(ITEMS.c.first_seen_at >= since, limit=limit)

    def _flagged(self, condition: Any, limit: int | None = None) -> list[FlaggedItem]:
        query = (
            select(
                MATCHES.c.item_id,
                MATCHES.c.allegation,
                MATCHES.c.denial,
                MATCHES.c.official_denial,
                MATCHES.c.accuser,
                MATCHES.c.accused,
                MATCHES.c.denier,
                MATCHES.c.claim,
                MATCHES.c.language,
                MATCHES.c.evidence,
                ITEMS.c.title,
                ITEMS.c.url,
                ITEMS.c.summary,
                ITEMS.c.first_seen_at,
                ITEMS.c.published_at,
            )
            .join(ITEMS, ITEMS.c.id == MATCHES.c.item_id)
            .where(condition, or_(MATCHES.c.allegation.is_(True), MATCHES.c.denial.is_(True)))
            .order_by(ITEMS.c.first_seen_at.desc(), ITEMS.c.id.desc())
        )
        if limit is not None:
            query = query.limit(limit)
        rows = list(self.sql.execute(query))
        feeds: dict[int, list[str]] = {}
        first_polls: dict[int, datetime] = {}
        ids = [row.item_id for row in rows]
        if ids:
            for item_id, title, url, first_success in self.sql.execute(
                select(SOURCES.c.item_id, FEEDS.c.title, FEEDS.c.url, FEEDS.c.first_success_at)
                .join(FEEDS, FEEDS.c.id == SOURCES.c.feed_id)
                .where(SOURCES.c.item_id.in_(ids))
            ):
                feeds.setdefault(item_id, []).extend(x for x in (title, url) if x)
                if first_success is not None:
                    earliest = first_polls.get(item_id)
                    first_polls[item_id] = (
                        min(earliest, first_success) if earliest else first_success
                    )
        return [
            FlaggedItem(
                item_id=row.item_id,
                title=row.title,
                url=row.url,
                allegation=row.allegation,
                denial=row.denial,
                official_denial=row.official_denial,
                accuser=row.accuser,
                accused=row.accused,
                denier=row.denier,
                claim=row.claim,
                summary=row.summary,
                language=row.language,
                first_seen_at=row.first_seen_at,
                feeds=tuple(feeds.get(row.item_id, ())),
                published_at=row.published_at,
                first_poll=row.item_id in first_polls
                and row.first_seen_at <= first_polls[row.item_id],
                quote=_quote(row.evidence),
            )
            for row in rows
        ]


def _quote(evidence_json: str) -> str:
    """The sentence that shows the denial (else the allegation), for alerts."""
    try:
        evidence = json.loads(evidence_json or "[]")
    except json.JSONDecodeError:
        return ""
    ranked = sorted(evidence, key=lambda e: e.get("label") != "denial")
    return str(ranked[0].get("text", ""))[:400] if ranked else ""


def _result(row: Row[Any]) -> MatchResult:
    """A stored verdict as the matcher gave it (labels, rule parties, evidence)."""
    from bot.matcher.model import Evidence, MatchResult

    try:
        evidence = json.loads(row.evidence or "[]")
    except json.JSONDecodeError:
        evidence = []
    return MatchResult(
        allegation=row.allegation,
        denial=row.denial,
        official_denial=row.official_denial,
        accuser=row.accuser,
        accused=row.accused,
        denier=row.denier,
        claim=row.claim,
        language=row.language,
        evidence=tuple(
            Evidence(
                label=str(e.get("label", "")),
                field=str(e.get("field", "")),
                start=int(e.get("start", 0)),
                end=int(e.get("end", 0)),
                text=str(e.get("text", "")),
                reason=str(e.get("reason", "")),
            )
            for e in evidence
            if isinstance(e, dict)
        ),
    )


def _row(item_id: int, verdict: VerdictRow, version: int, now: datetime) -> dict[str, Any]:
    return {
        "item_id": item_id,
        "matcher_version": version,
        **dict(zip(VERDICT_COLUMNS, verdict, strict=True)),
        "matched_at": now,
        "roles_version": 0,
    }
