"""Feed management: the one service the CLI and the chat admin commands call.

Each function opens its own transaction on the Database it is given and returns plain values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from typing import TYPE_CHECKING

from bot.errors import InvalidFeedURLError
from bot.netguard import client_host
from bot.types import FeedInfo
from bot.urls import normalize_feed_url, validate_feed_url
from storage.db import Database
from storage.feeds import FeedRepository
from storage.meta import MetaRepository

if TYPE_CHECKING:  # OPML (lxml) is loaded by the commands that read or write it
    from bot.opml import OutlineFeed

IMPORT_CHUNK = 200
_SEEDED = "default_feeds_seeded"


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int
    already_known: int
    invalid: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (url, reason)


def usable_feed_url(url: str) -> str:
    """A feed URL a user gave, checked for shape and for whether the HTTP client can request
    it at all (hosts such as "0177.0.0.2" or "①②⑦.0.0.1" cannot be). Raises
    InvalidFeedURLError."""
    url = normalize_feed_url(validate_feed_url(url))
    client_host(url)
    return url


def add_feed(
    db: Database,
    url: str,
    *,
    now: datetime,
    interval: float | None = None,
    fetch_articles: bool | None = None,
) -> bool:
    """Add a feed (polled at the next tick), or update the options of a known one. Returns
    False when it was already there. Raises InvalidFeedURLError for an unusable URL."""
    url = usable_feed_url(url)
    with db.session() as session:
        feed, created = FeedRepository(session).add(url, now=now, interval=interval)
        if fetch_articles is not None:
            feed.fetch_articles = fetch_articles
    return created


def remove_feed(db: Database, ref: str) -> str | None:
    """Remove by id or URL; returns the removed URL, None when no such feed."""
    with db.session() as session:
        feed = FeedRepository(session).remove(ref)
        return feed.url if feed else None


def enable_feed(db: Database, ref: str, *, now: datetime) -> str | None:
    with db.session() as session:
        feed = FeedRepository(session).enable(ref, now=now)
        return feed.url if feed else None


def list_feeds(db: Database) -> list[FeedInfo]:
    with db.session() as session:
        return FeedRepository(session).list_info()


def import_feeds(
    db: Database,
    outlines: list[OutlineFeed],
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Add every valid URL with its settings (existing ones are kept as they are), in chunks
    of IMPORT_CHUNK, each its own transaction, calling progress(done, total) after each chunk.
    """
    invalid: list[tuple[str, str]] = []
    valid: list[OutlineFeed] = []
    for outline in outlines:
        if outline.error:
            invalid.append((outline.url[:200], outline.error))
            continue
        try:
            url = usable_feed_url(outline.url)
        except InvalidFeedURLError as exc:
            invalid.append((outline.url[:200], str(exc)))
            continue
        valid.append(dataclasses.replace(outline, url=url))
    unique = list({o.url: o for o in valid}.values())
    added = 0
    for start in range(0, len(unique), IMPORT_CHUNK):
        chunk = unique[start : start + IMPORT_CHUNK]
        with db.session() as session:
            repo = FeedRepository(session)
            added += repo.add_many(
                [o.url for o in chunk],
                now=now,
                settings={o.url: (o.interval, o.fetch_articles) for o in chunk},
            )
            repo.fill_missing_titles({o.url: o.title for o in chunk if o.title})
        if progress is not None:
            progress(min(start + IMPORT_CHUNK, len(unique)), len(unique))
    return ImportReport(added=added, already_known=len(unique) - added, invalid=tuple(invalid))


def import_opml(
    db: Database,
    data: bytes,
    *,
    now: datetime,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import an OPML document. Raises OPMLError when it is not OPML."""
    from bot.opml import parse_opml

    return import_feeds(db, parse_opml(data), now=now, progress=progress)


def export_opml(db: Database, *, now: datetime) -> str:
    from bot.opml import OutlineFeed, render_opml

    feeds = [OutlineFeed(f.url, f.title, f.interval, f.fetch_articles) for f in list_feeds(db)]
    return render_opml(feeds, now)


def default_feeds() -> list[OutlineFeed]:
    from bot.opml import parse_opml

    data = resources.files("bot").joinpath("data/default-feeds.opml").read_bytes()
    return parse_opml(data)


def seed_default_feeds(db: Database, *, now: datetime) -> int:
    """On the very first start, add the shipped feed list; never again (even if all are removed).

    Returns how many feeds were added.
    """
    # Core only: every `poll` starts here, and a poll never loads the ORM (storage.db)
    with db.connection() as connection:
        if not MetaRepository(connection).claim(_SEEDED, now.isoformat()):
            return 0
        has_feeds = FeedRepository(connection).has_any()
    if has_feeds:
        return 0
    return import_feeds(db, default_feeds(), now=now).added
