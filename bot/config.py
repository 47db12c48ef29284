"""Settings, read once at the entry point from the environment and a `.env` file.

Nothing reads the environment at import time: `load_settings()` is called by the CLI and the
frozen `Settings` object is passed down. Every key is documented in `.env.example`.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from bot import __version__
from bot.errors import ConfigError

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_SLACK_USER = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_WEBHOOK_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$")
_UNIT_SECONDS = {
    **dict.fromkeys(("ms", "msec", "millisecond", "milliseconds"), 0.001),
    **dict.fromkeys(("", "s", "sec", "secs", "second", "seconds"), 1.0),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60.0),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600.0),
    **dict.fromkeys(("d", "day", "days"), 86400.0),
    **dict.fromkeys(("w", "wk", "week", "weeks"), 604800.0),
}
# Units with no fixed length, or that read as months to some and minutes to others.
_AMBIGUOUS_UNITS = frozenset(
    {"mo", "mon", "mos", "month", "months", "y", "yr", "yrs", "year", "years", "mi"}
)
MAX_DURATION = 3650 * 86400.0  # ten years: far beyond any sensible poll or look-back
_DURATION_EXAMPLE = "a duration like 90s, 10m (m or M: minutes), 2h, 1d or 1w"
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?\s*$", re.IGNORECASE)
_UNIT_BYTES = {
    "b": 1,
    "k": 1024,
    "kb": 1024,
    "m": 1024**2,
    "mb": 1024**2,
    "g": 1024**3,
    "gb": 1024**3,
}


def parse_duration(value: str | float) -> float:
    """'90s', '10m', '1.5h', '2d', '1w' or a number of seconds -> seconds (> 0).

    Units are case-blind: `m` and `M` both mean minutes. Months and years (`mo`, `y`) are
    refused rather than guessed, and so is anything over MAX_DURATION (ten years) or not
    finite. Raises ValueError with a one-line message fit to show a user.
    """
    if isinstance(value, int | float):
        seconds = float(value)
        shown = str(value)
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"expected {_DURATION_EXAMPLE}, got {value[:40]!r}")
        unit = match.group(2).lower()
        if unit in _AMBIGUOUS_UNITS:
            raise ValueError(
                f"{value.strip()[:40]!r}: months and years have no fixed length; give days "
                "or weeks, e.g. 30d (m and M mean minutes)"
            )
        if unit not in _UNIT_SECONDS:
            raise ValueError(f"expected {_DURATION_EXAMPLE}, got {value[:40]!r}")
        seconds = float(match.group(1)) * _UNIT_SECONDS[unit]
        shown = value.strip()[:40]
    if not math.isfinite(seconds) or seconds > MAX_DURATION:
        raise ValueError(f"a duration must be at most 3650d (ten years), got {shown!r}")
    if seconds <= 0:
        raise ValueError("a duration must be greater than zero")
    return seconds


def parse_size(value: str | int) -> int:
    """'10MB', '512k', '2000000' -> bytes (> 0). Raises ValueError for anything else."""
    if isinstance(value, int):
        size = value
    else:
        match = _SIZE.match(value)
        if not match:
            raise ValueError(f"expected a size like 512KB or 10MB, got {value!r}")
        size = int(float(match.group(1)) * _UNIT_BYTES[(match.group(2) or "b").lower()])
    if size <= 0:
        raise ValueError("a size must be greater than zero")
    return size


def default_database_url() -> str:
    """A SQLite file in the user's data directory (created on first use)."""
    from platformdirs import user_data_dir

    directory = Path(user_data_dir("claimwatch", appauthor=False))
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'claimwatch.db'}"


