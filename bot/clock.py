"""The one real clock. Everything that needs the time takes a `clock` argument defaulting to
`utcnow`, so tests pass a fake one instead."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
