"""Golden feeds: small documents written for this project (tests/data/golden/NAME), each with
the entries it must parse into beside it (NAME.json), one per fidelity case: HTML entities,
plain text that holds brackets, CDATA, guids reused by a CMS, impossible dates, RSS 0.90, an
undeclared legacy charset, links in every shape, bidi controls, fragments and a document cut
off in the middle.

The expected files were written by running the parser once and reading every value against
the document by eye; a change in them is a change in what claimwatch stores.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.parse import parse_feed
from bot.types import ParsedFeed

GOLDEN = Path(__file__).parent / "data" / "golden"
FEED_URL = "https://golden.example.org/feed"
DOCUMENTS = sorted(p for p in GOLDEN.iterdir() if p.suffix != ".json")


def as_json(feed: ParsedFeed) -> dict[str, Any]:
    return {
        "title": feed.title,
        "site_url": feed.site_url,
        "warnings": list(feed.warnings),
        "entries": [
            {
                "guid": e.guid,
                "url": e.url,
                "title": e.title,
                "summary": e.summary,
                "content": e.content,
                "published_at": e.published_at.isoformat() if e.published_at else None,
            }
            for e in feed.entries
        ],
    }


def test_every_case_has_a_golden_file() -> None:
    names = {p.name for p in DOCUMENTS}
    assert len(names) >= 12
    for path in DOCUMENTS:
        assert Path(f"{path}.json").is_file(), path.name


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
def test_golden_feed(path: Path) -> None:
    expected = json.loads(Path(f"{path}.json").read_text(encoding="utf-8"))
    assert as_json(parse_feed(path.read_bytes(), FEED_URL)) == expected


def load(name: str) -> ParsedFeed:
    return parse_feed((GOLDEN / name).read_bytes(), FEED_URL)


# The cases the issue names, spelled out (the golden files hold the rest of each entry).


def test_html_entities_keep_the_whole_text() -> None:
    first, latin, greek, amp = load("entities.rss").entries
    assert first.title == "Opposition accuses mayor of fraud — mayor says claims are false"
    assert first.summary == "The ministry’s spokesman called the reports baseless…"
    assert latin.title == "Café owner in Zürich denies «fabricated» claims"
    assert greek.title == "Αλφα group rejects “lies” about π-fund"
    assert "5€ £3 © ™ ° ± ½ ←→ ∀&x∈ℜ." in greek.summary
    assert amp.title == "AT&T and unknown &bogus; entities stay as written"
    assert amp.url == "https://entities.example.org/a/4?a=1&b=2"


def test_plain_text_and_cdata_keep_their_brackets() -> None:
    plain, html = load("atom-text.atom").entries
    assert plain.title == "Company denies that <redacted> executive took bribes"
    assert plain.summary == "The words <b> and <i> here are text, not markup."
    assert html.title == "Ministry rejects the report"
    (cdata,) = load("cdata.rss").entries
    assert cdata.title == "Court jails <Navalny> ally; Kremlin denies role"


def test_a_reused_guid_with_another_link_keeps_both() -> None:
    feed = load("shared-guid.rss")
    assert [e.url for e in feed.entries] == [
        "https://cms.example.org/news/101",
        "https://cms.example.org/news/102",
        "https://cms.example.org/news/103",
    ]
    assert len({e.guid for e in feed.entries}) == 3
    assert feed.warnings == ("3 entries share a guid with an entry linking elsewhere: all kept",)
    # the same guids whatever the order, so a re-poll never swaps two articles
    body = (GOLDEN / "shared-guid.rss").read_bytes()
    items = body.split(b"<item>")
    swapped = b"<item>".join([items[0], items[2], items[1], *items[3:]])
    assert {e.guid for e in parse_feed(swapped, FEED_URL).entries} == {e.guid for e in feed.entries}


def test_truncated_documents_say_so() -> None:
    feed = load("truncated.rss")
    assert feed.warnings == ("malformed XML at line 6: 1 entry recovered",)
    assert [e.title for e in feed.entries] == ["First story is whole"]
    fragment = load("fragment-only.rss")
    assert fragment.entries == ()
    assert fragment.warnings == ("malformed XML at line 1: no entries",)


def test_rss_090_is_read() -> None:
    feed = load("rss090.rdf")
    assert feed.title == "An RSS 0.90 channel"
    assert [e.title for e in feed.entries] == [
        "Ministry denies the report",
        "Police accused of cover-up",
    ]


def test_undeclared_legacy_charset_is_detected() -> None:
    feed = load("undeclared-cp1251.rss")
    assert feed.title == "Новости без объявленной кодировки"
    assert feed.entries[0].title.startswith("Министерство обороны отвергло")
