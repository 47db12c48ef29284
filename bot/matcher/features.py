"""What the classifier sees of an item: the cue rules that fired, where, how strongly, who the
denier looks like, and (for the labels whose model uses them) the words of the item (pure).

A feature is a name and a value; absent features are 0. Names are stable strings, so a model
file written by `scripts/train_matcher.py` can be read back without the training library.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable
from functools import lru_cache

from bot.matcher import lexicon as lx
from bot.matcher.english import Cue
from bot.matcher.segment import Sentence

WORDS_TEXT_CHARS = 3000  # how much of a text its words are read from (the lead tells most)
_LEAD_SENTENCES = 3
_WORD_CHARS = re.compile(r"[a-z]+(?:'[a-z]+)?")


def position(sentence: Sentence) -> str:
    """'title', 'lead' (the first sentences of the text) or 'body'."""
    if sentence.field == "title":
        return "title"
    return "lead" if sentence.index < _LEAD_SENTENCES else "body"


@lru_cache(maxsize=1024)  # few reasons, asked of every cue
def family(reason: str) -> str:
    """The rule behind a reason without its word: 'evaluative:lies' -> 'evaluative',
    'dismissed+claim-noun' -> 'reject+claim-noun', '-deny:negated' -> 'deny:negated'."""
    reason = reason.lstrip("-")
    head, sep, tail = reason.partition("+")
    if sep and head in lx.REJECT:
        return f"reject+{tail}"
    if ":" in reason and not reason.startswith(("deny:", "denial:", "plea", "innocence")):
        return reason.split(":", 1)[0]
    return reason


def _put(found: dict[str, float], name: str, value: float) -> None:
    if value > found.get(name, 0.0):
        found[name] = value


def cue_features(cues: Iterable[Cue], found: dict[str, float]) -> None:
    for cue in cues:
        tag = "a" if cue.label == "allegation" else "d"
        if cue.strength <= 0:
            _put(found, f"veto:{family(cue.reason)}", 1.0)
            continue
        kind = family(cue.reason)
        where = position(cue.sentence)
        _put(found, f"{tag}:{kind}", cue.strength)
        _put(found, f"{tag}:{kind}@{where}", cue.strength)
        _put(found, f"{tag}@{where}", cue.strength)
        sentence = cue.sentence
        if sentence.quotes:
            _put(found, f"{tag}:quoted", 1.0)
        if not lx.ATTRIBUTION.isdisjoint(sentence.word_set):
            _put(found, f"{tag}:attributed", 1.0)
        if not lx.HEDGES.isdisjoint(sentence.word_set):
            _put(found, f"{tag}:hedged", 1.0)


def denier_features(denier: str, official: bool, found: dict[str, float]) -> None:
    if not denier:
        found["denier:none"] = 1.0
        return
    words = set(denier.lower().replace("’", "'").split())
    if official:
        found["denier:official-rule"] = 1.0
    if words & lx.INSTITUTIONS:
        found["denier:institution"] = 1.0
    if words & lx.PRIVATE_MARKERS:
        found["denier:private"] = 1.0
    if all(w[:1].isupper() for w in denier.split()):
        found["denier:name"] = 1.0


# Words that do not make a cue on their own but tell the classifier what kind of story it is:
# hoax debunks, rumours, who speaks (an institution or a person), court outcomes.
HINTS = lx._forms(
    "hoax hoaxes rumour rumours rumor rumors false fake debunked debunk myth satire satirical "
    "bogus misquoted viral untrue disagreement insisted insists vowed innocence innocent "
    "spokesman spokeswoman spokesperson statement ministry embassy police company official "
    "officials government kremlin court judge convicted sentenced acquitted guilty lawyer "
    "attorney prosecutors investigation lawsuit claims claim reportedly allegedly report "
    "reports fact checkers snopes photoshopped doctored circulating circulated"
)


def hint_features(parts: Iterable[Sentence], found: dict[str, float]) -> None:
    for sentence in parts:
        where = position(sentence)
        # in a fixed order: the classifier sums the features in the order they were added,
        # and a set's order differs between processes (string hashing is randomised), which
        # made a worker's scores differ from the main process's in the last bits
        for word in sorted(sentence.word_set & HINTS):
            found[f"w:{word}@{where}"] = 1.0
            found[f"w:{word}"] = 1.0


def word_features(text: str) -> set[str]:
    """`t:word` and `t:word word` of a text (lower-cased words and word pairs)."""
    words = _WORD_CHARS.findall(text.lower().replace("’", "'"))
    grams = {"t:" + word for word in words}
    grams.update(f"t:{first} {second}" for first, second in itertools.pairwise(words))
    return grams


def text_words(title: str, text: str) -> set[str]:
    """Words and word pairs of the headline and the first WORDS_TEXT_CHARS of the text, as
    features. Much of what makes an allegation is said with no cue word ("reports indicate
    he was beheaded", "police are hunting a man who slapped"); the classifier learns which
    words tell. Kept by name (no hashing), so the model file shows what it learned and
    scoring is one dictionary look-up per word."""
    return word_features(f"{title}\n{text[:WORDS_TEXT_CHARS]}")


def item_features(
    *,
    parts: list[Sentence],
    has_title: bool,
    text_chars: int,
    denials: list[Cue],
    allegations: list[Cue],
    scores: tuple[float, float],
    denier: str,
    official: bool,
) -> dict[str, float]:
    """All rule features of one English item that passed the lexical gate."""
    strong_allegations = sum(1 for c in allegations if c.strength > 0)
    strong_denials = sum(1 for c in denials if c.strength > 0)
    found: dict[str, float] = {
        "kind:feed" if has_title else "kind:article": 1.0,
        "score:allegation": scores[0],
        "score:denial": scores[1],
        "n:allegation": math.log1p(strong_allegations),
        "n:denial": math.log1p(strong_denials),
        "long": 1.0 if text_chars > 1500 else 0.0,
    }
    if not strong_denials and not strong_allegations:
        found["nocue"] = 1.0
    if not strong_allegations:
        found["a:none"] = 1.0  # what words alone must outweigh to make an allegation
    if not strong_denials:
        found["d:none"] = 1.0
    hint_features(parts, found)
    cue_features(denials, found)
    cue_features(allegations, found)
    before = len(found)
    denier_features(denier, official, found)
    kind = "feed" if has_title else "article"
    for name in list(found)[before:]:  # the denier's features, just added (none was there)
        found[f"{name}@{kind}"] = 1.0  # a sourceless debunk in an article is the outlet's own
    return found
