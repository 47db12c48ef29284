"""Telegram as a delivery platform (rendering and the API call; the policy is bot.delivery).

Telegram's errors are translated at this seam: 429 → DeliveryRetryableError with its
`retry_after`; "group migrated to supergroup" → ChatMovedError; 403 (blocked or removed) →
DeliveryForbiddenError, which pauses the chat; another 400 → DeliveryError, dropped with its
reason; a network error → retry in a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.alerts import alert_for
from bot.clock import utcnow
from bot.delivery import ChatMovedError, DeliveryService, Message
from bot.delivery.service import PER_CHAT_INTERVAL
from bot.errors import DeliveryError, DeliveryForbiddenError, DeliveryRetryableError
from bot.types import FlaggedItem, SubscriptionInfo
from handlers.telegram.render import alert_html, digest_messages
from storage.db import Database


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


class TelegramNotifier:
    platform = "telegram"

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    def alert(self, subscription: SubscriptionInfo, item: FlaggedItem) -> Message:
        return Message(
            alert_html(alert_for(item, subscription.query)), (item.item_id,), buttons(item)
        )

    def digest(
        self, subscription: SubscriptionInfo, items: list[FlaggedItem], when: str, more: int
    ) -> list[Message]:
        return [
            Message(text, ids)
            for text, ids in digest_messages(items, subscription.query, when, more)
        ]

    async def send(self, subscription: SubscriptionInfo, message: Message) -> None:
        chat = subscription.chat
        try:
            await self.bot.send_message(
                chat_id=chat,
                text=message.text,
                parse_mode=ParseMode.HTML,
                reply_markup=message.payload,
                message_thread_id=int(subscription.thread) if subscription.thread else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except RetryAfter as exc:
            raise DeliveryRetryableError(
                chat, "rate limited by Telegram", retry_after=_seconds(exc.retry_after)
            ) from exc
        except ChatMigrated as exc:
            raise ChatMovedError(chat, str(exc.new_chat_id)) from exc
        except Forbidden as exc:
            raise DeliveryForbiddenError(chat, f"forbidden: {exc.message}") from exc
        except BadRequest as exc:
            raise DeliveryError(chat, f"refused by Telegram: {exc.message}") from exc
        except NetworkError as exc:
            raise DeliveryRetryableError(chat, f"network: {exc.message}", retry_after=60) from exc


class TelegramSender(DeliveryService):
    """The delivery service with the Telegram notifier."""

    def __init__(
        self,
        bot: Bot,
        db: Database,
        *,
        clock: Callable[[], datetime] = utcnow,
        per_chat_interval: float = PER_CHAT_INTERVAL,
    ) -> None:
        super().__init__(
            db, TelegramNotifier(bot), clock=clock, per_chat_interval=per_chat_interval
        )
        self.bot = bot
