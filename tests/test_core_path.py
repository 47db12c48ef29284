"""The poll's storage path without the ORM: the repositories the poll and the stages after it
call give the same answers and leave the same rows whether they run on a Core connection
(`Database.connection()`, what the poll uses) or on an ORM session (`Database.session()`,
what the commands use), on SQLite and PostgreSQL; and a poll, first or repeated, never
imports SQLAlchemy's ORM."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from bot.types import FeedUpdate
from bot.verdicts import VerdictRow
from storage import tables
from storage.db import Database, Executor
from storage.feeds import FeedRepository
from storage.items import ItemRepository
from storage.matches import MatchRepository
from storage.meta import MetaRepository
from storage.subscriptions import MuteRepository, OutboxRepository, SubscriptionRepository
from tests.feedserver import FeedServer
from tests.test_poller import rss
from tests.test_storage import entry

NOW = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
LATER = NOW + timedelta(minutes=20)
URLS = ("https://a.example/feed", "https://b.example/feed", "https://c.example/feed")


def verdict(flagged: bool) -> VerdictRow:
    evidence = '[{"label": "allegation", "text": "He was accused."}]' if flagged else "[]"
    return (
        flagged,
        False,
        False,
        0.9 if flagged else 0.1,
        0.0,
        0.0,
        "",
        "X",
        "",
        "",
        "en",
        evidence,
    )


Transaction = Callable[[], AbstractContextManager[Executor]]


def poll_path(db: Database, transaction: Transaction) -> list[Any]:
    """The repository calls of a first poll, a re-poll and the stages after them (seeding,
    due feeds, ingest, verdicts, feed outcomes of every kind, a modified entry, queueing
    alerts), each transaction opened by `transaction`; returns every answer."""
    answers: list[Any] = []
    with db.session() as session:  # set-up as the commands do it, through the ORM
        ids = [FeedRepository(session).add(url, now=NOW)[0].id for url in URLS]
        subscription = SubscriptionRepository(session).add("console", "stdout", "", now=NOW)
    a, b, c = ids
    with transaction() as sql:
        answers.append(MetaRepository(sql).claim("seeded", NOW.isoformat()))
        answers.append(MetaRepository(sql).claim("seeded", LATER.isoformat()))
        answers.append(FeedRepository(sql).has_any())
    with transaction() as sql:
        answers.append(FeedRepository(sql).due(NOW))
    first = [
        (a, [entry("a1", "https://news.example/1", "Minister accused"), entry("a2", None, "Q")]),
        (b, [entry("b1", "https://news.example/1", "Minister accused, again")]),
    ]
    with transaction() as sql:
        ingested = ItemRepository(sql).ingest_many(first, NOW)
        answers.append(ingested)
        new = [(i, verdict(n == 0)) for n, i in enumerate(ingested[0].new_item_ids)]
        MatchRepository(sql).save_rows(new, 3, NOW, new_items=True)
        FeedRepository(sql).apply(
            [
                FeedUpdate(a, NOW, LATER, ok=True, title="A", etag='"1"', warning="odd dates"),
                FeedUpdate(b, NOW, LATER, ok=True, new_url="https://b.example/moved"),
                FeedUpdate(c, NOW, LATER, ok=False, error="HTTP 410", disable_reason="gone"),
            ]
        )
        answers.append(MatchRepository(sql).count_pending(3))
    with transaction() as sql:  # the re-poll: a 304, and a changed entry
        answers.append(FeedRepository(sql).due(LATER, include_not_due=True))
        changed = [(a, [entry("a2", None, "Q, changed", "New summary")])]
        answers.append(ItemRepository(sql).ingest_many(changed, LATER))
        FeedRepository(sql).apply(
            [
                FeedUpdate(
                    a, LATER, LATER + timedelta(hours=1), ok=True, etag='"1"', not_modified=True
                ),
                FeedUpdate(b, LATER, LATER, ok=True, title="B", not_modified=True),
            ]
        )
        answers.append(MatchRepository(sql).count_pending(3))
        answers.append(MatchRepository(sql).sightings(list(ingested[0].new_item_ids)))
    with transaction() as sql:  # queueing alerts (bot.delivery.queue_alerts)
        subscriptions = SubscriptionRepository(sql).find()
        answers.append(subscriptions)
        outbox = OutboxRepository(sql)
        item_ids = outbox.unqueued_verdicts(100)
        answers.append(MatchRepository(sql).flagged(item_ids))
        answers.append(MuteRepository(sql).muted("console", ["stdout"]))
        outbox.enqueue([(subscription.id, i) for i in item_ids], LATER)
        outbox.mark_queued(item_ids)
        outbox.mark_all_queued()
        answers.append(outbox.due("console", LATER))
    with transaction() as sql:
        answers.append(FeedRepository(sql).titles(["https://a.example/feed"]))
    return answers


def rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.connection() as connection:
        return {
            table.name: [
                tuple(row) for row in connection.execute(select(table).order_by(*table.primary_key))
            ]
            for table in tables.metadata.sorted_tables
        }


@pytest.fixture(params=["sqlite", "postgres"])
def two_databases(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Database, Database]]:
    """Two fresh, empty databases of one kind: two SQLite files, or two PostgreSQL schemas."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / name}" for name in ("one.db", "two.db")]
        schemas: list[str] = []
    else:
        base = request.getfixturevalue("postgres_url")
        schemas = [f"t_{uuid.uuid4().hex[:12]}" for _ in range(2)]
        admin = create_engine(base)
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f"CREATE SCHEMA {schema}"))
        urls = [f"{base}?options=-csearch_path%3D{schema}" for schema in schemas]
    databases = [Database.open(url) for url in urls]
    try:
        yield databases[0], databases[1]
    finally:
        for database in databases:
            database.dispose()
        if schemas:
            with admin.begin() as connection:
                for schema in schemas:
                    connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


