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

import dataclasses
import hashlib
import html.entities
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
# Outside these years a date is a typo or a placeholder ("Fri, 31 Dec 9999"): unknown.
# Dates later than the moment an item is first seen are clamped by storage, not here.
_PLAUSIBLE_YEARS = (1970, 2100)

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
# Atom text constructs with escaped brackets: fastfeedparser drops their type, and "<x>" in
# plain text would then be read as markup.
_PLAIN_WITH_BRACKETS = re.compile(
    rb"<(?:[\w-]+:)?(?:title|summary|content|subtitle)\s[^>]*type=[\"']text[\"'][^>]*>[^<]*&lt;"
)
# Which text constructs a document marks type="text" itself. Atom's default type is text too,
# but feeds leave the type out of summaries full of HTML (and CDATA with &nbsp;) so often
# that only an explicit type="text" is taken at its word.
_EXPLICIT_TEXT = re.compile(rb"<(?:[\w-]+:)?(title|summary|content)\s[^>]*type=[\"']text[\"']")
_TITLE_WITH_CHILD = re.compile(rb"<title(?:\s[^>]*)?>[^<]*<(?!/|!\[CDATA\[)")
_TTL = re.compile(rb"<ttl>\s*(\d{1,7})\s*</ttl>", re.IGNORECASE)
_HTML_PAGE = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)[\s>]", re.I | re.S)
_FEED_ROOT = re.compile(rb"<(?:[\w-]+:)?(?:rss|feed|rdf|channel)[\s>]", re.IGNORECASE)
# A document that ends anywhere but after its root element was cut off (or never finished).
_CLOSED_ROOT = re.compile(
    rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.IGNORECASE | re.DOTALL
)
_RSS090 = b"my.netscape.com/rdf/simple/0.9"

# HTML named entities (&nbsp; &mdash; &rsquo; ...) are declared by no DTD a feed carries, so
# an XML parser stops at the first one and the rest of the text is lost. They are rewritten
# as character references before parsing (as feedparser's loose parser reads them); a bare
# "&" becomes "&amp;". CDATA sections are left alone: their text is literal.
_ODD_AMP = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)")
_AMP_OR_CDATA = re.compile(
    rb"<!\[CDATA\[.*?(?:\]\]>|\Z)"
    rb"|&(?!(?:amp|lt|gt|quot|apos|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});)([A-Za-z][A-Za-z0-9]{0,31};)?",
    re.S,
)

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
    if (b'type="text"' in body or b"type='text'" in body) and _PLAIN_WITH_BRACKETS.search(body):
        return False
    return _TITLE_WITH_CHILD.search(body) is None


def _entity_refs(match: re.Match[bytes]) -> bytes:
    whole = match.group(0)
    if whole.startswith(b"<"):
        return whole  # a CDATA section
    name = match.group(1)
    if name is None:
        return b"&amp;"
    value = html.entities.html5.get(name.decode("ascii"))
    if value is None:
        return b"&amp;" + name  # unknown: keep it visible as written
    return "".join(f"&#{ord(ch)};" for ch in value).encode("ascii")


def decode_html_entities(body: bytes) -> bytes:
    """`body` with HTML named entities as character references and stray "&" escaped.

    Documents that declare entities of their own (a DOCTYPE internal subset) and encodings
    that are not ASCII-compatible are returned as they are.
    """
    if _ODD_AMP.search(body) is None:
        return body
    head = body[:4]
    if b"\x00" in head or head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x1b$" in body:
        return body
    if b"<!ENTITY" in body or b"<!entity" in body:
        return body
    return _AMP_OR_CDATA.sub(_entity_refs, body)


_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
_UNSURE_CHAOS = 0.1  # charset-normalizer's "mess" ratio above which a guess is a guess
_TIE = 0.01  # two readings closer than this in mess ratio are a tie


def guess_charset(body: bytes, content_type: str | None) -> tuple[bytes, str | None, str]:
    """Re-encode a document whose charset nobody declared and which is not UTF-8.

    Returns (body, content type, note): the body as UTF-8 with a matching XML declaration
    (the encoding chosen by charset-normalizer), and a one-line note when the guess is unsure
    ("" when sure, or when nothing had to be guessed).
    """
    if _declared_charset(body, content_type) is not None or _looks_like_json(body):
        return body, content_type, ""
    if body.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return body, content_type, ""
    try:
        body.decode("utf-8")
        return body, content_type, ""
    except UnicodeDecodeError:
        pass
    encoding, sure = _detect(body[:200_000])
    text = body.decode(encoding, errors="replace")
    declaration = b'<?xml version="1.0" encoding="utf-8"?>'
    utf8 = declaration + _XML_DECL.sub(b"", text.encode("utf-8"), count=1)
    note = "" if sure else f"charset not declared; guessed {encoding} (unsure)"
    return utf8, (f"{content_type}; charset=utf-8" if content_type else None), note


