"""The matcher: the seed article, the hard cases users catch us on, other languages, never
raising on any input, and quality on the labelled dev set (reported; floors guard regressions)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.evaluate import evaluate
from bot.matcher import MatchInput, MatchResult, analyse, match
from bot.matcher.roles import is_private, representative_of_a_person
from tests.conftest import shared_path


def judge(title: str, text: str = "") -> MatchResult:
    return match(MatchInput(title=title, text=text))


def fires(text: str, cues: str) -> bool:
    """Whether a cue of that kind ("allegations" or "denials") fires with any strength on
    `text`, whatever the classifier then weighs."""
    return any(c.strength > 0 for c in getattr(analyse(MatchInput("", text)), cues))


def test_seed_article() -> None:
    text = shared_path("corpus", "seed-article.txt").read_text()
    result = judge("", text)
    assert (result.allegation, result.denial, result.official_denial) == (True, True, True)
    assert "White House" in result.accuser
    assert "Russia" in result.accused and "military" in result.accused
    assert "embassy" in result.denier.lower() and "Russian" in result.denier
    quotes = [e for e in result.evidence if e.label == "denial"]
    assert any("other-worldly lies" in e.text for e in quotes)
    for evidence in result.evidence:  # offsets point at the evidence in the input
        assert text[evidence.start : evidence.end] == evidence.text


@pytest.mark.parametrize(
    "title",
    [
        "Ministry denies report that troops crossed the border",
        "Embassy rejects accusations of spying as baseless",
        "Company dismisses fraud allegations",
        "Kremlin: claims of poisoning 'absurd'",
        "The army said the reports of shelling were not true",
        "Minister flatly denied any involvement in the bribery scheme",
        "Police debunk viral story about stolen children",
        "The firm said the allegations were without merit",
        "Officials dismissed the report as propaganda",
    ],
)
def test_denials(title: str) -> None:
    result = judge(title)
    assert result.denial, result.reasons


@pytest.mark.parametrize(
    "title",
    [
        "The ministry did not deny that troops crossed the border",
        "Peskov refused to deny the report",
        "The spokesman would neither confirm nor deny the claims",
        "The company declined to comment on the report",
        "Journalist denied entry to Russia",
        "Court denies bail to former minister",
        "Referee denied Arsenal a clear penalty",
        "Parliament rejects the proposal to cut funding",
        "Judge dismissed the case against the mayor",
        "Historian writes about Holocaust denial in Europe",
        "Patch fixes denial-of-service flaw in routers",
        "Critics accused the minister of spreading lies about the war",
    ],
)
def test_not_denials(title: str) -> None:
    result = judge(title)
    assert not result.denial, result.reasons


@pytest.mark.parametrize(
    "title",
    [
        "Ukraine accuses Russia of shelling a hospital",
        "Prosecutors charged the former CEO with fraud",
        "Rights group alleges torture in detention centres",
        "US blames Iran for attack on tanker",
        "Airline sues rival over illegal price fixing",
        "Militants beheaded a kidnapped aid worker, video shows",
        "The US is refuting claims that it threatened the family over ransom payments",
        "Bengals end pleads guilty to drunken driving charge",
    ],
)
def test_allegations(title: str) -> None:
    assert judge(title).allegation


@pytest.mark.parametrize(
    "title",
    [
        "Militant group claims responsibility for the attack",
        "Team claims the title after a late goal",
        "Oil prices charged to a new high",
        "Jobless claims rise unexpectedly",
        "Stocks decline as investors weigh rates",
        "Company denies report it will launch a new phone",
        "Zarqawi group claims attack on convoy",
    ],
)
def test_not_allegations(title: str) -> None:
    assert not judge(title).allegation


def test_official_and_private_deniers() -> None:
    official = judge("The Foreign Ministry denied the reports, calling them fabricated.")
    assert official.denial and official.official_denial
    private = judge("Singer Jane Doe denied the dating rumours herself.")
    assert private.denial and not private.official_denial
    plea = judge("Mike Smith pleaded not guilty to assault charges.")
    assert plea.denial and plea.allegation and not plea.official_denial


@pytest.mark.parametrize(
    ("title", "language", "denial"),
    [
        ("МИД России опроверг сообщения о переброске войск", "ru", True),
        ("Песков назвал ложью обвинения в адрес Кремля", "ru", True),
        ("Представитель Кремля не стал отрицать эти сообщения", "ru", False),
        ("В министерстве отказались от комментариев", "ru", False),
        ("МЗС України спростувало заяви російської пропаганди", "uk", True),
        ("Речник міністерства не заперечив цю інформацію", "uk", False),
        ("Das Ministerium wies die Vorwürfe als haltlos zurück", "de", True),
        ("Le ministère a démenti ces informations", "fr", True),
        ("Le porte-parole n'a pas démenti ces informations", "fr", False),
        ("El gobierno desmintió las acusaciones de espionaje", "es", True),
    ],
)
def test_other_languages(title: str, language: str, denial: bool) -> None:
    result = judge(title)
    assert result.language == language
    assert result.denial is denial, result.reasons


def test_allegations_in_russian_and_ukrainian() -> None:
    assert judge("Киев обвинил Москву в обстреле больницы").allegation
    assert judge("Україна звинуватила Росію в обстрілі лікарні").allegation


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_never_raises(title: str, text: str) -> None:
    result = judge(title, text)
    assert 0.0 <= result.scores["denial"] <= 1.0
    assert set(result.as_json()) >= {"id", "allegation", "denial", "official_denial", "evidence"}


def test_huge_input_stays_fast() -> None:
    text = ("The ministry denied the reports, calling them lies. " * 20_000) + "\u202e" * 1000
    started = time.perf_counter()
    result = judge("x" * 100_000, text)
    assert time.perf_counter() - started < 30
    assert result.denial


@pytest.mark.parametrize("repeated", ["blamed ", "denied ", "lies ", '"lies" said the ministry '])
def test_a_cue_word_repeated_thousands_of_times_is_no_hang(repeated: str) -> None:
    """A hostile feed item of 200,000 characters, one cue word over and over: each cue used
    to read its whole sentence (roles, claims, attribution, quotes), minutes of a worker's
    time; now a fraction of a second (the bound is a hang guard, a hundred times that)."""
    started = time.perf_counter()
    judge("", (repeated * 40_000)[:200_000])
    assert time.perf_counter() - started < 30


def test_dev_set_quality_floors() -> None:
    """Reported in the issue notes; these floors sit between the keyword baseline (0.71 /
    0.55 / 0.47) and today's scores, so a regression in any rule family shows up here."""
    with shared_path("corpus", "dev.jsonl").open() as lines:
        rows = [json.loads(line) for line in lines]
    report = evaluate(rows)
    assert report.f1("allegation") >= 0.75
    assert report.f1("denial") >= 0.72
    assert report.f1("official_denial") >= 0.65


