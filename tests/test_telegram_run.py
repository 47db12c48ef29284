"""The whole path as a user runs it: `claimwatch run` (a real process) polls a local feed, the
matcher flags the article (the project's own, and the seed article where ../shared is), and a
subscribed Telegram chat gets exactly one alert through the Bot API stand-in saying who
alleged, who denied and the denial's words; a restart sends nothing again."""

from __future__ import annotations

import asyncio
import html
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import TELEGRAM_TOKEN
from tests.feedserver import FeedServer
from tests.feedserver import kyiv_post_rss as rss
from tests.stories import Story
from tests.telegram_standin import BotAPIStandIn

CLAIMWATCH = str(Path(sys.executable).with_name("claimwatch"))


async def run_for(
    env: dict[str, str], seconds: float, until: Callable[[], bool] | None = None
) -> str:
    process = await asyncio.create_subprocess_exec(
        CLAIMWATCH, "run", env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        for _ in range(int(seconds * 10)):
            await asyncio.sleep(0.1)
            if until is not None and until():
                await asyncio.sleep(0.5)
                break
        process.send_signal(signal.SIGINT)
        _out, err = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
    assert process.returncode == 0, err.decode()[-2000:]
    return err.decode()


async def test_claimwatch_run_delivers_one_telegram_alert(
    tmp_path: Path, feed_server: FeedServer, standin: BotAPIStandIn, story: Story
) -> None:
    standin.add_chat(42)
    weather = ("1", "Weather", "Sunny.")
    article = ("2", story.headline, story.html)
    route = feed_server.add("/kp.xml", body=rss(weather))
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}",
        "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE_URL": standin.base_url,
        "POLL_TICK": "1s",
        "POLL_INTERVAL": "1s",
        "POLL_MIN_INTERVAL": "1s",
        "PTB_TIMEDELTA": "1",
    }
    for args in (
        ("feeds", "add", route, "--interval", "1s"),
        ("subscribe", "telegram:42", story.query),
    ):
        setup = await asyncio.create_subprocess_exec(
            CLAIMWATCH, *args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        await setup.communicate()
        assert setup.returncode == 0

    def first_poll_done() -> bool:
        return feed_server.hits("/kp.xml") >= 1

    log = await run_for(env, 15, first_poll_done)
    assert "Telegram: commands and alerts as @claimwatch_test_bot" in log
    assert TELEGRAM_TOKEN not in log  # never log the token
    feed_server.routes["/kp.xml"].body = rss(weather, article)
    await run_for(env, 20, lambda: len(standin.sent(42)) >= 1)
    (alert,) = standin.sent(42)
    text = html.unescape(alert["text"])
    for words in story.must_say:
        assert words in text, (words, text)
    await run_for(env, 4)  # a restart polls again and sends nothing new
    assert len(standin.sent(42)) == 1
