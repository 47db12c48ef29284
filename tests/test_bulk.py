"""Bulk inserts (storage.bulk) on SQLite and PostgreSQL: the rows read back as the ORM wrote
them, defaults fill what a row leaves out, conflicts are skipped and not returned, and a
driver error is a StorageError like any other database error."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Table, select, text

from bot.errors import StorageError
from storage import bulk
from storage.db import Database
from storage.models import Item

ITEMS = cast(Table, Item.__table__)
NOW = datetime(2025, 3, 4, 5, 6, 7, 891011, tzinfo=UTC)
FOLD = datetime(2024, 11, 3, 1, 30, tzinfo=ZoneInfo("America/New_York"))


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


def test_datetimes_equal_across_a_dst_fold_are_stored_as_their_own_instants(
    sqlite_db: Database,
) -> None:
    """1:30 in New York on 3 November 2024 happened twice (fold 0 and 1): the two compare
    equal in Python, yet are an hour apart. Each is stored as the ORM stores it, not as the
    first one from a memo of converted values."""
    new_york = ZoneInfo("America/New_York")
    first = datetime(2024, 11, 3, 1, 30, tzinfo=new_york)
    second = first.replace(fold=1)
    assert first == second and first.utcoffset() != second.utcoffset()
    with sqlite_db.session() as session:
        session.add(Item(**row("orm-first", first_seen_at=first)))
        session.add(Item(**row("orm-second", first_seen_at=second)))
        session.flush()
        bulk.insert(
            session,
            ITEMS,
            [row("bulk-first", first_seen_at=first), row("bulk-second", first_seen_at=second)],
        )
    with sqlite_db.engine.connect() as connection:
        found = connection.execute(text("SELECT dedupe_key, first_seen_at FROM items"))
        stored = {key: when for key, when in found}
    assert stored["orm-first"] != stored["orm-second"]
    assert (stored["bulk-first"], stored["bulk-second"]) == (
        stored["orm-first"],
        stored["orm-second"],
    )


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


def _feed_states(db: Database, changes: list[dict[str, Any]], *, driver: bool) -> list[Any]:
    """Feed rows after one UPDATE of the shape `FeedRepository.apply` writes (a parameter
    used three times, in COALESCE and CASE, constants of the statement, NULLs), executed by
    `bulk.execute_many` or by SQLAlchemy itself; the rows as SQLite stores them."""
    from sqlalchemy import Boolean, bindparam, case, func, update

    from storage.models import Feed

    feeds = cast(Table, Feed.__table__)
    with db.session() as session:
        session.execute(
            feeds.insert(),
            [
                {
                    "url": f"https://example.org/{i}",
                    "title": f"Feed {i}",
                    "created_at": NOW,
                    "next_poll_at": NOW,
                    "consecutive_failures": 3,
                    "disabled": False,
                    "warning": "old" if i % 2 else None,
                }
                for i in range(1, 4)
            ],
        )
    statement = (
        update(feeds)
        .where(feeds.c.id == bindparam("b_id"))
        .values(
            last_polled_at=bindparam("b_polled"),
            last_success_at=bindparam("b_polled"),
            first_success_at=func.coalesce(feeds.c.first_success_at, bindparam("b_polled")),
            next_poll_at=bindparam("b_next"),
            consecutive_failures=0,
            last_error=None,
            title=func.coalesce(bindparam("b_title"), feeds.c.title),
            warning=case(
                (bindparam("b_unchanged", type_=Boolean), feeds.c.warning),
                else_=bindparam("b_warning"),
            ),
        )
    )
    if driver and db.engine.dialect.name == "sqlite":  # the driver path is the one tested
        compiled = statement.compile(dialect=db.engine.dialect)
        assert getattr(compiled, "_bind_processors", None) is not None
    with db.session() as session:
        if driver:
            bulk.execute_many(session, statement, changes)
        else:
            session.connection().execute(statement, changes)
    with db.engine.connect() as connection:
        return list(connection.execute(text("SELECT * FROM feeds ORDER BY id")))


def test_execute_many_stores_on_sqlite_exactly_what_sqlalchemy_stores(tmp_path: Path) -> None:
    changes = [
        {
            "b_id": i,
            "b_polled": NOW + timedelta(minutes=1),
            # feeds 2 and 3: one wall-clock time either side of a DST fold (equal in Python,
            # an hour apart)
            "b_next": FOLD.replace(fold=i - 2) if i > 1 else NOW + timedelta(minutes=10),
            "b_title": None if i == 2 else f"New title {i} «ü»",
            "b_unchanged": i == 3,
            "b_warning": None if i == 1 else "new",
        }
        for i in range(1, 4)
    ]
    found = []
    for driver in (True, False):
        database = Database.open(f"sqlite:///{tmp_path / f'{driver}.db'}")
        try:
            found.append(_feed_states(database, changes, driver=driver))
        finally:
            database.dispose()
    assert found[0] == found[1]
    assert found[0][0].last_polled_at == "2025-03-04 05:07:07.891011"  # the ORM's text


def test_execute_many_on_any_database(db: Database) -> None:
    rows = _feed_states(
        db,
        [
            {
                "b_id": 1,
                "b_polled": NOW,
                "b_next": NOW,
                "b_title": "T",
                "b_unchanged": False,
                "b_warning": None,
            }
        ],
        driver=True,
    )
    assert rows[0].title == "T" and rows[0].consecutive_failures == 0
