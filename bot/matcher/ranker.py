"""The role ranker: picks each party of a flagged item among the parties its parsed sentences
name (pure scoring; the parser assembles the candidates).

The parser's syntax rules name one accuser, accused and denier each; often they name nobody,
or the other side. The ranker looks at every party the evidence sentences, the headline and
the lead name (noun chunks and named entities, as the text names them at their fullest),
describes each by its place in the parse (subject of a deny or accuse verb, object of "by",
"against", a possessive of "denial" …), where it is (headline, lead, evidence), how often the
text names it, whether the syntax rules picked it, and scores it with one logistic regression
per role. The highest score wins; the syntax rules' pick stays where no model is shipped.

A denial in the article's own voice (a fact-check calling a viral story a hoax) has no
speaker in its sentence: the `SELF` candidate ("the reporting outlet") stands for the outlet,
and alerts name the source there.

The weights live in `data/roles.json` (written by `scripts/train_matcher.py --roles`), read
once per process.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from bot.matcher import lexicon as lx
from bot.matcher import syntax
from bot.types import REPORTING_OUTLET

ROLES = ("accuser", "accused", "denier")
SELF = REPORTING_OUTLET
PARTY_ENTS = frozenset("PERSON ORG GPE NORP FAC".split())

Token = Any


def same_party(one: str, other: str) -> bool:
    """The two name the same party: they share a content word ("Russian embassy" ~ "the
    embassy"), punctuation aside ("Parmalat," ~ "Parmalat"); a two-letter abbreviation in
    capitals is a content word ("U.S." ~ "US government"). `claimwatch eval` scores roles
    with this test."""
    return bool(_content_words(one) & _content_words(other))


def same_head(one: str, other: str) -> bool:
    """The two are one party by their head word ("Yukos" ~ "Russian energy giant Yukos",
    "Microsoft" ~ "Microsoft Corp.", "the embassy" ~ "Russian embassy in Washington"), not
    two that only share a word ("Princess Diana" and "former bodyguard of Princess Diana",
    "French" and "French competition authorities")."""
    a, b = head_word(one), head_word(other)
    return bool(a) and a == b


_HEAD_END = re.compile(r",|\(|\s(?:of|in|for|at|from|on|with|who|which|that)\s", re.IGNORECASE)
_LEGAL_FORMS = frozenset("inc corp corporation co ltd llc plc ag gmbh sa nv cos group".split())


@lru_cache(maxsize=4_096)
def head_word(phrase: str) -> str:
    """A phrase's head: its last content word before a modifier ("of the US", ", the attorney
    general"), a company's legal form aside, in the singular. The whole word: a stem would
    make one party of "Niger" and "Nigeria", "governor" and "government"."""
    end = _HEAD_END.search(phrase)
    words = [w.lower() for w in _content_words_in_order(phrase[: end.start()] if end else phrase)]
    while len(words) > 1 and words[-1].rstrip(".") in _LEGAL_FORMS:
        words.pop()
    if not words:
        return ""
    head = words[-1]
    return head[:-1] if len(head) > 3 and head.endswith("s") and not head.endswith("ss") else head


def _covers(one: str, other: str) -> bool:
    """One of the two names the whole of the other (by stem): "embassy" and "Russian
    embassy in Berlin", "Russia's military" and "Russian military"; not "Russian military"
    and "Russian embassy in Berlin", which only share a word."""
    a, b = _stems(one), _stems(other)
    return bool(a and b) and (a <= b or b <= a)


def _stems(phrase: str) -> frozenset[str]:
    return frozenset(w[:5] for w in _content_words(phrase))


@lru_cache(maxsize=4_096)
def _content_words(phrase: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _content_words_in_order(phrase))


def _content_words_in_order(phrase: str) -> list[str]:
    words = re.findall(r"[^\W_]+(?:['’&][^\W_]+)*", re.sub(r"(?<=\b[A-Z])\.", "", phrase))
    words = [w.removesuffix("'s").removesuffix("’s") for w in words]  # "Iraq's" ~ "Iraq"
    return [
        w
        for w in words
        if (len(w) > 2 and w.lower() not in _FUNCTION_WORDS) or (len(w) == 2 and w.isupper())
    ]


# no content words: "the embassy" and "the ministry" are not the same party
_FUNCTION_WORDS = frozenset(
    "the and for with from into onto its his her their our your who whom whose which that "
    "this these those has have had was were are not nor but all any some per via than them "
    "they she him".split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """A party an item's parsed sentences name; `official` as `syntax.official` says of its
    first mention (None: cannot tell)."""

    text: str
    features: frozenset[str]
    official: bool | None = None


def cue_class(token: Token) -> str:
    """What a governing word does: deny, call (… lies), accuse, say, plea, claim (a claim
    noun), eval (lies, hoax); else its part of speech."""
    lemma = str(token.lemma_).lower()
    if lemma in syntax.DENY_VERBS or lemma in syntax.DENY_NOUNS:
        return "deny"
    if lemma in syntax.CALL_VERBS:
        return "call"
    if lemma in syntax.ACCUSE_VERBS or lemma in syntax.ACCUSE_NOUNS:
        return "accuse"
    if lemma in syntax.SAY_VERBS:
        return "say"
    if lemma in syntax.PLEA_VERBS:
        return "plea"
    if lemma in lx.CLAIM_NOUNS:
        return "claim"
    if lemma in syntax.EVALUATIVE:
        return "eval"
    return str(token.pos_)


_CUES = frozenset(("deny", "accuse", "call", "plea"))


def first_cue(doc: Any) -> Token | None:
    """The first deny, call, accuse or plea word of a parse."""
    return next((t for t in doc if cue_class(t) in _CUES), None)


def mention_features(head: Token, kind: str, cue: Token | None) -> set[str]:
    """Features of one mention: `head` heads the party's phrase; `kind` is where its sentence
    is ("title", "lead", "evd"/"eva": a denial/allegation evidence sentence, "…t" in the
    headline); `cue` is the sentence's `first_cue`."""
    dep = str(head.dep_)
    governor = head.head
    found = {
        f"dep:{dep}",
        f"{kind}:dep:{dep}",
        f"dh:{dep}:{cue_class(governor)}",
        f"{kind}:dh:{dep}:{cue_class(governor)}",
        f"doc:{kind}",
        f"hw:{str(head.lemma_).lower()}",
    }
    if dep == "pobj":
        found.add(f"prep:{str(governor.lemma_).lower()}:{cue_class(governor.head)}")
    elif dep in ("poss", "compound", "amod"):
        found.add(f"mod:{dep}:{cue_class(governor)}")
    elif dep == "appos":
        found.add(f"appos:{governor.dep_}:{cue_class(governor.head)}")
    if head.ent_type_:
        found.add(f"ent:{head.ent_type_}")
        found.add(f"{kind}:ent:{head.ent_type_}")
        found.add(f"dh:{dep}:{cue_class(governor)}:ent")

    if dep.startswith("nsubj") and governor.dep_ == "ROOT":
        found.add("rootsubj")
    if cue is not None:
        side = "before" if head.i < cue.i else "after"
        found.add(f"side:{kind}:{side}:{cue_class(cue)}")
    return found


def item_features(
    text: str, first: int, picks: dict[str, str], rules: dict[str, str], context: str
) -> set[str]:
    """Features of a candidate as a whole: which role the syntax rules (`picks`) and the
    surface rules (`rules`) gave it, how often the text names its head word, its rank among
    the candidates in order of first mention, its length."""
    found = set()
    for role in ROLES:
        # the same party as the pick names it whole: not "Russian military" for "Russian
        # embassy in Berlin", which only share a word
        if picks.get(role) and _covers(picks[role], text):
            found.add(f"pick:{role}")
            if picks[role].lower() == text.lower():
                found.add(f"exact:{role}")
        if rules.get(role) and _covers(rules[role], text):
            found.add(f"rule:{role}")
    words = text.split() or [text]
    found.add(f"freq:{min(context.lower().count(words[-1].lower()), 6)}")
    found.add(f"order:{min(first, 5)}")
    found.add(f"len:{min(len(words), 4)}")
    if text[:1].isupper():
        found.add("cap")
    return found


def self_features(kind: str, reasons: Iterable[str], flags: Iterable[str]) -> frozenset[str]:
    """Features of the SELF candidate: the item's kind, the denial rules that fired, and
    `flags` (no evidence sentence parsed, no denier found, no headline)."""
    return frozenset(
        {"self", f"self:{kind}", *(f"self:r:{r}" for r in reasons), *(f"self:{f}" for f in flags)}
    )


@dataclass(frozen=True, slots=True)
class RankModel:
    """Weights per role (feature -> weight; a candidate's score is the sum of its own)."""

    weights: dict[str, dict[str, float]]
    meta: dict[str, Any]

    def score(self, role: str, candidate: Candidate) -> float:
        weights = self.weights.get(role, {})
        return sum(weights.get(name, 0.0) for name in candidate.features)

    def choose(self, role: str, candidates: Sequence[Candidate]) -> Candidate | None:
        """The best-scoring candidate (the first of equals), None when there are none."""
        best: Candidate | None = None
        best_score = -math.inf
        for candidate in candidates:
            score = self.score(role, candidate)
            if score > best_score:
                best, best_score = candidate, score
        return best

    def as_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "weights": {
                role: {k: round(v, 4) for k, v in sorted(w.items()) if round(v, 4)}
                for role, w in self.weights.items()
            },
        }


def from_json(data: dict[str, Any]) -> RankModel:
    """Raises ValueError when the data is not a ranker of every role."""
    try:
        weights = {
            role: {str(k): float(v) for k, v in data["weights"][role].items()} for role in ROLES
        }
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"not a role ranker: {exc}") from None
    return RankModel(weights=weights, meta=dict(data.get("meta", {})))


@lru_cache(maxsize=1)
def shipped() -> RankModel | None:
    """The ranker in the package (read once); None when the package ships none."""
    path = resources.files("bot.matcher").joinpath("data/roles.json")
    if not path.is_file():
        return None
    return from_json(json.loads(path.read_text("utf-8")))
