"""The one rule for database work in async code: it never runs on the event loop.

A synchronous SQLAlchemy call can wait seconds (SQLite's busy timeout, a slow PostgreSQL, a
/summary that scores a thousand items), and while it waits the loop serves nothing: no feed
is fetched, no Telegram or Slack update answered. So every async caller (chat handlers,
senders, the poller, the matcher stage) reaches storage and the services in bot/ through
`blocking()`, which runs the call in a worker thread. Sessions stay per call, so a session
never crosses threads.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def blocking(func: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`func(*args, **kwargs)` in a worker thread; its result, or its exception."""
    return await asyncio.to_thread(functools.partial(func, *args, **kwargs))
