"""One delivery loop for every platform: claim due outbox rows, let a Notifier render and send
them, record the outcome.

The guarantee is **at-least-once**: a row is marked sent in its own short transaction right
after the platform accepted the message. A crash, kill or lost database connection in that
narrow window (accepted by Telegram/Slack, not yet committed here) sends that one message
again on restart; nothing already marked is ever sent again, and nothing queued is lost.

What a Notifier raises decides what happens (bot.errors):
    DeliveryRetryableError   the row waits `retry_after` (default a minute); the chat gets
                             nothing more this round (429, network, 5xx, not invited yet)
    ChatMovedError           the chat's subscriptions follow the new id; retried next round
    DeliveryForbiddenError   the chat's subscriptions pause with the reason (blocked, archived,
                             deleted, token revoked); `claimwatch subscriptions` shows it
    DeliveryError            the platform refused this message: dropped with the reason
Pacing: at most one message per `per_chat_interval` seconds to a chat.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.clock import utcnow
from bot.digests import MAX_STORIES, ScheduleError, digest_order, parse_schedule
from bot.errors import (
    DeliveryError,
    DeliveryForbiddenError,
    DeliveryRetryableError,
)
from bot.offload import blocking
from bot.types import FlaggedItem, SubscriptionInfo
from storage.db import Database
from storage.subscriptions import Due, OutboxRepository, SubscriptionRepository

log = logging.getLogger(__name__)

PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat
DEFAULT_RETRY = 60.0
FORBIDDEN_RETRY = timedelta(days=365)  # a paused chat's rows wait; resuming re-arms them


@dataclass(frozen=True, slots=True)
class Message:
    """One rendered message. `item_ids` are the stories it carries (a digest part carries
    several); `payload` is the platform's extra (Telegram buttons, Slack blocks)."""

    text: str
    item_ids: tuple[int, ...] = ()
    payload: Any = None


class Notifier(Protocol):
    """A platform: renders (pure) and sends (one API call, errors translated to bot.errors)."""

    platform: str

    def alert(self, subscription: SubscriptionInfo, item: FlaggedItem) -> Message: ...

    def digest(
        self, subscription: SubscriptionInfo, items: list[FlaggedItem], when: str, more: int
    ) -> list[Message]:
        """The digest as messages, each carrying the ids of the stories it lists; `more`
        stories beyond these are only counted ("and N more")."""
        ...

    async def send(self, subscription: SubscriptionInfo, message: Message) -> None: ...


class ChatMovedError(DeliveryRetryableError):
    """The chat has a new id (a Telegram group became a supergroup): follow it."""

    def __init__(self, chat: str, new_chat: str) -> None:
        super().__init__(chat, f"chat moved to {new_chat}", retry_after=0)
        self.new_chat = new_chat


