"""A feed whose document had to be worked around says so, end to end: served over real HTTP,
polled, stored on the feed, shown by `feeds list` (issue 9 §2, issue 11)."""

from __future__ import annotations

from pathlib import Path

from bot.feeds import list_feeds
from bot.report import feeds_table
from storage.db import Database
from tests.feedserver import FeedServer
from tests.test_poller import add, poll, rss

GOLDEN = Path(__file__).parent / "data" / "golden"


async def test_a_truncated_feed_is_reported_until_it_is_whole(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = feed_server.add("/cut.xml", body=(GOLDEN / "truncated.rss").read_bytes())
    feed_id = add(db, url)
    report = await poll(db, db_url)
    assert len(report.new_item_ids) == 1  # the whole entry, not the fragment after it
    (feed,) = [f for f in list_feeds(db) if f.id == feed_id]
    assert feed.warning == "malformed XML at line 6: 1 entry recovered"
    assert feed.last_error is None  # a warning, not a failure: the feed keeps being polled
    row = next(line for line in feeds_table(list_feeds(db), feed.next_poll_at).splitlines()[1:])
    assert "warning: malformed XML at line 6: 1 entry recovered" in row

    feed_server.add("/cut.xml", body=rss("Whole again"))
    await poll(db, db_url)
    (feed,) = [f for f in list_feeds(db) if f.id == feed_id]
    assert feed.warning is None


async def test_a_fragment_only_document_says_no_entries(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = feed_server.add("/frag.xml", body=(GOLDEN / "fragment-only.rss").read_bytes())
    feed_id = add(db, url)
    report = await poll(db, db_url)
    assert report.new_item_ids == []
    (feed,) = [f for f in list_feeds(db) if f.id == feed_id]
    assert feed.warning == "malformed XML at line 1: no entries"
