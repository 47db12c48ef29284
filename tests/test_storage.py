"""Storage on SQLite and PostgreSQL: migrations, idempotent ingest, sources, modifications."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.parse import content_hash
from bot.types import FeedUpdate, ParsedEntry
from storage.db import Database
from storage.feeds import FeedRepository
from storage.items import ItemRepository
from storage.migrations import HEAD_REVISION
from storage.models import Item, ItemSource

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def entry(guid: str, url: str | None, title: str = "T", summary: str = "S") -> ParsedEntry:
    return ParsedEntry(
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        content="",
        author="",
        published_at=NOW - timedelta(hours=1),
        updated_at=None,
        content_hash=content_hash(title, summary, ""),
    )


def add_feed(db: Database, url: str) -> int:
    with db.session() as session:
        feed, created = FeedRepository(session).add(url, now=NOW)
        assert created
        return feed.id


def test_head_revision_constant_matches_alembic() -> None:
    from storage.migrations.runner import script_head

    assert script_head() == HEAD_REVISION


def test_migrations_are_applied_once(db: Database, db_url: str) -> None:
    assert db.current_revision() == HEAD_REVISION
    again = Database.open(db_url)  # already current: a no-op
    assert again.current_revision() == HEAD_REVISION
    again.dispose()


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_ingest_is_idempotent(db: Database) -> None:
    feed_id = add_feed(db, "https://a.example/feed")
    entries = [entry("g1", "https://a.example/1"), entry("g2", "https://a.example/2")]
    with db.session() as session:
        first = ItemRepository(session).ingest(feed_id, entries, NOW)
    with db.session() as session:
        second = ItemRepository(session).ingest(feed_id, entries, NOW + timedelta(minutes=5))
    assert len(first.new_item_ids) == 2
    assert second.new_item_ids == () and second.modified_item_ids == ()
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Item)) == 2
        assert session.scalar(select(func.count()).select_from(ItemSource)) == 2


def test_same_article_from_two_feeds_is_one_item_with_two_sources(db: Database) -> None:
    a = add_feed(db, "https://a.example/feed")
    b = add_feed(db, "https://b.example/feed")
    with db.session() as session:
        first = ItemRepository(session).ingest(a, [entry("a-1", "https://news.example/x")], NOW)
    with db.session() as session:
        second = ItemRepository(session).ingest(
            b, [entry("b-77", "https://news.example/x", summary="Other summary")], NOW
        )
    assert len(first.new_item_ids) == 1
    assert second.new_item_ids == ()
    assert second.linked_item_ids == first.new_item_ids
    with db.session() as session:
        assert ItemRepository(session).feeds_of(first.new_item_ids[0]) == [a, b]
    # Two feeds with different summaries of one article do not flip it "modified" forever.
    for _ in range(2):
        with db.session() as session:
            repo = ItemRepository(session)
            assert (
                repo.ingest(a, [entry("a-1", "https://news.example/x")], NOW).modified_item_ids
                == ()
            )
            again = repo.ingest(
                b, [entry("b-77", "https://news.example/x", summary="Other summary")], NOW
            )
            assert again.modified_item_ids == ()


def test_entries_without_links_stay_apart_per_feed(db: Database) -> None:
    a = add_feed(db, "https://a.example/feed")
    b = add_feed(db, "https://b.example/feed")
    with db.session() as session:
        repo = ItemRepository(session)
        one = repo.ingest(a, [entry("same-guid", None)], NOW)
        two = repo.ingest(b, [entry("same-guid", None)], NOW)
    assert one.new_item_ids != two.new_item_ids


def test_changed_content_is_a_modification_not_a_new_item(db: Database) -> None:
    feed_id = add_feed(db, "https://a.example/feed")
    original = entry("g1", "https://a.example/1", title="Minister denies report")
    with db.session() as session:
        (item_id,) = ItemRepository(session).ingest(feed_id, [original], NOW).new_item_ids
    edited = replace(
        original,
        title="Minister denies report, calls it lies",
        content_hash=content_hash("Minister denies report, calls it lies", "S", ""),
    )
    later = NOW + timedelta(hours=1)
    with db.session() as session:
        result = ItemRepository(session).ingest(feed_id, [edited], later)
    assert result.new_item_ids == ()
    assert result.modified_item_ids == (item_id,)
    with db.session() as session:
        item = ItemRepository(session).get(item_id)
        assert item is not None
        assert item.title == "Minister denies report, calls it lies"
        assert item.modified_count == 1
        assert item.modified_at == later
        assert item.first_seen_at == NOW
    with db.session() as session:  # same edit again: nothing
        assert ItemRepository(session).ingest(feed_id, [edited], later).modified_item_ids == ()


def test_hostile_text_round_trips(db: Database) -> None:
    feed_id = add_feed(db, "https://a.example/feed")
    odd = entry(
        "g\u202e1",
        "https://a.example/\u00e9",
        title="\U0001f600 <b>&amp;</b> \u0000",
        summary="x" * 50_000,
    )
    odd = replace(odd, title="\U0001f600 <b>&amp;</b>")
    with db.session() as session:
        (item_id,) = ItemRepository(session).ingest(feed_id, [odd], NOW).new_item_ids
    with db.session() as session:
        item = ItemRepository(session).get(item_id)
        assert item is not None and item.title == "\U0001f600 <b>&amp;</b>"
        assert len(item.summary) == 50_000


def test_feed_updates_and_due_selection(db: Database) -> None:
    feed_id = add_feed(db, "https://a.example/feed")
    with db.session() as session:
        repo = FeedRepository(session)
        assert [f.id for f in repo.due(NOW)] == [feed_id]
        repo.apply(
            [
                FeedUpdate(
                    feed_id=feed_id,
                    polled_at=NOW,
                    next_poll_at=NOW + timedelta(minutes=15),
                    ok=True,
                    title="A feed",
                    etag='"v1"',
                    last_modified="Mon, 01 Jan 2024 00:00:00 GMT",
                )
            ]
        )
    with db.session() as session:
        repo = FeedRepository(session)
        assert repo.due(NOW) == []
        assert [f.id for f in repo.due(NOW, include_not_due=True)] == [feed_id]
        (state,) = repo.due(NOW + timedelta(minutes=16))
        assert state.etag == '"v1"'
        (info,) = repo.list_info()
        assert info.title == "A feed" and info.last_success_at == NOW
        repo.apply(
            [
                FeedUpdate(
                    feed_id=feed_id,
                    polled_at=NOW,
                    next_poll_at=NOW,
                    ok=False,
                    error="HTTP 410 Gone",
                    consecutive_failures=1,
                    disable_reason="gone",
                )
            ]
        )
    with db.session() as session:
        repo = FeedRepository(session)
        assert repo.due(NOW + timedelta(days=1)) == []
        (info,) = repo.list_info()
        assert info.disabled and info.last_error == "HTTP 410 Gone"
        assert info.last_success_at == NOW  # the last success is kept


def test_sightings_read_what_flagged_items_say(db: Database) -> None:
    """`sightings` is the cheap read of a first ingest's backfill check: for every flagged
    item it must say what `flagged` says (first seen, published, first poll), in order."""
    from bot.matcher import MATCHER_VERSION
    from bot.verdicts import VerdictRow
    from storage.matches import MatchRepository

    first, later = add_feed(db, "https://a.example/feed"), add_feed(db, "https://b.example/feed")
    polled = {first: NOW, later: NOW - timedelta(days=1)}  # `later` succeeded a day earlier
    with db.session() as session:
        items = ItemRepository(session)
        (one,) = items.ingest(first, [entry("1", "https://x.example/1")], NOW).new_item_ids
        (two,) = items.ingest(later, [entry("2", "https://x.example/2")], NOW).new_item_ids
        both = items.ingest(first, [entry("3", "https://x.example/3")], NOW).new_item_ids[0]
        items.ingest(later, [entry("3b", "https://x.example/3")], NOW)  # the same article
        (quiet,) = items.ingest(first, [entry("4", "https://x.example/4")], NOW).new_item_ids
        FeedRepository(session).apply(
            [
                FeedUpdate(feed_id=f, polled_at=at, next_poll_at=at, ok=True)
                for f, at in polled.items()
            ]
        )
        flagged: VerdictRow = (True, False, False, 0.9, 0.0, 0.0, "", "", "", "", "en", "[]")
        calm: VerdictRow = (False, False, False, 0.0, 0.0, 0.0, "", "", "", "", "en", "[]")
        rows = [(one, flagged), (two, flagged), (both, flagged), (quiet, calm)]
        MatchRepository(session).save_rows(rows, MATCHER_VERSION, NOW)
    ids = [both, quiet, two, one]
    with db.session() as session:
        matches = MatchRepository(session)
        sightings = matches.sightings(ids)
        expected = [
            (f.item_id, f.first_seen_at, f.published_at, f.first_poll) for f in matches.flagged(ids)
        ]
    found = [(s.item_id, s.first_seen_at, s.published_at, s.first_poll) for s in sightings]
    assert found == expected
    assert [s.item_id for s in sightings] == [both, two, one]  # `quiet` is not flagged
    assert [s.first_poll for s in sightings] == [False, False, True]


def test_count_pending_counts_what_pending_answers(db: Database) -> None:
    """Items without a verdict and items with an older matcher's verdict are pending; ones
    judged by the current matcher are not (count_pending counts without a join)."""
    from bot.verdicts import VerdictRow
    from storage.matches import MatchRepository

    feed = add_feed(db, "https://a.example/feed")
    calm: VerdictRow = (False, False, False, 0.0, 0.0, 0.0, "", "", "", "", "en", "[]")
    with db.session() as session:
        entries = [entry(str(i), f"https://x.example/{i}") for i in range(6)]
        ids = ItemRepository(session).ingest(feed, entries, NOW).new_item_ids
        matches = MatchRepository(session)
        matches.save_rows([(ids[0], calm), (ids[1], calm)], 3, NOW)  # an older matcher's
        matches.save_rows([(ids[2], calm)], 4, NOW)
    with db.session() as session:
        matches = MatchRepository(session)
        for version in (3, 4, 5):
            assert matches.count_pending(version) == len(matches.pending(version, 100))
        assert matches.count_pending(4) == 5  # three never judged, two by version 3