def test_match_command_keeps_going_after_a_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"id": "a", "title": "Embassy denies the report", "text": ""})
        + "\n{not json\n"
        + json.dumps({"id": "b", "title": "Weather is fine", "text": ""})
        + "\n"
    )
    out = tmp_path / "out.jsonl"
    claimwatch = str(Path(sys.executable).with_name("claimwatch"))
    subprocess.run([claimwatch, "match", "--jsonl", str(source), "--out", str(out)], check=True)
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "b"]
    assert lines[0]["denial"] == 1 and lines[2]["denial"] == 0
    assert "not JSON" in lines[1]["error"]


def test_words_and_tokens_stay_aligned_with_case_changing_letters() -> None:
    # "İ".lower() is two code points; words and token offsets must still line up.
    result = judge("İSTANBUL: Ministry denies İnterpol report on ǅ spies")
    assert result.denial


@pytest.mark.parametrize(
    ("text", "fires"),
    [
        ("The photo was doctored and the blur added later.", True),
        ("The singer is alive and well, her publicist said.", True),
        ("The story first ran on a satirical website.", True),
        ("He obviously has no affiliation with the group.", True),
        ("The Batmobile was not stolen.", True),
        ("The vehicle has not been stolen, police confirmed.", True),
        ("It’s not real.", True),
        ("The bodies were confirmed as not being the missing students.", True),
        ("No, the rapper has not joined the ranks of ISIS.", True),
        ("No, the senator didn't resign over the scandal.", True),
        ("No, I think we should go.", False),
        ("Police confirmed the suspect was arrested on Monday.", False),
        ("The car has been stolen twice this year.", False),
        ("The doctor said the patient was alive after surgery.", False),
        ("Real Madrid won the cup.", False),
    ],
)
def test_a_hoax_debunked_in_the_texts_own_voice(text: str, fires: bool) -> None:
    reasons = analyse(MatchInput("", text)).denials
    assert any(c.reason == "debunk-fact" for c in reasons) is fires


@pytest.mark.parametrize(
    ("denier", "context", "private"),
    [
        ("Aircraft maker Airbus", "", False),
        ("Key allies in the US-led war in Iraq", "", False),
        ("the singer herself", "", True),
        ("Josh Paler Lin", "YouTuber Josh Paler Lin denied staging the video.", True),
        ("Sergei Lavrov", "Foreign Minister Sergei Lavrov denied it.", False),
        # a rank is an office; a title-case headline's "Is" is no first name; a newspaper
        # whose name looks like a person's is no person
        (
            "Sgt. Michael Woody",
            "Sgt. Michael Woody told reporters the car had not been stolen.",
            False,
        ),
        (
            "Google",
            "Is Google News Biased?\nGoogle News favours some stories, a claim Google denies.",
            False,
        ),
        ("Detroit Free Press", "Woody told the Detroit Free Press it was false.", False),
        ("Dana Whitfield", "Dana Whitfield, 34, denied the report.", True),
        # a single name the text calls "he" is a person; one it calls "it" is not
        ("Conal", "Conal insists that he never mentioned his employer.", True),
        ("Gazprom", "Gazprom said it had cut no supplies. Gazprom denied it.", False),
        # an apposition describing a private person does not make a name official
        ("Mohammed Islam, alleged teenaged prodigy", "Mohammed Islam denied it.", True),
        ("Dmitry Peskov, the Kremlin spokesman", "Dmitry Peskov denied it.", False),
        # a rank or role counts only right before the name: "a judge ordered Smith" is no
        # title of Smith's, "Judge Ann Ray" is
        ("John Smith", "John Smith denied it. A judge ordered Smith to repay the funds.", True),
        ("Maria Lopez", "Maria Lopez denied it. A police officer arrested Lopez.", True),
        ("Ann Ray", "Judge Ann Ray denied the claims of bias.", False),
        ("Adam Schiff", "Rep. Adam Schiff denied the allegations.", False),
        # pronouns count only where the text reports what the name says
        ("Google", "Google denied it. Google fired him after he complained.", False),
        # a described name: the description is no office, so the name decides
        ("Olympic champion Kostas Kederis", "Olympic champion Kostas Kederis denied it.", True),
        ("Kremlin spokesman Dmitry Peskov", "Kremlin spokesman Dmitry Peskov denied it.", False),
    ],
)
def test_only_a_person_speaking_for_themselves_is_private(
    denier: str, context: str, private: bool
) -> None:
    assert is_private(denier, context) is private


