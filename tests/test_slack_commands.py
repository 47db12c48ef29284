"""Slack commands and buttons through a running app: genuinely signed HTTP requests to our
server on 127.0.0.1 (Bolt verifies them), Socket Mode over a local WebSocket, the real
slack_bolt and slack_sdk, answers recorded by the Web API / response_url stand-in."""

from __future__ import annotations

import asyncio
import io
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest

from handlers.slack.app import start_slack
from storage.db import Database
from storage.models import Mute
from storage.subscriptions import SubscriptionRepository
from tests.slack_standin import (
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackStandIn,
    block_action,
    form,
    sign,
    slack,
    slash_command,
)
from tests.test_alerts import add_judged

__all__ = ["slack"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def until(condition: Callable[[], Any], seconds: float = 10) -> Any:
    for _ in range(int(seconds * 50)):
        found = condition()
        if found:
            return found
        await asyncio.sleep(0.02)
    raise AssertionError("condition not met in time")


class Running:
    def __init__(self, slack: SlackStandIn, port: int) -> None:
        self.slack = slack
        self.url = f"http://127.0.0.1:{port}/slack/events"

    async def post(
        self, fields: dict[str, str], *, secret: str = SIGNING_SECRET, age: int = 0
    ) -> tuple[int, str]:
        body = form(fields)
        headers = sign(secret, body, int(time.time()) - age)
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=headers) as response,
        ):
            return response.status, await response.text()

    async def command(
        self,
        command: str,
        text: str,
        channel: str = "C0NEWS",
        *,
        user: str = "U0USER",
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Send a slash command; returns the answer posted to its response_url."""
        response_url = self.slack.response_url()
        fields = slash_command(command, text, channel=channel, user=user, response_url=response_url)
        status, _ = await self.post(fields, **kwargs)
        assert status == 200
        answers = await until(lambda: self.slack.answers(response_url))
        return answers[-1]  # type: ignore[no-any-return]

    async def press(self, action: str, value: str = "", channel: str = "C0NEWS", **kw: Any) -> Any:
        response_url = self.slack.response_url()
        fields = block_action(action, value=value, channel=channel, response_url=response_url, **kw)
        status, _ = await self.post(fields)
        assert status == 200
        return response_url


@pytest.fixture
async def running(db: Database, slack: SlackStandIn) -> AsyncIterator[Running]:
    slack.add_channel("C0NEWS")
    port = free_port()
    async with AsyncExitStack() as stack:
        started = await start_slack(
            stack,
            db,
            bot_token=BOT_TOKEN,
            signing_secret=SIGNING_SECRET,
            base_url=slack.base_url,
            admin_ids=("U0ADMIN",),
            http_port=port,
        )
        assert started.name == "claimwatch"
        assert started.modes == (f"HTTP on 127.0.0.1:{port}/slack/events",)
        yield Running(slack, port)


async def test_summary_is_private_and_can_be_shared_or_subscribed(
    db: Database, running: Running, slack: SlackStandIn
) -> None:
    add_judged(db, 3, start=0, seen=datetime.now(UTC))
    answer = await running.command("/summary", "24h russia")
    assert answer["response_type"] == "ephemeral"
    assert answer["blocks"][0]["text"]["text"] == "3 flagged in the last 24h: russia"
    assert "Russia denies story 2" in answer["blocks"][1]["text"]["text"]
    share, subscribe = answer["blocks"][-1]["elements"]
    await running.press("share", share["value"])
    (posted,) = await until(lambda: slack.sent("C0NEWS"))
    assert posted["blocks"][0] == answer["blocks"][0]
    assert all(b["type"] != "actions" for b in posted["blocks"])  # shared without buttons
    url = await running.press("subscribe", subscribe["value"])
    (reply,) = await until(lambda: slack.answers(url))
    assert reply["text"].startswith("Subscribed *#1* to russia. 3 flagged in the last 24 hours")
    with db.session() as session:
        (made,) = SubscriptionRepository(session).find("slack", "C0NEWS")
    assert (made.query, made.mode) == ("russia", "instant")
    empty = await running.command("/summary", "7d nothing-like-this")
    assert empty["text"] == "Nothing flagged in the last 7d matches nothing-like-this."
    broken = await running.command("/summary", '"unclosed')
    assert broken["text"].startswith("That query doesn't work:")


async def test_bad_or_stale_signatures_get_401_and_change_nothing(
    db: Database, running: Running, slack: SlackStandIn
) -> None:
    url = slack.response_url()
    fields = slash_command("/claimwatch", "subscribe russia", channel="C0NEWS", response_url=url)
    assert (await running.post(fields, secret="not-the-secret"))[0] == 401
    assert (await running.post(fields, age=6 * 60))[0] == 401  # outside the 5-minute window
    async with (
        aiohttp.ClientSession() as session,
        session.post(running.url, data=form(fields)) as unsigned,
    ):
        assert unsigned.status == 401
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            running.url, data=io.BytesIO(b"x" * 2**21), headers=sign(SIGNING_SECRET, b"")
        ) as huge,
    ):
        assert huge.status == 413
    await asyncio.sleep(0.3)
    assert slack.answers(url) == [] and slack.posts == []
    with db.session() as session:
        assert SubscriptionRepository(session).find() == []


async def test_claimwatch_commands(db: Database, running: Running, slack: SlackStandIn) -> None:
    slack.add_channel("C0OUT", member=False)
    made = await running.command("/claimwatch", "subscribe russia label:denial", channel="C0OUT")
    assert made["response_type"] == "ephemeral"
    assert made["text"].startswith("Subscribed *#1* to russia label:denial.")
    assert "invite me with /invite @claimwatch" in made["text"]
    listed = await running.command("/claimwatch", "list", channel="C0OUT")
    assert listed["text"] == "*#1* russia label:denial (instant)"
    assert (await running.command("/claimwatch", "mode digest", channel="C0OUT"))["text"] == (
        "1 subscription now digest (daily at 08:00 UTC; change with `digest`)."
    )
    digest = await running.command("/claimwatch", "digest weekly mon 09:30 Europe/Kyiv", "C0OUT")
    assert digest["text"] == "Digest weekly on mon at 09:30 Europe/Kyiv for 1 subscription."
    assert (await running.command("/claimwatch", "pause", channel="C0OUT"))["text"] == (
        "Paused 1 subscription."
    )
    bad = await running.command("/claimwatch", 'subscribe "oops', channel="C0OUT")
    assert bad["text"].startswith("That query doesn't work:")
    refused = await running.command("/claimwatch", "addfeed http://127.0.0.1/x.xml")
    assert refused["text"] == "Only claimwatch's administrators can change the feeds."
    help_ = await running.command("/claimwatch", "")
    assert "/claimwatch subscribe [query]" in help_["text"]
    gone = await running.command("/claimwatch", "unsubscribe all", channel="C0OUT")
    assert gone["text"] == "Removed 1 subscription."


async def test_only_the_channel_creator_and_admins_change_what_a_channel_receives(
    db: Database, running: Running, slack: SlackStandIn
) -> None:
    from tests.slack_standin import Channel

    slack.channels["C0NEWS"] = Channel("C0NEWS", creator="U0USER")
    refused = await running.command("/claimwatch", "subscribe russia", user="U0OTHER")
    assert refused["text"].startswith("Only this channel's creator, the workspace's admins")
    for verb in ("unsubscribe all", "pause", "mode digest", "digest daily 08:00"):
        answer = await running.command("/claimwatch", verb, user="U0OTHER")
        assert answer["text"] == refused["text"], verb
    url = await running.press("subscribe", "russia", user="U0OTHER")
    (pressed,) = await until(lambda: slack.answers(url))
    assert pressed["text"] == refused["text"]
    with db.session() as session:
        assert SubscriptionRepository(session).find() == []
    # Reading is for everyone; the workspace admin, the creator and a DM may change.
    listed = await running.command("/claimwatch", "list", user="U0OTHER")
    assert listed["text"].startswith("No subscriptions here yet")
    made = await running.command("/claimwatch", "subscribe russia", user="U0ADMIN")
    assert made["text"].startswith("Subscribed *#1*")
    paused = await running.command("/claimwatch", "pause", user="U0USER")
    assert paused["text"] == "Paused 1 subscription."
    slack.add_channel("D0DM")
    own = await running.command("/claimwatch", "subscribe kremlin", "D0DM", user="U0OTHER")
    assert own["text"].startswith("Subscribed *#2*")


async def test_mute_this_story(db: Database, running: Running, slack: SlackStandIn) -> None:
    (item_id,) = add_judged(db, 1, start=0, seen=datetime.now(UTC))
    message = {
        "type": "message",
        "text": "Denial",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "story"}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "mute",
                        "value": str(item_id),
                        "text": {"type": "plain_text", "text": "Mute this story"},
                    },
                    {
                        "type": "button",
                        "action_id": "open",
                        "url": "https://news.example/1",
                        "text": {"type": "plain_text", "text": "Open"},
                    },
                ],
            },
        ],
    }
    url = await running.press("mute", str(item_id), message=message)
    (updated,) = await until(lambda: slack.answers(url))
    assert updated["replace_original"] is True
    buttons = [
        e["text"]["text"]
        for b in updated["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert buttons == ["Open"]
    with db.session() as session:
        (mute,) = session.query(Mute).all()
    assert (mute.platform, mute.chat, mute.item_id) == ("slack", "C0NEWS", item_id)


async def test_sharing_where_the_app_is_not_invited_says_how(
    running: Running, slack: SlackStandIn
) -> None:
    slack.add_channel("C0OUT", member=False)
    url = await running.press("share", "24h", channel="C0OUT")
    (reply,) = await until(lambda: slack.answers(url))
    assert reply["text"] == "I couldn't post here: invite me with /invite @claimwatch."


async def test_summary_acks_within_3_seconds_over_10000_flagged_items(
    db: Database, running: Running, slack: SlackStandIn
) -> None:
    add_judged(db, 10_000, start=0, seen=datetime.now(UTC))
    response_url = slack.response_url()
    fields = slash_command("/summary", "7d russia", channel="C0NEWS", response_url=response_url)
    status, body = await running.post(fields)
    assert status == 200 and body == ""
    # Acknowledged before the work was done: the ack never waits on the search (no wall-clock
    # bound is asserted; the machines are noisy).
    assert slack.answers(response_url) == []
    (answer,) = await until(lambda: slack.answers(response_url), seconds=60)
    assert answer["blocks"][0]["text"]["text"] == "10000 flagged in the last 7d: russia"
    assert answer["blocks"][-2]["text"]["text"] == "… and 9980 more — narrow the query or use 24h"
    assert len(answer["blocks"]) <= 50


async def test_socket_mode_answers_the_same_commands(db: Database, slack: SlackStandIn) -> None:
    add_judged(db, 2, start=0, seen=datetime.now(UTC))
    async with AsyncExitStack() as stack:
        started = await start_slack(
            stack, db, bot_token=BOT_TOKEN, app_token=APP_TOKEN, base_url=slack.base_url
        )
        assert started.modes == ("Socket Mode",)
        response_url = slack.response_url()
        envelope = {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": slash_command(
                "/summary", "24h russia", channel="C0NEWS", response_url=response_url
            ),
        }
        await slack.send_envelope(envelope)
        (ack,) = await until(lambda: slack.acks)
        assert ack["envelope_id"] == "env-1"
        (answer,) = await until(lambda: slack.answers(response_url))
        assert answer["blocks"][0]["text"]["text"] == "2 flagged in the last 24h: russia"
        await slack.send_envelope(envelope)  # delivered again (as after a reconnect)
        await until(lambda: len(slack.acks) == 2)
        await asyncio.sleep(0.3)
        assert len(slack.answers(response_url)) == 1  # acknowledged, not answered twice
    assert ("apps.connections.open", "", 200) in slack.calls
    assert [a["envelope_id"] for a in slack.acks] == ["env-1", "env-1"]
