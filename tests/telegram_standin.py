"""A local stand-in for the Telegram Bot API, faithful where it matters to claimwatch.

The real python-telegram-bot client talks to it over HTTP (`base_url`). It answers the way
Telegram does (platforms.md lists why the npm emulator is not enough):

* getMe, getUpdates (offsets, long polling with `timeout`), sendMessage, editMessageText,
  answerCallbackQuery, setMyCommands / getMyCommands, getChat, getChatAdministrators,
  getChatMember, setWebhook / deleteWebhook / getWebhookInfo;
* message text 1–4096 characters *after entity parsing*, counted in UTF-16 code units;
* HTML parse mode: only Telegram's tags, entities must be escaped, tags balanced — otherwise
  400 "Bad Request: can't parse entities: …";
* unknown chats: 400 "Bad Request: chat not found"; `message_thread_id` kept on messages;
* injected failures for the next call to a chat: 429 with `retry_after`, 403 blocked/kicked,
  400 with `migrate_to_chat_id`.

A test drives it as users would: `user_sends()`, `press_button()`, then reads `sent()`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiohttp import web

MAX_TEXT = 4096
ALLOWED_TAGS = frozenset(
    "b strong i em u ins s strike del span tg-spoiler a code pre blockquote tg-emoji".split()
)
_JSON_FIELDS = frozenset(
    "reply_markup allowed_updates commands link_preview_options entities scope".split()
)
_INT_FIELDS = frozenset(
    "chat_id offset limit timeout message_id message_thread_id user_id cache_time".split()
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class EntityError(ValueError):
    pass


class _TelegramHTML(HTMLParser):
    """Parses text the way Telegram's HTML mode does and collects the visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise EntityError(f'unsupported start tag "{tag}"')
        if tag == "a" and not dict(attrs).get("href"):
            raise EntityError("can't find end of the URL")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise EntityError(f'can\'t find end tag corresponding to start tag "{tag}"')
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


