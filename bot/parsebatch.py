"""Hand fetched documents to the parse workers a few at a time.

One worker task per feed cost the main process about 0.3 ms of executor bookkeeping (the
call and result queues, their feeder threads, a wake-up per task): 0.3 s of CPU in a
1,000-feed first ingest, on the two cores the workers need. `Batches` gathers the documents
fetched at about the same moment into one task (at most `size`, or whatever arrived within
`wait` seconds of the first), and gives each feed its own result or its own exception (or
the one that ended its batch: BrokenProcessPool when a worker died).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future

from bot.parsepool import Job, JobResult, LazyPool, parse_many

SIZE = 8  # documents a task: ~100 ms of a worker's time for 30-entry feeds
WAIT = 0.005  # seconds the first document of a batch waits for company


class Batches:
    """Use from one event loop: `await batches.parse(job)`."""

    def __init__(self, pool: LazyPool, *, size: int = SIZE, wait: float = WAIT) -> None:
        self._pool = pool
        self._size = size
        self._wait = wait
        self._queued: list[tuple[Job, asyncio.Future[JobResult]]] = []
        self._timer: asyncio.TimerHandle | None = None

    async def parse(self, job: Job) -> JobResult:
        """The worker's result for `job`. Raises what the batch raised."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[JobResult] = loop.create_future()
        self._queued.append((job, future))
        if len(self._queued) >= self._size:
            self._send()
        elif self._timer is None:
            self._timer = loop.call_later(self._wait, self._send)
        return await future

    def _send(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        queued, self._queued = self._queued, []
        if not queued:
            return
        try:
            done = self._pool.get().submit(parse_many, [job for job, _ in queued])
        except Exception as exc:  # noqa: BLE001 - a broken pool: each feed gets the error
            for _job, future in queued:
                if not future.done():
                    future.set_exception(exc)
            return
        loop = asyncio.get_running_loop()
        done.add_done_callback(lambda d: loop.call_soon_threadsafe(_deliver, d, queued))


def _deliver(
    done: Future[list[JobResult | Exception]],
    queued: list[tuple[Job, asyncio.Future[JobResult]]],
) -> None:
    """Each waiting feed its own result (a feed whose wait was cancelled is skipped)."""
    waiting = [(i, future) for i, (_job, future) in enumerate(queued) if not future.done()]
    if done.cancelled():  # the pool shut down before the batch ran
        for _i, future in waiting:
            future.cancel()
        return
    error = done.exception()
    for i, future in waiting:
        result = error or done.result()[i]
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)
