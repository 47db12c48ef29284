"""Deliver queued Telegram alerts through the outbox (transport only; content is bot.alerts).

429 → the alert waits `retry_after` and the chat gets nothing more this round; 403 (blocked
or removed) → the chat's subscriptions are paused, not retried forever; "group migrated to
supergroup" → the subscription follows the new chat id; another 400 → the alert is dropped
with its reason. One message a second per chat at most.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.alerts import NEW_ITEM_WINDOW, alert_for
from bot.clock import utcnow
from bot.digests import ScheduleError, digest_items, due, parse_schedule
from bot.query import parse
from bot.subscriptions import flagged_matching
from bot.types import FlaggedItem, SubscriptionInfo
from handlers.telegram.render import alert_html, digest_messages
from storage.db import Database
from storage.subscriptions import MuteRepository, OutboxRepository, SubscriptionRepository

log = logging.getLogger(__name__)

PER_CHAT_INTERVAL = 1.0  # seconds between two messages to one chat


def _seconds(value: object) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)  # type: ignore[arg-type]


def buttons(item: FlaggedItem, *, muted: bool = False) -> InlineKeyboardMarkup:
    """'Mute this story' (answered by the commands' callback handler) and 'Open'."""
    row = (
        []
        if muted
        else [InlineKeyboardButton("Mute this story", callback_data=f"mute:{item.item_id}")]
    )
    if item.url and item.url.startswith(("http://", "https://")):
        row.append(InlineKeyboardButton("Open", url=item.url))
    return InlineKeyboardMarkup([row] if row else [])


class TelegramSender:
    def __init__(
        self,
        bot: Bot,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        per_chat_interval: float = PER_CHAT_INTERVAL,
        new_item_window: timedelta = NEW_ITEM_WINDOW,
    ) -> None:
        self.bot = bot
        self.db = db
        self.clock = clock
        self.per_chat_interval = per_chat_interval
        self.new_item_window = new_item_window
        self._last_sent: dict[str, float] = {}

    async def deliver_due(self) -> int:
        """Send every due Telegram alert; returns how many were delivered."""
        now = self.clock()
        due = await asyncio.to_thread(self._due, now)
        held: set[str] = set()
        delivered = 0
        for entry_id, subscription, item in due:
            if subscription.chat in held:
                continue
            outcome = await self._send(entry_id, subscription, item, now)
            if outcome == "sent":
                delivered += 1
            elif outcome == "hold":
                held.add(subscription.chat)
        return delivered

    async def deliver_digests(self) -> int:
        """Send every digest whose time has come; returns how many messages went out."""
        now = self.clock()
        sent = 0
        for subscription in await asyncio.to_thread(self._digest_subscriptions):
            if subscription.paused or subscription.mode != "digest" or not subscription.digest:
                continue
            try:
                schedule = parse_schedule(subscription.digest)
            except ScheduleError:
                continue
            last = subscription.last_digest_at or subscription.created_at
            if not due(schedule, last, now):
                continue
            items = await asyncio.to_thread(self._digest_items, subscription, last)
            messages = (
                digest_messages(items, subscription.query, schedule.describe()) if items else []
            )
            try:
                for text in messages:
                    await self._pace(subscription.chat)
                    await self.bot.send_message(
                        chat_id=subscription.chat,
                        text=text,
                        parse_mode=ParseMode.HTML,
                        message_thread_id=int(subscription.thread) if subscription.thread else None,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                    )
                    sent += 1
            except Forbidden:
                self._pause(subscription.chat)
                continue
            except (RetryAfter, NetworkError) as exc:  # the digest goes out at the next tick
                log.warning("digest for chat %s delayed: %s", subscription.chat, exc.message)
                continue
            with self.db.session() as session:
                SubscriptionRepository(session).digest_done(subscription.id, now)
        return sent

    def _digest_subscriptions(self) -> list[SubscriptionInfo]:
        with self.db.session() as session:
            return SubscriptionRepository(session).find("telegram")

    def _digest_items(self, subscription: SubscriptionInfo, since: datetime) -> list[FlaggedItem]:
        matching = flagged_matching(self.db, parse(subscription.query), since)
        with self.db.session() as session:
            muted = MuteRepository(session).muted("telegram", [subscription.chat])
        unmuted = [i for i in matching if (subscription.chat, i.item_id) not in muted]
        return digest_items(unmuted, since, self.new_item_window)

    def _due(self, now: datetime) -> list[tuple[int, SubscriptionInfo, FlaggedItem]]:
        with self.db.session() as session:
            return OutboxRepository(session).due("telegram", now)

    async def _pace(self, chat: str) -> None:
        wait = self._last_sent.get(chat, 0.0) + self.per_chat_interval - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        self._last_sent[chat] = time.monotonic()

    async def _send(
        self, entry_id: int, subscription: SubscriptionInfo, item: FlaggedItem, now: datetime
    ) -> str:
        await self._pace(subscription.chat)
        try:
            await self.bot.send_message(
                chat_id=subscription.chat,
                text=alert_html(alert_for(item, subscription.query)),
                parse_mode=ParseMode.HTML,
                reply_markup=buttons(item),
                message_thread_id=int(subscription.thread) if subscription.thread else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            self._record(
                entry_id,
                "rate limited by Telegram",
                now + timedelta(seconds=_seconds(exc.retry_after)),
            )
            return "hold"
        except ChatMigrated as exc:
            self._migrate(subscription.chat, str(exc.new_chat_id))
            self._record(entry_id, "chat migrated to a supergroup", now)
            return "hold"
        except Forbidden as exc:
            log.warning(
                "chat %s blocked or removed the bot; pausing its subscriptions", subscription.chat
            )
            self._pause(subscription.chat)
            self._record(entry_id, f"forbidden: {exc.message}", now + timedelta(days=365))
            return "hold"
        except BadRequest as exc:
            self._drop(entry_id, f"refused by Telegram: {exc.message}", now)
            return "dropped"
        except NetworkError as exc:
            self._record(entry_id, f"network: {exc.message}", now + timedelta(minutes=1))
            return "hold"
        with self.db.session() as session:
            OutboxRepository(session).mark_sent(entry_id, now)
        return "sent"

    def _record(self, entry_id: int, error: str, when: datetime) -> None:
        with self.db.session() as session:
            OutboxRepository(session).retry_later(entry_id, error, when)

    def _drop(self, entry_id: int, error: str, now: datetime) -> None:
        with self.db.session() as session:
            OutboxRepository(session).drop(entry_id, error, now)

    def _pause(self, chat: str) -> None:
        with self.db.session() as session:
            SubscriptionRepository(session).pause_chat("telegram", chat)

    def _migrate(self, old: str, new: str) -> None:
        with self.db.session() as session:
            SubscriptionRepository(session).move_chat("telegram", old, new)