@pytest.mark.parametrize(
    ("text", "allegation_cue"),
    [
        ("Human error at the contractor is to blame for the outage.", False),
        ("Firefighters are investigating whether a gas leak is to blame.", False),
        ("China blamed the lack of trust between the two sides.", False),
        ("The crash was blamed on bad weather.", False),
        ("The coach blames the loss of half his squad for the poor start.", False),
        ("Marine mammals have no standing to sue the Navy.", False),
        ("Ukraine blamed Russia for the attack on the power plant.", True),
        ("Russia is to blame for the massacre, the minister said.", True),
        ("The outage was blamed on hackers working for a foreign state.", True),
        ("Russia blamed the loss of the jet on Turkish aggression.", True),
        ("Officials blamed Iranian activity for the attack on the tanker.", True),
        ("Rising prices led voters to blame the government for the crisis.", True),
        ("Shareholders sue the bank over misleading accounts.", True),
    ],
)
def test_blame_on_a_cause_or_a_party(text: str, allegation_cue: bool) -> None:
    """Blame that falls on a cause (error, weather, a leak, a loss) accuses no party; blame on
    a party does. Checked on the cues, whatever the classifier weighs."""
    assert fires(text, "allegations") is allegation_cue


@pytest.mark.parametrize(
    ("text", "allegation_cue"),
    [
        ("A new fuel cell could sell at a price of around $90, its inventors claim.", False),
        ("Initial claims for jobless pay rose, Labor Department data showed.", False),
        ("Toshiba claims Hollywood backing in the war over the next DVD standard.", False),
        ("Regulators claim the airlines were price-fixing for years.", True),
        ("Activists claim the factory relies on forced labour.", True),
        ("Prosecutors claim the trader profited from insider trading.", True),
        ("The report claims officials covered up the abuse.", True),
    ],
)
def test_deeds_of_two_words_are_read_as_pairs(text: str, allegation_cue: bool) -> None:
    """'price', 'labour', 'war', 'trading' are no wrongdoing alone; 'price-fixing', 'forced
    labour', 'insider trading' and 'covered up' are."""
    assert fires(text, "allegations") is allegation_cue


@pytest.mark.parametrize(
    ("title", "text", "official"),
    [
        (
            "Rock singer alive and well",
            "Reports that the singer had died spread on Monday. The singer's reps said the "
            "story was a hoax and that he is alive.",
            False,
        ),
        (
            "Actor not dead, say representatives",
            "Reps for the former child star have said news of his death is simply a hoax.",
            False,
        ),
        (
            "Ministry rejects report",
            "The ministry's spokesman said the report was a hoax and denied it outright.",
            True,
        ),
        # the representative is one the denial is about, or another denier: the police's
        (
            "Police deny arrest",
            "Police denied claims that the singer's manager had been arrested for fraud.",
            True,
        ),
        (
            "Rumours denied",
            "The star's representatives said the claims were false. Police also denied "
            "the rumours.",
            True,
        ),
        (
            "FBI director denies",
            "Lawyers for the FBI director denied the allegations of misconduct.",
            True,
        ),
    ],
)
def test_one_speaking_for_a_private_person_makes_the_denial_private(
    title: str, text: str, official: bool
) -> None:
    """The guidelines: a publicist, agent, manager or lawyer speaking for a private person
    is not official, whoever else the rules took for the denier; a ministry's spokesman is."""
    result = judge(title, text)
    assert result.denial
    assert result.official_denial is official


@pytest.mark.parametrize(
    ("title", "text", "official", "denier"),
    [
        (  # the person speaks first; the company's spokesman denies too: official
            "Truck sold by dealer turns up with militants",
            '"We have nothing to do with terror at all," Mark Jensen told a local TV station '
            "on Tuesday. Reached for comment on Wednesday, a Delmar Motors spokesman denied "
            "any direct involvement with the truck's sale.",
            True,
            "Delmar Motors spokesman",
        ),
        (  # a capitalised headline word is no institution: the striker's denial stays his
            "Footballer denies assault charge",
            "Striker Kevin Malley denied the assault charge in court on Monday. The club's "
            "spokesman declined to comment.",
            False,
            "Kevin Malley",
        ),
        (  # an anonymous source is no institution
            "Singer denies affair",
            "Pop star Lana Cruz denied reports of an affair with her bodyguard. A source "
            "familiar with the matter denied the reports.",
            False,
            "Lana Cruz",
        ),
        (  # the ministry denies a claim of its own sentence, not the singer's story
            "Singer denies affair",
            "Pop star Lana Cruz denied reports of an affair with her bodyguard. The Ministry "
            "of Culture denied reports that it would cut arts funding.",
            False,
            "Lana Cruz",
        ),
        (
            "Car theft",
            "Mark Jensen denied stealing the car. Police denied that officers had beaten him "
            "in custody.",
            False,
            "Mark Jensen",
        ),
        (  # the police accuse, and only the dealer denies
            "Dealer charged with fraud",
            "Police accused car dealer Mark Jensen of fraud on Monday. Jensen denied the "
            "charges, saying they were false.",
            False,
            "Jensen",
        ),
    ],
)
def test_an_official_denier_beside_a_private_one_makes_the_denial_official(
    title: str, text: str, official: bool, denier: str
) -> None:
    result = judge(title, text)
    assert result.denial
    assert result.official_denial is official
    assert denier in result.denier


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("On Tuesday the singer's reps confirmed he is not dead.", "the singer's reps"),
        (
            "The 34-year-old's representatives said he is alive.",
            "The 34-year-old's representatives",
        ),
        ("The tale is rubbish, said Plant's publicist.", "Plant's publicist"),
        ("Reps for the former child star called it a hoax.", "Reps for the former child star"),
        ("The ministry's spokesman denied the report.", ""),
        ("President Putin's spokesman called it lies.", ""),
        ("Lawyers for Acme Corp rejected the claims.", ""),
        ("Sources close to the doctor say the reports are lies.", "Sources close to the doctor"),
        ("Sources close to the company say the report is false.", ""),
    ],
)
def test_representatives_of_a_private_person(sentence: str, speaker: str) -> None:
    context = f"President Vladimir Putin spoke. Robert Plant sang. {sentence}"
    assert representative_of_a_person(sentence, context) == speaker


