"""Parser roles (spaCy's en_core_web_sm over the evidence sentences of flagged items): the
subject of deny/reject/call … lies is the denier, a passive's `by`-agent, "according to X",
"a claim which X denies", apposition and possessives; accuser and accused of active and passive
accusations; named entities and offices for officialness. The model loads lazily, once, and a
model that cannot be loaded leaves the rule roles with one warning line."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.matcher import Evidence, MatchInput, MatchResult, match, parser, ranker, syntax
from tests.conftest import shared_path

BANK = "A bank in Belarus has denied US charges that it laundered money."


@pytest.fixture(scope="module")
def nlp() -> Any:
    loaded = parser.load()
    assert loaded is not None, "the model package is a declared dependency"
    return loaded


@pytest.mark.parametrize(
    ("sentence", "denier", "official"),
    [
        ("PeopleSoft's chief executive denied the claims.", "PeopleSoft's chief executive", True),
        ("It was a claim which the ministry denies.", "ministry", True),
        (
            "The report was rejected by the Russian embassy in Washington as lies.",
            "Russian embassy in Washington",
            True,
        ),
        ("According to the ministry, the reports are baseless.", "ministry", True),
        ("The embassy called the accusations lies.", "embassy", True),
        (
            "Terrence Donilon, a spokesman for the archdiocese, denied the allegations.",
            "Terrence Donilon, a spokesman for the archdiocese",
            True,
        ),
        ("The company's lawyer denied the allegations.", "company's lawyer", True),
        ("The singer's lawyer denied the rumours.", "singer's lawyer", False),
        (
            "Homeland Security Secretary Jeh Johnson shot down claims that terrorists crossed.",
            "Homeland Security Secretary Jeh Johnson",
            True,
        ),
    ],
)
def test_denier_from_the_parse(nlp: Any, sentence: str, denier: str, official: bool) -> None:
    token = syntax.denier(nlp(sentence))
    assert token is not None
    assert syntax.phrase(token) == denier
    assert syntax.official(token) is official


@pytest.mark.parametrize(
    ("sentence", "accuser", "accused"),
    [
        ("Police accused the man of fraud.", "Police", "man"),
        ("The man was accused by prosecutors of fraud.", "prosecutors", "man"),
        (
            "The White House accused Russia of executing soldiers, officials said.",
            "White House",
            "Russia",
        ),
        (
            "A bank in Belarus has denied US charges that it laundered money.",
            "US",
            "bank in Belarus",
        ),
        ("The mayor blamed the blackout on the power company.", "mayor", "power company"),
        # a deed of wrong: its doer is accused by whoever says it
        (
            "Human rights activists said police tortured the detainees.",
            "Human rights activists",
            "police",
        ),
        ("The UN said the militia shelled the hospital.", "UN", "militia"),
        # the victim of a deed is named by a word the small model tags wrongly ("aid
        # worker Ellery" as a product)
        (
            "Officials said the gang beheaded aid worker Ellery.",
            "Officials",
            "gang",
        ),
        # name-calling accuses the one named
        ("The senator called the president a liar.", "senator", "president"),
        # a probe into a party, opened by another
        (
            "Anti-corruption officials opened a probe into the mining minister over alleged "
            "bribes.",
            "Anti-corruption officials",
            "mining minister",
        ),
        # who settles with a named party (a regulator) stands accused
        (
            "Lenco agreed to settle with the Federal Trade Commission over claims it misled "
            "customers.",
            "Federal Trade Commission",
            "Lenco",
        ),
        ("Qwest to pay $250 mn to settle with SEC", "SEC", "Qwest"),
        (
            "The former chief executive of Ahold said he had settled with the SEC over the "
            "accounting fraud.",
            "SEC",
            "former chief executive of Ahold",
        ),
        (
            "The company settled charges brought by the Securities and Exchange Commission.",
            "Securities and Exchange Commission",
            "company",
        ),
    ],
)
def test_accuser_and_accused_from_the_parse(
    nlp: Any, sentence: str, accuser: str, accused: str
) -> None:
    found_accuser, found_accused = syntax.allegation(nlp(sentence))
    assert found_accuser is not None and syntax.phrase(found_accuser) == accuser
    assert found_accused is not None and syntax.phrase(found_accused) == accused


def test_a_headline_accused_over_something_is_passive(nlp: Any) -> None:
    accuser, accused = syntax.allegation(nlp("CIA accused over Iraq detainees"))
    assert accused is not None and syntax.phrase(accused) == "CIA"
    assert accuser is None or syntax.phrase(accuser) != "CIA"
    token = syntax.denier(nlp("The minister denied with a laugh that he took bribes."))
    assert token is not None and syntax.phrase(token) == "minister"


@pytest.mark.parametrize(
    ("sentence", "accuser", "accused"),
    [("Prosecutors charged the mayor with fraud.", "Prosecutors", "mayor")],
)
def test_an_active_charge_keeps_its_roles(
    nlp: Any, sentence: str, accuser: str, accused: str
) -> None:
    found_accuser, found_accused = syntax.allegation(nlp(sentence))
    assert found_accuser is not None and syntax.phrase(found_accuser) == accuser
    assert found_accused is not None and syntax.phrase(found_accused) == accused


def test_the_seed_article_under_a_misleading_headline() -> None:
    text = shared_path("corpus", "seed-article.txt").read_text()
    title = "Kremlin denies executing troops who refuse to fight"
    result = match(MatchInput(title, text))
    roles = parser.parse_roles([(f"{title}\n{text}", result)])
    assert roles is not None
    (found,) = roles
    assert "White House" in found.accuser
    assert "Russia" in found.accused
    assert found.denier == "Russian embassy in Washington"
    assert found.official is True


def test_a_private_person_denying_is_not_official() -> None:
    title = "Singer denies dating rumours"
    text = "The singer herself denied the rumours on Monday, calling them nonsense."
    result = match(MatchInput(title, text))
    assert result.denial
    roles = parser.parse_roles([(f"{title}\n{text}", result)])
    assert roles is not None
    assert roles[0].official is False


def test_a_model_that_cannot_load_leaves_the_rule_roles_with_one_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    result = match(MatchInput("Ministry denies the report, calling it lies"))
    assert result.denial
    with caplog.at_level(logging.WARNING, logger="bot.matcher.parser"):
        assert parser.parse_roles([("", result)], package="no_such_model_pkg_once") is None
        assert parser.parse_roles([("", result)], package="no_such_model_pkg_once") is None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "rule roles stand" in warnings[0].getMessage()
    assert "\n" not in warnings[0].getMessage()


def test_nothing_flagged_nothing_loaded_and_never_at_import() -> None:
    code = (
        "import sys; from bot.matcher import match, MatchInput, parser; "
        "r = match(MatchInput('Stocks rise as rates hold')); "
        "print(parser.parse_roles([('', r)]) is not None, "
        "any(m.startswith(('spacy', 'thinc')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


def test_match_command_gives_the_parsers_parties(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    rows = [
        {"id": "y", "title": "Belarus Bank Denies Money Laundering Charge", "text": BANK},
        {"id": "z", "title": "Weather is fine", "text": ""},
    ]
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    claimwatch = str(Path(sys.executable).with_name("claimwatch"))
    out = subprocess.run(
        [claimwatch, "match", "--jsonl", str(source)], check=True, capture_output=True, text=True
    ).stdout
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == ["y", "z"]
    assert lines[0]["accuser"] == "US" and "bank" in lines[0]["accused"].lower()


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.sampled_from(["allegation", "denial"]))
def test_the_parser_never_raises_on_any_sentence(sentence: str, label: str) -> None:
    evidence = Evidence(label, "text", 0, len(sentence), sentence, "deny:verb")
    result = MatchResult(
        allegation=label == "allegation", denial=label == "denial", evidence=(evidence,)
    )
    roles = parser.parse_roles([(sentence, result)])
    assert roles is not None and len(roles) == 1


def test_a_party_named_nowhere_in_the_evidence_is_the_speaker_of_a_nearby_sentence() -> None:
    found = _parsed_roles(
        "Teacher charged over missing funds",
        "A teacher was charged with embezzling school funds on Friday. "
        "The inquiry began in March, the Hampshire Constabulary said.",
    )
    assert "Hampshire" in found.accuser


def test_a_bare_common_noun_becomes_the_named_party_it_stands_for(nlp: Any) -> None:
    assert parser._named(
        "school",
        parser._entities([nlp("Ohio State University denied the report about the coach.")]),
        "",
    ).startswith("Ohio State")
    # a named party is left alone, and the other side's name is never taken
    assert parser._named("the Kremlin", {"institution": ["Gazprom"], "person": []}, "") == (
        "the Kremlin"
    )
    assert parser._named("company", {"institution": ["Acme Corp"], "person": []}, "", "Acme") == (
        "company"
    )


def test_an_acronym_is_spelled_out_where_the_text_names_it_in_full() -> None:
    context = "The Federal Trade Commission sued the firm. The FTC said it lied."
    assert parser._expand_acronym("FTC", context) == "Federal Trade Commission (FTC)"
    assert parser._expand_acronym("FTC", "The FTC said so.") == "FTC"
    assert parser._expand_acronym("Kremlin", context) == "Kremlin"


def test_a_participle_clause_charges_the_subject_of_its_sentence(nlp: Any) -> None:
    doc = nlp(
        "Augusto Pinochet, the former dictator, was ordered under house arrest on Monday, "
        "charged with kidnapping and murder."
    )
    accuser, accused = syntax.allegation(doc)
    assert accused is not None and "Pinochet" in syntax.phrase(accused)
    assert accuser is None or "Pinochet" not in syntax.phrase(accuser)


def test_a_role_the_evidence_leaves_a_common_noun_is_named_from_the_headline() -> None:
    found = _parsed_roles(
        "Singer Anna Kowalski sued", "The singer was sued for fraud by her former label."
    )
    assert "Anna Kowalski" in found.accused
    assert "label" in found.accuser


def test_a_deed_a_time_or_an_amount_is_no_party() -> None:
    assert parser._party_like("Jakarta bombing") == ""
    assert parser._party_like("Los Angeles, October 29") == ""
    assert parser._party_like("two attacks Sunday") == ""
    assert parser._party_like("240m libel damages") == ""
    assert parser._party_like("Islamic State militants") == "Islamic State militants"
    assert parser._party_like("Internet spammers") == "Internet spammers"


@pytest.mark.parametrize(
    ("sentence", "bare"),
    [
        ("Reuters - Ahold NV agreed to settle.", "Ahold NV agreed to settle."),
        ("BAGHDAD—An Iraqi official denied it.", "An Iraqi official denied it."),
        ("WASHINGTON (Reuters) - The army denied it.", "The army denied it."),
        ("Police - the city's own - denied it.", "Police - the city's own - denied it."),
        ("Canadian Press - OTTAWA (CP) - Police charged a man.", "Police charged a man."),
        ("SEATTLE/NEW YORK (Reuters) - Lumen Corp. sued.", "Lumen Corp. sued."),
        ("Kettering, OH (Sports Network) - The club denied it.", "The club denied it."),
        ("NEW YORK Oct. 13, 2004 - The league denied it.", "The league denied it."),
        ("Berlin - A German teenager was charged.", "A German teenager was charged."),
        ("Putin -- who denied it -- spoke.", "Putin -- who denied it -- spoke."),
        ("Microsoft: We did nothing wrong.", "Microsoft: We did nothing wrong."),
    ],
)
def test_a_wire_dateline_is_cut_before_parsing(sentence: str, bare: str) -> None:
    assert parser._DATELINE.sub("", sentence, count=1) == bare


def test_the_owner_of_an_alleged_deed_is_the_accused(nlp: Any) -> None:
    _, accused = syntax.allegation(nlp("A court backed an inquiry into the guards' alleged abuse."))
    assert accused is not None and syntax.phrase(accused) == "guards"
    _, accused = syntax.allegation(nlp("Microsoft sued alleged spammers on Friday."))
    assert accused is not None and syntax.phrase(accused) == "alleged spammers"


def test_an_age_is_a_party_but_a_sum_is_not() -> None:
    assert parser._party_like("A 16-year-old") == "A 16-year-old"
    assert parser._party_like("$50m") == ""


def test_a_clause_cut_short_at_a_pronoun_is_no_party() -> None:
    assert parser._party_like("home Sunday morning -- which he") == ""
    assert parser._party_like("US") == "US"


def test_the_source_of_the_denied_story_is_not_its_denier(nlp: Any) -> None:
    docs = [nlp("The company called the New York Times report false.")]
    assert parser._entities(docs)["institution"] == ["the New York Times"]
    assert parser._entities(docs, claim_sources=False)["institution"] == []
    assert parser._named("company", parser._entities(docs, claim_sources=False), "") == "company"


def test_what_counts_as_a_bare_common_noun() -> None:
    assert parser._generic("the companies") == "institution"
    assert parser._generic("Olympic swimming champion") == "person"
    assert parser._generic("four men") == ""  # not one named man
    assert parser._generic("Acme company") == ""
    assert parser._generic("Kremlin spokesman") == ""


def test_charges_of_a_deed_are_against_whoever_settles_them(nlp: Any) -> None:
    accuser, accused = syntax.allegation(
        nlp("The two founders agreed to settle regulators' charges of improper trading.")
    )
    assert accuser is not None and syntax.phrase(accuser) == "regulators"
    assert accused is not None and syntax.phrase(accused) == "two founders"


def test_a_denial_with_no_deny_verb_is_its_sentences_subjects(nlp: Any) -> None:
    token = syntax.denier(
        nlp("The army defended its record, saying an inquiry found no evidence of abuse.")
    )
    assert token is not None and syntax.phrase(token) == "army"
    assert syntax.denier(nlp("The claims are being described as a hoax.")) is None


@pytest.mark.parametrize(
    ("sentence", "denier"),
    [
        (
            "According to a motion it filed in court, the company says the claims are baseless.",
            "company",
        ),
        ("According to a statement by the ministry, the reports are baseless.", "ministry"),
    ],
)
def test_according_to_a_document_is_its_author(nlp: Any, sentence: str, denier: str) -> None:
    token = syntax.denier(nlp(sentence))
    assert token is not None and syntax.phrase(token) == denier


def test_an_allegation_naming_no_accused_charges_the_one_who_denies_it() -> None:
    found = _parsed_roles(
        "Fraud claims surface in tender row",
        "Opposition lawmakers made allegations of fraud in the tender on Tuesday. "
        "Acme Holdings denied the allegations in a statement.",
    )
    assert "Acme" in found.denier
    assert "Acme" in found.accused


def test_a_probe_into_a_deed_names_no_accused(nlp: Any) -> None:
    """An inquiry into a crash, or alleged bribes on their own, name no accused party."""
    _, accused = syntax.allegation(nlp("Police launched an inquiry into the crash."))
    assert accused is None
    _, accused = syntax.allegation(nlp("Officials looked at the alleged bribes."))
    assert accused is None


def _parsed_roles(title: str, text: str, **flags: bool) -> parser.Roles:
    result = match(MatchInput(title, text))
    result = replace(result, **flags)
    found = parser.parse_roles([(f"{title}\n{text}", result)])
    assert found is not None
    return found[0]


def test_a_denial_reported_alone_names_the_claim_it_answers() -> None:
    """The labels flag a denial but not the allegation: the alert still says whose claim
    was denied and whom it blamed."""
    found = _parsed_roles(
        "Embassy dismisses newspaper report as absurd",
        "The Freedonian embassy on Monday dismissed as absurd a report in the Daily Courier "
        "that its diplomats had smuggled weapons into the country.",
        allegation=False,
    )
    assert "Freedonian" in found.denier
    assert "Courier" in found.accuser
    assert not ranker.same_party(found.accuser, found.denier)


def test_a_report_or_a_video_accuses_where_no_one_is_named() -> None:
    found = _parsed_roles(
        "Wife and friends accused of beating husband's lover",
        "Local media reports said the woman and three friends beat her in a shopping street "
        "in Jinan on Sunday.",
    )
    assert "reports" in found.accuser
    assert "friends" in found.accused
    # a video accuses; it is never the accused nor the denier
    found = _parsed_roles(
        "Video shows soldiers beating prisoners, rights group says",
        "A video posted online appears to show soldiers beating handcuffed prisoners. The "
        "army said the footage was fake.",
        allegation=True,
    )
    # the soldiers, or the army they serve in (which denies for them)
    assert found.accused.lower() in ("soldiers", "army", "the army")
    assert "army" in found.denier
    assert "video" not in f"{found.accused} {found.denier}".lower()


def test_a_fact_checks_verdict_is_the_outlets_and_names_no_party() -> None:
    title = "Did the senator lie about his war record?"
    text = (
        "Claim: The senator lied about serving in the navy.\nRuling: Pants on Fire\n"
        "He served four years, records show."
    )
    found = parser.role_candidates([(f"{title}\n{text}", match(MatchInput(title, text)))])
    assert found is not None and found[0] is not None
    assert not any("Pants" in c.text for c in found[0])
    roles = _parsed_roles(title, text)
    assert roles.denier == ranker.SELF and roles.official is True
    assert "senator" in roles.accused


def test_an_organisation_the_model_tags_is_an_institution(nlp: Any) -> None:
    token = syntax.denier(nlp("The BBC denied the report."))
    assert token is not None and syntax.official(token) is True


def test_settling_for_a_draw_names_no_accuser(nlp: Any) -> None:
    assert syntax.allegation(nlp("Rovers settled for a draw with City on Saturday.")) == (
        None,
        None,
    )


@pytest.mark.parametrize(
    ("title", "text", "accuser", "accused"),
    [
        # "X - The <noun>" is the subject and a description of it, no dateline
        (
            "SEC case",
            "Goldman Sachs - The bank rejected SEC charges that it misled investors.",
            "SEC",
            "Goldman",
        ),
        # a newspaper called The Report is a party, not a document
        (
            "Senator sues weekly",
            "Senator Kim sued The Report for libel, accusing the weekly of defamation. The "
            "Report denied wrongdoing.",
            "Kim",
            "Report",
        ),
        # a lawsuit filed by a party: the party accuses
        (
            "Union accused",
            "A lawsuit filed by the company accuses the union of intimidating workers.",
            "company",
            "union",
        ),
    ],
)
def test_a_review_of_the_new_candidates(title: str, text: str, accuser: str, accused: str) -> None:
    found = _parsed_roles(title, text)
    assert accuser in found.accuser
    assert accused in found.accused


def test_a_fact_check_names_no_denier_of_its_own_as_the_claims_source() -> None:
    found = _parsed_roles(
        "Claim: Minister hid millions in offshore accounts",
        "A post shared thousands of times says the minister hid millions in offshore "
        "accounts.\nFAKE\nThe documents shared online were doctored, the finance ministry said.",
    )
    assert found.denier == ranker.SELF
    assert "ministry" not in found.accuser


def test_beside_a_denier_chosen_first_its_common_noun_is_no_accuser() -> None:
    found = _parsed_roles(
        "Newcastle deny sale report",
        "Newcastle United dismissed a newspaper report that the club was up for sale.",
    )
    assert "Newcastle" in found.denier
    assert found.accuser != "club"


def test_one_who_stands_accused_is_the_accused(nlp: Any) -> None:
    for sentence, accused in [
        (
            "A pensioner was robbed in his home, and his carer stands accused of the attack.",
            "carer",
        ),
        ("The minister, who stands accused of fraud, resigned on Monday.", "minister"),
        ("Two officers now stand accused of assault by a police watchdog.", "officers"),
    ]:
        accuser, found = syntax.allegation(nlp(sentence))
        assert found is not None and found.text == accused, sentence
    accuser, _ = syntax.allegation(nlp("Two officers now stand accused of assault by a watchdog."))
    assert accuser is not None and accuser.text == "watchdog"


def test_an_institution_named_by_a_common_noun_denies() -> None:
    """ "The hospital denied the claim": the hospital denies, not the outlet in its own
    voice; and the carer, not the victim, stands accused."""
    found = _parsed_roles(
        "",
        "A hospital in Lagos is under fire after a woman died waiting for treatment. Relatives "
        "of the woman say doctors refused to see her because she could not pay upfront. The "
        "hospital denied the claim, saying she was seen within the hour.",
    )
    assert "hospital" in found.denier
    found = _parsed_roles(
        "",
        "A pensioner was beaten and robbed in his own home in Leeds, and his carer stands "
        "accused of the attack. The 82-year-old man was found by a neighbour on Tuesday.",
    )
    assert "carer" in found.accused


def test_the_candidates_come_from_the_first_sentences_of_an_article() -> None:
    """An article names its accuser a few sentences down ("Parents of the girls … say"):
    the ranker's candidates come from the sentences of its first 2,000 characters, each
    with its head word; what comes after is not read."""
    title = "School under fire after pupils hurt on trip"
    text = (
        "Seven pupils were hurt during a school trip to the coast last week. The trip was "
        "meant to last three days. The group stayed in a hostel near the cliffs. Parents of "
        "the pupils accuse the teachers of leaving them alone for hours. The school denies it. "
        "The trip cost each family 200 pounds. The coach left at dawn. Harbour Academy "
        "rejected the claims on Friday. "
        + "The weather on the coast was mild and the sea was calm that week. " * 30
        + "A late sentence names the Ministry of Education, which is not read."
    )
    assert text.index("Ministry") > 2_000
    result = match(MatchInput(title, text))
    # the lead sentences are read whatever the evidence sentences are
    result = replace(result, allegation=True, evidence=())
    found = parser.role_candidates([(f"{title}\n{text}", result)])
    assert found is not None and found[0] is not None
    by_text = {c.text: c.features for c in found[0]}
    assert "Parents" in by_text and "hw:parent" in by_text["Parents"]
    assert "doc:body" in by_text["Parents"]
    # the eighth sentence is read (the school's name, where a denier often stands) …
    assert any("Harbour Academy" in name for name in by_text)
    assert not any("Ministry" in name for name in by_text)


def test_markup_a_feed_escaped_twice_never_reaches_a_party() -> None:
    title = "Acme and Globex settle patent suit"
    text = (
        'Acme Corp. &lt;A HREF="http://www.example.com/quote?ticker=ACME"&gt;ACME&lt;/A&gt; '
        "said on Monday it will pay $40 million to Globex Inc. to settle a lawsuit accusing "
        "it of copying Globex's chip designs."
    )
    result = match(MatchInput(title, text))
    found = parser.role_candidates([(f"{title}\n{text}", replace(result, allegation=True))])
    assert found is not None and found[0] is not None
    names = [c.text for c in found[0]]
    assert "Acme Corp." in names
    assert not any(mark in name for name in names for mark in ("&lt;", "<", "http", "="))


def test_a_claim_in_apposition_is_no_part_of_the_party(nlp: Any) -> None:
    doc = nlp(
        "The search engine favours conservative outlets, according to the blogger Dan Ruiz, "
        "a claim which the company denies."
    )
    blogger = next(t for t in doc if t.text == "blogger")
    assert syntax.phrase(blogger) == "blogger Dan Ruiz"
    doc = nlp("Dan Ruiz, the former chief executive of Acme, denied the claim.")
    assert syntax.phrase(doc[1]) == "Dan Ruiz, the former chief executive of Acme"


def test_one_accused_who_speaks_is_not_the_accuser(nlp: Any) -> None:
    accuser, accused = syntax.allegation(
        nlp("A babysitter accused of poisoning a toddler told the court she was innocent.")
    )
    assert accused is not None and accused.text == "babysitter"
    assert accuser is None or accuser.text != "babysitter"
    # a speaker who is someone else still accuses
    accuser, accused = syntax.allegation(nlp("A man accused of fraud was arrested, police said."))
    assert (accuser.text if accuser else "", accused.text if accused else "") == ("police", "man")


def test_a_place_is_no_party() -> None:
    """ "left the pensioner in hospital", "an outage at the airport": places, though "the
    hospital denied" and "the Harley Street clinic" are parties (and a street the model
    takes for an organisation names none)."""
    title = "Hackers blamed for outage at airport"
    text = "His carer stands accused of the attack, which left the 84-year-old in hospital."
    for head, body in ((title, ""), ("", text)):
        result = match(MatchInput(head, body))
        found = parser.role_candidates([(f"{head}\n{body}", result)])
        assert found is not None and found[0] is not None
        assert not any(c.text.lower() in ("airport", "hospital") for c in found[0])
    assert parser._named(
        "clinic", {"institution": ["Harley Street", "Cedar Health"], "person": []}, ""
    ).startswith("Cedar Health")


def test_the_one_accused_denies_when_he_or_she_denies(nlp: Any) -> None:
    """ "…, which he denied": not the root's subject (the police), but the one accused."""
    doc = nlp("Police accused the protest leader of inciting violence, which he denied.")
    assert syntax.denier(doc) is None
    found = syntax.roles([doc], [doc])
    assert found.accuser == "Police"
    assert found.accused == found.denier == "protest leader"
    # in a sentence of its own
    charged = nlp("The singer was charged with assaulting a photographer outside a club.")
    denies = nlp("She denies the allegation.")
    assert syntax.roles([denies], [charged]).denier == "singer"


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Yukos", "Beleaguered Russian energy giant Yukos", True),
        ("Microsoft", "Microsoft Corp.", True),
        ("the embassy", "Russian embassy in Washington", True),
        ("U.S.", "US", True),
        # they share a word, but name two parties
        ("Princess Diana", "former bodyguard of Princess Diana", False),
        ("French", "French competition authorities", False),
        ("Shell service station owners in Massachusetts", "Royal Dutch/Shell Group of Cos", False),
        ("John Ashcroft, the attorney general of the US", "US", False),
        ("Russia", "Russian embassy", False),
        # heads that only begin alike
        ("Niger", "Nigeria", False),
        ("governor", "government", False),
        ("Motorists", "General Motors Corp", False),
        ("Sun Microsystems", "Microsoft Corp", False),
        ("House committee", "Federal Communications Commission", False),
    ],
)
def test_one_party_by_its_head_word(one: str, other: str, same: bool) -> None:
    assert ranker.same_head(one, other) is same
    assert ranker.same_head(other, one) is same


