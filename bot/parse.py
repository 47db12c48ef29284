"""Parse a feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) into a ParsedFeed.

Two libraries, chosen by measurement (see README, "Choices"):

* fastfeedparser reads ~100,000 entries/s here, but on feedparser's own odd-feed corpus it
  raises on 75 of 2,107 files, mis-decodes legacy charsets (EUC-JP, KOI8-R, ...) and drops
  titles with inline markup or base64 content.
* feedparser reads ~2,000 entries/s but handles all of those.

So the fast path takes UTF-8 documents that show none of the constructs fastfeedparser gets
wrong, and everything else (or anything it raises on) goes to feedparser. Pure: bytes in,
ParsedFeed out; raises FeedParseError.
"""

from __future__ import annotations

import hashlib
import re
import time
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.errors import FeedParseError
from bot.text import clean_text, html_to_text
from bot.types import ParsedEntry, ParsedFeed
from bot.urls import canonical_url

MAX_TITLE = 1_000
MAX_SUMMARY = 20_000
MAX_CONTENT = 400_000
MAX_GUID = 1_000
SUMMARY_EXCERPT = 600  # an entry with only full content gets a summary this long

_XML_DECL_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Constructs fastfeedparser reads wrongly (found by diffing both parsers over the corpus).
# Plain substring tests: a case-insensitive regular expression cost 3 ms per 40 KB feed.
_SLOW_MARKERS_LOWER = (
    b'mode="base64"', b"mode='base64'", b'type="xhtml"', b"type='xhtml'", b"xml:base",
    b"<!entity", b"<!doctype", b"octet-stream",
)  # fmt: skip
_SLOW_MARKERS_EXACT = (b"&#X",)
_TITLE_WITH_CHILD = re.compile(rb"<title(?:\s[^>]*)?>[^<]*<(?!/|!\[CDATA\[)")
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.IGNORECASE)
_HTML_PAGE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|rdf|channel)[\s>]", re.IGNORECASE)

# Text that changes on every fetch without the article changing: times, relative ages.
_CHURN = re.compile(
    r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,5}\b)?"
    r"|\b\d+\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|days?)\s+ago\b",
    re.IGNORECASE,
)


def _declared_charset(body: bytes, content_type: str | None) -> str | None:
    if content_type:
        match = _CHARSET.search(content_type)
        if match:
            return match.group(1).lower()
    declared = _XML_DECL_ENCODING.match(body[:512])
    return declared.group(1).decode("ascii").lower() if declared else None


