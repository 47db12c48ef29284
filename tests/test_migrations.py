"""Migrations never destroy data, agree with the models, and run once when two processes
start together (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from storage.db import Database, create_db_engine
from storage.migrations import HEAD_REVISION
from storage.migrations.runner import alembic_config, migrating
from storage.models import Base

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _counts(engine: sa.Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table: connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("feeds", "items", "item_sources", "matches")
        }


def _store_one_judged_item(db: Database) -> None:
    from bot.matcher import MatchInput, match
    from bot.types import ParsedEntry
    from storage.feeds import FeedRepository
    from storage.items import ItemRepository
    from storage.matches import MatchRepository

    title = "Ministry rejects the accusations as lies"
    parsed = ParsedEntry(
        guid="u1",
        url="https://news.example/u1",
        title=title,
        summary="",
        content="",
        author="",
        published_at=NOW,
        updated_at=None,
        content_hash="h1",
    )
    with db.session() as session:
        feed, _ = FeedRepository(session).add("https://news.example/rss", now=NOW)
        (result,) = ItemRepository(session).ingest_many([(feed.id, [parsed])], NOW)
        item_id = result.new_item_ids[0]
    with db.session() as session:
        MatchRepository(session).save([(item_id, match(MatchInput(title, "")))], 1, NOW)


def test_models_and_migrations_agree(db: Database) -> None:
    with db.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_a_table_rebuild_never_cascades_into_its_children(db: Database) -> None:
    """What a future migration altering `items` does on SQLite (copy, drop, rename): inside
    `migrating()` the rows that point at items survive."""
    _store_one_judged_item(db)
    before = _counts(db.engine)
    assert before["item_sources"] == 1 and before["matches"] == 1
    with migrating(db.engine) as connection:
        # SQLite copies, drops and renames the table; PostgreSQL alters it in place.
        recreate = "always" if connection.dialect.name == "sqlite" else "auto"
        operations = Operations(MigrationContext.configure(connection))
        with operations.batch_alter_table("items", recreate=recreate) as batch:
            batch.add_column(sa.Column("scratch", sa.Integer(), nullable=True))
        with operations.batch_alter_table("items", recreate=recreate) as batch:
            batch.drop_column("scratch")
    assert _counts(db.engine) == before


def test_upgrading_a_database_that_holds_data_keeps_it(db_url: str) -> None:
    engine = create_db_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0002")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO feeds (url, title, next_poll_at, consecutive_failures, "
                    "disabled, created_at) "
                    "VALUES ('https://news.example/rss', 'News', :now, 0, :no, :now)"
                ),
                {"now": NOW, "no": False},
            )
        db = Database(engine)
        db.migrate()
        assert db.current_revision() == HEAD_REVISION
        with engine.connect() as connection:
            urls = connection.execute(sa.text("SELECT url, title FROM feeds")).all()
        assert [tuple(row) for row in urls] == [("https://news.example/rss", "News")]
    finally:
        engine.dispose()


def test_two_processes_starting_together_migrate_once(postgres_url: str) -> None:
    import uuid

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = f"{postgres_url}?options=-csearch_path%3D{schema}"
    code = "import sys; from storage.db import Database; Database.open(sys.argv[1]).dispose()"
    try:
        starts = [
            subprocess.Popen([sys.executable, "-c", code, url], stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        for process in starts:
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        with admin.connect() as connection:
            versions = connection.execute(
                sa.text(f"SELECT version_num FROM {schema}.alembic_version")
            ).all()
        assert [v for (v,) in versions] == [HEAD_REVISION]
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
