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
    assert documented == {name.upper() for name in Settings.names()}


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


# The values and messages below are those of pydantic-settings, which read the settings
# before bot.config did it itself (for start-up time): the same input reads the same.
_NOT_AN_INTEGER = "Input should be a valid integer, unable to parse string as an integer"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", 5),
        (" +5 ", 5),
        ("\t7\n", 7),
        ("1_000", 1000),
        ("5.00", 5),
        ("1_0.0", 10),
        ("0005", 5),
        ("5.5", _NOT_AN_INTEGER),
        ("5.", _NOT_AN_INTEGER),
        ("1e2", _NOT_AN_INTEGER),
        ("0x10", _NOT_AN_INTEGER),
        ("1__000", _NOT_AN_INTEGER),
        ("５", _NOT_AN_INTEGER),  # digits of other scripts are not read
        ("", _NOT_AN_INTEGER),
        ("-0", "Input should be greater than or equal to 1"),
        ("1001", "Input should be less than or equal to 1000"),
    ],
)
def test_whole_numbers_read_as_before(value: str, expected: int | str) -> None:
    if isinstance(expected, int):
        assert load_settings(env_file=None, poll_concurrency=value).poll_concurrency == expected
    else:
        with pytest.raises(ConfigError) as info:
            load_settings(env_file=None, poll_concurrency=value)
        assert str(info.value) == f"POLL_CONCURRENCY: {expected}"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        *((word, True) for word in ("1", "on", "t", "true", "y", "yes", "TRUE", "Yes")),
        *((word, False) for word in ("0", "off", "f", "false", "n", "no", "FALSE", "No")),
        *((word, None) for word in ("", " true", "maybe", "2")),
    ],
)
def test_switches_read_as_before(value: str, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(ConfigError) as info:
            load_settings(env_file=None, article_fetch=value)
        assert str(info.value) == (
            "ARTICLE_FETCH: Input should be a valid boolean, unable to interpret input"
        )
    else:
        assert load_settings(env_file=None, article_fetch=value).article_fetch is expected


def test_arguments_then_environment_then_env_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = tmp_path / ".env"
    env.write_text(
        "POLL_INTERVAL=1h\npoll_tick=2m\nHTTP_HOST\nLOG_LEVEL='debug'\n"
        "export HTTP_PORT=9000 # a comment\nBASE=feeds.example\n"
        "TELEGRAM_WEBHOOK_LISTEN=${BASE}:1\nNOT_A_SETTING=5\nSLACK_APP_TOKEN=\n"
        'PARSE_WORKERS="3"\n'
    )
    settings = load_settings(env)
    assert (settings.poll_interval, settings.poll_tick) == (3600.0, 120.0)
    assert settings.http_host == "127.0.0.1"  # named without a value: unset
    assert (settings.log_level, settings.http_port) == ("DEBUG", 9000)
    assert settings.telegram_webhook_listen == "feeds.example:1"
    assert settings.slack_app_token is not None and not settings.slack_app_token
    assert settings.parse_workers == 3
    monkeypatch.setenv("poll_interval", "2h")  # names are case-blind
    monkeypatch.setenv("PARSE_WORKERS", "4")
    assert load_settings(env).poll_interval == 7200.0
    assert load_settings(env).parse_workers == 4
    assert load_settings(env, parse_workers="5").parse_workers == 5
    assert load_settings(tmp_path / "missing.env").poll_tick == 30.0


def test_defaults_read_as_before() -> None:
    settings = load_settings(env_file=None)
    assert (settings.poll_interval, settings.poll_min_interval) == (900.0, 300.0)
    assert isinstance(settings.poll_max_interval, float)
    assert isinstance(settings.feed_backoff_max, float)
    assert settings.telegram_bot_token is None and settings.http_port == 8080


def test_secrets_show_as_stars() -> None:
    settings = load_settings(env_file=None, slack_bot_token="xoxb-Zq9", slack_app_token="xapp-1")
    token = settings.slack_bot_token
    assert token is not None and token.get_secret_value() == "xoxb-Zq9"
    assert str(token) == "**********" and repr(token) == "SecretStr('**********')"
    assert "Zq9" not in repr(settings) and "Zq9" not in str(settings)
    assert settings.secret_values() == ["xoxb-Zq9", "xapp-1"]