def test_an_accuser_who_shares_a_word_with_the_denier_is_still_named() -> None:
    """The accuser is kept apart from the accused and the denier as a party, not as a word:
    "Senator Mary Hollis" accuses her former bodyguard, who denies it."""
    title = "Bodyguard of senator denies affair claim"
    text = (
        "A former bodyguard of Senator Mary Hollis denied claims by the senator that he "
        "leaked her diary."
    )
    found = _parsed_roles(title, text)
    assert "senator" in found.accuser.lower()
    assert "bodyguard" in found.denier.lower()


@pytest.mark.parametrize(
    ("phrase", "party"),
    [
        ("Briton Charged With Plotting Bomb Attack", "Briton"),
        ("Pentagon Disputes", "Pentagon"),
        ("Teacher Sues School Board", "Teacher"),
        ("Secret Service", "Secret Service"),
        ("hackers charged by Interpol", "hackers charged by Interpol"),  # not title case
        # a name that holds the word, and words as often nouns as verbs
        ("Software maker Plans Inc", "Software maker Plans Inc"),
        ("New Faces Party", "New Faces Party"),
        ("Enron's Skilling Pleads", "Enron's Skilling"),
    ],
)
def test_a_title_case_headline_read_as_one_name_is_cut_at_its_verb(phrase: str, party: str) -> None:
    assert parser._party_like(phrase) == party


