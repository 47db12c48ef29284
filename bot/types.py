"""Values that cross a boundary, named after the pipeline stage that makes them.

    FeedState --fetch--> FetchedFeed --parse--> ParsedFeed(ParsedEntry...)
              --decide--> FeedUpdate (what to write back on the feed row)
    storage turns ParsedEntry into stored items and answers with an IngestResult.

All are frozen: a stage never mutates what it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# the matcher's party for a denial (or claim) in the article's own voice, as a fact-check's;
# alerts name the source beside it
REPORTING_OUTLET = "the reporting outlet"


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the poller needs to know about a feed before fetching it."""

    id: int
    url: str
    etag: str | None = None
    last_modified: str | None = None
    interval: float | None = None  # the user's chosen interval, seconds; None: default
    consecutive_failures: int = 0
    first_success_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class FetchedFeed:
    """The outcome of one successful HTTP exchange (200 or 304)."""

    url: str  # the URL finally fetched (after redirects)
    status: int
    body: bytes | None  # None on 304 Not Modified
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None  # set when a 301/308 chain moved the feed
    max_age: float | None = None  # from Cache-Control max-age or Expires, seconds


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One feed entry, normalised: text only, times in UTC, a stable guid."""

    guid: str
    url: str | None  # canonical URL (tracking parameters and fragment dropped)
    title: str
    summary: str
    content: str
    author: str
    published_at: datetime | None
    updated_at: datetime | None
    content_hash: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed document."""

    title: str
    site_url: str | None
    entries: tuple[ParsedEntry, ...]
    ttl: float | None = None  # RSS <ttl>, seconds
    parser: str = ""  # which parser read it (for diagnostics)
    # what had to be worked around, one line each ("malformed XML at line 3: 2 entries
    # recovered", a guessed charset, guids shared by different articles)
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    """What one poll changes on the feed row (decided by bot.schedule, written by storage)."""

    feed_id: int
    polled_at: datetime
    next_poll_at: datetime
    ok: bool
    title: str | None = None
    site_url: str | None = None
    new_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None
    consecutive_failures: int = 0
    disable_reason: str | None = None
    not_modified: bool = False
    warning: str | None = None  # ParsedFeed.warnings joined; None: the document was clean


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What storing one feed's entries did."""

    feed_id: int
    new_item_ids: tuple[int, ...] = ()
    modified_item_ids: tuple[int, ...] = ()
    linked_item_ids: tuple[int, ...] = ()  # already known from another feed: a new source only
    new_guids: tuple[tuple[str, int], ...] = ()  # (entry guid, item id) of the new items


@dataclass(frozen=True, slots=True)
class FeedPollResult:
    """One feed's poll: the decision about the feed and what its entries did."""

    feed_id: int
    url: str
    update: FeedUpdate
    ingest: IngestResult = field(default_factory=lambda: IngestResult(feed_id=0))
    parser: str = ""
    # Verdicts made while polling (a feed's first poll): (item id, allegation, denial, official)
    verdicts: tuple[tuple[int, bool, bool, bool], ...] = ()


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A feed as `feeds list` and the chat `/feeds` command show it."""

    id: int
    url: str
    title: str
    interval: float | None
    next_poll_at: datetime
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    disabled: bool
    disabled_reason: str | None
    item_count: int
    fetch_articles: bool | None = None  # None: ARTICLE_FETCH
    warning: str | None = None  # what the last parse worked around, one line


@dataclass(frozen=True, slots=True)
class FlaggedItem:
    """A stored item the matcher flagged, as reports and alerts show it."""

    item_id: int
    title: str
    url: str | None
    allegation: bool
    denial: bool
    official_denial: bool
    accuser: str
    accused: str
    denier: str
    claim: str
    summary: str = ""
    language: str = "en"
    first_seen_at: datetime | None = None
    feeds: tuple[str, ...] = ()  # titles and URLs of the feeds that carried it
    published_at: datetime | None = None
    first_poll: bool = False  # first seen on the first successful poll of its feed
    quote: str = ""  # the denial's evidence sentence (else the allegation's)


@dataclass(frozen=True, slots=True)
class Sighting:
    """When a flagged item was first seen and published, and whether on its feed's first
    poll: what tells a first poll's backfill from news (bot.alerts.is_backfill), read
    without the rest of a FlaggedItem."""

    item_id: int
    first_seen_at: datetime | None
    published_at: datetime | None
    first_poll: bool


@dataclass(frozen=True, slots=True)
class SubscriptionInfo:
    """What a chat asked for. `chat` is platform-specific; `query` uses bot.query."""

    id: int
    platform: str  # console | telegram | slack
    chat: str
    thread: str
    query: str
    mode: str  # instant | digest
    paused: bool
    created_at: datetime
    digest: str = ""  # schedule, see bot.digests
    last_digest_at: datetime | None = None
    paused_reason: str = ""  # why delivery paused it (archived channel, blocked bot); "" by hand
