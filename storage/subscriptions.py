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
from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, and_, delete, false, func, not_, or_, select, update

from bot.types import FlaggedItem, SubscriptionInfo
from storage import tables
from storage.db import Executor, orm_session
from storage.items import insert_ignore
from storage.matches import MatchRepository

if TYPE_CHECKING:
    from storage.models import Subscription

OUTBOX = tables.outbox
MUTES = tables.mutes
ITEMS = tables.items
MATCHES = tables.matches
SUBSCRIPTIONS = tables.subscriptions


def _info(row: Row[Any] | Subscription) -> SubscriptionInfo:
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
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    def add(
        self, platform: str, chat: str, query: str, *, now: datetime, thread: str = "", by: str = ""
    ) -> SubscriptionInfo:
        from storage.models import Subscription

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
        session = orm_session(self.sql, "SubscriptionRepository.add")
        session.add(row)
        session.flush()
        return _info(row)

    def find(self, platform: str | None = None, chat: str | None = None) -> list[SubscriptionInfo]:
        query = select(SUBSCRIPTIONS).order_by(SUBSCRIPTIONS.c.id)
        if platform is not None:
            query = query.where(SUBSCRIPTIONS.c.platform == platform)
        if chat is not None:
            query = query.where(SUBSCRIPTIONS.c.chat == chat)
        return [_info(row) for row in self.sql.execute(query)]

    def remove(self, subscription_id: int) -> bool:
        result = self.sql.execute(
            delete(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.id == subscription_id)
        )
        return bool(getattr(result, "rowcount", 0))

    def pause_chat(self, platform: str, chat: str, *, paused: bool = True, reason: str = "") -> int:
        """Pause (or resume) every subscription of a chat, saying why; returns how many."""
        result = self.sql.execute(
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.platform == platform, SUBSCRIPTIONS.c.chat == chat)
            .values(paused=paused, paused_reason=reason[:500] if paused else "")
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def move_chat(self, platform: str, old: str, new: str) -> None:
        """A Telegram group became a supergroup with a new id: follow it."""
        self.sql.execute(
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.platform == platform, SUBSCRIPTIONS.c.chat == old)
            .values(chat=new)
        )

    def set_mode(
        self, platform: str, chat: str, thread: str, mode: str, digest: str | None = None
    ) -> int:
        """Switch a chat's (or topic's) subscriptions to instant or digest delivery."""
        values: dict[str, object] = {"mode": mode}
        if digest is not None:
            values["digest"] = digest
        result = self.sql.execute(
            update(SUBSCRIPTIONS)
            .where(
                SUBSCRIPTIONS.c.platform == platform,
                SUBSCRIPTIONS.c.chat == chat,
                SUBSCRIPTIONS.c.thread == thread,
            )
            .values(**values)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def digest_done(self, subscription_id: int, now: datetime) -> None:
        self.sql.execute(
            update(SUBSCRIPTIONS)
            .where(SUBSCRIPTIONS.c.id == subscription_id)
            .values(last_digest_at=now)
        )

    def count(self) -> int:
        return int(self.sql.scalar(select(func.count()).select_from(SUBSCRIPTIONS)) or 0)


class MuteRepository:
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    def mute(self, platform: str, chat: str, item_id: int, now: datetime) -> None:
        insert_ignore(
            self.sql,
            MUTES,
            [{"platform": platform, "chat": chat, "item_id": item_id, "created_at": now}],
        )

    def muted(self, platform: str, chats: Sequence[str]) -> set[tuple[str, int]]:
        """(chat, item id) pairs muted among `chats`."""
        if not chats:
            return set()
        rows = self.sql.execute(
            select(MUTES.c.chat, MUTES.c.item_id).where(
                MUTES.c.platform == platform, MUTES.c.chat.in_(list(chats))
            )
        )
        return {(chat, item_id) for chat, item_id in rows}


_FLAGGED = or_(MATCHES.c.allegation.is_(True), MATCHES.c.denial.is_(True))

Due = tuple[int, SubscriptionInfo, FlaggedItem]  # (outbox row id, subscription, story)


class OutboxRepository:
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    def enqueue(
        self, pairs: Sequence[tuple[int, int]], now: datetime, *, kind: str = "alert"
    ) -> None:
        """Queue (subscription, item) messages; ones already queued, sent or dropped are ignored."""
        insert_ignore(
            self.sql,
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
        self.sql.execute(
            update(MATCHES)
            .where(MATCHES.c.alerts_queued == false(), not_(_FLAGGED))
            .values(alerts_queued=True)
        )
        return list(
            self.sql.scalars(
                select(MATCHES.c.item_id)
                .where(MATCHES.c.alerts_queued == false())
                .order_by(MATCHES.c.item_id)
                .limit(limit)
            )
        )

    def mark_all_queued(self) -> None:
        # "= false", not "IS false": PostgreSQL's index on the column serves only "="
        self.sql.execute(
            update(MATCHES).where(MATCHES.c.alerts_queued == false()).values(alerts_queued=True)
        )

    def mark_queued(self, item_ids: Sequence[int]) -> None:
        if item_ids:
            self.sql.execute(
                update(MATCHES)
                .where(MATCHES.c.item_id.in_(list(item_ids)))
                .values(alerts_queued=True)
            )

    def flagged_first_seen(self, since: datetime, until: datetime) -> list[int]:
        """Every flagged item first seen in (since, until], newest first (no limit: digests
        must not be cut silently)."""
        return list(
            self.sql.scalars(
                select(MATCHES.c.item_id)
                .join(ITEMS, ITEMS.c.id == MATCHES.c.item_id)
                .where(_FLAGGED, ITEMS.c.first_seen_at > since, ITEMS.c.first_seen_at <= until)
                .order_by(ITEMS.c.first_seen_at.desc(), ITEMS.c.id.desc())
            )
        )

    def count_flagged_since(self, since: datetime) -> int:
        return int(
            self.sql.scalar(
                select(func.count())
                .select_from(MATCHES)
                .join(ITEMS, ITEMS.c.id == MATCHES.c.item_id)
                .where(_FLAGGED, ITEMS.c.first_seen_at >= since)
            )
            or 0
        )

    def drop_superseded(self, now: datetime) -> int:
        """Mark `dropped` (with the reason) every pending row that can no longer be sent: its
        story was judged again and is no longer flagged, or its chat muted the story.
        A story waiting to be judged again (no verdict) is left pending. Returns how many."""
        pending = OUTBOX.c.status == "pending"
        unflagged = select(MATCHES.c.item_id).where(not_(_FLAGGED))
        dropped = self.sql.execute(
            update(OUTBOX)
            .where(pending, OUTBOX.c.item_id.in_(unflagged))
            .values(status="dropped", last_error="no longer flagged", sent_at=now)
        )
        muted = (
            select(OUTBOX.c.id)
            .join(SUBSCRIPTIONS, SUBSCRIPTIONS.c.id == OUTBOX.c.subscription_id)
            .join(
                MUTES,
                and_(
                    MUTES.c.platform == SUBSCRIPTIONS.c.platform,
                    MUTES.c.chat == SUBSCRIPTIONS.c.chat,
                    MUTES.c.item_id == OUTBOX.c.item_id,
                ),
            )
            .where(pending)
        )
        also = self.sql.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(muted))
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
            # the outbox row's id and item, then the subscription's own columns (`id` is its)
            select(OUTBOX.c.id.label("entry_id"), OUTBOX.c.item_id, SUBSCRIPTIONS)
            .join(SUBSCRIPTIONS, SUBSCRIPTIONS.c.id == OUTBOX.c.subscription_id)
            .join(MATCHES, MATCHES.c.item_id == OUTBOX.c.item_id)
            .where(
                OUTBOX.c.status == "pending",
                OUTBOX.c.kind == kind,
                OUTBOX.c.due_at <= now,
                SUBSCRIPTIONS.c.platform == platform,
                SUBSCRIPTIONS.c.paused.is_(False),
                _FLAGGED,
            )
            .order_by(OUTBOX.c.id)
        )
        rows = list(self.sql.execute(query if limit <= 0 else query.limit(limit)))
        items = {
            f.item_id: f
            for f in MatchRepository(self.sql).flagged(
                list(dict.fromkeys(row.item_id for row in rows))
            )
        }
        return [
            (row.entry_id, _info(row), items[row.item_id]) for row in rows if row.item_id in items
        ]

    def mark_sent(self, entry_ids: Sequence[int], now: datetime) -> None:
        self.sql.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(list(entry_ids)))
            .values(status="sent", sent_at=now, attempts=OUTBOX.c.attempts + 1)
        )

    def retry_later(self, entry_ids: Sequence[int], error: str, when: datetime) -> None:
        self.sql.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(list(entry_ids)))
            .values(due_at=when, last_error=error[:500], attempts=OUTBOX.c.attempts + 1)
        )

    def drop(self, entry_ids: Sequence[int], error: str, now: datetime) -> None:
        self.sql.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id.in_(list(entry_ids)))
            .values(status="dropped", last_error=error[:500], sent_at=now)
        )

    def count(self, status: str = "sent", kind: str | None = None) -> int:
        query = select(func.count()).select_from(OUTBOX).where(OUTBOX.c.status == status)
        if kind is not None:
            query = query.where(OUTBOX.c.kind == kind)
        return int(self.sql.scalar(query) or 0)

    def sent_count(self) -> int:
        return self.count("sent")
