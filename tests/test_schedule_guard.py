"""The pure poll-scheduling decider and the internal-address guard."""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import BlockedAddressError, FeedFetchError, FeedHTTPError
from bot.netguard import AddressGuard
from bot.parse import content_hash
from bot.schedule import PollPolicy, decide_failure, decide_success, publishing_gap
from bot.types import FeedState, FetchedFeed, ParsedEntry, ParsedFeed

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
POLICY = PollPolicy(default_interval=900, min_interval=300, max_interval=43200)
STATE = FeedState(id=1, url="https://x.example/feed")
FETCHED = FetchedFeed(url=STATE.url, status=200, body=b"<rss/>")


def feed_with_gap(minutes: float, count: int = 6, ttl: float | None = None) -> ParsedFeed:
    entries = tuple(
        ParsedEntry(
            guid=str(i),
            url=None,
            title="t",
            summary="",
            content="",
            author="",
            published_at=NOW - timedelta(minutes=minutes * i),
            updated_at=None,
            content_hash=content_hash("t", "", ""),
        )
        for i in range(count)
    )
    return ParsedFeed(title="f", site_url=None, entries=entries, ttl=ttl)


def next_in(update_at: datetime) -> float:
    return (update_at - NOW).total_seconds()


@pytest.mark.parametrize("jitter", [0.0, 0.5, 0.999])
def test_default_interval_with_jitter(jitter: float) -> None:
    update = decide_success(STATE, POLICY, FETCHED, None, NOW, jitter)
    assert 900 * 0.9 <= next_in(update.next_poll_at) <= 900 * 1.1
    assert update.ok and update.consecutive_failures == 0


def test_busy_feeds_are_polled_sooner_and_quiet_ones_later() -> None:
    busy = decide_success(STATE, POLICY, FETCHED, feed_with_gap(2), NOW, 0.5)
    quiet = decide_success(STATE, POLICY, FETCHED, feed_with_gap(600), NOW, 0.5)
    assert next_in(busy.next_poll_at) == pytest.approx(450)  # base / 2, above the minimum
    assert next_in(quiet.next_poll_at) == pytest.approx(900 * 8)  # capped at base * 8


def test_server_hints_are_floors_within_the_maximum() -> None:
    with_ttl = decide_success(STATE, POLICY, FETCHED, feed_with_gap(2, ttl=7200), NOW, 0.5)
    assert next_in(with_ttl.next_poll_at) == pytest.approx(7200)
    cached = FetchedFeed(url=STATE.url, status=200, body=b"", max_age=10 * 86400)
    capped = decide_success(STATE, POLICY, cached, None, NOW, 0.5)
    assert next_in(capped.next_poll_at) == pytest.approx(43200)


def test_publishing_gap_needs_three_dates() -> None:
    assert publishing_gap(feed_with_gap(10, count=2)) is None
    assert publishing_gap(feed_with_gap(10, count=3)) == 600


def test_failures_back_off_exponentially_up_to_the_cap() -> None:
    delays = []
    state = STATE
    for _ in range(12):
        update = decide_failure(state, POLICY, FeedFetchError(state.url, "down"), NOW, 0.5)
        delays.append(next_in(update.next_poll_at))
        state = FeedState(id=1, url=state.url, consecutive_failures=update.consecutive_failures)
    assert delays[:4] == [900, 1800, 3600, 7200]
    assert max(delays) == POLICY.backoff_max
    assert delays == sorted(delays)


def test_retry_after_and_gone() -> None:
    limited = FeedHTTPError(STATE.url, 429, "HTTP 429", retry_after=5000)
    assert next_in(decide_failure(STATE, POLICY, limited, NOW, 0.5).next_poll_at) == 5000
    gone = decide_failure(STATE, POLICY, FeedHTTPError(STATE.url, 410, "HTTP 410"), NOW, 0.5)
    assert gone.disable_reason and "410" in gone.disable_reason


def test_disabled_after_max_failures() -> None:
    policy = PollPolicy(max_failures=3)
    state = FeedState(id=1, url=STATE.url, consecutive_failures=2)
    update = decide_failure(state, policy, FeedFetchError(STATE.url, "DNS"), NOW, 0.5)
    assert update.disable_reason == "disabled after 3 failures in a row; last: DNS"


# The guard: only loopback addresses are used as examples, allowed or not.
def test_guard_allows_only_listed_loopback() -> None:
    guard = AddressGuard([ipaddress.ip_network("127.0.0.1/32")])
    assert guard.is_allowed(ipaddress.ip_address("127.0.0.1"))
    assert not guard.is_allowed(ipaddress.ip_address("127.0.0.2"))
    assert not guard.is_allowed(ipaddress.ip_address("::1"))
    assert not guard.is_allowed(ipaddress.ip_address("::ffff:127.0.0.2"))  # IPv4-mapped
    assert guard.is_allowed(ipaddress.ip_address("::ffff:127.0.0.1"))
    assert not AddressGuard().is_allowed(ipaddress.ip_address("127.0.0.1"))


def test_guard_checks_ip_literal_urls() -> None:
    guard = AddressGuard([ipaddress.ip_network("127.0.0.1/32")])
    guard.check_url("http://127.0.0.1:8080/feed")
    guard.check_url("https://host.example/feed")  # names are checked by the resolver
    with pytest.raises(BlockedAddressError, match=r"internal address 127\.0\.0\.2"):
        guard.check_url("http://127.0.0.2/feed")
    with pytest.raises(BlockedAddressError, match=r"internal address ::1"):
        guard.check_url("http://[::1]/feed")
