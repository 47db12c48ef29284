"""/summary names parties as well as an alert does: the parser reads the parties of the
stories an answer shows when it has not read them yet (a first poll's backfill), once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.delivery.summary import summarize
from bot.matcher.parser import PARSER_VERSION
from bot.matching import match_pending
from bot.poller import Poller
from bot.query import parse
from storage.db import Database
from storage.feeds import FeedRepository
from storage.models import MatchRow
from tests.conftest import make_settings
from tests.feedserver import FeedServer, kyiv_post_rss
from tests.stories import own


async def test_summary_reads_the_parties_of_what_it_shows(
    sqlite_db: Database, feed_server: FeedServer
) -> None:
    story = own()
    url = feed_server.add("/news.xml", body=kyiv_post_rss(("1", story.headline, story.html)))
    with sqlite_db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    settings = make_settings(str(sqlite_db.engine.url))
    await Poller(sqlite_db, settings).poll(include_not_due=True)
    assert len(match_pending(sqlite_db).flagged_item_ids) == 1

    def parsed_versions() -> list[int]:
        with sqlite_db.session() as session:
            return list(session.scalars(select(MatchRow.roles_version)))

    assert parsed_versions() == [0]  # the matcher stage alone: rule parties
    since = datetime.now(UTC) - timedelta(days=1)
    preview = summarize(sqlite_db, parse(""), since, parse_first=0)
    assert len(preview.items) == 1 and parsed_versions() == [0]  # a preview parses nothing
    (item,) = summarize(sqlite_db, parse("russia"), since).items
    assert parsed_versions() == [PARSER_VERSION]
    assert "German government" in item.accuser
    assert "Russian embassy in Berlin" in item.denier
