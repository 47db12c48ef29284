"""OPML parsing and rendering (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import OPMLError
from bot.opml import OutlineFeed, parse_opml, render_opml


def test_nested_outlines_in_order() -> None:
    data = b"""<?xml version="1.0"?><opml version="1.0"><body>
      <outline text="News"><outline text="A" xmlUrl="https://a.example/rss"/>
        <outline text="Deeper">
          <outline title="B" text="b" xmlUrl=" https://b.example/rss "/></outline>
      </outline><outline text="no url"/></body></opml>"""
    assert parse_opml(data) == [
        OutlineFeed("https://a.example/rss", "A"),
        OutlineFeed("https://b.example/rss", "B"),
    ]


def test_render_escapes_and_round_trips() -> None:
    feeds = [
        OutlineFeed("https://a.example/rss?x=1&y=2", 'Quotes " & <tags>'),
        OutlineFeed("https://b.example/", ""),
    ]
    text = render_opml(feeds, datetime(2025, 1, 1, tzinfo=UTC))
    assert "&amp;y=2" in text and "&lt;tags&gt;" in text
    assert parse_opml(text.encode()) == [
        feeds[0],
        OutlineFeed("https://b.example/", "https://b.example/"),
    ]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "not valid XML"),
        (b"<html><body/></html>", "not OPML"),
        (b"<opml><body><outline", "not valid XML"),
    ],
)
def test_bad_files(data: bytes, fragment: str) -> None:
    with pytest.raises(OPMLError, match=fragment):
        parse_opml(data)


def test_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<opml><body><outline text="&c;" xmlUrl="https://a.example/rss"/></body></opml>'
    )
    with pytest.raises(OPMLError, match="declares XML entities"):
        parse_opml(bomb)
    utf16 = bomb.decode().replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>')
    with pytest.raises(OPMLError, match="declares XML entities"):
        parse_opml(utf16.encode("utf-16-le"))


def test_per_feed_settings_round_trip() -> None:
    feeds = [
        OutlineFeed("https://a.example/rss", "A", interval=600.0, fetch_articles=False),
        OutlineFeed("https://b.example/rss", "B", interval=5400.5, fetch_articles=True),
        OutlineFeed("https://c.example/rss", "C"),
        OutlineFeed("https://d.example/rss", "D", interval=3650 * 86400.0),
    ]
    text = render_opml(feeds, datetime(2025, 1, 1, tzinfo=UTC))
    assert 'claimwatchInterval="600" claimwatchArticles="false"' in text
    assert parse_opml(text.encode()) == feeds


@pytest.mark.parametrize(
    ("attributes", "error"),
    [
        ('claimwatchInterval="soon"', "claimwatchInterval: expected a duration"),
        ('claimwatchInterval="99999999999d"', "claimwatchInterval: a duration must be at most"),
        ('claimwatchArticles="maybe"', "claimwatchArticles: expected true or false"),
    ],
)
def test_unusable_settings_are_named(attributes: str, error: str) -> None:
    data = f'<opml><body><outline xmlUrl="https://a.example/rss" {attributes}/></body></opml>'
    (outline,) = parse_opml(data.encode())
    assert outline.error.startswith(error)
    assert "\n" not in outline.error


def test_an_interval_may_be_written_as_a_duration() -> None:
    data = b'<opml><body><outline xmlUrl="https://a.example/rss" claimwatchInterval="10m"/>'
    data += b"</body></opml>"
    assert parse_opml(data)[0].interval == 600


def test_titles_lose_bidi_controls_and_extra_spaces() -> None:
    data = (
        '<opml><body><outline title="Kyiv \u202egnp.exe&#x202C;  News\t" '
        'xmlUrl="https://a.example/rss"/></body></opml>'
    ).encode()
    assert parse_opml(data)[0].title == "Kyiv gnp.exe News"