def test_a_party_is_named_at_its_fullest_but_never_as_the_other_side() -> None:
    """The ranker's pick "Clarett" is named as the text names him in full; "Ohio State",
    whom he accuses, is not stretched into the accuser's own fuller mention."""
    title = "Clarett accuses Ohio State"
    text = "Former Ohio State star Maurice Clarett accused coaches of arranging cash payments."
    found = _parsed_roles(title, text)
    assert found.accuser == "Former Ohio State star Maurice Clarett"
    assert found.accused == "Ohio State"


@pytest.mark.parametrize(
    ("title", "text", "accused", "denier"),
    [
        (
            "US accuses Syria of shelling civilians",
            "The United States accused Syria of shelling civilians in Aleppo. The Syrian "
            "embassy in Washington called the claim lies.",
            "Syria",
            "Syrian embassy in Washington",
        ),
        # the embassy itself accused
        (
            "Embassy accused of spying",
            "Police accused the Syrian embassy of spying on exiles. The embassy denied it.",
            "Syrian embassy",
            "Syrian embassy",
        ),
    ],
)
def test_the_state_accused_is_not_the_embassy_that_denies(
    title: str, text: str, accused: str, denier: str
) -> None:
    found = _parsed_roles(title, text)
    assert (found.accused, found.denier) == (accused, denier)


