"""The matcher stage of the pipeline: a local feed serves the seed article, the poller stores
it, the matcher's verdict is stored with the item, re-made when the item changes or on
`rematch`; the parties of flagged items are parsed once and stored (SQLite and PostgreSQL)."""

from __future__ import annotations

import html
import json
from datetime import UTC, datetime

from sqlalchemy import select

from bot.matcher.parser import PARSER_VERSION
from bot.matching import match_pending, rematch, store_parsed_roles
from bot.poller import Poller
from storage.db import Database
from storage.feeds import FeedRepository
from storage.matches import MatchRepository
from storage.models import MatchRow
from tests.conftest import make_settings, shared_path
from tests.feedserver import FeedServer


def article_feed(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.splitlines() if p.strip())
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Kyiv Post</title>"
        f"<item><title>{html.escape(title)}</title><link>https://www.kyivpost.com/post/1</link>"
        "<guid>kp-1</guid><pubDate>Fri, 28 Jul 2023 10:00:00 GMT</pubDate>"
        f"<description>{html.escape(paragraphs)}</description></item></channel></rss>"
    ).encode()


async def test_seed_article_is_flagged_and_stored(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    body = shared_path("corpus", "seed-article.txt").read_text()
    title = "Russia calls White House claims about executions 'other-worldly lies'"
    url = feed_server.add("/kp.xml", body=article_feed(title, body))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)

    report = match_pending(db)
    assert report.matched == 1 and len(report.flagged_item_ids) == 1
    assert match_pending(db).matched == 0  # nothing pending twice
    with db.session() as session:
        (flagged,) = MatchRepository(session).flagged(list(report.flagged_item_ids))
        row = session.scalar(select(MatchRow))
        assert row is not None
        evidence = json.loads(row.evidence)
    assert flagged.allegation and flagged.denial and flagged.official_denial
    assert "White House" in flagged.accuser
    assert "russia" in flagged.denier.lower()  # the title names Russia as the one denying
    assert any("other-worldly lies" in e["text"] for e in evidence)

    # The article changes: its verdict is made again; rematch re-judges everything.
    edited = body.replace("other-worldly lies", "other-worldly lies and slander")
    feed_server.routes["/kp.xml"].body = article_feed(title, edited)
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)
    assert match_pending(db).matched == 1
    assert rematch(db).matched == 1


async def test_unflagged_items_are_judged_once(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = feed_server.add("/weather.xml", body=article_feed("Sunny week ahead", "Warm and dry."))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)
    first = match_pending(db)
    assert first.matched == 1 and first.flagged_item_ids == ()
    assert match_pending(db).matched == 0


async def test_summary_command_filters_flagged_items(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    import subprocess
    import sys
    from pathlib import Path

    body = shared_path("corpus", "seed-article.txt").read_text()
    url = feed_server.add("/kp.xml", body=article_feed("Embassy rejects White House claims", body))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)
    match_pending(db)

    claimwatch = str(Path(sys.executable).with_name("claimwatch"))

    def summary(*query: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [claimwatch, "summary", "--since", "7d", *query],
            env={"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            timeout=60,
        )

    hit = summary("label:official", "actor:embassy", '"other-worldly lies" OR executions')
    assert hit.returncode == 0, hit.stderr
    assert hit.stdout.startswith("1 flagged in the last 7d")
    assert "Embassy rejects White House claims" in hit.stdout
    assert summary("football").stdout.startswith("0 flagged")
    bad = summary('"unclosed')
    assert bad.returncode == 1 and "not closed" in bad.stderr and "Traceback" not in bad.stderr


async def _poll_one(
    db: Database, db_url: str, feed_server: FeedServer, title: str, body: str
) -> None:
    url = feed_server.add("/one.xml", body=article_feed(title, body))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)


BANK_TITLE = "Belarus Bank Denies Money Laundering Charge"
BANK_TEXT = (
    "A bank in Belarus has denied US charges that it laundered money for former Iraqi leader "
    "Saddam Hussein."
)


async def test_flagged_items_get_parser_roles_stored_once(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    await _poll_one(db, db_url, feed_server, BANK_TITLE, BANK_TEXT)
    report = match_pending(db)
    (item_id,) = report.flagged_item_ids
    with db.session() as session:
        (before,) = MatchRepository(session).flagged([item_id])
    assert before.accuser != "US"  # the rules take the headline's words

    assert store_parsed_roles(db) == 1
    assert store_parsed_roles(db) == 0  # parsed once
    with db.session() as session:
        (after,) = MatchRepository(session).flagged([item_id])
        row = session.get(MatchRow, item_id)
        assert row is not None and row.roles_version == PARSER_VERSION
    assert after.accuser == "US"  # "denied US charges": the charges' owner
    assert "bank" in after.accused.lower() and "belarus" in after.denier.lower()
    assert (after.allegation, after.denial, after.official_denial) == (
        before.allegation,
        before.denial,
        before.official_denial,
    )  # labels never depend on the parser

    again = rematch(db)  # a re-made verdict has its parties parsed again
    assert again.roles_parsed == 1


async def test_without_the_parser_the_rule_roles_stand(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    await _poll_one(db, db_url, feed_server, BANK_TITLE, BANK_TEXT)
    (item_id,) = match_pending(db).flagged_item_ids
    assert store_parsed_roles(db, package="no_such_model_pkg") == 0
    with db.session() as session:
        (flagged,) = MatchRepository(session).flagged([item_id])
        row = session.get(MatchRow, item_id)
        assert row is not None and row.roles_version == 0
    assert flagged.accuser and flagged.accuser != "US"


def two_item_feed() -> bytes:
    items = "".join(
        f"<item><title>{html.escape(title)}</title><link>https://news.example/{n}</link>"
        f"<guid>g-{n}</guid><description>{html.escape(text)}</description></item>"
        for n, (title, text) in enumerate(
            [(BANK_TITLE, BANK_TEXT), ("Ministry denies the report", "It called it lies.")]
        )
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>N</title>"
        f"{items}</channel></rss>"
    ).encode()


async def test_parser_roles_for_the_items_asked_then_a_bounded_backlog(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    url = feed_server.add("/two.xml", body=two_item_feed())
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)
    first, second = match_pending(db).flagged_item_ids

    assert store_parsed_roles(db, item_ids=[second]) == 1
    with db.session() as session:
        versions = {i: session.get(MatchRow, i).roles_version for i in (first, second)}  # type: ignore[union-attr]
    assert versions == {first: 0, second: PARSER_VERSION}
    assert store_parsed_roles(db, limit=5) == 1  # the rest of the backlog: the first item
    assert store_parsed_roles(db) == 0
