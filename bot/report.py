"""Console formatters (pure): the feed health table and the poll report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from bot.redact import redact_url
from bot.types import FeedInfo, FlaggedItem

MAX_LISTED_ITEMS = 20


def ago(when: datetime | None, now: datetime) -> str:
    """'never', '3m ago', 'in 2h', 'now' — for a table cell."""
    if when is None:
        return "never"
    seconds = (when - now).total_seconds()
    span = _span(abs(seconds))
    if span == "now":
        return "now"
    return f"in {span}" if seconds > 0 else f"{span} ago"


def _span(seconds: float) -> str:
    if seconds < 30:
        return "now"
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


def _cut(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def feeds_table(feeds: Sequence[FeedInfo], now: datetime) -> str:
    """The `feeds list` health table."""
    if not feeds:
        return "No feeds yet. Add one with: claimwatch feeds add URL"
    header = ("ID", "TITLE", "LAST OK", "FAILS", "ITEMS", "NEXT POLL", "LAST ERROR")
    rows = []
    for f in feeds:
        next_poll = (
            f"disabled: {f.disabled_reason or ''}" if f.disabled else ago(f.next_poll_at, now)
        )
        error = ""
        if f.last_error:
            error = f"{f.last_error} ({ago(f.last_error_at, now)})"
        elif f.warning:
            error = f"warning: {f.warning}"
        rows.append(
            (
                str(f.id),
                _cut(f.title or redact_url(f.url), 40),
                ago(f.last_success_at, now),
                str(f.consecutive_failures),
                str(f.item_count),
                _cut(next_poll, 60) if f.disabled else next_poll,
                error,
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    lines = []
    for row in [header, *rows]:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def poll_summary(
    *,
    feeds: int,
    failed: Sequence[tuple[str, str]],
    unchanged: int,
    new_titles: Sequence[tuple[str, str]],
    modified: int,
    seconds: float,
    next_polls: Mapping[str, datetime] | None = None,
    now: datetime | None = None,
    new_items: int | None = None,
) -> str:
    """What `poll --once` prints: one summary line, the failures, then what is new.

    failed: (feed, message); new_titles: (feed title, item title), of every new item or only
    of the first MAX_LISTED_ITEMS when `new_items` says how many there are in all.
    """
    new = len(new_titles) if new_items is None else new_items
    if feeds == 0:
        return "No feed is due. Use --all to poll every feed now."
    ok = feeds - len(failed)
    lines = [
        f"Polled {feeds} feed{'s' if feeds != 1 else ''} in {seconds:.1f} s: {ok} ok "
        f"({unchanged} unchanged), {len(failed)} failed; {new} new "
        f"item{'s' if new != 1 else ''}, {modified} modified."
    ]
    for feed, message in failed:
        retry = ""
        if next_polls and now and feed in next_polls:
            retry = f" (next try {ago(next_polls[feed], now)})"
        lines.append(f"  ! {redact_url(feed)}: {message}{retry}")
    for feed, title in new_titles[:MAX_LISTED_ITEMS]:
        lines.append(f"  + [{_cut(redact_url(feed), 30)}] {_cut(title or '(no title)', 100)}")
    if new > MAX_LISTED_ITEMS:
        lines.append(f"  … and {new - MAX_LISTED_ITEMS} more")
    return "\n".join(lines)


def flagged_lines(items: Sequence[FlaggedItem], *, total: int) -> list[str]:
    """One line per flagged item: label, title, who alleged and who denied."""
    from bot.alerts import alert_for

    lines = []
    for item in items:
        alert = alert_for(item)
        label = alert.heading
        who = []
        if item.accuser or item.accused:
            who.append(f"{item.accuser or '?'} -> {item.accused or '?'}")
        if alert.denier:
            who.append(f"denied by {alert.denier}")
        line = f"  * [{label}] {_cut(item.title or '(no title)', 90)}"
        lines.append(line + (f" ({'; '.join(who)})" if who else ""))
    if total > len(items):
        lines.append(f"  … and {total - len(items)} more")
    return lines
