"""The whole path as a user runs it, on Slack: `claimwatch run` (a real process) in HTTP mode
polls a local feed, the matcher flags the article (the project's own, and the seed article
where ../shared is), `/summary 24h russia` (a genuinely signed request) answers through
response_url with who alleged, who denied and the denial's words, every subscribed channel
gets exactly one alert, a restart sends nothing again, and a badly signed request gets 401
and changes nothing."""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp

from tests.feedserver import FeedServer
from tests.feedserver import kyiv_post_rss as rss
from tests.slack_standin import (
    BOT_TOKEN,
    SIGNING_SECRET,
    SlackStandIn,
    form,
    sign,
    slack,
    slash_command,
)
from tests.stories import Story
from tests.test_slack_commands import free_port, until

__all__ = ["slack"]

CLAIMWATCH = str(Path(sys.executable).with_name("claimwatch"))


async def cli(env: dict[str, str], *args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        CLAIMWATCH, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return out.decode()


class Run:
    """`claimwatch run` until stopped with SIGINT; returns its log."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Run:
        self.process = await asyncio.create_subprocess_exec(
            CLAIMWATCH, "run", env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(2)
        _out, err = await asyncio.wait_for(self.process.communicate(), timeout=30)
        self.log = err.decode()
        assert self.process.returncode == 0, self.log[-2000:]


async def post(url: str, fields: dict[str, str], secret: str = SIGNING_SECRET) -> int:
    body = form(fields)
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=sign(secret, body, int(time.time()))) as response,
    ):
        return response.status


async def wait_for_server(url: str) -> None:
    async def up() -> bool:
        try:
            async with aiohttp.ClientSession() as session, session.get(url) as response:
                return response.status == 200
        except aiohttp.ClientError:
            return False

    for _ in range(300):
        if await up():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("claimwatch run never served /healthz")


async def test_claimwatch_run_on_slack(
    tmp_path: Path, feed_server: FeedServer, slack: SlackStandIn, story: Story
) -> None:
    slack.add_channel("C0123")
    slack.add_channel("C0456")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    weather = ("1", "Weather", "Sunny.")
    article = ("2", story.headline, story.html)
    route = feed_server.add("/kp.xml", body=rss(weather))
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_BASE_URL": slack.base_url,
        "HTTP_PORT": str(port),
        "POLL_TICK": "1s",
        "POLL_INTERVAL": "1s",
        "POLL_MIN_INTERVAL": "1s",
    }
    await cli(env, "feeds", "add", route, "--interval", "1s")
    await cli(env, "subscribe", "slack:C0123", story.query)
    await cli(env, "subscribe", "slack:C0456", "label:official")

    async with Run(env) as first:
        await wait_for_server(f"{base}/healthz")
        await until(lambda: feed_server.hits("/kp.xml") >= 1, 20)
        feed_server.routes["/kp.xml"].body = rss(weather, article)
        await until(lambda: slack.sent("C0123") and slack.sent("C0456"), 30)

        response_url = slack.response_url()
        summary = slash_command(
            "/summary", f"24h {story.query}", channel="C0123", response_url=response_url
        )
        assert await post(f"{base}/slack/events", summary) == 200
        (answer,) = await until(lambda: slack.answers(response_url), 20)

        forged_url = slack.response_url()
        forged = slash_command(
            "/claimwatch", "unsubscribe all", channel="C0123", response_url=forged_url
        )
        assert await post(f"{base}/slack/events", forged, secret="guessed") == 401
    assert "Slack: commands and alerts as @claimwatch (HTTP on 127.0.0.1:" in first.log
    assert BOT_TOKEN not in first.log and SIGNING_SECRET not in first.log

    answer_text = "\n".join(b["text"]["text"] for b in answer["blocks"] if b["type"] == "section")
    assert answer["response_type"] == "ephemeral"
    for words in story.must_say:
        assert words in html.unescape(answer_text), (words, answer_text)
    for channel in ("C0123", "C0456"):
        (alert,) = slack.sent(channel)
        assert story.must_say[-1] in html.unescape(alert["blocks"][0]["text"]["text"])
    assert slack.answers(forged_url) == []
    assert f"#1 slack:C0123 instant: {story.query}" in await cli(
        env, "subscriptions"
    )  # not removed

    async with Run(env):  # a restart polls again and sends nothing new
        await wait_for_server(f"{base}/healthz")
        await until(lambda: feed_server.hits("/kp.xml") >= 4, 20)
    assert len(slack.sent("C0123")) == 1 and len(slack.sent("C0456")) == 1
