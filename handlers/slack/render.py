"""Alerts, digests and summaries as Slack Block Kit (pure).

Every external string is escaped for mrkdwn (`&`, `<`, `>`) and every text object is
`verbatim`, so a headline can never become a mention (`<!channel>`, `<@U1>`) or a link of its
own; the only links are the ones we build from http(s) URLs. Slack's limits are respected:
50 blocks a message, 3,000 characters a section, 150 a header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from bot.alerts import Alert, alert_for
from bot.text import clean_display
from bot.types import FlaggedItem

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_HEADER = 150
MAX_CONTEXT = 2000  # a context element's text
MAX_TEXT = 4000  # the notification text (Slack truncates far later; keep it short)
MAX_BUTTON_VALUE = 2000
SUMMARY_STORIES = 20  # two blocks each, with header, "and N more" and buttons: under 50
DIGEST_STORIES_PER_MESSAGE = 45
_ICONS = {"Allegation": ":warning:", "Denial": ":no_entry:", "Disputed": ":scales:"}


def escape(text: str) -> str:
    """Slack mrkdwn escaping (only &, < and > are control characters), with bidi controls
    removed and right-to-left text isolated (bot.text.clean_display)."""
    text = clean_display(text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Escaped, then cut under `limit` characters without splitting an entity."""
    out = escape(text)
    if len(out) <= limit:
        return out
    cut = out[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


def plain(text: str, limit: int) -> str:
    """For plain_text objects (not parsed for markup): only cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def safe_url(url: str | None) -> str | None:
    """An http(s) URL with '|', '<', '>', quotes and spaces percent-encoded (None otherwise)."""
    if not url or not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
        return None
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str | None, text: str, limit: int = 300) -> str:
    """<url|text>, escaped: nothing in the URL or the text can end the link early."""
    shown = fit(text, limit)
    target = safe_url(url)
    return f"<{escape(target)}|{shown}>" if target else shown


def mrkdwn(text: str) -> Block:
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(text[:MAX_SECTION])}


def context(text: str) -> Block:
    return {"type": "context", "elements": [mrkdwn(text[:MAX_CONTEXT])]}


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": plain(text, MAX_HEADER)}}


def button(text: str, action_id: str, *, value: str = "", url: str | None = None) -> Block:
    element: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": plain(text, 75)},
        "action_id": action_id,
    }
    if value:
        element["value"] = value[:MAX_BUTTON_VALUE]
    if url:
        element["url"] = url
    return element


def _when(moment: datetime | None) -> str:
    return moment.strftime("%d %b %H:%M UTC") if moment else ""


def story_text(alert: Alert, *, quote_limit: int = 600) -> str:
    """Label, linked headline, who alleged → who is accused, who denied and the quote."""
    lines = [
        f"{_ICONS.get(alert.label, '')} *{escape(alert.heading)}*",
        link(alert.url, alert.title),
    ]
    if alert.accuser or alert.accused:
        lines.append(f"{fit(alert.accuser or '?', 200)} → {fit(alert.accused or '?', 200)}")
    if alert.denier:
        lines.append(f"Denied by *{fit(alert.denier, 200)}*")
    if alert.quote:
        lines.append("> " + fit(" ".join(alert.quote.split()), quote_limit))
    return "\n".join(lines)


def story_context(alert: Alert, *, why: bool) -> str:
    parts = [", ".join(alert.sources[:5]), _when(alert.when)]
    if why:
        parts.append(f"Matched: {alert.why}")
    return fit(" · ".join(p for p in parts if p), MAX_CONTEXT)


def fallback(alert: Alert) -> str:
    """The notification text (push previews, screen readers)."""
    return fit(f"{alert.heading}: {alert.title}", 500)


def alert_blocks(item: FlaggedItem, query: str) -> tuple[str, list[Block]]:
    """One alert: the story, a context line (sources, time, why it matched), and the buttons
    "Mute this story" and "Open"."""
    alert = alert_for(item, query)
    actions = [button("Mute this story", "mute", value=str(item.item_id))]
    target = safe_url(item.url)
    if target:
        actions.append(button("Open", "open", url=target))
    blocks = [
        section(story_text(alert)),
        context(story_context(alert, why=True)),
        {"type": "actions", "block_id": f"alert:{item.item_id}", "elements": actions},
    ]
    return fallback(alert), blocks


def summary_blocks(
    items: list[FlaggedItem], window: str, query: str, described: str, more: int
) -> tuple[str, list[Block]]:
    """The /summary answer: header, one section (and context) per story, "and N more", and the
    buttons "Share in channel" and "Subscribe this channel to this query"."""
    if not items and not more:
        text = f"Nothing flagged in the last {window} matches {escape(described)}."
        return text, [section(text)]
    shown = items[:SUMMARY_STORIES]
    more += len(items) - len(shown)
    title = f"{len(shown) + more} flagged in the last {window}: {described}"
    blocks: list[Block] = [header(title)]
    for item in shown:
        alert = alert_for(item)
        blocks.append(section(story_text(alert, quote_limit=400)))
        blocks.append(context(story_context(alert, why=False)))
    if more:
        blocks.append(section(f"… and {more} more — narrow the query or use 24h"))
    value = f"{window} {query}".strip()
    blocks.append(
        {
            "type": "actions",
            "block_id": "summary",
            "elements": [
                button("Share in channel", "share", value=value),
                button("Subscribe this channel to this query", "subscribe", value=query),
            ],
        }
    )
    return fit(title, MAX_TEXT), blocks


def shared_blocks(blocks: list[Block]) -> list[Block]:
    """A summary as posted for everyone: without its buttons."""
    return [b for b in blocks if b.get("type") != "actions"]


def digest_parts(
    items: list[FlaggedItem], query: str, when: str, more: int
) -> list[tuple[str, list[Block], tuple[int, ...]]]:
    """A digest as messages (text, blocks, story ids), under 50 blocks each."""
    total = len(items) + more
    stories = "story" if total == 1 else "stories"
    title = f"Digest ({when}): {total} flagged {stories} for {query or 'everything'}"
    parts: list[tuple[str, list[Block], tuple[int, ...]]] = []
    for start in range(0, max(len(items), 1), DIGEST_STORIES_PER_MESSAGE):
        chunk = items[start : start + DIGEST_STORIES_PER_MESSAGE]
        blocks: list[Block] = [header(title)] if start == 0 else []
        blocks += [section(story_text(alert_for(i, query), quote_limit=300)) for i in chunk]
        parts.append((fit(title, MAX_TEXT), blocks, tuple(i.item_id for i in chunk)))
    if more:
        parts[-1][1].append(section(f"… and {more} more — `/summary 7d` to see them"))
    return parts