def test_the_poll_path_answers_and_writes_alike_on_a_connection_and_a_session(
    two_databases: tuple[Database, Database],
) -> None:
    on_connections, on_sessions = two_databases
    core = poll_path(on_connections, on_connections.connection)
    orm = poll_path(on_sessions, on_sessions.session)
    assert core == orm
    written = rows(on_connections)
    assert written == rows(on_sessions)
    # and the path did what it says (so "alike" is not "alike and empty")
    assert core[0] is True and core[1] is False
    assert len(written["items"]) == 2 and len(written["item_sources"]) == 3
    assert core[7][0].modified_item_ids == (2,) and core[8] == 1  # judged again
    assert len(written["outbox"]) == 1 and written["matches"][0][-2] is True  # alerts_queued


def test_a_poll_never_imports_the_orm(tmp_path: Path, feed_server: FeedServer) -> None:
    """A first poll and a re-poll of 304s, as whole processes: neither loads
    sqlalchemy.orm (nor storage.models), about a tenth of a re-poll's work."""
    url = feed_server.add("/f.xml", body=rss("Minister accused of fraud", "Rain"), etag='"v1"')
    env = {
        **{k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "SYSTEMROOT")},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'poll.db'}",
        "ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "ARTICLE_FETCH": "false",
    }

    def claimwatch(*args: str) -> str:
        script = (
            "import sys\nfrom bot.cli import main\ncode = main(sys.argv[1:])\n"
            "print('loaded:', sorted(m for m in ('sqlalchemy.orm', 'storage.models')"
            " if m in sys.modules))\nsys.exit(code)"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "loaded: ['sqlalchemy.orm', 'storage.models']" in claimwatch("feeds", "add", url)
    first = claimwatch("poll", "--once", "--all")
    assert "2 new items" in first and "loaded: []" in first
    again = claimwatch("poll", "--once", "--all")
    assert "1 unchanged" in again and "loaded: []" in again
    assert feed_server.requests["/f.xml"][-1].get("if-none-match") == '"v1"'
