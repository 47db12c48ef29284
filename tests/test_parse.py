"""Parsing: RSS, Atom and JSON Feed normalised into clean entries."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.errors import FeedParseError
from bot.parse import content_hash, parse_feed, parse_time

DATA = Path(__file__).parent / "data"
FEED_URL = "https://news.example.org/feed.xml"


def parse(name: str) -> object:
    return parse_feed((DATA / name).read_bytes(), FEED_URL)


def test_rss2_entries_are_normalised() -> None:
    feed = parse_feed((DATA / "rss2.xml").read_bytes(), FEED_URL)
    assert feed.title == "World & Politics"
    assert feed.site_url == "https://news.example.org/world"
    assert feed.ttl == 30 * 60
    first, second = feed.entries  # the third has no link and no id: a fragment, not an item
    # entities decoded, markup reduced to text, curly quotes kept
    assert first.title == "Embassy calls report \u201clies\u201d"
    # scripts dropped, paragraphs kept as lines, &nbsp; decoded to a space
    assert first.summary == "The embassy said the claims were baseless.\nSecond paragraph."
    # tracking parameters and fragment dropped, host lowercased, real parameters kept
    assert first.url == "https://news.example.org/a/1?id=7"
    assert first.guid == "urn:example:1"
    assert first.author == "Jane Roe"
    assert first.published_at == datetime(2021, 9, 6, 14, 45, tzinfo=UTC)
    # no guid: the canonical link is the guid; relative links resolve against the feed
    assert second.guid == second.url == "https://news.example.org/a/2"
    assert all(e.title != "Neither guid nor link" for e in feed.entries)


def test_atom_html_title_and_content() -> None:
    feed = parse_feed((DATA / "atom.xml").read_bytes(), FEED_URL)
    (entry,) = feed.entries
    assert entry.title == "Ministry <denies> involvement"  # escaped markup is text
    assert entry.summary == "Short summary."
    assert entry.content == "The ministry rejected the accusations."
    assert entry.published_at == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert entry.updated_at == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)


def test_json_feed() -> None:
    feed = parse_feed((DATA / "feed.json").read_bytes(), "https://json.example.net/feed.json")
    (entry,) = feed.entries
    assert feed.title == "JSON News"
    assert entry.url == "https://json.example.net/p/1"
    assert entry.summary == "The company called the claims fabricated."
    assert entry.content == ""  # not stored twice
    assert entry.published_at == datetime(2024, 5, 1, 16, 0, tzinfo=UTC)


def test_json_feed_text_is_not_treated_as_xml() -> None:
    body = (
        b'{"version": "https://jsonfeed.org/version/1.1", "title": "J &mdash; K", "items": ['
        b'{"id": "1", "url": "https://json.example.net/p?a=1&b=2", "title": "AT&T denies"}]}'
    )
    (entry,) = parse_feed(body, "https://json.example.net/feed.json").entries
    assert entry.url == "https://json.example.net/p?a=1&b=2"
    assert entry.title == "AT&T denies"


def test_legacy_charset_goes_to_the_tolerant_parser() -> None:
    body = (
        '<?xml version="1.0" encoding="koi8-r"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>Кремль отверг обвинения</title><guid>k1</guid></item></channel></rss>"
    ).encode("koi8-r")
    feed = parse_feed(body, FEED_URL)
    assert feed.parser == "feedparser"
    assert feed.entries[0].title == "Кремль отверг обвинения"


def test_inline_markup_in_title_is_not_lost() -> None:
    body = (
        b"<rss version='2.0'><channel><item><title>Hi <b>there</b></title><guid>g</guid></item>"
        b"</channel></rss>"
    )
    assert parse_feed(body, FEED_URL).entries[0].title == "Hi there"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "empty body"),
        (b"   \n ", "empty body"),
        (b"<!DOCTYPE html><html><head><title>x</title></head><body>hi</body></html>", "HTML page"),
        (b'{"hello": "world"}', "JSON"),
        (b"just some words", "not"),
    ],
)
def test_non_feeds_are_clear_errors(body: bytes, reason: str) -> None:
    with pytest.raises(FeedParseError) as info:
        parse_feed(body, FEED_URL)
    assert reason in info.value.message
    assert "\n" not in info.value.message


def test_entity_bomb_is_not_expanded() -> None:
    lol = "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY l0 "lol">{lol}]>'
        "<rss version='2.0'><channel><title>&l9;</title><item><title>&l9;</title></item>"
        "</channel></rss>"
    ).encode()
    try:
        feed = parse_feed(body, FEED_URL)
    except FeedParseError:
        return  # refusing it is fine too
    assert len(feed.title) < 10_000
    assert all(len(e.title) < 10_000 for e in feed.entries)


def test_external_entities_are_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<rss version='2.0'><channel><title>t</title><item><title>a &x; b</title>"
        "<guid>1</guid></item></channel></rss>"
    ).encode()
    try:
        feed = parse_feed(body, FEED_URL)
    except FeedParseError:
        return
    assert all("TOP-SECRET" not in e.title for e in feed.entries)


def test_churning_timestamps_do_not_change_the_hash() -> None:
    a = content_hash("Live: talks", "Updated 10:42 GMT. Officials deny the report.", "")
    b = content_hash("Live: talks", "Updated 11:07 GMT. Officials deny the report.", "")
    c = content_hash("Live: talks", "Updated 11:07 GMT. Officials confirm the report.", "")
    d = content_hash("Live", "Posted 5 minutes ago, 2024-01-01T10:00:00Z", "")
    e = content_hash("Live", "Posted 7 minutes ago, 2024-01-01T10:05:00Z", "")
    assert a == b
    assert b != c
    assert d == e


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01T09:30:00+01:00", datetime(2024, 3, 1, 8, 30, tzinfo=UTC)),
        ("Mon, 06 Sep 2021 16:45:00 +0200", datetime(2021, 9, 6, 14, 45, tzinfo=UTC)),
        ("2024-03-01T09:30:00Z", datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
        ("not a date", None),
        ("Mon, 06 Sep 9999 16:45:00 +0200", None),
    ],
)
def test_parse_time(text: str, expected: datetime | None) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("entity", "text"),
    [
        ("&nbsp;", "a b"),  # spaces (a no-break space folds into a space, as all do)
        ("&mdash;", "a\u2014b"),  # punctuation
        ("&rsquo;", "a\u2019b"),  # quotes
        ("&eacute;", "a\u00e9b"),  # Latin-1 letters
        ("&Scaron;", "a\u0160b"),  # Latin Extended
        ("&lambda;", "a\u03bbb"),  # Greek
        ("&euro;", "a\u20acb"),  # currency
        ("&rarr;", "a\u2192b"),  # arrows
        ("&sum;", "a\u2211b"),  # mathematical operators
        ("&hearts;", "a\u2665b"),  # symbols
        ("&NotEqualTilde;", "a\u2242\u0338b"),  # HTML 5 names, two code points
    ],
)
@pytest.mark.parametrize("doctype", ["", "<!DOCTYPE rss>"], ids=["fast", "tolerant"])
def test_html_entities_are_decoded_in_both_parsers(entity: str, text: str, doctype: str) -> None:
    body = (
        f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel>'
        f"<title>x{entity}y</title><item><title>a{entity}b denies</title>"
        f"<description>before a{entity}b after</description><guid>g</guid></item>"
        "</channel></rss>"
    ).encode()
    feed = parse_feed(body, FEED_URL)
    assert feed.parser == ("feedparser" if doctype else "fastfeedparser")
    (entry,) = feed.entries
    expected = unicodedata.normalize("NFC", text)
    assert entry.title == f"{expected} denies"
    assert entry.summary == f"before {expected} after"
    assert feed.title == unicodedata.normalize("NFC", f"x{text[1:-1]}y")
