"""The schema as SQLAlchemy Core tables: the one definition of every table and column.

    feeds          one row per feed URL, however many chats follow it (polled once)
    items          one row per article: same canonical URL from two feeds = one item
    item_sources   which feed carried which item under which guid; the per-feed content hash
                   lives here, so two feeds with different summaries of one article do not
                   flip the item between versions on every poll
    meta           small facts about this installation (e.g. whether the default feeds were
                   added)
    matches        the matcher's verdict on one item (re-made when the item changes or the
                   matcher does)
    subscriptions  a chat (Telegram chat or topic, Slack channel, or the console) and what it
                   wants
    outbox         one message to deliver: (subscription, item, kind) is unique, kind is
                   alert or digest
    mutes          a chat that asked to hear no more about a story

Core only, so the code that runs on every poll (storage.feeds, storage.items, ...) reads and
writes these without importing SQLAlchemy's ORM (about a tenth of a re-poll's instructions
went to importing and running it). The ORM classes in storage.models are mapped onto these
same Table objects, so migrations and the rest of the app see one schema.

Constraint names follow a naming convention so migrations stay readable.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData(naming_convention=NAMING_CONVENTION)

# Nullability is spelled out on every column: the ORM used to infer it from each attribute's
# `Mapped[...]` annotation (Optional: NULL allowed), and the schema must stay exactly as the
# migrations made it (tests/test_migrations.py compares the two).

feeds = Table(
    "feeds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", String(2048), nullable=False, unique=True),
    Column("title", String(1000), nullable=False, default=""),
    Column("site_url", String(2048), nullable=True),
    Column("etag", String(1000), nullable=True),
    Column("last_modified", String(200), nullable=True),
    Column("interval_seconds", Float, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("next_poll_at", UTCDateTime, nullable=False, index=True),
    Column("last_polled_at", UTCDateTime, nullable=True),
    Column("last_success_at", UTCDateTime, nullable=True),
    Column("first_success_at", UTCDateTime, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("last_error_at", UTCDateTime, nullable=True),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("disabled_reason", Text, nullable=True),
    Column("fetch_articles", Boolean, nullable=True),  # None: ARTICLE_FETCH
    Column("warning", Text, nullable=True),  # what the last parse worked around
)

items = Table(
    "items",
    metadata,
    Column("id", Integer, primary_key=True),
    # sha256 of the canonical URL (or of feed id + guid when an entry has no link)
    Column("dedupe_key", String(64), nullable=False, unique=True),
    Column("url", String(2048), nullable=True),
    Column("title", Text, nullable=False, default=""),
    Column("summary", Text, nullable=False, default=""),
    Column("content", Text, nullable=False, default=""),
    Column("author", String(1000), nullable=False, default=""),
    Column("published_at", UTCDateTime, nullable=True, index=True),
    Column("updated_at", UTCDateTime, nullable=True),
    Column("first_seen_at", UTCDateTime, nullable=False, index=True),
    Column("modified_at", UTCDateTime, nullable=True),
    Column("modified_count", Integer, nullable=False, default=0),
    Column("content_hash", String(64), nullable=False),
    Column("article_fetched_at", UTCDateTime, nullable=True),
)

item_sources = Table(
    "item_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("feed_id", Integer, ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False),
    Column("guid", String(1000), nullable=False),
    Column("guid_hash", String(64), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("first_seen_at", UTCDateTime, nullable=False),
    UniqueConstraint("feed_id", "guid_hash", name="uq_item_sources_feed_guid"),
    Index("ix_item_sources_item_id", "item_id"),
)

meta = Table(
    "meta",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False, default=""),
)

matches = Table(
    "matches",
    metadata,
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True),
    Column("matcher_version", Integer, nullable=False, index=True),
    Column("allegation", Boolean, nullable=False, index=True),
    Column("denial", Boolean, nullable=False, index=True),
    Column("official_denial", Boolean, nullable=False),
    Column("score_allegation", Float, nullable=False),
    Column("score_denial", Float, nullable=False),
    Column("score_official", Float, nullable=False),
    Column("accuser", Text, nullable=False, default=""),
    Column("accused", Text, nullable=False, default=""),
    Column("denier", Text, nullable=False, default=""),
    Column("claim", Text, nullable=False, default=""),
    Column("language", String(8), nullable=False, default="en"),
    Column("evidence", Text, nullable=False, default="[]"),  # JSON, as `claimwatch match`
    Column("matched_at", UTCDateTime, nullable=False),
    # False until alerts for this verdict are queued (bot.delivery.queue_alerts): a crash
    # between judging and queueing is caught up from here on restart.
    Column(
        "alerts_queued",
        Boolean,
        nullable=False,
        default=False,
        server_default=false(),
        index=True,
    ),
    # Who set accuser / accused / denier: 0 the matcher's rules, else the parser's version
    # (bot.matcher.parser.PARSER_VERSION); the roles stage parses flagged items below it.
    Column("roles_version", Integer, nullable=False, default=0, server_default="0"),
)

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),  # console | telegram | slack
    Column("chat", String(200), nullable=False),  # chat id, @channel, channel id
    Column("thread", String(64), nullable=False, default=""),  # forum topic / Slack thread
    Column("query", Text, nullable=False, default=""),
    Column("mode", String(16), nullable=False, default="instant"),  # instant | digest
    Column("digest", String(100), nullable=False, default=""),  # bot.digests schedule
    Column("last_digest_at", UTCDateTime, nullable=True),
    Column("paused", Boolean, nullable=False, default=False),
    Column("paused_reason", Text, nullable=False, default="", server_default=""),
    Column("created_by", String(200), nullable=False, default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "subscription_id",
        Integer,
        ForeignKey("subscriptions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(16), nullable=False, default="alert"),
    # pending | sent | dropped (last_error says why: no longer flagged, muted, refused)
    Column("status", String(16), nullable=False, default="pending"),
    Column("attempts", Integer, nullable=False, default=0),
    Column("due_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
    UniqueConstraint("subscription_id", "item_id", "kind", name="uq_outbox_delivery"),
    Index("ix_outbox_status_due", "status", "due_at"),
)

mutes = Table(
    "mutes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(16), nullable=False),
    Column("chat", String(200), nullable=False),
    Column("item_id", Integer, ForeignKey("items.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "chat", "item_id", name="uq_mutes_story"),
)