def _detect(sample: bytes) -> tuple[str, bool]:
    """(encoding, sure) by charset-normalizer. Unsure when no language was recognised or
    when another encoding reads the bytes as different text just as cleanly (short
    Western texts: cp1250 and cp1252 differ only in a few letters); then windows-1252 (the
    most common undeclared charset, and feedparser's fallback) is preferred when in the tie.
    """
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample))
    if not results:
        return "windows-1252", False
    best = results[0]
    text = str(best)
    ties = [
        r
        for r in results[1:]
        if r.chaos <= best.chaos + _TIE
        and r.coherence >= best.coherence - _TIE * 5
        and str(r) != text
    ]
    if ties:
        names = {best.encoding, *(r.encoding for r in ties)}
        return ("cp1252" if "cp1252" in names else best.encoding), False
    return best.encoding, best.coherence > 0 and best.chaos <= _UNSURE_CHAOS


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
    """Parse `body` fetched from `url`. Raises FeedParseError with a one-line reason.

    What the parser had to work around goes into ParsedFeed.warnings, one line each: a
    malformed document (and how many entries survived it), a guessed charset, entries that
    share a guid but link to different articles.
    """
    if not body or not body.strip():
        raise FeedParseError(url, "the server sent an empty body")
    ttl_match = _TTL.search(body)
    ttl = float(ttl_match.group(1)) * 60 if ttl_match else None
    body, content_type, charset_note = guess_charset(body, content_type)
    if not _looks_like_json(body):  # in JSON "&" is only a letter
        body = decode_html_entities(body)

    raw: Mapping[str, Any] | None = None
    parser = ""
    malformed: str | None = None
    if _looks_like_json(body) or (_fast_path_ok(body, content_type) and _complete(body)):
        try:
            import fastfeedparser

            raw = fastfeedparser.parse(body)
            parser = "fastfeedparser"
        except Exception:  # noqa: BLE001 - any failure here just means "use feedparser"
            raw = None
        if raw is not None and any(_hollow(e) for e in raw.get("entries") or []):
            raw = None  # an entry it found nothing in: the tolerant parser may do better
        if raw is not None and not raw.get("entries") and not (raw.get("feed") or {}).get("title"):
            raw = None  # nothing at all (RSS 0.90 reads as empty): ask the tolerant parser
    if raw is None:
        if _looks_like_json(body):
            raise FeedParseError(url, "the body is JSON but not a JSON Feed")
        raw = _feedparser(body, url, content_type)
        parser = "feedparser"
        malformed = _malformed_line(raw, body)

    feed = raw.get("feed") or {}
    entries_raw = raw.get("entries") or []
    if not entries_raw and not feed.get("title") and _HTML_PAGE.match(body[:4096]):
        raise FeedParseError(url, "the URL serves an HTML page, not a feed")
    recognised = bool(raw.get("version")) or _FEED_ROOT.search(body[:65536]) is not None
    if not entries_raw and not feed.get("title") and not recognised:
        raise FeedParseError(url, "the body is not an RSS, Atom or JSON feed")

    entries, shared = _unique_entries(entries_raw, url, _explicitly_plain(body))
    warnings_: list[str] = []
    if malformed is not None:
        count = len(entries)
        noun = "entry" if count == 1 else "entries"
        found = f"{count} {noun} recovered" if count else "no entries"
        warnings_.append(f"malformed XML at line {malformed}: {found}")
    if charset_note:
        warnings_.append(charset_note)
    if shared:
        warnings_.append(f"{shared} entries share a guid with an entry linking elsewhere: all kept")
    return ParsedFeed(
        title=clean_text(html_to_text(str(feed.get("title") or "")))[:MAX_TITLE],
        site_url=canonical_url(str(feed.get("link") or ""), base=url),
        entries=tuple(entries),
        ttl=ttl,
        parser=parser,
        warnings=tuple(warnings_),
    )


def _complete(body: bytes) -> bool:
    """Whether the document ends after its root element (JSON always passes)."""
    if _looks_like_json(body):
        return True
    if _RSS090 in body[:4096]:
        return False  # fastfeedparser reads RSS 0.90 as an empty feed
    return _CLOSED_ROOT.search(body[-1024:].rstrip(b"\x00 \t\r\n")) is not None