@pytest.mark.parametrize(
    ("text", "denial_cue"),
    [
        ("No local authority has officially confirmed or denied the report.", False),
        ("The ministry would neither confirm nor deny the claims.", False),
        ("Mass. court denies new trial for convict", False),
        ("Coins that had been lying on the mattress stuck to his skin, he said.", False),
        ("The chairman insists the club will not be rushed into an appointment.", False),
        ("The minister denied a new report that troops shelled the town.", True),
        ("The company insists it did nothing wrong.", True),
        ("The embassy said the claims were lies.", True),
        ("Polish PM Tries to Head Off Dispute Over WW2 Claims", False),
        ("A bitter dispute over the claims has erupted.", False),
        ("The ministry disputes the claims as baseless.", True),
        ("The company vowed to challenge the claims.", True),
        ("Activists that dispute the official account say the police lied.", True),
        ("The athlete left hospital claiming his innocence.", True),
        ("The dean says he was misquoted in the paper.", True),
        ("The minister said his remarks were taken out of context.", True),
        ("Amazon, a spokesman said, quickly shot down that rumor.", True),
        ("His reps confirmed on Tuesday that the singer is not dead.", True),
        ('"Responsibility for this lies with the prime minister," the MP said.', False),
        ('"We will bring the perpetrators of this outrageous act to justice," he said.', False),
        ("No update, said an officer of the Counter Terrorism Command.", False),
        ("No update on the counter-terrorism inquiry, the police said.", False),
        ('"These are lies in the dossier," the ministry said.', True),
        ("The ministry countered the claims.", True),
        ("The actor is very much alive, his publicist said.", True),
    ],
)
def test_what_looks_like_a_denial_and_is_none(text: str, denial_cue: bool) -> None:
    """'confirmed or denied' after a negation, a court denying a new trial (a refusal), coins
    lying on a mattress, one insisting on a plan, a noun 'dispute', 'responsibility lies
    with' deny no claim; beside each, the near phrase that does deny (True)."""
    assert fires(text, "denials") is denial_cue


@pytest.mark.parametrize(
    ("text", "allegation_cue"),
    [
        ("Microsoft, Novell Settle Antitrust Suit", True),
        ("Shareholders filed suit against the bank on Monday.", True),
        ("A class-action suit accuses the maker of hiding defects.", True),
        ("Phelps may face jail after being arrested on drink-driving charges.", True),
        ("The firm settled with regulators over charges of inflating earnings.", True),
        ("Other carriers are expected to follow suit.", False),
        ("Executives filed out in suits after the meeting.", False),
        ("He brought two suits for the trip.", False),
        ("Apple won its suit against Samsung.", True),
        ("Protesters rallied in Dublin over water charges on Saturday.", False),
        ("He wore a dark suit and tie to the gala.", False),
        ("Apple did not say how long the watch will stay charged.", False),
        ("No one has been charged in connection with the attack.", False),
        ("He was not charged with a crime but was questioned.", False),
        ("Police said they would not press charges.", False),
        ("The officer was charged with assault after the video emerged.", True),
    ],
)
def test_suits_at_law_and_charges_with_hyphenated_words(text: str, allegation_cue: bool) -> None:
    """A suit at law is an accusation, a suit of clothes is not; 'drink-driving charges'
    are charges; a battery that stays charged is not, nor is one who was not charged."""
    assert fires(text, "allegations") is allegation_cue


@pytest.mark.parametrize(
    ("text", "denier"),
    [
        ("Investors say the bank hid its losses, a charge the bank strongly denies.", "bank"),
        ("The report said the company denied any wrongdoing.", "company"),
        ("The story ran after the mayor denied taking bribes.", "mayor"),
        ("It is alleged that Conal used his employer's name, a claim Conal denies.", "Conal"),
        ("The ministry said the story was false, a claim which the embassy denies.", "embassy"),
    ],
)
def test_the_denier_of_a_claim_named_after_it(text: str, denier: str) -> None:
    """'…, a claim X denies': X is the denier, with or without 'which'."""
    assert analyse(MatchInput("", text)).denier == denier


