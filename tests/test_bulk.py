"""Bulk inserts (storage.bulk) on SQLite and PostgreSQL: the rows read back as the ORM wrote
them, defaults fill what a row leaves out, conflicts are skipped and not returned, and a
driver error is a StorageError like any other database error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Table, select, text

from bot.errors import StorageError
from storage import bulk
from storage.db import Database
from storage.models import Item

ITEMS = cast(Table, Item.__table__)
NOW = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)


def row(key: str, **changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = {
        "dedupe_key": key,
        "url": f"https://example.org/{key}",
        "title": f"Title {key} — «ünïcode» 🚀",
        "published_at": NOW - timedelta(hours=1),
        "first_seen_at": NOW,
        "content_hash": "h" * 64,
    }
    return {**found, **changes}


def test_rows_read_back_as_written_with_defaults_and_conflicts_skipped(db: Database) -> None:
    with db.session() as session:
        first = bulk.insert(
            session, ITEMS, [row("a"), row("b")], Item.dedupe_key, Item.id, ignore_conflicts=True
        )
    with db.session() as session:
        again = bulk.insert(
            session, ITEMS, [row("b"), row("c")], Item.dedupe_key, Item.id, ignore_conflicts=True
        )
    assert [key for key, _ in first] == ["a", "b"]
    assert [key for key, _ in again] == ["c"]  # "b" was there: skipped, not returned
    with db.session() as session:
        items = {i.dedupe_key: i for i in session.scalars(select(Item))}
    assert set(items) == {"a", "b", "c"}
    assert {key: items[key].id for key, _ in first + again} == dict(first + again)
    stored = items["a"]
    assert stored.title == "Title a — «ünïcode» 🚀"
    assert stored.first_seen_at == NOW and stored.first_seen_at.tzinfo is not None
    assert stored.published_at == NOW - timedelta(hours=1)
    assert (stored.summary, stored.modified_count, stored.modified_at) == ("", 0, None)


def test_sqlite_stores_datetimes_exactly_as_the_orm_does(sqlite_db: Database) -> None:
    """Comparisons and ORDER BY on SQLite are on the stored text: a bulk row must not be
    written in another format than an ORM row."""
    with sqlite_db.session() as session:
        session.add(Item(**row("orm")))
        session.flush()
        bulk.insert(session, ITEMS, [row("bulk")])
    with sqlite_db.engine.connect() as connection:
        found = connection.execute(text("SELECT dedupe_key, first_seen_at FROM items"))
        stored = {key: when for key, when in found}
    assert stored["bulk"] == stored["orm"]


def test_without_conflicts_ignored_a_duplicate_is_a_storage_error(db: Database) -> None:
    with db.session() as session:
        bulk.insert(session, ITEMS, [row("a")])
    with pytest.raises(StorageError, match="database error"), db.session() as session:
        bulk.insert(session, ITEMS, [row("z"), row("a")])
    with db.session() as session:  # the failed transaction left nothing behind
        assert list(session.scalars(select(Item.dedupe_key))) == ["a"]


def test_a_column_the_table_does_not_have_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="unknown columns"), db.session() as session:
        bulk.insert(session, ITEMS, [row("a", colour="red")])


def test_pending_orm_objects_are_written_first(db: Database) -> None:
    """As session.execute does: an object added in the same session is flushed before the
    bulk rows, so a conflict with it is seen (and skipped), not a duplicate."""
    with db.session() as session:
        session.add(Item(**row("a")))
        inserted = bulk.insert(
            session, ITEMS, [row("a"), row("b")], Item.dedupe_key, ignore_conflicts=True
        )
    assert inserted == [("b",)]
