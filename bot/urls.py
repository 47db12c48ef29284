"""URL helpers: validate a feed URL a user gave, and canonicalise article links.

Pure functions over strings; urllib.parse does the parsing.
"""

from __future__ import annotations

import ipaddress
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


def canonical_url(url: str, base: str | None = None) -> str | None:
    """Absolute http(s) URL with a lowercase host, no default port, no fragment and no
    tracking parameters; None when `url` is not an http(s) URL (mailto:, javascript:, junk).
    """
    url = url.strip()
    if not url:
        return None
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
    query_pairs = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)
    ]
    query = urlencode(query_pairs, doseq=True) if query_pairs else ""
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


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


def host_ip_literal(url: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address when the URL's host is an IP literal, else None."""
    try:
        host = urlsplit(url).hostname or ""
        return ipaddress.ip_address(host)
    except ValueError:
        return None
