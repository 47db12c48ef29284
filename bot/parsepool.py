"""Parse feeds in worker processes, so a large poll uses every core.

Parsing is CPU-bound Python (~100-200 µs an entry) and would otherwise share one core with
fetching and database writes. Workers are started from a clean fork server (never forked from
the threaded main process) with the parser preloaded; a poll of fewer than
`POOL_MIN_FEEDS` feeds parses in the main process, where starting workers would cost more
than it saves.
"""

from __future__ import annotations

import copyreg
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.errors import FeedParseError
from bot.types import ParsedEntry, ParsedFeed
from bot.verdicts import VerdictRow, verdict_row

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

POOL_MIN_FEEDS = 20


# What a worker sends back is pickled; frozen slotted dataclasses pickle through Python-level
# __getstate__/__setstate__ (per object, per field). Reduced to their constructor arguments
# they cross ~1.6x faster, and unpickle into equal objects.
def _reduce_entry(e: ParsedEntry) -> tuple[type[ParsedEntry], tuple[Any, ...]]:
    return ParsedEntry, (
        e.guid,
        e.url,
        e.title,
        e.summary,
        e.content,
        e.author,
        e.published_at,
        e.updated_at,
        e.content_hash,
    )


def _reduce_feed(f: ParsedFeed) -> tuple[type[ParsedFeed], tuple[Any, ...]]:
    return ParsedFeed, (f.title, f.site_url, f.entries, f.ttl, f.parser, f.warnings)


copyreg.pickle(ParsedEntry, _reduce_entry)
copyreg.pickle(ParsedFeed, _reduce_feed)


def parse_or_reason(body: bytes, url: str, content_type: str | None) -> ParsedFeed | str:
    """parse_feed for a worker: the ParsedFeed, or the one-line reason it failed (plain
    strings cross the process boundary safely; our exceptions carry extra arguments)."""
    from bot.parse import parse_feed  # loaded when a document comes (a re-poll of 304s has none)

    try:
        return parse_feed(body, url, content_type)
    except FeedParseError as exc:
        return exc.message
    except Exception as exc:  # noqa: BLE001 - reported on the feed, never crashes the poll
        return f"internal error while reading the feed: {type(exc).__name__}: {exc}"[:300]


def parse_and_judge(
    body: bytes, url: str, content_type: str | None
) -> tuple[ParsedFeed | str, tuple[VerdictRow, ...]]:
    """parse_or_reason, then the matcher's verdict on every entry, in the same worker: for a
    feed's first poll, where every entry is new, judging here overlaps it with fetching and
    spares reading the items back. Each verdict is what the matcher stage would give the
    stored item (its title, and its content, else its summary), as the row it is stored as
    (bot.verdicts: cheap to send back)."""
    parsed = parse_or_reason(body, url, content_type)
    if isinstance(parsed, str):
        return parsed, ()
    from bot.matcher import MatchInput, match

    return parsed, tuple(
        verdict_row(match(MatchInput(title=e.title, text=e.content or e.summary)))
        for e in parsed.entries
    )


# One feed for a worker: its body, URL, Content-Type, and whether to judge its entries too.
Job = tuple[bytes, str, str | None, bool]
JobResult = tuple[ParsedFeed | str, tuple[VerdictRow, ...]]


def parse_many(jobs: list[Job]) -> list[JobResult | Exception]:
    """Several feeds in one worker task (bot.parsebatch): each parsed (parse_or_reason), and
    judged too when its job says so (parse_and_judge). An unexpected error is that feed's
    result, as when each feed was a task of its own, so it cannot fail its neighbours."""
    results: list[JobResult | Exception] = []
    for body, url, content_type, judge in jobs:
        try:
            if judge:
                results.append(parse_and_judge(body, url, content_type))
            else:
                results.append((parse_or_reason(body, url, content_type), ()))
        except Exception as exc:  # noqa: BLE001 - raised again for this feed (bot.parsebatch)
            results.append(_sendable(exc))
    return results


def _sendable(exc: Exception) -> Exception:
    """`exc`, or a RuntimeError naming it when it cannot be pickled back to the main process
    (which would fail the whole batch instead of this one feed)."""
    try:
        pickle.dumps(exc)
    except Exception:  # noqa: BLE001 - any pickling failure
        return RuntimeError(f"{type(exc).__name__}: {exc}")
    return exc


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes forked from a clean fork server (never from the threaded main
    process). The fork server is one per process and starts once, so it preloads what every
    pool of claimwatch runs: the parser (polls) and the matcher (the matcher stage)."""
    # imported here: a poll whose feeds all answer 304 starts no pool (LazyPool) and so
    # never loads multiprocessing
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("forkserver")
    # (and what their first document loads lazily: fastfeedparser and what it imports, ~40 ms
    # a worker, once in the fork server instead; this module, which runs the tasks)
    context.set_forkserver_preload(["bot.parse", "bot.matcher", "bot.parsepool", "fastfeedparser"])
    _start_fork_server()
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _start_fork_server() -> None:
    """Start the fork server (once per process) in safe-path mode. It starts as
    `python -c …`, which puts the working directory first on its sys.path (Python 3.11 hands
    it the parent's path and does not apply it): a `bot/` folder wherever claimwatch is run
    would be imported, and run, in the workers instead of ours. Only the fork server gets
    the setting; the variable is restored at once, so nothing else this process starts
    inherits it."""
    from multiprocessing import forkserver

    previous = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if previous is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = previous


class LazyPool:
    """A worker pool started on first use: a poll whose feeds all answer 304 never pays for
    starting processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def get(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = worker_pool(self.workers)
        return self._pool

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


@contextmanager
def parse_pool(workers: int, feeds: int) -> Iterator[LazyPool | None]:
    """A lazily started pool of `workers` processes for a poll of `feeds` feeds, or None when
    not worth it (then the writer thread parses)."""
    if workers <= 0 or feeds < POOL_MIN_FEEDS:
        yield None
        return
    pool = LazyPool(workers)
    try:
        yield pool
    finally:
        pool.shutdown()
