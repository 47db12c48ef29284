"""Telegram commands: parse the command, call one service in bot/, render the reply.

/start, /help, /subscribe [query], /unsubscribe <id|all>, /list, /summary [24h|7d] [query].
In groups and supergroups only the chat's administrators change subscriptions; in a channel
the post comes from the channel itself (its admins); in a forum supergroup a subscription
belongs to the topic it was made in.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import BotCommand, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from bot.alerts import alert_for
from bot.clock import utcnow
from bot.config import parse_duration
from bot.delivery.summary import SHOWN_AT_MOST, summarize
from bot.digests import Schedule, ScheduleError, parse_schedule
from bot.errors import ClaimwatchError, StorageError
from bot.offload import blocking
from bot.query import QueryError, parse
from bot.subscriptions import (
    mute_story,
    pause,
    set_mode,
    subscribe,
    subscriptions_of,
    unsubscribe,
)
from handlers.telegram.render import escape, link, split_blocks
from storage.db import Database

log = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "What this bot does and how to begin"),
    BotCommand("help", "Commands and the query language"),
    BotCommand("subscribe", "Alerts for new allegations and denials matching a query"),
    BotCommand("unsubscribe", "Stop a subscription: /unsubscribe <id|all>"),
    BotCommand("list", "This chat's subscriptions"),
    BotCommand("summary", "Flagged stories of the last 24h or 7d: /summary 7d russia"),
    BotCommand("mode", "instant alerts or a digest: /mode digest"),
    BotCommand("digest", "When the digest comes: /digest daily 08:00 Europe/Kyiv"),
    BotCommand("pause", "Pause this chat's alerts"),
    BotCommand("resume", "Resume this chat's alerts"),
    BotCommand("feeds", "The monitored feeds and their health"),
]
SUMMARY_SHOWN = SHOWN_AT_MOST  # stories listed in a /summary answer; the rest are counted
DEFAULT_DIGEST = Schedule(weekday=None, hour=8, minute=0, timezone="UTC")
HELP = (
    "<b>claimwatch</b> watches news feeds for <b>allegations</b> and <b>official denials</b> "
    "and tells this chat.\n\n"
    "/subscribe <i>query</i> — alerts for new stories that match (no query: everything)\n"
    "/list — this chat's subscriptions\n"
    "/unsubscribe <i>id</i> or <i>all</i>\n"
    "/summary [24h|7d] <i>query</i> — what was flagged\n"
    "/mode instant|digest; /digest daily 08:00 [timezone] or weekly mon 09:00 [timezone]\n"
    "/pause, /resume — this chat's alerts; /feeds — the monitored feeds\n\n"
    'Query: words, "quoted phrases", <code>kremlin OR moscow</code>, <code>-sport</code>, '
    "<code>label:denial</code> (allegation, denial, official, disputed), "
    "<code>actor:russia</code>, <code>lang:ru</code>, <code>feed:kyiv</code>."
)


def _where(update: Update) -> tuple[str, str]:
    message = update.effective_message
    chat = update.effective_chat
    assert message is not None and chat is not None
    thread = str(message.message_thread_id) if message.is_topic_message else ""
    return str(chat.id), thread


def _args(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The arguments as typed; the query parser refuses over-long ones with a clear line."""
    return " ".join(context.args or [])


async def _reply(update: Update, *blocks: str) -> None:
    """Answer in HTML; long answers are split between blocks under Telegram's limit."""
    message = update.effective_message
    if message is None:
        return
    for part in split_blocks(list(blocks)):
        await message.reply_text(part, parse_mode=ParseMode.HTML, do_quote=False)


