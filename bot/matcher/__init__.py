"""The matcher: does an item report an allegation, a denial, an official denial — who, what,
and which sentences show it. Pure and deterministic: `match(MatchInput) -> MatchResult`.

    segment (sentences, words, quotes) -> cue rules per sentence (english / multilingual)
    -> scores (noisy-or of cue strengths, title and lead weighted up) -> roles (roles.py)

Every flag carries its evidence (sentence, offsets, the rule that fired) and `reasons` also
lists vetoed cues ("-deny:negated"), so a wrong call can be traced to the rule that made it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.matcher import learned, multilingual
from bot.matcher import lexicon as lx
from bot.matcher.english import (
    Cue,
    allegation_cues,
    could_match,
    denial_cues,
    verdicts_in_context,
)
from bot.matcher.features import item_features, text_words, word_features
from bot.matcher.model import Evidence, MatchInput, MatchResult
from bot.matcher.roles import (
    MAX_ROLE_CUES,
    allegation_roles,
    claim_of,
    cue_char,
    denier_of,
    is_official,
    is_private,
    most_specific,
    plausible_denier,
    representative_of_a_person,
    speaker,
)
from bot.matcher.segment import MAX_FIELD, Sentence, sentences
from bot.verdicts import MATCHER_VERSION

__all__ = [
    "MATCHER_VERSION",
    "Analysis",
    "Evidence",
    "MatchInput",
    "MatchResult",
    "analyse",
    "decide",
    "match",
]

THRESHOLD = 0.5
MAX_EVIDENCE = 3
UNBACKED = 0.49  # the score of an allegation the classifier favours and no evidence backs
WORDS_ALONE = 0.5  # how much an item's words must weigh to make an allegation with no cue
_LEAD_SENTENCES = 3
_BODY_WEIGHT = 0.85  # GDELT's lesson: background paragraphs deep in a story are noisier
_ENTITY_JUNK = re.compile(r"&(?:lt|gt|amp|quot);?|\bquot;|</?b>", re.IGNORECASE)


def _unjunk(value: str) -> str:
    """Drop HTML-entity debris some feeds leave in text ("&lt;b&gt;", "quot;")."""
    return (
        _ENTITY_JUNK.sub(" ", value)
        if ("&" in value or "quot;" in value or "</" in value)
        else value
    )


def _weight(sentence: Sentence) -> float:
    if sentence.field == "title" or sentence.index < _LEAD_SENTENCES:
        return 1.0
    return _BODY_WEIGHT


def _noisy_or(values: list[float]) -> float:
    result = 1.0
    for value in values:
        result *= 1.0 - max(0.0, min(value, 1.0))
    return 1.0 - result


def _evidence(cue: Cue) -> Evidence:
    s = cue.sentence
    return Evidence(
        label=cue.label, field=s.field, start=s.start, end=s.end, text=s.text, reason=cue.reason
    )


def _best(cues: list[Cue]) -> list[Cue]:
    """Strongest first; title before text, earlier before later on ties."""
    return sorted(
        (c for c in cues if c.strength > 0),
        key=lambda c: (
            -c.strength * _weight(c.sentence),
            c.sentence.field != "title",
            c.sentence.index,
        ),
    )


@dataclass(eq=False)
class Analysis:
    """What the rules found in one item, before the classifier decides (see `decide`)."""

    title: str
    text: str
    language: str = "en"
    parts: list[Sentence] = field(default_factory=list)
    denials: list[Cue] = field(default_factory=list)
    allegations: list[Cue] = field(default_factory=list)
    rule_scores: tuple[float, float] = (0.0, 0.0)  # allegation, denial (noisy-or of cues)
    denier: str = ""
    denial_reason: str = ""
    private_denier: bool = False  # the denier is a person speaking for themselves
    other: MatchResult | None = None  # the verdict for languages the classifier does not cover
    _features: dict[bool, dict[str, float]] = field(default_factory=dict)
    _words: set[str] | None = None

    def features(self, words: bool = False) -> dict[str, float]:
        """The classifier's input; empty when the lexical gate found no cue word (such an
        item is never flagged). `words`: with the item's words (`features.text_words`)."""
        if words not in self._features:
            found: dict[str, float] = {}
            if words:
                found = self.features()
                if found:
                    found = {**found, **dict.fromkeys(self.words(), 1.0)}
            elif self.parts:
                found = item_features(
                    parts=self.parts,
                    has_title=bool(self.title.strip()),
                    text_chars=len(self.text),
                    denials=self.denials,
                    allegations=self.allegations,
                    scores=self.rule_scores,
                    denier=self.denier,
                    official=self.denier != "" and not self.private_denier,
                )
            self._features[words] = found
        return self._features[words]

    def words(self) -> set[str]:
        """The item's words as features (`features.text_words`), read once."""
        if self._words is None:
            self._words = text_words(self.title, self.text)
        return self._words


