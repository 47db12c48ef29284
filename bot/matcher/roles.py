"""Who alleged, who is accused, who denied, what the claim is, and whether the denier is
official (pure, surface rules: subject before the cue, `by`-agents, trailing attribution,
headline prefixes)."""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from bot.matcher import lexicon as lx
from bot.matcher.english import Cue, is_verdict
from bot.matcher.segment import Sentence

MAX_ACTOR_WORDS = 8
# Where a clause breaks: punctuation, a spaced hyphen, or one of the words (that, which,
# who, whom, and, but, while, after, when, as, because, since, although, though, where, if,
# said, says). Each match opens with a character of one class (the punctuation, a space, the
# words' first letters), which the regex engine skips to instead of trying every position
# (about twice as fast); a lookbehind then tells which alternative the character opened.
_CLAUSE_BREAK = re.compile(
    r"[,;:()\"“”«»—–\stwabsi](?:(?<=[,;:()\"“”«»—–])|(?<=\s)-\s"
    r"|(?<!\w.)(?:(?<=t)(?:hat|hough)|(?<=w)(?:hich|ho|hom|hile|hen|here)"
    r"|(?<=a)(?:nd|fter|s|lthough)|(?<=b)(?:ut|ecause)|(?<=s)(?:ince|aid|ays)|(?<=i)f)\b)",
    re.IGNORECASE,
)
_NOISE_WORDS = (
    r"has|have|had|also|again|further|on|last|this|earlier|later|yesterday|today|tuesday"
    r"|monday|wednesday|thursday|friday|saturday|sunday|\w+ly|is|are|was|were|been|being|will"
    r"|would|to|quickly|swiftly|angrily|once|previously|immediately|in\s+a\s+statement"
    r"|now|stands?|stood"  # "his carer now stands accused"
)
# Noise words ending a phrase, each after spaces: (?:\s+(?:NOISE))+$ written so that a match
# opens with one space character, which the regex engine skips to instead of trying every
# position (the same matches, ~1.5x faster; tests check it)
_TRAILING_NOISE = re.compile(
    rf"\s(?:\s*(?:{_NOISE_WORDS})(?:\s+(?:{_NOISE_WORDS}))*)$", re.IGNORECASE
)
_LEADING_NOISE = re.compile(
    r"^(?:(?:the|a|an|but|and|however|meanwhile|also|yet|so|then|now|in|on|at|for|with|as"
    r"|while|when|after|before|since|though|although|because|both|even|still)\s+)+",
    re.IGNORECASE,
)
_PRONOUNS = frozenset("he she it they we i you this that these those who which".split())
_TRAILING_SPEAKER = re.compile(
    r"[,”\"’]\s*(?:the\s+)?([^,.;“”\"]{2,80}?)\s+(?:said|says|added|told|stated|insisted"
    r"|wrote|tweeted|declared)\b",
    re.IGNORECASE,
)
_SPEAKER_FIRST = re.compile(
    r"^(?:the\s+)?([^,;:“”\"]{2,80}?)\s+(?:said|says|say|told|stated|insisted|added|called|calls"
    r"|described|branded|dismissed|slammed|denied|denies|rejected|rejects|confirmed|explained"
    r"|argued|wrote|maintained|maintains)\b",
    re.IGNORECASE,
)
# "The actor posted a video on Instagram saying the rumours were made up": the subject of a
# sentence whose "saying" clause speaks
_SAYING_SPEAKER = re.compile(
    r"^(?:the\s+)?([^,;:“”\"]{2,60}?)\s+(?:posted|wrote|tweeted|responded|replied|reacted"
    r"|appeared|spoke|went|issued|released|shared|took\s+to|hit\s+back)\b[^;:“”\"]{0,80}?"
    r"\bsaying\b",
    re.IGNORECASE,
)
_APPOSITION = re.compile(
    r"^([A-Z][^,]{1,60}),\s*(?:a|an|the)\s+([^,]{2,80}),\s+(?:said|says|told|added|insisted)\b"
)
# "according to a statement released by the city council": the council speaks
_ACCORDING = re.compile(
    r"\baccording\s+to\s+(?:(?:a|an|the)\s+)?(?:(?:statement|press\s+release|release|letter"
    r"|communiqu[eé])\s+(?:(?:released|issued|published|put\s+out|sent)\s+)?(?:by|from)\s+"
    # "a statement from last week by the ministry": the time, then its author
    r"(?:(?:(?:last|this|earlier|next)\s+\w+|yesterday|today|\w+day)\s+by\s+)?"
    r"(?:the\s+)?)?([^,.;]{2,60})",
    re.IGNORECASE,
)
# the agent runs to a clause's end, or to what follows the agent ("… by the ministry as
# politically motivated", "… by the club on Monday")
_BY_AGENT = re.compile(
    r"\bby\s+(?:the\s+)?([^,.;]{2,60}?)(?=\s+(?:as|on|after|because|when|while|last|this"
    r"|yesterday|today)\b|[,.;]|$)",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(r"^([^:]{2,50}):\s")
_CLAIM_END = re.compile(r"[.;!?]|,\s*(?:the|a|an|his|her|its|their|[A-Z])|\s+(?:said|says)\b")
_PERSON_NAME = re.compile(r"^(?:[A-Z][a-z'’\-]+\s){1,2}[A-Z][a-z'’\-]+$")


def _clean(phrase: str) -> str:
    phrase = " ".join(phrase.split()).strip(" ,.;:'\"“”‘’-")
    previous = None
    while previous != phrase:
        previous = phrase
        phrase = _LEADING_NOISE.sub("", phrase)
        phrase = _TRAILING_NOISE.sub("", phrase).strip(" ,.;:'\"“”‘’-")
    words = phrase.split()
    return " ".join(words[-MAX_ACTOR_WORDS:])


_CLAIM_THEN_SUBJECT = re.compile(
    r"[,;(—–-]\s*(?:a|an|the)\s+(?:claim|claims|charge|charges|allegation|allegations"
    r"|accusation|accusations|report|reports|suggestion|assertion|story)\s+"
    r"(?:which\s+|that\s+)?(?P<who>[^,;:]{2,60}?)\s*(?:strongly\s+|flatly\s+|also\s+)?$",
    re.IGNORECASE,
)


def subject_before(sentence: Sentence, char: int) -> str:
    """The phrase just before `char`, back to the nearest clause break; for a relative
    clause ("the Royal Navy, who earlier denied") the phrase the clause hangs on."""
    before = sentence.text[:char]
    reduced = _CLAIM_THEN_SUBJECT.search(before)
    if reduced:  # "…, a claim Conal denies": the claim's denier stands right after it
        return _clean(reduced.group("who"))
    breaks = list(_CLAUSE_BREAK.finditer(before))
    if not breaks:
        return _clean(before)
    last = breaks[-1]
    phrase = _clean(before[last.end() :])
    if not phrase and last.group(0).lower() in ("who", "which", "that"):
        head = before[: last.start()].rstrip(" ,")
        earlier = list(_CLAUSE_BREAK.finditer(head))
        return _clean(head[earlier[-1].end() :] if earlier else head)
    return phrase


def _object_after(sentence: Sentence, char: int, stops: tuple[str, ...]) -> str:
    after = sentence.text[char:]
    words = []
    for word in after.split():
        bare = word.strip(",.;:\"“”'’").lower()
        if bare in stops or word.endswith((",", ";", ".")):
            words.append(word.rstrip(",.;"))
            if bare in stops:
                words.pop()
            break
        words.append(word)
        if len(words) >= MAX_ACTOR_WORDS:
            break
    return _clean(" ".join(words))


def speaker(sentence: Sentence) -> str:
    """Who is speaking in a sentence: trailing ('…, the ministry said'), leading ('X said …'),
    'according to X', or a headline prefix ('Kremlin: …')."""
    patterns: tuple[re.Pattern[str], ...] = (
        _TRAILING_SPEAKER,
        _ACCORDING,
        _SPEAKER_FIRST,
        _SAYING_SPEAKER,
    )
    if sentence.field == "title":
        patterns = (_TITLE_PREFIX, *patterns)
    for pattern in patterns:
        found = pattern.search(sentence.text)
        if found:
            return _clean(found.group(1))
    return ""


def cue_char(cue: Cue) -> int:
    """Where a cue stands in its sentence (characters)."""
    if cue.index >= 0:
        return cue.sentence.spans[cue.index][0]
    return max(cue.char_start, 0)


def _apposition_speaker(text: str) -> str:
    """'Terrence Donilon, a spokesman for the archdiocese, says …' -> name and role."""
    match = _APPOSITION.search(text)
    return _clean(f"{match.group(1)}, {match.group(2)}") if match else ""


def _has_claim_head(phrase: str) -> bool:
    return not lx.CLAIM_NOUNS.isdisjoint(phrase.lower().split())


def _is_pronoun_phrase(phrase: str) -> bool:
    words = phrase.split()
    return not words or (
        any(w.lower() in _PRONOUNS for w in words) and not any(w[:1].isupper() for w in words)
    )


def _resolve(phrase: str, sentence: Sentence, earlier: list[Sentence]) -> str:
    """A pronoun subject becomes the nearest earlier institution or named actor."""
    if phrase and not _is_pronoun_phrase(phrase):
        return phrase
    for previous in reversed(earlier):
        actor = _institution_phrase(previous.text)
        if actor:
            return actor
    return ""


def _institution_phrase(text: str) -> str:
    words = text.split()
    for i, word in enumerate(words):
        bare = word.strip(",.;:'\"“”‘’()").lower()
        if bare in lx.INSTITUTIONS and bare not in ("source", "sources", "house", "state"):
            start = i
            while start > 0 and words[start - 1][:1].isupper():
                start -= 1
            return _clean(" ".join(words[start : i + 1]))
    return ""


def denier_of(cue: Cue, earlier: list[Sentence] | None = None) -> str:
    """Who denies: a `by`-agent, the speaker for evaluative and phrase cues, else the subject
    before the cue; pronouns resolve to an earlier institution mentioned in the item."""
    sentence = cue.sentence
    if is_verdict(sentence.text):
        return ""  # a fact-check's "Rating: False": the outlet's own voice, no one named
    earlier = earlier or []
    char = cue_char(cue)
    if cue.index >= 0 and not cue.reason.startswith("evaluative"):
        # "was denied by the ministry"; not "was false info … hosted by Suzy Kolber": an
        # evaluative word is no passive verb with an agent
        previous = sentence.words[cue.index - 1] if cue.index else ""
        following = sentence.words[cue.index + 1 : cue.index + 2]
        # "… were denied by the ministry", "… -- a charge disputed by the company"
        if previous in lx.PASSIVE_AUXILIARIES or following == ["by"]:
            agent = _BY_AGENT.search(sentence.text, char)
            if agent:
                return _clean(agent.group(1))
    if cue.reason.startswith("evaluative") and cue.index > 0:
        caller = _caller(sentence, cue.index)
        if caller:
            return _resolve(caller, sentence, earlier)
    voice_first = (
        # "X pleaded not guilty, his lawyer said": the one who pleads is X
        (cue.index < 0 and not cue.reason.startswith("plea"))
        or cue.reason.startswith("evaluative")
        or (sentence.words[cue.index] in ("denial", "denials"))
    )
    subject = subject_before(sentence, char)
    if _has_claim_head(subject):
        subject = ""
    who = _apposition_speaker(sentence.text) or speaker(sentence)
    if _has_claim_head(who):
        who = ""
    first, second = (who, subject) if voice_first else (subject, who)
    for candidate in (first, second):
        resolved = _resolve(candidate, sentence, earlier) if candidate else ""
        if resolved:
            return resolved
    return _resolve("", sentence, earlier)


_CALL_VERBS = frozenset(
    "call calls called calling brand brands branded branding term termed label labels labelled "
    "labeled dismiss dismisses dismissed describe describes described".split()
)


def _caller(sentence: Sentence, index: int) -> str:
    """'…; embassy calls it "lies"' -> 'embassy': the subject of call/brand/dismiss … as lies,
    when that verb stands within a few words before the evaluative word."""
    words = sentence.words
    for j in range(index - 1, max(-1, index - 6), -1):
        if words[j] in _CALL_VERBS:
            subject = subject_before(sentence, sentence.spans[j][0])
            return "" if _has_claim_head(subject) else plausible_actor(subject)
    return ""


MAX_ROLE_CUES = 8  # the strongest cues roles are looked for in (the evidence shows three)


def allegation_roles(cues: list[Cue]) -> tuple[str, str, str]:
    """(accuser, accused, claim) from the allegation cues in the order given: the first cue that
    names both parties; else each party from the first cue that names it."""
    accuser = accused = claim = ""
    cues = cues[:MAX_ROLE_CUES]  # each reads its whole sentence: a hostile item repeating a
    # cue word thousands of times must not cost cues x sentence length
    for cue in cues:
        found_accuser, found_accused = (plausible_actor(a) for a in accuser_and_accused(cue))
        if found_accuser and found_accused:
            return found_accuser, found_accused, claim_of(cue)
        if found_accuser and not accuser:
            accuser = found_accuser
            claim = claim or claim_of(cue)
        if found_accused and not accused:
            accused = found_accused
            claim = claim or claim_of(cue)
    if not accuser:  # who says it ("…, police said"), else the institution acting in the sentence
        for cue in cues:
            said = plausible_denier(speaker(cue.sentence))
            acting = _institution_phrase(cue.sentence.text)
            found = said or (plausible_actor(acting) if acting != accused else "")
            if found and found != accused:
                accuser = found
                break
    return accuser, accused, claim


_INSTITUTION_HEADS = (
    r"embassy|ministry|government|military|army|police|council|department|administration"
    r"|agency|commission|office|spokes(?:man|woman|person)|authorities|prosecutors?"
)
# a mention never spans a line break (the headline and the text are joined by one)
_SPECIFIC_MENTION = re.compile(
    r"\b((?:[A-Z][\w'’\-]*[^\S\n]+){1,3}(?:" + _INSTITUTION_HEADS + r")"
    r"(?:[^\S\n]+(?:in|of|for)[^\S\n]+(?:the[^\S\n]+)?[A-Z][\w'’\-]*"
    r"(?:[^\S\n]+[A-Z][\w'’\-]*){0,2})?)\b"
)


def _words_of(phrase: str) -> list[str]:
    """Its words, lower-cased, a possessive's "'s" cut, a title's abbreviation spelled out
    ("PM" -> "prime minister", "Gov." -> "governor", "Ex-WorldCom" -> "former worldcom"); a
    two-letter name in capitals is a word ("US", "UN"), or "US" would have no words and any
    longer mention would be "the same party"."""
    words = []
    for w in re.findall(r"[\w'’\-]+", phrase):
        if not (len(w) > 2 or (len(w) == 2 and w.isupper())):
            continue
        word = w.lower().removesuffix("'s").removesuffix("’s")
        if word.startswith("ex-") and len(word) > 3:
            words += ["former", word[3:]]
        else:
            words += _TITLE_ABBREVIATIONS.get(word, (word,))
    return words


# a title as headlines shorten it and as the text spells it out ("Myanmar PM" is "Myanmar's
# Prime Minister General Khin Nyunt", "Gov. McGreevey" "Governor James E. McGreevey")
_TITLE_ABBREVIATIONS = {
    "pm": ("prime", "minister"),
    "gov": ("governor",),
    "sen": ("senator",),
    "gen": ("general",),
    "ceo": ("chief", "executive"),
    "fm": ("foreign", "minister"),
}


# what a word may add to another and still name the same thing: "Russia" -> "Russian",
# "Iraq" -> "Iraqi", "Iran" -> "Iranian", "ministry" -> "ministries", "China" -> "Chinese"
_SAME_WORD_ENDINGS = frozenset("n an ian i ese ish s es".split())
_REPLACED_ENDINGS = {"a": ("ese", "n"), "y": ("ies",)}


def _same_word(one: str, other: str) -> bool:
    """The two words name the same thing: equal, or one the other with an ending of
    `_SAME_WORD_ENDINGS` ("Russia" ~ "Russian"); not two that only begin alike ("Austria",
    "Australia"; "Niger", "Nigeria")."""
    if one == other:
        return True
    short, long = sorted((one, other), key=len)
    if len(short) < 3:
        return False
    if long.startswith(short) and long[len(short) :] in _SAME_WORD_ENDINGS:
        return True
    return any(
        long.startswith(short[:-1]) and long[len(short) - 1 :] in endings
        for last, endings in _REPLACED_ENDINGS.items()
        if short.endswith(last)
    )


def _holds_every_word(name: list[str], candidate: list[str]) -> bool:
    return all(any(_same_word(word, other) for other in candidate) for word in name)


@lru_cache(maxsize=32)
def _specific_mentions(context: str) -> tuple[str, ...]:
    """The institutions a text names (read once per text: the parser asks of every party)."""
    return tuple(_clean(m.group(1)) for m in _SPECIFIC_MENTION.finditer(context))


def most_specific(name: str, candidates: list[str], context: str = "") -> str:
    """The longest mention of the same party: one whose words include (`_same_word`) every word of
    `name` ("Russia" -> "Russian embassy in Washington", "embassy" -> "the Russian embassy in
    Washington"), among the other candidates and the institutions the text names."""
    if not name:
        return name
    wanted = _words_of(name)
    if not wanted:
        return name
    best = name
    for candidate in [*candidates, *_specific_mentions(context[:20_000])]:
        words = candidate.split()
        if (
            len(words) > len(best.split())
            and len(words) <= MAX_ACTOR_WORDS
            and _holds_every_word(wanted, _words_of(candidate))
            and plausible_actor(candidate)
        ):
            best = candidate
    return best


def titled_name(description: str, names: list[str], context: str) -> str:
    """The name a description stands for where the text gives both in one phrase, the title
    before the name: "Malaysian fugitives" -> "Malaysian fugitives Azahari and Noordin Moh
    Top", "Ex-WorldCom CEO" -> "former WorldCom Chief Executive Bernard Ebbers". `names`:
    the named mentions (people, organisations) the text holds; '' when none follows words
    holding every word of the description, or the description names someone already."""
    wanted = _words_of(description)
    if not wanted or not _is_title(description):
        return ""
    text = " ".join(context[:20_000].split())
    for name in sorted(names, key=len, reverse=True):
        if not name or name == description:
            continue
        for found in re.finditer(rf"(?<![\w-]){re.escape(' '.join(name.split()))}(?![\w-])", text):
            before = _TITLE_WINDOW.search(text[max(0, found.start() - 200) : found.start()])
            words = before.group(0).split() if before else []
            # the title: the words right before the name, each a word of the description
            # ("police said Smith" is no title)
            start = len(words)
            while start and all(
                _holds_every_word([w], wanted) for w in _words_of(words[start - 1])
            ):
                start -= 1
            phrase = " ".join([*words[start:], name])
            if start < len(words) and _holds_every_word(wanted, _words_of(phrase)):
                return phrase if len(phrase.split()) <= MAX_ACTOR_WORDS else ""
    return ""


def _is_title(phrase: str) -> bool:
    """Its last word is a common noun or a title's abbreviation ("Malaysian fugitives",
    "Ex-WorldCom CEO", "Myanmar PM"), not a name ("Bernard Ebbers")."""
    last = phrase.split()[-1]
    return last.islower() or last.lower().strip(".") in _TITLE_ABBREVIATIONS


# up to five words of one clause before a name: where its title stands
_TITLE_WINDOW = re.compile(r"(?:[^\s.;:!?,()\"“”]+ ){1,5}$")


def accuser_and_accused(cue: Cue) -> tuple[str, str]:
    sentence = cue.sentence
    char = cue_char(cue)
    words = sentence.words
    if cue.index < 0:  # "charged with", arrests: the accused is the subject
        return "", subject_before(sentence, char)
    if cue.reason == "denied-wrongdoing":  # "Kremlin denies executing troops": the denier
        return "", subject_before(sentence, char)  # is the one accused; the accuser is elsewhere
    word = words[cue.index]
    previous = words[cue.index - 1] if cue.index else ""
    following = words[cue.index + 1] if cue.index + 1 < len(words) else ""
    passive = previous in ("was", "were", "been", "being", "is", "are", "be", "stand", "stands")
    # a headline's ellipsis: "Mayor accused of taking bribes", "CIA blamed over detainees"
    # (these verbs take an object: with none before the preposition, the subject is accused)
    end = sentence.spans[cue.index][1]
    passive = passive or (
        word in _PARTICIPLES
        and following in ("of", "over", "with", "for")
        and not sentence.text[end:].startswith(",")
    )
    if cue.reason.startswith("atrocity:"):
        # a deed of wrong: its doer is the one accused ("ISIL beheaded an aid worker", "girls
        # kidnapped by Boko Haram") and whoever reports it the accuser (the speaker, found
        # by allegation_roles); the victim it is done to is no party to the claim
        if passive or following == "by":
            agent = _BY_AGENT.search(sentence.text, end)
            return "", _clean(agent.group(1)) if agent else ""
        return "", subject_before(sentence, char)
    if passive:
        agent = _BY_AGENT.search(sentence.text, end)
        accuser = _clean(agent.group(1)) if agent else ""
        return accuser, subject_before(sentence, sentence.text.rfind(" ", 0, char))
    if word in ("accusation", "accusations", "allegation", "allegations", "claim", "claims"):
        by = re.search(
            r"\b(?:by|from)\s+(?:the\s+)?([^,.;]{2,60}?)(?:\s+(?:that|of|against)\b|[,.;]|$)",
            sentence.text[end:],
            re.IGNORECASE,
        )
        against = re.search(
            r"\b(?:against|of)\s+(?:the\s+)?([^,.;]{2,60}?)(?:\s+(?:of|for|that|over|by)\b|[,.;]|$)",
            sentence.text[end:],
            re.IGNORECASE,
        )
        accuser = _clean(by.group(1)) if by else _proper_modifier(sentence.text[:char])
        if not accuser and _MAKES_CLAIM.search(sentence.text[:char]):
            # The subject made the accusation ("X levelled allegations"); a subject that only
            # comments on, answers or rejects "the accusations" is not who made them.
            subject = subject_before(sentence, char)
            accuser = "" if subject.lower() in _PRONOUNS else subject
            if accuser and not _ANSWERING.isdisjoint(accuser.lower().split()):
                accuser = ""
        accused = _clean(against.group(1)) if against else _complement_subject(sentence, end)
        return accuser, accused
    accuser = subject_before(sentence, char)
    if accuser.lower() in _PRONOUNS:
        accuser = ""
    if word in ("allegedly", "reportedly", "purportedly"):
        return "", accuser
    if cue.reason == "called-liar":  # "called the president a liar": the one so named
        named = _CALLED_WHOM.match(sentence.text, end)
        return accuser, _clean(named.group(1)) if named else ""
    accused = _object_after(
        sentence, end, ("of", "for", "over", "in", "with", "that", "after", "on")
    )
    return accuser, accused


_PARTICIPLES = frozenset("accused blamed sued indicted faulted implicated".split())
_ANSWERING = lx.DENY | lx.REJECT  # a subject that denies or rejects accusations made none
_CALLED_WHOM = re.compile(r"\s+(?:the\s+)?(.{2,60}?)\s+(?:an?\s|them\s|those\s|these\s)", re.I)

# Verbs whose subject makes the accusation its object names ("made allegations").
_MAKES_CLAIM = re.compile(
    r"\b(?:made|makes?|making|level+ed|levels?|levelling|leveling|brought|brings?|bringing|"
    r"filed|files?|filing|raised|raises?|raising|repeated|repeats?|repeating|voiced|voices?|"
    r"aired|airs?|renewed|renews?|published|publishes|issued|issues?|lodged|lodges?|"
    r"pressed|presses|press|hurled|hurls?|trad(?:ed|es?|ing))\b[^.;:]*$",
    re.IGNORECASE,
)


def _proper_modifier(before: str) -> str:
    """'White House accusations' -> 'White House'; "Kyiv's claims" -> 'Kyiv'."""
    words = before.split()
    run: list[str] = []
    for word in reversed(words):
        bare = word.removesuffix("'s").removesuffix("’s")
        if bare[:1].isupper() and bare.strip(",.;:").isalpha():
            run.insert(0, bare)
        else:
            break
    return " ".join(run)


_AUXILIARY = re.compile(r"\b(?:has|have|had|is|are|was|were|will|would|had|did|does|do)\b")


def _complement_subject(sentence: Sentence, end: int) -> str:
    """'accusations its military has been executing …' -> "Russia's military"."""
    rest = sentence.text[end:].lstrip(" ,")
    rest = re.sub(r"^(?:that|of)\s+", "", rest)
    aux = _AUXILIARY.search(rest)
    if not aux or aux.start() == 0 or len(rest[: aux.start()].split()) > 4:
        return ""
    subject = _clean(rest[: aux.start()])
    possessive = re.match(r"^(?:its|their)\s+(.+)$", subject, re.IGNORECASE)
    if possessive:
        owner = _proper_modifier(sentence.text.split(" ", 1)[0] + " ")
        return f"{owner}'s {possessive.group(1)}" if owner else subject
    return subject


def claim_of(cue: Cue) -> str:
    """The claim: the object of the cue, up to the end of its clause (at most 30 words)."""
    sentence = cue.sentence
    start = sentence.spans[cue.index][1] if cue.index >= 0 else max(cue.char_start, 0)
    rest = sentence.text[start:]
    end = _CLAIM_END.search(rest)
    claim = rest[: end.start()] if end else rest
    words = claim.split()[:30]
    return " ".join(words).strip(" ,;:'\"“”‘’")


_NOT_FIRST_NAMES = frozenset(
    "the a an at but and when in on for of by from to with as after before while says said "
    "that this if so yet or nor since because although though until is are was were do does "
    "did has have had will would can could should may might must not no how why what who "
    "where which it its his her their our we you they he she new".split()
)
# offices and titles: a named person holding one speaks in that role; found a few words
# before the name ("Foreign Minister of Russia Sergei Lavrov")
_OFFICE_WORDS = (
    r"minister|president|premier|spokes\w+|chief|secretary|ambassador|official|ceo|chairman"
    r"|director|general|governor|mayor|senator|prosecutor|commander|head|leader|chancellor"
    r"|king|queen|prince|pope|bishop|dean"
)
# ranks and roles that are also everyday words ("a judge ordered Smith", "an officer arrested
# Lopez", "the team's coach"): an office only right before the name ("Judge Smith", "Sgt.
# Michael Woody")
_RANK_WORDS = (
    r"sergeant|lieutenant|captain|colonel|corporal|officer|detective|inspector|superintendent"
    r"|constable|sheriff|marshal|admiral|brigadier|commissioner|councillor|councilman"
    r"|councilwoman|lawmaker|congressman|congresswoman|judge|envoy|consul|deputy|boss|coach"
)
_RANK_ABBREVIATIONS = (
    r"\b(?:sgt|lt|capt|col|maj|cpl|det|insp|supt|gen|gov|sen|rep|cmdr|adm|amb)\.(?=\s)"
)
_RANKS = re.compile(rf"\b(?:{_RANK_WORDS})\b|{_RANK_ABBREVIATIONS}", re.IGNORECASE)
_TITLES = re.compile(rf"\b(?:{_OFFICE_WORDS}|{_RANK_WORDS})\b|{_RANK_ABBREVIATIONS}", re.IGNORECASE)
# the last word of an organisation's name ("Detroit Free Press", "Acme Holdings"): no person
_ORGANISATION_ENDS = frozenset(
    "press news times post journal herald tribune gazette telegraph guardian mail chronicle "
    "inc corp corporation co ltd llc plc group holdings bank club association institute "
    "foundation council committee commission agency network networks media studios "
    "university college school hospital airlines airways motors systems technologies "
    # a company named by its trade ("Norvex Petroleum", "Delmar Foods")
    # (not words that are surnames too: Steel, Partners, Capital, Records, Games, Gas)
    "petroleum oil energy mining chemicals pharmaceuticals pharma foods beverages brewing "
    "brewery insurance ventures industries enterprises electronics telecom telecommunications "
    "communications software labs laboratories entertainment resources shipping logistics "
    "railways automotive aerospace construction properties healthcare biotech therapeutics "
    "semiconductors solutions "
    # clubs and banks whose names read like a first and a last name
    "city united villa rovers athletic wanderers albion hotspur sachs".split()
)


@lru_cache(maxsize=16)
def _is_person(name: str, context: str) -> tuple[bool, bool]:
    """(looks like a person, holds an office) for a capitalised name in its context. Kept for
    the last few: deciding whether a denier is private asks it of the same name and text two
    or three times, and each reading scans the whole text with a few expressions."""
    tokens = name.split()
    if tokens[-1].lower().strip(".,") in _ORGANISATION_ENDS:
        return False, False
    last = re.escape(tokens[-1])
    full = bool(_PERSON_NAME.match(name))
    # in a title-case run ("A Former Employee Is Suing Amazon And …") the word before a name
    # is no first name; nor is a word the text also writes in lower case (names never span
    # a line break: "…Its Boss\nAmazon said")
    mentioned = any(
        m.group(2).lower() not in _NOT_FIRST_NAMES
        and not (m.group(1) and m.group(3))
        and not re.search(r"\b" + re.escape(m.group(2).lower()) + r"\b", context)
        for m in re.finditer(
            r"(\b[A-Z][\w'’\-]* +)?\b([A-Z][\w'’\-]+) +" + last + r"\b( +[A-Z])?", context
        )
    )
    if not (full or mentioned or (len(tokens) == 1 and _spoken_of_as_a_person(last, context))):
        return False, False
    titled = re.search(
        rf"\b(?:{_OFFICE_WORDS})\b"
        + r"(?:\s+[\w'’\-]+){0,4}?\s+(?:[A-Z][\w'’\-]+\s+)?"
        + last
        + r"\b",
        context,
        re.IGNORECASE,
    ) or re.search(  # the rank right before the name, its other words capitalised
        f"(?i:{_RANKS.pattern})" + r"\s+(?:[A-Z][\w'’\-.]+\s+){0,2}" + last + r"\b", context
    )
    return True, titled is not None


_SAYS_THAT = (
    r"(?:\s+[\w'’\-]+){0,3}?\s+(?:said|says|insists|insisted|claims|claimed|told|adds|added"
    r"|argues|argued|believes|believed|maintains|maintained|denies|denied)\s+(?:that\s+)?"
    r"(he|she|it|they)\b"
)


def _spoken_of_as_a_person(name: str, context: str) -> bool:
    """A single name ("Conal") the text calls he or she, not it or they, where it reports
    what the name says or thinks ("Conal insists that he never …"; "Google said it …");
    pronouns elsewhere may be anyone's ("Google fired him")."""
    personal = impersonal = 0
    for found in re.finditer(r"\b" + name + _SAYS_THAT, context[:20_000]):
        if found.group(1).lower() in ("he", "she"):
            personal += 1
        else:
            impersonal += 1
    return personal > impersonal


_REPRESENTS = re.compile(
    r"^(?:the\s+)?((?:[A-Z][\w'’\-]*\s+){0,2}[A-Z][\w'’\-]*)['’]s?\s+(?:[a-z]+\s+)?"
    r"(agents?|publicists?|managers?|lawyers?|attorneys?|reps?|representatives?|spokes\w+)\b"
)


def _speaks_for_a_person(denier: str, context: str) -> bool:
    """ "Nelson's agent Gregg Klein", "Axl Rose's reps", "Plant's publicist": someone speaking
    for a private person, which the guidelines count as private ("Putin's spokesman" speaks
    for an office, and is official)."""
    found = _REPRESENTS.match(denier)
    if found is None:
        return _PRONOUN_AGENT.match(denier) is not None and _person_before(denier, context)
    principal = found.group(1)
    if set(principal.lower().split()) & lx.INSTITUTIONS:
        return False
    person, office = _is_person(principal, context)
    return person and not office


_AGENT_NOUNS = r"(?i:reps?|representatives?|publicists?|agents?|managers?|lawyers?|attorneys?)"
# "His lawyer denied the allegation": the one "his" stands for is named before
_PRONOUN_AGENT = re.compile(r"(?i:his|her)\s+(?:[a-z]+\s+)?" + _AGENT_NOUNS + r"$")
_LOOK_BACK = 40  # words
# parties "his" or "her" never stands for: many, or a body of many
_NOT_HIS = frozenset(w for w in lx.INSTITUTIONS if w.endswith("s")) | lx._forms(
    "police media magazine newspaper outlet site website broadcaster channel publisher network"
)


def _person_before(denier: str, context: str) -> bool:
    """The words before `denier` first stands in the text name a private person and no
    office or institution the pronoun could stand for ("accused singer Jay Tan of assault.
    His lawyer …"; not "the bank's chief executive was charged with defrauding clients. His
    lawyer …"): the nearest person noun is as often the victim or the accuser."""
    found = re.search(rf"(?<![\w'’]){re.escape(denier)}", context)
    if found is None or found.start() == 0:
        return False
    words = re.findall(r"[\w'’\-]+", context[: found.start()])[-_LOOK_BACK:]
    person = False
    for k, word in enumerate(words):
        lower = word.lower().removesuffix("'s").removesuffix("’s")
        following = words[k + 1].lower() if k + 1 < len(words) else ""
        if lower in _NOT_HIS or word == "who":
            continue  # "…, police said"; "a man who …" (not the WHO)
        if lower != word.lower() and following in _PERSON_NOUNS:
            continue  # "the minister's driver": the driver
        if lower in lx.INSTITUTIONS or _TITLES.fullmatch(word):
            return False
        person = person or lower in _PERSON_NOUNS
    return person


_POSSESSOR = r"((?i:the)\s+(?:[\w\-]+\s+){0,2}[\w\-]+|(?:[A-Z][\w'’\-]*\s+){0,2}[A-Z][\w'’\-]*)"
_REPRESENTATIVE = re.compile(
    _POSSESSOR + r"['’]s?\s+(?:[a-z]+\s+)?" + _AGENT_NOUNS + r"\b"
    r"|\b"
    + _AGENT_NOUNS
    + r"\s+(?:for|of)\s+"
    + _POSSESSOR
    + r"|\b(?i:sources?|people|friends?)\s+close\s+to\s+"
    + _POSSESSOR
)
_SAID_BEFORE = re.compile(r"\b(?:said|says|told|added|insisted)\s+$", re.IGNORECASE)
_REPRESENTATIVE_WORDS = (
    "rep", "publicist", "agent", "manager", "lawyer", "attorney", "close to"
)  # fmt: skip
# people named by what they are to someone ("his carer", "parents of the girls"): parties,
# and private persons when they deny (not a coach, who may speak for a club, nor a landlord,
# which may be a firm)
_RELATION_NOUNS = frozenset(
    "carer carers caregiver nanny babysitter neighbour neighbours neighbor neighbors pupil "
    "pupils parent parents relative relatives colleague colleagues".split()
)
# who a representative may speak for, named by what they are ("the singer's reps", "reps for
# the former child star", "the 34-year-old's representatives")
_PERSON_NOUNS = (
    lx.PRIVATE_MARKERS
    | _RELATION_NOUNS
    | lx._forms(
        "guitarist musician drummer comedian comedienne presenter host author writer blogger "
        "youtuber teen boy girl child couple swimmer athlete footballer boxer golfer prodigy "
        "entertainer performer dancer doctor surgeon nurse teacher scientist expert researcher"
    )
)


def representative_of_a_person(sentence: str, context: str = "", before: int | None = None) -> str:
    """The phrase naming one who speaks for a private person in `sentence` ("the singer's
    reps", "Plant's publicist", "reps for the former child star"), or "". With `before` (where
    the denial stands), only one who speaks it: named before it, or right after a verb of
    saying ("…is rubbish, said Plant's publicist")."""
    lower = sentence.lower()
    if not any(word in lower for word in _REPRESENTATIVE_WORDS):
        return ""
    for found in _REPRESENTATIVE.finditer(sentence):
        if (
            before is not None
            and found.start() >= before
            and not _SAID_BEFORE.search(sentence, 0, found.start())
        ):
            continue
        group = next(g for g in (1, 2, 3) if found.group(g))
        principal = found.group(group)
        words = principal.lower().split()
        if _TITLES.search(principal):
            continue  # "the FBI director's lawyers" speak for an office
        if words[0] == "the":  # "the singer", "the former child star", "the 34-year-old"
            at = [n for n, w in enumerate(words) if w in _PERSON_NOUNS or w.endswith("-year-old")]
            if n_words := (at[-1] + 1 if at else 0):
                # the phrase up to the person ("sources close to the doctor", not "… say")
                kept = len(" ".join(principal.split()[:n_words]))
                end = max(found.start(group) + kept, found.end() if group == 1 else 0)
                return sentence[found.start() : end]
            continue
        if set(words) & lx.INSTITUTIONS:
            continue
        person, office = _is_person(principal, context)
        if person and not office:
            return found.group(0)
    return ""


_INSTITUTIONS_NOT_SOURCES = lx.INSTITUTIONS - {"source", "sources"}


def _private_words(phrase: str) -> bool:
    """A word of a private person ("the singer", "a former teacher"), not one inside a
    hyphenated compound ("Billionaire-owned Tesla")."""
    words = re.findall(r"(?<![\w-])[\w'’]+(?![\w-])", phrase.lower())
    return not (lx.PRIVATE_MARKERS.isdisjoint(words) and _RELATION_NOUNS.isdisjoint(words))


def is_official(denier: str, context: str = "", reason: str = "") -> bool:
    """A government, ministry, embassy, army, police, agency, court, party, company, club or
    its spokesperson — or a country or organisation named on its own; not a private person
    speaking for themselves or through an agent (a plea of innocence is a person's unless an
    institution pleads)."""
    if not denier or _speaks_for_a_person(denier, context):
        return False
    words = set(re.findall(r"[\w'’]+", denier.lower()))
    institution = bool(words & lx.INSTITUTIONS)
    if _private_words(denier) and not words & _INSTITUTIONS_NOT_SOURCES:
        return False
    if reason.startswith(("plea", "innocence")):
        return institution and not _TITLES.search(denier)
    if institution:
        return True
    tokens = denier.split()
    if not (len(tokens) <= 3 and all(t[:1].isupper() for t in tokens)):
        return False
    person, office = _is_person(denier, context)
    if person:
        return office
    return True  # a single capitalised name: a state, a company, an organisation


def is_private(denier: str, context: str = "", reason: str = "") -> bool:
    """A person speaking for themselves (a name with no office, "the singer herself", a fan):
    the one denier who makes a denial unofficial. A phrase that is neither clearly an
    institution nor clearly a person ("Aircraft maker Airbus", "key allies in the war") is not
    private: the classifier weighs it."""
    if not denier:
        return False
    if _speaks_for_a_person(denier, context):
        return True
    if is_official(denier, context, reason):
        return False
    if reason.startswith("plea"):
        return True  # one who pleads and is no institution pleads for themselves ("a general")
    if _private_words(denier):
        return True
    name, comma, description = denier.partition(",")
    if comma and not _TITLES.search(description):
        denier = name  # "Mohammed Islam, alleged teenaged prodigy": the name decides
    tokens = [t for t in denier.split() if t.lower() not in ("the", "a", "an")]
    if not tokens:
        return False
    if not all(t[:1].isupper() for t in tokens):
        # "Olympic champion Kostas Kederis": a described name decides by its name; "Aircraft
        # maker Airbus", a single word after the description, is no bare name
        run = list(itertools.takewhile(lambda t: t[:1].isupper(), reversed(tokens)))[::-1]
        if len(run) < 2 or _TITLES.search(denier):
            return False
        tokens = run
    person, office = _is_person(" ".join(tokens[-3:]), context)
    return person and not office


_NOT_ACTOR_START = frozenset(
    "to will would could should may might face faces faced facing sought be being been is are "
    "was were has have had do does did not no never also over for with from by of in on at "
    "related stemming part".split()
)


def plausible_actor(phrase: str) -> str:
    """`phrase` when it can name a party ('Belarus Bank', 'the police', 'critics'), else ''.

    Rejects verb phrases and fragments the surface rules sometimes return ('will', 'sought',
    'to be involved', 'price fixing')."""
    words = phrase.split()
    if not words or words[0].lower() in _NOT_ACTOR_START:
        return ""
    named = any(
        (w[:1].isupper() and w.lower() not in _NOT_A_NAME) or w[:1].isdigit() for w in words
    )
    if named:
        return phrase
    # "who" the pronoun is not the WHO
    lowered = {
        w.lower().strip(",.;:'\"") for w in words if w.isupper() or w.lower() not in _PRONOUNS
    }
    if _head_word(words) in _PERPETRATORS:  # "gunmen", "al-Shabaab fighters": who do a deed
        return phrase
    if lowered - _HEDGES & lx.WRONGDOING:  # not "alleged spammers"
        return ""
    if not _PARTIES.isdisjoint(lowered) or _head_word(words) in _HEAD_PARTIES:
        return phrase
    return ""


def plausible_denier(phrase: str) -> str:
    """`plausible_actor`, and not a clause the surface rules cut out of a sentence ("the
    suspect was found", "fans have expressed anger at the")."""
    words = phrase.split()
    if not words or words[-1].lower() in _NOT_ACTOR_END:
        return ""
    if {w.lower().strip(",.;:'\"") for w in words} & _CLAUSE_WORDS:
        return ""
    return plausible_actor(phrase)


_HEDGES = frozenset("alleged suspected accused purported reputed".split())
_CLAUSE_WORDS = frozenset(
    "is are was were has have had been will would can could appears appeared comes came "
    "denial denied denies deny".split()
)
_NOT_ACTOR_END = frozenset("the a an of at to in on by for with who which that and or".split())
_NOT_A_NAME = frozenset(
    "the a an it its this that these those he she they we i you his her their our there here "
    "but and also earlier later soon outright whole".split()
)
_PARTY_NOUNS = frozenset(
    "critics activists rebels militants insurgents residents witnesses villagers protesters "
    "opposition prosecutors investigators lawyers lawyer attorney attorneys executives "
    "employees workers soldiers soldier officer officers agent agents hackers spammers teacher "
    "doctor doctors nurse priest leader leaders group groups people person defendant "
    "defendants suspect suspects victim victims family families campaigners journalists "
    "reporters analysts experts scientists researchers owner owners driver chauffeur".split()
)

# those who do a deed of wrong: a party, though the wrongdoing lexicon holds some of them
_PERPETRATORS = frozenset(
    "gunmen gunman kidnappers kidnapper militants militant insurgents insurgent pirates "
    "bandits attackers attacker assailants assailant terrorists terrorist jihadists jihadist "
    "fighters extremists smugglers traffickers rioters looters captors abductors".split()
)

# what can name a party on its own (plausible_actor)
_PARTIES = lx.INSTITUTIONS | lx.PRIVATE_MARKERS | _PARTY_NOUNS
# what names a party only as the head of its phrase ("the hospital", "parents of the girls";
# not "hospital closures", "delays at the airport"): institutions the labels' lexicon leaves
# out (there, "clinic" would make a private doctor's denial official), and relations
# (institutions that are also places: "in hospital", "at the airport" name no party)
PLACE_INSTITUTIONS = frozenset(
    "hospital hospitals clinic clinics prison prisons jail museum zoo airport hotel".split()
)
_HEAD_PARTIES = (
    _RELATION_NOUNS
    | PLACE_INSTITUTIONS
    | frozenset("charity charities foundation institute".split())
)
_PREPOSITIONS = frozenset("of in at for from with on over by near to about".split())


def _head_word(words: list[str]) -> str:
    """The head of a noun phrase: its last word before a preposition ("parents of the
    girls" -> "parents")."""
    before = list(itertools.takewhile(lambda w: w.lower() not in _PREPOSITIONS, words))
    head = (before or words)[-1].lower().strip(",.;:'\"’")
    return head.removesuffix("'s").removesuffix("’s")
