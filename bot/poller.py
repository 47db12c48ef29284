"""Poll feeds: fetch concurrently, then parse, decide and store in batches.

    due feeds --(event loop: Fetcher, bounded concurrency)--> FetchedFeed | FeedError
              --(worker processes, for big polls: parse)--> ParsedFeed
              --(one worker thread: decide + store, one transaction per batch)-->
              FeedPollResult

Fetching stays on the event loop so slow servers overlap; parsing runs in worker processes
(bot.parsepool, fed a few documents a task by bot.parsebatch) or, for small polls, in the
writer thread, so a big feed never stalls the loop (and the timeouts of other feeds). A batch
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
from datetime import datetime
from typing import TYPE_CHECKING

from bot.clock import utcnow
from bot.config import Settings
from bot.errors import FeedError, FeedFetchError, FeedParseError, StorageError
from bot.fetch import Fetcher, FetchPolicy
from bot.netguard import AddressGuard
from bot.offload import blocking
from bot.parsebatch import Batches
from bot.parsepool import POOL_MIN_FEEDS, parse_or_reason, parse_pool
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

if TYPE_CHECKING:
    from bot.matching import MatchReport
    from bot.verdicts import VerdictRow

BATCH = 50  # feeds with a document to store, per write transaction
# Feeds with nothing to store (304 Not Modified, errors) change only their poll state: a
# transaction takes many of them (a re-poll of 1,000 feeds writes once, not 20 times).
BATCH_UNCHANGED = 1000
_WORKER_DIED = "the parser process died while reading this feed"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One feed's fetch, as the writer receives it: the fetch's result, the document when a
    worker parsed it (or the one-line reason it could not), and the worker's verdicts on its
    entries (first polls only, one per entry in order)."""

    state: FeedState
    fetched: FetchedFeed | FeedError
    parsed: ParsedFeed | str | None = None
    verdicts: tuple[VerdictRow, ...] = ()


@dataclass(frozen=True, slots=True, repr=False)
class PollReport:
    results: tuple[FeedPollResult, ...] = ()
    seconds: float = 0.0

    def __repr__(self) -> str:
        # Short: asyncio.run() formats the repr of the task that returned this, whole, twice
        # as it restores the SIGINT handler (an error message it builds and drops): the full
        # dataclass repr of a 1,000-feed first ingest is 2.5 MB, 85 ms each time.
        return (
            f"PollReport({len(self.results)} feeds, {len(self.failed)} failed, "
            f"{len(self.new_item_ids)} new items, {self.seconds:.2f} s)"
        )

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
    def judged(self) -> list[tuple[int, bool, bool, bool]]:
        """Verdicts made while polling: (item id, allegation, denial, official denial)."""
        return [verdict for r in self.results for verdict in r.verdicts]

    @property
    def flagged_in_poll(self) -> list[int]:
        """Items the poll's workers judged and flagged (for the roles stage)."""
        return [item_id for item_id, a, d, _o in self.judged if a or d]

    def with_verdicts(self, matched: MatchReport) -> MatchReport:
        """The matcher stage's report plus the verdicts made while polling."""
        import dataclasses

        judged = self.judged
        return dataclasses.replace(
            matched,
            matched=matched.matched + len(judged),
            allegations=matched.allegations + sum(a for _i, a, _d, _o in judged),
            denials=matched.denials + sum(d for _i, _a, d, _o in judged),
            official_denials=matched.official_denials + sum(o for _i, _a, _d, o in judged),
            flagged_item_ids=tuple(i for i, a, d, _o in judged if a or d)
            + matched.flagged_item_ids,
        )

    @property
    def entries(self) -> int:
        return sum(len(r.ingest.new_item_ids) + len(r.ingest.linked_item_ids) for r in self.results)