def match(item: MatchInput) -> MatchResult:
    """Judge one item. Never raises on any string input; reads at most MAX_FIELD characters
    of each field."""
    return decide(analyse(item), learned.shipped())


def analyse(item: MatchInput) -> Analysis:
    """Run the cue rules over an item (no decision yet)."""
    title = _unjunk((item.title or "")[:MAX_FIELD])
    text = _unjunk((item.text or "")[:MAX_FIELD])
    # (it reads the first 600 characters: the rest of a long text is not copied for it)
    language = multilingual.detect_language(f"{title} {text[:600]}")
    if language != "en":
        return Analysis(title, text, language, other=_match_other(language, title, text))
    if not could_match(f"{title}\n{text}".lower().replace("’", "'")):
        return Analysis(title, text)
    parts = sentences("title", title) + sentences("text", text)
    denials = verdicts_in_context([c for s in parts for c in denial_cues(s)], parts, title)
    allegations = [c for s in parts for c in allegation_cues(s)]
    allegations += _denied_allegations(denials)
    denial_score = _noisy_or([c.strength * _weight(c.sentence) for c in denials])
    allegation_score = _noisy_or([c.strength * _weight(c.sentence) for c in allegations])
    denier = denial_reason = ""
    deniers: list[tuple[str, Cue]] = []  # each denial cue's denier, where it names one
    best_denials = _body_first(_best(denials))[:MAX_ROLE_CUES]
    for cue in best_denials:
        found = plausible_denier(denier_of(cue, _earlier(parts, cue.sentence)))
        if found:
            deniers.append((found, cue))
            if not denier:
                denier, denial_reason = found, cue.reason
    context = f"{title}\n{text}"
    if not denier and best_denials and _he_or_she_denies(best_denials[0]):
        # "…, which he denied", "She denies the charge": the one accused, a person
        _, accused, _ = allegation_roles(_body_first(_best(allegations)))
        if accused and is_private(accused, context):
            denier, denial_reason = accused, best_denials[0].reason
    denier = most_specific(denier, [found for found, _ in deniers], context)
    private = is_private(denier, context, denial_reason)
    if deniers and _personal_innocence(deniers[0][1]):
        private = True  # "claiming his innocence": a person, whatever phrase the rules took
    if private:
        # a private person's denial beside an official one ("Oberholtzer says he has nothing
        # to do with terror … an AutoNation spokesman denied any involvement"): the official
        # denier is the one that makes the item an official denial. Only one named as an
        # institution or its office (not "Footballer" in a title-case headline) who denies
        # in words of its own (the speaker of an evaluative word may be the outlet reporting
        # it: "According to TMZ, the doctor denied … saying the source is 'making up lies'"),
        # and who denies what the item is about, not a claim its sentence states anew ("The
        # ministry denied reports that it would cut arts funding" beside a singer's denial)
        official_one = next(
            (
                (found, cue.reason)
                for found, cue in deniers
                if not cue.reason.startswith("evaluative")
                and not _personal_innocence(cue)
                and _OWN_CLAIM.match(cue.sentence.text, cue_char(cue)) is None
                and _names_institution(found)
                and is_official(found, context, cue.reason)
            ),
            None,
        )
        if official_one is not None:
            (denier, denial_reason), private = official_one, False
    if best_denials and not is_official(denier, context, denial_reason):
        # "the singer's reps confirmed he is not dead": one who speaks for a private person,
        # saying a denial (named before it, or "…, said Plant's publicist"), makes it private
        # unless the rules' denier is an institution ("Police denied that the singer's
        # manager was arrested")
        for cue in best_denials:
            agent = representative_of_a_person(cue.sentence.text, context, cue_char(cue))
            if agent:
                private = True
                if not denier or agent.lower() in denier.lower():
                    denier = agent  # "the singer's reps", not "Tuesday the singer's reps"
                break
    return Analysis(
        title,
        text,
        parts=parts,
        denials=denials,
        allegations=allegations,
        rule_scores=(allegation_score, denial_score),
        denier=denier,
        denial_reason=denial_reason,
        private_denier=private,
    )