@pytest.mark.parametrize(
    ("title", "text", "accuser", "accused"),
    [
        ("Rebels massacred dozens of villagers in the east", "", "", "Rebels"),
        ("", "The militia beheaded two aid workers near the border.", "", "militia"),
        # one who says it accuses
        (
            "",
            "The militia beheaded two aid workers near the border, the army said.",
            "army",
            "militia",
        ),
    ],
)
def test_a_deed_no_one_reports_names_no_accuser(
    title: str, text: str, accuser: str, accused: str
) -> None:
    """A deed the text states with no one who says it has its doer accused and no accuser:
    not the victim, whom the ranker would otherwise name."""
    found = _parsed_roles(title, text)
    assert (found.accuser.lower(), found.accused.lower()) == (
        accuser.lower(),
        accused.lower(),
    )


def test_a_document_that_accuses_is_named_by_its_author() -> None:
    """ "A report by Transparency International said …": the report accuses, and the text
    names who wrote it, so the alert names them (the headline's bare "Report" too)."""
    title = "Report accuses ministry of graft"
    text = "A report by Transparency International said the health ministry embezzled aid funds."
    found = _parsed_roles(title, text)
    assert found.accuser == "Transparency International"
    assert found.accused == "health ministry"


def test_a_hyphenated_name_is_never_cut() -> None:
    """The small model may parse "Wal-Mart" as three words; the party is named whole."""
    title = "Wal-Mart accused of bias"
    text = "Female workers accused Wal-Mart of paying women less than men."
    found = _parsed_roles(title, text)
    assert found.accused == "Wal-Mart"


def test_a_party_never_ends_in_a_determiner_its_noun_was_left_out_of() -> None:
    """The small model sometimes hangs "the" of an apposition it does not finish on the
    name ("Bill Cosby, the …"): the party is the name. The parse is given (a spaCy Doc with
    these heads and labels), so the test does not depend on what the model reads."""
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    doc = Doc(
        Vocab(),
        words=["Claims", "against", "Martin", "Calloway", ",", "the"],
        heads=[0, 0, 3, 1, 3, 3],
        deps=["ROOT", "prep", "compound", "pobj", "punct", "det"],
        pos=["NOUN", "ADP", "PROPN", "PROPN", "PUNCT", "DET"],
    )
    assert syntax.phrase(doc[3]) == "Martin Calloway"
