"""Borderline items with only a short summary are read in full from the article page, through
the same address guard, once, and judged again (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.articles import BORDERLINE, extract_article
from bot.matcher import MatchInput, match
from bot.matching import judge_new
from bot.poller import Poller
from storage.db import Database
from storage.feeds import FeedRepository
from storage.models import Item
from tests.conftest import make_settings
from tests.feedserver import FeedServer

ARTICLE = (
    b"<html><head><title>Minister accused</title></head><body><nav>Home | World</nav>"
    b"<article><h1>Minister accused over contracts</h1>"
    b"<p>The opposition accused the minister of corruption and bribery in the award of state "
    b"contracts worth millions, according to documents seen by reporters this week.</p>"
    b"<p>His office called the accusations baseless and said every tender had followed the "
    b"law, adding that it would publish the documents in full.</p></article>"
    b"<footer>Copyright</footer></body></html>"
)


# Short items about the article above, from the vaguest to ones that name a denial: the
# test reads in full the first one the shipped matcher leaves borderline (an allegation
# scored in BORDERLINE, not flagged). Which one that is moves as the model is retrained;
# that some short item stays borderline is itself checked.
SHORT_ITEMS = (
    ("Minister faces investigation over contracts", "Opposition lawmakers spoke on Tuesday."),
    ("Fresh bid to dismiss minister contracts case", "Opposition lawmakers spoke on Tuesday."),
    ("Minister under scrutiny over state contracts", "The ministry has not commented."),
    (
        "Minister rejects contracts report",
        "Documents seen by reporters raise questions about the tenders.",
    ),
    ("Minister rejects contracts report", "The ministry has not commented."),
)


def borderline_item() -> tuple[str, str]:
    for title, summary in SHORT_ITEMS:
        result = match(MatchInput(title=title, text=summary))
        if not result.allegation and BORDERLINE[0] <= result.scores["allegation"] <= BORDERLINE[1]:
            return title, summary
    raise AssertionError("no short item is borderline: nothing would ever be read in full")


def feed_with_link(link: str) -> bytes:
    title, summary = borderline_item()
    return (
        "<rss version='2.0'><channel><title>Wire</title><item>"
        f"<title>{title}</title>"
        f"<link>{link}</link><guid>{link}</guid>"
        f"<description>{summary}</description>"
        "</item></channel></rss>"
    ).encode()


async def poll_and_judge(db: Database, db_url: str, url: str, fetch: bool | None = None) -> None:
    with db.session() as session:
        feed, _ = FeedRepository(session).add(url, now=datetime.now(UTC))
        feed.fetch_articles = fetch
    settings = make_settings(db_url)
    await Poller(db, settings).poll(include_not_due=True)


async def test_borderline_item_is_read_in_full(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    article = feed_server.add(
        "/article.html", body=ARTICLE, headers={"Content-Type": "text/html; charset=utf-8"}
    )
    await poll_and_judge(db, db_url, feed_server.add("/feed.xml", body=feed_with_link(article)))
    report = await judge_new(db, make_settings(db_url))
    assert report.articles_read == 1
    assert report.allegations == 1 and report.denials == 1
    with db.session() as session:
        item = session.scalar(select(Item))
        assert item is not None and "corruption and bribery" in item.content
        assert "Home | World" not in item.content  # page furniture is dropped
    await judge_new(db, make_settings(db_url))
    assert feed_server.hits("/article.html") == 1  # read once


async def test_article_pages_go_through_the_address_guard(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    feed_server.add("/article.html", body=ARTICLE)
    inside = feed_server.url("/article.html", host="127.0.0.2")
    await poll_and_judge(db, db_url, feed_server.add("/feed.xml", body=feed_with_link(inside)))
    report = await judge_new(db, make_settings(db_url))
    assert report.articles_read == 0 and report.allegations == 0
    assert feed_server.hits("/article.html") == 0
    with db.session() as session:
        item = session.scalar(select(Item))
        assert item is not None and item.article_fetched_at is not None and item.content == ""


async def test_feeds_can_opt_out(db: Database, db_url: str, feed_server: FeedServer) -> None:
    article = feed_server.add("/article.html", body=ARTICLE)
    url = feed_server.add("/feed.xml", body=feed_with_link(article))
    await poll_and_judge(db, db_url, url, fetch=False)
    report = await judge_new(db, make_settings(db_url))
    assert report.articles_read == 0
    assert feed_server.hits("/article.html") == 0


def test_extract_article_never_raises_on_junk() -> None:
    for junk in (b"", b"\x00\xff\xfe", b"<html>", "<p>" * 10_000, b"%PDF-1.4 binary"):
        assert isinstance(extract_article(junk), str)
