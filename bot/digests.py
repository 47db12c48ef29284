"""Digest schedules and contents (pure).

A schedule is "daily HH:MM" or "weekly <day> HH:MM" in an IANA time zone. A digest holds the
flagged stories first seen since the previous one, most important first: official denials,
then disputed stories, denials, allegations; newest first within each. A digest lists at most
MAX_STORIES of them and ends with "and N more" past that.

When a digest is due its stories are queued in the outbox (kind `digest`) and the schedule
advances in the same transaction (bot.delivery.queue_digests); the delivery service then sends
it part by part, marking each part's stories sent as soon as the platform accepts it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.alerts import NEW_ITEM_WINDOW, is_backfill
from bot.errors import ClaimwatchError
from bot.types import FlaggedItem

MAX_STORIES = 100  # listed in one digest; the rest are counted ("and N more")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class ScheduleError(ClaimwatchError):
    """A digest schedule cannot be understood (one line saying why)."""


@dataclass(frozen=True, slots=True)
class Schedule:
    weekday: int | None  # None: every day
    hour: int
    minute: int
    timezone: str

    def describe(self) -> str:
        day = "daily" if self.weekday is None else f"weekly on {DAYS[self.weekday]}"
        return f"{day} at {self.hour:02d}:{self.minute:02d} {self.timezone}"

    def encode(self) -> str:
        day = "daily" if self.weekday is None else f"weekly {DAYS[self.weekday]}"
        return f"{day} {self.hour:02d}:{self.minute:02d} {self.timezone}"


def parse_schedule(text: str) -> Schedule:
    """'daily 08:00 [Europe/Kyiv]' or 'weekly mon 09:30 [UTC]'. Raises ScheduleError."""
    words = text.split()
    if not words or words[0].lower() not in ("daily", "weekly"):
        raise ScheduleError("use: daily HH:MM [timezone] or weekly <day> HH:MM [timezone]")
    weekday = None
    rest = words[1:]
    if words[0].lower() == "weekly":
        if not rest or rest[0].lower()[:3] not in DAYS:
            raise ScheduleError("weekly needs a day: mon, tue, wed, thu, fri, sat or sun")
        weekday = DAYS.index(rest[0].lower()[:3])
        rest = rest[1:]
    if not rest or not _TIME.match(rest[0]):
        raise ScheduleError("the time must look like 08:00 (24-hour clock)")
    hour, minute = (int(x) for x in rest[0].split(":"))
    zone = rest[1] if len(rest) > 1 else "UTC"
    if len(rest) > 2:
        raise ScheduleError("too many words: daily HH:MM [timezone]")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f"unknown time zone {zone[:60]!r}, e.g. Europe/Kyiv or UTC") from None
    return Schedule(weekday, hour, minute, zone)


def next_after(schedule: Schedule, moment: datetime) -> datetime:
    """The first scheduled time strictly after `moment` (aware; returned in UTC)."""
    zone = ZoneInfo(schedule.timezone)
    local = moment.astimezone(zone)
    candidate = local.replace(hour=schedule.hour, minute=schedule.minute, second=0, microsecond=0)
    for _ in range(9):
        if candidate > local and (
            schedule.weekday is None or candidate.weekday() == schedule.weekday
        ):
            return candidate.astimezone(moment.tzinfo)
        candidate = (candidate + timedelta(days=1)).replace(
            hour=schedule.hour, minute=schedule.minute
        )
    raise AssertionError("a weekly schedule always falls within 8 days")


def due(schedule: Schedule, last: datetime, now: datetime) -> bool:
    return next_after(schedule, last) <= now


_RANK = {"official": 0, "disputed": 1, "denial": 2, "allegation": 3}


def _rank(item: FlaggedItem) -> int:
    if item.official_denial:
        return _RANK["official"]
    if item.allegation and item.denial:
        return _RANK["disputed"]
    return _RANK["denial"] if item.denial else _RANK["allegation"]


def digest_order(items: list[FlaggedItem]) -> list[FlaggedItem]:
    """Most important first (official denials, disputed, denials, allegations), newest first
    within each."""
    newest_first = sorted(
        items, key=lambda i: (i.first_seen_at is not None, i.first_seen_at, i.item_id), reverse=True
    )
    return sorted(newest_first, key=_rank)


def digest_items(
    items: list[FlaggedItem], since: datetime, window: timedelta = NEW_ITEM_WINDOW
) -> list[FlaggedItem]:
    """The stories of a digest: first seen after `since`, no first-poll backfill, ordered."""
    return digest_order(
        [
            i
            for i in items
            if i.first_seen_at is not None
            and i.first_seen_at > since
            and not is_backfill(i, window)
        ]
    )
