"""Delivery: from verdicts to messages in chats, the same way for every platform.

    verdicts (matches.alerts_queued = false)            digest schedules that are due
        -> queue_alerts: alerts.plan (pure)                 -> queue_digests: digests (pure)
        -> outbox rows, kind alert                          -> outbox rows, kind digest
    -> DeliveryService: claim due rows (filtered in SQL) -> a Notifier renders and sends
       -> mark sent (or retry later, pause the chat, drop with the reason)

Queueing reads database state, never an in-memory list: the verdict's own row says whether
its alerts were queued, so a crash or SIGTERM between judging and queueing is caught up on
the next tick. Delivery is at-least-once (see bot.delivery.service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.delivery.console import ConsoleNotifier, seed_console_subscription
    from bot.delivery.queue import queue_alerts, queue_digests
    from bot.delivery.service import (
        ChatMovedError,
        DeliveryService,
        Message,
        Notifier,
    )

__all__ = [
    "ChatMovedError",
    "ConsoleNotifier",
    "DeliveryService",
    "Message",
    "Notifier",
    "queue_alerts",
    "queue_digests",
    "seed_console_subscription",
]

# Where each name lives: the package imports a module on first use of one of its names, so a
# one-off poll, which only queues alerts, never loads the delivery service (PEP 562).
_HOME = {
    "ChatMovedError": "service",
    "ConsoleNotifier": "console",
    "DeliveryService": "service",
    "Message": "service",
    "Notifier": "service",
    "queue_alerts": "queue",
    "queue_digests": "queue",
    "seed_console_subscription": "console",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