_RAW_AMP = re.compile(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


def visible_text(text: str, parse_mode: str | None) -> str:
    """The text a user sees; raises EntityError where Telegram answers 400."""
    if (parse_mode or "").upper() != "HTML":
        return text
    if _RAW_AMP.search(text):
        raise EntityError("unsupported start tag or unescaped &")
    parser = _TelegramHTML()
    parser.feed(text)
    parser.close()
    if parser.stack:
        raise EntityError(f'can\'t find end tag corresponding to start tag "{parser.stack[-1]}"')
    return "".join(parser.text)


@dataclass
class Chat:
    id: int
    type: str = "private"  # private | group | supergroup | channel
    title: str = ""
    is_forum: bool = False
    admins: set[int] = field(default_factory=set)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            data["first_name"] = f"User{self.id}"
        else:
            data["title"] = self.title or f"Chat {self.id}"
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class Failure:
    kind: str  # "429" | "403" | "migrate"
    value: int = 0


class BotAPIStandIn:
    """Run with `await standin.start()`; point the bot at `standin.base_url`."""

    def __init__(self, token: str = "123456:TEST-token") -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.chats: dict[int, Chat] = {}
        self.messages: dict[int, list[dict[str, Any]]] = {}
        self.updates: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.failures: dict[int, list[Failure]] = {}
        self.webhook: dict[str, Any] = {}
        self.answers: list[str] = []  # texts of answered callback queries
        self._update_id = 0
        self._message_ids: dict[int, int] = {}
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- what tests use ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    def add_chat(self, chat_id: int, kind: str = "private", **kwargs: Any) -> Chat:
        chat = Chat(id=chat_id, type=kind, **kwargs)
        self.chats[chat_id] = chat
        return chat

    def user_sends(
        self, chat_id: int, text: str, *, user_id: int | None = None, thread_id: int | None = None
    ) -> dict[str, Any]:
        chat = self.chats[chat_id]
        user = user_id if user_id is not None else chat_id
        message = self._message(chat, text, from_id=user, thread_id=thread_id)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        if chat.type == "channel":  # channel posts come from the channel, not from a user
            message.pop("from")
            message["sender_chat"] = chat.as_json()
            return self._push({"channel_post": message})
        return self._push({"message": message})

    async def post_to_webhook(
        self, chat_id: int, text: str, *, secret: str | None = None, user_id: int | None = None
    ) -> int:
        """Deliver a user's message the way Telegram calls a webhook: POST the update to the
        registered URL with the secret header (`secret` overrides it). Returns the status."""
        from aiohttp import ClientSession

        chat = self.chats[chat_id]
        message = self._message(chat, text, from_id=user_id if user_id is not None else chat_id)
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        self._update_id += 1
        update = {"update_id": self._update_id, "message": message}
        token = self.webhook.get("secret") if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        async with (
            ClientSession() as session,
            session.post(self.webhook["url"], json=update, headers=headers) as response,
        ):
            return response.status

    def press_button(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> dict[str, Any]:
        message = next(m for m in self.messages[chat_id] if m["message_id"] == message_id)
        user = user_id if user_id is not None else chat_id
        return self._push(
            {
                "callback_query": {
                    "id": f"cb{self._update_id + 1}",
                    "from": {"id": user, "is_bot": False, "first_name": f"User{user}"},
                    "message": message,
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )

    def sent(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a chat, oldest first."""
        return [
            m for m in self.messages.get(chat_id, []) if m.get("from", {}).get("id") == self.bot_id
        ]

    def fail_next(self, chat_id: int, kind: str, value: int = 0) -> None:
        """The next call about `chat_id` fails: '429' (retry_after=value), '403', 'migrate'."""
        self.failures.setdefault(chat_id, []).append(Failure(kind, value))

    async def start(self) -> BotAPIStandIn:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # --- the HTTP API -------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return self._error(401, "Unauthorized")
        params = await self._params(request)
        method = request.match_info["method"]
        self.calls.append((method, params))
        handler = getattr(self, f"_api_{method.lower()}", None)
        if handler is None:
            return self._error(404, "Not Found: method not found")
        chat_id = params.get("chat_id")
        if isinstance(chat_id, int) and self.failures.get(chat_id):
            return self._failure(self.failures[chat_id].pop(0))
        try:
            result = await handler(params)
        except LookupError:
            return self._error(400, "Bad Request: chat not found")
        except EntityError as exc:
            return self._error(400, f"Bad Request: can't parse entities: {exc}")
        except ValueError as exc:
            return self._error(400, f"Bad Request: {exc}")
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            raw: dict[str, Any] = await request.json()
        else:
            raw = dict(await request.post())
            raw.update(request.query)
        params: dict[str, Any] = {}
        for key, value in raw.items():
            if key in _JSON_FIELDS and isinstance(value, str):
                value = json.loads(value)
            elif key in _INT_FIELDS and isinstance(value, str):
                value = int(value) if value.lstrip("-").isdigit() else value
            params[key] = value
        return params

    def _error(self, code: int, description: str, **parameters: Any) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
        if parameters:
            body["parameters"] = parameters
        return web.json_response(body, status=code)

    def _failure(self, failure: Failure) -> web.Response:
        if failure.kind == "429":
            return self._error(
                429, f"Too Many Requests: retry after {failure.value}", retry_after=failure.value
            )
        if failure.kind == "403":
            return self._error(403, "Forbidden: bot was blocked by the user")
        return self._error(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            migrate_to_chat_id=failure.value,
        )

    def _chat(self, chat_id: Any) -> Chat:
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.title.lower() == chat_id[1:].lower():
                    return chat
            raise LookupError(chat_id)
        chat = self.chats.get(int(chat_id))
        if chat is None:
            raise LookupError(chat_id)
        return chat

    def _message(
        self,
        chat: Chat,
        text: str,
        *,
        from_id: int,
        thread_id: int | None = None,
        reply_markup: Any = None,
    ) -> dict[str, Any]:
        number = self._message_ids.get(chat.id, 0) + 1
        self._message_ids[chat.id] = number
        message: dict[str, Any] = {
            "message_id": number,
            "date": int(time.time()),
            "chat": chat.as_json(),
            "from": {
                "id": from_id,
                "is_bot": from_id == self.bot_id,
                "first_name": "claimwatch" if from_id == self.bot_id else f"User{from_id}",
            },
            "text": text,
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        if reply_markup:
            message["reply_markup"] = reply_markup
        self.messages.setdefault(chat.id, []).append(message)
        return message

    def _push(self, payload: dict[str, Any]) -> dict[str, Any]:
        self._update_id += 1
        update = {"update_id": self._update_id, **payload}
        self.updates.append(update)
        self._new_update.set()
        return update

    async def _api_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "claimwatch",
            "username": "claimwatch_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self.updates and time.monotonic() < deadline:
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        limit = int(params.get("limit") or 100)
        return self.updates[:limit]

    async def _api_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        text = str(params.get("text", ""))
        shown = visible_text(text, params.get("parse_mode"))
        if not shown.strip():
            raise ValueError("message text is empty")
        if utf16_len(shown) > MAX_TEXT:
            raise ValueError("message is too long")
        thread = params.get("message_thread_id")
        if thread is not None and not chat.is_forum:
            raise ValueError("message thread not found")
        message = self._message(
            chat,
            shown,
            from_id=self.bot_id,
            thread_id=thread,
            reply_markup=params.get("reply_markup"),
        )
        message["html"] = text
        return message

    async def _api_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        shown = visible_text(str(params.get("text", "")), params.get("parse_mode"))
        for message in self.messages.get(chat.id, []):
            if message["message_id"] == params.get("message_id"):
                message["text"] = shown
                message["edit_date"] = int(time.time())
                if "reply_markup" in params:
                    message["reply_markup"] = params["reply_markup"]
                return message
        raise ValueError("message to edit not found")

    async def _api_answercallbackquery(self, params: dict[str, Any]) -> bool:
        self.answers.append(str(params.get("text", "")))
        return True

    async def _api_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        for message in self.messages.get(chat.id, []):
            if message["message_id"] == params.get("message_id"):
                message["reply_markup"] = params.get("reply_markup") or {"inline_keyboard": []}
                return message
        raise ValueError("message to edit not found")

    async def _api_setmycommands(self, params: dict[str, Any]) -> bool:
        self.commands = list(params.get("commands") or [])
        return True

    async def _api_getmycommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands

    async def _api_getchat(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._chat(params["chat_id"]).as_json()

    async def _api_getchatadministrators(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._chat(params["chat_id"])
        return [self._member(user, "administrator") for user in sorted(chat.admins)]

    async def _api_getchatmember(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params["chat_id"])
        user = int(params["user_id"])
        return self._member(user, "administrator" if user in chat.admins else "member")

    def _member(self, user: int, status: str) -> dict[str, Any]:
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user, "is_bot": False, "first_name": f"User{user}"},
        }
        if status == "administrator":
            member.update(
                {
                    key: True
                    for key in (
                        "can_be_edited can_manage_chat can_delete_messages "
                        "can_manage_video_chats can_restrict_members can_promote_members "
                        "can_change_info can_invite_users can_post_stories can_edit_stories "
                        "can_delete_stories is_anonymous"
                    ).split()
                }
            )
            member["is_anonymous"] = False
            member["can_be_edited"] = False
        return member

    async def _api_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {"url": params.get("url", ""), "secret": params.get("secret_token")}
        return True

    async def _api_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    async def _api_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.updates),
        }