def _he_or_she_denies(cue: Cue) -> bool:
    """The word right before the denial cue is "he" or "she" ("which he denied")."""
    words = cue.sentence.words
    return 0 < cue.index < len(words) and words[cue.index - 1] in ("he", "she")


def _names_institution(phrase: str) -> bool:
    """ "a spokesman for Delmar Motors", "the ministry": a word of an institution or its office
    (not an anonymous "source familiar with the matter")."""
    return not _NAMED_INSTITUTIONS.isdisjoint(re.findall(r"[\w'’]+", phrase.lower()))


_NAMED_INSTITUTIONS = lx.INSTITUTIONS - {"source", "sources"}
# a denial word followed by a claim of its own: "denied reports that …", "denied that …"
_OWN_CLAIM = re.compile(r"\S+\s+(?:[\w'’-]+\s+){0,3}?that\b", re.IGNORECASE)


def decide(analysis: Analysis, model: learned.Model) -> MatchResult:
    """Labels from the classifier over the rule features (and, for the labels whose model
    uses them, the item's words); roles, claim and evidence from the rules that fired."""
    if analysis.other is not None:
        return analysis.other
    if not analysis.features():  # no cue word passed the lexical gate
        return MatchResult(scores=dict.fromkeys(("allegation", "denial", "official_denial"), 0.0))
    labels = model.labels
    t_allegation = labels["allegation"].threshold
    t_official = labels["official_denial"].threshold
    features = analysis.features()
    words = analysis.words() if any(m.words for m in labels.values()) else set()
    # what the words weigh for an allegation: in its score, and alone when no cue backs it
    allegation_words = labels["allegation"].words_weight(words)
    allegation_score = labels["allegation"].probability_given(features, allegation_words)
    denial_score = labels["denial"].probability(features, words)
    official_score = labels["official_denial"].probability(features, words)
    best_denials = _best(analysis.denials)
    best_allegations = _best(analysis.allegations)
    cued = bool(best_allegations)
    # Evidence first: with no allegation cue, the item's words must themselves weigh for an
    # allegation (a denial of a product rumour comes with no allegation, however often
    # denials do); CV: this costs no F1 and buys precision.
    is_allegation = allegation_score >= t_allegation and (cued or allegation_words >= WORDS_ALONE)
    is_denial = denial_score >= labels["denial"].threshold
    # The classifier learns that most denials are official; a denier the rules see as a
    # private person (a name with no office, "the singer herself") vetoes it.
    official = (
        is_denial
        and (
            official_score >= labels["official_denial"].threshold
            # a company by its legal name: the classifier learned that pleas are people's,
            # but "Acme Corp pleaded not guilty" is the company's (the guidelines' company)
            or _LEGAL_ENTITY.search(analysis.denier) is not None
        )
        and not analysis.private_denier
    )
    reasons = [c.reason for c in analysis.denials + analysis.allegations]
    if is_allegation and not cued:
        # flagged by its words alone: the sentence whose words weigh most is the evidence
        worded = _worded_evidence(analysis, labels["allegation"])
        if worded is not None:
            best_allegations = [worded]
            reasons.append(worded.reason)

    best_allegations = _accusing_first(best_allegations, best_denials)
    accuser = accused = denier = claim = ""
    if is_allegation and cued:  # a sentence flagged by its words alone: the parser names them
        accuser, accused, claim = allegation_roles(_body_first(best_allegations))
    if is_denial and best_denials:
        denier = analysis.denier
        if not claim:
            claim = claim_of(best_denials[0])
    best_denials = _own_words_first(best_denials)

    evidence = tuple(_evidence(c) for c in best_allegations[:MAX_EVIDENCE] if is_allegation)
    evidence += tuple(_evidence(c) for c in best_denials[:MAX_EVIDENCE] if is_denial)
    return MatchResult(
        allegation=is_allegation,
        denial=is_denial,
        official_denial=official,
        scores={
            # an allegation the classifier favours but no cue or word evidence backs stays
            # under 0.5 (the pipeline reads 0.5 as flagged): borderline, worth reading in full
            "allegation": (
                learned.calibrated(allegation_score, t_allegation)
                if is_allegation
                else min(learned.calibrated(allegation_score, t_allegation), UNBACKED)
            ),
            "denial": learned.calibrated(denial_score, labels["denial"].threshold),
            "official_denial": learned.calibrated(
                official_score if official else min(official_score, 0.3 * t_official),
                t_official,
            ),
        },
        accuser=accuser,
        accused=accused,
        denier=denier,
        claim=claim,
        language="en",
        evidence=evidence,
        reasons=tuple(dict.fromkeys(reasons)),
    )


