"""URL helpers: validate a feed URL a user gave, and canonicalise article links.

Pure functions over strings; urllib.parse does the parsing.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bot.errors import InvalidFeedURLError

MAX_URL_LENGTH = 2048

# Query parameters that only track the reader: dropping them makes one article one URL.
_TRACKING_PREFIXES = ("utm_", "at_", "mtm_", "pk_", "hsa_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid",
        "mc_eid", "_ga", "_gl", "ref_src", "ref_url", "cmpid", "ocid", "smid", "sr_share",
        "__twitter_impression", "rss", "xtor", "ito", "ns_mchannel", "ns_source", "ns_campaign",
        "ns_linkname", "ns_fee", "spm", "share", "s_cid", "cid_source",
    }
)  # fmt: skip


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


# The shape of most article links: lowercase http(s), a plain host name (no user, port or
# brackets), a path, maybe a query and a fragment. For such a URL (printable ASCII, no space)
# urlsplit's parts are this pattern's groups, read here without its Python-level steps.
_SIMPLE_URL = re.compile(r"(https?)://([A-Za-z0-9.-]+)(/[^?#]*)?(?:\?([^#]*))?(?:#.*)?", re.ASCII)


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL with a lowercase host, no default port, no fragment, no
    tracking parameters and the query sorted by name (`?b=2&a=1` and `?a=1&b=2` are one
    article; values of a repeated name keep their order); None when `url` is not an http(s)
    URL (mailto:, javascript:, junk).
    """
    url = url.strip()
    if not url:
        return None
    simple = (
        _SIMPLE_URL.fullmatch(url)
        if url.isascii() and url.isprintable() and " " not in url
        else None
    )
    if simple is not None:
        # urlsplit and urlunsplit's result for this shape (a fifth of parsing a feed entry
        # when spelled out through urllib): tests/test_text_urls.py compares the two.
        scheme: str = simple[1]
        host: str = simple[2]
        path: str | None = simple[3]
        query: str | None = simple[4]
        host = host.lower().rstrip(".")
        if not host or len(url) > MAX_URL_LENGTH:
            return None
        path = path or "/"
        if not query or _only_tracking(query):
            return f"{scheme}://{host}{path}"
        return urlunsplit((scheme, host, path, _clean_query(query), ""))
    return _canonical_by_urllib(url, base)


def _canonical_by_urllib(url: str, base: str | None) -> str | None:
    """canonical_url spelled out through urllib (any URL; `url` stripped, not empty)."""
    if base and not url.startswith(("http://", "https://")):
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in ("http", "https") or not host or len(url) > MAX_URL_LENGTH:
        return None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = 80 if scheme == "http" else 443
    netloc = host if port in (None, default_port) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", _clean_query(parts.query), ""))


def _clean_query(query: str) -> str:
    """The query without tracking parameters, sorted by name (values of a repeated name keep
    their order), re-encoded."""
    query_pairs = sorted(
        ((k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)),
        key=lambda pair: pair[0],
    )
    return urlencode(query_pairs, doseq=True) if query_pairs else ""


def _only_tracking(query: str) -> bool:
    """Whether every parameter of `query` is a tracking one, read from names written plainly
    (`?utm_source=rss`); False when unsure (a name with "%" or "+", which parse_qsl decodes)."""
    for piece in query.split("&"):
        if not piece:
            continue
        name = piece.partition("=")[0]
        if "%" in name or "+" in name or not _is_tracking(name):
            return False
    return True


def normalize_feed_url(url: str) -> str:
    """One spelling per feed: scheme and host lowercased, default port and fragment dropped,
    an empty path made "/", query parameters sorted by name (each kept byte for byte, since a
    feed URL's parameters can matter: none is removed). Expects a URL that passed
    validate_feed_url; anything unparsable is returned as given.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if scheme not in ("http", "https") or not host:
        return url
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    netloc = host if port in (None, 80 if scheme == "http" else 443) else f"{host}:{port}"
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    pieces = [piece for piece in parts.query.split("&") if piece]
    query = "&".join(sorted(pieces, key=lambda piece: piece.partition("=")[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def same_feed_url(a: str, b: str) -> bool:
    """Whether two feed URLs name the same feed once normalised."""
    return normalize_feed_url(a) == normalize_feed_url(b)


def validate_feed_url(url: str) -> str:
    """Check a feed URL a user typed; returns it stripped. Raises InvalidFeedURLError.

    Only the shape is checked here; where the host resolves is checked on every fetch.
    """
    url = url.strip()
    if not url:
        raise InvalidFeedURLError("the feed URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidFeedURLError(f"the feed URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise InvalidFeedURLError("the feed URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidFeedURLError(f"the feed URL is malformed: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidFeedURLError(
            f"only http and https feed URLs are supported, not {parts.scheme or 'no scheme'!r}"
        )
    if not parts.hostname:
        raise InvalidFeedURLError("the feed URL has no host name")
    return url
