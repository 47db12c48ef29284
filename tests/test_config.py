"""Settings: read once, validated, one clear line per mistake."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from bot.config import load_settings, parse_duration, parse_size
from bot.errors import ConfigError


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("10m", 600),
        ("10M", 600),  # M is minutes, as m is (the error messages say so)
        ("30 min", 1800),
        ("1.5h", 5400),
        ("2d", 172800),
        ("45", 45),
        ("1w", 604800),
        ("3650d", 3650 * 86400),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "expected a duration like"),
        ("ten minutes", "expected a duration like"),
        ("-5m", "expected a duration like"),
        ("0s", "greater than zero"),
        ("5 parsecs", "(m or M: minutes)"),
        ("1e5", "expected a duration like"),
        # months and years have no fixed length; "mo" reads as minutes to some
        ("1mo", "months and years"),
        ("2 months", "months and years"),
        ("1y", "months and years"),
        # huge numbers are refused, not overflowed later
        ("3651d", "at most 3650d"),
        ("99999999999d", "at most 3650d"),
        ("9" * 400, "at most 3650d"),
    ],
)
def test_bad_durations(text: str, fragment: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(text)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("number", [float("nan"), float("inf"), 1e300, -1.0])
def test_bad_numeric_durations(number: float) -> None:
    with pytest.raises(ValueError):
        parse_duration(number)


def test_a_huge_setting_is_one_line() -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env_file=None, poll_max_interval="99999999d")
    assert str(info.value).startswith("POLL_MAX_INTERVAL: a duration must be at most 3650d")


def test_sizes() -> None:
    assert parse_size("10MB") == 10 * 1024 * 1024
    assert parse_size("512k") == 512 * 1024
    assert parse_size("2000") == 2000
    with pytest.raises(ValueError):
        parse_size("lots")


def test_env_file_and_networks(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "DATABASE_URL=sqlite:///x.db\nALLOWED_PRIVATE_NETWORKS=127.0.0.1/32, ::1/128\n"
        "POLL_INTERVAL=10m\nFETCH_MAX_BYTES=2MB\n"
    )
    settings = load_settings(env)
    assert settings.database_url == "sqlite:///x.db"
    assert settings.allowed_private_networks == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("::1/128"),
    )
    assert settings.poll_interval == 600
    assert settings.fetch_max_bytes == 2 * 1024 * 1024


def test_defaults_allow_no_private_network() -> None:
    settings = load_settings(env_file=None)
    assert settings.allowed_private_networks == ()
    assert settings.resolved_database_url().startswith("sqlite:///")


@pytest.mark.parametrize(
    ("key", "value", "named"),
    [
        ("allowed_private_networks", "127.0.0.1/32,not-a-cidr", "ALLOWED_PRIVATE_NETWORKS"),
        ("poll_interval", "soon", "POLL_INTERVAL"),
        ("database_url", "just-a-path.db", "DATABASE_URL"),
        ("poll_concurrency", "0", "POLL_CONCURRENCY"),
        ("log_level", "LOUD", "LOG_LEVEL"),
    ],
)
def test_bad_values_name_the_setting(key: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_settings(env_file=None, **{key: value})
    message = str(info.value)
    assert message.startswith(f"{named}: ")
    assert "\n" not in message


def test_min_interval_above_max_is_refused() -> None:
    with pytest.raises(ConfigError, match="POLL_MIN_INTERVAL"):
        load_settings(env_file=None, poll_min_interval="2h", poll_max_interval="1h")


def test_env_example_documents_every_setting() -> None:
    from bot.config import Settings

    example = Path(__file__).resolve().parent.parent / ".env.example"
    documented = {
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#") and "=" in line
    }
    assert documented == {name.upper() for name in Settings.model_fields}


def test_a_webhook_needs_a_proper_secret() -> None:
    url = "https://bot.example.org/hook"
    with pytest.raises(ConfigError, match=r"^TELEGRAM_WEBHOOK_SECRET: "):
        load_settings(env_file=None, telegram_webhook_url=url)
    with pytest.raises(ConfigError, match=r"^TELEGRAM_WEBHOOK_SECRET: "):
        load_settings(env_file=None, telegram_webhook_url=url, telegram_webhook_secret="a b")
    with pytest.raises(ConfigError, match=r"^TELEGRAM_WEBHOOK_LISTEN: "):
        load_settings(
            env_file=None,
            telegram_webhook_url=url,
            telegram_webhook_secret="ok_1",
            telegram_webhook_listen="nowhere",
        )
    settings = load_settings(
        env_file=None,
        telegram_webhook_url=url,
        telegram_webhook_secret="Zq9SecretValue",
        telegram_bot_token="123:Zq9TokenValue",
    )
    assert "Zq9" not in repr(settings)  # secrets never show up in logs or reprs
