"""Documents reach the parse workers a few at a time (bot.parsebatch), and every feed still
gets exactly its own result: the one parsing it alone would give."""

from __future__ import annotations

import asyncio

from bot.parsebatch import Batches
from bot.parsepool import Job, LazyPool, _sendable, parse_and_judge, parse_or_reason
from tests.test_poller import rss

HEADLINES = ("Ministry rejects accusations of fraud as baseless", "Sunny spells in the north")


async def test_each_feed_gets_its_own_result_whatever_its_batch() -> None:
    jobs: list[Job] = [
        (rss(*(f"{h} ({i})" for h in HEADLINES)), f"https://f{i}.example/", None, i % 2 == 0)
        for i in range(7)
    ]
    jobs.append((b"<rss><channel><item><title>cut off", "https://cut.example/", None, True))
    jobs.append((b"not a feed at all", "https://junk.example/", "text/html", False))
    pool = LazyPool(2)
    try:
        # 9 documents in batches of at most 4: two full batches, and a last one of one
        # document sent on the timer
        batches = Batches(pool, size=4, wait=0.01)
        found = await asyncio.gather(*(batches.parse(job) for job in jobs))
    finally:
        pool.shutdown()
    expected = [
        parse_and_judge(body, url, kind) if judge else (parse_or_reason(body, url, kind), ())
        for body, url, kind, judge in jobs
    ]
    assert found == expected
    assert [bool(verdicts) for _parsed, verdicts in found[:7]] == [i % 2 == 0 for i in range(7)]


def test_an_error_that_cannot_be_pickled_stays_its_feeds_own() -> None:
    """A worker's exception goes back to the main process by pickle; one that cannot be
    pickled would fail the whole batch, so it is sent as a RuntimeError naming it."""

    class Unpicklable(Exception):
        def __reduce__(self) -> str | tuple[object, ...]:
            raise TypeError("cannot pickle")

    sent = _sendable(Unpicklable("lxml said no"))
    assert isinstance(sent, RuntimeError) and "Unpicklable: lxml said no" in str(sent)
    plain = ValueError("bad feed")
    assert _sendable(plain) is plain
