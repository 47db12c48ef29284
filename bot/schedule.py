"""When to poll a feed next: a pure decider (no I/O, `now` and the jitter are arguments).

Success: the interval starts from the feed's own interval (or the default) and adapts to how
often the feed really publishes (median gap between its recent entries), within
[base / 2, base * 8] and the global bounds. Server hints (Cache-Control max-age, Expires,
RSS <ttl>) are floors: we never come back sooner than the server asks, up to the maximum.

Failure: exponential back-off from the interval, capped, with jitter; Retry-After is a floor;
after `max_failures` in a row (or on 410 Gone) the feed is disabled, which `feeds list` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from bot.errors import FeedError, FeedHTTPError
from bot.redact import redact_text
from bot.types import FeedState, FeedUpdate, FetchedFeed, ParsedFeed

JITTER = 0.1  # ±10 %: spreads feeds added together so they do not stay in lockstep


@dataclass(frozen=True, slots=True)
class PollPolicy:
    default_interval: float = 15 * 60
    min_interval: float = 5 * 60
    max_interval: float = 12 * 3600
    backoff_max: float = 24 * 3600
    max_failures: int = 20


def _jittered(seconds: float, jitter: float) -> float:
    """`jitter` in [0, 1) maps to a factor in [1 - JITTER, 1 + JITTER)."""
    return seconds * (1 - JITTER + 2 * JITTER * jitter)


def publishing_gap(parsed: ParsedFeed | None) -> float | None:
    """Median seconds between the feed's most recent entries, None with fewer than 3 dates."""
    if parsed is None:
        return None
    stamps = sorted(
        (e.published_at for e in parsed.entries if e.published_at is not None), reverse=True
    )[:20]
    if len(stamps) < 3:
        return None
    gaps = [(a - b).total_seconds() for a, b in pairwise(stamps)]
    positive = [g for g in gaps if g > 0]
    if not positive:
        return None
    from statistics import median  # only a fetched document has dates: a 304 never gets here

    return median(positive)


def success_interval(
    state: FeedState,
    policy: PollPolicy,
    fetched: FetchedFeed,
    parsed: ParsedFeed | None,
) -> float:
    base = state.interval or policy.default_interval
    interval = base
    gap = publishing_gap(parsed)
    if gap is not None:
        # Poll about twice per expected new entry, but stay near what the user chose.
        interval = min(max(gap / 2, base / 2), base * 8)
    floors = [h for h in (fetched.max_age, parsed.ttl if parsed else None) if h]
    if floors:
        interval = max(interval, *floors)
    return min(max(interval, policy.min_interval), policy.max_interval)


def decide_success(
    state: FeedState,
    policy: PollPolicy,
    fetched: FetchedFeed,
    parsed: ParsedFeed | None,
    now: datetime,
    jitter: float,
) -> FeedUpdate:
    interval = _jittered(success_interval(state, policy, fetched, parsed), jitter)
    return FeedUpdate(
        feed_id=state.id,
        polled_at=now,
        next_poll_at=now + timedelta(seconds=interval),
        ok=True,
        title=parsed.title if parsed else None,
        site_url=parsed.site_url if parsed else None,
        new_url=fetched.permanent_url,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        consecutive_failures=0,
        not_modified=fetched.body is None,
        warning="; ".join(parsed.warnings) if parsed and parsed.warnings else None,
    )


def decide_failure(
    state: FeedState,
    policy: PollPolicy,
    error: FeedError,
    now: datetime,
    jitter: float,
) -> FeedUpdate:
    failures = state.consecutive_failures + 1
    message = redact_text(error.message)  # stored and shown: never a feed's credentials
    base = state.interval or policy.default_interval
    steps = min(failures - 1, 30)
    # A timeout or a 5xx may pass in minutes; a 404, a parse error or a refused address
    # needs someone to fix the feed, so those back off four times as steeply.
    growth = 2.0**steps if error.retryable else 2.0 * 4.0**steps
    delay = min(base * growth, policy.backoff_max)
    delay = _jittered(max(delay, policy.min_interval), jitter)
    retry_after = getattr(error, "retry_after", None)
    if retry_after:
        delay = max(delay, min(retry_after, policy.backoff_max))
    disable_reason = None
    if isinstance(error, FeedHTTPError) and error.status == 410:
        disable_reason = "the server says the feed is gone for good (410)"
    elif failures >= policy.max_failures:
        disable_reason = f"disabled after {failures} failures in a row; last: {message}"
    return FeedUpdate(
        feed_id=state.id,
        polled_at=now,
        next_poll_at=now + timedelta(seconds=delay),
        ok=False,
        error=message,
        consecutive_failures=failures,
        disable_reason=disable_reason,
    )
