"""English word lists (sources: CAMEO/PETRARCH2 verb dictionaries, FNC-1/Emergent refuting and
hedging words, shared/research/matcher.md §5). Forms are listed, not stemmed: explicit is
faster and easier to audit."""

from __future__ import annotations

import itertools
from collections.abc import Sequence


def _forms(*stems: str) -> frozenset[str]:
    return frozenset(w for stem in stems for w in stem.split())


DENY = _forms("deny denies denied denying denial denials")
REFUTE = _forms(
    "refute refutes refuted refuting rebut rebuts rebutted rebutting repudiate repudiates "
    "repudiated disavow disavows disavowed debunk debunks debunked debunking rubbish rubbished "
    "rubbishes disclaim disclaimed"
)
# Denial only with a claim-noun (or "as <evaluative>") as their object.
REJECT = _forms(
    "reject rejects rejected rejecting dismiss dismisses dismissed dismissing dispute disputes "
    "disputed disputing contest contests contested contradict contradicts contradicted slam "
    "slams slammed blast blasts blasted decry decried challenge challenged challenges "
    "counter countered brush brushed defend defended defends"
)
CLAIM_NOUNS = _forms(
    "accusation accusations allegation allegations charge charges claim claims report reports "
    "reporting rumour rumours rumor rumors assertion assertions speculation "
    "story stories insinuation insinuations notion account accounts statement statements "
    "involvement role link links connection responsibility complicity wrongdoing allegedly "
    "criticism accusing allegations finding findings contention remarks comments footage video "
    "photos"
)
# deny/reject + these = refusal, court outcome or sport, not a denial (CAMEO 12x/16x/1243).
REFUSAL_OBJECTS = _forms(
    "entry entrance visa visas bail access permission permit permits request requests "
    "application applications asylum parole appeal appeals bid bids offer offers proposal "
    "proposals plan plans motion bill deal talks demand demands ceasefire penalty penalties "
    "goal goals victory win title chance chances opportunity service services treatment care "
    "benefits credit loan licence license passage landing rights right funding funds "
    "membership registration recognition extradition petition petitions application "
    "trial retrial hearing hearings injunction review "
    "nomination candidacy resignation settlement exemption waiver admission a an him her them "
    "us me you"
)
COURT_SUBJECTS = _forms("judge judges court courts tribunal jury panel magistrate justice justices")
DENIALISM_BEFORE = _forms(
    "holocaust climate genocide science covid vaccine aids evolution election plausible"
)
EVALUATIVE = _forms(
    "lie lies lying falsehood falsehoods fabrication fabrications fabricated fake hoax hoaxes "
    "smear smears slander slanderous libel libellous libelous propaganda disinformation "
    "misinformation baseless groundless unfounded unsubstantiated false untrue absurd "
    "ridiculous preposterous nonsense fiction fictional rubbish invented bogus ludicrous "
    "outrageous speculative fantasy fantasies provocation mendacious nonsensical defamatory "
    "spurious scurrilous"
)
# "X did not deny", "refused to deny", "would neither confirm nor deny"
NEGATORS = _forms(
    "not n't never no nor neither without refused refuses refuse declined declines decline "
    "failed fails fail stopped unable reluctant"
)
ATTRIBUTION = _forms(
    "said says say saying told tells stated states statement added adds insisted insists "
    "insist maintained maintains called calls calling described describes branded labelled "
    "labeled termed according spokesman spokeswoman spokesperson responded replied insisting "
    "wrote writes tweeted declared declares dismissed confirmed confirms explained noted "
    "posted argued argues contended claiming found"
)
ACCUSE = _forms(
    "accuse accuses accused accusing accusation accusations allege alleges alleged alleging "
    "allegation allegations allegedly blame blames blamed blaming implicate implicates "
    "implicated indict indicts indicted indictment indictments sue sues sued suing lawsuit "
    "lawsuits purportedly reportedly"
)
CHARGE_FORMS = _forms("charge charges charged charging")
CLAIM_VERBS = _forms("claim claims claimed claiming say says said told insisted suggests suggest")
HEDGES = _forms("allegedly reportedly purportedly supposedly suspected suspect suspects accused")
WRONGDOING = _forms(
    "attack attacks attacked attacking bomb bombs bombing bombings bombed kill kills killed "
    "killing killings murder murders murdered massacre massacres execute executes executed "
    "executing execution executions torture tortured torturing abuse abuses abused abusing "
    "rape raped assault assaults assaulted kidnap kidnapped kidnapping abduct abducted abduction "
    "crime crimes genocide atrocity atrocities aggression terrorism terrorist terror "
    "corruption corrupt bribe bribes bribery bribing fraud fraudulent embezzlement embezzling "
    "laundering espionage spying spy spied treason interference interfering meddling meddle "
    "hacking hacked hack cyberattack sabotage violate violated violating violation violations "
    "breach breached breaching collusion colluded colluding doping cheat cheated "
    "cheating steal stole stolen stealing theft smuggling smuggled trafficking harassment "
    "harassed discrimination discriminated misconduct negligence negligent lied deceived "
    "deceiving misled misleading manipulation manipulated manipulating dumping illegal "
    "illegally unlawful unlawfully criminal wrongdoing improprieties impropriety plot plotted "
    "plotting shelling shelled invasion invaded occupation "
    "persecution persecuted extortion perjury obstruction racketeering manslaughter homicide "
    "slaying shooting shot looting arson poisoning poisoned poison "
    "mistreatment mistreated brutality crackdown deportation deported "
    "sexual jailing jailed detained detention spam spammers infringement infringed "
    "infringing piracy pirated copyright cartel monopoly collusive overcharging overcharged "
    "evasion evade evading falsified falsifying forged forgery counterfeit lying cyber "
    "propaganda disinformation destabilize destabilise incitement incite inciting hate "
    "extremism extremist mercenaries mercenary coup insurgents militants copyrighted conspired "
    "conspiracy conspiring conspire sham drunken dui dwi racism racist overcharged molestation "
    "misquoted defamation libel harm grievous beheading beheaded behead beheads worm virus "
    "malware spyware ransomware phishing detainees bias rigging rigged scam scams threat "
    "threats threatened threatening intimidation intimidated blackmail blackmailed coercion "
    "coerced improper improperly antitrust anticompetitive anti-competitive wrongful wrongfully "
    "abusive meddled meddles interfered interferes interfere bribed embezzled embezzle defraud "
    "defrauded defrauding plunder plundered extort extorted massacred slaughter slaughtered "
    "assassinate assassinated assassination kickback kickbacks graft nepotism misappropriation "
    "misappropriated misappropriating concealed concealing falsely groped groping molested "
    "molesting trafficked bullying bullied siphoned swindle swindled swindling launder "
    "laundered doped drugged smuggle smuggles misuse misused misusing"
)
# deeds of two words, whose words alone name none ("price", "labour", "force", "trading",
# "war", "cover" were single wrongdoing words, so "a price of $90" and "Labor Department"
# made jobless claims and product claims allegations)
WRONGDOING_PAIRS = frozenset(
    tuple(pair.split())
    for pair in (
        "price fixing",
        "price gouging",
        "forced labour",
        "forced labor",
        "insider trading",
        "excessive force",
        "war crime",
        "war crimes",
        "cover up",
        "covered up",
        "covering up",
        "trumped up",
        "match fixing",
        "ethnic cleansing",
    )
)


