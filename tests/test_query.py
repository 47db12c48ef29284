"""The subscription query language (pure)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.query import Candidate, QueryError, parse


def item(text: str = "", **kwargs: object) -> Candidate:
    values: dict[str, object] = {
        "text": text,
        "allegation": True,
        "denial": False,
        "official_denial": False,
        "actors": "",
        "language": "en",
        "feeds": "",
    }
    values.update(kwargs)
    return Candidate(**values)  # type: ignore[arg-type]


EMBASSY = item(
    "Russian embassy calls White House claims other-worldly lies",
    denial=True,
    official_denial=True,
    actors="White House\nRussian military\nRussian embassy in Washington",
    feeds="Kyiv Post\nhttps://www.kyivpost.com/feed",
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", True),
        ("russian", True),
        ("Russian EMBASSY", True),
        ("russia", False),  # words, not prefixes
        ('"other-worldly lies"', True),
        ('"worldly claims"', False),
        ("kremlin OR embassy", True),
        ("kremlin OR moscow", False),
        ("embassy -lies", False),
        ('embassy -"transfer window"', True),
        ("label:denial", True),
        ("label:official label:allegation", True),
        ("label:disputed", True),
        ("actor:washington", True),
        ("actor:ukraine", False),
        ("lang:en", True),
        ("lang:ru", False),
        ("feed:kyivpost", True),
        ("feed:reuters", False),
    ],
)
def test_matches(query: str, expected: bool) -> None:
    assert parse(query).matches(EMBASSY) is expected


def test_unflagged_items_never_match() -> None:
    assert not parse("").matches(item("anything", allegation=False, denial=False))


def test_label_filters() -> None:
    only_allegation = item("x")
    assert parse("label:allegation").matches(only_allegation)
    assert not parse("label:denial").matches(only_allegation)
    assert not parse("label:disputed").matches(only_allegation)


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ('"unclosed phrase', "not closed"),
        ("OR kremlin", "OR needs a term"),
        ("kremlin OR", "OR needs a term"),
        ("kremlin OR OR moscow", "OR needs a term"),
        ("colour:red", "unknown filter"),
        ("label:rumour", "label:rumour is not one of"),
        ("-label:denial", "cannot be excluded"),
        ("-", "nothing to search for"),
        ('""', "nothing to search for"),
        ("x " * 400, "longer than"),
        (" ".join(f"w{i}" for i in range(40)), "at most"),
        # empty filters and brackets would make a subscription that never fires
        ("label:", "label: needs a value"),
        ("russia actor:", "actor: needs a value"),
        ("lang:", "lang: needs a value"),
        ("-feed:", "feed: needs a value"),
        ("(ministry)", "brackets do not group terms; write ministry"),
        ("(kremlin OR moscow)", "brackets do not group terms"),
    ],
)
def test_errors_are_one_clear_line(query: str, fragment: str) -> None:
    with pytest.raises(QueryError) as info:
        parse(query)
    assert fragment in str(info.value)
    assert "\n" not in str(info.value)


@given(st.text(max_size=300))
def test_any_text_parses_or_fails_cleanly(text: str) -> None:
    try:
        query = parse(text)
    except QueryError:
        return
    assert isinstance(query.matches(EMBASSY), bool)


def test_brackets_inside_a_quoted_phrase_are_text() -> None:
    assert parse('"(ministry)"').groups == (("(ministry)",),)