@dataclass
class Poller:
    """Polls due feeds into the database. One instance per process is enough."""

    db: Database
    settings: Settings
    clock: Callable[[], datetime] = utcnow
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
        """Poll every due feed (or every enabled feed) once.

        Whatever goes wrong with one feed becomes that feed's recorded error: an expected
        FeedError as it is, anything else logged once with its traceback and recorded as an
        internal error, so one feed can never stop the others or be due again at once. Only a
        database that cannot take even a failure record raises (StorageError)."""
        started = time.perf_counter()
        now = self.clock()
        feeds = await blocking(self._due, now, include_not_due)
        if not feeds:
            return PollReport(seconds=time.perf_counter() - started)
        results: list[FeedPollResult] = []
        pending: list[Outcome] = []
        documents = 0  # outcomes in `pending` that carry a document

        async def write(batch: list[Outcome]) -> None:
            async with self._write_lock:
                stored = await asyncio.shield(blocking(self._store_safely, batch))
                results.extend(stored)

        with parse_pool(self.settings.parse_workers, len(feeds)) as pool:
            if pool is not None and _bodies_expected(feeds) >= POOL_MIN_FEEDS:
                # Feeds without validators answer with a document: start the fork server
                # now, so it loads the parser and the matcher while the fetcher is set up and
                # the first requests go out, not while the first documents wait for it (a
                # re-poll, whose feeds send validators and mostly get 304s, still starts no
                # process until a document comes).
                try:
                    pool.get()
                except Exception:  # the first document tries again (Batches)
                    log.debug("starting the parse workers early failed", exc_info=True)
            batches = Batches(pool) if pool is not None else None

            async def parse(state: FeedState, fetched: FetchedFeed) -> Outcome:
                nonlocal batches
                if batches is None or not fetched.body:
                    return Outcome(state, fetched)  # parsed in the writer thread
                # here, not at the top: a poll whose feeds all answer 304 never loads
                # multiprocessing (the pool starts on the first document, bot.parsepool)
                from concurrent.futures.process import BrokenProcessPool

                # Every entry of a feed's first poll is new: judge it in the worker too,
                # overlapping the matcher with fetching.
                judge = state.first_success_at is None
                try:
                    parsed, verdicts = await batches.parse(
                        (fetched.body, fetched.url, fetched.content_type, judge)
                    )
                    return Outcome(state, fetched, parsed, verdicts)
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): this feed is retried next time,
                    # the rest of this poll parses in the writer thread.
                    log.error("a parse worker died; parsing the rest of this poll in-process")
                    batches = None
                    return Outcome(
                        state, fetched, "the parser process died while reading this feed"
                    )

            # A fixed set of fetchers (the concurrency), each taking the next due feed in
            # turn, not a task per feed queued on a semaphore (a re-poll of 1,000 feeds made
            # 1,000 tasks and as many semaphore waits). A document is parsed in a task of its
            # own, so a fetcher is free again while the workers read it, as before.
            todo = iter(feeds)

            async def fetch_feeds(group: asyncio.TaskGroup) -> None:
                for state in todo:
                    try:
                        fetched = await fetcher.fetch(state)
                    except FeedError as exc:
                        done(Outcome(state, exc), group)
                        continue
                    except Exception as exc:  # noqa: BLE001 - a bug must not stop the others
                        done(Outcome(state, _internal_error(state.url, exc)), group)
                        continue
                    if batches is not None and fetched.body:
                        group.create_task(settle(state, fetched, group))
                    else:
                        done(Outcome(state, fetched), group)  # parsed in the writer thread

            async def settle(
                state: FeedState, fetched: FetchedFeed, group: asyncio.TaskGroup
            ) -> None:
                try:
                    outcome = await parse(state, fetched)
                except FeedError as exc:
                    outcome = Outcome(state, exc)
                except Exception as exc:  # noqa: BLE001 - a bug must not stop the other feeds
                    outcome = Outcome(state, _internal_error(state.url, exc))
                done(outcome, group)

            def done(outcome: Outcome, group: asyncio.TaskGroup) -> None:
                nonlocal documents
                pending.append(outcome)
                documents += isinstance(outcome.fetched, FetchedFeed) and bool(outcome.fetched.body)
                if documents >= BATCH or len(pending) >= BATCH_UNCHANGED:
                    flush(group)

            def flush(group: asyncio.TaskGroup) -> None:
                nonlocal documents
                if pending:
                    group.create_task(write(list(pending)))
                    pending.clear()
                    documents = 0

            async with self.make_fetcher() as fetcher:
                try:
                    async with asyncio.TaskGroup() as group:
                        for _ in range(min(self.settings.poll_concurrency, len(feeds))):
                            group.create_task(fetch_feeds(group))
                except BaseExceptionGroup as failed:
                    # fetch_feeds() and settle() never raise; only a write that could not even
                    # record a failure (StorageError) ends the poll.
                    raise failed.exceptions[0] from None
                finally:
                    # Whatever was fetched is stored, even when we are being cancelled.
                    if pending:
                        await asyncio.shield(write(list(pending)))
        return PollReport(results=tuple(results), seconds=time.perf_counter() - started)

    def _due(self, now: datetime, include_not_due: bool) -> list[FeedState]:
        with self.db.connection() as connection:
            return FeedRepository(connection).due(now, include_not_due=include_not_due)

    def _store_safely(self, batch: Sequence[Outcome]) -> list[FeedPollResult]:
        """Store a batch in one transaction; if that fails, feed by feed, and a feed whose
        own write fails gets that failure recorded instead. Raises StorageError only when
        not even the failure can be recorded (the database is gone)."""
        try:
            return self._store(batch)
        except Exception as exc:
            if len(batch) == 1 and isinstance(batch[0].fetched, FeedError):
                raise _as_storage_error(exc) from exc
            log.warning(
                "storing %d feeds together failed (%s); storing them one by one",
                len(batch),
                _one_line(exc),
            )
        results: list[FeedPollResult] = []
        for outcome in batch:
            try:
                results.extend(self._store([outcome]))
            except Exception as exc:  # noqa: BLE001 - recorded on the feed
                state = outcome.state
                error = _internal_error(state.url, exc, what="storing its items failed")
                try:
                    results.extend(self._store([Outcome(state, error)]))
                except Exception as again:
                    raise _as_storage_error(again) from again
        return results

    def _decide(
        self,
        policy: PollPolicy,
        state: FeedState,
        outcome: FetchedFeed | FeedError,
        parsed: ParsedFeed | str | None,
        now: datetime,
    ) -> tuple[FeedUpdate, ParsedFeed | None]:
        """Pure part of storing one feed: parse the body (unless a worker did) and decide the
        feed's next state."""
        if isinstance(outcome, FeedError):
            return decide_failure(state, policy, outcome, now, self.jitter()), None
        if outcome.body is None:
            return decide_success(state, policy, outcome, None, now, self.jitter()), None
        if parsed is None:
            parsed = parse_or_reason(outcome.body, outcome.url, outcome.content_type)
        if isinstance(parsed, str):
            error = FeedParseError(outcome.url, parsed)
            return decide_failure(state, policy, error, now, self.jitter()), None
        return decide_success(state, policy, outcome, parsed, now, self.jitter()), parsed

    def _store(self, batch: Sequence[Outcome]) -> list[FeedPollResult]:
        """Parse, decide and store one batch in one transaction (runs in a worker thread)."""
        policy = self.policy()
        now = self.clock()
        decided: list[tuple[Outcome, FeedUpdate, ParsedFeed | None]] = []
        for outcome in batch:
            update, parsed = self._decide(
                policy, outcome.state, outcome.fetched, outcome.parsed, now
            )
            decided.append((outcome, update, parsed))
        with self.db.connection() as connection:
            feeds = FeedRepository(connection)
            ingested = ItemRepository(connection).ingest_many(
                [(o.state.id, parsed.entries) for o, _u, parsed in decided if parsed], now
            )
            by_feed = {result.feed_id: result for result in ingested}
            verdicts = _new_item_verdicts(decided, by_feed)
            if verdicts:
                from bot.verdicts import MATCHER_VERSION
                from storage.matches import MatchRepository

                MatchRepository(connection).save_rows(
                    [pair for pairs in verdicts.values() for pair in pairs],
                    MATCHER_VERSION,
                    now,
                    new_items=True,  # inserted just now (IngestResult.new_guids)
                )
            results = [
                FeedPollResult(
                    feed_id=o.state.id,
                    url=o.state.url,
                    update=update,
                    ingest=by_feed.get(o.state.id, IngestResult(feed_id=o.state.id)),
                    parser=parsed.parser if parsed else "",
                    verdicts=tuple(
                        (item_id, v[0], v[1], v[2]) for item_id, v in verdicts.get(o.state.id, ())
                    ),
                )
                for o, update, parsed in decided
            ]
            feeds.apply([update for _o, update, _parsed in decided])
        return results


