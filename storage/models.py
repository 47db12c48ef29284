"""SQLAlchemy 2.x typed models.

    feeds          one row per feed URL, however many chats follow it (polled once)
    items          one row per article: same canonical URL from two feeds = one item
    item_sources   which feed carried which item under which guid; the per-feed content hash
                   lives here, so two feeds with different summaries of one article do not
                   flip the item between versions on every poll

Constraint names follow a naming convention so migrations stay readable.

No `from __future__ import annotations` here: the `Mapped[...]` annotations are evaluated
once by Python as each class is made, instead of kept as strings that SQLAlchemy's
declarative scan parses and evaluates again, attribute by attribute (~4 ms of every start).
"""

from datetime import datetime

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
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
        from datetime import UTC

        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        from datetime import UTC

        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Feed(Base):
    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(String(1000), default="")
    site_url: Mapped[str | None] = mapped_column(String(2048))
    etag: Mapped[str | None] = mapped_column(String(1000))
    last_modified: Mapped[str | None] = mapped_column(String(200))
    interval_seconds: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_poll_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    fetch_articles: Mapped[bool | None] = mapped_column(Boolean)  # None: ARTICLE_FETCH
    warning: Mapped[str | None] = mapped_column(Text)  # what the last parse worked around


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # sha256 of the canonical URL (or of feed id + guid when an entry has no link)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    content: Mapped[str] = mapped_column(Text, default="")
    author: Mapped[str] = mapped_column(String(1000), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    modified_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    article_fetched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ItemSource(Base):
    __tablename__ = "item_sources"
    __table_args__ = (
        UniqueConstraint("feed_id", "guid_hash", name="uq_item_sources_feed_guid"),
        Index("ix_item_sources_item_id", "item_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    feed_id: Mapped[int] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(1000))
    guid_hash: Mapped[str] = mapped_column(String(64))
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Meta(Base):
    """Small facts about this installation (e.g. whether the default feeds were added)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")


class MatchRow(Base):
    """The matcher's verdict on one item (re-made when the item changes or the matcher does)."""

    __tablename__ = "matches"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    matcher_version: Mapped[int] = mapped_column(Integer, index=True)
    allegation: Mapped[bool] = mapped_column(Boolean, index=True)
    denial: Mapped[bool] = mapped_column(Boolean, index=True)
    official_denial: Mapped[bool] = mapped_column(Boolean)
    score_allegation: Mapped[float] = mapped_column(Float)
    score_denial: Mapped[float] = mapped_column(Float)
    score_official: Mapped[float] = mapped_column(Float)
    accuser: Mapped[str] = mapped_column(Text, default="")
    accused: Mapped[str] = mapped_column(Text, default="")
    denier: Mapped[str] = mapped_column(Text, default="")
    claim: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    evidence: Mapped[str] = mapped_column(Text, default="[]")  # JSON, as `claimwatch match`
    matched_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # False until alerts for this verdict are queued (bot.delivery.queue_alerts): a crash
    # between judging and queueing is caught up from here on restart.
    alerts_queued: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True
    )
    # Who set accuser / accused / denier: 0 the matcher's rules, else the parser's version
    # (bot.matcher.parser.PARSER_VERSION); the roles stage parses flagged items below it.
    roles_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Subscription(Base):
    """A chat (Telegram chat or topic, Slack channel, or the console) and what it wants."""

    __tablename__ = "subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))  # console | telegram | slack
    chat: Mapped[str] = mapped_column(String(200))  # chat id, @channel, channel id
    thread: Mapped[str] = mapped_column(String(64), default="")  # forum topic / Slack thread
    query: Mapped[str] = mapped_column(Text, default="")
    mode: Mapped[str] = mapped_column(String(16), default="instant")  # instant | digest
    digest: Mapped[str] = mapped_column(String(100), default="")  # bot.digests schedule
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    paused_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OutboxEntry(Base):
    """One message to deliver: (subscription, item, kind) is unique, kind is alert or digest."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("subscription_id", "item_id", "kind", name="uq_outbox_delivery"),
        Index("ix_outbox_status_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16), default="alert")
    # pending | sent | dropped (last_error says why: no longer flagged, muted, refused)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Mute(Base):
    """A chat that asked to hear no more about a story."""

    __tablename__ = "mutes"
    __table_args__ = (UniqueConstraint("platform", "chat", "item_id", name="uq_mutes_story"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    chat: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