@pytest.mark.parametrize(
    ("text", "denier"),
    [
        (
            "The claim was false, according to a statement released by the city council.",
            "city council",
        ),
        (
            "The reports are lies, according to a statement from the Defence Ministry.",
            "Defence Ministry",
        ),
        ("The reports are lies, according to the Defence Ministry.", "Defence Ministry"),
        ("The rumour was denied by the Foreign Ministry on Monday.", "Foreign Ministry"),
        (
            "The claims are baseless, according to a statement from last week by the ministry.",
            "ministry",
        ),
        (
            "The claims are baseless, according to a statement from Monday by the city council.",
            "city council",
        ),
    ],
)
def test_who_speaks_through_a_statement_or_a_passive_denial(text: str, denier: str) -> None:
    assert analyse(MatchInput("", text)).denier == denier


def test_an_evaluative_word_is_no_passive_verb_with_an_agent() -> None:
    """'was "false info" … hosted by Dana Price': Dana Price denies nothing."""
    text = (
        'The network\'s press office told us the talk of a cancelled show was "false info" and '
        "that tonight will feature a regular episode hosted by Dana Price."
    )
    analysis = analyse(MatchInput("", text))
    assert analysis.denials
    assert "Dana" not in analysis.denier


@pytest.mark.parametrize(
    ("text", "denier"),
    [
        (
            "Acme Corp pleaded not guilty to bribery charges on Monday, its lawyer said.",
            "Acme Corp",
        ),
        ("Pop singer Dana Wilde pleaded not guilty to assault charges, her lawyer said.", "Wilde"),
    ],
)
def test_the_one_who_pleads_is_the_denier_not_who_reports_the_plea(text: str, denier: str) -> None:
    assert denier in analyse(MatchInput("", text)).denier


@pytest.mark.parametrize(
    ("text", "denial_cue"),
    [
        ("Visa denied for chess champion", False),
        ("Bail denied for man charged with murder", False),
        ("Entry denied to reporters at the border", False),
        ("Spying claims denied by the embassy", True),
        ("The singer hit back at claims that she copied the song.", True),
        (
            "The club pushed back against a report that its players fixed a match, a "
            "spokesman said.",
            True,
        ),
        ("Traders pushed back against speculation of a June rate cut.", False),
        ("Tottenham hit back at Stamford Bridge to claim a 2-2 draw on Sunday.", False),
        ("The club hit back at its critics after a poor start.", False),
        ("Dorn said the charges against him were politically motivated.", True),
        ("Police said the attack on the party office was politically motivated.", False),
        ("Korden Group said the report was inaccurate and misleading.", True),
        ('"Inaccurate wind forecasts are the main culprit," the report said.', False),
        ("Tekra said it strongly disputes the regulator's finding that it misled investors.", True),
    ],
)
def test_denials_in_words_a_new_story_uses(text: str, denial_cue: bool) -> None:
    """A headline's "visa denied" refuses; "hit back at claims", "said the charges were
    politically motivated", "the report was inaccurate" and disputing a regulator's finding
    deny a claim; beside each, the near phrase that does not."""
    assert fires(text, "denials") is denial_cue


@pytest.mark.parametrize(
    ("text", "allegation_cue"),
    [
        ("A UN report said the militia committed war crimes in the north.", True),
        ("The team committed three fouls in the first half, the coach said.", False),
        ("Watchdog: minister misused public funds", True),
        ("Opposition says ruling party rigged the vote", True),
        ("The ministry said reports that guards tortured prisoners were lies.", True),
        ("The ministry said reports of a merger were premature.", False),
        ("The ministry said reports of bullying fell by a fifth in 2023.", False),
        ("Critics said the company has committed to ending child labour.", False),
        ("Operators rigged platforms with extra moorings before the hurricane.", False),
        ("Moscow rejected claims that it had meddled in the election.", True),
        ("Prosecutors said the executives embezzled millions and bribed officials.", True),
    ],
)
def test_allegations_of_wrong_without_an_accusing_verb(text: str, allegation_cue: bool) -> None:
    """A report that a party committed a wrong, a deed of wrong laid at a named party's door
    in a headline, and a report of a wrong are allegations; a foul committed or a report of
    a merger are not."""
    assert fires(text, "allegations") is allegation_cue


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Oil giant brands pollution claims 'fabricated'",
            "Norvex Petroleum said accusations by environmental groups that it dumped waste "
            "into the river were fabricated.",
        ),
        (
            "Food firm calls hygiene report 'false'",
            "Delmar Foods said a report accusing it of selling spoiled meat was false.",
        ),
    ],
)
def test_a_company_named_by_its_trade_denies_officially(title: str, text: str) -> None:
    """ "Norvex Petroleum" and "Delmar Foods" name companies, not people, though the words
    look like a first and a last name."""
    result = judge(title, text)
    assert result.denial and result.official_denial


@pytest.mark.parametrize(
    ("title", "text", "labels"),
    [
        (
            "Ministry of Defence denies cover-up",
            "The Ministry of Defence denied a cover-up over the deaths of soldiers in training.",
            (True, True, True),
        ),
        (
            "Footballer's agent denies match-fixing",
            "The agent of footballer Luis Cano denied that his client was involved in "
            "match-fixing.",
            (True, True, False),
        ),
        (
            "Teacher denies abusing pupils",
            "A former teacher denied abusing pupils at a boarding school in the 1980s.",
            (True, True, False),
        ),
        (
            "Blogger denies spreading fake news",
            "A blogger accused of spreading fake news about the election denied the charge.",
            (True, True, False),
        ),
        (
            "Tech giant says report of data misuse is false",
            "Tech giant Orbix said a report that it misused customer data was false.",
            (True, True, True),
        ),
    ],
)
def test_denials_of_a_deed_and_who_denies_for_themselves(
    title: str, text: str, labels: tuple[bool, bool, bool]
) -> None:
    """ "denied a cover-up" denies a deed (not "denied a visa"); "denies match-fixing" reads
    the deed of two words; a teacher or a blogger denies for themselves; "data misuse" is a
    wrong."""
    result = judge(title, text)
    assert (result.allegation, result.denial, result.official_denial) == labels


