"""The project's own articles (tests/fixtures, written for claimwatch) through the matcher and
the stored pipeline, so the main path is proven on any clone: a state's embassy calling an
accusation lies and a ministry rejecting one are official denials, a private person's denial
through a lawyer is a denial but not an official one."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.matcher import MatchInput, match
from bot.matching import match_pending
from bot.poller import Poller
from storage.db import Database
from storage.feeds import FeedRepository
from tests.conftest import make_settings
from tests.feedserver import FeedServer, kyiv_post_rss
from tests.stories import FIXTURES, Story, own_article

EXPECTED = {  # file: (allegation, denial, official denial, a word the denier must hold)
    "embassy-denial.txt": (True, True, True, "embassy"),
    "ministry-denial.txt": (True, True, True, "ministry"),
    "private-denial.txt": (True, True, False, ""),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_own_articles_are_judged_as_the_guidelines_say(name: str) -> None:
    headline, paragraphs = own_article(name)
    result = match(MatchInput(headline, "\n".join(paragraphs)))
    allegation, denial, official, denier = EXPECTED[name]
    assert (result.allegation, result.denial, result.official_denial) == (
        allegation,
        denial,
        official,
    )
    assert denier.lower() in result.denier.lower()


def test_the_embassy_article_names_both_sides_and_quotes_the_denial(story: Story) -> None:
    result = match(MatchInput(story.headline, "\n".join(story.paragraphs)))
    accuser, denier, quote = story.must_say
    assert accuser in result.accuser
    assert denier in result.denier
    denials = [e.text for e in result.evidence if e.label == "denial"]
    assert denials and quote in denials[0]


def test_own_russian_and_ukrainian_headlines() -> None:
    for line in (FIXTURES / "ru-uk.jsonl").read_text().splitlines():
        item = json.loads(line)
        result = match(MatchInput(item["title"], ""))
        got = (result.allegation, result.denial, result.official_denial)
        want = (bool(item["allegation"]), bool(item["denial"]), bool(item["official_denial"]))
        assert got == want, item["title"]


def summary(db_url: str, *query: str) -> subprocess.CompletedProcess[str]:
    claimwatch = str(Path(sys.executable).with_name("claimwatch"))
    return subprocess.run(
        [claimwatch, "summary", "--since", "3650d", *query],
        env={"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


async def test_summary_of_official_denials_lists_the_state_and_the_ministry(
    db: Database, db_url: str, feed_server: FeedServer
) -> None:
    entries = []
    for n, name in enumerate(sorted(EXPECTED), start=1):
        headline, paragraphs = own_article(name)
        entries.append((str(n), headline, "".join(f"<p>{p}</p>" for p in paragraphs)))
    url = feed_server.add("/news.xml", body=kyiv_post_rss(*entries))
    with db.session() as session:
        FeedRepository(session).add(url, now=datetime.now(UTC))
    await Poller(db, make_settings(db_url)).poll(include_not_due=True)
    assert len(match_pending(db).flagged_item_ids) == 3

    done = summary(db_url, "label:official")
    assert done.stdout.startswith("2 flagged"), done.stdout
    assert "embassy" in done.stdout.lower() and "ministry" in done.stdout.lower()
    assert "coach" not in done.stdout.lower()
