"""OPML 1.0/2.0 import and export (pure: bytes in, feeds out; feeds in, text out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import quoteattr

import lxml.etree

from bot.errors import OPMLError


@dataclass(frozen=True, slots=True)
class OutlineFeed:
    url: str
    title: str


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
            title = (outline.get("title") or outline.get("text") or "").strip()
            feeds.append(OutlineFeed(url=url, title=title))
    return feeds


def render_opml(feeds: list[OutlineFeed], now: datetime) -> str:
    """An OPML 2.0 document listing `feeds`."""
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
        lines.append(
            f'    <outline type="rss" text={title} title={title} xmlUrl={quoteattr(feed.url)}/>'
        )
    lines += ["  </body>", "</opml>"]
    return "\n".join(lines) + "\n"