async def _refused(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """True (and the user told why) when this user may not change the chat's subscriptions."""
    if await _may_change(update, context):
        return False
    await _reply(update, "Only this group's administrators can change its subscriptions.")
    return True


async def _may_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Private chats and channels yes; in groups only administrators."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type in (ChatType.PRIVATE, ChatType.CHANNEL):
        return True
    if user is None:
        return False
    member = await context.bot.get_chat_member(chat.id, user.id)
    return member.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


class TelegramCommands:
    def __init__(self, db: Database, admin_ids: tuple[int, ...] = ()) -> None:
        self.db = db
        self.admin_ids = frozenset(admin_ids)

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        for name, handler in (
            ("start", self.help),
            ("help", self.help),
            ("subscribe", self.subscribe),
            ("unsubscribe", self.unsubscribe),
            ("list", self.list),
            ("summary", self.summary),
            ("mode", self.mode),
            ("digest", self.digest),
            ("pause", self.pause),
            ("resume", self.resume),
            ("feeds", self.feeds),
            ("addfeed", self.addfeed),
            ("removefeed", self.removefeed),
        ):
            # Channels send their commands as channel posts.
            application.add_handler(
                CommandHandler(
                    name,
                    handler,
                    filters=filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST,
                )
            )
        application.add_handler(CallbackQueryHandler(self.mute, pattern=r"^mute:\d+$"))
        application.add_error_handler(self.on_error)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A command that fails answers one line (and the failure is logged once); the bot
        goes on serving everyone else."""
        error = context.error
        if isinstance(error, ClaimwatchError):
            log.error("a Telegram command failed: %s", error)
            reason = "the database failed" if isinstance(error, StorageError) else ""
        else:
            log.error("a Telegram command failed unexpectedly", exc_info=error)
            reason = ""
        if isinstance(update, Update) and update.effective_message is not None:
            detail = f" ({reason})" if reason else ""
            await _reply(update, f"Sorry, that didn't work{detail}. Please try again shortly.")

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await _reply(update, HELP)

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await _refused(update, context):
            return
        chat, thread = _where(update)
        user = update.effective_user
        try:
            made = await blocking(
                subscribe,
                self.db,
                "telegram",
                chat,
                _args(context),
                now=utcnow(),
                thread=thread,
                by=str(user.id) if user else "",
            )
        except QueryError as exc:
            await _reply(update, f"That query doesn't work: {escape(str(exc))}")
            return
        await _reply(
            update,
            f"Subscribed <b>#{made.subscription.id}</b> to {escape(made.query.describe())}.\n"
            f"{made.recent_matches} flagged in the last 24 hours match — /summary to see them.",
        )

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await _refused(update, context):
            return
        ref = _args(context).strip()
        if not ref:
            await _reply(
                update, "Which one? /unsubscribe <i>id</i> (see /list) or /unsubscribe all"
            )
            return
        chat, thread = _where(update)
        removed = await blocking(unsubscribe, self.db, "telegram", chat, ref, thread)
        await _reply(
            update,
            f"Removed {removed} subscription{'s' if removed != 1 else ''}."
            if removed
            else f"No subscription {escape(ref)} here — see /list.",
        )

    async def list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat, thread = _where(update)
        found = await blocking(subscriptions_of, self.db, "telegram", chat, thread)
        if not found:
            await _reply(update, "No subscriptions here yet. Try /subscribe russia denial")
            return
        lines = [
            f"<b>#{s.id}</b> {escape(s.query or 'everything flagged')}"
            + (" (paused)" if s.paused else "")
            for s in found
        ]
        await _reply(update, "\n".join(lines))

    async def summary(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        words = _args(context).split()
        window = "24h"
        if words and words[0].lower() in ("24h", "7d", "1d", "48h", "3d"):
            window = words.pop(0).lower()
        try:
            query = parse(" ".join(words))
        except QueryError as exc:
            await _reply(update, f"That query doesn't work: {escape(str(exc))}")
            return
        since = utcnow() - timedelta(seconds=parse_duration(window))
        found = await blocking(summarize, self.db, query, since)
        items = found.items
        if not items and not found.unsearched:
            await _reply(
                update, f"Nothing flagged in the last {window} matches {escape(query.describe())}."
            )
            return
        blocks = [f"<b>{len(items)} flagged in the last {window}</b> ({escape(query.describe())})"]
        for item in items[:SUMMARY_SHOWN]:
            alert = alert_for(item)
            title = link(alert.url, alert.title)
            who = f" — denied by {escape(alert.denier)}" if alert.denier else ""
            blocks.append(f"• <b>{escape(alert.heading)}</b> {title}{who}")
        more = found.more(min(len(items), SUMMARY_SHOWN))
        if more:
            blocks.append(f"… and {more} more — narrow the query or use 24h.")
        await _reply(update, *blocks)

    async def mode(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await _refused(update, context):
            return
        choice = _args(context).strip().lower()
        if choice not in ("instant", "digest"):
            await _reply(update, "Use /mode instant or /mode digest")
            return
        chat, thread = _where(update)
        schedule = None
        existing = await blocking(subscriptions_of, self.db, "telegram", chat, thread)
        if choice == "digest" and not any(s.digest for s in existing):
            schedule = DEFAULT_DIGEST.encode()
        changed = await blocking(set_mode, self.db, "telegram", chat, thread, choice, schedule)
        when = f" ({escape(DEFAULT_DIGEST.describe())}; change with /digest)" if schedule else ""
        plural = "s" if changed != 1 else ""
        await _reply(update, f"{changed} subscription{plural} now {choice}{when}.")

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await _refused(update, context):
            return
        try:
            schedule = parse_schedule(_args(context))
        except ScheduleError as exc:
            await _reply(update, f"That schedule doesn't work: {escape(str(exc))}")
            return
        chat, thread = _where(update)
        changed = await blocking(
            set_mode, self.db, "telegram", chat, thread, "digest", schedule.encode()
        )
        plural = "s" if changed != 1 else ""
        await _reply(
            update, f"Digest {escape(schedule.describe())} for {changed} subscription{plural}."
        )

    async def _pause(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, paused: bool
    ) -> None:
        if await _refused(update, context):
            return
        chat, _thread = _where(update)
        changed = await blocking(pause, self.db, "telegram", chat, paused=paused)
        verb = "Paused" if paused else "Resumed"
        await _reply(update, f"{verb} {changed} subscription{'s' if changed != 1 else ''}.")

    async def pause(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._pause(update, context, True)

    async def resume(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._pause(update, context, False)

    async def feeds(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Feed names and health for everyone; the full URL only for administrators (a feed
        URL may carry credentials or a key)."""
        from urllib.parse import urlsplit

        from bot.feeds import list_feeds
        from bot.redact import redact_text
        from bot.report import ago

        now = utcnow()
        admin = self._is_admin(update)
        blocks = []
        for feed in await blocking(list_feeds, self.db):
            state = "disabled" if feed.disabled else f"ok {ago(feed.last_success_at, now)}"
            error = f" — {escape(redact_text(feed.last_error))}" if feed.last_error else ""
            if not error and feed.warning:
                error = f" — warning: {escape(feed.warning)}"
            name = feed.title or urlsplit(feed.url).hostname or f"feed {feed.id}"
            where = f"\n{escape(feed.url)}" if admin else ""
            blocks.append(
                f"<b>{feed.id}</b> {escape(name)} ({state}, {feed.item_count} items){error}{where}"
            )
        await _reply(update, *(blocks or ["No feeds yet."]))

    def _is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.admin_ids

    async def addfeed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        from bot.errors import InvalidFeedURLError
        from bot.feeds import add_feed

        if not self._is_admin(update):
            await _reply(update, "Only claimwatch's administrators can add feeds.")
            return
        try:
            created = await blocking(add_feed, self.db, _args(context), now=utcnow())
        except InvalidFeedURLError as exc:
            await _reply(update, f"Not added: {escape(str(exc))}")
            return
        await _reply(
            update, "Added: it is polled at the next tick." if created else "Already monitored."
        )

    async def removefeed(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        from bot.feeds import remove_feed

        if not self._is_admin(update):
            await _reply(update, "Only claimwatch's administrators can remove feeds.")
            return
        removed = await blocking(remove_feed, self.db, _args(context))
        await _reply(
            update, f"Removed {escape(removed)}." if removed else "No such feed — see /feeds."
        )

    async def mute(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The 'Mute this story' button: no more alerts about this story in this chat."""
        query = update.callback_query
        if query is None or query.data is None or not isinstance(query.message, Message):
            return
        item_id = int(query.data.split(":", 1)[1])
        chat = str(query.message.chat.id)
        await blocking(mute_story, self.db, "telegram", chat, item_id, now=utcnow())
        await query.answer("Muted: no more alerts about this story here.")
        keyboard = query.message.reply_markup
        if keyboard is not None:
            kept = [
                [b for b in row if not str(b.callback_data or "").startswith("mute:")]
                for row in keyboard.inline_keyboard
            ]
            await query.edit_message_reply_markup(InlineKeyboardMarkup([r for r in kept if r]))


async def register_menu(application: Application) -> None:  # type: ignore[type-arg]
    await application.bot.set_my_commands(COMMANDS)
