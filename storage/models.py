"""SQLAlchemy 2.x typed ORM classes, mapped onto the Core tables of storage.tables.

The tables (columns, types, constraints, indexes) are defined once, in storage.tables; each
class here takes its table as `__table__` and declares its attributes' types for mypy and
readers. Code that runs on every poll uses the tables directly and never imports this module
(nor SQLAlchemy's ORM); commands that edit feeds or subscriptions use these classes.

No `from __future__ import annotations` here: the `Mapped[...]` annotations are evaluated
once by Python as each class is made, instead of kept as strings that SQLAlchemy's
declarative scan parses and evaluates again, attribute by attribute.
"""

from datetime import datetime

from sqlalchemy.orm import DeclarativeBase, Mapped

from storage import tables


class Base(DeclarativeBase):
    metadata = tables.metadata


class Feed(Base):
    __table__ = tables.feeds

    id: Mapped[int]
    url: Mapped[str]
    title: Mapped[str]
    site_url: Mapped[str | None]
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    interval_seconds: Mapped[float | None]
    created_at: Mapped[datetime]
    next_poll_at: Mapped[datetime]
    last_polled_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    first_success_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    last_error_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int]
    disabled: Mapped[bool]
    disabled_reason: Mapped[str | None]
    fetch_articles: Mapped[bool | None]
    warning: Mapped[str | None]


class Item(Base):
    __table__ = tables.items

    id: Mapped[int]
    dedupe_key: Mapped[str]
    url: Mapped[str | None]
    title: Mapped[str]
    summary: Mapped[str]
    content: Mapped[str]
    author: Mapped[str]
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime]
    modified_at: Mapped[datetime | None]
    modified_count: Mapped[int]
    content_hash: Mapped[str]
    article_fetched_at: Mapped[datetime | None]


class ItemSource(Base):
    __table__ = tables.item_sources

    id: Mapped[int]
    item_id: Mapped[int]
    feed_id: Mapped[int]
    guid: Mapped[str]
    guid_hash: Mapped[str]
    content_hash: Mapped[str]
    first_seen_at: Mapped[datetime]


class Meta(Base):
    __table__ = tables.meta

    key: Mapped[str]
    value: Mapped[str]


class MatchRow(Base):
    __table__ = tables.matches

    item_id: Mapped[int]
    matcher_version: Mapped[int]
    allegation: Mapped[bool]
    denial: Mapped[bool]
    official_denial: Mapped[bool]
    score_allegation: Mapped[float]
    score_denial: Mapped[float]
    score_official: Mapped[float]
    accuser: Mapped[str]
    accused: Mapped[str]
    denier: Mapped[str]
    claim: Mapped[str]
    language: Mapped[str]
    evidence: Mapped[str]
    matched_at: Mapped[datetime]
    alerts_queued: Mapped[bool]
    roles_version: Mapped[int]


class Subscription(Base):
    __table__ = tables.subscriptions

    id: Mapped[int]
    platform: Mapped[str]
    chat: Mapped[str]
    thread: Mapped[str]
    query: Mapped[str]
    mode: Mapped[str]
    digest: Mapped[str]
    last_digest_at: Mapped[datetime | None]
    paused: Mapped[bool]
    paused_reason: Mapped[str]
    created_by: Mapped[str]
    created_at: Mapped[datetime]


class OutboxEntry(Base):
    __table__ = tables.outbox

    id: Mapped[int]
    subscription_id: Mapped[int]
    item_id: Mapped[int]
    kind: Mapped[str]
    status: Mapped[str]
    attempts: Mapped[int]
    due_at: Mapped[datetime]
    last_error: Mapped[str | None]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]


class Mute(Base):
    __table__ = tables.mutes

    id: Mapped[int]
    platform: Mapped[str]
    chat: Mapped[str]
    item_id: Mapped[int]
    created_at: Mapped[datetime]