def _malformed_line(raw: Mapping[str, Any], body: bytes) -> str | None:
    """The line at which an XML document stops being well-formed, None when it is.

    Only syntax errors that feedparser and lxml both see count: charset disagreements, and
    entities declared in a DTD nobody loads, are quirks read without loss. The line comes
    from lxml (feedparser's is off by one).
    """
    import xml.sax

    if not raw.get("bozo") or not isinstance(raw.get("bozo_exception"), xml.sax.SAXParseException):
        return None
    import lxml.etree

    parser = lxml.etree.XMLParser(
        recover=False, resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError as exc:
        return str(exc.lineno or 1)
    except ValueError:  # lxml refuses some inputs outright (a str with a declaration)
        exception: xml.sax.SAXParseException = raw["bozo_exception"]
        return str(max(1, (exception.getLineNumber() or 2) - 1))
    return None


def _explicitly_plain(body: bytes) -> frozenset[str]:
    """The element names (title, summary, content) the document marks type="text"."""
    if b'type="text"' not in body and b"type='text'" not in body:
        return frozenset()
    return frozenset(name.decode("ascii") for name in _EXPLICIT_TEXT.findall(body))


def _unique_entries(
    entries_raw: list[Any], url: str, plain: frozenset[str] = frozenset()
) -> tuple[list[ParsedEntry], int]:
    """Entries in document order, one per guid, except that entries which share a guid but
    link to different articles (a CMS bug) are all kept, each under guid + link: the same
    every poll, whatever their order. Returns (entries, how many shared a guid)."""
    parsed = [e for e in (_entry(raw, url, plain) for raw in entries_raw) if e is not None]
    links: dict[str, set[str | None]] = {}
    for entry in parsed:
        links.setdefault(entry.guid, set()).add(entry.url)
    shared_guids = {guid for guid, urls in links.items() if len({u for u in urls if u}) > 1}
    entries: list[ParsedEntry] = []
    seen: set[str] = set()
    shared = 0
    for entry in parsed:
        if entry.guid in shared_guids and entry.url:
            shared += 1
            entry = dataclasses.replace(entry, guid=_bounded_guid(f"{entry.guid} {entry.url}"))
        if entry.guid not in seen:
            seen.add(entry.guid)
            entries.append(entry)
    return entries, shared


def _bounded_guid(guid: str) -> str:
    if len(guid) > MAX_GUID:
        return "sha1:" + hashlib.sha1(guid.encode(), usedforsecurity=False).hexdigest()
    return guid


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
            result = datetime(*parsed[:6], tzinfo=UTC)
        except ValueError:
            return None
        return result if _PLAUSIBLE_YEARS[0] <= result.year <= _PLAUSIBLE_YEARS[1] else None
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
    return result if _PLAUSIBLE_YEARS[0] <= result.year <= _PLAUSIBLE_YEARS[1] else None


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


def _is_plain(raw: Mapping[str, Any], key: str, plain: frozenset[str]) -> bool:
    """Whether the feed marks `key` as plain text (an explicit Atom type="text" the parser
    reports): then "<" is a letter, not markup."""
    detail = raw.get(f"{key}_detail")
    return (
        key in plain
        and isinstance(detail, Mapping)
        and detail.get("type") in ("text/plain", "text")
    )


def _text(value: str, plain: bool) -> str:
    return clean_text(value) if plain else html_to_text(value)


def _content_block(entry: Mapping[str, Any], plain: frozenset[str]) -> tuple[str, bool]:
    """The longest content block and whether it is (explicitly) plain text."""
    blocks = [b for b in entry.get("content") or [] if isinstance(b, Mapping)]
    blocks = [b for b in blocks if isinstance(b.get("value"), str)]
    if not blocks:
        return "", False
    block = max(blocks, key=lambda b: len(b["value"]))
    return block["value"], "content" in plain and block.get("type") in ("text/plain", "text")


def _entry(
    mapping: Mapping[str, Any], feed_url: str, plain: frozenset[str] = frozenset()
) -> ParsedEntry | None:
    """One entry, or None when it is a fragment: an entry is kept only when it has something
    to show (a title or a summary) and something to identify it (a link or an id)."""
    # A plain copy: feedparser's dict maps missing keys onto others with a DeprecationWarning.
    raw = dict(mapping)
    title = _text(_first_text(raw, "title"), _is_plain(raw, "title", plain))[:MAX_TITLE]
    summary_raw = _first_text(raw, "summary", "description")
    content_raw, content_plain = _content_block(raw, plain)
    summary = _text(summary_raw, _is_plain(raw, "summary", plain))[:MAX_SUMMARY]
    content = "" if content_raw in ("", summary_raw) else _text(content_raw, content_plain)
    content = content[:MAX_CONTENT]
    if not summary and content:
        summary = excerpt(content, SUMMARY_EXCERPT)
    if content == summary:
        content = ""
    link = _link(raw)
    url = canonical_url(link, base=feed_url)
    published = _time(raw, "published")
    updated = _time(raw, "updated")
    guid = clean_text(_first_text(raw, "id", "guid"))
    if not (title or summary) or not (url or guid):
        return None
    if not guid or guid == link.strip():
        guid = url or guid
    return ParsedEntry(
        guid=_bounded_guid(guid),
        url=url,
        title=title,
        summary=summary,
        content=content,
        author=clean_text(_first_text(raw, "author"))[:MAX_TITLE],
        published_at=published or updated,
        updated_at=updated,
        content_hash=content_hash(title, summary, content),
    )
