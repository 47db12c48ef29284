"""Feed repository: add, find, list with health, pick due feeds, record poll outcomes.

Callers own the transaction: pass a Session from `Database.session()`, or a Connection from
`Database.connection()` to the methods that only run statements (`due`, `apply`, `has_any`,
`titles`, `existing_urls`: what a poll uses), so a poll never imports the ORM. Those that hand
out Feed objects need a Session and import the ORM classes when called.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, bindparam, case, func, select, update

from bot.types import FeedInfo, FeedState, FeedUpdate
from bot.urls import normalize_feed_url
from storage import bulk
from storage.db import Executor, orm_session
from storage.tables import feeds as FEEDS
from storage.tables import item_sources as SOURCES

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from storage.models import Feed

log = logging.getLogger(__name__)


class FeedRepository:
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    @property
    def session(self) -> Session:
        return orm_session(self.sql, "this FeedRepository method")

    def add(self, url: str, *, now: datetime, interval: float | None = None) -> tuple[Feed, bool]:
        """Add a feed (due at once) or return the existing one, found by its URL once
        normalised (so `HTTP://Host/feed#x` is `http://host/feed`). Returns (feed, created)."""
        from storage.models import Feed

        existing = self._by_url(url)
        if existing is not None:
            if interval is not None and existing.interval_seconds != interval:
                existing.interval_seconds = interval
                existing.next_poll_at = min(existing.next_poll_at, now)
            return existing, False
        feed = Feed(
            url=url,
            title="",
            interval_seconds=interval,
            created_at=now,
            next_poll_at=now,
            consecutive_failures=0,
            disabled=False,
        )
        self.session.add(feed)
        self.session.flush()
        return feed, True

    def existing_urls(self) -> set[str]:
        return set(self.sql.scalars(select(FEEDS.c.url)))

    def add_many(
        self,
        urls: list[str],
        *,
        now: datetime,
        settings: Mapping[str, tuple[float | None, bool | None]] | None = None,
    ) -> int:
        """Add feeds in bulk (OPML import) with their (interval, fetch_articles) settings;
        URLs already known (once normalised) are skipped. Returns how many were new."""
        from storage.models import Feed

        known = {normalize_feed_url(u) for u in self.existing_urls()}
        fresh = list(dict.fromkeys(u for u in urls if normalize_feed_url(u) not in known))
        settings = settings or {}
        for url in fresh:
            interval, articles = settings.get(url, (None, None))
            self.session.add(
                Feed(
                    url=url,
                    title="",
                    interval_seconds=interval,
                    fetch_articles=articles,
                    created_at=now,
                    next_poll_at=now,
                    consecutive_failures=0,
                    disabled=False,
                )
            )
        self.session.flush()
        return len(fresh)

    def fill_missing_titles(self, titles: Mapping[str, str]) -> None:
        """Give the feeds at these URLs (as stored) these titles, where they have none."""
        from storage.models import Feed

        for feed in self.session.scalars(select(Feed).where(Feed.url.in_(list(titles)))):
            if not feed.title:
                feed.title = titles[feed.url][:1000]

    def has_any(self) -> bool:
        return self.sql.scalar(select(FEEDS.c.id).limit(1)) is not None

    def find(self, ref: str | int) -> Feed | None:
        """By id (an int or a string of digits) or by URL, however it is spelled."""
        from storage.models import Feed

        if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
            feed_id = int(ref)
            # ids are 32-bit on PostgreSQL: a larger number names no feed (and must not
            # reach the driver, which would raise)
            return self.session.get(Feed, feed_id) if 0 < feed_id < 2**31 else None
        return self._by_url(ref.strip())

    def _by_url(self, url: str) -> Feed | None:
        from storage.models import Feed

        feed_id = self._id_by_url(url)
        return None if feed_id is None else self.session.get(Feed, feed_id)

    def _id_by_url(self, url: str) -> int | None:
        """The id of the feed at `url`, or at the same URL once normalised (scheme and host
        case, default port, fragment, query order), also for rows stored before normalising."""
        exact = self.sql.scalar(select(FEEDS.c.id).where(FEEDS.c.url == url))
        if exact is not None:
            return int(exact)
        wanted = normalize_feed_url(url)
        for feed_id, known in self.sql.execute(select(FEEDS.c.id, FEEDS.c.url)):
            if normalize_feed_url(known) == wanted:
                return int(feed_id)
        return None

    def remove(self, ref: str | int) -> Feed | None:
        feed = self.find(ref)
        if feed is not None:
            self.session.delete(feed)
            self.session.flush()
        return feed

    def titles(self, urls: Sequence[str]) -> dict[str, str]:
        """The titles of the feeds at `urls` (as stored), by URL."""
        wanted = sorted(set(urls))
        if not wanted:
            return {}
        return {
            url: title
            for url, title in self.sql.execute(
                select(FEEDS.c.url, FEEDS.c.title).where(FEEDS.c.url.in_(wanted))
            )
        }

    def list_info(self) -> list[FeedInfo]:
        from storage.models import Feed

        counts = (
            select(SOURCES.c.feed_id, func.count().label("n"))
            .group_by(SOURCES.c.feed_id)
            .subquery()
        )
        rows = self.session.execute(
            select(Feed, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.feed_id == Feed.id)
            .order_by(Feed.id)
        )
        return [
            FeedInfo(
                id=feed.id,
                url=feed.url,
                title=feed.title,
                interval=feed.interval_seconds,
                next_poll_at=feed.next_poll_at,
                last_success_at=feed.last_success_at,
                last_error=feed.last_error,
                last_error_at=feed.last_error_at,
                consecutive_failures=feed.consecutive_failures,
                disabled=feed.disabled,
                disabled_reason=feed.disabled_reason,
                item_count=int(count),
                fetch_articles=feed.fetch_articles,
                warning=feed.warning,
            )
            for feed, count in rows
        ]

    def due(self, now: datetime, *, include_not_due: bool = False) -> list[FeedState]:
        """Enabled feeds whose next poll time has come (or all enabled ones)."""
        # the columns, not Feed entities: a 1,000-feed poll builds no ORM objects to read them
        query = (
            select(
                FEEDS.c.id,
                FEEDS.c.url,
                FEEDS.c.etag,
                FEEDS.c.last_modified,
                FEEDS.c.interval_seconds,
                FEEDS.c.consecutive_failures,
                FEEDS.c.first_success_at,
            )
            .where(FEEDS.c.disabled.is_(False))
            .order_by(FEEDS.c.next_poll_at)
        )
        if not include_not_due:
            query = query.where(FEEDS.c.next_poll_at <= now)
        # rows unpacked by position (the select's order): a named lookup on a Row costs more
        # than the FeedState it fills
        return [
            FeedState(
                id=feed_id,
                url=url,
                etag=etag,
                last_modified=last_modified,
                interval=interval,
                consecutive_failures=failures,
                first_success_at=first_success_at,
            )
            for (
                feed_id,
                url,
                etag,
                last_modified,
                interval,
                failures,
                first_success_at,
            ) in self.sql.execute(query)
        ]

    def apply(self, changes: Sequence[FeedUpdate]) -> None:
        """Write poll outcomes to their feed rows: an executemany statement per kind of
        outcome (unchanged, fetched, failed), not one round trip per feed (on SQLite straight
        to the driver: `bulk.execute_many`)."""
        table = FEEDS
        # A 304 brings no title, site URL or warning (those stand as stored): its rows take
        # the statement without those columns, the same values written with fewer parameters
        # (a re-poll of 1,000 unchanged feeds is all such rows).
        unchanged: list[FeedUpdate] = []
        ok: list[FeedUpdate] = []
        failed: list[FeedUpdate] = []
        for c in changes:
            if not c.ok:
                failed.append(c)
            elif c.not_modified and not c.title and not c.site_url:
                unchanged.append(c)
            else:
                ok.append(c)
        self._log_new_warnings([c for c in ok if c.warning and not c.not_modified])
        # A poll's batch shares one moment (`polled_at`): it goes in the statement once, not
        # in every row (one conversion a batch instead of three a row).
        by_moment: dict[datetime, list[FeedUpdate]] = {}
        for c in unchanged:
            by_moment.setdefault(c.polled_at, []).append(c)
        for moment, group in by_moment.items():
            polled = bindparam("b_polled", value=moment, type_=table.c.last_polled_at.type)
            bulk.execute_many(
                self.sql,
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    last_polled_at=polled,
                    last_success_at=polled,
                    first_success_at=func.coalesce(table.c.first_success_at, polled),
                    next_poll_at=bindparam("b_next"),
                    consecutive_failures=0,
                    last_error=None,
                    etag=bindparam("b_etag"),
                    last_modified=bindparam("b_modified"),
                ),
                [
                    {
                        "b_id": c.feed_id,
                        "b_next": c.next_poll_at,
                        "b_etag": c.etag,
                        "b_modified": c.last_modified,
                    }
                    for c in group
                ],
            )
        if ok:
            bulk.execute_many(
                self.sql,
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    last_polled_at=bindparam("b_polled"),
                    last_success_at=bindparam("b_polled"),
                    first_success_at=func.coalesce(table.c.first_success_at, bindparam("b_polled")),
                    next_poll_at=bindparam("b_next"),
                    consecutive_failures=0,
                    last_error=None,
                    etag=bindparam("b_etag"),
                    last_modified=bindparam("b_modified"),
                    title=func.coalesce(bindparam("b_title"), table.c.title),
                    site_url=func.coalesce(bindparam("b_site"), table.c.site_url),
                    # a 304 says nothing about the document: its warning stands
                    warning=case(
                        (bindparam("b_unchanged", type_=Boolean), table.c.warning),
                        else_=bindparam("b_warning"),
                    ),
                ),
                [
                    {
                        "b_id": c.feed_id,
                        "b_polled": c.polled_at,
                        "b_next": c.next_poll_at,
                        "b_etag": c.etag,
                        "b_modified": c.last_modified,
                        "b_title": c.title or None,
                        "b_site": c.site_url or None,
                        "b_unchanged": c.not_modified,
                        "b_warning": c.warning or None,
                    }
                    for c in ok
                ],
            )
        if failed:
            bulk.execute_many(
                self.sql,
                update(table)
                .where(table.c.id == bindparam("b_id"))
                .values(
                    last_polled_at=bindparam("b_polled"),
                    last_error_at=bindparam("b_polled"),
                    last_error=bindparam("b_error"),
                    next_poll_at=bindparam("b_next"),
                    consecutive_failures=bindparam("b_failures"),
                    disabled=table.c.disabled | bindparam("b_disable", type_=Boolean),
                    disabled_reason=func.coalesce(bindparam("b_reason"), table.c.disabled_reason),
                ),
                [
                    {
                        "b_id": c.feed_id,
                        "b_polled": c.polled_at,
                        "b_error": c.error,
                        "b_next": c.next_poll_at,
                        "b_failures": c.consecutive_failures,
                        "b_disable": c.disable_reason is not None,
                        "b_reason": c.disable_reason,
                    }
                    for c in failed
                ],
            )
        for change in changes:
            # moved for good (a permanent redirect): the new URL, unless a feed has it already
            if change.new_url and self._id_by_url(change.new_url.strip()) is None:
                self.sql.execute(
                    update(table).where(table.c.id == change.feed_id).values(url=change.new_url)
                )

    def _log_new_warnings(self, changes: Sequence[FeedUpdate]) -> None:
        """Log a feed's warning once, when it first appears (not on every poll)."""
        if not changes:
            return
        ids = [c.feed_id for c in changes]
        before = {
            feed_id: (warning, title)
            for feed_id, warning, title in self.sql.execute(
                select(FEEDS.c.id, FEEDS.c.warning, FEEDS.c.title).where(FEEDS.c.id.in_(ids))
            )
        }
        for change in changes:
            warning, title = before.get(change.feed_id, (None, ""))
            if warning != change.warning:  # feed URLs can carry credentials: id and title
                log.warning("feed #%d %r: %s", change.feed_id, title[:80], change.warning)

    def enable(self, ref: str | int, *, now: datetime) -> Feed | None:
        """Re-enable a disabled feed and make it due now."""
        feed = self.find(ref)
        if feed is not None:
            feed.disabled = False
            feed.disabled_reason = None
            feed.consecutive_failures = 0
            feed.next_poll_at = now
        return feed
