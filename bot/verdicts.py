"""A verdict as it is stored: the matcher's result reduced to the columns of one `matches`
row (pure; no SQLAlchemy, so the parse workers can use it).

A plain tuple of strings, floats and booleans crosses the process boundary ~15x cheaper than
a MatchResult with its Evidence dataclasses (pickling those was a tenth of a first ingest),
and the evidence JSON is written where the verdict is made, in the workers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.matcher.model import MatchResult

# The matcher's version (re-exported as bot.matcher.MATCHER_VERSION). Bump it when the rules
# or the model change: stored verdicts of older versions are re-made by `claimwatch rematch`
# and by the pipeline as items come up. It lives here, with the stored verdict, so that code
# that only reads or counts verdicts (a poll whose feeds bring nothing new) never imports the
# matcher (~330 M instructions, 8 % of a re-poll of 1,000 feeds).
MATCHER_VERSION = 12

# allegation, denial, official denial, their three scores, accuser, accused, denier, claim,
# language, evidence (JSON, as `claimwatch match` writes it)
VerdictRow = tuple[bool, bool, bool, float, float, float, str, str, str, str, str, str]

COLUMNS = (
    "allegation",
    "denial",
    "official_denial",
    "score_allegation",
    "score_denial",
    "score_official",
    "accuser",
    "accused",
    "denier",
    "claim",
    "language",
    "evidence",
)


# json.dumps(..., ensure_ascii=False) builds a new encoder on every call; one kept encoder
# writes the same JSON
_JSON = json.JSONEncoder(ensure_ascii=False)


def verdict_row(result: MatchResult) -> VerdictRow:
    """The stored columns of `result` (what MatchRepository.save writes)."""
    scores = result.scores
    evidence = [
        {
            "label": e.label,
            "field": e.field,
            "start": e.start,
            "end": e.end,
            "text": e.text,
            "reason": e.reason,
        }
        for e in result.evidence
    ]
    return (
        result.allegation,
        result.denial,
        result.official_denial,
        scores.get("allegation", 0.0),
        scores.get("denial", 0.0),
        scores.get("official_denial", 0.0),
        result.accuser,
        result.accused,
        result.denier,
        result.claim,
        result.language,
        _JSON.encode(evidence) if evidence else "[]",
    )


def flags(row: VerdictRow) -> tuple[bool, bool, bool]:
    """(allegation, denial, official denial) of a stored verdict."""
    return row[0], row[1], row[2]