class DeliveryService:
    def __init__(
        self,
        db: Database,
        notifier: Notifier,
        *,
        clock: Callable[[], datetime] = utcnow,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        batch: int = 100,
    ) -> None:
        self.db = db
        self.notifier = notifier
        self.clock = clock
        self.per_chat_interval = per_chat_interval
        self.batch = batch
        self._last_sent: dict[str, float] = {}

    @property
    def platform(self) -> str:
        return self.notifier.platform

    async def deliver_due(self) -> int:
        """Send every due alert and digest of this platform; returns how many messages the
        platform accepted. Raises StorageError."""
        now = self.clock()
        held: set[str] = set()
        delivered = 0
        while True:  # batches of alerts until none is due or every due chat is held
            due = await blocking(self._claim, now, "alert", self.batch)
            sendable = [row for row in due if row[1].chat not in held]
            for entry_id, subscription, item in sendable:
                if subscription.chat in held:
                    continue
                outcome = await self._deliver(
                    subscription, self.notifier.alert(subscription, item), [entry_id], now
                )
                delivered += outcome == "sent"
                if outcome == "hold":
                    held.add(subscription.chat)
            if not sendable or len(due) < self.batch:
                break
        for subscription, stories in await blocking(self._digests, now):
            if subscription.chat not in held:
                sent, hold = await self._deliver_digest(subscription, stories, now)
                delivered += sent
                if hold:
                    held.add(subscription.chat)
        return delivered

    async def _deliver_digest(
        self, subscription: SubscriptionInfo, stories: list[tuple[int, FlaggedItem]], now: datetime
    ) -> tuple[int, bool]:
        entry_of = {item.item_id: entry_id for entry_id, item in stories}
        ordered = digest_order([item for _, item in stories])
        shown, rest = ordered[:MAX_STORIES], ordered[MAX_STORIES:]
        try:
            when = parse_schedule(subscription.digest).describe()
        except ScheduleError:
            when = "digest"
        messages = self.notifier.digest(subscription, shown, when, len(rest))
        sent = 0
        for index, message in enumerate(messages):
            ids = list(message.item_ids)
            if index == len(messages) - 1:
                ids += [i.item_id for i in rest]  # counted in "and N more": done with the last
            outcome = await self._deliver(subscription, message, [entry_of[i] for i in ids], now)
            if outcome == "hold":
                return sent, True
            sent += outcome == "sent"
        return sent, False

    async def _deliver(
        self, subscription: SubscriptionInfo, message: Message, entry_ids: list[int], now: datetime
    ) -> str:
        """Send one message and record the outcome: 'sent', 'hold' (the chat waits) or
        'dropped'."""
        await self._pace(subscription.chat)
        try:
            await self.notifier.send(subscription, message)
        except ChatMovedError as exc:
            await blocking(self._move, subscription.chat, exc.new_chat)
            await blocking(self._retry, entry_ids, str(exc), now)
            return "hold"
        except DeliveryRetryableError as exc:
            wait = exc.retry_after if exc.retry_after is not None else DEFAULT_RETRY
            await blocking(self._retry, entry_ids, str(exc), now + timedelta(seconds=wait))
            return "hold"
        except DeliveryForbiddenError as exc:
            log.warning(
                "%s chat %s: %s; pausing its subscriptions", self.platform, subscription.chat, exc
            )
            await blocking(self._pause, subscription.chat, str(exc))
            await blocking(self._retry, entry_ids, str(exc), now + FORBIDDEN_RETRY)
            return "hold"
        except DeliveryError as exc:
            log.warning("%s chat %s refused a message: %s", self.platform, subscription.chat, exc)
            await blocking(self._drop, entry_ids, str(exc), now)
            return "dropped"
        await blocking(self._mark_sent, entry_ids, now)
        return "sent"

    async def _pace(self, chat: str) -> None:
        if self.per_chat_interval <= 0:
            return
        wait = self._last_sent.get(chat, 0.0) + self.per_chat_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[chat] = time.monotonic()

    def _claim(self, now: datetime, kind: str, limit: int) -> list[Due]:
        with self.db.session() as session:
            outbox = OutboxRepository(session)
            outbox.drop_superseded(now)
        with self.db.session() as session:
            return OutboxRepository(session).due(self.platform, now, limit, kind=kind)

    def _digests(
        self, now: datetime
    ) -> list[tuple[SubscriptionInfo, list[tuple[int, FlaggedItem]]]]:
        grouped: dict[int, tuple[SubscriptionInfo, list[tuple[int, FlaggedItem]]]] = {}
        for entry_id, subscription, item in self._claim(now, "digest", 0):
            grouped.setdefault(subscription.id, (subscription, []))[1].append((entry_id, item))
        return list(grouped.values())

    def _mark_sent(self, entry_ids: Sequence[int], now: datetime) -> None:
        with self.db.session() as session:
            OutboxRepository(session).mark_sent(entry_ids, now)

    def _retry(self, entry_ids: Sequence[int], error: str, when: datetime) -> None:
        with self.db.session() as session:
            OutboxRepository(session).retry_later(entry_ids, error, when)

    def _drop(self, entry_ids: Sequence[int], error: str, now: datetime) -> None:
        with self.db.session() as session:
            OutboxRepository(session).drop(entry_ids, error, now)

    def _pause(self, chat: str, reason: str) -> None:
        with self.db.session() as session:
            SubscriptionRepository(session).pause_chat(self.platform, chat, reason=reason)

    def _move(self, old: str, new: str) -> None:
        with self.db.session() as session:
            SubscriptionRepository(session).move_chat(self.platform, old, new)
