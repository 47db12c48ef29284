"""English cue rules: which sentences report a denial or an allegation, and why (pure).

Each rule looks at a cue word and its neighbourhood: what the verb's object is (PETRARCH2's
object-noun disambiguation: deny + report = denial, deny + entry = refusal), whether it is
negated or governed by refuse/decline/fail ("did not deny"), who is speaking, and whether an
evaluative word ("lies", "baseless") is used *about* a claim or is itself the accusation
("accused him of spreading lies").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.matcher import lexicon as lx
from bot.matcher.segment import ASCII_WORD, Sentence

_GATE_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")

_SKIP = lx._forms(
    "the a an any all his her its their our my these those this that such what some "
    "strongly flatly categorically firmly vehemently repeatedly again also emphatically "
    "angrily swiftly quickly immediately publicly officially outright totally completely "
    "previously earlier had has have having been being widely"
)
_OBJECT_PRONOUNS = lx._forms("him them us me")
_COPULA = lx._forms(
    "is are was were be been being as called calling call calls branded brand labelled "
    "labeled termed describing described describe describes dismissing dismissed 's were "
    "pure simply utterly total complete absolute blatant outright other worldly a an"
)
_SPREAD = lx._forms("spreading spread spreads peddling peddle peddles telling tell spreads pushing")
_ACCUSE_VERBS = lx._forms(
    "accuse accuses accused accusing allege alleges alleging blame blames blamed blaming"
)
_REFUSED_KINDS = lx._forms("new fresh further another second early temporary")
# "coins lying on the mattress": where a thing lies, not a lie
_LYING_PLACE = lx._forms("on in around down there here beside next under low idle dormant")
_LIES_WITH = lx._forms("with in within ahead behind beneath between elsewhere somewhere at")
# before "lies" the noun ("these are lies in the dossier", "the lies in it", "outright lies")
_NOUN_LIES_AFTER = lx._forms(
    "the a an its his her their our your my these those of and more such outright are were is "
    "was be been all just simply complete total blatant pure"
)
_NOT_CLAIM_AFTER_EVAL = lx._forms(
    "flag flags pretences pretenses accounting imprisonment passport passports documents "
    "document ids identity identities accounts account papers goods products names name "
    "invoices invoice alarm alarms start positive positives teeth bottom ceiling advertising "
    "pretence pretense profile profiles act acts attack attacks crime crimes murder murders "
    "killing killings behaviour behavior conduct violence treatment"
)
# (expression, reason, strength, needs): every match of the expression (over the lower-cased
# sentence) holds one of the strings `needs`, a substring test that spares running it over
# the many sentences holding none (tests/test_matcher_speed.py checks them)
_PHRASES: list[tuple[re.Pattern[str], str, float, tuple[str, ...]]] = [
    (
        re.compile(r"\bplead(?:s|ed|ing)?\s+(?:not\s+guilty|innocent)\b"),
        "plea:not-guilty",
        0.9,
        ("plead",),
    ),
    (
        re.compile(
            r"\b(?:maintain|maintains|maintained|maintaining|protest|protests|protested"
            r"|protesting|proclaim|proclaims|proclaimed|proclaiming|insist|insists|insisted"
            r"|insisting|asserted|asserts|asserting|claim|claims|claimed|claiming|plead|pleads"
            r"|pleaded|pleading)\s+(?:his|her|their|its)"
            r"\s+innocence\b"
        ),
        "innocence",
        0.9,
        ("innocence",),
    ),
    (
        re.compile(
            r"\b(?:no\s+truth|not\s+true|untrue|without\s+(?:any\s+)?(?:merit|foundation|basis)"
            r"|no\s+basis|nothing\s+to\s+do\s+with|(?:did|done|doing)\s+nothing\s+wrong"
            r"|not\s+involved|no\s+involvement|never\s+happened|did\s+not\s+happen"
            r"|(?:were|was|is|are)\s+not\s+(?:responsible|guilty|there|involved)"
            r"|had\s+no\s+(?:role|part|knowledge)|operated\s+within\s+the\s+law"
            r"|(?:committed\s+no\s+|never\s+committed\s+(?:any\s+)?|(?:did\s+not|didn['’]t)"
            r"\s+commit\s+(?:any\s+)?)(?:crimes?|offen[cs]es?|wrong(?:doing)?|fraud|murder"
            r"|rape|assault|abuses?)"
            r"|(?:acted|act|acting)\s+(?:within|in\s+accordance\s+with)\s+the\s+(?:laws?|rules)"
            r"|shot\s+down\s+(?:the\s+|that\s+|this\s+|these\s+|those\s+)?"
            r"(?:rumou?rs?|reports?|claims?|speculation|story|stories)"
            r"|(?:was|were|been|being)\s+misquoted|(?:quoted|taken)\s+out\s+of\s+context"
            r"|(?:is|was|are|were)\s+(?:a\s+)?(?:hoax|fake)"
            # a claim "made up", "inaccurate" (not "the lost revenue was made up", "figures
            # were erroneous", "inaccurate wind forecasts": things, not claims)
            r"|(?:claims?|reports?|rumou?rs?|stor(?:y|ies)|allegations?|accusations?|article"
            r"|it|this|that)\s+(?:[\w'’]+\s+){0,2}?(?:is|was|are|were)\s+[\"“‘']?"
            r"(?:\w+ly\s+|all\s+)?(?:made[ -]up\b(?!\s+(?:of|for|by|in|after|during))"
            r"|inaccurate|erroneous))\b"
        ),
        "not-true",
        0.75,
        (
            *"truth true merit foundation basis nothing involve happen responsible guilty "
            "there role part knowledge law rules shot misquoted context hoax fake inaccurate "
            "erroneous commit".split(),
            "made up",
            "made-up",
        ),
    ),
    (
        re.compile(
            # not a plan: "insists the club will not be rushed"
            r"\binsist(?:s|ed|ing)?\s+(?:that\s+)?(?:[\w'’]+\s+){0,6}?"
            r"(?<!\bwill )(?<!\bwould )(?<!\bshall )(?:not|never|no|nothing)\b"
        ),
        "insists-not",
        0.7,
        ("insist",),
    ),
    (
        re.compile(
            r"(?<!provided )(?<!presented )(?<!offered )(?<!gave )(?<!giving )"
            r"\bno\s+(?:evidence|sign|indication|proof)\s+(?:of|that|to\s+support)\b"
        ),
        "no-evidence",
        0.6,
        ("evidence", "sign", "indication", "proof"),
    ),
    # "hit back at claims that …", "pushed back against a report": answering a claim, not
    # hitting anyone ("hit back at critics" names no claim)
    (
        re.compile(
            # the claim is the object, a modifier or two before it (not "hit back at Chelsea
            # to claim a draw"); "pushed back against" a claim, not against speculation on
            # rates; "fight back" is a comeback
            r"\b(?:(?:hit|hits|hitting)\s+back\s+(?:at|on|against)\s+"
            r"(?:(?!to\b|after\b|before\b|as\b)[\w'’-]+\s+){0,2}?"
            r"(?:claims?|accusations?|allegations?|reports?|rumou?rs?|charges|suggestions?"
            r"|insinuations?|speculation|stor(?:y|ies))"
            r"|(?:push|pushes|pushed|pushing)\s+back\s+(?:against|on)\s+"
            r"(?:(?!to\b|after\b|before\b|as\b)[\w'’-]+\s+){0,2}?"
            r"(?:claims?|accusations?|allegations?|reports?|rumou?rs?|suggestions?"
            r"|insinuations?|stor(?:y|ies)))\b"
        ),
        "hit-back+claim-noun",
        0.8,
        ("back",),
    ),
    # "said the charges were politically motivated": a claim called a political act (not "a
    # politically motivated attack", which accuses)
    (
        re.compile(
            # (not "the case was treated as politically motivated": investigators' finding)
            r"\b(?:charges?|accusations?|allegations?|claims?|prosecution|indictment|lawsuit)"
            r"\s+(?:against\s+[\w'’-]+\s+)?(?:is|are|was|were|as|be|been)\s+(?:\w+ly\s+)?"
            r"politically[\s-]motivated\b"
        ),
        "politically-motivated",
        0.75,
        ("motivated",),
    ),
    # a hoax debunked in the text's own voice (an outlet or fact-checker refuting a viral
    # story counts as a denial): the picture was doctored, the star is alive, the site is satire
    (
        re.compile(
            r"\b(?:(?:(?:is|was|are|were)|(?<=\w)['’]s)\s+(?:not|never)\s+"
            r"(?:real|stolen|accurate|authentic|genuine)"
            r"|(?:has|have|had)\s+(?:not|never)\s+been\s+(?:stolen|real|doctored|faked)"
            r"|confirmed\s+(?:as\s+)?not\s+(?:being|to\s+be)"
            r"|(?:isn['’]t|wasn['’]t|aren['’]t|weren['’]t)\s+(?:real|stolen|accurate|authentic|genuine)"
            r"|(?:was|were|been|is|are)\s+(?:digitally\s+)?(?:doctored|photoshopped|faked)"
            r"|(?:is|was|are)\s+(?:still\s+)?alive\s+and\s+well"
            r"|(?:is|was|are)\s+(?:not|n['’]t)\s+dead|(?:is|was|are)\s+very\s+much\s+alive"
            r"|(?:satire|satirical|parody|spoof|fake\s+news)\s+(?:news\s+)?(?:site|website|outlet)"
            r"|no\s+(?:such\s+(?:thing|incident|event|plan|plans)|affiliation))\b"
            # the fact-check headline: "No, Macklemore has not joined ISIS"
            r"|^no,\s+(?:[\w'’.-]+\s+){1,6}?(?:has|have|is|are|was|were|did|does|do)"
            r"(?:n['’]t|\s+not|\s+never)\b"
        ),
        "debunk-fact",
        0.6,
        tuple(
            "real stolen accurate authentic genuine doctored fake confirmed photoshopped "
            "alive dead satir parody spoof such affiliation no,".split()
        ),
    ),
]
_CHARGE_CONTEXT = re.compile(
    r"\bcharg(?:ed|es|ing)\s+(?:\w+\s+){0,3}?(?:with|in\s+connection)\b"
    r"|\bcharges?\s+(?:against|that|in\s+connection)\b|\bcharges\s+of\b"
    r"|\bplead(?:s|ed|ing)?\s+guilty\b|\bguilty\s+plea\b"
    r"|\b(?:on|faces?|faced|facing|file[sd]?|filing|brought|bring|press(?:ed)?|new|criminal"
    r"|formal|settle[sd]?|settling|drop(?:ped|s)?|deny|denies|denied)"
    r"\s+(?:[\w'’\-]+\s+){0,2}?charges?\b"
    # "reached settlements with the SEC over charges" (not "a rally over water charges")
    r"|\bsettle(?:s|d|ment|ments)?\b[^.;]{0,80}?\bover\s+(?:[\w'’\-]+\s+){0,2}?charges?\b"
    r"|\b(?:was|were|been|being|is|are|be)\s+charged(?=\s+(?:with|in|over|for|after|following"
    r"|on)\b|\s*[.,;]|\s*$)"
    # not a battery: "will stay charged.", "fully charged"
    r"|\bcharged(?<!stay charged)(?<!stays charged)(?<!stayed charged)(?<!remain charged)"
    r"(?<!remains charged)(?<!fully charged)(?<!kept charged)"
    r"(?=\s+(?:at|after|in|over|for|following)\b|\s*[.,;:]|\s*$)"
)
_CHARGE_NEEDS = ("charg", "plea")  # one stands in every match of _CHARGE_CONTEXT
_NO_ONE_CHARGED = re.compile(
    r"\b(?:no\s+one|nobody|none|no\s+suspects?)\s+(?:\w+\s+){0,2}?charged\b"
    r"|\b(?:not|n['’]t|never|yet\s+to)\s+(?:\w+\s+){0,2}?(?:charged|charge|press(?:ed)?"
    r"\s+charges|filed?\s+charges)\b"
    r"|\bno\s+(?:\w+\s+){0,1}charges\s+(?:have|has|had|were|was|will|would)\b"
)
# a suit at law ("an antitrust suit", "settle the suit", "filed suit"), not a suit of clothes
# nor "follow suit"
_SUIT = re.compile(
    r"\b(?:antitrust|class[- ]action|civil|libel|defamation|discrimination|harassment|patent"
    r"|wrongful[- ]death|federal|fraud|negligence|damages)\s+suits?\b"
    # a suit filed or settled is one at law
    r"|\b(?:fil(?:e|ed|es|ing)|settle[sd]?|settling)\s+(?:(?:a|the|its|their|his|her)\s+)?"
    r"suits?\b"
    # brought, won, dropped …: at law when it is against someone or over something
    r"|\b(?:brought|bring(?:s|ing)?|drop(?:s|ped)?|dismiss(?:ed|es)?|won|lost|faces?|facing)"
    r"\s+(?:(?:a|an|the|its|their|his|her)\s+)?suits?\s+"
    r"(?=against|over|by|from|alleging|accusing|claiming|seeking|filed|brought)"
)
# "charge(s) of/over/for X" and "<crime> charge(s)": only when a wrongdoing word is involved.
_CHARGE_NOUN = re.compile(r"\bcharges?\b")
# CAMEO 015: claim + responsibility/attack/bombing/killing is owning a deed, not accusing.
_OWN_DEEDS = lx._forms(
    "responsibility attack attacks bombing bombings killing killings kidnapping abduction "
    "massacre beheading assassination"
)
_IN_CHARGE = lx._forms("in take takes took taking took free extra service cover hefty")
_ACCUSE_WEAK_ALONE = lx._forms("accuse accuses accused accusing blame blames blamed blaming")
_ARREST = re.compile(
    r"\b(?:arrested|detained|held|jailed)\s+(?:\w+\s+){0,4}?(?:for|on\s+suspicion|over"
    r"|in\s+connection\s+with|after|in\s+the)\b"
    r"|\b(?:arrested|arrest|arrests)\b"
    r"|\bfac(?:e|es|ed|ing)\s+(?:\w+\s+){0,2}?(?:jail|prison|trial|prosecution|extradition)\b"
)
# one stands in every match of _ARREST
_ARREST_NEEDS = tuple("arrest detained held jail prison trial prosecution extradition".split())
_CLAIMED_NOT_WRONG = re.compile(
    r"\bclaim(?:s|ed|ing)?\s+(?:(?:the|a|an|its|their|his|her|full|sole)\s+)*(?:[\w-]+\s+)?"
    r"(?:responsibility|credit|title|victory|win|record|prize|gold|seat|crown|lead|damages"
    r"|compensation|asylum|bankruptcy|medal|throne|ownership|benefits|refund)"
)


@dataclass(frozen=True, slots=True)
class Cue:
    label: str  # "denial" | "allegation"
    sentence: Sentence
    index: int  # token index of the cue in the sentence (-1 for phrase rules)
    reason: str
    strength: float
    char_start: int = -1  # for phrase rules: where in the sentence the phrase starts


_CLAUSE_PUNCTUATION = tuple(",;:()—–")


def _gap_has_punct(sentence: Sentence, a: int, b: int) -> bool:
    if not _holds_any(sentence.text, _CLAUSE_PUNCTUATION):
        return False  # none in the sentence: the words' places need not be read
    text = sentence.text[sentence.spans[a][1] : sentence.spans[b][0]]
    return _holds_any(text, _CLAUSE_PUNCTUATION)


def negated(sentence: Sentence, i: int, window: int = 4) -> bool:
    """A negator or refuse/decline/fail governs token i ("did not deny", "refused to deny")."""
    words = sentence.words
    for j in range(max(0, i - window), i):
        word = words[j]
        if (word in lx.NEGATORS or word.endswith("n't")) and not _gap_has_punct(sentence, j, i):
            if word == "no" and j + 1 < i and words[j + 1] not in ("one", "longer"):
                continue  # "no" before a noun ("no report"), not before the verb
            return True
    return False


def _next_content(words: list[str], i: int, limit: int = 6) -> tuple[int, str]:
    for j in range(i + 1, min(len(words), i + 1 + limit)):
        if words[j] not in _SKIP:
            return j, words[j]
    return -1, ""


def _court_subject(sentence: Sentence, i: int) -> bool:
    words = sentence.words
    return not lx.COURT_SUBJECTS.isdisjoint(words[max(0, i - 6) : i])


# a refusal's object ends the search for a claim noun (the pronouns and articles do not)
_REFUSAL_NOUNS = lx.REFUSAL_OBJECTS - _OBJECT_PRONOUNS - {"a", "an", "her"}


# a refusal noun that names a party before these ("a rights group's report"), no refusal
_PARTY_AFTER_REFUSAL_NOUN = lx._forms(
    "group group's groups groups' organisation organisation's organization organization's "
    "watchdog watchdog's activists activist campaigners lawyers"
)


def _claim_noun_after(sentence: Sentence, i: int, limit: int = 7) -> bool:
    words = sentence.words
    for j in range(i + 1, min(len(words), i + 1 + limit)):
        if words[j] in _REFUSAL_NOUNS:
            if words[j + 1 : j + 2] and words[j + 1] in _PARTY_AFTER_REFUSAL_NOUN:
                continue
            return False
        if words[j] in lx.CLAIM_NOUNS:
            return True
    return False


_REFUSED_AFTER_DENIAL_OF = lx.REFUSAL_OBJECTS | {"service"}  # "denial of service"
# a verb after a refusal noun makes it a clause's subject: "denied its appeal had been leaked"
_CLAUSE_VERBS = lx._forms("was were is are had has have been be")
# what one is refused, a wrong its subject ("denied a torture inquiry", "a fraud trial date")
_PROCESS_NOUNS = lx._forms(
    "inquiry inquiries probe probes hearing hearings trial trials inquest inquests tribunal "
    "investigation investigations date review case cases commission prosecution"
)
# what a headline's "<noun> denied" refuses ("Visa denied for chess champion", "bail denied"):
# a refusal, not a denial of a claim ("Secret deal denied" may be one, so not every refusal noun)
_REFUSED_BEFORE_DENIED = lx._forms(
    "entry visa visas bail access permission asylum parole appeal appeals bid bids request "
    "requests application applications extradition petition licence license penalty goal"
)


def _deny_cue(sentence: Sentence, i: int) -> Cue | None:
    words = sentence.words
    word = words[i]
    if word in ("denial", "denials"):
        before = words[i - 1] if i else ""
        if before in lx.DENIALISM_BEFORE or before == "in":
            return Cue("denial", sentence, i, "-denial:denialism", 0.0)
        after = words[i + 1 : i + 3]
        if after[:1] == ["of"] and (after[1:] and after[1] in _REFUSED_AFTER_DENIAL_OF):
            return Cue("denial", sentence, i, "-denial:of-refusal-object", 0.0)
        return Cue("denial", sentence, i, "denial:noun", 0.85)
    if negated(sentence, i) or (i and words[i - 1] == "or" and negated(sentence, i - 1, 6)):
        return Cue("denial", sentence, i, "-deny:negated", 0.0)
    # a claim anywhere before ("Allegations of bribes for visa denied", "Claims that the
    # penalty was bought were denied by the union"): what is denied is the claim
    claim_before = _claim_among(words, 0, i)
    if word == "denied" and i and words[i - 1] in _REFUSED_BEFORE_DENIED and not claim_before:
        return Cue("denial", sentence, i, "-deny:refused-subject", 0.0)
    if i > 1 and words[i - 1] in ("or", "nor") and words[i - 2].startswith("confirm"):
        # "no authority has confirmed or denied it", "could not confirm or deny": no one denied
        return Cue("denial", sentence, i, "-deny:confirm-or-deny", 0.0)
    j, nxt = _next_content(words, i)
    passive = i and words[i - 1] in ("was", "were", "been", "being", "is", "are", "be")
    claim_subject = _claim_among(words, max(0, i - 6), i)
    if passive and "by" not in words[i + 1 : i + 3] and not claim_subject:
        return Cue("denial", sentence, i, "-deny:passive-refusal", 0.0)
    by_agent = words[i + 1 : i + 2] == ["by"]
    if (passive or claim_subject) and _court_agent(words, i) and not _accusations(words, i):
        # "claims denied by the court": a ruling, not a denial (not "by a court spokesman",
        # nor allegations about a judge "denied by the judge")
        return Cue("denial", sentence, i, "-deny:ruling", 0.0)
    if by_agent and claim_subject:  # "claims that staff abused residents were denied by"
        return Cue("denial", sentence, i, "denied+passive-claim", 0.9)
    if by_agent and not claim_before and _own_claim(words, max(0, i - 6), i):
        return Cue("denial", sentence, i, "-deny:passive-refusal", 0.0)  # "refund claims"
    if (
        passive
        and not claim_before
        and not _REFUSED_BEFORE_DENIED.isdisjoint(words[max(0, i - 6) : i])
    ):
        # "a stoppage-time goal by the striker was denied by VAR": a refusal, its agent named
        return Cue("denial", sentence, i, "-deny:refused-subject", 0.0)
    if j == -1:
        return Cue("denial", sentence, i, "deny:intransitive", 0.85)
    if nxt in _REFUSED_KINDS and j + 1 < len(words):
        nxt = words[j + 1]  # "denied a new trial", "denies further appeals", "a new report"
    if nxt in lx.CLAIM_NOUNS or nxt in ("that", "any", "it", "this", "these", "reports"):
        return Cue("denial", sentence, i, "deny+claim", 0.95)
    # "denied any request for money had been made", "denies asylum quota report": the noun
    # opens a claim, not what was refused
    opens_claim = not _CLAUSE_VERBS.isdisjoint(words[j + 1 : j + 5]) or not (
        lx.CLAIM_NOUNS.isdisjoint(words[j + 1 : j + 3])
    )
    if nxt in lx.REFUSAL_OBJECTS and nxt not in _OBJECT_PRONOUNS and opens_claim:
        return Cue("denial", sentence, i, "deny+claim", 0.95)
    if nxt in _OBJECT_PRONOUNS or nxt in lx.REFUSAL_OBJECTS:
        return Cue("denial", sentence, i, "-deny:refusal-object", 0.0)
    ahead = words[j : j + 3]
    if (
        not _REFUSAL_NOUNS.isdisjoint(ahead[1:])
        and lx.CLAIM_NOUNS.isdisjoint(words[j : j + 4])
        and not lx.names_wrongdoing(words[j : j + 4])
        and _CLAUSE_VERBS.isdisjoint(words[j : j + 5])
    ):
        return Cue("denial", sentence, i, "-deny:refusal-object", 0.0)  # "denied late penalty"
    if i + 1 < len(words) and words[i + 1] in ("a", "an"):
        ahead = words[i + 2 : i + 6]
        clause = any(w in ("was", "were", "is", "are", "had", "has") for w in ahead)
        if lx.names_wrongdoing(ahead[:2]) and _PROCESS_NOUNS.isdisjoint(ahead[1:3]):
            return Cue("denial", sentence, i, "deny+act", 0.9)  # "denied a cover-up"
        if not clause and lx.CLAIM_NOUNS.isdisjoint(ahead):
            return Cue("denial", sentence, i, "-deny:deprived-of", 0.0)
    if sentence.capitalised(j) and any(w in ("a", "an", "the") for w in words[j + 1 : j + 4]):
        following = words[j + 1 : j + 5]
        if lx.CLAIM_NOUNS.isdisjoint(following):
            return Cue("denial", sentence, i, "-deny:ditransitive", 0.0)
    if nxt.endswith("ing") and not lx.CLAIM_NOUNS.isdisjoint(words[j + 1 : j + 3]):
        return Cue("denial", sentence, i, "deny+claim", 0.95)  # "denied the dating rumours"
    if nxt.endswith("ing") or lx.names_wrongdoing(words[j : j + 2]):  # "denies match-fixing"
        return Cue("denial", sentence, i, "deny+act", 0.9)
    return Cue("denial", sentence, i, "deny:other-object", 0.7)


# before a word that is a noun as well as a verb ("dispute", "challenge", "counter"): its
# noun ("a dispute over claims", "head off dispute", "a legal challenge to the claims")
_NOUN_BEFORE = lx._forms(
    "a an the its their his her our your trade legal bitter long-running lengthy "
    "off over in into of amid after before pay border contract labor labour territorial "
    "court diplomatic"
)
_VERB_AND_NOUN = lx._forms("dispute disputes challenge challenges counter contest contests blast")


def _reject_cue(sentence: Sentence, i: int) -> Cue | None:
    if negated(sentence, i) or _court_subject(sentence, i):
        return None
    words = sentence.words
    if words[i] in _VERB_AND_NOUN and i and words[i - 1] in _NOUN_BEFORE:
        return None
    reason = _rejected_claim(words, i, sentence)
    if reason is None:
        return None
    # (the word's place is read only now, for the few that reject a claim)
    end = sentence.spans[i][1]
    if sentence.text[end : end + 1] == "-":
        return None  # "counter-terrorism", "blast-proof": a prefix, no verb
    if i and sentence.field != "title" and sentence.capitalised(i):
        return None  # "the Counter Terrorism Command": a name (headlines capitalise verbs)
    return Cue("denial", sentence, i, reason, 0.85)


# claims one makes for oneself, not about anyone: "the insurance claim", "her asylum claim"
_OWN_CLAIM_KINDS = lx._forms(
    "insurance asylum pay wage compensation benefit benefits damages expenses tax refund visa "
    "patent title land territorial pension injury warranty refund penalty handball offside"
)
_ACCUSING_CLAIM_NOUNS = lx._forms(
    "claim claims allegation allegations accusation accusations report reports rumour rumours "
    "rumor rumors charge charges story stories suggestion suggestions"
)


# a sentence that accuses before its "— a charge disputed by X"
_ACCUSING_WORDS = lx.ACCUSE | lx._forms("charged charging claimed")  # not "a penalty claim"
# who rules rather than denies: "a handball claim rejected by the referee"
_RULING_AGENTS = lx.COURT_SUBJECTS | lx._forms("referee referees umpire umpires var")
_AFTER_A_HEAD = lx._forms(
    "in on at of for last this earlier later after before during who which that and as but "
    "when yesterday today"
)


def _court_agent(words: list[str], i: int) -> bool:
    """The by-phrase after word i is headed by a court, a judge, a jury or a referee
    ("denied by the court", "by a federal judge", "by the referee"; not "by a court
    spokesman", "by the Justice Ministry", "by the court's press office")."""
    if words[i + 1 : i + 2] != ["by"]:
        return False
    for k in range(i + 2, min(len(words), i + 6)):
        if words[k] in _RULING_AGENTS:
            # it heads the phrase: nothing follows, or a word that opens another phrase
            # ("the court last year", "a judge in Texas"; not "the referees' union")
            after = words[k + 1 : k + 2]
            return not after or after[0] in _AFTER_A_HEAD
    return False


def _accusations(words: list[str], i: int) -> bool:
    """An allegation or accusation heads what word i denies ("Allegations of bias were
    denied by the judge": the judge denies a claim about himself)."""
    return not _ACCUSATION_NOUNS.isdisjoint(words[max(0, i - 6) : i])


_ACCUSATION_NOUNS = lx._forms("allegation allegations accusation accusations")


def _for_oneself(words: list[str], k: int) -> bool:
    """The claim noun at k is one made for oneself: "refund claims", "the insurance claim"."""
    return k > 0 and words[k - 1] in _OWN_CLAIM_KINDS


def _own_claim(words: list[str], start: int, end: int) -> bool:
    """A claim one makes for oneself among words[start:end] ("refund claims")."""
    return any(words[k] in lx.CLAIM_NOUNS and _for_oneself(words, k) for k in range(start, end))


def _claim_among(words: list[str], start: int, end: int) -> bool:
    """A claim noun among words[start:end] that is no claim one makes for oneself ("the
    claims", not "insurance claims", "refund claims")."""
    near = max(start, end - _NEAR_CLAIM)
    if any(words[k] in lx.CLAIM_NOUNS and not _for_oneself(words, k) for k in range(near, end)):
        return True
    # further back, any claim noun (a set test that stops at the first: a hostile item
    # repeats a cue for pages)
    return not lx.CLAIM_NOUNS.isdisjoint(words[start:near])


_NEAR_CLAIM = 30


def _claim_subject(words: list[str], aux: int) -> bool:
    """A claim about someone heads the subject that ends at `aux` ("Claims were", "The
    allegations were", "Claims that the chain sold horse meat … were"; not "The insurance
    claim was", "Claims for compensation were", "A statement … said the proposal was")."""
    if aux >= 1 and words[aux - 1] in _ACCUSING_CLAIM_NOUNS:
        return not _for_oneself(words, aux - 1)
    k = 0
    while k < aux and words[k] in ("the", "a", "an", "these", "those", "such", "new", "fresh"):
        k += 1
    if k >= aux or words[k] not in _ACCUSING_CLAIM_NOUNS:
        return False
    following = words[k + 1 : k + 2]
    if following == ["that"]:
        return True
    return following == ["of"] and lx.names_wrongdoing(words[k + 2 : aux])


def _rejected_claim(words: list[str], i: int, sentence: Sentence) -> str | None:
    """The reason when word i rejects a claim: a claim noun follows, or "as <evaluative>"."""
    if _claim_noun_after(sentence, i):
        return f"{words[i]}+claim-noun"
    if (
        i
        and words[i - 1] in lx.PASSIVE_AUXILIARIES
        and "by" in words[i + 1 : i + 3]
        and _claim_subject(words, i - 1)
        and lx.COURT_SUBJECTS.isdisjoint(words[i + 1 : i + 5])  # a ruling is no denial
    ):
        return f"{words[i]}+passive-claim"  # "claims that … were rejected by the company"
    if (
        i >= 2
        and words[i - 1] in _ACCUSING_CLAIM_NOUNS
        and not _for_oneself(words, i - 1)
        and words[i + 1 : i + 2] == ["by"]
        and words[i + 2 : i + 3] not in (["no"], ["nobody"], ["none"])
        and _RULING_AGENTS.isdisjoint(words[i + 1 : i + 5])
        # the sentence accuses first ("… had hidden losses -- a charge disputed by the
        # company"; not "a penalty claim -- a claim disputed by Chelsea players")
        and (not _ACCUSING_WORDS.isdisjoint(words[: i - 1]) or lx.names_wrongdoing(words[: i - 1]))
    ):
        return f"{words[i]}+passive-claim"  # "… -- a charge disputed by the company"
    # "dismissed the reports as baseless", "slammed it as propaganda"
    for j in range(i + 1, min(len(words), i + 9)):
        if words[j] == "as" and j + 1 < len(words):
            rest = words[j + 1 : j + 4]
            if not lx.EVALUATIVE.isdisjoint(rest):
                return f"{words[i]}+as-evaluative"
    return None


def _evaluative_cue(sentence: Sentence, i: int) -> Cue | None:
    words = sentence.words
    # "accused him of spreading lies" — within the same clause ("X accuses Y; Z calls it lies"
    # is an accusation answered by a denial)
    first = max(0, i - 8)
    if ";" in sentence.text:  # (else one clause: the words' places need not be read)
        spans = sentence.spans
        clause = sentence.text.rfind(";", 0, spans[i][0])
        while first < i and spans[first][0] < clause:
            first += 1
    window = words[max(first, i - 4) : i]
    accusing = not _ACCUSE_VERBS.isdisjoint(words[first:i])
    if accusing or not _SPREAD.isdisjoint(window):
        return Cue("denial", sentence, i, "-evaluative:accusation-of-lying", 0.0)
    if i + 1 < len(words) and words[i + 1] in _NOT_CLAIM_AFTER_EVAL:
        return None
    if words[i] == "lying" and i + 1 < len(words) and words[i + 1] in _LYING_PLACE:
        return None
    if (
        words[i] in ("lie", "lies")
        and i + 1 < len(words)
        and words[i + 1] in _LIES_WITH
        and not (i and words[i - 1] in _NOUN_LIES_AFTER)
    ):
        return None  # "responsibility lies with the PM", "the problem lies in": a verb
    quoted = sentence.quoted(i)
    predicative = not _COPULA.isdisjoint(words[max(0, i - 3) : i])
    about_claim = not lx.CLAIM_NOUNS.isdisjoint(words[max(0, i - 6) : i + 4])
    attributed = not lx.ATTRIBUTION.isdisjoint(sentence.word_set) or (
        sentence.field == "title" and ":" in sentence.text
    )
    if not (quoted or predicative or about_claim):
        return None
    if not (attributed or quoted):
        return None
    strength = 0.8 if (about_claim or quoted) and attributed else 0.6
    return Cue("denial", sentence, i, f"evaluative:{words[i]}", strength)


def _holds_any(lower: str, parts: tuple[str, ...]) -> bool:
    """Whether one of `parts` stands in `lower`: where an expression cannot match without one,
    a cheap test that spares running it."""
    return any(map(lower.__contains__, parts))  # (no generator frame: this runs often)


def _fact_check(lower: str) -> bool:
    """A sentence that opens like a fact-check's verdict: "No, X has not …"."""
    return lower.startswith("no, ")


# a fact-check's verdict on a line of its own ("FALSE", "Rating: Mostly False", "Verdict:
# Pants on Fire"; a bare verdict only in capitals, not a quiz's "False."): the outlet
# refutes the claim it quotes
_VERDICT = re.compile(
    r"^(?:(?i:rating|verdict|our\s+ruling|ruling)\s*[:\-–]\s*"
    r"(?i:(?:mostly|totally|completely)\s+)?(?i:false|fake|hoax|pants\s+on\s+fire)"
    r"|(?:MOSTLY\s+)?(?:FALSE|FAKE|HOAX))[.!]?$"
)


_VERDICT_WORDS = frozenset(("false", "fake", "hoax"))


def is_verdict(text: str) -> bool:
    """A fact-check's verdict line (`_VERDICT`)."""
    return len(text) <= 40 and _VERDICT.match(text) is not None


# a verdict that confirms, and the words of a quiz or a lesson, whose "FALSE" refutes no one
_TRUE_VERDICT = re.compile(
    r"^(?:(?i:rating|verdict|our\s+ruling|ruling)\s*[:\-–]\s*(?i:(?:mostly\s+)?true)"
    r"|(?:MOSTLY\s+)?TRUE)[.!]?$"
)
_QUIZ = re.compile(r"\b(?:quiz|question|answers?|statement|true\s+or\s+false|trivia)\b")
# what a fact-check page says around its verdict: the claim, where it was seen
_FACT_CHECK = re.compile(
    r"(?:^|\n)\s*claim\s*:|\bfact[\s-]?check|\bviral\b|\brumou?rs?\b|\borigins?\s*:"
    r"|\bcollected\s+via\b|\bexample\s*:|\bhoax\b|\bcirculat"
)


def verdicts_in_context(denials: list[Cue], parts: list[Sentence], title: str) -> list[Cue]:
    """`denials` without the verdict-line cues of an item that is no fact-check: one
    verdict, and the item quotes a claim ("Claim: …", a question for a headline) or says
    where it spread ("viral", "rumour", "Collected via email"); not a quiz's or a lesson's
    "FALSE" lines, nor an item with a "TRUE" line beside."""
    verdicts = [c for c in denials if c.index < 0 and is_verdict(c.sentence.text)]
    if not verdicts:
        return denials
    if len(verdicts) == 1 and not any(_TRUE_VERDICT.match(p.text) for p in parts):
        text = "\n".join(p.text for p in parts).lower()
        if _QUIZ.search(text) is None and (
            title.rstrip().endswith("?") or _FACT_CHECK.search(text) is not None
        ):
            return denials
    dropped = {id(c) for c in verdicts}
    return [c for c in denials if id(c) not in dropped]


def _verdict(sentence: Sentence) -> Cue | None:
    if not is_verdict(sentence.text):
        return None
    return Cue("denial", sentence, -1, "debunk-fact", 0.6, 0)


_DENIAL_TRIGGERS = lx.DENY | lx.REFUTE | lx.REJECT | lx.EVALUATIVE
_PHRASE_WORDS = lx._forms(
    "plead pleads pleaded pleading innocence innocent truth true untrue merit foundation basis "
    "nothing involved involvement happened happen responsible guilty evidence proof sign "
    "indication law laws rules shot hoax fake role part knowledge insist insists insisted "
    "insisting there real stolen accurate authentic genuine doctored photoshopped faked alive "
    "satire satirical parody spoof such affiliation confirmed misquoted context back motivated "
    "inaccurate erroneous made committed"
)


def denial_cues(sentence: Sentence) -> list[Cue]:
    """Every denial cue in the sentence, vetoed ones included (strength 0, reason '-...')."""
    cues: list[Cue] = []
    present = sentence.word_set & _DENIAL_TRIGGERS
    phrases = not _PHRASE_WORDS.isdisjoint(sentence.word_set) or _fact_check(sentence.lower)
    verdict = (
        _verdict(sentence)
        if not _VERDICT_WORDS.isdisjoint(present) or "fire" in sentence.word_set
        else None
    )
    if verdict is not None:
        return [verdict]
    if not present and not phrases:
        return cues
    words = sentence.words
    for i in [i for i, word in enumerate(words) if word in present]:
        word = words[i]
        cue: Cue | None = None
        if word in lx.DENY:
            cue = _deny_cue(sentence, i)
        elif word in lx.REFUTE:
            cue = None if negated(sentence, i) else Cue("denial", sentence, i, word, 0.9)
        elif word in lx.REJECT:
            cue = _reject_cue(sentence, i)
        elif word in lx.EVALUATIVE:
            cue = _evaluative_cue(sentence, i)
        if cue is not None:
            cues.append(cue)
    if not phrases:
        return cues
    lower = sentence.lower
    voiced = (
        not lx.ATTRIBUTION.isdisjoint(sentence.word_set)
        or bool(sentence.quotes)
        or sentence.field == "title"
    )
    for pattern, reason, strength, needs in _PHRASES:
        if not _holds_any(lower, needs):
            continue
        # the act itself speaks: a plea, one's innocence, hitting back at a claim
        speaks = reason in ("debunk-fact", "innocence") or reason.startswith("plea")
        for match in pattern.finditer(lower):
            if voiced or speaks or (reason == "hit-back+claim-noun" and _hits_back(match)):
                cues.append(Cue("denial", sentence, -1, reason, strength, match.start()))
    return cues


_BY_AN_AMOUNT = lx._forms("a an half about around some nearly almost more far over up")


def _by_a_party(after_by: list[str]) -> bool:
    """ "by the militia", "by guards"; not "by a fifth", "by 12 percent"."""
    return bool(after_by) and after_by[0] not in _BY_AN_AMOUNT and not after_by[0][:1].isdigit()


def _hits_back(match: re.Match[str]) -> bool:
    """ "hit back at claims": the act speaks; "pushed back against speculation" needs a voice
    (traders pushing back against rate-cut bets deny no one's claim)."""
    return match.group(0).startswith("hit")


# Reported atrocities attributed to a named party ("ISIS beheads …", "army shelled …").
_ATROCITY_VERBS = lx._forms(
    "behead beheads beheaded executed executes massacred massacres tortured tortures kidnapped "
    "kidnaps abducted abducts shelled shells bombed misused embezzled bribed defrauded rigged "
    "looted extorted assassinated dumped"
)
# deeds of violence: done to people or places ("beheaded two soldiers", "shelled the
# village"), not to a plan, a film's takings or the show
_VIOLENT_DEEDS = lx._forms(
    "behead beheads beheaded executed executes massacred massacres tortured tortures kidnapped "
    "kidnaps abducted abducts shelled shells bombed"
)
_EXECUTED = lx._forms("executed executes")
_SAID_OF_THINGS_TOO = _EXECUTED | lx._forms("bombed shelled shells tortured tortures")


def _passive(sentence: Sentence, i: int) -> bool:
    """Word i follows a form of "be" ("were kidnapped"; not "IS Beheads Briton", where IS is
    the Islamic State)."""
    if not i or sentence.words[i - 1] not in lx.PASSIVE_AUXILIARIES:
        return False
    start, end = sentence.spans[i - 1]
    return not sentence.text[start:end].isupper()


_VICTIM_WINDOW = 4  # words around the verb where whom it was done to is named


def _done_to_someone(sentence: Sentence, i: int) -> bool:
    """Whom the deed at word i was done to is named: a victim word or a name within a few
    words after it ("beheaded British aid worker David Haines"), a victim word just before
    it ("the girls the group kidnapped"), or the deed is passive (its victim is the subject:
    "were kidnapped", "girls kidnapped by Boko Haram")."""
    words = sentence.words
    before = range(max(0, i - _VICTIM_WINDOW), i)
    victim_before = any(words[j] in lx.VICTIMS for j in before)
    if _passive(sentence, i) or words[i + 1 : i + 2] == ["by"]:
        # the passive: its subject is the victim ("two reporters were kidnapped", "Aid
        # workers abducted by …"); a plan or an order is executed too ("the plan was
        # executed by the company"), so that one needs its victim near
        return (
            words[i] not in _EXECUTED
            or victim_before
            or any(j > 0 and sentence.capitalised(j) for j in before)
        )
    after = range(i + 1, min(len(words), i + 1 + _VICTIM_WINDOW))
    return (
        any(words[j] in lx.VICTIMS for j in after)
        # a name (in a title-case headline every word looks like one, so there a verb as
        # often said of a film, a plan or a game needs a victim word: "Film Bombed At Box
        # Office"; "ISIS Beheads James Foley" still names one)
        or (
            not (words[i] in _SAID_OF_THINGS_TOO and _title_case(sentence))
            and any(sentence.capitalised(j) for j in after)
        )
        or victim_before
    )


def _title_case(sentence: Sentence) -> bool:
    """Most of a headline's words of four letters or more are capitalised."""
    if sentence.field != "title":
        return False
    long = [start for start, end in sentence.spans if end - start >= 4]
    return len(long) >= 3 and sum(sentence.text[a].isupper() for a in long) >= 0.7 * len(long)


# "dumped" waste, not "dumped out of the cup" nor a partner
_DUMPED_OBJECTS = lx._forms("waste sewage chemicals effluent pollutants sludge pesticides")
# who dumps waste: a plant or an institution (not "Hurricane Ida", nor "investors")
_POLLUTERS = lx._forms("factory factories plant plants mill refinery refineries farm farms")
# "rigged" a vote or a match, not platforms with moorings
_RIGGED_OBJECTS = lx._forms(
    "vote votes election elections ballot ballots poll polls match matches game games bid bids "
    "auction contract contracts tender tenders lottery race referendum prices price rates "
    "result results count"
)
# "a UN report said the militia committed war crimes": a deed of wrong laid at a party's door
_COMMITTED = lx._forms("commit commits committed committing")
# "reports of torture", "rumours that the vote was rigged": a claim of wrong, whoever made it
_REPORT_NOUNS = lx._forms("report reports rumour rumours rumor rumors")
# (not among the trigger words: both need a wrongdoing word too, which `could_match` asks
# only of an item with no trigger word; "report" alone opens the gate of too many items)
_CLAIMED_DEEDS = _COMMITTED | _REPORT_NOUNS


_ALLEGATION_TRIGGERS = lx.ACCUSE | lx._forms(
    "claim claims claimed claiming suspected suspect suspects responsible behind charge charges"
)
_SUIT_WORDS = lx._forms("suit suits")
_ATTRIBUTED_OR_HELD = lx.ATTRIBUTION | lx._forms("hold held holds")  # "…, held responsible"
_CALLED_A = re.compile(
    # (not a name: "the film is called A Liar in Paris")
    r"(?<!\bis )(?<!\bwas )(?<!\bare )(?<!\bwere )(?<!\bbe )(?<!\bbeen )"
    r"\b(?:call(?:s|ed|ing)?|branded|brands|labell?ed)\s+(?:[\w'’.-]+\s+){0,4}?"
    # "a liar", "them liars" (not "called for witnesses after a thief stole a car")
    r"(?:an?\s+(?:\w+\s+)?(?:liar|crook|criminal|thief|murderer|cheat)"
    r"|(?:them|those|these)\s+(?:\w+\s+)?(?:liars|crooks|criminals|thieves|murderers|cheats))\b"
    # the name ends its phrase ("a cheat.", "a liar over …"; not "a cheat code")
    r"(?=\s*(?:[.,;:!?\"”’)]|$)|\s+(?:and|or|over|for|in|on|after|during|because|to|at)\b)"
)
_ALLEGATION_CONTEXT = (
    lx.CHARGE_FORMS
    | _ATROCITY_VERBS
    | lx.NAMES_CALLED
    | lx._forms(
        "arrested arrest arrests detained held jailed face faces faced facing plead pleads pleaded "
        "pleading innocence"
    )
)


def allegation_cues(sentence: Sentence) -> list[Cue]:
    cues: list[Cue] = []
    word_set = sentence.word_set
    present = word_set & _ALLEGATION_TRIGGERS
    investigation = "investigat" in sentence.lower
    if (
        not present
        and not investigation
        and _ALLEGATION_CONTEXT.isdisjoint(word_set)
        and _CLAIMED_DEEDS.isdisjoint(word_set)
        and _SUIT_WORDS.isdisjoint(word_set)
    ):
        return cues
    words = sentence.words
    lower = sentence.lower
    claimed_not_wrong = "claim" in lower and _CLAIMED_NOT_WRONG.search(lower) is not None
    for i in [i for i, word in enumerate(words) if word in present]:
        word = words[i]
        if word in lx.ACCUSE:
            if negated(sentence, i, 3):
                cues.append(Cue("allegation", sentence, i, f"-{word}:negated", 0.0))
                continue
            if word in _BLAME and _blames_a_cause(words, i):
                # "human error is to blame", "blamed the lack of trust": a cause, no party
                cues.append(Cue("allegation", sentence, i, "-blame:cause", 0.0))
                continue
            if word in _SUE and words[max(0, i - 2) : i] == ["standing", "to"]:
                cues.append(Cue("allegation", sentence, i, "-sue:standing", 0.0))
                continue  # "have no standing to sue": who may go to court, not an accusation
            strength = 0.9
            if word in _ACCUSE_WEAK_ALONE and not _wrongdoing_near(words, i, 12):
                strength = 0.45  # "accused of miscalculation", "blamed the weather", "alleged bug"
            if word in ("allegedly", "reportedly", "purportedly"):
                strength = 0.75 if _wrongdoing_near(words, i, 10) else 0.0
            elif word in ("sue", "sues", "sued", "suing", "lawsuit", "lawsuits"):
                strength = 0.8
            elif word == "accused" and i and words[i - 1] == "the":
                strength = 0.6  # "the accused": a defendant, so charges were brought
            if strength:
                cues.append(Cue("allegation", sentence, i, f"accuse:{word}", strength))
        elif word in lx.CLAIM_VERBS and word.startswith("claim"):
            following = words[i + 1 : i + 2]
            own_deed = following == ["to"] or not _OWN_DEEDS.isdisjoint(words[i + 1 : i + 3])
            if claimed_not_wrong or own_deed:  # "claims attack", "claimed to have bombed"
                cues.append(Cue("allegation", sentence, i, "-claim:not-wrongdoing", 0.0))
            elif following and following[0] in ("against", "by") and i > 0:
                cues.append(Cue("allegation", sentence, i, "claim-against", 0.7))
            elif _wrongdoing_near(words, i, 12):
                cues.append(Cue("allegation", sentence, i, "claim+wrongdoing", 0.7))
        elif word in ("suspected", "suspect", "suspects") and _wrongdoing_near(words, i, 5):
            cues.append(Cue("allegation", sentence, i, "suspect+wrongdoing", 0.7))
        elif (
            word in ("responsible", "behind")
            and _wrongdoing_near(words, i, 8)
            and not _ATTRIBUTED_OR_HELD.isdisjoint(word_set)
        ):
            cues.append(Cue("allegation", sentence, i, f"{word}+wrongdoing", 0.65))
        elif (
            word in ("charge", "charges")
            and not (i and words[i - 1] in _IN_CHARGE)
            and _wrongdoing_near(words, i, 4)
        ):
            cues.append(Cue("allegation", sentence, i, "charge+wrongdoing", 0.8))
    for match in _CHARGE_CONTEXT.finditer(lower) if _holds_any(lower, _CHARGE_NEEDS) else ():
        if _NO_ONE_CHARGED.search(lower, max(0, match.start() - 40), match.end()):
            # "no one has been charged", "police have not charged anyone": no accusation
            cues.append(Cue("allegation", sentence, -1, "-charges:negated", 0.0, match.start()))
            continue
        cues.append(Cue("allegation", sentence, -1, "charges", 0.85, match.start()))
    if "suit" in lower:
        for match in _SUIT.finditer(lower):
            cues.append(Cue("allegation", sentence, -1, "suit", 0.8, match.start()))
    if investigation:
        for i, word in enumerate(words):
            if word.startswith("investigat") and _wrongdoing_near(words, i, 6):
                cues.append(Cue("allegation", sentence, i, "investigation+wrongdoing", 0.6))
    for pattern, reason, _strength, needs in _PHRASES[:2]:
        if _holds_any(lower, needs) and pattern.search(lower):
            cues.append(Cue("allegation", sentence, -1, f"{reason}:implies-charges", 0.8))
    if (sentence.field == "title" or sentence.index < 3) and not _ATROCITY_VERBS.isdisjoint(words):
        for i in [i for i, word in enumerate(words) if word in _ATROCITY_VERBS]:
            if words[i] == "rigged" and _RIGGED_OBJECTS.isdisjoint(words[i + 1 : i + 4]):
                continue
            if words[i] == "dumped" and (
                _DUMPED_OBJECTS.isdisjoint(words[i + 1 : i + 4]) or not _polluter(words, i)
            ):
                continue
            if words[i + 1 : i + 2] == ["out"]:
                continue  # "shelled out $2m", "bombed out"
            if words[i] in _VIOLENT_DEEDS and not _done_to_someone(sentence, i):
                continue  # "bombed at the box office", "executed its plan", "tortured a pass"
            # a doer named before the deed, or after it in the passive ("were kidnapped by
            # gunmen"); a polluter dumps
            if i and (
                words[i] == "dumped"
                or _has_agent(sentence, i)
                or (
                    words[i + 1 : i + 2] == ["by"]
                    and (_passive(sentence, i) or sentence.field == "title")
                )
            ):
                cues.append(Cue("allegation", sentence, i, f"atrocity:{words[i]}", 0.6))
    if not lx.NAMES_CALLED.isdisjoint(word_set):
        for match in _CALLED_A.finditer(lower):
            verb = _token_at(sentence, match.start())
            if verb is not None and _names_a_party(sentence, verb, match.end()):
                cues.append(Cue("allegation", sentence, verb, "called-liar", 0.7))
    if not _COMMITTED.isdisjoint(word_set) and not lx.ATTRIBUTION.isdisjoint(word_set):
        for i in [i for i, word in enumerate(words) if word in _COMMITTED]:
            # not "committed to fighting corruption", nor "had committed no crime" (a denial)
            if words[i + 1 : i + 2] in (["to"], ["no"], ["nothing"], ["any"]):
                continue
            if lx.names_wrongdoing(words[i + 1 : i + 5]) and not negated(sentence, i, 3):
                cues.append(Cue("allegation", sentence, i, "committed+wrongdoing", 0.6))
    if not _REPORT_NOUNS.isdisjoint(word_set):
        for i in [i for i, word in enumerate(words) if word in _REPORT_NOUNS]:
            # a report that a party did wrong, or of a wrong by a party ("reports that guards
            # tortured prisoners", "reports of abuse by guards"), not a report of crime figures
            following = words[i + 1 : i + 10]
            by_party = following[:1] == ["of"] and any(
                word == "by" and _by_a_party(following[k + 1 : k + 2])
                for k, word in enumerate(following)
            )
            if (following[:1] == ["that"] or by_party) and lx.names_wrongdoing(following):
                cues.append(Cue("allegation", sentence, i, "report+wrongdoing", 0.55))
    if _holds_any(lower, _ARREST_NEEDS) and lx.names_wrongdoing(words):
        for match in _ARREST.finditer(lower):
            cues.append(Cue("allegation", sentence, -1, "arrest+wrongdoing", 0.6, match.start()))
    return cues


_BLAME = lx._forms("blame blames blamed blaming")
_SUE = lx._forms("sue")
# what is blamed when no one is: causes, conditions and mishaps ("the weather", "human
# error", "a gas leak", "the lack of trust", "the loss of a whole side")
_CAUSES = lx._forms(
    "lack loss losses error errors failure failures activity activities apathy leak leaks "
    "weather conditions virus viruses bug bugs glitch glitches fault faults flaw flaws heat "
    "cold rain rains storm storms drought floods flooding demand prices costs inflation "
    "economy slowdown climate warming fatigue injury injuries mistake mistakes accident "
    "accidents luck pressure stress complacency fog ice snow wind winds malfunction outage "
    "outages shortage shortages overcrowding congestion traffic smoking diet obesity genes "
    "genetics age disease illness infection mismatch miscommunication misunderstanding"
)
_BE = frozenset("is are was were be been being may might could can also partly largely".split())
_CAUSE_MODIFIERS = lx._forms(
    "human mechanical technical bad poor heavy high low rising falling computer software power "
    "gas electrical engine pilot driver operator weak strong extreme severe"
)
_DETERMINERS = frozenset("the a an its his her their our this that these those".split())


def _blames_a_cause(words: list[str], i: int) -> bool:
    """The blame at token i falls on a cause, not a party: "X (is) to blame (for …)" or "X
    blamed for" with a cause among the few words of X, or "blamed (on) Y" with a cause
    heading Y ("human error", "the lack of trust"); "blamed the loss on Turkish aggression"
    and "led voters to blame the government" blame a party."""
    following = words[i + 1 : i + 2]
    to_blame = i > 0 and words[i - 1] == "to" and following in ([], ["for"])
    if to_blame or following == ["for"]:
        j = i - 1 if to_blame else i
        while j > 0 and words[j - 1] in _BE:
            j -= 1
        return not _CAUSES.isdisjoint(words[max(0, j - 4) : j])
    on = next((k for k in range(i + 1, min(len(words), i + 10)) if words[k] == "on"), -1)
    k = (on if on >= 0 else i) + 1  # "blamed the loss on X": X is the one blamed
    while k < len(words) and words[k] in _DETERMINERS:
        k += 1
    ahead = words[k : k + 2]
    if not ahead:
        return False
    if ahead[0] in _CAUSES:
        return True
    # "blamed human error", "blamed bad weather", not "blamed Iranian activity"
    return len(ahead) == 2 and ahead[0] in _CAUSE_MODIFIERS and ahead[1] in _CAUSES


_AGENT_NOUNS = lx._forms("militants rebels forces troops")


_ONESELF = lx._forms("himself herself itself themselves myself yourself ourselves")


def _token_at(sentence: Sentence, char: int) -> int | None:
    """The index of the word that starts at `char`."""
    for k, (start, _end) in enumerate(sentence.spans):
        if start == char:
            return k
        if start > char:
            break
    return None


def _names_a_party(sentence: Sentence, verb: int, end: int) -> bool:
    """The one "called a liar" is a party: a name, a pronoun for one, an institution or a
    person ("called the president a liar"), not oneself nor a thing ("called inflation a
    thief in the night"); and the calling is not negated ("never called anyone a liar")."""
    if negated(sentence, verb, 4):
        return False
    named = [k for k, (start, _e) in enumerate(sentence.spans) if verb < k and start < end][:-1]
    words = sentence.words
    if not named or not _ONESELF.isdisjoint(words[k] for k in named):
        return False
    for k in named:
        word = words[k]
        if (
            sentence.capitalised(k)
            or word in ("him", "her", "them", "those", "these")
            or word in lx.INSTITUTIONS
            or word in lx.PRIVATE_MARKERS
            or word in _PEOPLE_NAMED
        ):
            return True
    return False


_PEOPLE_NAMED = lx._forms(
    "rival rivals opponent opponents predecessor successor colleague colleagues critic critics "
    "partner"
)


def _polluter(words: list[str], i: int) -> bool:
    before = words[max(0, i - 4) : i]
    return not (_POLLUTERS.isdisjoint(before) and lx.INSTITUTIONS.isdisjoint(before))


def _has_agent(sentence: Sentence, i: int) -> bool:
    """A capitalised name (or 'the army', 'militants', …) acts just before the verb."""
    before = sentence.words[max(0, i - 4) : i]
    if any(w in lx.INSTITUTIONS or w in _AGENT_NOUNS for w in before):
        return True
    return sentence.capitalised(i - 1) and sentence.words[i - 1] not in (
        "was",
        "were",
    )


def _wrongdoing_near(words: list[str], i: int, window: int) -> bool:
    return lx.names_wrongdoing(words[max(0, i - window) : i + window + 1])


ALL_TRIGGERS = (
    _DENIAL_TRIGGERS | _PHRASE_WORDS | _ALLEGATION_TRIGGERS | _ALLEGATION_CONTEXT | _SUIT_WORDS
)


# A word between spaces is one `_GATE_WORD` finds whole: when one of these is, the gate is
# open without reading the text's words (most items that match have one).
_SPACED_TRIGGERS = frozenset(w for w in ALL_TRIGGERS if _GATE_WORD.fullmatch(w))


def could_match(lower_text: str) -> bool:
    """Item-level gate: False when no rule could fire anywhere in the text (most news)."""
    if "investigat" in lower_text or "no, " in lower_text:
        return True
    if not _SPACED_TRIGGERS.isdisjoint(lower_text.split()):
        return True
    words = (ASCII_WORD if lower_text.isascii() else _GATE_WORD).findall(lower_text)
    if not ALL_TRIGGERS.isdisjoint(words):
        return True
    # "a UN report said the militia committed war crimes": no cue word but a deed of wrong
    return not _CLAIMED_DEEDS.isdisjoint(words) and lx.names_wrongdoing(words)
