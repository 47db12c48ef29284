"""The whole path as a user runs it: `claimwatch run` (a real process) polls a local feed, the
matcher flags the seed article, and a Telegram chat subscribed to "russia" gets exactly one
alert through the Bot API stand-in; a restart sends nothing again."""

from __future__ import annotations

import asyncio
import html
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import TELEGRAM_TOKEN, shared_path
from tests.feedserver import FeedServer
from tests.feedserver import kyiv_post_rss as rss
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
    tmp_path: Path, feed_server: FeedServer, standin: BotAPIStandIn
) -> None:
    standin.add_chat(42)
    weather = ("1", "Weather", "Sunny.")
    lines = shared_path("corpus", "seed-article.txt").read_text().splitlines()
    seed = (
        "2",
        "Russian embassy calls White House execution claims 'other-worldly lies'",
        "".join(f"<p>{html.escape(p)}</p>" for p in lines),
    )
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
        ("subscribe", "telegram:42", "russia"),
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
    feed_server.routes["/kp.xml"].body = rss(weather, seed)
    await run_for(env, 20, lambda: len(standin.sent(42)) >= 1)
    (alert,) = standin.sent(42)
    assert "White House" in alert["text"] and "Russian embassy" in alert["text"]
    assert "other-worldly lies" in alert["text"]
    await run_for(env, 4)  # a restart polls again and sends nothing new
    assert len(standin.sent(42)) == 1
