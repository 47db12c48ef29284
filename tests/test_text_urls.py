"""HTML to text, URL canonicalisation and feed-URL validation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidFeedURLError
from bot.text import clean_text, html_to_text
from bot.urls import canonical_url, validate_feed_url


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<p>One</p><p>Two</p>", "One\nTwo"),
        ("AT&amp;T &lt;b&gt; &#8220;q&#8221;", "AT&T <b> \u201cq\u201d"),
        ("a<script>evil()</script>b<style>p{}</style>c", "abc"),
        ("x<br>y", "x\ny"),
        ("plain & simple", "plain & simple"),
        ("<!-- hidden -->shown", "shown"),
        ("tab\there\x00nul\x07bell", "tab herenulbell"),
        ("caf\u0065\u0301", "caf\u00e9"),  # NFC
        ("<unclosed <b>bold", "bold"),
    ],
)
def test_html_to_text(markup: str, expected: str) -> None:
    assert html_to_text(markup) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_html_to_text_never_raises_and_is_clean(markup: str) -> None:
    out = html_to_text(markup)
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in out)
    assert not any(ord(ch) < 32 and ch != "\n" for ch in out)
    assert unicodedata.is_normalized("NFC", out)
    assert out == out.strip()


@given(st.text())
def test_clean_text_is_idempotent(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://Example.COM:443/a?utm_source=x&id=1#frag", "https://example.com/a?id=1"),
        ("http://example.com:8080", "http://example.com:8080/"),
        ("https://example.com/a?fbclid=1&gclid=2", "https://example.com/a"),
        ("/relative/path", "https://base.example/relative/path"),
        ("mailto:someone@example.com", None),
        ("javascript:alert(1)", None),
        ("", None),
        ("http://[::1]:80/x", "http://[::1]/x"),
        ("http://example.com:99999/", None),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url, base="https://base.example/feed") == expected


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("", "empty"),
        ("ftp://example.com/feed", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("example.com/feed", "only http and https"),
        ("http:///nohost", "no host"),
        ("http://exa mple.com/", "spaces"),
        ("http://example.com:notaport/", "malformed"),
        ("http://example.com/" + "a" * 3000, "longer than"),
    ],
)
def test_validate_feed_url_rejects(url: str, fragment: str) -> None:
    with pytest.raises(InvalidFeedURLError) as info:
        validate_feed_url(url)
    assert fragment in str(info.value)


def test_validate_feed_url_accepts_and_strips() -> None:
    assert validate_feed_url("  https://example.com/rss  ") == "https://example.com/rss"
