"""The Telegram side of `claimwatch run`: commands by long polling, alerts from the outbox."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from handlers.telegram.commands import TelegramCommands, register_menu
from handlers.telegram.sender import TelegramSender
from storage.db import Database


@dataclass(frozen=True, slots=True)
class Webhook:
    """Receive updates by webhook instead of long polling. Telegram sends `secret` in the
    X-Telegram-Bot-Api-Secret-Token header; requests without it are refused (403)."""

    url: str  # the public HTTPS URL Telegram calls
    host: str  # where the local server listens (behind a TLS-terminating proxy)
    port: int
    secret: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


OVERALL_PER_SECOND = 25  # below Telegram's ~30/s bulk limit
GROUP_PER_MINUTE = 20  # Telegram's limit per group


def rate_limiter() -> AIORateLimiter:
    """Telegram's pacing, by python-telegram-bot's limiter (aiolimiter): at most 25 messages a
    second overall and 20 a minute per group. A 429 still comes back to the sender, which
    waits its retry_after (max_retries=0); the sender adds one message a second per chat."""
    return AIORateLimiter(
        overall_max_rate=OVERALL_PER_SECOND,
        overall_time_period=1,
        group_max_rate=GROUP_PER_MINUTE,
        group_time_period=60,
        max_retries=0,
    )


async def start_telegram(
    stack: AsyncExitStack,
    db: Database,
    *,
    token: str,
    base_url: str,
    admin_ids: tuple[int, ...] = (),
    poll_timeout: float = 10.0,
    webhook: Webhook | None = None,
) -> TelegramSender:
    """Start the command handlers (long polling) and return the alert sender.

    Everything started is stopped by `stack`. Raises telegram.error.TelegramError when the
    Bot API refuses the token or cannot be reached.
    """
    application: Application = (  # type: ignore[type-arg]
        ApplicationBuilder().token(token).base_url(base_url).rate_limiter(rate_limiter()).build()
    )
    TelegramCommands(db, admin_ids).install(application)
    await application.initialize()
    stack.push_async_callback(application.shutdown)
    await application.start()
    stack.push_async_callback(application.stop)
    await register_menu(application)
    assert application.updater is not None
    if webhook is None:
        await application.updater.start_polling(poll_interval=0.0, timeout=int(poll_timeout))
    else:
        await application.updater.start_webhook(
            listen=webhook.host,
            port=webhook.port,
            url_path=webhook.path,
            webhook_url=webhook.url,
            secret_token=webhook.secret,
        )
    stack.push_async_callback(application.updater.stop)
    return TelegramSender(application.bot, db)
