"""Keep secrets out of what people read: log lines, stored errors, listings and chat replies.

Feed URLs may carry credentials (`https://user:pw@host/feed`) or keys in the query
(`?apikey=…`); chat tokens (Telegram's `123456:ABC…`, Slack's `xoxb-…`/`xapp-…`) appear in the
URLs libraries log at DEBUG. `redact_url` hides a URL's userinfo and query values,
`redact_text` does that to every URL inside free text and masks anything shaped like a token,
and `SecretsFilter` applies it, plus the exact secrets configured, to every log record
whichever library emitted it. Pure string functions except the filter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# A URL inside free text: scheme, then anything up to white space or a closing quote/bracket.
_URL_IN_TEXT = re.compile(r"""(?i)\b[a-z][a-z0-9+.-]*://[^\s'"<>()\[\]{}]+""")
# Telegram bot tokens (digits:35 characters), Slack tokens, generic bearer credentials.
_TOKENS = re.compile(
    r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"
    r"|\bxapp-[A-Za-z0-9-]{10,}"
    r"|(?i:\bbearer\s+)[A-Za-z0-9._~+/=-]{12,}"
)


def redact_url(url: str) -> str:
    """`url` with its userinfo replaced by *** and every query value by ***; the scheme,
    host, path and parameter names stay, so people can still tell feeds apart. A string that
    is not a URL comes back unchanged."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return _TOKENS.sub(MASK, url)
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        query = "&".join(
            f"{name}={MASK}" if sep else name
            for name, sep, _value in (pair.partition("=") for pair in query.split("&"))
        )
    redacted = urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    return _TOKENS.sub(MASK, redacted)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every URL redacted, token-shaped strings masked and each of `secrets`
    (exact values, e.g. the configured tokens) replaced by ***."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)
    return _TOKENS.sub(MASK, text)


class SecretsFilter(logging.Filter):
    """A logging filter for the root handlers: rewrites each record's message (and its
    traceback) through `redact_text`, so no library can log a token or a feed's credentials."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        # Longest first, so a secret containing another is masked whole.
        self.secrets = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed record: keep its raw text
            message = str(record.msg)
        record.msg = redact_text(message, self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, self.secrets)
        return True


def install_log_filter(secrets: Iterable[str] = ()) -> SecretsFilter:
    """Attach one SecretsFilter to every handler of the root logger (call after logging is
    configured); returns it."""
    secrets_filter = SecretsFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(secrets_filter)
    return secrets_filter
