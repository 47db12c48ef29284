"""Settings, read once at the entry point from the environment and a `.env` file.

Nothing reads the environment at import time: `load_settings()` is called by the CLI and the
frozen `Settings` object is passed down. Every key is documented in `.env.example`.
"""

from __future__ import annotations

import ipaddress
import math
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

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


class Settings(BaseSettings):
    """Every setting claimwatch reads. Frozen: pass it down, never re-read the environment."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        frozen=True,
        case_sensitive=False,
    )

    database_url: str = Field(default="", description="SQLAlchemy URL; empty: SQLite file")
    allowed_private_networks: Annotated[tuple[IPNetwork, ...], NoDecode] = ()

    poll_interval: float = 15 * 60
    poll_min_interval: float = 5 * 60
    poll_max_interval: float = 12 * 3600
    poll_concurrency: int = Field(default=50, ge=1, le=1000)
    poll_per_host_concurrency: int = Field(default=4, ge=1, le=1000)
    poll_tick: float = 30.0

    fetch_connect_timeout: float = 10.0
    fetch_read_timeout: float = 30.0
    fetch_total_timeout: float = 60.0
    fetch_max_bytes: int = 10 * 1024 * 1024
    fetch_max_redirects: int = Field(default=5, ge=0, le=30)

    parse_workers: int = Field(default=2, ge=0, le=64)

    new_item_window: float = 3600.0
    article_fetch: bool = True
    article_max_bytes: int = 2 * 1024 * 1024
    article_timeout: float = 15.0

    feed_max_failures: int = Field(default=20, ge=1)
    feed_backoff_max: float = 24 * 3600

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    telegram_webhook_url: str = ""
    telegram_webhook_listen: str = "127.0.0.1:8443"
    telegram_webhook_secret: SecretStr | None = None

    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_base_url: str = "https://slack.com/api/"
    slack_admin_ids: Annotated[tuple[str, ...], NoDecode] = ()
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)

    log_level: str = "INFO"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        value = value.strip()
        if value and "://" not in value:
            raise ValueError("expected an SQLAlchemy URL such as sqlite:///path/claimwatch.db")
        return value

    @field_validator("allowed_private_networks", mode="before")
    @classmethod
    def _networks(cls, value: Any) -> tuple[IPNetwork, ...]:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        elif isinstance(value, list | tuple):
            parts = [str(p) for p in value]
        else:
            raise ValueError("expected comma-separated CIDRs such as 127.0.0.1/32,10.0.0.0/8")
        networks = []
        for part in parts:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{part!r} is not a CIDR such as 127.0.0.1/32") from None
        return tuple(networks)

    @field_validator("telegram_admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: Any) -> tuple[int, ...]:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
        elif isinstance(value, list | tuple):
            parts = [str(p) for p in value]
        else:
            raise ValueError("expected comma-separated Telegram user ids such as 123,456")
        if not all(p.lstrip("-").isdigit() for p in parts):
            raise ValueError("expected comma-separated Telegram user ids such as 123,456")
        return tuple(int(p) for p in parts)

    @field_validator("slack_admin_ids", mode="before")
    @classmethod
    def _slack_admin_ids(cls, value: Any) -> tuple[str, ...]:
        parts = (
            [p.strip() for p in value.replace(";", ",").split(",") if p.strip()]
            if isinstance(value, str)
            else [str(p) for p in value]
        )
        if not all(_SLACK_USER.match(p) for p in parts):
            raise ValueError("expected comma-separated Slack user ids such as U012AB3CD,W0456")
        return tuple(parts)

    @field_validator(
        "poll_interval",
        "poll_min_interval",
        "poll_max_interval",
        "poll_tick",
        "fetch_connect_timeout",
        "fetch_read_timeout",
        "fetch_total_timeout",
        "feed_backoff_max",
        "article_timeout",
        "new_item_window",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: Any) -> float:
        return parse_duration(value)

    @field_validator("fetch_max_bytes", "article_max_bytes", mode="before")
    @classmethod
    def _size(cls, value: Any) -> int:
        return parse_size(value)

    def secret_values(self) -> list[str]:
        """The plain values of every secret setting (tokens, signing secrets), for the log
        filter that keeps them out of every log line."""
        values = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr) and value.get_secret_value():
                values.append(value.get_secret_value())
        return values

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR")
        return level

    @property
    def user_agent(self) -> str:
        return f"claimwatch/{__version__} (news monitor; polls feeds for allegations and denials)"

    def resolved_database_url(self) -> str:
        return self.database_url or default_database_url()


def load_settings(env_file: str | Path | None = ".env", **overrides: Any) -> Settings:
    """Read the settings once. Raises ConfigError naming the first bad setting."""
    try:
        settings = Settings(_env_file=env_file, **overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
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