def _fast_path_ok(body: bytes, content_type: str | None) -> bool:
    charset = _declared_charset(body, content_type)
    if charset is not None and charset not in _UTF8_NAMES:
        return False
    if body.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    lowered = body.lower()
    if any(marker in lowered for marker in _SLOW_MARKERS_LOWER):
        return False
    if any(marker in body for marker in _SLOW_MARKERS_EXACT):
        return False
    return _TITLE_WITH_CHILD.search(body) is None


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse `body` fetched from `url`. Raises FeedParseError with a one-line reason."""
    if not body or not body.strip():
        raise FeedParseError(url, "the server sent an empty body")
    ttl_match = _TTL.search(body)
    ttl = float(ttl_match.group(1)) * 60 if ttl_match else None

    raw: Mapping[str, Any] | None = None
    parser = ""
    if _looks_like_json(body) or _fast_path_ok(body, content_type):
        try:
            import fastfeedparser

            raw = fastfeedparser.parse(body)
            parser = "fastfeedparser"
        except Exception:  # noqa: BLE001 - any failure here just means "use feedparser"
            raw = None
        if raw is not None and any(_hollow(e) for e in raw.get("entries") or []):
            raw = None  # an entry it found nothing in: the tolerant parser may do better
    if raw is None:
        if _looks_like_json(body):
            raise FeedParseError(url, "the body is JSON but not a JSON Feed")
        raw = _feedparser(body, url, content_type)
        parser = "feedparser"

    feed = raw.get("feed") or {}
    entries_raw = raw.get("entries") or []
    if not entries_raw and not feed.get("title") and _HTML_PAGE.match(body[:4096]):
        raise FeedParseError(url, "the URL serves an HTML page, not a feed")
    recognised = bool(raw.get("version")) or _FEED_ROOT.search(body[:65536]) is not None
    if not entries_raw and not feed.get("title") and not recognised:
        raise FeedParseError(url, "the body is not an RSS, Atom or JSON feed")

    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    for raw_entry in entries_raw:
        entry = _entry(raw_entry, url)
        if entry is not None and entry.guid not in seen:
            seen.add(entry.guid)
            entries.append(entry)
    return ParsedFeed(
        title=clean_text(html_to_text(str(feed.get("title") or "")))[:MAX_TITLE],
        site_url=canonical_url(str(feed.get("link") or ""), base=url),
        entries=tuple(entries),
        ttl=ttl,
        parser=parser,
    )


def _hollow(entry: Mapping[str, Any]) -> bool:
    return not any(entry.get(k) for k in ("title", "description", "summary", "content", "link"))


def _feedparser(body: bytes, url: str, content_type: str | None) -> Mapping[str, Any]:
    import feedparser

    headers = {"content-type": content_type} if content_type else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            result: Mapping[str, Any] = feedparser.parse(
                body,
                response_headers=headers,
                sanitize_html=False,  # we reduce HTML to text ourselves
                resolve_relative_uris=False,
            )
        except Exception as exc:
            raise FeedParseError(url, f"the feed could not be parsed: {exc}") from exc
    if not result.get("entries") and not result.get("version") and result.get("bozo"):
        reason = result.get("bozo_exception")
        raise FeedParseError(url, f"the body is not a readable feed ({reason})")
    return result


def _first_text(entry: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _content(entry: Mapping[str, Any]) -> str:
    blocks = entry.get("content") or []
    values = [b.get("value") for b in blocks if isinstance(b, Mapping)]
    strings = [v for v in values if isinstance(v, str)]
    return max(strings, key=len) if strings else ""


def _link(entry: Mapping[str, Any]) -> str:
    link = entry.get("link")
    if isinstance(link, str) and link.strip():
        return link
    for candidate in entry.get("links") or []:
        if isinstance(candidate, Mapping) and candidate.get("rel") in (None, "alternate"):
            href = candidate.get("href")
            if isinstance(href, str) and href.strip():
                return href
    return ""


def _time(entry: Mapping[str, Any], key: str) -> datetime | None:
    parsed = entry.get(f"{key}_parsed")
    if isinstance(parsed, time.struct_time):
        try:
            return datetime(*parsed[:6], tzinfo=UTC)
        except ValueError:
            return None
    value = entry.get(key)
    if isinstance(value, str) and value.strip():
        return parse_time(value)
    return None


def parse_time(value: str) -> datetime | None:
    """ISO 8601 or RFC 822 -> aware UTC datetime; None when unreadable or out of range."""
    from email.utils import parsedate_to_datetime

    value = value.strip()
    result: datetime | None
    try:
        result = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            result = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
    if result is None:
        return None
    if result.tzinfo is None:
        result = result.replace(tzinfo=UTC)
    try:
        result = result.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    return result if 1970 <= result.year <= 2100 else None


def excerpt(text: str, limit: int) -> str:
    """The first `limit` characters of `text`, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(None, 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


def content_hash(title: str, summary: str, content: str) -> str:
    """Hash of what a reader sees, ignoring text that churns on every fetch (clock times)."""
    stable = f"{title}\n{summary}\n{content}"
    if ":" in stable or " ago" in stable:  # the pattern is slow; most texts have no clock
        stable = _CHURN.sub("", stable)
    return hashlib.sha256(" ".join(stable.split()).encode("utf-8", "replace")).hexdigest()[:32]


def _entry(mapping: Mapping[str, Any], feed_url: str) -> ParsedEntry | None:
    # A plain copy: feedparser's dict maps missing keys onto others with a DeprecationWarning.
    raw = dict(mapping)
    title_raw = _first_text(raw, "title")
    detail = raw.get("title_detail")
    plain_title = isinstance(detail, Mapping) and detail.get("type") == "text/plain"
    title = (clean_text(title_raw) if plain_title else html_to_text(title_raw))[:MAX_TITLE]
    summary_raw = _first_text(raw, "summary", "description")
    content_raw = _content(raw)
    summary = html_to_text(summary_raw)[:MAX_SUMMARY]
    content = "" if content_raw in ("", summary_raw) else html_to_text(content_raw)[:MAX_CONTENT]
    if not summary and content:
        summary = excerpt(content, SUMMARY_EXCERPT)
    if content == summary:
        content = ""
    link = _link(raw)
    url = canonical_url(link, base=feed_url)
    published = _time(raw, "published")
    updated = _time(raw, "updated")
    guid = clean_text(_first_text(raw, "id", "guid"))
    if not guid or guid == link.strip():
        guid = url or guid
    if not guid:
        if not title and not summary:
            return None  # nothing to identify or show
        when = published or updated
        stamp = when.isoformat() if when else ""
        guid = (
            "sha1:" + hashlib.sha1(f"{title}\n{stamp}".encode(), usedforsecurity=False).hexdigest()
        )
    if len(guid) > MAX_GUID:
        guid = "sha1:" + hashlib.sha1(guid.encode(), usedforsecurity=False).hexdigest()
    return ParsedEntry(
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        content=content,
        author=clean_text(_first_text(raw, "author"))[:MAX_TITLE],
        published_at=published or updated,
        updated_at=updated,
        content_hash=content_hash(title, summary, content),
    )
