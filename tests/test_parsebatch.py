"""Documents reach the parse workers a few at a time (bot.parsebatch), and every feed still
gets exactly its own result: the one parsing it alone would give."""

from __future__ import annotations

import asyncio

from bot.parsebatch import Batches
from bot.parsepool import Job, LazyPool, parse_and_judge, parse_or_reason
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
        # 9 documents in batches of at most 4: full batches, and a last one sent on the timer
        found = await asyncio.gather(*(Batches(pool, size=4).parse(job) for job in jobs[:1]))
        batches = Batches(pool, size=4, wait=0.01)
        found += await asyncio.gather(*(batches.parse(job) for job in jobs[1:]))
    finally:
        pool.shutdown()
    expected = [
        parse_and_judge(body, url, kind) if judge else (parse_or_reason(body, url, kind), ())
        for body, url, kind, judge in jobs
    ]
    assert found == expected
    assert [bool(verdicts) for _parsed, verdicts in found[:7]] == [i % 2 == 0 for i in range(7)]