_PAIR_FIRSTS = frozenset(first for first, _ in WRONGDOING_PAIRS)


def names_wrongdoing(words: Sequence[str]) -> bool:
    """A wrongdoing word, or a wrongdoing of two words, among `words` (in order)."""
    if not WRONGDOING.isdisjoint(words):
        return True
    if _PAIR_FIRSTS.isdisjoint(words):
        return False
    return any(pair in WRONGDOING_PAIRS for pair in itertools.pairwise(words))


NOT_WRONGDOING_AFTER_CLAIM = _forms(
    "responsibility title titles record records victory win prize crown gold medal seat seats "
    "lead throne credit damages compensation asylum bankruptcy"
)
INSTITUTIONS = _forms(
    "government governments ministry ministries minister ministers embassy embassies ambassador "
    "consulate army armed military militia navy forces force troops police policeman "
    "authorities authority agency agencies court courts party parties company companies "
    "corporation corp inc ltd plc llc group club clubs team federation union association "
    "organisation organization council commission committee office department bureau "
    "administration cabinet kremlin pentagon parliament senate congress president presidency "
    "premier chancellor mayor governor secretary spokesman spokeswoman spokesperson "
    "spokespeople representative representatives official officials chief ceo chairman "
    "executive director board bank firm network airline airlines university school college "
    "church archdiocese diocese vatican service services regime state states nation "
    "prosecutor prosecutors prosecution foreign ministry's embassy's house fbi cia nato un "
    "who fifa uefa ioc iaea opec eu kgb fsb sbu gru mod mfa white downing elysee spokesmen "
    "general commander command headquarters monarchy palace king queen prince dean bishop "
    "source sources investigators investigation inquiry watchdog regulator regulators "
    "lawmakers legislators mp mps senator senators congressman officer officers producers "
    "manufacturer manufacturers brand retailer network studio label media outlet newspaper "
    "broadcaster channel publisher site website fact-checker fact-checking magazine"
)
PRIVATE_MARKERS = _forms(
    "himself herself publicist publicists manager managers girlfriend boyfriend wife husband "
    "mother father family friend friends fan fans singer actor actress rapper star celebrity "
    "model reps prankster student students teenager man woman men women player players "
    "referee bodyguard suspects client clients teacher doctor nurse driver boxer blogger "
    "youtuber influencer billionaire millionaire businessman businesswoman tycoon athlete "
    "footballer swimmer cyclist sprinter golfer"
)
# calling a party one of these accuses it ("the senator called the president a liar")
NAMES_CALLED = _forms(
    "liar liars crook crooks criminal criminals thief thieves murderer murderers cheat cheats"
)
STOP_LEADING = _forms(
    "the a an but and however meanwhile also yet so then now earlier later still in on at "
    "for with as while when after before since though although because"
)


# those a deed of violence is done to: "killed civilians", "executed prisoners" (not
# "executed a perfect pass", "killed off the game", "stole the show")
VICTIMS = frozenset(
    "people civilian civilians prisoner prisoners soldier soldiers child children detainee "
    "detainees protester protesters journalist journalists villager villagers worker workers "
    "troop troops patient patients man men woman women boy boys girl girls hostage hostages "
    "resident residents student students refugee refugees family families reporter "
    "reporters tourist tourists schoolboys schoolgirls pilgrims sailors crew engineers "
    "teachers doctors nurses farmers miners fishermen monks nuns priests missionaries "
    "diplomats officials policemen policeman officers guards contractors employees "
    "passengers migrants activists worshippers "
    # the places shelled or bombed
    "hospital hospitals school schools village villages town towns city market home homes "
    "house houses building buildings camp camps convoy mosque church plant station port "
    "airport bus buses train trains car cars vehicle vehicles embassy".split()
)

# "was denied by", "were kidnapped": a passive's auxiliary, the word before its participle
PASSIVE_AUXILIARIES = frozenset("was were been being is are".split())