class SecretStr:
    """A secret setting (a token, a signing secret): '**********' in every repr and str, the
    value only through get_secret_value() (as pydantic's SecretStr, which this replaced)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __str__(self) -> str:
        return "**********" if self._value else ""

    def __repr__(self) -> str:
        return f"SecretStr('{self}')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __len__(self) -> int:
        return len(self._value)


@dataclass(frozen=True, slots=True)
class Settings:
    """Every setting claimwatch reads. Frozen: pass it down, never re-read the environment.
    Made by `load_settings`, which reads and checks each value (`_CONVERT`)."""

    database_url: str = ""  # SQLAlchemy URL; empty: SQLite file
    allowed_private_networks: tuple[IPNetwork, ...] = ()

    poll_interval: float = 15 * 60.0
    poll_min_interval: float = 5 * 60.0
    poll_max_interval: float = 12 * 3600.0
    poll_concurrency: int = 50
    poll_per_host_concurrency: int = 4
    poll_tick: float = 30.0

    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 30.0
    fetch_total_timeout: float = 60.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_max_redirects: int = 5

    parse_workers: int = 2

    new_item_window: float = 3600.0
    article_fetch: bool = True
    article_max_bytes: int = 2 * 1024 * 1024
    article_timeout: float = 15.0

    feed_max_failures: int = 20
    feed_backoff_max: float = 24 * 3600.0

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_admin_ids: tuple[int, ...] = ()
    telegram_webhook_url: str = ""
    telegram_webhook_listen: str = "127.0.0.1:8443"
    telegram_webhook_secret: SecretStr | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"
    slack_admin_ids: tuple[str, ...] = ()
    http_host: str = "127.0.0.1"
    http_port: int = 8080

    log_level: str = "INFO"

    @classmethod
    def names(cls) -> tuple[str, ...]:
        """The settings' names, in order (each read from the upper-cased variable)."""
        return tuple(f.name for f in fields(cls))

    def secret_values(self) -> list[str]:
        """The plain values of every secret setting (tokens, signing secrets), for the log
        filter that keeps them out of every log line."""
        values = []
        for name in self.names():
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
        return values

    @property
    def user_agent(self) -> str:
        return f"claimwatch/{__version__} (news monitor; polls feeds for allegations and denials)"

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()


# Each setting's check, as pydantic (which read the settings before) made them, with its
# messages: a value from the environment or .env is a string.
_INT = re.compile(r"^[+-]?[0-9]+(?:_[0-9]+)*(?:\.0+)?$")
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _string(value: Any) -> str:
    if isinstance(value, bytes):
        return str(value.decode())
    if not isinstance(value, str):
        raise ValueError("Input should be a valid string")
    return value