@pytest.mark.parametrize(
    ("title", "text", "denial"),
    [
        (
            "City denied late penalty in derby defeat",
            "United were denied a late penalty as City won the derby 2-1 on Saturday.",
            False,
        ),
        (
            "Striker's goal denied by VAR",
            "A stoppage-time goal by the striker was denied by VAR for offside.",
            False,
        ),
        (
            "Government calls rights report biased",
            "The government rejected a rights group's report accusing security forces of "
            "torture, calling it biased and unfounded.",
            True,
        ),
    ],
)
def test_a_refusal_a_few_words_on_and_a_rights_groups_report(
    title: str, text: str, denial: bool
) -> None:
    """ "denied late penalty" and a goal "denied by VAR" refuse, with a word between or the
    refusal's agent named; a "rights group's report" is a claim rejected, not a right."""
    assert judge(title, text).denial is denial


@pytest.mark.parametrize(
    ("title", "text", "official"),
    [
        (
            "Colonel pleads not guilty to torture charges",
            "A retired army colonel accused of ordering the torture of prisoners pleaded not "
            "guilty on Monday.",
            False,
        ),
        (
            "General denies shelling charges",
            "A former army general accused of ordering the shelling of a city pleads not guilty "
            "to war crimes charges.",
            False,
        ),
        (
            "Minister pleads not guilty to fraud",
            "The former transport minister pleaded not guilty to fraud charges in court.",
            False,
        ),
        (
            "Cyclist protests innocence",
            "Tour rider Marco Venn left the team hotel ahead of his hearing with the anti-doping "
            "agency, protesting his innocence.",
            False,
        ),
    ],
)
def test_who_pleads_or_protests_their_innocence_speaks_for_themselves(
    title: str, text: str, official: bool
) -> None:
    """A colonel or a minister pleading not guilty pleads as a defendant, not for an
    institution; "protesting his innocence" is a person's, whatever phrase ("the team
    hotel ahead of his hearing") the rules took for the denier."""
    result = judge(title, text)
    assert result.denial
    assert result.official_denial is official


def test_one_who_pleads_and_is_no_institution_is_a_private_denier() -> None:
    context = (
        "General denies shelling charges\nA former army general accused of ordering the "
        "shelling of a city pleads not guilty to war crimes charges."
    )
    denier = "former army general accused of ordering the shelling of a city"
    assert is_private(denier, context, "plea:not-guilty")
    assert not is_private("Acme Corp", "Acme Corp pleaded not guilty.", "plea:not-guilty")
    assert not is_private(denier, context, "deny+claim")  # no plea: the classifier weighs it


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Acme Corp pleads not guilty to price-fixing",
            "Acme Corp pleaded not guilty on Tuesday to charges of price-fixing.",
        ),
        (
            "Lumex Ltd. denies dumping waste",
            "Lumex Ltd. on Friday denied dumping toxic waste into the river.",
        ),
    ],
)
def test_a_company_by_its_legal_name_denies_officially_even_by_a_plea(
    title: str, text: str
) -> None:
    """A plea is mostly a person's, and the classifier learned so; a company named by its
    legal form pleads as the company."""
    result = judge(title, text)
    assert result.denial and result.official_denial


@pytest.mark.parametrize(
    ("text", "denial", "denier"),
    [
        (
            "Claims that a supermarket chain sold horse meat labelled as beef were rejected by "
            "the company on Wednesday.",
            True,
            "company",
        ),
        ("The claim for damages was rejected by the court.", False, ""),
        (
            "The allegations were dismissed by the ministry as politically motivated.",
            True,
            "ministry",
        ),
        (
            'The actor posted a video on Instagram saying the rumours were "totally made up".',
            True,
            "actor",
        ),
        ("The squad was made up of young players from the academy.", False, ""),
    ],
)
def test_passive_rejections_and_stories_made_up(text: str, denial: bool, denier: str) -> None:
    """A claim "rejected by the company" is denied (by a court, ruled on); the agent ends where
    what follows it begins ("as politically motivated"); a story "made up" is denied by the
    one whose "saying" clause says so; a squad "made up of" players denies nothing."""
    result = judge("", text)
    assert fires(text, "denials") is denial
    if denier:
        assert result.denier == denier


@pytest.mark.parametrize(
    ("title", "text", "labels"),
    [
        ("", "The insurance claim was rejected by the insurer after the flood.", (0, 0, 0)),
        ("", "Claims for compensation were rejected by the Ministry of Defence.", (0, 0, 0)),
        (
            "Bank admits figures were erroneous",
            "The bank said its figures were erroneous.",
            (0, 0, 0),
        ),
        ("", "The lost revenue was made up in the second quarter, the company said.", (0, 0, 0)),
        ("Families denied a torture inquiry", "", (0, 0, 0)),
        ("", "Investigators said the case was being treated as politically motivated.", (0, 0, 0)),
        ("", "He said he had committed no crime and would appeal.", (1, 1, 0)),
        (
            "",
            "Novelist Danielle Steel denied rumours that she was dating her gardener.",
            (0, 1, 0),
        ),
        ("", "Activist fund Trian denied claims that it had leaked board documents.", (0, 1, 1)),
        ("", "Claims that the penalty was bought were denied by the referees' union.", (0, 1, 1)),
        ("", "The minister denied any request for money had been made.", (0, 1, 1)),
        ("Бывший сотрудник ФСБ опроверг обвинения в шпионаже", "", (1, 1, 0)),
    ],
)
def test_what_a_review_found_the_new_rules_misread(
    title: str, text: str, labels: tuple[int, int, int]
) -> None:
    """Sentences a review of matcher 7 wrote against its rules: a claim one makes for oneself
    (insurance, compensation) rejected is no denial; figures "erroneous" and revenue "made
    up" are no claims; a torture inquiry refused is no denial of torture; a case "treated as
    politically motivated" is a finding; "committed no crime" denies; a surname like Steel
    is no company, an activist fund is no activist; a claim far before "were denied by" is
    what is denied; "any request … had been made" opens a claim; a former officer of an
    agency denies for himself."""
    result = judge(title, text)
    got = (int(result.allegation), int(result.denial), int(result.official_denial))
    assert got == labels


