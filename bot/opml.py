"""OPML 1.0/2.0 import and export (pure: bytes in, feeds out; feeds in, text out).

Per-feed settings travel as outline attributes of our own (OPML allows any):
`claimwatchInterval` (seconds) and `claimwatchArticles` (true|false), so an export read
back by `feeds import` keeps `--interval` and `--no-articles`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import quoteattr

import lxml.etree

from bot.errors import OPMLError
from bot.text import clean_text

INTERVAL_ATTR = "claimwatchInterval"
ARTICLES_ATTR = "claimwatchArticles"


@dataclass(frozen=True, slots=True)
class OutlineFeed:
    url: str
    title: str
    interval: float | None = None  # seconds; None: POLL_INTERVAL
    fetch_articles: bool | None = None  # None: ARTICLE_FETCH
    error: str = ""  # why the outline's settings cannot be used ("" when they can)


def _settings(outline: lxml.etree._Element) -> tuple[float | None, bool | None, str]:
    from bot.config import parse_duration

    interval: float | None = None
    articles: bool | None = None
    raw_interval = (outline.get(INTERVAL_ATTR) or "").strip()
    if raw_interval:
        try:
            interval = parse_duration(raw_interval)
        except ValueError as exc:
            return None, None, f"{INTERVAL_ATTR}: {exc}"
    raw_articles = (outline.get(ARTICLES_ATTR) or "").strip().lower()
    if raw_articles in ("true", "false"):
        articles = raw_articles == "true"
    elif raw_articles:
        return None, None, f"{ARTICLES_ATTR}: expected true or false, got {raw_articles[:20]!r}"
    return interval, articles, ""


def parse_opml(data: bytes) -> list[OutlineFeed]:
    """Every outline with an xmlUrl, in document order, nested folders included.

    Raises OPMLError when the file is not XML or not OPML. Files that declare entities are
    refused (OPML never needs them) and nothing is fetched, so a hostile file can neither
    blow up memory nor reach the network or the disk.
    """
    if b"<!ENTITY" in data or b"<\x00!\x00E\x00N\x00T\x00I\x00T\x00Y" in data:
        raise OPMLError("the file declares XML entities, which OPML never needs: refused")
    parser = lxml.etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=False
    )
    try:
        root = lxml.etree.fromstring(data, parser=parser)
    except lxml.etree.XMLSyntaxError as exc:
        raise OPMLError(f"the file is not valid XML: {exc}") from None
    if root is None or not isinstance(root.tag, str) or root.tag.lower() != "opml":
        raise OPMLError("the file is XML but not OPML (no <opml> root element)")
    feeds = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url:
            title = clean_text(outline.get("title") or outline.get("text") or "")
            interval, articles, error = _settings(outline)
            feeds.append(OutlineFeed(url, title, interval, articles, error))
    return feeds


def render_opml(feeds: list[OutlineFeed], now: datetime) -> str:
    """An OPML 2.0 document listing `feeds` with their settings."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        "    <title>claimwatch feeds</title>",
        f"    <dateCreated>{format_datetime(now)}</dateCreated>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        title = quoteattr(feed.title or feed.url)
        extra = ""
        if feed.interval is not None:
            seconds = f"{feed.interval:.3f}".rstrip("0").rstrip(".")
            extra += f' {INTERVAL_ATTR}="{seconds}"'
        if feed.fetch_articles is not None:
            extra += f' {ARTICLES_ATTR}="{str(feed.fetch_articles).lower()}"'
        lines.append(
            f'    <outline type="rss" text={title} title={title} xmlUrl={quoteattr(feed.url)}'
            f"{extra}/>"
        )
    lines += ["  </body>", "</opml>"]
    return "\n".join(lines) + "\n"
