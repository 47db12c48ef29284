"""Meta repository: small facts about this installation, one row per key (e.g. that the
default feeds were added once, so removing them all does not bring them back).

Callers own the transaction: pass a Session or a Core Connection.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from storage.db import Executor
from storage.tables import meta as META


class MetaRepository:
    def __init__(self, executor: Executor) -> None:
        self.sql = executor

    def get(self, key: str) -> str | None:
        value = self.sql.scalar(select(META.c.value).where(META.c.key == key))
        return None if value is None else str(value)

    def claim(self, key: str, value: str) -> bool:
        """Record `key` (with `value`) unless it is recorded already. Returns whether this
        call recorded it: a one-time step runs only when it does."""
        if self.get(key) is not None:
            return False
        self.sql.execute(insert(META).values(key=key, value=value))
        return True
