"""`claimwatch subscribe | subscriptions | unsubscribe` (thin: parse, call storage, print)."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import datetime

from bot.errors import ClaimwatchError
from bot.subscriptions import subscribe
from storage.db import Database
from storage.subscriptions import SubscriptionRepository

PLATFORMS = ("console", "telegram", "slack")
# A public username (5-32 letters, digits or _, starting with a letter) or a numeric chat id.
_TELEGRAM_CHAT = re.compile(r"^(?:@[A-Za-z][A-Za-z0-9_]{4,31}|-?[1-9][0-9]{0,18})$")
MAX_ID = 2**31 - 1  # ids are 32-bit on PostgreSQL; anything larger names nothing


def target(value: str) -> tuple[str, str]:
    """'console' | 'telegram:@channel' | 'telegram:-1001' | 'slack:C123' -> (platform, chat)."""
    platform, _, chat = value.partition(":")
    platform = platform.strip().lower()
    if platform not in PLATFORMS:
        raise ClaimwatchError(
            f"unknown target {value!r}: use console, telegram:@channel or slack:CHANNEL"
        )
    if platform == "console":
        return platform, "stdout"
    chat = chat.strip()
    if not chat or len(chat) > 200 or any(ch.isspace() for ch in chat):
        raise ClaimwatchError(f"{platform}: needs a chat, e.g. {platform}:@newsroom")
    if platform == "telegram" and not _TELEGRAM_CHAT.match(chat):
        raise ClaimwatchError(
            f"telegram:{chat[:40]} is not a chat: use telegram:@channel (5-32 letters, digits "
            "or _) or a numeric chat id such as telegram:-1001234567890"
        )
    return platform, chat


def run(args: argparse.Namespace, db: Database, now: datetime) -> int:
    if args.command == "subscribe":
        platform, chat = target(args.target)
        made = subscribe(db, platform, chat, " ".join(args.query), now=now, by="cli")
        print(
            f"Subscribed #{made.subscription.id} ({platform}:{chat}) to {made.query.describe()}; "
            f"{made.recent_matches} flagged in the last 24h match (see `claimwatch summary`)."
        )
        return 0
    if args.command == "unsubscribe":
        removed = False
        if 0 < args.id <= MAX_ID:
            with db.session() as session:
                removed = SubscriptionRepository(session).remove(args.id)
        if not removed:
            print(f"claimwatch: error: no subscription #{args.id}", file=sys.stderr)
            return 1
        print(f"Unsubscribed #{args.id}")
        return 0
    with db.session() as session:
        subscriptions = SubscriptionRepository(session).find()
    if not subscriptions:
        print('No subscriptions. Add one: claimwatch subscribe console "russia denial"')
    for s in subscriptions:
        state = f" (paused: {s.paused_reason})" if s.paused_reason else ""
        state = state or (" (paused)" if s.paused else "")
        print(f"#{s.id} {s.platform}:{s.chat} {s.mode}{state}: {s.query or 'everything flagged'}")
    return 0
