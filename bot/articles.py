"""Read the whole article when a short summary leaves the verdict borderline.

    matches (borderline, summary only) -> Fetcher (same address guard; article limits)
    -> extract_article (trafilatura) -> items.content -> the matcher judges again

Bounded: at most ARTICLE_MAX_BYTES and ARTICLE_TIMEOUT per page, a few pages at a time, each
item tried once (a failure is recorded and not retried). Configurable per feed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from bot.clock import utcnow
from bot.config import Settings
from bot.errors import FeedError
from bot.fetch import Fetcher, FetchPolicy
from bot.netguard import AddressGuard
from bot.offload import blocking
from bot.text import clean_text
from bot.types import FeedState
from storage.db import Database
from storage.matches import MatchRepository

log = logging.getLogger(__name__)

BORDERLINE = (0.25, 0.4999)  # scores that a fuller text may push over the threshold
SHORT_SUMMARY = 1_500  # characters: longer summaries are read as they are
MAX_ARTICLES = 50  # per run
CONCURRENCY = 4
MAX_ARTICLE_CHARS = 100_000


def extract_article(html: bytes | str, url: str = "") -> str:
    """The main text of an article page ('' when none is found). Pure."""
    import trafilatura

    try:
        text = trafilatura.extract(
            html,
            url=url or None,
            include_comments=False,
            include_tables=False,
            favor_precision=True,
        )
    except (ValueError, TypeError):  # malformed documents trafilatura cannot read
        return ""
    return clean_text(text or "")[:MAX_ARTICLE_CHARS]


def _fetcher(settings: Settings) -> Fetcher:
    policy = FetchPolicy(
        user_agent=settings.user_agent,
        connect_timeout=min(settings.fetch_connect_timeout, settings.article_timeout),
        read_timeout=settings.article_timeout,
        total_timeout=settings.article_timeout,
        max_bytes=settings.article_max_bytes,
        max_redirects=settings.fetch_max_redirects,
        concurrency=CONCURRENCY,
        per_host=2,
    )
    return Fetcher(policy, AddressGuard(settings.allowed_private_networks))


async def enrich_borderline(
    db: Database,
    settings: Settings,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> int:
    """Fetch and store the full text of borderline items; returns how many got a text."""
    candidates = await blocking(_candidates, db, settings)
    if not candidates:
        return 0
    semaphore = asyncio.Semaphore(CONCURRENCY)
    results: list[tuple[int, str]] = []
    async with _fetcher(settings) as fetcher:

        async def one(item_id: int, url: str) -> None:
            async with semaphore:
                try:
                    fetched = await fetcher.fetch(FeedState(id=item_id, url=url))
                except FeedError as exc:
                    log.info("article not fetched: %s", exc.message)
                    results.append((item_id, ""))
                    return
            html = fetched.body or b""
            kind = (fetched.content_type or "text/html").lower()
            text = ""
            if "html" in kind or "xml" in kind:
                text = await blocking(extract_article, html, fetched.url)
            results.append((item_id, text))

        await asyncio.gather(*(one(item_id, url) for item_id, url in candidates))
    await blocking(_store_articles, db, results, clock())
    return sum(1 for _, text in results if text)


def _candidates(db: Database, settings: Settings) -> list[tuple[int, str]]:
    with db.connection() as connection:
        return MatchRepository(connection).borderline(
            low=BORDERLINE[0],
            high=BORDERLINE[1],
            max_summary=SHORT_SUMMARY,
            default_fetch=settings.article_fetch,
            limit=MAX_ARTICLES,
        )


def _store_articles(db: Database, results: list[tuple[int, str]], now: datetime) -> None:
    with db.connection() as connection:
        repository = MatchRepository(connection)
        for item_id, text in results:
            repository.store_article(item_id, text or None, now)
