"""Item repository: store a feed's parsed entries idempotently.

Unique keys do the deduplication, so re-polling, a crash between fetch and commit, or two
processes polling at once can never record an article twice:

* (feed_id, guid_hash) on item_sources: the same entry from the same feed is one source;
* dedupe_key on items: the same canonical URL from any feed is one item with many sources.

An entry whose content hash changed is recorded as *modified* (the item is updated in place,
modified_at and modified_count move); one whose hash did not change is left alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from bot.types import IngestResult, ParsedEntry
from storage.models import Item, ItemSource

_CHUNK = 500  # keeps IN (...) lists well under every backend's parameter limit


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def dedupe_key(feed_id: int, entry: ParsedEntry) -> str:
    """One article = one key: its canonical URL, or (feed, guid) when it has no link."""
    return _sha(entry.url) if entry.url else _sha(f"guid:{feed_id}:{entry.guid}")


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def insert_ignore(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(table).on_conflict_do_nothing(), rows)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        session.execute(sqlite_insert(table).on_conflict_do_nothing(), rows)


class ItemRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def ingest(self, feed_id: int, entries: Sequence[ParsedEntry], now: datetime) -> IngestResult:
        """Store one feed's entries. Returns which items are new, modified, or newly linked."""
        if not entries:
            return IngestResult(feed_id=feed_id)
        by_guid = {_sha(e.guid): e for e in entries}
        known = self._known_sources(feed_id, list(by_guid))
        modified = self._apply_modifications(known, by_guid, now)

        fresh = {g: e for g, e in by_guid.items() if g not in known}
        if not fresh:
            return IngestResult(feed_id=feed_id, modified_item_ids=tuple(modified))
        keys = {g: dedupe_key(feed_id, e) for g, e in fresh.items()}
        before = self._item_ids(list(set(keys.values())))
        rows: dict[str, dict[str, Any]] = {}
        for guid_hash, entry in fresh.items():
            key = keys[guid_hash]
            if key not in before and key not in rows:
                rows[key] = _item_row(entry, key, now)
        insert_ignore(self.session, Item.__table__, list(rows.values()))  # type: ignore[arg-type]
        ids = {**before, **self._item_ids(list(rows))}
        insert_ignore(
            self.session,
            ItemSource.__table__,  # type: ignore[arg-type]
            [
                {
                    "item_id": ids[keys[g]],
                    "feed_id": feed_id,
                    "guid": e.guid,
                    "guid_hash": g,
                    "content_hash": e.content_hash,
                    "first_seen_at": now,
                }
                for g, e in fresh.items()
                if keys[g] in ids
            ],
        )
        new_ids = sorted({ids[k] for k in rows if k in ids})
        linked = sorted({ids[keys[g]] for g in fresh if keys[g] in before} - set(new_ids))
        return IngestResult(
            feed_id=feed_id,
            new_item_ids=tuple(new_ids),
            modified_item_ids=tuple(modified),
            linked_item_ids=tuple(linked),
        )

    def _known_sources(self, feed_id: int, guid_hashes: list[str]) -> dict[str, tuple[int, str]]:
        known: dict[str, tuple[int, str]] = {}
        for chunk in _chunks(guid_hashes):
            rows = self.session.execute(
                select(ItemSource.guid_hash, ItemSource.item_id, ItemSource.content_hash).where(
                    ItemSource.feed_id == feed_id, ItemSource.guid_hash.in_(chunk)
                )
            )
            known.update({g: (item_id, h) for g, item_id, h in rows})
        return known

    def _item_ids(self, keys: list[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for chunk in _chunks(keys):
            rows = self.session.execute(
                select(Item.dedupe_key, Item.id).where(Item.dedupe_key.in_(chunk))
            )
            ids.update({key: item_id for key, item_id in rows})
        return ids

    def _apply_modifications(
        self,
        known: dict[str, tuple[int, str]],
        by_guid: dict[str, ParsedEntry],
        now: datetime,
    ) -> list[int]:
        modified: list[int] = []
        for guid_hash, (item_id, old_hash) in known.items():
            entry = by_guid[guid_hash]
            if entry.content_hash == old_hash:
                continue
            self.session.execute(
                update(Item)
                .where(Item.id == item_id)
                .values(
                    title=entry.title,
                    summary=entry.summary,
                    content=entry.content,
                    author=entry.author,
                    updated_at=entry.updated_at,
                    content_hash=entry.content_hash,
                    modified_at=now,
                    modified_count=Item.modified_count + 1,
                )
            )
            self.session.execute(
                update(ItemSource)
                .where(ItemSource.item_id == item_id, ItemSource.guid_hash == guid_hash)
                .values(content_hash=entry.content_hash)
            )
            modified.append(item_id)
        return sorted(set(modified))

    def count(self) -> int:
        from sqlalchemy import func

        return int(self.session.scalar(select(func.count()).select_from(Item)) or 0)

    def get(self, item_id: int) -> Item | None:
        return self.session.get(Item, item_id)

    def feeds_of(self, item_id: int) -> list[int]:
        return list(
            self.session.scalars(
                select(ItemSource.feed_id).where(ItemSource.item_id == item_id).order_by("feed_id")
            )
        )


def _item_row(entry: ParsedEntry, key: str, now: datetime) -> dict[str, Any]:
    return {
        "dedupe_key": key,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "content": entry.content,
        "author": entry.author,
        "published_at": entry.published_at,
        "updated_at": entry.updated_at,
        "first_seen_at": now,
        "modified_at": None,
        "modified_count": 0,
        "content_hash": entry.content_hash,
    }
