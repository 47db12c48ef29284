"""The matcher stage of the pipeline: judge every stored item that has no current verdict,
then parse the parties of the newly flagged ones.

    storage (items) -> pending -> match() (worker processes for big batches) -> matches
    matches (flagged, rule parties) -> parse_roles() (spaCy, a worker thread) -> matches
    (at once for what may be alerted; a feed's first-poll backfill a batch per tick)

Runs after each poll (and on `claimwatch rematch`); each batch is one transaction, so an
interrupted run simply resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from bot.alerts import is_backfill
from bot.clock import utcnow
from bot.config import Settings
from bot.offload import blocking
from bot.types import FlaggedItem
from bot.verdicts import MATCHER_VERSION
from storage.db import Database
from storage.matches import MatchRepository

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from bot.matcher import MatchResult

BATCH = 500
POOL_MIN_ITEMS = 2_000  # below this, starting worker processes costs more than it saves
ROLES_BATCH = 200  # flagged items whose evidence sentences go to the parser at once


@dataclass(frozen=True, slots=True)
class MatchReport:
    matched: int = 0
    allegations: int = 0
    denials: int = 0
    official_denials: int = 0
    flagged_item_ids: tuple[int, ...] = ()
    articles_read: int = 0
    roles_parsed: int = 0


def _judge(batch: list[tuple[int, str, str]]) -> list[tuple[int, MatchResult]]:
    # imported where items are judged: a poll with nothing new never loads the matcher
    from bot.matcher import MatchInput, match

    return [(item_id, match(MatchInput(title=title, text=text))) for item_id, title, text in batch]


def _pool(workers: int, pending: int) -> ProcessPoolExecutor | None:
    if workers <= 0 or pending < POOL_MIN_ITEMS:
        return None
    from bot.parsepool import worker_pool

    return worker_pool(workers)


def match_pending(
    db: Database,
    *,
    workers: int = 0,
    progress: Callable[[int], None] | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> MatchReport:
    """Judge every pending item; returns what was found. Raises StorageError."""
    matched = allegations = denials = official = 0
    flagged: list[int] = []
    with db.connection() as connection:
        pending = MatchRepository(connection).count_pending(MATCHER_VERSION)
    if not pending:  # every re-poll: spare the query for a first batch that is empty
        return MatchReport()
    pool = _pool(workers, pending)
    try:
        while True:
            with db.connection() as connection:
                matches = MatchRepository(connection)
                batch = matches.pending(MATCHER_VERSION, BATCH * max(workers, 1))
            if not batch:
                break
            if pool is not None:
                chunks = [batch[i : i + BATCH] for i in range(0, len(batch), BATCH)]
                results = [r for part in pool.map(_judge, chunks) for r in part]
            else:
                results = _judge(batch)
            with db.connection() as connection:
                MatchRepository(connection).save(results, MATCHER_VERSION, clock())
            for item_id, result in results:
                matched += 1
                allegations += result.allegation
                denials += result.denial
                official += result.official_denial
                if result.allegation or result.denial:
                    flagged.append(item_id)
            if progress is not None:
                progress(matched)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return MatchReport(matched, allegations, denials, official, tuple(flagged))


def store_parsed_roles(
    db: Database,
    *,
    item_ids: Sequence[int] | None = None,
    limit: int | None = None,
    package: str | None = None,
) -> int:
    """Parse the parties of the flagged verdicts the current parser has not seen (all, or
    those of `item_ids`, at most `limit`; their evidence sentences, ROLES_BATCH items at a
    time) and store them over the rule ones; returns how many verdicts got parsed parties.
    Where the parser cannot be loaded, nothing changes (the rule parties stand; the parser
    logged why, once). `package`: the parser's model (default: the one it ships with).
    Raises StorageError."""
    # imported here, not at the top: a poll with nothing to alert never needs the parser
    from bot.matcher.parser import MODEL_PACKAGE, PARSER_VERSION, parse_roles

    stored = after = 0
    while limit is None or stored < limit:
        size = ROLES_BATCH if limit is None else min(ROLES_BATCH, limit - stored)
        with db.connection() as connection:
            batch = MatchRepository(connection).unparsed(PARSER_VERSION, size, after, item_ids)
        if not batch:
            return stored
        roles = parse_roles(
            [(context, result) for _, _, context, result in batch],
            MODEL_PACKAGE if package is None else package,
        )
        if roles is None:
            return stored
        with db.connection() as connection:
            MatchRepository(connection).store_roles(
                [
                    (item_id, version, r.accuser, r.accused, r.denier)
                    for (item_id, version, _, _), r in zip(batch, roles, strict=True)
                ],
                PARSER_VERSION,
            )
        stored += len(batch)
        after = batch[-1][0]
    return stored


async def parse_new_roles(
    db: Database, flagged_item_ids: Sequence[int], *, drain: bool = True
) -> int:
    """The roles stage: parse the parties of the newly flagged items that may be alerted or
    digested now (not a feed's first-poll backfill, which is stored silently), then, with
    `drain`, one batch of the older backlog (backfill, verdicts from before the parser), so
    it drains a little every tick of `claimwatch run` without holding one up. A one-off
    `poll` does not drain: it parses only what it may alert about, so it loads the parser
    only then. In a worker thread; returns how many were parsed."""
    urgent = await blocking(_alertable, db, list(flagged_item_ids))
    parsed = await blocking(store_parsed_roles, db, item_ids=urgent) if urgent else 0
    if drain:
        parsed += await blocking(store_parsed_roles, db, limit=ROLES_BATCH)
    return parsed


async def match_pending_async(db: Database, *, workers: int = 0) -> MatchReport:
    """match_pending in a worker thread, so the event loop keeps serving."""
    return await blocking(match_pending, db, workers=workers)


async def judge_new(
    db: Database,
    settings: Settings,
    *,
    flagged_in_poll: Sequence[int] = (),
    drain_roles: bool = True,
) -> MatchReport:
    """Judge what is pending; read borderline short items in full and judge those again;
    parse the parties of what is newly flagged (`flagged_in_poll`: what the poll's workers
    already judged and flagged, see bot.poller). The counts are those of this stage's final
    verdicts: an item judged twice counts once.
    """
    first = await match_pending_async(db, workers=settings.parse_workers)
    read = 0
    if first.matched or flagged_in_poll:  # something was judged: read the borderline ones
        from bot.articles import enrich_borderline

        read = await enrich_borderline(db, settings)
    if not read:
        parsed = await parse_new_roles(
            db, [*flagged_in_poll, *first.flagged_item_ids], drain=drain_roles
        )
        return replace(first, roles_parsed=parsed)
    second = await match_pending_async(db, workers=settings.parse_workers)
    parsed = await parse_new_roles(
        db,
        list(dict.fromkeys([*flagged_in_poll, *first.flagged_item_ids, *second.flagged_item_ids])),
        drain=drain_roles,
    )
    flagged = await blocking(
        _flagged, db, list(dict.fromkeys(first.flagged_item_ids + second.flagged_item_ids))
    )
    return MatchReport(
        matched=first.matched,
        allegations=sum(f.allegation for f in flagged),
        denials=sum(f.denial for f in flagged),
        official_denials=sum(f.official_denial for f in flagged),
        flagged_item_ids=tuple(f.item_id for f in flagged),
        articles_read=read,
        roles_parsed=parsed,
    )


def _alertable(db: Database, item_ids: list[int]) -> list[int]:
    """Those of `item_ids` that may be alerted (not a first poll's backfill), read a batch at
    a time so a first ingest's thousands of verdicts never sit in memory at once."""
    found: list[int] = []
    for start in range(0, len(item_ids), BATCH):
        with db.connection() as connection:
            batch = MatchRepository(connection).sightings(item_ids[start : start + BATCH])
        found += [s.item_id for s in batch if not is_backfill(s)]
    return found


def _flagged(db: Database, item_ids: list[int]) -> list[FlaggedItem]:
    with db.connection() as connection:
        return MatchRepository(connection).flagged(item_ids)


def rematch(
    db: Database, *, workers: int = 0, progress: Callable[[int], None] | None = None
) -> MatchReport:
    """Judge every stored item again (after a matcher upgrade)."""
    with db.connection() as connection:
        MatchRepository(connection).outdate_all()
    report = match_pending(db, workers=workers, progress=progress)
    return replace(report, roles_parsed=store_parsed_roles(db))
