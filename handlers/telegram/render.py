"""Alerts as Telegram HTML: every external string escaped, within 4,096 UTF-16 units."""

from __future__ import annotations

import html
from typing import TypeVar

from bot.alerts import Alert, alert_for
from bot.text import clean_display
from bot.types import FlaggedItem

T = TypeVar("T")

MAX_UNITS = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, in UTF-16 code units
_ICONS = {"Allegation": "⚠️", "Denial": "🛑", "Disputed": "⚖️"}


def escape(text: str) -> str:
    """Escaped for Telegram HTML, with bidi controls removed and right-to-left text isolated
    (bot.text.clean_display), so no external string can reorder what stands beside it."""
    return html.escape(clean_display(text), quote=False)


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, units: int) -> str:
    while utf16_units(text) > units:
        text = text[: max(0, len(text) - max(1, (utf16_units(text) - units) // 2))]
    return text


def link(url: str | None, text: str) -> str:
    """Escaped text, linked when the URL is http(s)."""
    shown = escape(_cut(text, 300))
    if url and url.startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}">{shown}</a>'
    return shown


def alert_html(alert: Alert) -> str:
    label = alert.heading
    headline = link(alert.url, alert.title)
    lines = [f"{_ICONS.get(alert.label, '')} <b>{escape(label)}</b>", headline]
    if alert.accuser or alert.accused:
        lines.append(f"{escape(alert.accuser or '?')} → {escape(alert.accused or '?')}")
    if alert.denier:
        lines.append(f"Denied by <b>{escape(alert.denier)}</b>")
    if alert.quote:
        lines.append(f"<blockquote>{escape(_cut(alert.quote, 600))}</blockquote>")
    source = ", ".join(alert.sources[:5])
    when = alert.when.strftime("%d %b %H:%M UTC") if alert.when else ""
    if source or when:
        lines.append(f"<i>{escape(' · '.join(p for p in (source, when) if p))}</i>")
    lines.append(f"Matched: {escape(_cut(alert.why, 200))}")
    text = "\n".join(lines)
    if utf16_units(text) > MAX_UNITS:  # only a pathological quote or title gets here
        text = "\n".join(lines[:3] + lines[-1:])
    return text


def split_blocks(blocks: list[str], limit: int = MAX_UNITS) -> list[str]:
    """Join blocks with newlines into messages under `limit` UTF-16 units, breaking only
    between blocks (a story never straddles two messages); a single block longer than the
    limit is cut at a line end, else hard."""
    return [text for text, _ in split_tagged([(b, None) for b in blocks], limit)]


def split_tagged(blocks: list[tuple[str, T]], limit: int = MAX_UNITS) -> list[tuple[str, list[T]]]:
    """split_blocks, keeping each message's tags (the stories it carries)."""
    messages: list[tuple[str, list[T]]] = []
    current, tags = "", list[T]()
    for block, tag in blocks:
        while utf16_units(block) > limit:
            head = _cut(block, limit)
            cut = head.rfind("\n")
            head = head[:cut] if cut > 0 else head
            if current:
                messages.append((current, tags))
                current, tags = "", []
            messages.append((head, []))
            block = block[len(head) :].lstrip("\n")
        candidate = f"{current}\n{block}" if current else block
        if utf16_units(candidate) > limit:
            messages.append((current, tags))
            current, tags = block, [tag]
        else:
            current = candidate
            tags = [*tags, tag]
    if current:
        messages.append((current, tags))
    return messages


def digest_messages(
    items: list[FlaggedItem], query: str, when: str, more: int = 0
) -> list[tuple[str, tuple[int, ...]]]:
    """A digest as messages, each with the ids of the stories it lists: one block per story,
    split only between stories; past the listed ones, "and N more"."""
    total = len(items) + more
    stories = "story" if total == 1 else "stories"
    blocks: list[tuple[str, int | None]] = [
        (
            f"<b>Digest</b> ({escape(when)}): {total} flagged {stories} "
            f"for {escape(query or 'everything')}",
            None,
        )
    ]
    for item in items:
        alert = alert_for(item, query)
        who = []
        if alert.accuser or alert.accused:
            who.append(f"{escape(alert.accuser or '?')} → {escape(alert.accused or '?')}")
        if alert.denier:
            who.append(f"denied by {escape(alert.denier)}")
        detail = f"\n   {'; '.join(who)}" if who else ""
        blocks.append(
            (
                f"• <b>{escape(alert.heading)}</b> {link(alert.url, alert.title)}{detail}",
                item.item_id,
            )
        )
    if more:
        blocks.append((f"… and {more} more — /summary 7d to see them", None))
    return [(text, tuple(t for t in tags if t is not None)) for text, tags in split_tagged(blocks)]
