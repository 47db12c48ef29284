"""Russian, Ukrainian, German, French and Spanish: lexicon + window rules (pure).

No parser ships offline for these languages, so a cue counts unless a negation particle or a
refuse/decline word stands just before it, or a trap phrase ("отказался от комментариев",
"не заперечив", "ni confirmé ni démenti") covers it. Word lists: shared/research/matcher.md §6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_LATIN_STOPWORDS = {
    "en": frozenset("the and of to is in that was for on with said".split()),
    "de": frozenset("der die und das nicht ist mit den von zu sich dem des auf".split()),
    "fr": frozenset("le la les des et est une du pas que dans pour sur au qui".split()),
    "es": frozenset("el la los las y es que del por una no con para se al".split()),
}
_UKRAINIAN_LETTERS = frozenset("іїєґ")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_ASCII_WORDS = re.compile(r"[a-z]+")  # `_WORDS` on lower-cased ASCII (about twice as fast)
_STOPWORDS = frozenset().union(*_LATIN_STOPWORDS.values())
_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
# a letter of the Cyrillic block (which also holds signs and combining marks: not letters)
_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff](?<=[^\W\d_])")


def detect_language(text: str) -> str:
    """'en', 'ru', 'uk', 'de', 'fr' or 'es' from the script and common words."""
    sample = text[:600].lower()
    if sample.isascii():
        words = _ASCII_WORDS.findall(sample)
    else:
        # (counted by the regex engine, not a Python loop over every letter; most samples
        # that are not ASCII hold a curly quote and no Cyrillic at all)
        cyrillic = len(_CYRILLIC_LETTER.findall(sample))
        if cyrillic and cyrillic / len(_LETTERS.findall(sample)) > 0.3:
            return "uk" if any(ch in _UKRAINIAN_LETTERS for ch in sample) else "ru"
        words = _WORDS.findall(sample)
    found = _STOPWORDS.intersection(words)  # the common words the sample holds, each once
    english = len(found & _LATIN_STOPWORDS["en"])
    best, most = "en", english
    for lang in ("de", "fr", "es"):
        count = len(found & _LATIN_STOPWORDS[lang])
        if count > most:
            best, most = lang, count
    return best


@dataclass(frozen=True, slots=True)
class Lexicon:
    denial: re.Pattern[str]
    allegation: re.Pattern[str]
    traps: re.Pattern[str]  # phrases that look like a denial but are not
    negation: re.Pattern[str]  # matched against the few words before a cue
    speech: re.Pattern[str]  # speech verbs: "X заявил, что ..."


def _alternation(*parts: str) -> str:
    return "|".join(p for part in parts for p in part.split())


LEXICONS: dict[str, Lexicon] = {
    "ru": Lexicon(
        denial=re.compile(
            r"(?:опроверг\w*|опровержени\w*|отрица\w*|отверг\w*|отвергл\w*|отклонил\w*\s+обвинени\w*"
            r"|назвал\w*\s+(?:\w+\s+){0,4}(?:ложью|фейком|вымыслом|выдумкой|клеветой|провокацией"
            r"|инсинуаци\w*|дезинформаци\w*|бредом|абсурдом|чушью)"
            r"|не\s+соответству\w*\s+действительности|не\s+имеет\s+ничего\s+общего\s+с\s+действительностью"
            r"|(?:голословн|беспочвенн|безосновательн|необоснованн)\w*\s+обвинени\w*"
            r"|непричастн\w*|не\s+причаст\w*|не\s+имеет\s+отношения)",
            re.IGNORECASE,
        ),
        allegation=re.compile(
            r"(?:обвин\w*|возлож\w*\s+ответственност\w*|причастност\w*|якобы|предположительно"
            r"|по\s+утверждению)",
            re.IGNORECASE,
        ),
        traps=re.compile(
            r"(?<!\w)(?:отказал\w*\s+от\s+комментари\w*|не\s+стал\w*\s+(?:комментировать|отрицать|опровергать)"
            r"|не\s+опроверг\w*|не\s+отрица\w*|ни\s+подтвердил\w*,?\s+ни\s+опроверг\w*"
            r"|отклонил\w*\s+(?:просьбу|иск|апелляци\w*|жалоб\w*|предложени\w*))",
            re.IGNORECASE,
        ),
        negation=re.compile(r"(?:\bне|\bни|отказал\w*|отказыва\w*)\s*$", re.IGNORECASE),
        speech=re.compile(r"(?:заявил\w*|сообщил\w*|сказал\w*|отметил\w*|подчеркнул\w*)"),
    ),
    "uk": Lexicon(
        denial=re.compile(
            r"(?:спростов\w*|спростув\w*|заперечу\w*|заперечи\w*|відкину\w*|відкида\w*"
            r"|назва(?:в|ла|ло|ли)\w*\s+(?:\w+\s+){0,4}(?:брехнею|фейком|вигадкою|наклепом"
            r"|провокацією|дезінформацією|маячнею|абсурдом|нісенітницею)"
            r"|не\s+відповідає\s+дійсності|неправдив\w*\s+інформаці\w*"
            r"|(?:безпідставн|голослівн)\w*\s+звинувачен\w*|непричетн\w*|не\s+причетн\w*)",
            re.IGNORECASE,
        ),
        allegation=re.compile(
            r"(?:звинува\w*|звинувач\w*|поклад\w*\s+відповідальніст\w*|причетніст\w*|нібито)",
            re.IGNORECASE,
        ),
        traps=re.compile(
            r"(?<!\w)(?:відмовил\w*\s+від\s+коментар\w*|не\s+став\w*\s+(?:коментувати|заперечувати)"
            r"|не\s+заперечи\w*|не\s+заперечу\w*|не\s+спростув\w*|ні\s+підтвердив\w*,?\s+ні\s+спростув\w*)",
            re.IGNORECASE,
        ),
        negation=re.compile(r"(?:\bне|\bні|відмовил\w*)\s*$", re.IGNORECASE),
        speech=re.compile(r"(?:заявил\w*|заяви\w*|повідоми\w*|сказа\w*|зазначи\w*)"),
    ),
    "de": Lexicon(
        denial=re.compile(
            r"\b(?:dementier\w*|dementi|bestreit\w*|bestritt\w*|bestritten|wies\s+(?:\w+\s+){0,5}zurück"
            r"|weist\s+(?:\w+\s+){0,5}zurück|zurückgewiesen|widersprach|widerspricht|leugne\w*"
            r"|haltlos\w*|unbegründet\w*|entbehrt\s+jeder\s+grundlage|frei\s+erfunden"
            r"|falschmeldung\w*|falschbehauptung\w*)",
            re.IGNORECASE,
        ),
        allegation=re.compile(
            r"\b(?:vorwurf|vorwürfe\w*|vorgeworfen|wirft\s+(?:\w+\s+){0,6}vor|warf\s+(?:\w+\s+){0,6}vor"
            r"|beschuldig\w*|bezichtig\w*|anschuldigung\w*|angeblich|mutmaßlich)",
            re.IGNORECASE,
        ),
        traps=re.compile(
            r"(?<!\w)(?:wollte\s+sich\s+nicht\s+äußern|kein\s+kommentar|dementierte\s+nicht"
            r"|nicht\s+dementiert|(?:antrag|einreise|asyl)\w*\s+(?:\w+\s+){0,3}(?:zurückgewiesen|abgelehnt))",
            re.IGNORECASE,
        ),
        negation=re.compile(r"\b(?:nicht|kein\w*|weder)\s*$", re.IGNORECASE),
        speech=re.compile(r"\b(?:sagte|erklärte|teilte|betonte)\b", re.IGNORECASE),
    ),
    "fr": Lexicon(
        denial=re.compile(
            r"\b(?:démen\w*|dément\s+catégoriquement|nie|nient|nié|niant|a\s+nié"
            r"|rejet\w*\s+(?:\w+\s+){0,3}(?:accusations?|allégations?)|rejeté\w*|réfut\w*"
            r"|infondée?s?|sans\s+fondement|mensonges?|fausses?\s+informations?|calomni\w*"
            r"|diffamation|n'a\s+rien\s+à\s+voir)",
            re.IGNORECASE,
        ),
        allegation=re.compile(
            r"\b(?:accus\w*|reproch\w*|imput\w*|mis\s+en\s+cause|allégations?|présumée?s?)",
            re.IGNORECASE,
        ),
        traps=re.compile(
            r"(?<!\w)(?:refuse\w*\s+de\s+commenter|n'a\s+pas\s+souhaité\s+commenter|n'a\s+pas\s+démenti"
            r"|ni\s+confirmé\s+ni\s+démenti|(?:visa|entrée)\s+(?:lui\s+a\s+été\s+)?refusée?)",
            re.IGNORECASE,
        ),
        negation=re.compile(r"\b(?:ne|n'|pas|ni|refus\w*)\s*$", re.IGNORECASE),
        speech=re.compile(r"\b(?:a\s+déclaré|a\s+affirmé|a\s+indiqué|selon)\b", re.IGNORECASE),
    ),
    "es": Lexicon(
        denial=re.compile(
            r"\b(?:desmient\w*|desmintió|desmentid\w*|desmentir|niega\w*|negó|rechaz\w*\s+(?:\w+\s+){0,3}"
            r"acusaciones|refut\w*|carece\s+de\s+fundamento|infundad\w*|bulo\w*|noticias\s+falsas"
            r"|calumni\w*|difamación)",
            re.IGNORECASE,
        ),
        allegation=re.compile(
            r"\b(?:acus\w*|culp\w*|responsabiliz\w*|presuntamente|supuestamente)",
            re.IGNORECASE,
        ),
        traps=re.compile(
            r"(?<!\w)(?:se\s+negó\s+a\s+comentar|declinó\s+hacer\s+comentarios|no\s+desmintió"
            r"|ni\s+confirmó\s+ni\s+desmintió|penalti\s+negado)",
            re.IGNORECASE,
        ),
        negation=re.compile(r"\b(?:no|ni|nunca)\s*$", re.IGNORECASE),
        speech=re.compile(r"\b(?:dijo|afirmó|declaró|aseguró|según)\b", re.IGNORECASE),
    ),
}

# Institutions and offices (a state named by its capital counts only in the nominative, as the
# subject: "Москва отвергла", not "в Москве").
_OFFICIAL = re.compile(
    r"(?:министерств|\bмид\b|посольств|кремл|правительств|пресс-секретар|пресс-служб|песков"
    r"|захаров|лавров|армия|минобороны|министр|губернатор|мэри[яи]|\bмэр\b|депутат|президент"
    r"|прокуратур|полици|компани|корпораци|газпром|роснефт|\bмосква\b|\bкиев\b"
    r"|міністерств|міністр|\bмзс\b|посольств|уряд|офіс\s+президента|цпд|генштаб|зсу|речник"
    r"|прессекретар|прес-служб|прес-секретар|міськ\w*\s+рад|міськрад|обласн\w*\s+рад"
    r"|верховн\w*\s+рад|мері[яї]|\bмер\b|депутат|президент|прокуратур|поліці|компані"
    r"|нафтогаз|укрзалізниц|енергоатом|\bкиїв\b"
    # agencies, services and ministries by their short names
    r"|\bфсб\b|\bсвр\b|\bмвд\b|\bмчс\b|следственн\w*\s+комитет|росгварди|роскомнадзор"
    r"|минздрав|минфин|минюст|минтранс|центробанк|роскосмос|администраци|ведомств"
    r"|\bсбу\b|\bгур\b|\bдбр\b|\bнабу\b|\bмвс\b|нацполіці|кабмін|міноборони|мінздрав"
    r"|мінфін|мін['’]юст|прикордонн|нацбанк|адміністраці|відомств"
    r"|ministerium|regierung|botschaft|sprecher|kreml|armee|polizei|konzern|unternehmen"
    r"|ministère|gouvernement|ambassade|porte-parole|armée|police|kremlin|entreprise"
    r"|ministerio|gobierno|embajada|portavoz|ejército|policía|kremlin|empresa)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Hit:
    label: str
    start: int
    end: int
    reason: str


def scan(language: str, text: str) -> list[Hit]:
    """Denial and allegation hits in `text`, traps and negated cues removed."""
    lexicon = LEXICONS[language]
    trapped = [(m.start(), m.end()) for m in lexicon.traps.finditer(text)]
    hits = []
    for label, pattern in (("denial", lexicon.denial), ("allegation", lexicon.allegation)):
        for m in pattern.finditer(text):
            if any(a <= m.start() < b or a < m.end() <= b for a, b in trapped):
                hits.append(Hit(label, m.start(), m.end(), f"-{language}:trap"))
                continue
            if lexicon.negation.search(text[max(0, m.start() - 20) : m.start()]):
                hits.append(Hit(label, m.start(), m.end(), f"-{language}:negated"))
                continue
            hits.append(Hit(label, m.start(), m.end(), f"{language}:{m.group(0).lower()[:30]}"))
    return hits


# one who no longer speaks for the institution, or speaks for a person: "бывший сотрудник
# ФСБ", "экс-офицер СБУ", "колишній працівник НАБУ", "адвокат …", "жена …"
_NOT_FOR_IT = re.compile(
    r"бывш|\bэкс-|колишн|\bекс-|адвокат|\bжена\b|\bмуж\b|дружин|родствен|родич"
    r"|ehemalig|\bex-|ancien|antiguo|abogad|anwalt|avocat",
    re.IGNORECASE,
)


def official(language: str, phrase: str) -> bool:
    if language not in LEXICONS:
        return False
    return bool(_OFFICIAL.search(phrase)) and not _NOT_FOR_IT.search(phrase)
