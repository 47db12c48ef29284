"""The main job: poll on a schedule (APScheduler 3.x) until SIGINT/SIGTERM, then stop cleanly.

A tick every POLL_TICK seconds polls the feeds that are due; each feed carries its own next
poll time, so the tick only decides how promptly a due feed is noticed. On a signal the
scheduler stops taking new ticks, the running poll is cancelled (what was already fetched is
still written, in whole transactions) and the process exits.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from datetime import UTC, timedelta
from functools import partial
from typing import Any

from bot.clock import utcnow
from bot.config import Settings
from bot.delivery import ConsoleNotifier, DeliveryService, queue_alerts, queue_digests
from bot.errors import StorageError
from bot.matching import MatchReport, judge_new
from bot.poller import Poller, PollReport
from storage.db import Database

log = logging.getLogger(__name__)


class Runner:
    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        on_report: Callable[[PollReport], None] | None = None,
        on_matched: Callable[[MatchReport], None] | None = None,
        poller: Poller | None = None,
        write_alert: Callable[[str], None] = print,
    ) -> None:
        self.db = db
        self.settings = settings
        self.poller = poller or Poller(db, settings)
        self.on_report = on_report
        self.on_matched = on_matched
        self.write_alert = write_alert
        self.senders: list[Callable[[], Awaitable[int]]] = [
            DeliveryService(db, ConsoleNotifier(write_alert), per_chat_interval=0).deliver_due
        ]
        self._stop = asyncio.Event()
        self._polls: set[asyncio.Task[PollReport]] = set()

    async def tick(self) -> None:
        """Poll what is due, then judge what is new. Errors are reported in one line; the
        next tick tries again."""
        task = asyncio.create_task(self.poller.poll())
        self._polls.add(task)
        try:
            report = await task
        except asyncio.CancelledError:
            return
        except StorageError as exc:
            log.error("poll skipped: %s", exc)
            return
        finally:
            self._polls.discard(task)
        if self.on_report is not None:
            self.on_report(report)
        try:
            matched = await asyncio.shield(judge_new(self.db, self.settings))
        except StorageError as exc:
            log.error("matching skipped: %s", exc)
            return
        if self.on_matched is not None and matched.matched:
            self.on_matched(matched)
        try:
            window = timedelta(seconds=self.settings.new_item_window)
            await asyncio.to_thread(partial(queue_alerts, window=window), self.db)
            await asyncio.to_thread(partial(queue_digests, window=window), self.db)
            for deliver in self.senders:
                await deliver()
        except StorageError as exc:
            log.error("alerts not delivered yet: %s", exc)

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        from apscheduler.schedulers.asyncio import AsyncIOScheduler

        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.stop)
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.settings.poll_tick,
            next_run_time=utcnow(),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            id="poll",
        )
        async with AsyncExitStack() as stack:
            await self._start_telegram(stack)
            await self._start_slack(stack)
            scheduler.start()
            log.info("claimwatch is running; press Ctrl+C to stop")
            try:
                await self._stop.wait()
            finally:
                await self._shutdown(scheduler, loop)

    async def _start_telegram(self, stack: AsyncExitStack) -> None:
        token = self.settings.telegram_bot_token
        if token is None or not token.get_secret_value():
            return
        from telegram.error import TelegramError

        from handlers.telegram.app import Webhook, start_telegram

        webhook = None
        if self.settings.telegram_webhook_url and self.settings.telegram_webhook_secret:
            host, _, port = self.settings.telegram_webhook_listen.rpartition(":")
            webhook = Webhook(
                url=self.settings.telegram_webhook_url,
                host=host,
                port=int(port),
                secret=self.settings.telegram_webhook_secret.get_secret_value(),
            )

        try:
            sender = await start_telegram(
                stack,
                self.db,
                token=token.get_secret_value(),
                base_url=self.settings.telegram_api_base_url,
                admin_ids=self.settings.telegram_admin_ids,
                webhook=webhook,
            )
        except TelegramError as exc:  # one line, and never the token
            log.error("Telegram unavailable (%s); its alerts wait in the outbox", exc.message)
            return
        self.senders.append(sender.deliver_due)
        log.info("Telegram: commands and alerts as @%s", sender.bot.username)

    async def _start_slack(self, stack: AsyncExitStack) -> None:
        settings = self.settings
        token = settings.slack_bot_token
        if token is None or not token.get_secret_value():
            return
        from aiohttp import ClientError
        from slack_sdk.errors import SlackApiError

        from handlers.slack.app import start_slack
        from handlers.slack.notifier import describe_failure

        secret, app_token = settings.slack_signing_secret, settings.slack_app_token
        try:
            started = await start_slack(
                stack,
                self.db,
                bot_token=token.get_secret_value(),
                signing_secret=secret.get_secret_value() if secret else "",
                app_token=app_token.get_secret_value() if app_token else "",
                base_url=settings.slack_api_base_url,
                admin_ids=settings.slack_admin_ids,
                http_host=settings.http_host,
                http_port=settings.http_port,
            )
        except (SlackApiError, ClientError, OSError, TimeoutError) as exc:  # one line, no token
            log.error(
                "Slack unavailable (%s); its alerts wait in the outbox", describe_failure(exc)
            )
            return
        self.senders.append(DeliveryService(self.db, started.notifier).deliver_due)
        log.info("Slack: commands and alerts as @%s (%s)", started.name, ", ".join(started.modes))

    async def _shutdown(self, scheduler: Any, loop: asyncio.AbstractEventLoop) -> None:
        scheduler.shutdown(wait=False)
        for task in list(self._polls):
            task.cancel()
        if self._polls:
            await asyncio.gather(*self._polls, return_exceptions=True)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        log.info("claimwatch stopped")
