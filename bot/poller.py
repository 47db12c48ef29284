"""Poll feeds: fetch concurrently, then parse, decide and store in batches.

    due feeds --(event loop: Fetcher, bounded concurrency)--> FetchedFeed | FeedError
              --(one worker thread: parse + decide + store, one transaction per batch)-->
              FeedPollResult

Fetching stays on the event loop so slow servers overlap; parsing and database writes run in
a worker thread so a big feed never stalls the loop (and the timeouts of other feeds). A batch
is one transaction: items and the feed's new state commit together, so an interrupted poll
leaves no half-written rows and the feed is simply polled again.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.config import Settings
from bot.errors import FeedError, FeedParseError
from bot.fetch import Fetcher, FetchPolicy
from bot.netguard import AddressGuard
from bot.parse import parse_feed
from bot.schedule import PollPolicy, decide_failure, decide_success
from bot.types import (
    FeedPollResult,
    FeedState,
    FeedUpdate,
    FetchedFeed,
    IngestResult,
    ParsedFeed,
)
from storage.db import Database
from storage.feeds import FeedRepository
from storage.items import ItemRepository

log = logging.getLogger(__name__)

BATCH = 50  # feeds per write transaction

Outcome = tuple[FeedState, FetchedFeed | FeedError]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class PollReport:
    results: tuple[FeedPollResult, ...] = ()
    seconds: float = 0.0

    @property
    def failed(self) -> list[FeedPollResult]:
        return [r for r in self.results if not r.update.ok]

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.results if r.update.ok and r.update.not_modified)

    @property
    def new_item_ids(self) -> list[int]:
        return [i for r in self.results for i in r.ingest.new_item_ids]

    @property
    def modified_item_ids(self) -> list[int]:
        return [i for r in self.results for i in r.ingest.modified_item_ids]

    @property
    def entries(self) -> int:
        return sum(len(r.ingest.new_item_ids) + len(r.ingest.linked_item_ids) for r in self.results)


@dataclass
class Poller:
    """Polls due feeds into the database. One instance per process is enough."""

    db: Database
    settings: Settings
    clock: Callable[[], datetime] = _utcnow
    jitter: Callable[[], float] = random.random
    fetcher_factory: Callable[[], Fetcher] | None = None
    _write_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    def policy(self) -> PollPolicy:
        s = self.settings
        return PollPolicy(
            default_interval=s.poll_interval,
            min_interval=s.poll_min_interval,
            max_interval=s.poll_max_interval,
            backoff_max=s.feed_backoff_max,
            max_failures=s.feed_max_failures,
        )

    def make_fetcher(self) -> Fetcher:
        if self.fetcher_factory is not None:
            return self.fetcher_factory()
        s = self.settings
        policy = FetchPolicy(
            user_agent=s.user_agent,
            connect_timeout=s.fetch_connect_timeout,
            read_timeout=s.fetch_read_timeout,
            total_timeout=s.fetch_total_timeout,
            max_bytes=s.fetch_max_bytes,
            max_redirects=s.fetch_max_redirects,
            concurrency=s.poll_concurrency,
            per_host=s.poll_per_host_concurrency,
        )
        return Fetcher(policy, AddressGuard(s.allowed_private_networks), clock=self.clock)

    async def poll(self, *, include_not_due: bool = False) -> PollReport:
        """Poll every due feed (or every enabled feed) once."""
        started = time.perf_counter()
        now = self.clock()
        with self.db.session() as session:
            feeds = FeedRepository(session).due(now, include_not_due=include_not_due)
        if not feeds:
            return PollReport(seconds=time.perf_counter() - started)
        results: list[FeedPollResult] = []
        pending: list[Outcome] = []
        writes: set[asyncio.Task[None]] = set()

        async def write(batch: list[Outcome]) -> None:
            async with self._write_lock:
                results.extend(await asyncio.to_thread(self._store, batch))

        def flush() -> None:
            if pending:
                task = asyncio.create_task(write(list(pending)))
                writes.add(task)
                task.add_done_callback(writes.discard)
                pending.clear()

        semaphore = asyncio.Semaphore(self.settings.poll_concurrency)
        async with self.make_fetcher() as fetcher:

            async def one(state: FeedState) -> None:
                async with semaphore:
                    outcome: FetchedFeed | FeedError
                    try:
                        outcome = await fetcher.fetch(state)
                    except FeedError as exc:
                        outcome = exc
                pending.append((state, outcome))
                if len(pending) >= BATCH:
                    flush()

            try:
                await asyncio.gather(*(one(state) for state in feeds))
            finally:
                # Whatever was fetched is stored, even when we are being cancelled.
                flush()
                if writes:
                    await asyncio.shield(asyncio.gather(*writes))
        return PollReport(results=tuple(results), seconds=time.perf_counter() - started)

    def _decide(
        self, policy: PollPolicy, state: FeedState, outcome: FetchedFeed | FeedError, now: datetime
    ) -> tuple[FeedUpdate, ParsedFeed | None]:
        """Pure part of storing one feed: parse the body and decide the feed's next state."""
        if isinstance(outcome, FeedError):
            return decide_failure(state, policy, outcome, now, self.jitter()), None
        if outcome.body is None:
            return decide_success(state, policy, outcome, None, now, self.jitter()), None
        try:
            parsed = parse_feed(outcome.body, outcome.url, outcome.content_type)
        except FeedParseError as exc:
            return decide_failure(state, policy, exc, now, self.jitter()), None
        return decide_success(state, policy, outcome, parsed, now, self.jitter()), parsed

    def _store(self, batch: Sequence[Outcome]) -> list[FeedPollResult]:
        """Parse, decide and store one batch in one transaction (runs in a worker thread)."""
        policy = self.policy()
        now = self.clock()
        decided: list[tuple[FeedState, FeedUpdate, ParsedFeed | None]] = []
        for state, outcome in batch:
            try:
                update, parsed = self._decide(policy, state, outcome, now)
            except Exception as exc:
                log.exception("internal error while processing %s", state.url)
                error = FeedParseError(
                    state.url, f"internal error while reading the feed: {type(exc).__name__}"
                )
                update, parsed = decide_failure(state, policy, error, now, self.jitter()), None
            decided.append((state, update, parsed))
        results = []
        with self.db.session() as session:
            feeds = FeedRepository(session)
            items = ItemRepository(session)
            for state, update, parsed in decided:
                ingest = IngestResult(feed_id=state.id)
                if parsed is not None:
                    ingest = items.ingest(state.id, parsed.entries, now)
                feeds.apply(update)
                results.append(
                    FeedPollResult(
                        feed_id=state.id,
                        url=state.url,
                        update=update,
                        ingest=ingest,
                        parser=parsed.parser if parsed else "",
                    )
                )
        return results
