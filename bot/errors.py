"""The one error tree of claimwatch.

    ClaimwatchError                 base: every error we raise on purpose
    ├── ConfigError                 a setting is missing or malformed (names the setting)
    ├── StorageError                the database failed or is unreachable
    ├── FeedError                   one feed could not be polled (carries .url, .retryable)
    │   ├── FeedFetchError          network level: DNS, TLS, connect, timeout, reset
    │   ├── FeedHTTPError           an HTTP status we cannot use (carries .status)
    │   ├── FeedTooLargeError       the body grew past the size cap (decompressed)
    │   ├── FeedParseError          the body is not a feed we can read
    │   └── BlockedAddressError     the URL reaches an internal address (SSRF guard)
    ├── InvalidFeedURLError         a URL a user gave is unusable (scheme, shape)
    ├── OPMLError                   an OPML file cannot be read
    └── DeliveryError               a message could not be delivered (carries .chat)
        ├── DeliveryRetryableError  try again later (429, 5xx, network)
        └── DeliveryForbiddenError  the chat blocked or removed us: stop sending

Library errors are translated at the seam (`raise FeedFetchError(...) from exc`). An expected
feed error is a *result*: the poller records its message on the feed and moves on. Anything
else is a bug and is logged loudly by the caller, never swallowed.
"""

from __future__ import annotations


class ClaimwatchError(Exception):
    """Base class of every error claimwatch raises on purpose."""


class ConfigError(ClaimwatchError):
    """A setting is missing or malformed; the message names the setting and what is expected."""


class StorageError(ClaimwatchError):
    """The database failed or could not be reached."""


class InvalidFeedURLError(ClaimwatchError):
    """A feed URL given by a user cannot be used (wrong scheme, no host, malformed)."""


class OPMLError(ClaimwatchError):
    """An OPML file cannot be read (not XML, not OPML)."""


class FeedError(ClaimwatchError):
    """One feed could not be polled. `retryable` says whether backing off and retrying helps."""

    retryable: bool = True

    def __init__(self, url: str, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.url = url
        self.message = message
        if retryable is not None:
            self.retryable = retryable


class FeedFetchError(FeedError):
    """Network-level failure: DNS, TLS, connection, timeout, redirect loop."""


class FeedHTTPError(FeedError):
    """The server answered with a status we cannot use."""

    def __init__(
        self,
        url: str,
        status: int,
        message: str,
        *,
        retry_after: float | None = None,
    ) -> None:
        retryable = status in (408, 425, 429) or status >= 500
        super().__init__(url, message, retryable=retryable)
        self.status = status
        self.retry_after = retry_after


class FeedTooLargeError(FeedError):
    """The (decompressed) body grew past the configured cap; the download was aborted."""

    retryable = False


class FeedParseError(FeedError):
    """The body is not a feed we can read (HTML page, malformed beyond repair, empty)."""

    retryable = False


class BlockedAddressError(FeedError):
    """The URL resolves to a loopback, private, link-local or other internal address."""

    retryable = False


class DeliveryError(ClaimwatchError):
    """A message could not be delivered to a chat."""

    def __init__(self, chat: str, message: str) -> None:
        super().__init__(message)
        self.chat = chat


class DeliveryRetryableError(DeliveryError):
    """Delivery failed for now (rate limit, server error, network); retry after `retry_after`."""

    def __init__(self, chat: str, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(chat, message)
        self.retry_after = retry_after


class DeliveryForbiddenError(DeliveryError):
    """The chat blocked or removed the bot: stop sending there."""
