"""Sentences, their words and quoted spans, with offsets into the original field (pure)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, Self, TypeVar, overload

MAX_FIELD = 200_000  # characters of one field the matcher reads (articles are far shorter)

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
# `_WORD` for ASCII text: the same words, found about twice as fast (character ranges, not
# Unicode categories; and ASCII holds no ’)
ASCII_WORD = re.compile(r"[A-Za-z0-9]+(?:'[A-Za-z0-9]+)*")
# Where sentences meet: after . ! ? or …, closing quotes and spaces before a capital or a
# digit, a line break, or two dashes; and line breaks anywhere. Each match opens with the stop
# or the line break, so the regex engine skips from one of those characters to the next
# instead of trying every position (about 5x faster); the boundary is the group that matched,
# or for line breaks with no stop before them the whole match (`_boundary`).
_BOUNDARY = re.compile(
    r"[.!?…\n](?:(?<=[.!?…])(?:([\"'”’»)]*\s+)(?=[\"'“‘«(]*[A-ZА-ЯЁІЇЄҐ0-9])|(\n+)"
    r"|(?<=[.!?])(\s*[-–—]{2}\s*))|(?<=\n)\n*)"
)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st gen sen rep gov lt col capt maj sgt inc corp co ltd jr sr vs no jan feb mar "
    "apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u a.m p.m dept prof rev fig approx "
    "est".split()
)
# every quote `_QUOTES` finds opens with one of these (most sentences hold none)
_QUOTE_OPENERS = ("“", '"', "«", "„", "'", "‘")
_QUOTES = re.compile(
    r"“[^”\n]{1,800}”|\"[^\"\n]{1,800}\"|«[^»\n]{1,800}»|„[^“”\n]{1,800}[“”]"
    r"|(?<!\w)['‘][^'‘’\n]{2,300}['’](?!\w)"
)


_T = TypeVar("_T")


class _once(Generic[_T]):  # a decorator, named like functools.cached_property
    """functools.cached_property without the lock Python 3.11 takes on each first read (a
    sentence is read by one thread; Python 3.12 dropped the lock): the value is computed on
    first read and kept in the instance's __dict__, where later reads find it first. A
    sentence's words are read a few times per item, so the lock was a cost of every item."""

    def __init__(self, compute: Callable[[Any], _T]) -> None:
        self._compute = compute
        self._name = compute.__name__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object, owner: type | None = None) -> _T | Self:
        if instance is None:
            return self
        value = instance.__dict__[self._name] = self._compute(instance)
        return value


@dataclass(eq=False)
class Sentence:
    """One sentence of a field; its words, their places and its quotes are computed on first
    use (most sentences never need them: the lexical gate skips sentences without a cue
    word)."""

    field: str  # "title" | "text"
    index: int  # position in its field
    start: int  # offset in the field
    end: int
    text: str

    @_once
    def quotes(self) -> tuple[tuple[int, int], ...]:
        text = self.text
        if not any(opener in text for opener in _QUOTE_OPENERS):
            return ()
        return tuple((m.start(), m.end()) for m in _QUOTES.finditer(text))

    @_once
    def spans(self) -> list[tuple[int, int]]:
        """(start, end) in the sentence of each of `words` (the same matches): read only for
        the few cues that need a word's place, so no sentence builds a token per word."""
        if self.text.isascii():  # lower-casing ASCII keeps every offset
            return [m.span() for m in ASCII_WORD.finditer(self.lower)]
        return [m.span() for m in _WORD.finditer(self.text)]

    def capitalised(self, i: int) -> bool:
        """Whether word i begins with a capital letter as the text writes it."""
        start = self.spans[i][0]
        return self.text[start : start + 1].isupper()

    def quoted(self, i: int) -> bool:
        """Whether word i stands inside one of `quotes`."""
        return bool(self.quotes) and _inside(self.quotes, self._quote_opens, self.spans[i][0])

    @_once
    def _quote_opens(self) -> list[int]:
        # quotes come in order and never overlap: the one that may hold a word is the last
        # that opens before it (a bisection, not a scan of every quote for every word)
        return [a for a, _ in self.quotes]

    @_once
    def words(self) -> list[str]:
        """The sentence's words, lower-cased, ’ written '."""
        if self.text.isascii():
            # lower-casing ASCII changes no word's bounds, and there is no ’ to replace: the
            # words of the lower-cased sentence are these words
            return ASCII_WORD.findall(self.lower)
        return [w.lower().replace("’", "'") for w in _WORD.findall(self.text)]

    @_once
    def lower(self) -> str:
        return self.text.lower()

    @_once
    def word_set(self) -> frozenset[str]:
        if self.text.isascii():
            return frozenset(self.words)  # the same words, read once (see `words`)
        return frozenset(_WORD.findall(self.lower))


def _inside(quotes: tuple[tuple[int, int], ...], opens: list[int], at: int) -> bool:
    n = bisect.bisect_left(opens, at) - 1
    return n >= 0 and at < quotes[n][1]


def _boundary(match: re.Match[str]) -> tuple[int, int]:
    """Where the boundary a `_BOUNDARY` match found starts and ends (after the stop)."""
    return match.span(match.lastindex or 0)


def _split_points(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        at, end = _boundary(match)
        if text[at:end].isspace():  # (dashes always split) is the stop an abbreviation's?
            before = text[start:at].rsplit(None, 1)
            last = before[-1].lower().rstrip(".") if before else ""
            if last in _ABBREVIATIONS:
                continue
            if len(last) == 1 and last.isalpha():
                continue  # an initial: "John F. Kennedy"
        spans.append((start, at))
        start = end
    spans.append((start, len(text)))
    return spans


def sentences(field: str, text: str) -> list[Sentence]:
    """Split one field into sentences (their words and quotes are read on first use)."""
    text = text[:MAX_FIELD]
    result: list[Sentence] = []
    for start, end in _split_points(text):
        chunk = text[start:end]
        stripped = chunk.strip()
        if not stripped:
            continue
        offset = start + (len(chunk) - len(chunk.lstrip()))
        result.append(Sentence(field, len(result), offset, offset + len(stripped), stripped))
    return result
