"""The matcher's shortcuts for speed give what the long way gives: the ASCII reading of a
sentence's words, the item gate's quick look, and the substring tests run before a cue
expression (an expression must never match where its test said it cannot)."""

from __future__ import annotations

import os
import re
import sys

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.matcher import english, multilingual, roles
from bot.matcher import lexicon as lx
from bot.matcher.segment import _BOUNDARY, _QUOTES, _WORD, _boundary, sentences

# words the rules look for, and the punctuation and marks around them, so random text hits
# the cue expressions and the word boundaries that matter
_PIECES = [
    *sorted(english.ALL_TRIGGERS)[::3],
    *"the a is was were not no never has have had been to of with by that over for".split(),
    *"charged pleaded guilty plea arrested held faces jail suit filed claims real fake".split(),
    *"alive dead doctored satire spoof confirmed such affiliation evidence proof insists".split(),
    *"committed report reports stories torture crimes war price fixing bribed".split(),
    *"'s n't didn't ’ ' \" “ ” « » „ ‘ , . ; : - -- ( ) \n İ K é 3 _ — … ’s don’t Ⓐ ٣".split(),
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=40).map(" ".join) | st.text(max_size=200)


def _joined(pieces: list[str], gaps: list[str], max_size: int) -> st.SearchStrategy[str]:
    """Text of up to `max_size` pieces, each followed by one of `gaps`."""
    return st.lists(
        st.tuples(st.sampled_from(pieces), st.sampled_from(gaps)), max_size=max_size
    ).map(lambda pairs: "".join(piece + gap for piece, gap in pairs))


_SPACED = _joined(_PIECES, ["", " ", "  ", "\n", "'", "’"], 30)


def _gate_the_long_way(lower_text: str) -> bool:
    words = english._GATE_WORD.findall(lower_text)
    return (
        "investigat" in lower_text
        or "no, " in lower_text
        or not english.ALL_TRIGGERS.isdisjoint(words)
        or (not english._CLAIMED_DEEDS.isdisjoint(words) and lx.names_wrongdoing(words))
    )


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXT, _SPACED))
def test_the_item_gate_says_what_reading_every_word_says(text: str) -> None:
    for lower in (text, text.lower(), text.lower().replace("’", "'")):
        assert english.could_match(lower) == _gate_the_long_way(lower)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_TEXT, _SPACED))
def test_a_sentence_reads_its_words_and_quotes_as_the_long_way_does(text: str) -> None:
    for sentence in sentences("text", text):
        lower = sentence.text.lower()
        spans = [m.span() for m in _WORD.finditer(sentence.text)]
        words = [w.lower().replace("’", "'") for w in _WORD.findall(sentence.text)]
        assert sentence.words == words
        assert sentence.word_set == frozenset(_WORD.findall(lower))
        assert sentence.spans == spans
        quotes = tuple(m.span() for m in _QUOTES.finditer(sentence.text))
        assert sentence.quotes == quotes
        for i, (start, _) in enumerate(spans):
            assert sentence.quoted(i) == any(a <= start < b for a, b in quotes)


# sentence boundaries as one expression tried at every position found them
_BOUNDARY_THE_LONG_WAY = re.compile(
    r"(?<=[.!?…])[\"'”’»)]*\s+(?=[\"'“‘«(]*[A-ZА-ЯЁІЇЄҐ0-9])|\n+|(?<=[.!?])\s*[-–—]{2}\s*"
)


@settings(max_examples=2000, deadline=None)
@example("Done.\n-- next")  # a line break after a stop, then dashes: the line break splits
@example("Done.\n\nNext. Then!\nMore?-- Yes… «Quote» Mr. Smith met John F. Kennedy.\n")
@example('He said "No." Then ’twas (so).) 3 more?  — — x!--y')
@given(st.text(alphabet=".!?… \n\t\"'”’»)“‘«(-–—aAБ0x", max_size=40) | _TEXT)
def test_sentence_boundaries_are_where_the_long_way_finds_them(text: str) -> None:
    expected = [m.span() for m in _BOUNDARY_THE_LONG_WAY.finditer(text)]
    assert [_boundary(m) for m in _BOUNDARY.finditer(text)] == expected


# one sentence for each alternative of each expression that has a substring test
_EXAMPLES = [
    "He pleaded not guilty. She pleads innocent.",
    "They maintained their innocence.",
    "There is no truth in it; it is not true; untrue; without any merit; without foundation;",
    "without basis; no basis; nothing to do with it; did nothing wrong; was not involved;",
    "no involvement; it never happened; it did not happen; they were not responsible;",
    "is not guilty; was not there; had no role; had no part; had no knowledge;",
    "operated within the law; acted in accordance with the rules; acting within the laws;",
    "shot down the rumours; was misquoted; taken out of context; is a hoax; were fake.",
    "He insists that he would never; she insisted nothing was wrong.",
    "There is no evidence of it, no sign that, no indication of, no proof to support it.",
    "It is not real; it's never stolen; it has not been doctored; confirmed as not being;",
    "isn't authentic; weren't genuine; was digitally photoshopped; are faked;",
    "he is still alive and well; she isn't dead; is very much alive; a satirical news site;",
    "a spoof website; fake news outlet; no such thing; no affiliation.",
    "No, the singer has not joined ISIS.",
    "He was charged with fraud, charges against him, charges of theft, pleaded guilty,",
    "a guilty plea, faces two charges, settled with the SEC over charges, was charged.",
    "He was charged in May; they charged at dawn, later charged.",
    "He was arrested for theft; detained on suspicion; held over the attack; jailed after;",
    "arrests followed; she faces jail; he faced extradition; faces trial; facing prosecution;",
    "he faces a prison term.",
    "It claimed responsibility and claims the title.",
]


