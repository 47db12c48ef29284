"""Alerts as Telegram HTML: every external string escaped, within 4,096 UTF-16 units."""

from __future__ import annotations

import html

from bot.alerts import Alert

MAX_UNITS = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, in UTF-16 code units
_ICONS = {"Allegation": "⚠️", "Denial": "🛑", "Disputed": "⚖️"}


def escape(text: str) -> str:
    return html.escape(text, quote=False)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    while utf16_units(text) > units:
        text = text[: max(0, len(text) - max(1, (utf16_units(text) - units) // 2))]
    return text


def alert_html(alert: Alert) -> str:
    label = alert.heading
    headline = escape(_cut(alert.title, 300))
    if alert.url and alert.url.startswith(("http://", "https://")):
        headline = f'<a href="{html.escape(alert.url, quote=True)}">{headline}</a>'
    lines = [f"{_ICONS.get(alert.label, '')} <b>{escape(label)}</b>", headline]
    if alert.accuser or alert.accused:
        lines.append(f"{escape(alert.accuser or '?')} → {escape(alert.accused or '?')}")
    if alert.denier:
        lines.append(f"Denied by <b>{escape(alert.denier)}</b>")
    if alert.quote:
        lines.append(f"<blockquote>{escape(_cut(alert.quote, 600))}</blockquote>")
    if alert.sources:
        lines.append(f"<i>{escape(', '.join(alert.sources[:5]))}</i>")
    lines.append(f"Matched: {escape(_cut(alert.why, 200))}")
    text = "\n".join(lines)
    if utf16_units(text) > MAX_UNITS:  # only a pathological quote or title gets here
        text = "\n".join(lines[:3] + lines[-1:])
    return text
