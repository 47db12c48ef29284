"""The Telegram side of `claimwatch run`: commands by long polling, alerts from the outbox."""

from __future__ import annotations

from contextlib import AsyncExitStack

from telegram.ext import Application, ApplicationBuilder

from handlers.telegram.commands import TelegramCommands, register_menu
from handlers.telegram.sender import TelegramSender
from storage.db import Database


async def start_telegram(
    stack: AsyncExitStack,
    db: Database,
    *,
    token: str,
    base_url: str,
    admin_ids: tuple[int, ...] = (),
    poll_timeout: float = 10.0,
) -> TelegramSender:
    """Start the command handlers (long polling) and return the alert sender.

    Everything started is stopped by `stack`. Raises telegram.error.TelegramError when the
    Bot API refuses the token or cannot be reached.
    """
    application: Application = ApplicationBuilder().token(token).base_url(base_url).build()  # type: ignore[type-arg]
    TelegramCommands(db, admin_ids).install(application)
    await application.initialize()
    stack.push_async_callback(application.shutdown)
    await application.start()
    stack.push_async_callback(application.stop)
    await register_menu(application)
    assert application.updater is not None
    await application.updater.start_polling(poll_interval=0.0, timeout=int(poll_timeout))
    stack.push_async_callback(application.updater.stop)
    return TelegramSender(application.bot, db)
