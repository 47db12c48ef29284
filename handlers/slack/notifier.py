"""Slack as a delivery platform: chat.postMessage, errors translated at this seam.

ratelimited (429, after slack_sdk's RateLimitErrorRetryHandler waited Retry-After)
                                 -> DeliveryRetryableError(retry_after=Retry-After)
not_in_channel                   -> DeliveryRetryableError: the channel's alerts wait
                                    until someone types /invite @claimwatch
channel_not_found, is_archived, token_revoked, invalid_auth, account_inactive …
                                 -> DeliveryForbiddenError: the channel's subscriptions
                                    pause, and `claimwatch subscriptions` says why
any other API error              -> DeliveryError: logged in one line (never the token),
                                    the message is dropped, the next one goes on
network errors, 5xx              -> DeliveryRetryableError in a minute
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.delivery import Message
from bot.errors import DeliveryError, DeliveryForbiddenError, DeliveryRetryableError
from bot.types import FlaggedItem, SubscriptionInfo
from handlers.slack.render import alert_blocks, digest_parts

NOT_INVITED_RETRY = 600.0  # seconds: how often a channel that has not invited us is retried
INVITE_HINT = "invite me with /invite @claimwatch"
PAUSING = {
    "channel_not_found": "channel not found (deleted, or private without the app)",
    "is_archived": "channel archived",
    "token_revoked": "token revoked",
    "invalid_auth": "token invalid",
    "not_authed": "no token",
    "account_inactive": "app uninstalled or account inactive",
    "team_access_not_granted": "workspace access not granted",
    "restricted_action": "posting restricted in this channel",
}


def api_error(exc: SlackApiError) -> str:
    """The Slack error code of a failed call ('ratelimited', 'not_in_channel' …)."""
    data = exc.response.data if isinstance(exc.response.data, dict) else {}
    return str(data.get("error") or f"http {exc.response.status_code}")


def retry_after(exc: SlackApiError, default: float = 60.0) -> float:
    value = (exc.response.headers or {}).get("Retry-After") or (exc.response.headers or {}).get(
        "retry-after"
    )
    try:
        return max(1.0, float(value)) if value is not None else default
    except (TypeError, ValueError):
        return default


class SlackNotifier:
    platform = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    def alert(self, subscription: SubscriptionInfo, item: FlaggedItem) -> Message:
        text, blocks = alert_blocks(item, subscription.query)
        return Message(text, (item.item_id,), blocks)

    def digest(
        self, subscription: SubscriptionInfo, items: list[FlaggedItem], when: str, more: int
    ) -> list[Message]:
        return [
            Message(text, ids, blocks)
            for text, blocks, ids in digest_parts(items, subscription.query, when, more)
        ]

    async def send(self, subscription: SubscriptionInfo, message: Message) -> None:
        channel = subscription.chat
        try:
            await self.client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.payload,
                thread_ts=subscription.thread or None,
                unfurl_links=False,
                unfurl_media=False,
            )
        except SlackApiError as exc:
            error = api_error(exc)
            if error == "ratelimited" or exc.response.status_code == 429:
                raise DeliveryRetryableError(
                    channel, "rate limited by Slack", retry_after=retry_after(exc)
                ) from exc
            if error == "not_in_channel":
                raise DeliveryRetryableError(
                    channel, f"not in the channel: {INVITE_HINT}", retry_after=NOT_INVITED_RETRY
                ) from exc
            if error in PAUSING:
                raise DeliveryForbiddenError(channel, f"slack: {PAUSING[error]}") from exc
            if exc.response.status_code >= 500:
                raise DeliveryRetryableError(channel, f"slack: {error}") from exc
            raise DeliveryError(channel, f"refused by Slack: {error}") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DeliveryRetryableError(
                channel, f"network: {type(exc).__name__}", retry_after=60
            ) from exc


def describe_failure(exc: BaseException) -> str:
    """One line for a failure to start or call Slack, never carrying the token."""
    if isinstance(exc, SlackApiError):
        return f"Slack answered {api_error(exc)}"
    if isinstance(exc, OSError) and not isinstance(exc, aiohttp.ClientError):
        return f"cannot listen: {exc.strerror or type(exc).__name__}"
    return type(exc).__name__
