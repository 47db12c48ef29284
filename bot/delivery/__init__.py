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
