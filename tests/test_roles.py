"""Roles from the sentences that carry the cues, whatever the headline says, with the most
specific mention of a party in the body (the seed article under several headlines), and the
denial's own quoted words first in the evidence an alert quotes."""

from __future__ import annotations

import pytest

from bot.matcher import MatchInput, match
from bot.matcher.roles import most_specific, titled_name
from tests.conftest import shared_path


@pytest.mark.parametrize(
    "title",
    [
        "",
        "Kremlin denies executing troops who refuse to fight",
        "White House: Russia executing soldiers who refuse orders; embassy calls it 'lies'",
        "US accuses Russia, Russia denies",
        "Russia says US claims are lies",
    ],
)
def test_seed_article_roles_whatever_the_headline(title: str) -> None:
    text = shared_path("corpus", "seed-article.txt").read_text()
    result = match(MatchInput(title, text))
    assert (result.allegation, result.denial, result.official_denial) == (True, True, True)
    assert result.accuser == "White House"
    assert result.accused == "Russia's military"
    assert result.denier == "Russian embassy in Washington"
    first_denial = next(e for e in result.evidence if e.label == "denial")
    assert first_denial.field == "text" and "other-worldly lies" in first_denial.text


@pytest.mark.parametrize(
    ("title", "denier"),
    [
        ("Opposition accuses minister of fraud; ministry calls it 'lies'", "ministry"),
        ("Rebels accused of massacre; their leader dismissed the report as propaganda", "leader"),
    ],
)
def test_the_subject_of_call_or_dismiss_is_the_denier(title: str, denier: str) -> None:
    result = match(MatchInput(title))
    assert result.denial
    assert denier in result.denier


def test_a_denied_wrongdoing_names_the_denier_as_accused_not_accuser() -> None:
    result = match(MatchInput("Kremlin denies executing troops who refuse to fight"))
    assert result.denial and result.allegation
    assert result.accuser != "Kremlin"
    assert result.denier == "Kremlin"


def test_a_headline_name_gives_way_to_the_bodys_fuller_mention() -> None:
    result = match(
        MatchInput(
            "Embassy rejects spying accusations",
            "Officials accused the diplomats of espionage. The Chinese embassy in Berlin "
            "rejected the accusations as baseless, a spokesman said.",
        )
    )
    assert result.denial
    assert result.denier.lower().endswith("embassy in berlin")


def test_the_accuser_of_a_charge_is_who_says_it() -> None:
    result = match(
        MatchInput("", "A man was charged with fraud over the scheme, police said on Monday.")
    )
    assert result.allegation
    assert "police" in result.accuser.lower()


@pytest.mark.parametrize(
    ("denier", "context", "private"),
    [
        # an agent, publicist or reps speaking for a private person: private (guidelines)
        ("Nelson's agent Gregg Klein", "Singer Willie Nelson is alive, his agent said.", True),
        ("Rose's reps", "Rocker Axl Rose was not hurt, Rose's reps said.", True),
        # a spokesman for an office or an institution: official
        ("Putin's spokesman", "President Vladimir Putin's spokesman called it lies.", False),
        ("the ministry's spokesman", "The foreign ministry's spokesman denied it.", False),
        # a company named after a title-case headline run is no person's surname
        (
            "Amazon",
            "A Former Employee Is Suing Amazon And Its Boss\nAmazon said it is untrue.",
            False,
        ),
    ],
)
def test_who_speaks_for_a_private_person_is_private(
    denier: str, context: str, private: bool
) -> None:
    from bot.matcher.roles import is_official, is_private

    assert is_private(denier, context) is private
    assert is_official(denier, context) is not private


@pytest.mark.parametrize(
    ("title", "accused"),
    [
        ("Mayor accused of taking bribes", "Mayor"),
        ("Union blamed for week of rail chaos", "Union"),
        ("Drug maker sued over hidden side effects", "Drug maker"),
    ],
)
def test_a_headline_participle_names_the_accused_not_the_accuser(title: str, accused: str) -> None:
    """ "X accused of …" in a headline is a passive with its auxiliary left out: these verbs
    take an object, and with none before the preposition the subject is the one accused."""
    result = match(MatchInput(title, ""))
    assert result.allegation
    assert result.accused == accused
    assert result.accuser == ""


def test_an_active_accusation_keeps_its_accuser() -> None:
    result = match(MatchInput("Senator accused the mayor of taking bribes", ""))
    assert (result.accuser, result.accused) == ("Senator", "mayor")


def test_people_named_by_what_they_are_to_someone_are_private_parties() -> None:
    from bot.matcher import roles

    for phrase in ("the carer", "parents of the pupils", "the children's nanny"):
        assert roles.plausible_actor(phrase) == phrase
        assert roles.is_private(phrase, "")
        assert not roles.is_official(phrase, "")
    # an institution a common noun names is a party, not a person
    assert roles.plausible_actor("the hospital") == "the hospital"
    assert not roles.is_private("the hospital", "")
    # only as the head of the phrase: "hospital closures" and "delays at the airport" are
    # what a party is blamed for; a coach may speak for a club, a landlord be a firm
    for phrase in ("hospital closures", "delays at the airport", "prison overcrowding"):
        assert roles.plausible_actor(phrase) == ""
    assert not roles.is_private("the coach", "") and not roles.is_private("the landlord", "")