def _integer(low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    def convert(value: Any) -> int:
        if isinstance(value, bool | int):
            number = int(value)
        elif isinstance(value, float):
            if not value.is_integer():
                raise ValueError(
                    "Input should be a valid integer, got a number with a fractional part"
                )
            number = int(value)
        else:
            text = _string(value).strip()
            if not _INT.match(text):
                raise ValueError(
                    "Input should be a valid integer, unable to parse string as an integer"
                )
            number = int(text.split(".", 1)[0])
        if low is not None and number < low:
            raise ValueError(f"Input should be greater than or equal to {low}")
        if high is not None and number > high:
            raise ValueError(f"Input should be less than or equal to {high}")
        return number

    return convert


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    if value is None:
        raise ValueError("Input should be a valid boolean")
    raise ValueError("Input should be a valid boolean, unable to interpret input")


def _secret_setting(value: Any) -> SecretStr | None:
    return None if value is None else SecretStr(_string(value))


def _database_url(value: Any) -> str:
    url = _string(value).strip()
    if url and "://" not in url:
        raise ValueError("expected an SQLAlchemy URL such as sqlite:///path/claimwatch.db")
    return url


def _comma_list(value: Any, expected: str) -> list[str]:
    """The parts of a comma- (or semicolon-) separated setting, or of a list given as one;
    ValueError(`expected`) for anything else."""
    if isinstance(value, str):
        return [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
    if isinstance(value, list | tuple):
        return [str(p) for p in value]
    raise ValueError(expected)


def _networks(value: Any) -> tuple[IPNetwork, ...]:
    parts = _comma_list(value, "expected comma-separated CIDRs such as 127.0.0.1/32,10.0.0.0/8")
    networks = []
    for part in parts:
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            raise ValueError(f"{part!r} is not a CIDR such as 127.0.0.1/32") from None
    return tuple(networks)


def _admin_ids(value: Any) -> tuple[int, ...]:
    expected = "expected comma-separated Telegram user ids such as 123,456"
    parts = _comma_list(value, expected)
    if not all(p.lstrip("-").isdigit() for p in parts):
        raise ValueError(expected)
    return tuple(int(p) for p in parts)


def _slack_admin_ids(value: Any) -> tuple[str, ...]:
    parts = (
        [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        if isinstance(value, str)
        else [str(p) for p in value]
    )
    if not all(_SLACK_USER.match(p) for p in parts):
        raise ValueError("expected comma-separated Slack user ids such as U012AB3CD,W0456")
    return tuple(parts)


def _log_level(value: Any) -> str:
    level = _string(value).strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR")
    return level


def _duration(value: Any) -> float:
    return parse_duration(value)


def _size(value: Any) -> int:
    return parse_size(value)


_CONVERT: dict[str, Callable[[Any], Any]] = {
    "database_url": _database_url,
    "allowed_private_networks": _networks,
    "poll_interval": _duration,
    "poll_min_interval": _duration,
    "poll_max_interval": _duration,
    "poll_concurrency": _integer(1, 1000),
    "poll_per_host_concurrency": _integer(1, 1000),
    "poll_tick": _duration,
    "fetch_connect_timeout": _duration,
    "fetch_read_timeout": _duration,
    "fetch_total_timeout": _duration,
    "fetch_max_bytes": _size,
    "fetch_max_redirects": _integer(0, 30),
    "parse_workers": _integer(0, 64),
    "new_item_window": _duration,
    "article_fetch": _boolean,
    "article_max_bytes": _size,
    "article_timeout": _duration,
    "feed_max_failures": _integer(1),
    "feed_backoff_max": _duration,
    "telegram_bot_token": _secret_setting,
    "telegram_api_base_url": _string,
    "telegram_admin_ids": _admin_ids,
    "telegram_webhook_url": _string,
    "telegram_webhook_listen": _string,
    "telegram_webhook_secret": _secret_setting,
    "slack_bot_token": _secret_setting,
    "slack_signing_secret": _secret_setting,
    "slack_app_token": _secret_setting,
    "slack_api_base_url": _string,
    "slack_admin_ids": _slack_admin_ids,
    "http_host": _string,
    "http_port": _integer(1, 65535),
    "log_level": _log_level,
}


def _given(env_file: str | Path | None, overrides: dict[str, Any]) -> dict[str, Any]:
    """The values set, by setting name: arguments first, then environment variables, then
    the .env file (names matched case-blind; a name with no value in .env counts as unset)."""
    given: dict[str, Any] = {}
    if env_file is not None:
        path = Path(env_file).expanduser()
        if path.is_file() or path.is_fifo():
            from dotenv import dotenv_values

            for key, value in dotenv_values(path, encoding="utf-8").items():
                if value is not None:
                    given[key.lower()] = value
    given.update({key.lower(): value for key, value in os.environ.items()})
    given.update(overrides)
    return {name: given[name] for name in _CONVERT if name in given}


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Read the settings once. Raises ConfigError naming the first bad setting."""
    values = {}
    for name, value in _given(env_file, overrides).items():
        try:
            values[name] = _CONVERT[name](value)
        except ValueError as exc:  # the first bad setting, in the order they are declared
            raise ConfigError(f"{name.upper()}: {exc}") from None
    settings = Settings(**values)
    if settings.telegram_webhook_url:
        secret = settings.telegram_webhook_secret
        if secret is None or not _WEBHOOK_SECRET.match(secret.get_secret_value()):
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET: a webhook needs a secret of 1-256 letters, digits, _ or -"
            )
        host, _, port = settings.telegram_webhook_listen.rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError("TELEGRAM_WEBHOOK_LISTEN: expected host:port such as 127.0.0.1:8443")
    _check_slack(settings)
    if settings.poll_min_interval > settings.poll_max_interval:
        raise ConfigError("POLL_MIN_INTERVAL: must not be longer than POLL_MAX_INTERVAL")
    return settings


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value().strip() if value is not None else ""


def _check_slack(settings: Settings) -> None:
    """Slack needs the bot token and at least one way in: HTTP (signing secret) or Socket Mode
    (app-level token). Raises ConfigError naming the setting; never echoes a secret."""
    bot, secret, app = (
        _secret(settings.slack_bot_token),
        _secret(settings.slack_signing_secret),
        _secret(settings.slack_app_token),
    )
    if not (bot or secret or app):
        return
    if not bot:
        raise ConfigError(
            "SLACK_BOT_TOKEN: required with SLACK_SIGNING_SECRET or SLACK_APP_TOKEN (xoxb-...)"
        )
    if not bot.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN: expected a bot token starting with xoxb-")
    if not (secret or app):
        raise ConfigError(
            "SLACK_SIGNING_SECRET: set it for HTTP mode, or SLACK_APP_TOKEN for Socket Mode"
        )
    if app and not app.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN: expected an app-level token starting with xapp-")
    if not settings.slack_api_base_url.startswith(("http://", "https://")):
        raise ConfigError(
            "SLACK_API_BASE_URL: expected an http(s) URL such as https://slack.com/api/"
        )
