"""Item repository: store a feed's parsed entries idempotently.

Unique keys do the deduplication, so re-polling, a crash between fetch and commit, or two
processes polling at once can never record an article twice:

* (feed_id, guid_hash) on item_sources: the same entry from the same feed is one source;
* dedupe_key on items: the same canonical URL from any feed is one item with many sources.

An entry whose content hash changed is recorded as *modified* (the item is updated in place,
modified_at and modified_count move); one whose hash did not change is left alone.

Dates later than the moment an item is first seen (a typo, a placeholder year, a wrong
clock) are stored as that moment: an article cannot be published after we read it, and
a date in the future would sort first forever.

Statements on storage.tables: pass a Session or a Core Connection (a poll passes a Connection
and never imports the ORM); only `get`, which hands out an Item object, needs a Session.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, delete, func, select, update

from bot.types import IngestResult, ParsedEntry
from storage import bulk, tables
from storage.db import Executor, orm_session

if TYPE_CHECKING:
    from storage.models import Item

ITEMS = tables.items
SOURCES = tables.item_sources
MATCHES = tables.matches
_CHUNK = 500  # keeps IN (...) lists well under every backend's parameter limit


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def dedupe_key(feed_id: int, entry: ParsedEntry) -> str:
    """One article = one key: its canonical URL, or (feed, guid) when it has no link."""
    return _sha(entry.url) if entry.url else _sha(f"guid:{feed_id}:{entry.guid}")


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def insert_ignore(
    executor: Executor, table: Table, rows: list[dict[str, Any]], *returning: Any
) -> list[Any]:
    """INSERT ... ON CONFLICT DO NOTHING on SQLite and PostgreSQL, in one batch
    (`storage.bulk`). With `returning` columns, answers the rows actually inserted (not
    the skipped ones)."""
    return bulk.insert(executor, table, rows, *returning, ignore_conflicts=True)


class ItemRepository:
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    def ingest(self, feed_id: int, entries: Sequence[ParsedEntry], now: datetime) -> IngestResult:
        """Store one feed's entries (see ingest_many)."""
        return self.ingest_many([(feed_id, entries)], now)[0]

    def ingest_many(
        self, batch: Sequence[tuple[int, Sequence[ParsedEntry]]], now: datetime
    ) -> list[IngestResult]:
        """Store several feeds' entries with a handful of statements for the whole batch
        (statement overhead, not rows, dominated a per-feed version). Returns, per feed in
        order, which items are new, modified, or already known from another feed."""
        by_feed = [(feed_id, {_sha(e.guid): e for e in entries}) for feed_id, entries in batch]
        known = self._known_sources(
            sorted({f for f, _ in by_feed}), sorted({g for _, m in by_feed for g in m})
        )
        modified = self._apply_modifications(known, by_feed, now)
        fresh = [
            (feed_id, guid_hash, entry, dedupe_key(feed_id, entry))
            for feed_id, entries in by_feed
            for guid_hash, entry in entries.items()
            if (feed_id, guid_hash) not in known
        ]
        before = self._item_ids(sorted({key for *_, key in fresh}))
        rows: dict[str, dict[str, Any]] = {}
        owner: dict[str, int] = {}
        for feed_id, _guid_hash, entry, key in fresh:
            if key not in before and key not in rows:
                rows[key] = _item_row(entry, key, now)
                owner[key] = feed_id
        inserted = dict(
            insert_ignore(self.sql, ITEMS, list(rows.values()), ITEMS.c.dedupe_key, ITEMS.c.id)
        )
        raced = [key for key in rows if key not in inserted]  # another process was faster
        ids = {**before, **inserted, **(self._item_ids(raced) if raced else {})}
        insert_ignore(
            self.sql,
            SOURCES,
            [
                {
                    "item_id": ids[key],
                    "feed_id": feed_id,
                    "guid": entry.guid,
                    "guid_hash": guid_hash,
                    "content_hash": entry.content_hash,
                    "first_seen_at": now,
                }
                for feed_id, guid_hash, entry, key in fresh
                if key in ids
            ],
        )
        fresh_of: dict[int, list[tuple[ParsedEntry, str]]] = {}
        for feed_id, _guid_hash, entry, key in fresh:
            fresh_of.setdefault(feed_id, []).append((entry, key))
        results = []
        for feed_id, _entries in by_feed:
            mine = fresh_of.get(feed_id, [])
            keys = [key for _e, key in mine if key in ids]
            new = {ids[k] for k in keys if k in inserted and owner[k] == feed_id}
            new_guids = tuple(
                (entry.guid, ids[key])
                for entry, key in mine
                if key in inserted and owner[key] == feed_id
            )
            results.append(
                IngestResult(
                    feed_id=feed_id,
                    new_item_ids=tuple(sorted(new)),
                    new_guids=new_guids,
                    modified_item_ids=tuple(modified.get(feed_id, ())),
                    linked_item_ids=tuple(sorted({ids[k] for k in keys} - new)),
                )
            )
        return results

    def _known_sources(
        self, feed_ids: list[int], guid_hashes: list[str]
    ) -> dict[tuple[int, str], tuple[int, str]]:
        known: dict[tuple[int, str], tuple[int, str]] = {}
        for chunk in _chunks(guid_hashes):
            rows = self.sql.execute(
                select(
                    SOURCES.c.feed_id,
                    SOURCES.c.guid_hash,
                    SOURCES.c.item_id,
                    SOURCES.c.content_hash,
                ).where(SOURCES.c.feed_id.in_(feed_ids), SOURCES.c.guid_hash.in_(chunk))
            )
            known.update({(f, g): (item_id, h) for f, g, item_id, h in rows})
        return known

    def _item_ids(self, keys: list[str]) -> dict[str, int]:
        ids: dict[str, int] = {}
        for chunk in _chunks(keys):
            rows = self.sql.execute(
                select(ITEMS.c.dedupe_key, ITEMS.c.id).where(ITEMS.c.dedupe_key.in_(chunk))
            )
            ids.update({key: item_id for key, item_id in rows})
        return ids

    def _apply_modifications(
        self,
        known: dict[tuple[int, str], tuple[int, str]],
        by_feed: list[tuple[int, dict[str, ParsedEntry]]],
        now: datetime,
    ) -> dict[int, list[int]]:
        modified: dict[int, list[int]] = {}
        for feed_id, entries in by_feed:
            for guid_hash, entry in entries.items():
                item_id, old_hash = known.get((feed_id, guid_hash), (0, entry.content_hash))
                if entry.content_hash == old_hash:
                    continue
                self.sql.execute(
                    update(ITEMS)
                    .where(ITEMS.c.id == item_id)
                    .values(
                        title=entry.title,
                        summary=entry.summary,
                        content=entry.content,
                        author=entry.author,
                        updated_at=_not_after(entry.updated_at, now),
                        content_hash=entry.content_hash,
                        modified_at=now,
                        modified_count=ITEMS.c.modified_count + 1,
                    )
                )
                self.sql.execute(
                    update(SOURCES)
                    .where(SOURCES.c.feed_id == feed_id, SOURCES.c.guid_hash == guid_hash)
                    .values(content_hash=entry.content_hash)
                )
                modified.setdefault(feed_id, []).append(item_id)
        changed = sorted({i for ids in modified.values() for i in ids})
        if changed:  # a changed article is judged again
            self.sql.execute(delete(MATCHES).where(MATCHES.c.item_id.in_(changed)))
        return {f: sorted(set(ids)) for f, ids in modified.items()}

    def count(self) -> int:
        return int(self.sql.scalar(select(func.count()).select_from(ITEMS)) or 0)

    def titles(self, item_ids: Sequence[int]) -> dict[int, str]:
        if not item_ids:
            return {}
        rows = self.sql.execute(select(ITEMS.c.id, ITEMS.c.title).where(ITEMS.c.id.in_(item_ids)))
        return {item_id: title for item_id, title in rows}

    def get(self, item_id: int) -> Item | None:
        from storage.models import Item

        return orm_session(self.sql, "ItemRepository.get").get(Item, item_id)

    def feeds_of(self, item_id: int) -> list[int]:
        return list(
            self.sql.scalars(
                select(SOURCES.c.feed_id).where(SOURCES.c.item_id == item_id).order_by("feed_id")
            )
        )


def _not_after(when: datetime | None, now: datetime) -> datetime | None:
    return None if when is None else min(when, now)


def _item_row(entry: ParsedEntry, key: str, now: datetime) -> dict[str, Any]:
    return {
        "dedupe_key": key,
        "url": entry.url,
        "title": entry.title,
        "summary": entry.summary,
        "content": entry.content,
        "author": entry.author,
        "published_at": _not_after(entry.published_at, now),
        "updated_at": _not_after(entry.updated_at, now),
        "first_seen_at": now,
        "modified_at": None,
        "modified_count": 0,
        "content_hash": entry.content_hash,
    }