def _expressions() -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    found = [(reason, pattern, needs) for pattern, reason, _, needs in english._PHRASES]
    return [
        *found,
        ("charges", english._CHARGE_CONTEXT, english._CHARGE_NEEDS),
        ("arrest", english._ARREST, english._ARREST_NEEDS),
        ("claimed", english._CLAIMED_NOT_WRONG, ("claim",)),
    ]


def _check_needs(text: str) -> int:
    matched = 0
    for sentence in [*sentences("text", text), *sentences("title", text)]:
        for reason, pattern, needs in _expressions():
            for found in pattern.finditer(sentence.lower):
                matched += 1
                assert any(part in found.group(0) for part in needs), (reason, found.group(0))
    return matched


def test_every_example_match_holds_a_needed_string() -> None:
    for sentence in _EXAMPLES:
        assert _check_needs(sentence), sentence  # each exercises an expression


@settings(max_examples=600, deadline=None)
@given(st.one_of(_TEXT, _SPACED))
def test_every_match_holds_a_needed_string(text: str) -> None:
    _check_needs(text)


def _language_the_long_way(text: str) -> str:
    sample = text[:600].lower()
    if not sample.isascii():
        letters = re.findall(r"[^\W\d_]", sample)
        cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
        if letters and cyrillic / len(letters) > 0.3:
            return "uk" if any(ch in "іїєґ" for ch in sample) else "ru"
    words = set(re.findall(r"[^\W\d_]+", sample))
    best, most = "en", len(words & multilingual._LATIN_STOPWORDS["en"])
    for lang in ("de", "fr", "es"):
        count = len(words & multilingual._LATIN_STOPWORDS[lang])
        if count > most:
            best, most = lang, count
    return best


_LANGUAGE_PIECES = [
    *_PIECES,
    *"der die und das nicht le la les des et el los las y que del una".split(),
    *"Кремль опроверг обвинения Песков звинувачення спростував і ї є ґ ҂ ҃ Ё".split(),
]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_LANGUAGE_PIECES), max_size=60).map(" ".join) | st.text())
def test_the_language_is_the_one_the_long_way_detects(text: str) -> None:
    assert multilingual.detect_language(text) == _language_the_long_way(text)


_CLAUSE_BREAK_THE_LONG_WAY = re.compile(
    r"[,;:()\"“”«»—–]|\s-\s|\b(?:that|which|who|whom|and|but|while|after|when|as|because|since"
    r"|although|though|where|if|said|says)\b",
    re.IGNORECASE,
)
_CLAUSE_PIECES = [
    *"that which who whom and but while after when as because since although though where if "
    "said says THAT Who AS İf ıf ſaid ſays Ⓣhat xthat thatx _that that_ 3that whoa Since".split(),
    *', ; : ( ) " “ ” « » — – - -- İ ı ſ K é _ 3 the a'.split(),
]


@settings(max_examples=2000, deadline=None)
@example("The Royal Navy, who earlier denied it - and says that, (as) “if” — whom")
@given(_joined(_CLAUSE_PIECES, ["", " ", "\n", "-", "_"], 12))
def test_clause_breaks_are_where_the_long_way_finds_them(text: str) -> None:
    expected = [m.span() for m in _CLAUSE_BREAK_THE_LONG_WAY.finditer(text)]
    assert [m.span() for m in roles._CLAUSE_BREAK.finditer(text)] == expected


_TRAILING_NOISE_THE_LONG_WAY = re.compile(rf"(?:\s+(?:{roles._NOISE_WORDS}))+$", re.IGNORECASE)
_NOISE_PIECES = [
    *"has have HAD also on last this earlier Tuesday friday quickly Italy ly xly is were been "
    "will to once previously in a statement In A Statement the ministry police said ſaid ıs İs "
    "K 3ly _ly , . ; -".split()
]


@settings(max_examples=2000, deadline=None)
@example("the ministry said on Tuesday in a statement")
@given(_joined(_NOISE_PIECES, ["", " ", "  ", "\n", "\t"], 10))
def test_trailing_noise_is_what_the_long_way_strips(text: str) -> None:
    for phrase in (text, text.strip()):
        expected = _TRAILING_NOISE_THE_LONG_WAY.sub("", phrase)
        assert roles._TRAILING_NOISE.sub("", phrase) == expected


def test_scores_are_the_same_in_every_process() -> None:
    """String hashing differs between processes (a worker's sets iterate in another order
    than the main process's); a verdict must not, to the last bit."""
    import subprocess

    script = (
        "from bot.matcher import MatchInput, match\n"
        "for text in ("
        "'The ministry spokesman said the police statement was false, a hoax: officials "
        "reportedly denied the claims and the court convicted no one.',"
        "'Embassy denies report that troops shelled the village; the Kremlin called it lies.',"
        "):\n"
        "    print(repr(match(MatchInput('Kremlin denies rumours, lawyer says', text)).scores))\n"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1, outputs
