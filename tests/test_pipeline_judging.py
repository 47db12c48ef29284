"""A feed's first poll is judged while it is fetched: the parse workers judge every entry, the
verdicts are stored with the items in the same transaction, and they are exactly the verdicts
the matcher stage would have made (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.matcher import MATCHER_VERSION, MatchInput, match
from bot.matching import match_pending
from bot.parsepool import POOL_MIN_FEEDS
from storage.db import Database
from storage.feeds import FeedRepository
from storage.models import Item, MatchRow
from tests.feedserver import FeedServer
from tests.test_poller import poll, rss

HEADLINES = (
    "Ministry rejects accusations of fraud as baseless",
    "Weather: sunny spells across the north",
    "Opposition accuses mayor of rigging tender",
)


async def test_first_polls_are_judged_by_the_workers(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    count = POOL_MIN_FEEDS + 2
    with db.session() as session:
        for i in range(count):
            titles = [f"{h} ({i})" for h in HEADLINES]
            url = feed_server.add(f"/f{i}.xml", body=rss(*titles, channel=f"Feed {i}"))
            FeedRepository(session).add(url, now=datetime.now(UTC))
    report = await poll(db, db_url, parse_workers=2)

    judged = report.judged
    assert len(judged) == count * len(HEADLINES)  # every new item, during the poll
    assert match_pending(db).matched == 0  # nothing left for the matcher stage
    with db.session() as session:
        rows = session.execute(
            select(Item.title, Item.summary, MatchRow).join(MatchRow, MatchRow.item_id == Item.id)
        ).all()
    assert len(rows) == count * len(HEADLINES)
    for title, summary, row in rows:
        expected = match(MatchInput(title=title, text=summary))
        assert row.matcher_version == MATCHER_VERSION
        assert (row.allegation, row.denial, row.official_denial) == (
            expected.allegation,
            expected.denial,
            expected.official_denial,
        ), title
        assert row.denier == expected.denier
    flagged = report.with_verdicts(match_pending(db)).flagged_item_ids
    assert len(flagged) == 2 * count  # the rejection and the accusation of every feed

    # A later poll that brings a new entry leaves it to the matcher stage (most of a known
    # feed's entries are old: judging them all again would be waste).
    feed_server.routes["/f0.xml"].body = rss(
        *[f"{h} (0)" for h in HEADLINES], "Embassy denies spying claims", channel="Feed 0"
    )
    again = await poll(db, db_url, parse_workers=2)
    assert again.judged == []
    assert match_pending(db).matched == 1


async def test_worker_verdicts_store_every_column_the_matcher_gives(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    """The workers send verdicts back as bare rows (bot.verdicts); every stored column,
    scores and evidence JSON included, is what match() gives for the stored item."""
    count = POOL_MIN_FEEDS + 1
    with db.session() as session:
        for i in range(count):
            titles = [f"{h} ({i})" for h in HEADLINES]
            url = feed_server.add(f"/g{i}.xml", body=rss(*titles, channel=f"Feed {i}"))
            FeedRepository(session).add(url, now=datetime.now(UTC))
    await poll(db, db_url, parse_workers=2)
    with db.session() as session:
        rows = session.execute(
            select(Item.title, Item.summary, MatchRow).join(MatchRow, MatchRow.item_id == Item.id)
        ).all()
    assert len(rows) == count * len(HEADLINES)
    for title, summary, row in rows:
        expected = match(MatchInput(title=title, text=summary))
        scores = expected.scores
        assert (
            row.score_allegation,
            row.score_denial,
            row.score_official,
            row.accuser,
            row.accused,
            row.claim,
            row.language,
            row.roles_version,
        ) == (
            scores.get("allegation", 0.0),
            scores.get("denial", 0.0),
            scores.get("official_denial", 0.0),
            expected.accuser,
            expected.accused,
            expected.claim,
            expected.language,
            0,
        ), title
        assert json.loads(row.evidence) == expected.as_json()["evidence"], title
    assert any(row.evidence != "[]" for _t, _s, row in rows)
