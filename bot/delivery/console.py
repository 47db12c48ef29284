"""The console as a platform: alerts and digests printed as plain text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from bot.alerts import console_text
from bot.delivery.service import Message
from bot.types import FlaggedItem, SubscriptionInfo
from storage.db import Database
from storage.meta import MetaRepository
from storage.subscriptions import SubscriptionRepository

_CONSOLE_SEEDED = "console_subscription_seeded"


class ConsoleNotifier:
    platform = "console"

    def __init__(self, write: Callable[[str], None] = print) -> None:
        self.write = write

    def alert(self, subscription: SubscriptionInfo, item: FlaggedItem) -> Message:
        return Message(console_text(item), (item.item_id,))

    def digest(
        self, subscription: SubscriptionInfo, items: list[FlaggedItem], when: str, more: int
    ) -> list[Message]:
        lines = [f"Digest ({when}): {len(items) + more} flagged"]
        lines += [console_text(i) for i in items]
        if more:
            lines.append(f"and {more} more (claimwatch summary to see them)")
        return [Message("\n".join(lines), tuple(i.item_id for i in items))]

    async def send(self, subscription: SubscriptionInfo, message: Message) -> None:
        self.write(message.text)


def seed_console_subscription(db: Database, *, now: datetime) -> bool:
    """On the very first start, subscribe the console to everything flagged, so `run` shows
    alerts out of the box; never again (unsubscribing sticks)."""
    with db.session() as session:
        if not MetaRepository(session).claim(_CONSOLE_SEEDED, now.isoformat()):
            return False
        subscriptions = SubscriptionRepository(session)
        if subscriptions.count():
            return False
        subscriptions.add("console", "stdout", "", now=now, by="first start")
    return True