def _bodies_expected(feeds: Sequence[FeedState]) -> int:
    """How many of `feeds` are asked for unconditionally (no ETag, no Last-Modified): those
    answer with a document unless their fetch fails."""
    return sum(1 for f in feeds if f.etag is None and f.last_modified is None)


def _new_item_verdicts(
    decided: Sequence[tuple[Outcome, FeedUpdate, ParsedFeed | None]],
    ingested: dict[int, IngestResult],
) -> dict[int, list[tuple[int, VerdictRow]]]:
    """Per feed, the workers' verdicts on the items that were new: (item id, verdict). An
    entry already known (from another feed, or stored before) keeps its own verdict."""
    found: dict[int, list[tuple[int, VerdictRow]]] = {}
    for outcome, _update, parsed in decided:
        if not outcome.verdicts or parsed is None or outcome.state.id not in ingested:
            continue
        by_guid = dict(zip((e.guid for e in parsed.entries), outcome.verdicts, strict=True))
        found[outcome.state.id] = [
            (item_id, by_guid[guid])
            for guid, item_id in ingested[outcome.state.id].new_guids
            if guid in by_guid
        ]
    return found


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]


def _internal_error(url: str, exc: BaseException, *, what: str = "internal error") -> FeedError:
    """An unexpected exception while handling one feed, as that feed's error: logged once with
    its traceback (a bug to report), recorded in one line, retried with back-off."""
    log.error("feed %s: %s", url, what, exc_info=exc)
    return FeedFetchError(url, f"{what}: {_one_line(exc)}", retryable=True)


def _as_storage_error(exc: BaseException) -> StorageError:
    if isinstance(exc, StorageError):
        return exc
    return StorageError(f"storing poll results failed: {_one_line(exc)}")
