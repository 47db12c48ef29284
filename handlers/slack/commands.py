"""Slack commands and buttons: ack() first, then one service in bot/, then a reply.

/summary [24h|7d] [query]   answered through response_url, visible only to the caller, with
                             "Share in channel" and "Subscribe this channel to this query"
/claimwatch subscribe [query] | unsubscribe <id|all> | list | mode instant|digest |
            digest daily HH:MM [tz] | weekly <day> HH:MM [tz] | pause | resume | feeds | help
            | addfeed URL | removefeed URL|ID   (the last two for SLACK_ADMIN_IDS only)
Buttons: mute (an alert's "Mute this story"), open (a link), share, subscribe.

A subscription belongs to the channel it was typed in. Database work runs in a worker thread
so the event loop (and every other ack) never waits on it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.clock import utcnow
from bot.config import parse_duration
from bot.delivery.summary import summarize
from bot.digests import Schedule, ScheduleError, parse_schedule
from bot.offload import blocking
from bot.query import QueryError, parse
from bot.subscriptions import pause, set_mode, subscribe, subscriptions_of, unsubscribe
from handlers.slack.notifier import INVITE_HINT, api_error
from handlers.slack.render import escape, fit, shared_blocks, summary_blocks
from storage.db import Database
from storage.subscriptions import MuteRepository

log = logging.getLogger(__name__)

WINDOWS = ("24h", "7d", "1d", "48h", "3d")
DEFAULT_DIGEST = Schedule(weekday=None, hour=8, minute=0, timezone="UTC")
HELP = (
    "*claimwatch* watches news feeds for *allegations* and *official denials*.\n"
    "`/summary [24h|7d] [query]` — what was flagged (only you see it)\n"
    "`/claimwatch subscribe [query]` — alerts in this channel (no query: everything)\n"
    "`/claimwatch list` · `unsubscribe <id|all>` · `mode instant|digest` · "
    "`digest daily 08:00 [timezone]` or `weekly mon 09:00 [timezone]` · `pause` · `resume` · "
    "`feeds`\n"
    'Query: words, "quoted phrases", `kremlin OR moscow`, `-sport`, `label:denial` '
    "(allegation, denial, official, disputed), `actor:russia`, `lang:ru`, `feed:kyiv`."
)


# Verbs that change what a channel receives: only those allowed may use them (_may_change).
CHANGES = frozenset({"subscribe", "unsubscribe", "mode", "digest", "pause", "resume"})
REFUSED = (
    "Only this channel's creator, the workspace's admins and claimwatch's administrators can "
    "change what this channel receives."
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class SlackCommands:
    def __init__(self, db: Database, admin_ids: tuple[str, ...] = ()) -> None:
        self.db = db
        self.admin_ids = frozenset(admin_ids)

    def install(self, app: AsyncApp) -> None:
        app.command("/summary")(self.summary)
        app.command("/claimwatch")(self.claimwatch)
        app.action("mute")(self.mute)
        app.action("open")(self.open)
        app.action("share")(self.share)
        app.action("subscribe")(self.subscribe_button)

    # /summary -------------------------------------------------------------------------

    async def summary(self, ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        text, blocks = await self.summary_answer(command.get("text", ""))
        await respond(text=text, blocks=blocks, response_type="ephemeral")

    async def summary_answer(self, args: str) -> tuple[str, list[dict[str, Any]]]:
        words = args.split()
        window = words.pop(0).lower() if words and words[0].lower() in WINDOWS else "24h"
        try:
            query = parse(" ".join(words))
        except QueryError as exc:
            line = f"That query doesn't work: {escape(str(exc))}"
            return line, [{"type": "section", "text": {"type": "mrkdwn", "text": line}}]
        since = utcnow() - timedelta(seconds=parse_duration(window))
        found = await blocking(summarize, self.db, query, since)
        return summary_blocks(found.items, window, query.source, query.describe(), found.unsearched)

    # /claimwatch ----------------------------------------------------------------------

    async def claimwatch(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        await ack()
        verb, _, rest = command.get("text", "").strip().partition(" ")
        channel = str(command.get("channel_id", ""))
        user = str(command.get("user_id", ""))
        answer = await self.run(verb.lower(), rest.strip(), channel, user, client)
        await respond(text=answer, response_type="ephemeral")

    async def run(
        self, verb: str, rest: str, channel: str, user: str, client: AsyncWebClient
    ) -> str:
        """The answer to `/claimwatch <verb> <rest>` typed in `channel` by `user`."""
        if verb in CHANGES and not await self._may_change(client, channel, user):
            return REFUSED
        if verb == "subscribe":
            return await self._subscribe(rest, channel, user, client)
        if verb == "unsubscribe":
            if not rest:
                return "Which one? `/claimwatch unsubscribe <id>` (see `list`) or `all`"
            removed = await blocking(unsubscribe, self.db, "slack", channel, rest)
            return (
                f"Removed {_plural(removed, 'subscription')}."
                if removed
                else f"No subscription {fit(rest, 50)} here — see `/claimwatch list`."
            )
        if verb == "list":
            return await blocking(self._list, channel)
        if verb == "mode":
            return await blocking(self._mode, rest.lower(), channel)
        if verb == "digest":
            try:
                schedule = parse_schedule(rest)
            except ScheduleError as exc:
                return f"That schedule doesn't work: {escape(str(exc))}"
            changed = await blocking(
                set_mode, self.db, "slack", channel, "", "digest", schedule.encode()
            )
            return f"Digest {schedule.describe()} for {_plural(changed, 'subscription')}."
        if verb in ("pause", "resume"):
            changed = await blocking(pause, self.db, "slack", channel, paused=verb == "pause")
            return f"{verb.capitalize()}d {_plural(changed, 'subscription')}."
        if verb == "feeds":
            return await blocking(self._feeds)
        if verb in ("addfeed", "removefeed"):
            if user not in self.admin_ids:
                return "Only claimwatch's administrators can change the feeds."
            return await blocking(self._change_feed, verb, rest)
        return HELP

    async def _subscribe(self, text: str, channel: str, user: str, client: AsyncWebClient) -> str:
        try:
            made = await blocking(
                lambda: subscribe(self.db, "slack", channel, text, now=utcnow(), by=user)
            )
        except QueryError as exc:
            return f"That query doesn't work: {escape(str(exc))}"
        answer = (
            f"Subscribed *#{made.subscription.id}* to {escape(made.query.describe())}. "
            f"{made.recent_matches} flagged in the last 24 hours match — `/summary` to see them."
        )
        if not await self._member(client, channel):
            answer += f"\nI'm not in this channel yet: {INVITE_HINT} (alerts wait until then)."
        return answer

    async def _may_change(self, client: AsyncWebClient, channel: str, user: str) -> bool:
        """Whether `user` may change what `channel` receives: in a direct message, yes; in a
        channel, claimwatch's administrators (SLACK_ADMIN_IDS), the workspace's admins and
        owners, and the channel's creator (Slack's counterpart of Telegram's group admins).
        An API error answers no."""
        if channel.startswith("D") or user in self.admin_ids:
            return True
        try:
            person = (await client.users_info(user=user)).data
            if isinstance(person, dict):
                flags = person.get("user", {})
                if flags.get("is_admin") or flags.get("is_owner"):
                    return True
            info = (await client.conversations_info(channel=channel)).data
        except SlackApiError as exc:
            log.warning("Slack: cannot check who may change %s (%s)", channel, api_error(exc))
            return False
        return isinstance(info, dict) and info.get("channel", {}).get("creator") == user

    async def _member(self, client: AsyncWebClient, channel: str) -> bool:
        try:
            info = await client.conversations_info(channel=channel)
        except SlackApiError as exc:
            return api_error(exc) not in ("channel_not_found", "not_in_channel")
        data = info.data if isinstance(info.data, dict) else {}
        return bool(data.get("channel", {}).get("is_member", True))

    def _list(self, channel: str) -> str:
        found = subscriptions_of(self.db, "slack", channel)
        if not found:
            return "No subscriptions here yet. Try `/claimwatch subscribe russia denial`"
        return "\n".join(
            f"*#{s.id}* {escape(s.query or 'everything flagged')} ({s.mode}"
            + (f", paused: {escape(s.paused_reason or 'by hand')}" if s.paused else "")
            + ")"
            for s in found
        )

    def _mode(self, choice: str, channel: str) -> str:
        if choice not in ("instant", "digest"):
            return "Use `/claimwatch mode instant` or `/claimwatch mode digest`"
        existing = subscriptions_of(self.db, "slack", channel)
        schedule = None
        if choice == "digest" and not any(s.digest for s in existing):
            schedule = DEFAULT_DIGEST.encode()
        changed = set_mode(self.db, "slack", channel, "", choice, schedule)
        when = f" ({DEFAULT_DIGEST.describe()}; change with `digest`)" if schedule else ""
        return f"{_plural(changed, 'subscription')} now {choice}{when}."

    def _feeds(self) -> str:
        from bot.feeds import list_feeds
        from bot.report import ago

        now = utcnow()
        lines = []
        for feed in list_feeds(self.db)[:100]:
            state = "disabled" if feed.disabled else f"ok {ago(feed.last_success_at, now)}"
            lines.append(f"*{feed.id}* {fit(feed.title or '(untitled)', 100)} ({state})")
        return "\n".join(lines) or "No feeds yet."

    def _change_feed(self, verb: str, ref: str) -> str:
        from bot.errors import InvalidFeedURLError
        from bot.feeds import add_feed, remove_feed

        if verb == "addfeed":
            try:
                created = add_feed(self.db, ref, now=utcnow())
            except InvalidFeedURLError as exc:
                return f"Not added: {escape(str(exc))}"
            return "Added: it is polled at the next tick." if created else "Already monitored."
        removed = remove_feed(self.db, ref)
        return f"Removed {escape(removed)}." if removed else "No such feed — see `feeds`."

    # buttons --------------------------------------------------------------------------

    async def mute(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """'Mute this story': no more alerts or digest lines about it in this channel."""
        await ack()
        action = body["actions"][0]
        item_id = int(action.get("value", "0"))
        channel = str(body.get("channel", {}).get("id", ""))
        await blocking(self._mute, channel, item_id)
        blocks = body.get("message", {}).get("blocks") or []
        for block in blocks:
            if block.get("type") == "actions":
                block["elements"] = [e for e in block["elements"] if e.get("action_id") != "mute"]
        kept = [b for b in blocks if b.get("type") != "actions" or b["elements"]]
        kept.append(
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "Muted: no more alerts about this story here."}
                ],
            }
        )
        await respond(replace_original=True, blocks=kept, text="Muted")

    def _mute(self, channel: str, item_id: int) -> None:
        with self.db.session() as session:
            MuteRepository(session).mute("slack", channel, item_id, utcnow())

    async def open(self, ack: AsyncAck) -> None:
        await ack()  # a link button: Slack opens the URL, we only acknowledge

    async def share(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        """'Share in channel': the same summary, posted by the app for everyone."""
        await ack()
        channel = str(body.get("channel", {}).get("id", ""))
        text, blocks = await self.summary_answer(body["actions"][0].get("value", ""))
        try:
            await client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=shared_blocks(blocks),
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = api_error(exc)
            hint = INVITE_HINT if error in ("not_in_channel", "channel_not_found") else error
            log.warning("slack: sharing a summary in %s failed: %s", channel, error)
            await respond(
                text=f"I couldn't post here: {hint}.",
                response_type="ephemeral",
                replace_original=False,
            )

    async def subscribe_button(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient
    ) -> None:
        await ack()
        channel = str(body.get("channel", {}).get("id", ""))
        user = str(body.get("user", {}).get("id", ""))
        if not await self._may_change(client, channel, user):
            await respond(text=REFUSED, response_type="ephemeral", replace_original=False)
            return
        answer = await self._subscribe(body["actions"][0].get("value", ""), channel, user, client)
        await respond(text=answer, response_type="ephemeral", replace_original=False)
