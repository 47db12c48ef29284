"""Subscriptions and the outbox (platform-neutral; handlers only render and send).

An outbox row is one story for one subscription, unique on (subscription, item, kind) with
kind `alert` or `digest`, inserted with insert-or-ignore, so queueing twice never sends twice.
Delivery is at-least-once: the delivery service marks a row sent in its own short transaction
right after the platform accepted the message; only a crash in that narrow window (accepted,
not yet committed) can repeat a message, and nothing is ever lost. Rows that can no longer be
sent (the story is no longer flagged, the chat muted it, the platform refused it) are marked
`dropped` with the reason in `last_error`, never left pending.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, false, func, not_, or_, select, update
from sqlalchemy.orm import Session

from bot.types import FlaggedItem, SubscriptionInfo
from storage import tables
from storage.items import insert_ignore
from storage.matches import MatchRepository
from storage.models import Item, MatchRow, Mute, OutboxEntry, Subscription

OUTBOX = tables.outbox
MUTES = tables.mutes


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
        paused_reason=row.paused_reason,
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

    def pause_chat(self, platform: str, chat: str, *, paused: bool = True, reason: str = "") -> int:
        """Pause (or resume) every subscription of a chat, saying why; returns how many."""
        result = self.session.execute(
            update(Subscription)
            .where(Subscription.platform == platform, Subscription.chat == chat)
            .values(paused=paused, paused_reason=reason[:500] if paused else "")
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


_FLAGGED = or_(MatchRow.allegation.is_(True), MatchRow.denial.is_(True))

Due = tuple[int, SubscriptionInfo, FlaggedItem]  # (outbox row id, subscription, story)


class OutboxRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def enqueue(
        self, pairs: Sequence[tuple[int, int]], now: datetime, *, kind: str = "alert"
    ) -> None:
        """Queue (subscription, item) messages; ones already queued, sent or dropped are ignored."""
        insert_ignore(
            self.session,
            OUTBOX,
            [
                {
                    "subscription_id": subscription_id,
                    "item_id": item_id,
                    "kind": kind,
                    "status": "pending",
                    "attempts": 0,
                    "due_at": now,
                    "created_at": now,
                }
                for subscription_id, item_id in pairs
            ],
        )

    def unqueued_verdicts(self, limit: int) -> list[int]:
        """Flagged items whose verdict has not had its alerts queued yet, oldest first.

        Verdicts that flag nothing are marked queued on the way (there is nothing to send)."""
        self.session.execute(
            update(MatchRow)
            .where(MatchRow.alerts_queued == false(), not_(_FLAGGED))
            .values(alerts_queued=True)
        )
        return list(
            self.session.scalars(
                select(MatchRow.item_id)
                .where(MatchRow.alerts_queued == false())
                .order_by(MatchRow.item_id)
                .limit(limit)
            )
        )

    def mark_all_queued(self) -> None:
        # "= false", not "IS false": PostgreSQL's index on the column serves only "="
        self.session.execute(
            update(MatchRow).where(MatchRow.alerts_queued == false()).values(alerts_queued=True)
        )

    def mark_queued(self, item_ids: Sequence[int]) -> None:
        if item_ids:
            self.session.execute(
                update(MatchRow)
                .where(MatchRow.item_id.in_(list(item_ids)))
                .values(alerts_queued=True)
            )

    def flagged_first_seen(self, since: datetime, until: datetime) -> list[int]:
        """Every flagged item first seen in (since, until], newest first (no limit: digests
        must not be cut silently)."""
        return list(
            self.session.scalars(
                select(MatchRow.item_id)
                .join(Item, Item.id == MatchRow.item_id)
                .where(_FLAGGED, Item.first_seen_at > since, Item.first_seen_at <= until)
                .order_by(Item.first_seen_at.desc(), Item.id.desc())
            )
        )

    def count_flagged_since(self, since: datetime) -> int:
        return int(
            self.session.scalar(
                select(func.count())
                .select_from(MatchRow)
                .join(Item, Item.id == MatchRow.item_id)
                .where(_FLAGGED, Item.first_seen_at >= since)
            )
            or 0
        )

    def drop_superseded(self, now: datetime) -> int:
        """Mark `dropped` (with the reason) every pending row that can no longer be sent: its
        story was judged again and is no longer flagged, or its chat muted the story.
        A story waiting to be judged again (no verdict) is left pending. Returns how many."""
        pending = OutboxEntry.status == "pending"
        unflagged = select(MatchRow.item_id).where(not_(_FLAGGED))
        dropped = self.session.execute(
            update(OutboxEntry)
            .where(pending, OutboxEntry.item_id.in_(unflagged))
            .values(status="dropped", last_error="no longer flagged", sent_at=now)
        )
        muted = (
            select(OutboxEntry.id)
            .join(Subscription, Subscription.id == OutboxEntry.subscription_id)
            .join(
                Mute,
                and_(
                    Mute.platform == Subscription.platform,
                    Mute.chat == Subscription.chat,
                    Mute.item_id == OutboxEntry.item_id,
                ),
            )
            .where(pending)
        )
        also = self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(muted))
            .values(status="dropped", last_error="muted in this chat", sent_at=now)
        )
        return int(getattr(dropped, "rowcount", 0) or 0) + int(getattr(also, "rowcount", 0) or 0)

    def due(
        self, platform: str, now: datetime, limit: int = 100, *, kind: str = "alert"
    ) -> list[Due]:
        """Pending rows of one platform and kind whose time has come, oldest first.

        Filtered in SQL (still flagged, chat not paused), so rows that cannot be sent never
        fill the batch: call drop_superseded first to retire them."""
        query = (
            select(OutboxEntry.id, OutboxEntry.item_id, Subscription)
            .join(Subscription, Subscription.id == OutboxEntry.subscription_id)
            .join(MatchRow, MatchRow.item_id == OutboxEntry.item_id)
            .where(
                OutboxEntry.status == "pending",
                OutboxEntry.kind == kind,
                OutboxEntry.due_at <= now,
                Subscription.platform == platform,
                Subscription.paused.is_(False),
                _FLAGGED,
            )
            .order_by(OutboxEntry.id)
        )
        rows = list(self.session.execute(query if limit <= 0 else query.limit(limit)))
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

    def mark_sent(self, entry_ids: Sequence[int], now: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(list(entry_ids)))
            .values(status="sent", sent_at=now, attempts=OutboxEntry.attempts + 1)
        )

    def retry_later(self, entry_ids: Sequence[int], error: str, when: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(list(entry_ids)))
            .values(due_at=when, last_error=error[:500], attempts=OutboxEntry.attempts + 1)
        )

    def drop(self, entry_ids: Sequence[int], error: str, now: datetime) -> None:
        self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id.in_(list(entry_ids)))
            .values(status="dropped", last_error=error[:500], sent_at=now)
        )

    def count(self, status: str = "sent", kind: str | None = None) -> int:
        query = select(func.count()).select_from(OutboxEntry).where(OutboxEntry.status == status)
        if kind is not None:
            query = query.where(OutboxEntry.kind == kind)
        return int(self.session.scalar(query) or 0)

    def sent_count(self) -> int:
        return self.count("sent")