@pytest.mark.parametrize(
    ("text", "allegation_cue"),
    [
        ("The senator called the president a liar over the budget.", True),
        ("He called them liars and cheats.", True),
        ("The minister branded his rival a liar during the debate.", True),
        ("Police called for witnesses after a thief stole a car.", False),
        ("The film is called A Liar in Paris.", False),
        ("Critics called it a cheat code for the economy.", False),
        ("Activists said the factory dumped toxic waste into the river for years.", True),
        ("Roger Federer was dumped out of the Australian Open by a qualifier.", False),
        ("The singer was dumped by her boyfriend of three years.", False),
    ],
)
def test_name_calling_and_a_deed_laid_at_a_plants_door(text: str, allegation_cue: bool) -> None:
    """Calling a party a liar, a crook or a cheat accuses it (not a film's title, a cheat
    code, or a call for witnesses); a factory that "dumped toxic waste" is accused, a player
    dumped out of a tournament is not."""
    assert fires(text, "allegations") is allegation_cue


@pytest.mark.parametrize(
    ("text", "allegation_cue"),
    [
        ("He never called anyone a liar, colleagues recalled.", False),
        ("The senator refused to call the president a liar.", False),
        ("Economists called inflation a thief in the night.", False),
        ("Armstrong called himself a liar and a cheat in the interview.", False),
        ("Investors dumped oil shares on Monday as prices slid, analysts said.", False),
        ("Hurricane Ida dumped raw sewage into streets as pumps failed, the city said.", False),
        ("The factory shelled out $2m for new machinery.", False),
        ("Villagers say the paper mill dumped untreated effluent into the river.", True),
    ],
)
def test_what_a_second_review_found_the_newest_rules_misread(
    text: str, allegation_cue: bool
) -> None:
    """Name-calling negated, of oneself or of a thing accuses no one; markets and storms
    dump no waste; shelling out money is no shelling."""
    assert fires(text, "allegations") is allegation_cue


@pytest.mark.parametrize(
    ("text", "denial"),
    [
        (
            "A fund that holds shares in Norvex claimed the board had demanded the chief "
            "executive's resignation -- a charge disputed by the company.",
            True,
        ),
        (
            "Opposition deputies accused the minister of taking kickbacks, an allegation "
            "denied by his office.",
            True,
        ),
        ("Claims that staff abused residents were denied by the care home's owners.", True),
        ("Refund claims denied by the airline will be reviewed, the regulator said.", False),
        ("Homeowners said their insurance claims denied by the insurer had been valid.", False),
        ("The company's claims denied by the court last year will be heard again.", False),
    ],
)
def test_a_claim_denied_by_its_agent_and_claims_one_makes_for_oneself(
    text: str, denial: bool
) -> None:
    """ "— a charge disputed by the company": the claim is denied, whoever follows "by";
    a refund or insurance claim refused, or any claim a court rules on, is no denial."""
    assert fires(text, "denials") is denial


@pytest.mark.parametrize(
    ("title", "text", "denial"),
    [
        (
            "Claim: A family of five in Texas tested positive for Ebola.",
            "FALSE\n\nExample: [Collected via email, October 2014]\nA news report says a "
            "family of five tested positive for Ebola.",
            True,
        ),
        (
            "Did the mayor's office hide crime figures?",
            "Claim: The mayor's office hid crime figures from auditors.\nRating: Mostly False\n"
            "The figures were published in March.",
            True,
        ),
        (
            "Did the senator lie about his war record?",
            "Claim: The senator lied about serving in the navy.\nRuling: Pants on Fire\nHe "
            "served four years, records show.",
            True,
        ),
        (
            "Quiz night",
            "Question three: true or false?\nFalse.\nThe answer surprised the room.",
            False,
        ),
        ("Grammar corner", "Is it wrong to say false alarm? Not at all.", False),
    ],
)
def test_a_fact_checks_verdict_line_is_the_outlets_denial(
    title: str, text: str, denial: bool
) -> None:
    """ "FALSE" on a line of its own (in capitals), "Rating: Mostly False", "Ruling: Pants on
    Fire": the outlet refutes the claim it quotes, officially; a quiz's "False." does not."""
    result = judge(title, text)
    assert result.denial is denial
    assert result.official_denial is denial
    if denial:
        assert "debunk-fact" in result.reasons
        assert result.denier == ""  # the outlet's own voice names no one in the text


