"""HTML to text, URL canonicalisation and feed-URL validation."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InvalidFeedURLError
from bot.text import clean_display, clean_text, html_to_text
from bot.urls import _canonical_by_urllib, canonical_url, normalize_feed_url, validate_feed_url


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
        ("<unclosed <b>bold", "<unclosed bold"),  # not an HTML tag: words are kept
        ("Company denies <redacted> took bribes", "Company denies <redacted> took bribes"),
        ("<P>Up</P><o:p>Word</o:p><Navalny>", "Up\nWord<Navalny>"),
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


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<div>a<script><p>x</p></script>b</div>c", "ab\nc"),
        ("<title>Head title</title><p>Body</p>", "Body"),
        (
            "<p>one<iframe><p>in frame</p></iframe>two</p><ul><li>i1<li>i2</ul>tail",
            "onetwo\ni1\ni2\ntail",
        ),
        ("<svg><g><text>drawn</text></g></svg><br/>after<hr>end", "after\nend"),
        ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "ab\nc"),
        ("<noscript><p>n</p></noscript><template><div>t</div></template><object>o</object>z", "z"),
        ("<P>Up</P><DIV>Mixed <B>case</B></DIV><o:p>Word</o:p>", "Up\nMixed case\nWord"),
        (
            "<meta charset='utf-8'><style>p{}</style><link rel=x><p>after head things</p>",
            "after head things",
        ),
        (
            "<blockquote>q<pre> pre  formatted </pre></blockquote>"
            "<figure><figcaption>cap</figcaption></figure>",
            "q pre formatted\ncap",
        ),
    ],
)
def test_dropped_elements_take_their_blocks_with_them(markup: str, expected: str) -> None:
    """Scripts, styles, frames, drawings and whatever lands in an implied <head> go, block
    elements inside them too (they add no line break), whatever the tags' case."""
    assert html_to_text(markup) == expected


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
        # one article, whatever order the query came in (repeated names keep their order)
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a?t=2&utm_medium=x&t=1&a=", "https://example.com/a?a=&t=2&t=1"),
    ],
)
def test_canonical_url(url: str, expected: str | None) -> None:
    assert canonical_url(url, base="https://base.example/feed") == expected


def _pick(*choices: str) -> st.SearchStrategy[str]:
    return st.sampled_from(choices)


_PLAIN = ("",) * 6  # most links have no user, port or odd tail: drawn more often

# URLs shaped like feed links, each part drawn from plain and odd spellings
_LINKS = st.tuples(
    _pick(*("http://", "https://") * 4, "HTTP://", "Https://", "", "//", "mailto:"),
    _pick(*_PLAIN, "u:p@", "@"),
    _pick("news.example", "News.Example.", ".", "a-b.c", "h_x", "127.0.0.1", "[::1]", "é.example"),
    _pick(*_PLAIN, ":8080", ":80", ":443", ":x", ":99999", ":"),
    _pick("", "/", "//", "/a", "/a/b.html", "/a b", "/r%C3%A9", "/réseau", "/\t/x", "/~x;p"),
    st.lists(
        _pick(
            "utm_source=rss",
            "utm_medium=x",
            "UTM_Campaign=y",
            "a=1",
            "b=2",
            "a=",
            "a",
            "",
            "utm%5Fsource=1",
            "utm+x=1",
            "fbclid=z",
            "x=%20+y",
            "q=a=b",
            "é=1",
        ),
        max_size=4,
    ).map(lambda params: "?" + "&".join(params) if params else ""),
    _pick("", "", "#", "#f", "#f?q=1"),
    _pick(*_PLAIN, " ", "\n", "\x7f"),
).map("".join)


