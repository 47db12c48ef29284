"""The subscription query language: safe (no regular expressions from users), small, pure.

    ukraine russia              both words
    "other-worldly lies"        the phrase
    kremlin OR moscow           either
    -sport -"transfer window"   neither
    label:denial                allegation | denial | official | disputed (allegation + denial)
    actor:russia                in who alleged, who is accused or who denied
    lang:ru                     the article's language
    feed:kyiv                   the feed's title or URL contains it

No terms means everything flagged. `parse()` raises QueryError with one line a user can act
on; `Query.matches()` decides for one flagged item.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.errors import ClaimwatchError
from bot.types import FlaggedItem

MAX_QUERY = 500
MAX_TERMS = 30
LABELS = ("allegation", "denial", "official", "disputed")
_TOKEN = re.compile(r'(-?)(?:(\w+):)?(?:"([^"]*)"|(\S+))')
_WORD = re.compile(r"\w+")


class QueryError(ClaimwatchError):
    """The query cannot be understood; the message says why, in one line."""


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


@dataclass(frozen=True, slots=True)
class Candidate:
    """What a query looks at in one flagged item."""

    text: str  # title + summary (+ claim)
    allegation: bool
    denial: bool
    official_denial: bool
    actors: str  # accuser, accused, denier
    language: str
    feeds: str  # feed titles and URLs


@dataclass(frozen=True, slots=True)
class Query:
    """Groups are ANDed; the alternatives inside a group are ORed."""

    groups: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    source: str = field(default="", compare=False)

    def matches(self, item: Candidate) -> bool:
        if not (item.allegation or item.denial):
            return False
        text = f" {_norm(item.text)} "
        words = set(_WORD.findall(text))
        if any(_contains(text, words, term) for term in self.excluded):
            return False
        if not all(any(_contains(text, words, t) for t in group) for group in self.groups):
            return False
        if self.labels and not all(_has_label(item, label) for label in self.labels):
            return False
        actors = _norm(item.actors)
        if not all(actor in actors for actor in self.actors):
            return False
        if self.languages and item.language not in self.languages:
            return False
        feeds = _norm(item.feeds)
        return all(feed in feeds for feed in self.feeds)

    def describe(self) -> str:
        return self.source or "everything flagged"


def _contains(text: str, words: set[str], term: str) -> bool:
    if " " in term or not term.isalnum():
        return f" {term} " in text or term in text
    return term in words


def _has_label(item: Candidate, label: str) -> bool:
    if label == "allegation":
        return item.allegation
    if label == "denial":
        return item.denial
    if label == "official":
        return item.official_denial
    return item.allegation and item.denial  # disputed


def parse(query: str) -> Query:
    """Parse a query. Raises QueryError."""
    source = " ".join(query.split())
    if len(source) > MAX_QUERY:
        raise QueryError(f"the query is longer than {MAX_QUERY} characters")
    if source.count('"') % 2:
        raise QueryError('a quoted phrase is not closed: add the missing "')
    groups: list[list[str]] = []
    excluded: list[str] = []
    filters: dict[str, list[str]] = {"label": [], "actor": [], "lang": [], "feed": []}
    join_next = False
    terms = 0
    for match in _TOKEN.finditer(source):
        negative, key, phrase, word = match.groups()
        raw = phrase if phrase is not None else word
        if key is None and phrase is None and word == "OR" and not negative:
            if not groups or join_next:
                raise QueryError("OR needs a term on each side, e.g. kremlin OR moscow")
            join_next = True
            continue
        if key is None and phrase is None:
            _refuse_odd_word(word)
        value = _norm(raw)
        if not value or not _WORD.search(value):
            raise QueryError(f"{match.group(0)!r} has nothing to search for")
        terms += 1
        if terms > MAX_TERMS:
            raise QueryError(f"a query can hold at most {MAX_TERMS} terms")
        if key is not None:
            key = key.lower()
            if key not in filters:
                raise QueryError(f"unknown filter {key}:, use label:, actor:, lang: or feed:")
            if negative:
                raise QueryError(f"filters cannot be excluded (-{key}:)")
            if key == "label" and value not in LABELS:
                raise QueryError(f"label:{value} is not one of {', '.join(LABELS)}")
            filters[key].append(value)
            continue
        if negative:
            excluded.append(value)
            continue
        if join_next:
            groups[-1].append(value)
            join_next = False
        else:
            groups.append([value])
    if join_next:
        raise QueryError("OR needs a term on each side, e.g. kremlin OR moscow")
    return Query(
        groups=tuple(tuple(g) for g in groups),
        excluded=tuple(excluded),
        labels=tuple(filters["label"]),
        actors=tuple(filters["actor"]),
        languages=tuple(filters["lang"]),
        feeds=tuple(filters["feed"]),
        source=source,
    )


def _refuse_odd_word(word: str) -> None:
    """Words that look like syntax the language does not have: they would never match."""
    bare = word.lstrip("-")
    name = bare[:-1].lower()
    if bare.endswith(":") and name in ("label", "actor", "lang", "feed"):
        example = {"label": "label:denial", "actor": "actor:russia", "lang": "lang:ru"}
        raise QueryError(f"{bare} needs a value, e.g. {example.get(name, 'feed:kyiv')}")
    if any(ch in word for ch in "()[]{}"):
        words = " ".join(re.sub(r"[()\[\]{}]", " ", word).split()) or "the words"
        raise QueryError(
            f"{word!r}: brackets do not group terms; write {words} "
            '(alternatives: kremlin OR moscow; exact words: "a phrase")'
        )


def candidate(item: FlaggedItem) -> Candidate:
    """What a query sees of a stored flagged item."""
    return Candidate(
        text=f"{item.title}\n{item.summary}\n{item.claim}",
        allegation=item.allegation,
        denial=item.denial,
        official_denial=item.official_denial,
        actors=f"{item.accuser}\n{item.accused}\n{item.denier}",
        language=item.language,
        feeds="\n".join(item.feeds),
    )
