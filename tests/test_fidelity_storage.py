"""What storage does with what the parser found, on SQLite and PostgreSQL: dates clamped to the
moment an item is first seen, two articles under one guid kept apart, feed warnings recorded
(and logged once), feed URLs recognised however they are spelled."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.feeds import add_feed, export_opml, import_opml, list_feeds, remove_feed
from bot.parse import parse_feed
from bot.types import FeedUpdate
from storage.db import Database
from storage.feeds import FeedRepository
from storage.items import ItemRepository
from storage.models import Feed, Item

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
GOLDEN = Path(__file__).parent / "data" / "golden"


def feed_id(db: Database, url: str = "https://golden.example.org/feed") -> int:
    with db.session() as session:
        feed, _ = FeedRepository(session).add(url, now=NOW)
        return feed.id


def test_future_dates_are_clamped_to_first_seen(db: Database) -> None:
    parsed = parse_feed((GOLDEN / "dates.rss").read_bytes(), "https://golden.example.org/feed")
    fid = feed_id(db)
    with db.session() as session:
        ItemRepository(session).ingest(fid, parsed.entries, NOW)
    with db.session() as session:
        dates = {t: p for t, p in session.execute(select(Item.title, Item.published_at))}
    assert dates["A normal date"] == datetime(2021, 9, 6, 14, 45, tzinfo=UTC)
    assert dates["A typo in the year"] == NOW  # 2100: later than first seen
    assert dates["A placeholder date"] is None  # 9999: not a date at all
    assert dates["No date at all, only words"] is None


def test_two_articles_under_one_guid_are_two_items(db: Database) -> None:
    body = (GOLDEN / "shared-guid.rss").read_bytes()
    parsed = parse_feed(body, "https://golden.example.org/feed")
    fid = feed_id(db)
    with db.session() as session:
        first = ItemRepository(session).ingest(fid, parsed.entries, NOW)
    assert len(first.new_item_ids) == 3
    with db.session() as session:  # polled again: nothing new, nothing modified
        again = ItemRepository(session).ingest(fid, parsed.entries, NOW + timedelta(minutes=5))
    assert again.new_item_ids == () and again.modified_item_ids == ()
    with db.session() as session:
        titles = sorted(session.scalars(select(Item.title)))
    assert titles == [
        "Army denies shelling the village",
        "Embassy rejects spying accusations",
        "Same guid, same link: one article",
    ]


def update(fid: int, warning: str | None, *, not_modified: bool = False) -> FeedUpdate:
    return FeedUpdate(
        feed_id=fid,
        polled_at=NOW,
        next_poll_at=NOW + timedelta(minutes=15),
        ok=True,
        warning=warning,
        not_modified=not_modified,
    )


def test_feed_warnings_are_recorded_logged_once_and_cleared(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    fid = feed_id(db)
    warning = "malformed XML at line 6: 1 entry recovered"
    with caplog.at_level(logging.WARNING, logger="storage.feeds"):
        for _ in range(3):
            with db.session() as session:
                FeedRepository(session).apply([update(fid, warning)])
    assert [r.getMessage() for r in caplog.records].count(f"feed #{fid} '': {warning}") == 1
    assert list_feeds(db)[0].warning == warning
    with db.session() as session:  # a 304 says nothing about the document
        FeedRepository(session).apply([update(fid, None, not_modified=True)])
    assert list_feeds(db)[0].warning == warning
    with db.session() as session:  # the feed was fixed
        FeedRepository(session).apply([update(fid, None)])
    assert list_feeds(db)[0].warning is None


def test_a_304_in_a_mixed_batch_keeps_what_only_a_document_says(db: Database) -> None:
    """Unchanged feeds are written by their own statement: the same row as before for each
    feed of a batch that mixes 304s, documents and failures."""
    fids = [feed_id(db, f"https://golden.example.org/feed{i}") for i in range(4)]
    later = NOW + timedelta(hours=1)
    with db.session() as session:  # each feed's document seen once: a title, a warning
        FeedRepository(session).apply(
            [
                FeedUpdate(
                    feed_id=fid,
                    polled_at=NOW,
                    next_poll_at=NOW + timedelta(minutes=15),
                    ok=True,
                    title=f"Title {fid}",
                    site_url=f"https://site{fid}.example.org/",
                    etag='"v1"',
                    last_modified="Wed, 01 Jan 2025 00:00:00 GMT",
                    warning="malformed XML",
                )
                for fid in fids
            ]
        )
    with db.session() as session:  # then a 304 (new validators), a new document, a failure
        FeedRepository(session).apply(
            [
                FeedUpdate(
                    feed_id=fids[0],
                    polled_at=later,
                    next_poll_at=later + timedelta(minutes=20),
                    ok=True,
                    etag='"v2"',
                    last_modified="Thu, 02 Jan 2025 00:00:00 GMT",
                    not_modified=True,
                ),
                FeedUpdate(
                    feed_id=fids[1],
                    polled_at=later,
                    next_poll_at=later + timedelta(minutes=25),
                    ok=True,
                    title="New title",
                    etag='"w2"',
                ),
                FeedUpdate(
                    feed_id=fids[2],
                    polled_at=later,
                    next_poll_at=later + timedelta(minutes=30),
                    ok=False,
                    error="HTTP 500",
                    consecutive_failures=1,
                ),
                FeedUpdate(  # another moment in the same batch
                    feed_id=fids[3],
                    polled_at=later + timedelta(seconds=1),
                    next_poll_at=later + timedelta(minutes=35),
                    ok=True,
                    etag='"v1"',
                    not_modified=True,
                ),
            ]
        )
    with db.session() as session:
        rows = {f.id: f for f in session.scalars(select(Feed).where(Feed.id.in_(fids)))}
        unchanged, changed, failed, other = (rows[fid] for fid in fids)
        assert (unchanged.title, unchanged.site_url, unchanged.warning) == (
            f"Title {fids[0]}",
            f"https://site{fids[0]}.example.org/",
            "malformed XML",
        )
        assert (unchanged.etag, unchanged.last_modified) == (
            '"v2"',
            "Thu, 02 Jan 2025 00:00:00 GMT",
        )
        assert unchanged.last_polled_at == unchanged.last_success_at == later
        assert unchanged.first_success_at == NOW
        assert unchanged.next_poll_at == later + timedelta(minutes=20)
        assert (unchanged.consecutive_failures, unchanged.last_error) == (0, None)
        assert (changed.title, changed.etag, changed.warning) == ("New title", '"w2"', None)
        assert changed.site_url == f"https://site{fids[1]}.example.org/"
        assert (failed.last_error, failed.consecutive_failures) == ("HTTP 500", 1)
        assert failed.etag == '"v1"' and failed.last_success_at == NOW
        assert other.last_polled_at == later + timedelta(seconds=1)
        assert other.next_poll_at == later + timedelta(minutes=35)
        assert (other.title, other.last_modified) == (f"Title {fids[3]}", None)


@pytest.mark.parametrize(
    "spelling",
    [
        "HTTP://Feeds.Example.org/feed.xml",
        "http://feeds.example.org/feed.xml#x",
        "http://feeds.example.org:80/feed.xml",
    ],
)
def test_one_feed_however_it_is_spelled(db: Database, spelling: str) -> None:
    assert add_feed(db, "http://feeds.example.org/feed.xml", now=NOW)
    assert not add_feed(db, spelling, now=NOW)
    assert [f.url for f in list_feeds(db)] == ["http://feeds.example.org/feed.xml"]


def test_a_feed_stored_before_normalising_is_still_found(db: Database) -> None:
    with db.session() as session:  # as an older version stored it
        FeedRepository(session).add("HTTP://Old.Example.org/rss?b=2&a=1", now=NOW)
    assert not add_feed(db, "http://old.example.org/rss?a=1&b=2#top", now=NOW)
    assert len(list_feeds(db)) == 1
    assert remove_feed(db, "http://OLD.example.org:80/rss?a=1&b=2") == (
        "HTTP://Old.Example.org/rss?b=2&a=1"
    )
    assert list_feeds(db) == []


def test_opml_round_trip_keeps_per_feed_settings(db: Database, tmp_path: Path) -> None:
    add_feed(db, "https://a.example.org/rss", now=NOW, interval=600, fetch_articles=False)
    add_feed(db, "https://b.example.org/rss", now=NOW, fetch_articles=True)
    add_feed(db, "https://c.example.org/rss", now=NOW)
    exported = export_opml(db, now=NOW)
    other = Database.open(f"sqlite:///{tmp_path / 'other.db'}")
    try:
        report = import_opml(other, exported.encode(), now=NOW)
        settings = {f.url: (f.interval, f.fetch_articles) for f in list_feeds(other)}
    finally:
        other.dispose()
    assert report.added == 3
    assert settings == {
        "https://a.example.org/rss": (600.0, False),
        "https://b.example.org/rss": (None, True),
        "https://c.example.org/rss": (None, None),
    }
