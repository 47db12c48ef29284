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
from typing import Any, TypeVar

from bot.clock import utcnow
from bot.config import Settings
from bot.delivery import ConsoleNotifier, DeliveryService, queue_alerts, queue_digests
from bot.errors import ClaimwatchError
from bot.matching import MatchReport, judge_new
from bot.offload import blocking
from bot.poller import Poller, PollReport
from storage.db import Database

log = logging.getLogger(__name__)
T = TypeVar("T")
SHUTDOWN_WAIT = 60.0  # seconds a stopping process waits for the running tick's stage


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
        self._ticking: asyncio.Task[Any] | None = None

    async def tick(self) -> None:
        """Poll what is due, judge what is new, queue and deliver alerts. Each stage is
        isolated: a failure in one is logged (one line for an expected error, a traceback for
        a bug) and the others still run; the next tick tries again. On shutdown the running
        poll is cancelled, the tick stops before its next stage, and `run` waits for it, so
        no tick is ever cut off mid-stage."""
        self._ticking = asyncio.current_task()
        try:
            await self._tick()
        finally:
            self._ticking = None

    async def _tick(self) -> None:
        task = asyncio.create_task(self.poller.poll())
        self._polls.add(task)
        try:
            report = await self._stage("poll", lambda: task)
        except asyncio.CancelledError:
            if self._stop.is_set():
                return  # shutdown cancelled the poll; what was fetched is stored
            raise
        finally:
            self._polls.discard(task)
        if report is not None and self.on_report is not None:
            self.on_report(report)
        if self._stop.is_set():
            return
        flagged_in_poll = report.flagged_in_poll if report is not None else []
        matched = await self._stage(
            "matching",
            lambda: judge_new(self.db, self.settings, flagged_in_poll=flagged_in_poll),
        )
        if matched is not None and report is not None:
            matched = report.with_verdicts(matched)
        if matched is not None and self.on_matched is not None and matched.matched:
            self.on_matched(matched)
        if self._stop.is_set():
            return
        # Alerts and digests are queued from database state (verdicts not yet queued, digests
        # due), so they run even when this tick's poll or matching failed.
        window = timedelta(seconds=self.settings.new_item_window)
        await self._stage("queueing alerts", lambda: blocking(queue_alerts, self.db, window=window))
        await self._stage(
            "queueing digests", lambda: blocking(queue_digests, self.db, window=window)
        )
        for deliver in self.senders:
            if self._stop.is_set():
                return
            await self._stage("delivery", deliver)

    @staticmethod
    async def _stage(name: str, step: Callable[[], Awaitable[T]]) -> T | None:
        """Run one stage of a tick; its failure is logged and reported as None."""
        try:
            return await step()
        except ClaimwatchError as exc:
            log.error("%s skipped: %s", name, exc)
        except Exception:
            log.exception("%s failed unexpectedly; the other stages still run", name)
        return None

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
        scheduler.pause()  # no new ticks; shutdown() would cancel the running one
        for task in list(self._polls):
            task.cancel()
        if self._polls:
            await asyncio.gather(*self._polls, return_exceptions=True)
        if self._ticking is not None:  # let the tick finish its stage (judging, a send)
            await asyncio.wait({self._ticking}, timeout=SHUTDOWN_WAIT)
        scheduler.shutdown(wait=False)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        log.info("claimwatch stopped")
