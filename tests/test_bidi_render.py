"""Hostile text in messages: a right-to-left override in a headline or a name cannot reorder
what stands beside it on any platform (console, Telegram, Slack)."""

from __future__ import annotations

import json

import pytest

from bot.alerts import alert_for, console_text
from handlers.slack.render import alert_blocks
from handlers.telegram.render import alert_html
from tests.test_alerts import flagged

CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
HOSTILE = "Ministry \u202edeineD\u202c denies \u2066fraud\u2069 report"


@pytest.mark.parametrize(
    "render",
    [
        lambda item: console_text(item),
        lambda item: alert_html(alert_for(item)),
        lambda item: json.dumps(alert_blocks(item, "russia"), ensure_ascii=False),
    ],
    ids=["console", "telegram", "slack"],
)
def test_no_bidi_override_reaches_a_message(render: object) -> None:
    item = flagged(1, HOSTILE, denier="Embassy \u202egnol\u202c", url="https://news.example/1")
    text = render(item)  # type: ignore[operator]
    assert not any(ch in text for ch in CONTROLS[:5])  # embeddings and overrides: gone
    assert "deineD" in text and "fraud" in text  # the words themselves stay


def test_right_to_left_names_are_isolated() -> None:
    item = flagged(1, "Embassy denies report", denier="שגרירות ישראל")
    html = alert_html(alert_for(item))
    assert "\u2068שגרירות ישראל\u2069" in html  # first-strong isolate ... pop
