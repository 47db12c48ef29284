"""The Bot API stand-in behaves like Telegram where claimwatch depends on it, checked with the
real python-telegram-bot client over HTTP (groundwork for the Telegram adapter, issue 4)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter

from tests.conftest import TELEGRAM_TOKEN as TOKEN
from tests.telegram_standin import BotAPIStandIn


@pytest.fixture
async def bot(standin: BotAPIStandIn) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=standin.base_url) as client:
        yield client


async def test_get_me_and_commands(bot: Bot, standin: BotAPIStandIn) -> None:
    assert bot.username == "claimwatch_test_bot"
    await bot.set_my_commands([("help", "What the bot does"), ("summary", "Flagged stories")])
    assert [c.command for c in await bot.get_my_commands()] == ["help", "summary"]


async def test_html_messages_and_buttons(bot: Bot, standin: BotAPIStandIn) -> None:
    standin.add_chat(42)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Mute this story", callback_data="m:1")]])
    sent = await bot.send_message(
        42,
        "<b>Denial</b> &lt;b&gt; &amp; <a href='https://x.example'>link</a>",
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )
    assert sent.text == "Denial <b> & link"
    (stored,) = standin.sent(42)
    assert stored["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "m:1"


@pytest.mark.parametrize(
    "text",
    ["<b>unclosed", "AT&T", "<script>x</script>", "<b><i>crossed</b></i>"],
)
async def test_bad_html_is_refused_like_telegram(
    bot: Bot, standin: BotAPIStandIn, text: str
) -> None:
    standin.add_chat(42)
    with pytest.raises(BadRequest, match=r"(?i)parse entities"):
        await bot.send_message(42, text, parse_mode=ParseMode.HTML)


async def test_length_is_counted_in_utf16_units(bot: Bot, standin: BotAPIStandIn) -> None:
    standin.add_chat(42)
    await bot.send_message(42, "😀" * 2048)  # 4,096 units: the limit
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await bot.send_message(42, "😀" * 2049)
    await bot.send_message(42, "<b>" + "a" * 4096 + "</b>", parse_mode=ParseMode.HTML)


async def test_unknown_chat_and_injected_failures(bot: Bot, standin: BotAPIStandIn) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(7, "hello")
    standin.add_chat(42)
    standin.fail_next(42, "429", 3)
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(42, "hello")
    assert limited.value.retry_after == timedelta(seconds=3)
    standin.fail_next(42, "403")
    with pytest.raises(Forbidden):
        await bot.send_message(42, "hello")
    standin.fail_next(42, "migrate", -1001)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(42, "hello")
    assert migrated.value.new_chat_id == -1001
    await bot.send_message(42, "delivered")  # failures are one-shot
    assert [m["text"] for m in standin.sent(42)] == ["delivered"]


async def test_updates_long_polling_offsets_and_topics(bot: Bot, standin: BotAPIStandIn) -> None:
    standin.add_chat(-100, "supergroup", title="newsroom", is_forum=True, admins={5})
    standin.user_sends(-100, "/subscribe russia", user_id=5, thread_id=77)
    (update,) = await bot.get_updates(timeout=1)
    assert update.message.text == "/subscribe russia"
    assert update.message.message_thread_id == 77
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == ()
    reply = await bot.send_message(-100, "Subscribed", message_thread_id=77)
    assert reply.message_thread_id == 77
    admins = await bot.get_chat_administrators(-100)
    assert [a.user.id for a in admins] == [5]
    standin.press_button(-100, reply.message_id, "mute:1", user_id=5)
    (press,) = await bot.get_updates(offset=update.update_id + 1, timeout=1)
    assert press.callback_query is not None and press.callback_query.data == "mute:1"
    assert await bot.answer_callback_query(press.callback_query.id, "Muted")
