"""The role ranker: each party of a flagged item picked among the parties its parsed
sentences name, by a logistic regression per role (trained by `scripts/train_matcher.py
--roles`, cross-validated in `claimwatch eval`)."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

import pytest

from bot.alerts import alert_for
from bot.evaluate import _analyse
from bot.matcher import MatchInput, decide, learned, match, parser, ranker
from bot.matcher.training import fit_ranker, ranker_examples
from bot.types import REPORTING_OUTLET
from tests.conftest import shared_path
from tests.stories import own_article
from tests.test_alerts import flagged


def _candidate(text: str, *features: str) -> ranker.Candidate:
    return ranker.Candidate(text, frozenset(features))


def test_the_best_scoring_candidate_wins_and_nothing_is_chosen_of_nothing() -> None:
    model = ranker.RankModel(
        weights={"denier": {"dh:nsubj:deny": 2.0, "generic:institution": -1.0}}, meta={}
    )
    found = [
        _candidate("the ministry", "dh:nsubj:deny", "generic:institution"),
        _candidate("Foreign Ministry", "dh:nsubj:deny"),
        _candidate("Reuters", "dep:pobj"),
    ]
    chosen = model.choose("denier", found)
    assert chosen is not None and chosen.text == "Foreign Ministry"
    assert model.choose("denier", []) is None
    assert model.choose("accuser", found) == found[0]  # no weights: the first of equals


def test_a_ranker_file_must_cover_every_role() -> None:
    with pytest.raises(ValueError, match="not a role ranker"):
        ranker.from_json({"weights": {"denier": {}}})
    model = ranker.from_json({"weights": {r: {"x": 1} for r in ranker.ROLES}, "meta": {}})
    assert model.as_json()["weights"]["accuser"] == {"x": 1.0}


def test_training_learns_which_mention_is_the_party() -> None:
    """Items where the subject of the deny verb is the denier, among distractors that share
    other features with it; the fitted ranker then picks the subject in an unseen item."""
    examples = []
    for n in range(30):
        found = [
            _candidate(f"Ministry {n}", "dh:nsubj:deny", "cap", f"freq:{n % 3}"),
            _candidate(f"Reporter {n}", "dh:pobj:ADP", "cap", f"freq:{(n + 1) % 3}"),
            _candidate(f"the claim {n}", "dh:dobj:deny", f"freq:{(n + 2) % 3}"),
        ]
        examples.append((found, f"Ministry {n}"))
    model = fit_ranker({"denier": examples})
    unseen = [
        _candidate("Tass", "dh:pobj:ADP", "cap", "freq:2"),
        _candidate("Kremlin", "dh:nsubj:deny", "cap", "freq:0"),
    ]
    chosen = model.choose("denier", unseen)
    assert chosen is not None and chosen.text == "Kremlin"
    assert model.weights["accuser"] == {}  # no examples: no weights, never an error


def test_each_role_is_fitted_with_its_own_regularisation() -> None:
    """`fit_ranker` takes one strength per role: the same examples fitted loosely for one
    role and tightly for another give that role the larger weights."""
    examples = [
        (
            [
                _candidate(f"Ministry {n}", "dh:nsubj:deny", f"freq:{n % 3}"),
                _candidate(f"Reporter {n}", "dh:pobj:ADP", f"freq:{(n + 1) % 3}"),
            ],
            f"Ministry {n}",
        )
        for n in range(20)
    ]
    model = fit_ranker(
        {"accused": examples, "denier": examples},
        {"accuser": 1.0, "accused": 10.0, "denier": 0.05},
    )
    loose, tight = model.weights["accused"], model.weights["denier"]
    assert loose["dh:nsubj:deny"] > 2 * tight["dh:nsubj:deny"] > 0
    assert model.meta["C"] == {"accuser": 1.0, "accused": 10.0, "denier": 0.05}


def test_the_shipped_ranker_is_read_and_follows_the_syntax_rules_where_they_agree() -> None:
    model = ranker.shipped()
    assert model is not None
    assert set(model.weights) == set(ranker.ROLES)
    for role in ranker.ROLES:  # the syntax rules' pick is the strongest single hint
        assert model.weights[role].get(f"pick:{role}", 0.0) > 0.5


def _roles(title: str, text: str, **kwargs: object) -> parser.Roles:
    result = match(MatchInput(title, text))
    found = parser.parse_roles([(f"{title}\n{text}", result)], **kwargs)  # type: ignore[arg-type]
    assert found is not None
    return found[0]


def test_a_named_party_takes_what_its_common_noun_does_in_the_sentence() -> None:
    """ "The company denied": the company the sentences name, not the accuser beside it."""
    found = _roles(
        "Carmaker denies cheating on emissions tests",
        "Regulators in Germany accused Zentra Motors of fitting software that cheats emissions "
        "tests. The company denied any wrongdoing in a statement on Friday.",
    )
    assert "Zentra" in found.denier
    assert "Zentra" in found.accused
    assert "Regulators" in found.accuser


def test_the_accuser_is_never_the_party_picked_as_accused() -> None:
    cases = [
        (
            "Club hits back at doping claims",
            "A newspaper report alleged that players at Rovers FC were given banned "
            "substances. The club called the allegations false and said it would sue.",
        ),
        (
            "Minister accused of taking bribes",
            "Opposition leader Maria Lopez accused Transport Minister Juan Perez of taking "
            "bribes from a construction firm. Perez denied the allegations, his spokesman said.",
        ),
    ]
    for title, text in cases:
        found = _roles(title, text)
        assert found.accuser and found.accused
        assert not ranker.same_party(found.accuser, found.accused)


def test_a_given_ranker_is_used_and_rank_false_keeps_the_syntax_rules() -> None:
    title = "Ministry rejects claims of fuel shortage"
    text = (
        "The Energy Ministry on Tuesday rejected opposition claims that the country is "
        "running out of diesel, calling them baseless scaremongering."
    )
    outlet_first = ranker.RankModel(weights={"denier": {"self": 50.0}}, meta={})
    assert _roles(title, text, model=outlet_first).denier == REPORTING_OUTLET
    assert _roles(title, text, rank=False).denier == "Energy Ministry"
    assert _roles(title, text).denier == "Energy Ministry"


def test_candidates_are_parties_at_their_fullest_never_pronouns() -> None:
    title = "Embassy calls US claims lies"
    text = (
        "The White House said Russia executes soldiers who refuse orders. The Russian embassy "
        "in Washington called the claims other-worldly lies. It said its military obeys the law."
    )
    result = match(MatchInput(title, text))
    found = parser.role_candidates([(f"{title}\n{text}", result)])
    assert found is not None and found[0] is not None
    texts = [c.text for c in found[0]]
    assert "Russian embassy in Washington" in texts
    assert REPORTING_OUTLET in texts  # a denial: the outlet's own voice is a candidate
    assert not any(t.lower() in ("it", "they", "its military") for t in texts)
    assert all(c.features for c in found[0])


def test_an_alert_names_the_source_of_a_denial_in_the_outlets_own_voice() -> None:
    item = flagged(1, "No, the actor did not die", denier=REPORTING_OUTLET, feeds=("Fact Check",))
    assert alert_for(item).denier == f"{REPORTING_OUTLET} (Fact Check)"
    assert alert_for(replace(item, denier="Energy Ministry")).denier == "Energy Ministry"
    assert alert_for(replace(item, feeds=())).denier == REPORTING_OUTLET  # no source known


HEADLINES = [
    "Kremlin denies executing troops who refuse to fight",
    "White House: Russia executing soldiers who refuse orders; embassy calls it 'lies'",
    "US, Russia trade claims",
    "Russia",
]


@pytest.mark.parametrize("headline", HEADLINES)
def test_the_seed_article_names_the_same_parties_whatever_the_headline(headline: str) -> None:
    text = shared_path("corpus", "seed-article.txt").read_text()
    found = _roles(headline, text)
    assert "White House" in found.accuser
    assert "Russia" in found.accused
    assert found.denier == "Russian embassy in Washington"


@pytest.mark.parametrize("headline", [*HEADLINES, ""])
def test_the_own_embassy_article_names_the_same_parties_whatever_the_headline(
    headline: str,
) -> None:
    _own_headline, paragraphs = own_article("embassy-denial.txt")
    found = _roles(headline, "\n".join(paragraphs))
    assert "German" in found.accuser
    assert "Russia" in found.accused
    assert found.denier == "Russian embassy in Berlin"


def test_a_lawyers_my_client_is_not_the_denier_and_a_headline_verb_is_no_name() -> None:
    headline, paragraphs = own_article("private-denial.txt")
    result = match(MatchInput(headline, "\n".join(paragraphs)))
    found = parser.role_candidates([(f"{headline}\n" + "\n".join(paragraphs), result)])
    assert found is not None and found[0] is not None
    texts = [c.text.lower() for c in found[0]]
    assert "football coach" in texts
    assert not any(t.startswith("my ") for t in texts)
    assert "coach" in _roles(headline, "\n".join(paragraphs)).denier.lower()
    ministry_headline, ministry = own_article("ministry-denial.txt")
    text = f"{ministry_headline}\n" + "\n".join(ministry)
    found = parser.role_candidates([(f"Russia\n{text}", match(MatchInput("Russia", text)))])
    assert found is not None and found[0] is not None
    assert not any(c.text.split()[-1].lower() == "rejects" for c in found[0])
    assert not any(c.text.startswith("Russia Health") for c in found[0])  # no line break


def test_a_surface_rule_fragment_is_no_candidate_beside_the_party_it_cuts() -> None:
    """The surface rules cut "According to the US Federal Bureau of" out of the sentence;
    the parse names the party whole, so the fragment is no candidate of its own."""
    text = (
        "According to the US Federal Bureau of Investigation (FBI) the reporter was abducted "
        "by an organised gang that allegedly sold him to militants."
    )
    result = match(MatchInput("", text))
    assert result.allegation and result.accuser.startswith("According to")
    found = parser.role_candidates([(f"\n{text}", result)])
    assert found is not None and found[0] is not None
    texts = [c.text for c in found[0]]
    assert "US Federal Bureau of Investigation" in texts
    assert not any(t.startswith("According") for t in texts)


def test_the_outlets_own_voice_denies_and_never_accuses() -> None:
    """SELF stands for the outlet of a fact-check: a ranker that favours it for every role
    still names it only as the denier; where the only other party is the denier, nobody is
    named the accuser rather than the denier twice."""
    title = "Airline says claims it overcharged passengers are untrue"
    text = "Skyway Airlines said the claims that it overcharged passengers were untrue."
    result = match(MatchInput(title, text))
    assert result.allegation and result.denial
    self_first = ranker.RankModel(weights={key: {"self": 50.0} for key in ranker.ROLES}, meta={})
    found = _roles(title, text, model=self_first)
    assert found.denier == REPORTING_OUTLET
    assert REPORTING_OUTLET not in (found.accuser, found.accused)
    airline_everywhere = ranker.RankModel(
        weights={key: {"ent:ORG": 50.0, "self": -50.0} for key in ranker.ROLES}, meta={}
    )
    found = _roles(title, text, model=airline_everywhere)
    assert "Skyway" in found.denier
    assert not ranker.same_party(found.accuser, found.denier)


@pytest.mark.parametrize("noun", ["Firm", "Company"])
def test_a_headlines_capitalised_common_noun_stands_for_the_party_named(noun: str) -> None:
    """ "Firm says lawsuit is without merit": the headline's "Firm" is Brightline, not a
    party of its own beside it."""
    assert parser._generic(noun) == "institution"
    assert parser._generic("Firm Capital") == ""
    found = _roles(
        f"{noun} says lawsuit is without merit",
        "Brightline Inc said a lawsuit accusing it of fraud was without merit.",
    )
    assert noun not in (found.accuser, found.accused, found.denier)
    assert "Brightline" in found.denier


def test_the_accusing_sentence_names_the_accuser_not_the_one_answering_it() -> None:
    """ "X said the allegations were untrue" reports an allegation too, but the one who
    speaks in it denies: the sentence that accuses comes first in the evidence, and its
    subject is the accuser."""
    title = "Care home accused of hiding deaths"
    text = (
        "Relatives of residents at the Elmwood care home accused its owners on Tuesday of "
        "hiding the true number of deaths during an outbreak. The home's director, Anne "
        'Price, said the allegations were "completely untrue".'
    )
    result = match(MatchInput(title, text))
    assert result.allegation and result.denial
    accusing = [e.text for e in result.evidence if e.label == "allegation"]
    assert accusing[0].startswith(("Relatives", "Care home"))
    found = _roles(title, text)
    assert "Relatives" in found.accuser
    assert "Price" in found.denier or "home" in found.denier  # the director, or her home
    assert not ranker.same_party(found.accuser, found.denier)


def test_the_only_party_of_an_allegation_keeps_the_side_it_is_surest_of() -> None:
    """ "Whistleblower alleges cover-up at hospital": one party, which accuses. Where no
    accuser and accused apart can be found, the surest role is kept and the other left
    unnamed (the whistleblower was named the accused)."""
    found = _roles(
        "Whistleblower alleges cover-up at hospital",
        "A whistleblower alleged a cover-up of patient deaths at the city hospital.",
    )
    assert "histleblower" in found.accuser
    assert "histleblower" not in found.accused


def test_the_only_party_of_a_headline_accused_over_something_stands_accused() -> None:
    """ "Police accused over crash": the police stand accused (the headline form, far the
    commoner); only an active accusing verb ("Whistleblower alleges …") makes the one party
    the accuser."""
    found = _roles(
        "Police accused over crash",
        "The crash killed two teenagers, and relatives alleged police negligence.",
    )
    assert "Police" in found.accused
    assert "Police" not in found.accuser


def test_a_hostile_sentence_is_parsed_only_in_its_first_characters() -> None:
    """A 200,000-character evidence sentence is cut before the parser sees it (it took the
    parser seconds); the parties stand at its start."""
    text = "The senator called the president a liar " + "and a liar " * 20_000 + "."
    result = match(MatchInput("", text))
    assert result.allegation
    docs: dict[str, object] = {}
    parser.parse_roles([(f"\n{text}", result)], cache=docs)
    assert docs and all(len(str(doc)) <= parser.MAX_PARSED_CHARS for doc in docs.values())


def test_the_syntax_pick_marks_the_candidates_that_name_it_whole() -> None:
    """ "Russian military" shares a word with the picked denier "Russian embassy in Berlin"
    but is another party; "embassy" and "Russia's military" name the picks whole."""
    picks = {"denier": "Russian embassy in Berlin", "accused": "Russia's military"}

    def features(text: str) -> set[str]:
        return ranker.item_features(text, 0, picks, {}, "")

    assert "pick:denier" not in features("Russian military")
    assert "pick:accused" in features("Russian military")
    assert "pick:denier" in features("embassy")
    assert "exact:denier" in features("Russian embassy in Berlin")


def test_the_shipped_ranker_is_what_training_gives() -> None:
    """A rule change that moves the candidates or their features ships a retrained ranker
    (`scripts/train_matcher.py --roles`): the one fitted here on the shipped classifier's
    verdicts, as the script fits it, is the one in the package."""
    rows = []
    for name in ("dev.jsonl", "train.jsonl"):
        with shared_path("corpus", name).open() as lines:
            rows += [json.loads(line) for line in lines]
    model = learned.shipped()
    items = [
        (f"{row.get('title') or ''}\n{row.get('text') or ''}", decide(_analyse(row), model))
        for row in rows
    ]
    found = parser.role_candidates(items)
    assert found is not None, "the parser must load where the tests run"
    fitted = fit_ranker(ranker_examples(rows, found)).as_json()["weights"]
    path = resources.files("bot.matcher").joinpath("data/roles.json")
    shipped = json.loads(path.read_text("utf-8"))["weights"]
    for role in ranker.ROLES:
        names = fitted[role].keys() | shipped[role].keys()
        assert {n: fitted[role].get(n, 0.0) for n in names} == pytest.approx(
            {n: shipped[role].get(n, 0.0) for n in names}, abs=1e-3
        ), role


def test_a_picked_description_is_named_by_the_name_the_text_gives_it() -> None:
    """The ranker picks the headline's "Ex-Globex CEO"; the alert names the man the text
    calls "former Globex Chief Executive Martin Calloway", and keeps the description when
    the text is not given."""
    model = ranker.RankModel(
        weights={"accused": {"pick:accused": 5.0}, "accuser": {"dh:nsubj:accuse": 5.0}}, meta={}
    )
    found = [
        _candidate("Ex-Globex CEO", "pick:accused"),
        _candidate("Chief Executive Martin Calloway", "ent:PERSON"),
        _candidate("Prosecutors", "dh:nsubj:accuse"),
    ]
    title = "Ex-Globex CEO charged with fraud"
    text = "Prosecutors charged former Globex Chief Executive Martin Calloway with fraud."
    assert _ranked(model, found, title, text).accused == (
        "former Globex Chief Executive Martin Calloway"
    )
    assert _ranked(model, found, title, text, with_text=False).accused == "Ex-Globex CEO"


def _ranked(
    model: ranker.RankModel,
    found: list[ranker.Candidate],
    title: str,
    text: str,
    *,
    with_text: bool = True,
) -> parser.Roles:
    """The ranked roles of an item the labels flag as an allegation, among `found`."""
    result = match(MatchInput(title, text))
    assert result.allegation
    return parser.ranked(model, result, found, f"{title}\n{text}" if with_text else "")


def test_a_state_is_not_named_by_the_person_the_text_names_with_it() -> None:
    """The accuser picked as "Ruritania" stays the state; "Ruritania PM", the accused, is
    the prime minister the text names in full."""
    model = ranker.RankModel(
        weights={"accuser": {"pick:accuser": 5.0}, "accused": {"pick:accused": 5.0}}, meta={}
    )
    found = [
        _candidate("Ruritania", "pick:accuser", "ent:GPE"),
        _candidate("Ruritania PM", "pick:accused"),
        _candidate("Ruritania's Prime Minister Ivo Marek", "ent:PERSON"),
    ]
    title = "Ruritania PM accused of bribery"
    text = "Ruritania accused Ruritania's Prime Minister Ivo Marek of taking bribes."
    roles = _ranked(model, found, title, text)
    assert (roles.accuser, roles.accused) == ("Ruritania", "Ruritania's Prime Minister Ivo Marek")
