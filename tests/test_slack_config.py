"""Slack settings: validated at start, one line naming the setting, never echoing a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ({"slack_signing_secret": "s3cret"}, "SLACK_BOT_TOKEN: required with"),
        ({"slack_app_token": "xapp-1"}, "SLACK_BOT_TOKEN: required with"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET: set it for HTTP mode"),
        ({"slack_bot_token": "xoxp-1", "slack_signing_secret": "s"}, "SLACK_BOT_TOKEN: expected"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-2"}, "SLACK_APP_TOKEN: expected"),
        ({"slack_admin_ids": "U012AB3CD, bob"}, "SLACK_ADMIN_IDS: expected comma-separated"),
        ({"http_port": "80800"}, "HTTP_PORT: "),
        (
            {"slack_bot_token": "xoxb-1", "slack_app_token": "xapp-1", "slack_api_base_url": "x"},
            "SLACK_API_BASE_URL: expected",
        ),
    ],
)
def test_wrong_combinations_name_the_setting(values: dict[str, str], line: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None, **values)
    message = str(caught.value)
    assert message.startswith(line) and "\n" not in message
    assert "s3cret" not in message and "xoxb-2" not in message


def test_good_settings() -> None:
    settings = load_settings(
        env_file=None,
        slack_bot_token="xoxb-1",
        slack_app_token="xapp-1",
        slack_admin_ids="U012AB3CD,W0456",
    )
    assert settings.slack_admin_ids == ("U012AB3CD", "W0456")
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
    assert settings.slack_api_base_url == "https://slack.com/api/"


def test_run_stops_with_one_line(tmp_path: Path) -> None:
    claimwatch = str(Path(sys.executable).with_name("claimwatch"))
    env = {
        "PATH": os.environ["PATH"],
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}",
        "SLACK_BOT_TOKEN": "xoxb-very-secret",
    }
    done = subprocess.run(
        [claimwatch, "run"], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "claimwatch: error: SLACK_SIGNING_SECRET: set it for HTTP mode, or SLACK_APP_TOKEN for "
        "Socket Mode"
    ]
    assert "very-secret" not in done.stderr