_WORDED_REASON_WORDS = 3
_MIN_WORD = 4  # shorter words ("he", "of a") weigh in the model but explain nothing


def _telling(gram: str) -> bool:
    return any(len(word) >= _MIN_WORD for word in gram.split())


def _worded_evidence(analysis: Analysis, model: learned.LabelModel) -> Cue | None:
    """For an allegation flagged by its words with no allegation cue: the sentence whose
    telling words weigh most for the label, as a cue whose reason names the heaviest of them
    ("words:beheaded/allegedly/hunting"), so an alert still shows why it matched."""
    positive = model.positive_words
    best: tuple[float, Sentence, list[str]] | None = None
    for sentence in analysis.parts:
        scored = sorted(
            {
                (positive[name], name[2:])
                for name in positive.keys() & word_features(sentence.text)
                if _telling(name[2:])
            },
            reverse=True,
        )
        total = sum(weight for weight, _ in scored)
        if scored and (best is None or total > best[0]):
            best = (total, sentence, [word for _, word in scored[:_WORDED_REASON_WORDS]])
    if best is None:
        return None
    _, sentence, top = best
    return Cue("allegation", sentence, -1, "words:" + "/".join(top), 0.5, 0)


def _denied_allegations(denials: list[Cue]) -> list[Cue]:
    """A denial of a wrongdoing ("denied it threatened the family", "rejected the accusations")
    reports the allegation it answers."""
    implied = []
    # the first few: each reads its sentence's claim, and a hostile item may repeat "denied"
    # thousands of times
    for cue in [c for c in denials if c.strength > 0][:MAX_ROLE_CUES]:
        claim = claim_of(cue).lower().replace("’", "'").split()
        if (
            lx.names_wrongdoing(claim)
            or not lx.ACCUSE.isdisjoint(claim)
            or (cue.index >= 0 and cue.reason.endswith("+act"))
        ):
            implied.append(
                Cue("allegation", cue.sentence, cue.index, "denied-wrongdoing", 0.7, cue.char_start)
            )
    return implied