@settings(max_examples=2000)
@given(st.one_of(_LINKS, st.text(max_size=40)))
def test_canonical_url_shortcut_agrees_with_urllib(url: str) -> None:
    """The shortcut for plain links reads them as urllib does (the path every other URL
    takes)."""
    base = "https://base.example/feed"
    stripped = url.strip()
    expected = _canonical_by_urllib(stripped, base) if stripped else None
    assert canonical_url(url, base=base) == expected


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


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://Host.Example/feed.xml", "http://host.example/feed.xml"),
        ("http://host.example/feed.xml#x", "http://host.example/feed.xml"),
        ("https://host.example:443/feed?b=2&a=1", "https://host.example/feed?a=1&b=2"),
        ("http://host.example:8080", "http://host.example:8080/"),
        # a feed URL keeps every parameter as written: some servers need `rss` or `%2F`
        (
            "http://host.example/?rss=1&utm_source=x&q=a%2Fb",
            "http://host.example/?q=a%2Fb&rss=1&utm_source=x",
        ),
        ("http://user:pw@Host.Example/f", "http://user:pw@host.example/f"),
    ],
)
def test_normalize_feed_url(url: str, expected: str) -> None:
    assert normalize_feed_url(url) == expected
    assert normalize_feed_url(expected) == expected


# bidi controls: embeddings U+202A-U+202E and isolates U+2066-U+2069
BIDI_CONTROLS = [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]]


@pytest.mark.parametrize("control", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_controls_never_reach_storage(control: str) -> None:
    title = f"Official calls it fake {control}gpj.exe see link"
    assert clean_text(title) == "Official calls it fake gpj.exe see link"
    assert html_to_text(f"<p>{title}</p>") == "Official calls it fake gpj.exe see link"
    assert control not in clean_display(title)


def test_clean_display_isolates_right_to_left_text() -> None:
    assert clean_display("Embassy denies report") == "Embassy denies report"
    assert clean_display("Caf\u00e9 \u202eevil") == "Caf\u00e9 evil"
    # a Hebrew name cannot reorder the text around it: it is wrapped in FSI ... PDI
    assert clean_display("\u05d3\u05d5\u05d1\u05e8 \u05e6\u05d4\u0022\u05dc") == (
        "\u2068\u05d3\u05d5\u05d1\u05e8 \u05e6\u05d4\u0022\u05dc\u2069"
    )
    assert clean_display("\u202b\u0627\u0644\u0633\u0641\u0627\u0631\u0629\u202c") == (
        "\u2068\u0627\u0644\u0633\u0641\u0627\u0631\u0629\u2069"
    )


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_clean_display_never_raises_and_leaves_no_override(text: str) -> None:
    shown = clean_display(text)
    inner = shown.removeprefix("\u2068").removesuffix("\u2069")
    assert not any(ch in inner for ch in BIDI_CONTROLS)


_FRAGMENT_TEXT = st.lists(
    st.sampled_from(
        [
            "word",
            " ",
            "  ",
            "\n",
            "\t",
            " \n ",
            "&amp;",
            "&lt;",
            "&gt;",
            "&quot;",
            "&#39;",
            "&#x27;",
            "&amp;lt;",
            "&",
            "&amp",
            "&apos;",
            "&nbsp;",
            "&#150;",
            "AT&T",
            ">",
            "'",
            '"',
            "é",
            "e\u0301",
            "\u05d0",
            "日本",
            "\U0001f600",
            "\u00a0",
            "\u200b",
            "\r\n",
            "p>",
            "</p",
            "; ",
            "#39;",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=1500)
@given(
    st.one_of(
        _FRAGMENT_TEXT,
        _FRAGMENT_TEXT.map(lambda text: f"<p>{text}</p>"),
        st.text(max_size=30).map(lambda text: f"<p>{text}</p>"),
        st.text(max_size=30),
    )
)
def test_simple_fragments_read_as_lxml_reads_them(markup: str) -> None:
    """Text with no markup but a few entities, bare or in one <p>, skips the HTML parser:
    the text is the one lxml's parser gives, character for character."""
    from bot.text import _BAD_CHARS, _parsed_text

    if not markup or not any(ch in markup for ch in "<&"):
        return  # html_to_text never parses these
    safe = _BAD_CHARS.sub("", markup)
    assert html_to_text(markup) == _parsed_text(safe)
