"""A date in the future must not make an article "recent" on a feed's first poll (issue 11).

Storage clamps such a date to the first-seen time; bot/alerts.is_backfill then reads it as
saying nothing about the article being new.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.alerts import is_backfill
from bot.types import FlaggedItem

NOW = datetime(2025, 5, 1, 12, 0, tzinfo=UTC)


def item(published: datetime | None) -> FlaggedItem:
    return FlaggedItem(
        item_id=1,
        title="Embassy denies report",
        url=None,
        allegation=False,
        denial=True,
        official_denial=True,
        accuser="",
        accused="",
        denier="embassy",
        claim="",
        first_seen_at=NOW,
        published_at=published,
        first_poll=True,
    )


def test_dates_that_say_something_are_judged_as_before() -> None:
    assert not is_backfill(item(NOW - timedelta(minutes=10)))  # fresh: alerted
    assert is_backfill(item(NOW - timedelta(days=3)))  # old: stored silently
    assert is_backfill(item(None))  # unknown: stored silently


def test_a_clamped_future_date_is_not_recent_on_a_first_poll() -> None:
    assert is_backfill(item(NOW))  # was "Fri, 31 Dec 2099": clamped to first seen
