"""The Slack side of `claimwatch run`: commands and buttons over HTTP and/or Socket Mode,
alerts through the delivery service.

HTTP mode serves Bolt through our own aiohttp server bound to HTTP_HOST:HTTP_PORT (Bolt's
dev server would bind 0.0.0.0): `POST /slack/events` (slash commands, buttons, events), each
request verified by Bolt with the signing secret (5-minute window; 401 otherwise, and nothing
else happens), bodies over MAX_BODY refused with 413; `GET /healthz` answers "ok".
Socket Mode opens a WebSocket with the app-level token; the same listeners answer.
"""

from __future__ import annotations

import logging
from collections import deque
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from handlers.slack.commands import SlackCommands
from handlers.slack.notifier import SlackNotifier
from storage.db import Database

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_BODY = 1024 * 1024  # interactive payloads carry the whole message; 1 MB is plenty
RATE_LIMIT_RETRIES = 2


@dataclass(frozen=True, slots=True)
class SlackStarted:
    notifier: SlackNotifier
    name: str  # the bot user's name, for the log
    modes: tuple[str, ...]  # "HTTP on host:port", "Socket Mode"


def web_client(token: str, base_url: str) -> AsyncWebClient:
    """slack_sdk's client; a 429 waits Retry-After and retries (slack_sdk's own handler)."""
    return AsyncWebClient(
        token=token,
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


def http_app(app: AsyncApp) -> web.Application:
    async def events(request: web.Request) -> web.Response:
        response = await app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post(EVENTS_PATH, events)
    server.router.add_get("/healthz", healthz)
    return server


def _socket_mode_handler(app: AsyncApp, app_token: str, client: AsyncWebClient) -> Any:
    """Bolt's aiohttp Socket Mode handler that answers an envelope once: Slack delivers one
    again after a reconnect, and a repeated envelope is only acknowledged."""
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
    from slack_sdk.socket_mode.aiohttp import SocketModeClient
    from slack_sdk.socket_mode.request import SocketModeRequest
    from slack_sdk.socket_mode.response import SocketModeResponse

    seen: deque[str] = deque(maxlen=1000)

    class OncePerEnvelope(AsyncSocketModeHandler):
        async def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:  # type: ignore[override]
            if req.envelope_id in seen:
                await client.send_socket_mode_response(SocketModeResponse(req.envelope_id))
                return
            seen.append(req.envelope_id)
            await super().handle(client, req)

    return OncePerEnvelope(app, app_token, web_client=client)


async def start_slack(
    stack: AsyncExitStack,
    db: Database,
    *,
    bot_token: str,
    signing_secret: str = "",
    app_token: str = "",
    base_url: str = "https://slack.com/api/",
    admin_ids: tuple[str, ...] = (),
    http_host: str = "127.0.0.1",
    http_port: int = 8080,
) -> SlackStarted:
    """Check the token (auth.test), start HTTP mode when `signing_secret` is given and Socket
    Mode when `app_token` is; everything started is stopped by `stack`. Raises
    slack_sdk.errors.SlackApiError when Slack refuses the token, OSError when the port is
    taken, aiohttp.ClientError when Slack cannot be reached."""
    client = web_client(bot_token, base_url)
    auth = await client.auth_test()
    name = str(auth.get("user") or "claimwatch")
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=bool(signing_secret),
        logger=logging.getLogger("slack_bolt"),
    )
    SlackCommands(db, admin_ids).install(app)
    modes = []
    if signing_secret:
        runner = web.AppRunner(http_app(app), access_log=None)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, http_host, http_port).start()
        modes.append(f"HTTP on {http_host}:{http_port}{EVENTS_PATH}")
    if app_token:
        handler = _socket_mode_handler(app, app_token, client)
        await handler.connect_async()
        stack.push_async_callback(handler.close_async)
        modes.append("Socket Mode")
    return SlackStarted(SlackNotifier(client), name, tuple(modes))
