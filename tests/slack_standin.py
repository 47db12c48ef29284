"""A local stand-in for the Slack Web API, response_url and Socket Mode, on 127.0.0.1.

It speaks what claimwatch uses, as Slack does:
* `POST /api/<method>` with `Authorization: Bearer <token>`: auth.test, chat.postMessage,
  conversations.info (bot token) and apps.connections.open (app-level token); a wrong token
  answers `invalid_auth`, none `not_authed`.
* chat.postMessage checks the channel (`channel_not_found`, `not_in_channel`, `is_archived`)
  and Block Kit's limits (50 blocks, section text 3,000, header 150 plain_text, button text
  75, value 2,000) → `invalid_blocks`; accepted messages are recorded.
* injected failures for the next calls about a channel: `ratelimited` (HTTP 429 with
  `Retry-After`), any Slack error code, or `ok` to let one call through first.
* `POST /response/<key>`: a response_url; payloads are recorded (limits checked too).
* Socket Mode: apps.connections.open returns `ws://127.0.0.1:PORT/ws`; the socket says hello,
  sends the envelopes a test queues and records the app's acks.

Helpers build genuinely signed requests (v0 HMAC-SHA256 over "v0:<ts>:<body>").
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from aiohttp import WSMsgType, web

BOT_TOKEN = "xoxb-1-test-token"
APP_TOKEN = "xapp-1-test-app-token"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request: timestamp and v0 signature."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    base = b"v0:" + ts.encode() + b":" + body
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def slash_command(
    command: str, text: str, *, channel: str, user: str = "U0USER", response_url: str
) -> dict[str, str]:
    return {
        "token": "deprecated",
        "team_id": "T0TEAM",
        "team_domain": "newsroom",
        "channel_id": channel,
        "channel_name": "news",
        "user_id": user,
        "user_name": "analyst",
        "command": command,
        "text": text,
        "api_app_id": "A0APP",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }


def block_action(
    action_id: str,
    *,
    value: str = "",
    channel: str,
    user: str = "U0USER",
    response_url: str,
    message: dict[str, Any] | None = None,
) -> dict[str, str]:
    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEAM", "domain": "newsroom"},
        "user": {"id": user, "username": "analyst", "team_id": "T0TEAM"},
        "api_app_id": "A0APP",
        "token": "deprecated",
        "container": {"type": "message", "channel_id": channel},
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "news"},
        "message": message or {"type": "message", "text": "", "blocks": []},
        "response_url": response_url,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b",
                "value": value,
                "action_ts": "1700000000.000001",
            }
        ],
    }
    return {"payload": json.dumps(payload)}


def form(fields: dict[str, str]) -> bytes:
    return urlencode(fields).encode()


def block_problem(blocks: Any) -> str | None:
    """Why Slack would refuse these blocks (None: fine)."""
    if blocks is None:
        return None
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    if not isinstance(blocks, list) or len(blocks) > 50:
        return "more than 50 blocks"
    for block in blocks:
        kind = block.get("type")
        if kind == "section" and len(block["text"]["text"]) > 3000:
            return "section text over 3000"
        if kind == "header" and (
            block["text"]["type"] != "plain_text" or len(block["text"]["text"]) > 150
        ):
            return "header over 150 or not plain_text"
        if kind == "context" and not 1 <= len(block["elements"]) <= 10:
            return "context needs 1-10 elements"
        if kind == "actions":
            for element in block["elements"]:
                if len(element["text"]["text"]) > 75 or len(element.get("value", "")) > 2000:
                    return "button text over 75 or value over 2000"
        if kind in ("section", "context") and not any(
            (e.get("text") or "") for e in [block.get("text") or {}, *block.get("elements", [])]
        ):
            return "empty text"
    return None


@dataclass
class Channel:
    id: str
    member: bool = True
    creator: str = "U0USER"  # who created it (conversations.info)
    archived: bool = False


@dataclass
class Failure:
    error: str  # ratelimited | ok | any Slack error code
    retry_after: int = 0


@dataclass
class SlackStandIn:
    bot_token: str = BOT_TOKEN
    app_token: str = APP_TOKEN
    channels: dict[str, Channel] = field(default_factory=dict)
    # users.info: workspace members and their admin/owner flags
    users: dict[str, dict[str, bool]] = field(
        default_factory=lambda: {"U0USER": {}, "U0ADMIN": {"is_admin": True}, "U0OTHER": {}}
    )
    posts: list[dict[str, Any]] = field(default_factory=list)
    responses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    failures: dict[str, list[Failure]] = field(default_factory=dict)
    calls: list[tuple[str, str, int]] = field(default_factory=list)  # method, channel, status
    acks: list[dict[str, Any]] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._envelopes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._sockets: set[web.WebSocketResponse] = set()
        self._runner: web.AppRunner | None = None
        self._keys = itertools.count(1)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/response/{next(self._keys)}"

    def answers(self, response_url: str) -> list[dict[str, Any]]:
        return self.responses.get(response_url.rsplit("/", 1)[1], [])

    def add_channel(self, channel_id: str, *, member: bool = True) -> Channel:
        self.channels[channel_id] = Channel(channel_id, member)
        return self.channels[channel_id]

    def sent(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.posts if p["channel"] == channel]

    def fail_next(self, channel: str, *errors: str, retry_after: int = 0) -> None:
        """The next calls about `channel` fail in turn ('ok' lets one through)."""
        self.failures.setdefault(channel, []).extend(Failure(e, retry_after) for e in errors)

    async def send_envelope(self, envelope: dict[str, Any]) -> None:
        await self._envelopes.put(envelope)

    async def start(self) -> SlackStandIn:
        app = web.Application()
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)  # slack_sdk GETs some reads
        app.router.add_post("/response/{key}", self._response)
        app.router.add_get("/ws", self._socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for socket in list(self._sockets):
            await socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # the Web API ------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.method == "POST":
            params.update(parse_qsl(await request.text()))
        channel = str(params.get("channel", ""))
        auth = request.headers.get("Authorization", "")
        expected = self.app_token if method == "apps.connections.open" else self.bot_token
        if not auth:
            return self._error(method, channel, "not_authed")
        if auth != f"Bearer {expected}":
            return self._error(method, channel, "invalid_auth")
        if channel and self.failures.get(channel):
            failure = self.failures[channel].pop(0)
            if failure.error == "ratelimited":
                self.calls.append((method, channel, 429))
                return web.json_response(
                    {"ok": False, "error": "ratelimited"},
                    status=429,
                    headers={"Retry-After": str(failure.retry_after)},
                )
            if failure.error != "ok":
                return self._error(method, channel, failure.error)
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return self._error(method, channel, "unknown_method")
        result = handler(params)
        if isinstance(result, str):
            return self._error(method, channel, result)
        self.calls.append((method, channel, 200))
        return web.json_response({"ok": True, **result})

    def _error(self, method: str, channel: str, error: str) -> web.Response:
        self.calls.append((method, channel, 200))
        return web.json_response({"ok": False, "error": error})

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": "https://newsroom.slack.com/",
            "team": "Newsroom",
            "user": "claimwatch",
            "team_id": "T0TEAM",
            "user_id": "U0BOT",
            "bot_id": "B0BOT",
        }

    def _channel(self, channel_id: str) -> Channel | str:
        found = self.channels.get(channel_id)
        if found is None:
            return "channel_not_found"
        if found.archived:
            return "is_archived"
        return found

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any] | str:
        channel = self._channel(str(params.get("channel", "")))
        if isinstance(channel, str):
            return channel
        if not channel.member:
            return "not_in_channel"
        if not params.get("text") and not params.get("blocks"):
            return "no_text"
        if block_problem(params.get("blocks")) is not None:
            return "invalid_blocks"
        message = dict(params)
        if isinstance(message.get("blocks"), str):
            message["blocks"] = json.loads(message["blocks"])
        message["ts"] = f"{time.time():.6f}"
        self.posts.append(message)
        return {"channel": channel.id, "ts": message["ts"], "message": message}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any] | str:
        channel = self._channel(str(params.get("channel", "")))
        if isinstance(channel, str):
            return channel
        return {
            "channel": {"id": channel.id, "is_member": channel.member, "creator": channel.creator}
        }

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any] | str:
        user = str(params.get("user", ""))
        if user not in self.users:
            return "user_not_found"
        flags = self.users[user]
        return {
            "user": {
                "id": user,
                "is_admin": flags.get("is_admin", False),
                "is_owner": flags.get("is_owner", False),
            }
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/ws"}

    # response_url and Socket Mode -------------------------------------------------------

    async def _response(self, request: web.Request) -> web.Response:
        payload = await request.json()
        if block_problem(payload.get("blocks")) is not None:
            return web.Response(status=400, text="invalid_blocks")
        self.responses.setdefault(request.match_info["key"], []).append(payload)
        return web.Response(text="ok")

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse()
        await socket.prepare(request)
        self._sockets.add(socket)
        await socket.send_json({"type": "hello", "num_connections": 1})

        async def feed() -> None:
            while True:
                await socket.send_json(await self._envelopes.get())

        sender = asyncio.create_task(feed())
        try:
            async for message in socket:
                if message.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(message.data))
        finally:
            sender.cancel()
            self._sockets.discard(socket)
        return socket


@pytest.fixture
async def slack() -> AsyncIterator[SlackStandIn]:
    """A Slack stand-in on 127.0.0.1 (import this fixture into a test module)."""
    server = await SlackStandIn().start()
    try:
        yield server
    finally:
        await server.stop()