@pytest.mark.parametrize(
    ("text", "denial"),
    [
        # what the claim is stands before "which", "that", "this": it is denied
        ("Israel blamed Iran for the attack, which was denied by Tehran.", True),
        ("Prosecutors say the mayor took bribes, which is denied by his lawyers.", True),
        ("A report said troops fired on protesters. This was later denied by the army.", True),
        # only a court that heads the agent rules
        ("Allegations that records were destroyed were denied by a court spokesman.", True),
        ("Claims that exam papers were leaked were denied by the Justice Ministry.", True),
        # a referee rules on a claim one makes for oneself
        ("Spurs had a handball claim rejected by the referee late on.", False),
        ("A late penalty claim was denied by the referee.", False),
        ("The referee awarded a late penalty claim -- a claim disputed by Chelsea players.", False),
        ("The decision, a charge disputed by fans, cost the club three points.", False),
        ("The chemistry report, a report disputed by no one, was published on Monday.", False),
        ("Warranty claims denied by Samsung will be reviewed.", False),
        # an accusation before the reduced clause: denied
        (
            "The FA charged Chelsea with failing to control their players, a charge disputed "
            "by the club.",
            True,
        ),
    ],
)
def test_what_a_review_found_the_matcher_8_rules_misread(text: str, denial: bool) -> None:
    assert fires(text, "denials") is denial


@pytest.mark.parametrize(
    ("text", "denier", "official"),
    [
        (
            "Opposition deputies accused the minister of taking kickbacks, an allegation "
            "denied by his office.",
            "his office",
            True,
        ),
        (
            "Senator Mary Platt accused the agency of a cover-up, a claim rejected by the "
            "agency's director.",
            "agency's director",
            True,
        ),
    ],
)
def test_the_agent_of_a_reduced_clause_is_the_denier(
    text: str, denier: str, official: bool
) -> None:
    result = judge("", text)
    assert result.denier == denier
    assert result.official_denial is official


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Pub quiz: round two answers",
            "Question 4: The Great Wall of China is visible from space.\nFALSE\nQuestion 5: "
            "Bats are blind.\nFALSE",
        ),
        (
            "Science corner",
            "Sound travels faster than light.\nFALSE\nWater boils at 100C at sea level.\nTRUE",
        ),
        (
            "Python tip",
            "The expression bool([]) evaluates to\nFALSE\nbecause an empty list is falsy.",
        ),
        ("Market wrap", "Shares rose 2%.\nSTATUS: FALSE\nThe index closed higher."),
    ],
)
def test_a_verdict_line_outside_a_fact_check_is_no_denial(title: str, text: str) -> None:
    assert not judge(title, text).denial


@pytest.mark.parametrize(
    ("text", "official"),
    [
        (
            "A former bodyguard accused singer Jay Tan of assault. His lawyer denied the "
            "allegation.",
            False,
        ),
        (
            "Rapper Lil Tay was charged with assault on Monday, police said. His lawyer denied "
            "the charge.",
            False,
        ),
        (
            "The actress was accused of shoplifting by store staff. Her publicist denied the "
            "report.",
            False,
        ),
        # the one "his" stands for holds an office: the lawyer speaks for it, whoever the
        # victim or the accuser beside it ("clients", "a woman", "a businessman")
        (
            "Prosecutors accused the bank's chief executive of fraud. His lawyer denied the "
            "charges.",
            True,
        ),
        (
            "The bank's chief executive was charged with defrauding elderly clients. His "
            "lawyer denied the charges.",
            True,
        ),
        (
            "Senator Mark Dunn was accused of groping a woman at a fundraiser. His lawyer "
            "denied the allegation.",
            True,
        ),
        (
            "Governor Al Reyes was accused by a businessman of taking bribes. His attorney "
            "denied the claims.",
            True,
        ),
        ("Regulators accused Norvex of dumping waste. Its lawyers denied the allegations.", True),
    ],
)
def test_his_or_her_lawyer_speaks_for_whom_the_text_named_before(text: str, official: bool) -> None:
    """A lawyer or publicist speaking for a private person is no official (guidelines); the
    person is the one "his" or "her" stands for, named before."""
    result = judge("Denial", text)
    assert result.denial
    assert result.official_denial is official


@pytest.mark.parametrize(
    ("title", "text", "cue"),
    [
        # a deed of violence done to people or places, named before or after it
        ("", "The rebels beheaded two soldiers near the border, the army said.", True),
        ("", "The militia shelled the village overnight, witnesses said.", True),
        ("", "The girls the group kidnapped last year are still missing, elders said.", True),
        # the passive, its doer after "by"
        ("", "Two reporters were kidnapped by gunmen near the airport, the ministry said.", True),
        ("Schoolboys abducted by gunmen", "", True),  # a headline's passive
        ("IS Beheads Briton David Haines", "", True),  # IS, the Islamic State: no passive
        ("Army Shelled Hospital, Says UN", "", True),
        # a title-case headline: every word looks like a name
        ("Film Bombed At Box Office", "", False),
        ("Nokia Executes Plan To Cut Costs", "", False),
        # the same verbs done to no one
        ("", "The plan was executed by the company last year.", False),
        ("", "The studio said its new comedy bombed at the box office this weekend.", False),
        ("", "Harlan Foods executed its plan to close two plants, the company said.", False),
        ("", "The veteran server bombed 25 aces in the final on Sunday.", False),
    ],
)
def test_a_deed_of_violence_is_reported_only_when_it_is_done_to_someone(
    title: str, text: str, cue: bool
) -> None:
    reasons = [c.reason for c in analyse(MatchInput(title, text)).allegations]
    assert any(r.startswith("atrocity:") for r in reasons) is cue
