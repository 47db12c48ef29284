"""Roles from a dependency parse of the evidence sentences (pure: spaCy `Doc`s in, strings out).

The subject of deny/reject/dismiss/refute is the denier, or the `by`-agent of a passive; the
subject of call/brand/dismiss … as lies is the denier ("the embassy called it lies"); the
subject of accuse/allege/blame/sue is the accuser and its object (or a passive's subject) the
accused; "accusations by X against Y", "X's claims that Y did …", "a claim which X denies";
where the cue clause names nobody, the speaker ("…, the ministry said", "according to X").
A phrase keeps its possessor, compounds, adjectives and a short of/in/for prepositional phrase
("PeopleSoft's chief executive", "the Russian embassy in Washington") and its apposition
("Terrence Donilon, a spokesman for the archdiocese"). Named-entity types tell an institution
(ORG, GPE, NORP) from a private person (PERSON without an office) for officialness.

Nothing here loads spaCy: `bot.matcher.parser` does, lazily; tokens are typed `Any`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.matcher import lexicon as lx

Token = Any
MAX_WORDS = 10

DENY_VERBS = frozenset(
    "deny reject dismiss refute dispute rebut repudiate disavow debunk contest discredit "
    "disown deride slam counter contradict".split()
)
DENY_NOUNS = frozenset("denial rejection rebuttal refutation".split())
CALL_VERBS = frozenset("call brand label term describe dismiss characterize characterise".split())
EVALUATIVE = frozenset(
    "lie lies baseless fabricated fabrication false fake untrue nonsense absurd hoax groundless "
    "unfounded propaganda slander smear rubbish ridiculous misinformation disinformation "
    "fiction fantasy invention libel libellous defamatory bogus nonsensical hogwash "
    "preposterous outrageous".split()
)
PLEA_VERBS = frozenset("plead insist maintain protest".split())
ACCUSE_VERBS = frozenset(
    "accuse blame allege charge sue indict fault implicate arrest detain prosecute "
    "condemn claim".split()
)
ACCUSE_NOUNS = frozenset(
    "accusation allegation claim charge lawsuit suit complaint indictment".split()
)
HEDGE_ADVERBS = frozenset("allegedly reportedly purportedly supposedly".split())
SAY_VERBS = frozenset(
    "say tell add state insist claim announce report write tweet declare confirm explain "
    "argue maintain stress note warn charge allege".split()
)
_RELATIVE = frozenset("who which that whom whose".split())
_PERSONAL = frozenset("he she it they we i you him her them us me one this these those".split())
_SUBJECTS = ("nsubj", "csubj")
_KEEP = frozenset(
    "compound amod poss case det nummod nmod flat quantmod npadvmod cc conj prep pobj "
    "punct appos".split()
)
_KEEP_PREPS = frozenset("of in for at from".split())
_OFFICE = frozenset(
    "minister president premier prime spokesman spokeswoman spokesperson spokesmen secretary "
    "ambassador official officials chief ceo chairman chairwoman director governor mayor "
    "senator prosecutor commander head leader chancellor king queen prince pope bishop "
    "general attorney-general representative mp lawmaker congressman congresswoman sheriff "
    "chief executive officer commissioner envoy deputy counsel".split()
)
_PRIVATE_AGENTS = frozenset("lawyer lawyers attorney attorneys publicist manager agent".split())
_INSTITUTION_ENTS = frozenset("ORG GPE NORP FAC".split())


@dataclass(frozen=True, slots=True)
class Parsed:
    """Roles one parse found; "" where it found nobody; `official` None where it cannot tell."""

    accuser: str = ""
    accused: str = ""
    denier: str = ""
    official: bool | None = None


def _children(token: Token, *deps: str) -> list[Token]:
    return [c for c in token.children if c.dep_ in deps]


def _lemma(token: Token) -> str:
    return str(token.lemma_).lower()


def _is_pronoun(token: Token) -> bool:
    text = str(token.text)
    return token.pos_ == "PRON" or (text.lower() in _PERSONAL | _RELATIVE and not text.isupper())


def _subject(verb: Token) -> Token | None:
    """The verb's subject, following relative clauses ("a claim which X denies" has X;
    "the ministry, which denied" has the ministry), conjuncts and xcomps ("continued to
    deny", "said … and denied") up to their governing verb."""
    seen = 0
    while verb is not None and seen < 4:
        seen += 1
        subjects = _children(verb, *_SUBJECTS)
        if subjects:
            subject = subjects[0]
            if str(subject.lower_) in _RELATIVE and verb.dep_ == "relcl":
                return verb.head
            return subject
        if verb.dep_ == "relcl" and _children(verb, "dobj", "nsubjpass") == []:
            return verb.head
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
            verb = verb.head
            raised = _children(verb, "nsubjpass")  # "X is expected to announce lawsuits"
            if raised and not _children(verb, *_SUBJECTS):
                return raised[0]
            continue
        return None
    return None


def agent(verb: Token) -> Token | None:
    """The `by`-agent of a passive verb or participle ("charges brought by the SEC")."""
    for agent in _children(verb, "agent"):
        for pobj in _children(agent, "pobj"):
            return pobj
    return None


def _passive(verb: Token) -> bool:
    if _children(verb, "nsubjpass", "auxpass") or _stands_accused(verb):
        return True
    following = verb.doc[verb.i + 1] if verb.i + 1 < len(verb.doc) else None
    if (
        following is not None
        and verb.tag_ in ("VBD", "VBN")
        and _lemma(verb) in ACCUSE_VERBS
        and not _children(verb, "aux")
        and _lemma(following) in ("of", "over", "with")
    ):
        return True  # "CIA accused over detainees", "Man charged with fraud": no object between
    # a headline's ellipsis: "CIA accused over Iraq detainees" (no auxiliary, a participle),
    # and a participle clause: "Pinochet, …, was ordered under house arrest, charged with …"
    return (
        verb.tag_ == "VBN"
        and not _children(verb, "aux", *_SUBJECTS)
        and verb.dep_ in ("ROOT", "advcl")
        and any(_lemma(p) in ("of", "over", "in", "with", "for") for p in _children(verb, "prep"))
    )


def _same(one: Token | None, other: Token | None) -> bool:
    """The same token (spaCy makes a new Token object for each lookup)."""
    return one is not None and other is not None and one.i == other.i


def _stands_accused(verb: Token) -> bool:
    """ "his carer stands accused of the attack": the participle of "stand" (whose subject
    is the accused)."""
    return (
        verb.tag_ == "VBN"
        and verb.dep_ in ("acomp", "xcomp", "oprd", "advcl")
        and _lemma(verb.head) == "stand"
    )


def _passive_subject(verb: Token) -> Token | None:
    """A passive's subject; a conjunct shares it ("was arrested and charged with …")."""
    for _ in range(3):
        found = _children(verb, "nsubjpass") or _children(verb, "nsubj")
        if found:
            return found[0]
        if verb.dep_ not in ("conj", "advcl"):
            return None
        verb = verb.head
    return None


# the subject of these verbs is the one the charges are against ("X denied US charges",
# "X pleaded guilty to charges", "X agreed to settle charges", "X faces charges")
_TARGET_VERBS = frozenset(
    "deny face settle plead fight admit reject dispute contest answer defend beat".split()
)


def phrase(head: Token) -> str:
    """The party a token heads, as the text names it: determiners dropped, relative clauses
    and long attachments left out, at most MAX_WORDS words."""
    keep: set[int] = set()

    def walk(token: Token, depth: int) -> None:
        keep.add(token.i)
        for child in token.children:
            if child.dep_ not in _KEEP or depth > 4:
                continue
            if child.dep_ == "prep" and not _kept_prep(child, nested=depth > 0):
                continue
            if child.dep_ == "punct" and str(child.text) not in (",", "'", "’", "-", "/"):
                continue
            if child.dep_ == "appos" and is_claim_noun(child):
                continue  # "according to J.D. Lasica, a claim which Google denies"
            walk(child, depth + 1)

    walk(head, 0)
    doc = head.doc
    tokens = [doc[i] for i in sorted(keep)]
    # a contiguous run around the head (a skipped clause in between ends the phrase)
    run = [head]
    by_index = {t.i: t for t in tokens}
    i = head.i - 1
    while i in by_index:
        run.insert(0, by_index[i])
        i -= 1
    i = head.i + 1
    while i in by_index:
        run.append(by_index[i])
        i += 1
    # a word the text writes hyphenated is never cut ("Wal-Mart", which the small model
    # sometimes parses as three objects)
    while run[0].i > 0 and _hyphen_joined(doc[run[0].i - 1], run[0]):
        run.insert(0, doc[run[0].i - 1])
    while run[-1].i + 1 < len(doc) and _hyphen_joined(run[-1], doc[run[-1].i + 1]):
        run.append(doc[run[-1].i + 1])
    while run and (run[0].dep_ in ("det", "punct", "cc") or run[0].pos_ == "PUNCT"):
        if run[0] is head:
            break
        run.pop(0)
    # nor after it, nor a determiner whose noun the phrase left out ("Bill Cosby, the")
    while run and (run[-1].dep_ in ("punct", "cc", "prep", "case", "det") and run[-1] is not head):
        run.pop()
    words = "".join(t.text_with_ws for t in run).split()
    if len(words) > MAX_WORDS:  # keep the head's own noun phrase only
        words = "".join(t.text_with_ws for t in run if t.i <= head.i).split()[-MAX_WORDS:]
    return " ".join(words).strip(" ,;:'\"“”‘’")


def _hyphen_joined(first: Token, second: Token) -> bool:
    """The two tokens are pieces of one hyphenated word ("Wal" "-" "Mart")."""
    return not first.whitespace_ and "-" in (str(first.text), str(second.text))


def _kept_prep(prep: Token, nested: bool) -> bool:
    """'in Washington', 'for the archdiocese', 'of the US' belong to a party; 'of fraud',
    'for executing soldiers' are the charge, and a prepositional phrase inside another one
    is left out."""
    if _lemma(prep) not in _KEEP_PREPS or (nested and prep.head.dep_ == "pobj"):
        return False
    objects = _children(prep, "pobj")
    if not objects:
        return False
    target = objects[0]
    if _lemma(target) in lx.WRONGDOING or str(target.lower_) in lx.WRONGDOING:
        return False
    return (
        _lemma(prep) not in ("of", "for")
        or target.pos_ == "PROPN"
        or bool(target.ent_type_)
        or _lemma(target) in lx.INSTITUTIONS
    )


def is_claim_noun(token: Token) -> bool:
    """A claim, report, story, allegation … (what a denial denies)."""
    return _lemma(token) in lx.CLAIM_NOUNS or _lemma(token) in ACCUSE_NOUNS


def party(token: Token | None) -> Token | None:
    """A token that can name a party: not a pronoun, not a claim noun."""
    if token is None or _is_pronoun(token):
        return None
    if _lemma(token) in lx.CLAIM_NOUNS or _lemma(token) in ACCUSE_NOUNS:
        return None
    if token.pos_ not in ("NOUN", "PROPN", "X", "NUM", "ADJ"):
        return None
    if token.ent_type_ in _NOT_PARTY_ENTS:  # "Wednesday's denial", "the 1990s"
        return None
    return token


_NOT_PARTY_ENTS = frozenset("DATE TIME CARDINAL ORDINAL MONEY PERCENT QUANTITY".split())


def _speaker(token: Token) -> Token | None:
    """Who says the clause `token` stands in: the subject of a say-verb above it or beside
    it ("…, the ministry said"), or "according to X"."""
    for t in token.doc:
        if _lemma(t) == "accord" or str(t.lower_) == "according":
            for to in t.children:
                for pobj in _children(to, "pobj"):
                    if _lemma(pobj) in _DOCUMENTS:  # "according to a motion it filed"
                        return document_author(pobj)
                    return party(pobj)
    node = token
    for _ in range(6):
        for child in node.children:
            if child.dep_ in ("parataxis", "ccomp", "conj") and _lemma(child) in SAY_VERBS:
                found = party(_subject(child))
                if found is not None:
                    return found
        if node.head is node:
            break
        node = node.head
        if _lemma(node) in SAY_VERBS and node.pos_ in ("VERB", "AUX"):
            found = party(_subject(node))
            if found is not None:
                return found
    return None


_DOCUMENTS = frozenset(
    "motion filing document documents paper papers statement report complaint indictment "
    "affidavit lawsuit suit record records letter memo transcript".split()
)


def document_author(document: Token) -> Token | None:
    """Who a document is by: its possessor or compound ("IBM's motion", "court papers" have
    none), the subject of its relative clause ("a motion IBM filed"), or a `by`/`from` object;
    a pronoun or nobody gives None."""
    for owner in _children(document, "poss"):
        return party(owner)
    for clause in _children(document, "relcl", "acl"):
        return party(next(iter(_children(clause, *_SUBJECTS)), None))
    for prep in _children(document, "prep"):
        if _lemma(prep) in ("by", "from"):
            return party(next(iter(_children(prep, "pobj")), None))
    return None


def _cues(doc: Any, lemmas: frozenset[str], pos: tuple[str, ...]) -> list[Token]:
    return [
        t
        for t in doc
        if t.pos_ in pos
        and (
            _lemma(t) in lemmas
            # "shot down the claims"
            or (lemmas is not ACCUSE_VERBS and _lemma(t) == "shoot" and _has_particle(t, "down"))
        )
    ]


def _has_particle(verb: Token, particle: str) -> bool:
    return any(str(c.lower_) == particle for c in _children(verb, "prt", "advmod", "prep"))


def denier(doc: Any) -> Token | None:
    """The denier in one parsed sentence, or None."""
    for verb in _cues(doc, DENY_VERBS | PLEA_VERBS, ("VERB",)):
        found = party(agent(verb)) if _passive(verb) else party(_subject(verb))
        if found is not None:
            return found
    for word in [t for t in doc if _lemma(t) in EVALUATIVE or str(t.lower_) in EVALUATIVE]:
        node = word
        for _ in range(4):
            if node.head is node:
                break
            node = node.head
            if _lemma(node) in CALL_VERBS and node.pos_ == "VERB":
                found = party(agent(node) if _passive(node) else _subject(node))
                if found is not None:
                    return found
                break
        found = _speaker(word)
        if found is not None:
            return found
    for noun in _cues(doc, DENY_NOUNS, ("NOUN",)):
        for owner in _children(noun, "poss", "compound"):
            if party(owner) is not None:
                return owner
        for prep in _children(noun, "prep"):
            if _lemma(prep) in ("from", "by"):
                for pobj in _children(prep, "pobj"):
                    return party(pobj)
        found = _speaker(noun)
        if found is not None:
            return found
    verbs = _cues(doc, DENY_VERBS | PLEA_VERBS, ("VERB",))
    found = _speaker(verbs[0]) if verbs else None
    if found is None and _denied_by_a_person_pronoun(doc):
        return None  # "…, which he denied": the one "he" is (`roles` names the accused)
    if found is None:  # "The military defended its record, claiming … no evidence of abuse"
        for root in (t for t in doc if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")):
            if not _passive(root):
                found = party(_subject(root))
                break
    return found


def _denied_by_a_person_pronoun(doc: Any) -> bool:
    """ "which he denied", "She denies the charges": a deny or plea verb whose subject is
    "he" or "she"."""
    return any(
        str(subject.lower_) in ("he", "she")
        for verb in _cues(doc, DENY_VERBS | PLEA_VERBS, ("VERB",))
        if not _passive(verb)
        for subject in _children(verb, "nsubj")
    )


def _clause_subject(token: Token) -> Token | None:
    """The subject of a clause hanging on `token` ("accusations that its military executes",
    "alleged that the firm hid …")."""
    for clause in _children(token, "ccomp", "acl", "relcl", "advcl"):
        subject = _children(clause, "nsubj", "nsubjpass")
        if subject and not _is_pronoun(subject[0]):
            return subject[0]
    return None


def _blamed_on(verb: Token) -> Token | None:
    """'blamed the attack on militants', 'bombing blamed on fugitives': the `on` object."""
    if _lemma(verb) != "blame":
        return None
    for prep in _children(verb, "prep"):
        if _lemma(prep) == "on":
            return next(iter(_children(prep, "pobj")), None)
    return None


def _verb_parties(verb: Token) -> tuple[Token | None, Token | None]:
    lemma = _lemma(verb)
    blamed = _blamed_on(verb)
    if blamed is not None:
        return (agent(verb) or _speaker(verb)) if _passive(verb) else _subject(verb), blamed
    if _passive(verb):
        clause = verb.head if _stands_accused(verb) else verb
        found_accused = _passive_subject(clause)
        if clause.dep_ in ("relcl", "acl") and (
            found_accused is None or _is_pronoun(found_accused)
        ):
            found_accused = clause.head
        found_accuser = agent(verb) or _speaker(verb)
        if _same(found_accuser, found_accused):
            # "A babysitter accused of poisoning a toddler told the court …": who speaks is
            # the one accused, not the accuser
            found_accuser = None
        return found_accuser, found_accused
    found_accuser = _subject(verb)
    objects = _children(verb, "dobj")
    if lemma in ("allege", "claim"):
        found_accused = _clause_subject(verb) or (objects[0] if objects else None)
    else:
        found_accused = objects[0] if objects else _clause_subject(verb)
    if verb.dep_ == "acl" and not objects:  # "a man accused of fraud"
        return _speaker(verb), verb.head
    if verb.dep_ == "acl" and found_accuser is None:  # "a suit by X accusing Y"
        found_accuser = verb.head
    return found_accuser, found_accused


# Verbs whose subject makes the accusation that is their object.
_MAKING_VERBS = frozenset(
    "make level bring file raise repeat voice air renew publish issue lodge press hurl trade "
    "lay launch report submit reiterate".split()
)


def _names_accused(prep: Token, pobj: Token | None) -> bool:
    """'charges against X'; 'accusations of Russia' (a party), not 'charges of improper
    trading' (the deed)."""
    if _lemma(prep) == "against":
        return True
    return (
        _lemma(prep) == "of"
        and pobj is not None
        and (pobj.pos_ == "PROPN" or bool(pobj.ent_type_) or _lemma(pobj) in lx.INSTITUTIONS)
    )


def _noun_parties(doc: Any, noun: Token) -> tuple[Token | None, Token | None]:
    found_accuser = None
    for owner in _children(noun, "poss", "compound", "amod"):
        if owner.pos_ in ("PROPN", "NOUN") or owner.ent_type_ in _INSTITUTION_ENTS:
            found_accuser = owner
            break
    before = doc[noun.i - 1] if noun.i else None
    if found_accuser is None and before is not None and before.pos_ == "PROPN":
        found_accuser = before  # "White House accusations", however it was attached
    found_accused = None
    for prep in _children(noun, "prep"):
        pobj = next(iter(_children(prep, "pobj")), None)
        if _lemma(prep) in ("by", "from") and found_accuser is None:
            found_accuser = pobj
        elif found_accused is None and _names_accused(prep, pobj):
            found_accused = pobj
    for made in _children(noun, "acl"):  # "charges brought by the SEC"
        if found_accuser is None and _lemma(made) in _MAKING_VERBS:
            found_accuser = agent(made)
    found_accused = found_accused or _clause_subject(noun)
    verb = noun.head
    if verb.dep_ == "prep" and verb.head.pos_ == "VERB":  # "pleaded guilty to charges"
        verb = verb.head
    if found_accused is None and _lemma(verb) in _TARGET_VERBS:
        found_accused = _subject(verb)
    if found_accused is None and verb.dep_ == "acl" and _lemma(verb) in ("seek", "want"):
        found_accused = verb.head  # "Cakici, sought on charges of corruption"
    if (
        found_accuser is None
        and noun.dep_ == "dobj"
        and verb.pos_ == "VERB"
        and _lemma(verb) in _MAKING_VERBS
        and not (verb.dep_ == "prep" or _lemma(verb.head) in DENY_VERBS)
    ):
        # "X made / levelled / filed allegations"; one who comments on, answers or rejects
        # "the accusations" did not make them.
        found_accuser = _subject(verb)
    if found_accuser is None and noun.dep_ != "dobj":
        found_accuser = _speaker(noun)
    return found_accuser, found_accused


def allegation(doc: Any) -> tuple[Token | None, Token | None]:
    """(accuser, accused) in one parsed sentence; either may be None. Cues in order: the
    charge verbs, the charge nouns ("accusations by X against Y"), then claim ("claiming they
    were made up" is as often a counter-claim); the first cue that names both wins."""
    verbs = _cues(doc, ACCUSE_VERBS, ("VERB",))
    # the small model sometimes tags "accusations" a verb
    nouns = [
        t
        for t in doc
        if _lemma(t) in ACCUSE_NOUNS
        and (t.pos_ == "NOUN" or _lemma(t) in ("accusation", "allegation"))
    ]
    found = [_verb_parties(v) for v in verbs if _lemma(v) != "claim"]
    found += [_noun_parties(doc, n) for n in nouns if n not in verbs]
    found += [_verb_parties(v) for v in verbs if _lemma(v) == "claim"]
    found += [_deed_parties(v) for v in _cues(doc, DEED_VERBS, ("VERB",))]
    found += [_probe_parties(n) for n in _cues(doc, PROBE_NOUNS, ("NOUN",))]
    found += [_settle_parties(v) for v in _cues(doc, _SETTLE_VERBS, ("VERB",))]
    found += [_called_parties(v) for v in _cues(doc, CALL_VERBS, ("VERB",)) if _names_called(v)]
    for hedge in doc:
        if str(hedge.lower_) in HEDGE_ADVERBS:
            found.append((None, _subject(hedge.head)))
        elif str(hedge.lower_) in ("alleged", "suspected", "accused") and (
            hedge.dep_ == "amod" and hedge.head.pos_ in ("NOUN", "PROPN")
        ):
            owners = _children(hedge.head, "poss")
            # "the troops' alleged abuse": the owner of the deed; "alleged spammers": the head;
            # "over alleged bribes": a deed alone names no party
            if owners or _lemma(hedge.head) not in lx.WRONGDOING:
                found.append((None, owners[0] if owners else hedge.head))
    parties = [(party(a), party(b)) for a, b in found]
    for accuser, accused in parties:
        if accuser is not None and accused is not None:
            return accuser, accused
    accuser = next((a for a, _ in parties if a is not None), None)
    accused = next((b for _, b in parties if b is not None), None)
    if accuser is None:
        for token in doc:
            if _lemma(token) in ACCUSE_VERBS | ACCUSE_NOUNS or str(token.lower_) in HEDGE_ADVERBS:
                accuser = party(_speaker(token))
                if _same(accuser, accused):
                    accuser = None  # the accused speaks ("… told the court she was innocent")
                if accuser is not None:
                    break
    return accuser, accused


# a deed of wrong whose doer is accused by whoever says it ("Activists say the factory
# dumped toxic waste", "detainees were tortured by police, the report said")
DEED_VERBS = frozenset(
    "torture kill execute shell bomb behead kidnap abduct massacre dump misuse embezzle bribe "
    "defraud rig loot extort assassinate hack steal smuggle poison".split()
)


_VIOLENT = frozenset("torture kill execute shell bomb behead kidnap abduct massacre poison".split())
_NOT_STOLEN = frozenset("base show win point ball march limelight headline game".split())


def _victim(target: Token) -> bool:
    """Whom a deed of violence is done to: a named person, people or place, or one a victim
    word describes ("British aid worker David Haines", whose name the small model often
    leaves untagged or tags a product)."""
    return (
        target.ent_type_ in ("PERSON", "NORP", "GPE", "ORG")
        or _lemma(target) in lx.VICTIMS
        or any(_lemma(t) in lx.VICTIMS for t in _children(target, "compound", "appos"))
    )


def _deed_parties(verb: Token) -> tuple[Token | None, Token | None]:
    if _has_particle(verb, "out") or _has_particle(verb, "off") or _has_particle(verb, "away"):
        return None, None  # "shelled out $2m", "killed off the game", "hacked away"
    if not _passive(verb):
        objects = _children(verb, "dobj")
        target = objects[0] if objects else None
        if _lemma(verb) in _VIOLENT and not (target is not None and _victim(target)):
            return None, None
        if _lemma(verb) == "steal" and target is not None and _lemma(target) in _NOT_STOLEN:
            return None, None
    doer = agent(verb) if _passive(verb) else _subject(verb)
    return _speaker(verb), doer


PROBE_NOUNS = frozenset("probe investigation inquiry".split())


_SETTLE_VERBS = frozenset(("settle",))


def _settle_parties(verb: Token) -> tuple[Token | None, Token | None]:
    """ "Qwest to pay $250m to settle with the SEC", "Lenco agreed to settle with the FTC
    over claims …": who settles with a named party (a regulator, a plaintiff) is the
    accused, that party the accuser (not "settled with a draw")."""
    counterpart = next(
        (
            pobj
            for prep in _children(verb, "prep")
            if _lemma(prep) == "with"
            for pobj in _children(prep, "pobj")
            if pobj.pos_ == "PROPN" or pobj.ent_type_ in _INSTITUTION_ENTS
        ),
        None,
    )
    if counterpart is None:
        return None, None
    settler = _subject(verb)
    if settler is not None and _is_pronoun(settler):
        settler = _speaker(verb)  # "the chief executive said he had settled with the SEC"
    node = verb
    while settler is None and node.dep_ in ("xcomp", "advcl") and node.head is not node:
        node = node.head  # "Qwest to pay … to settle": the headline's subject heads it
        if node.dep_ == "ROOT" and node.pos_ not in ("VERB", "AUX") and node.text[:1].isupper():
            settler = node
    return counterpart, settler


def _probe_parties(noun: Token) -> tuple[Token | None, Token | None]:
    """ "officials opened a probe into the mining minister": who opens it, and who it is into
    (not "an inquiry into the crash": a deed, no party)."""
    # "into" hangs on the noun, or on the verb that opens it ("opened a probe into X")
    holders = [noun, noun.head] if noun.dep_ == "dobj" else [noun]
    into = [p for h in holders for p in h.children if p.dep_ == "prep" and str(p.lower_) == "into"]
    target = next((o for p in into for o in _children(p, "pobj")), None)
    if target is None or not (
        target.ent_type_ in ("PERSON", "ORG", "GPE", "NORP")
        or _lemma(target) in lx.INSTITUTIONS
        or _lemma(target) in lx.PRIVATE_MARKERS
    ):
        return None, None  # "an inquiry into the crash", "into the racist chants": deeds
    opener = _subject(noun.head) if noun.dep_ in ("dobj", "nsubjpass") else None
    return opener or _speaker(noun), target


def _names_called(verb: Token) -> bool:
    """ "called the president a liar": the verb names its object a liar, a crook …"""
    return any(
        _lemma(t) in lx.NAMES_CALLED for t in verb.children if t.dep_ in ("oprd", "attr", "dobj")
    )


def _called_parties(verb: Token) -> tuple[Token | None, Token | None]:
    named = [
        t
        for t in verb.children
        if t.dep_ in ("dobj", "dative") and _lemma(t) not in lx.NAMES_CALLED
    ]
    return _subject(verb), named[0] if named else None


def official(token: Token) -> bool | None:
    """Whether the party a token heads is an institution or speaks for one (True), a private
    person (False), or cannot be told (None)."""
    tokens = list(token.subtree)
    if len(tokens) > 25:
        tokens = [token, *token.children]
    words = {_lemma(t) for t in tokens} | {str(t.lower_) for t in tokens}
    head = _lemma(token)
    if head in _PRIVATE_AGENTS:  # a lawyer speaks for whoever they represent
        represented = [t for t in tokens if t is not token and t.dep_ in ("pobj", "poss")]
        return any(_institution(t, {_lemma(t)}) for t in represented)
    if words & _OFFICE:
        return True
    if _institution(token, words):
        return True
    if token.ent_type_ == "PERSON" or words & lx.PRIVATE_MARKERS:
        return False
    return None


def _institution(token: Token, words: set[str]) -> bool:
    if token.ent_type_ in _INSTITUTION_ENTS:
        return True
    return bool(words & (lx.INSTITUTIONS - {"source", "sources", "house", "state", "general"}))


def roles(
    denial_docs: Iterable[Any], allegation_docs: Iterable[Any], denied_wrongdoing: bool = False
) -> Parsed:
    """The parties over the evidence sentences, in the order given (the first sentence that
    names a party wins). A denied wrongdoing ("Kremlin denies executing troops") names the
    denier as the accused when no other sentence names one."""
    denial_docs = list(denial_docs)
    denier_token = None
    for doc in denial_docs:
        denier_token = denier(doc)
        if denier_token is not None:
            break
    accuser = accused = ""
    for doc in allegation_docs:
        found_accuser, found_accused = allegation(doc)
        if found_accuser is not None and not accuser:
            accuser = phrase(found_accuser)
        if found_accused is not None and not accused:
            accused = phrase(found_accused)
        if accuser and accused:
            break
    denier_name = phrase(denier_token) if denier_token is not None else ""
    if denied_wrongdoing and not accused:
        accused = denier_name
    if not denier_name and accused and any(map(_denied_by_a_person_pronoun, denial_docs)):
        # "Police accused the protest leader of inciting violence, which he denied": the one
        # accused denies
        denier_name = accused
    return Parsed(
        accuser=accuser,
        accused=accused,
        denier=denier_name,
        official=official(denier_token) if denier_token is not None else None,
    )


def sentences_in(texts: Sequence[str]) -> list[str]:
    """The distinct sentences to parse, in first-seen order."""
    return list(dict.fromkeys(t for t in texts if t.strip()))