def test_one_who_stands_accused_is_named_without_the_verb() -> None:
    result = match(MatchInput("", "Two officers now stand accused of assault by a watchdog."))
    assert result.accused == "Two officers"


def test_a_person_who_denies_as_he_or_she_is_the_one_accused_and_private() -> None:
    """ "She denies the allegation" after "The singer was charged": the singer denies, for
    herself (no official denial); the classifier alone took it for an institution's."""
    result = match(
        MatchInput(
            "Singer charged with assault",
            "The singer was charged with assaulting a photographer outside a club. She denies "
            "the allegation.",
        )
    )
    assert result.denial and not result.official_denial
    assert "singer" in result.denier.lower()
    # an institution's spokesman who denies is still official
    result = match(
        MatchInput(
            "Ministry denies torture claims",
            "Amnesty accused the interior ministry of torturing detainees. A ministry "
            "spokesman denied the claims.",
        )
    )
    assert result.official_denial


@pytest.mark.parametrize(
    ("title", "text", "accuser", "accused"),
    [
        (
            "",
            "The militia beheaded two aid workers near the border, the army said.",
            "army",
            "militia",
        ),
        ("Villagers kidnapped by armed gang, governor says", "", "governor", "armed gang"),
        ("", "Rebels massacred dozens of villagers in the east.", "", "Rebels"),
        # who do deeds of wrong are parties, though the lexicon of wrongdoing holds them
        (
            "",
            "Four tourists were kidnapped by pirates on Sunday, officials said.",
            "officials",
            "pirates",
        ),
    ],
)
def test_the_doer_of_a_deed_is_the_accused_not_its_victim(
    title: str, text: str, accuser: str, accused: str
) -> None:
    """A deed of wrong (beheaded, kidnapped, massacred) accuses whoever did it; the victim is
    no party, and whoever reports the deed (the speaker) is the accuser."""
    result = match(MatchInput(title, text))
    assert result.allegation
    assert (result.accuser, result.accused) == (accuser, accused)


def test_a_two_letter_name_is_no_part_of_every_longer_mention() -> None:
    """ "US" has a word of its own: it is not "the same party" as any institution the text
    names ("the Russian embassy in Washington")."""
    context = "US accuses Russia\nThe Russian embassy in Washington called it lies."
    assert most_specific("US", [], context) == "US"
    assert most_specific("US", [], "The US embassy in Moscow said so.") == "US embassy in Moscow"


@pytest.mark.parametrize(
    ("name", "mention", "fuller"),
    [
        ("Russia", "Russian embassy in Washington", True),
        ("Iraq", "Iraqi interior ministry", True),
        ("China", "Chinese foreign ministry", True),
        ("ministry", "the defence ministries", True),
        # names that only begin alike are two parties
        ("Australia", "Austria's justice ministry", False),
        ("Niger", "Nigeria's army", False),
    ],
)
def test_the_fuller_mention_of_a_party_holds_each_of_its_words(
    name: str, mention: str, fuller: bool
) -> None:
    assert (most_specific(name, [mention]) == mention) is fuller


@pytest.mark.parametrize(
    ("name", "mention"),
    [
        ("Bridgeland PM", "Bridgeland's Prime Minister Anna Korvald"),
        ("Gov. Harlan", "Governor Ruth Harlan"),
        ("Ex-Globex CEO", "former Globex chief executive Martin Calloway"),
    ],
)
def test_a_headlines_abbreviated_title_is_the_title_the_text_spells_out(
    name: str, mention: str
) -> None:
    assert most_specific(name, [mention]) == mention


@pytest.mark.parametrize(
    ("description", "names", "text", "named"),
    [
        # the title right before the name, spelled out or not
        (
            "Ex-Globex CEO",
            ["Chief Executive Martin Calloway", "Globex"],
            "Lawyers for former Globex  Chief Executive Martin Calloway asked for immunity.",
            "former Globex Chief Executive Martin Calloway",
        ),
        (
            "Ruritanian fugitives",
            ["Ivo Marek and Jan Tesar", "Jan Tesar"],
            "Police hunt two Ruritanian fugitives Ivo Marek and Jan Tesar after the raid.",
            "Ruritanian fugitives Ivo Marek and Jan Tesar",
        ),
        # a verb between them makes no title of the words before the name
        ("police", ["Ivo Marek"], "The police said Ivo Marek fled.", ""),
        # the title must hold every word of the description
        ("Ruritanian fugitives", ["Ivo Marek"], "Two fugitives Ivo Marek and others.", ""),
        # a name is no description
        ("Ivo Marek", ["fugitive Ivo Marek"], "The fugitive Ivo Marek fled.", ""),
    ],
)
def test_a_description_is_named_where_the_text_titles_a_name_with_it(
    description: str, names: list[str], text: str, named: str
) -> None:
    assert titled_name(description, names, text) == named
