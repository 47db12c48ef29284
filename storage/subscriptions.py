"""Subscriptions and the outbox (platform-neutral; handlers only render and send).

The outbox makes delivery exactly-once: an alert is a row unique on (subscription, item,
kind), inserted with insert-or-ignore; a sender claims due rows, delivers, and marks them sent
in the same transaction that claimed them, so a crash re-sends nothing already marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.orm import Session

from bot.types import FlaggedItem, SubscriptionInfo
from storage.items import insert_ignore
from storage.matches import MatchRepository
from storage.models import Mute, OutboxEntry, Subscription

OUTBOX = cast(Table, OutboxEntry.__table__)
MUTES = cast(Table, Mute.__table__)


def _info(row: Subscription) -> SubscriptionInfo:
    return SubscriptionInfo(
        id=row.id,
        platform=row.platform,
        chat=row.chat,
        thread=row.thread,
        query=row.query,
        mode=row.mode,
        paused=row.paused,
        created_at=row.created_at,
        digest=row.digest,
        last_digest_at=row.last_digest_at,
    )


class SubscriptionRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(
        self, platform: str, chat: str, query: str, *, now: datetime, thread: str = "", by: str = ""
    ) -> SubscriptionInfo:
        row = Subscription(
            platform=platform,
            chat=chat,
            thread=thread,
            query=query,
            mode="instant",
            digest="",
            paused=False,
            created_by=by,
            created_at=now,
        )
        self.session.add(row)
        self.session.flush()
        return _info(row)

    def find(self, platform: str | None = None, chat: str | None = None) -> list[SubscriptionInfo]:
        query = select(Subscription).order_by(Subscription.id)
        if platform is not None:
            query = query.where(Subscription.platform == platform)
        if chat is not None:
            query = query.where(Subscription.chat == chat)
        return [_info(row) for row in self.session.scalars(query)]

    def remove(self, subscription_id: int) -> bool:
        result = self.session.execute(
            delete(Subscription).where(Subscription.id == subscription_id)
        )
        return bool(getattr(result, "rowcount", 0))

    def pause_chat(self, platform: str, chat: str, *, paused: bool = True) -> int:
        """Pause (or resume) every subscription of a chat; returns how many."""
        result = self.session.execute(
            update(Subscription)
            .where(Subscription.platform == platform, Subscription.chat == chat)
            .values(paused=paused)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def move_chat(self, platform: str, old: str, new: str) -> None:
        """A Telegram group became a supergroup with a new id: follow it."""
        self.session.execute(
            update(Subscription)
            .where(Subscription.platform == platform, Subscription.chat == old)
            .values(chat=new)
        )

    def set_mode(
        self, platform: str, chat: str, thread: str, mode: str, digest: str | None = None
    ) -> int:
        """Switch a chat's (or topic's) subscriptions to instant or digest delivery."""
        values: dict[str, object] = {"mode": mode}
        if digest is not None:
            values["digest"] = digest
        result = self.session.execute(
            update(Subscription)
            .where(
                Subscription.platform == platform,
                Subscription.chat == chat,
                Subscription.thread == thread,
            )
            .values(**values)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def digest_done(self, subscription_id: int, now: datetime) -> None:
        self.session.execute(
            update(Subscription)
            .where(Subscription.id == subscription_id)
            .values(last_digest_at=now)
        )

    def count(self) -> int:
        return int(self.session.scalar(select(func.count()).select_from(Subscription)) or 0)


class MuteRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def mute(self, platform: str, chat: str, item_id: int, now: datetime) -> None:
        insert_ignore(
            self.session,
            MUTES,
            [{"platform": platform, "chat": chat, "item_id": item_id, "created_at": now}],
        )

    def muted(self, platform: str, chats: Sequence[str]) -> set[tuple[str, int]]:
        """(chat, item id) pairs muted among `chats`."""
        if not chats:
            return set()
        rows = self.session.execute(
            select(Mute.chat, Mute.item_id).where(
                Mute.platform == platform, Mute.chat.in_(list(chats))
            )
        )
        return {(chat, item_id) for chat, item_id in rows}


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(self, pairs: Sequence[tuple[int, int]], now: datetime) -> None:
        """Queue (subscription, item) alerts; ones already queued or sent are ignored."""
        insert_ignore(
            self.session,
            OUTBOX,
            [
                {
                    "subscription_id": subscription_id,
                    "item_id": item_id,
                    "kind": "alert",
                    "status": "pending",
                    "attempts": 0,
                    "due_at": now,
                    "created_at": now,
                }
                for subscription_id, item_id in pairs
            ],
        )

    def due(
        self, platform: str, now: datetime, limit: int = 100
    ) -> list[tuple[int, SubscriptionInfo, FlaggedItem]]:
        """Pending alerts for one platform whose time has come, oldest first."""
        rows = list(
            self.session.execute(
                select(OutboxEntry.id, OutboxEntry.item_id, Subscription)
                .join(Subscription, Subscription.id == OutboxEntry.subscription_id)
                .where(
                    OutboxEntry.status == "pending",
                    OutboxEntry.due_at <= now,
                    Subscription.platform == platform,
                    Subscription.paused.is_(False),
                )
                .order_by(OutboxEntry.id)
                .limit(limit)
            )
        )
        items = {
            f.item_id: f
            for f in MatchRepository(self.session).flagged(
                list(dict.fromkeys(item_id for _, item_id, _ in rows))
            )
        }
        return [
            (entry_id, _info(subscription), items[item_id])
            for entry_id, item_id, subscription in rows
            if item_id in items
        ]

    def mark_sent(self, entry_id: int, now: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(status="sent", sent_at=now, attempts=OutboxEntry.attempts + 1)
        )

    def retry_later(self, entry_id: int, error: str, when: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(due_at=when, last_error=error[:500], attempts=OutboxEntry.attempts + 1)
        )

    def drop(self, entry_id: int, error: str, now: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(status="dropped", last_error=error[:500], sent_at=now)
        )

    def sent_count(self) -> int:
        return int(
            self.session.scalar(
                select(func.count()).select_from(OutboxEntry).where(OutboxEntry.status == "sent")
            )
            or 0
        )