def _body_first(cues: list[Cue]) -> list[Cue]:
    """For roles: a headline is short and often one side's framing; the sentences of the text
    that carry a cue name the parties in full ("Kremlin denies …" over a text where the White
    House accuses and the embassy denies). Stable: strongest first within each field."""
    return sorted(cues, key=lambda c: c.sentence.field == "title")


# a name (capitalised words) that ends in a company's legal form: "Acme Corp", "Lumex Ltd."
_LEGAL_ENTITY = re.compile(
    r"(?:^|\s)(?:[A-Z][\w&'’.-]*\s+)+(?:Inc|Corp|Corporation|Co|Ltd|LLC|PLC|plc|AG|GmbH|SA|NV"
    r"|Holdings)\.?$"
)
_PERSONAL_INNOCENCE = re.compile(r"[\w'’]+\s+(?:his|her)\s+innocence\b")


def _personal_innocence(cue: Cue) -> bool:
    """ "maintained his innocence", "protested her innocence": a person's own denial."""
    return cue.reason == "innocence" and (
        _PERSONAL_INNOCENCE.match(cue.sentence.lower, cue_char(cue)) is not None
    )


def _accusing_first(allegations: list[Cue], denials: list[Cue]) -> list[Cue]:
    """Allegation evidence: a sentence that accuses before one that answers the accusation
    ("said the allegations were untrue" reports an allegation, but names the one denying it,
    not the accuser). Stable: the order given within each."""
    answered = {(c.sentence.field, c.sentence.index) for c in denials}
    return sorted(allegations, key=lambda c: (c.sentence.field, c.sentence.index) in answered)


def _own_words_first(cues: list[Cue]) -> list[Cue]:
    """Denial evidence: a quoted sentence of the text first (the denier's own words, which an
    alert quotes), then the rest in strength order."""
    return sorted(cues, key=lambda c: not (c.sentence.field == "text" and c.sentence.quotes))


def _earlier(parts: list[Sentence], sentence: Sentence) -> list[Sentence]:
    """The title and the sentences before `sentence`, in reading order."""
    if sentence.field == "title":
        return []
    return [s for s in parts if s.field == "title" or s.index < sentence.index]


def _match_other(language: str, title: str, text: str) -> MatchResult:
    found: dict[str, list[tuple[Sentence, multilingual.Hit]]] = {"denial": [], "allegation": []}
    reasons: list[str] = []
    for sentence in sentences("title", title) + sentences("text", text):
        for hit in multilingual.scan(language, sentence.text):
            reasons.append(hit.reason)
            if not hit.reason.startswith("-"):
                found[hit.label].append((sentence, hit))
    denial_hits = found["denial"]
    allegation_hits = found["allegation"]
    denier = ""
    if denial_hits:
        sentence, hit = denial_hits[0]
        denier = _speaker_before(sentence.text[: hit.start]) or speaker(sentence)
    # The denier's own words decide ("Блогер назвал ложью обвинения президента" is a blogger);
    # the whole sentence only when no denier could be found.
    official = bool(denial_hits) and multilingual.official(
        language, denier or denial_hits[0][0].text
    )
    evidence = tuple(
        Evidence(label, s.field, s.start, s.end, s.text, h.reason)
        for label in ("allegation", "denial")
        for s, h in found[label][:MAX_EVIDENCE]
    )
    return MatchResult(
        allegation=bool(allegation_hits),
        denial=bool(denial_hits),
        official_denial=official,
        scores={
            "allegation": 0.8 if allegation_hits else 0.0,
            "denial": 0.8 if denial_hits else 0.0,
            "official_denial": 0.8 if official else 0.0,
        },
        denier=denier,
        language=language,
        evidence=evidence,
        reasons=tuple(dict.fromkeys(reasons)),
    )


def _speaker_before(text: str) -> str:
    words = re.findall(r"[^\W\d_][\w\-]*", text)[-4:]
    return " ".join(words)
