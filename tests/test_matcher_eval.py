"""`claimwatch eval`: the fit beside k-fold cross-validation with folds fixed by id, and role
agreement counted over every item whose label names the party (naming nobody is a miss)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot.evaluate import FOLDS, cross_validate, evaluate, fold_of, role_agrees
from tests.conftest import shared_path


def _rows() -> list[dict[str, object]]:
    rows = []
    for name in ("dev.jsonl", "train.jsonl"):
        with shared_path("corpus", name).open() as lines:
            rows += [json.loads(line) for line in lines]
    return rows


def test_folds_are_fixed_by_id_and_roughly_even() -> None:
    ids = [f"item:{n}" for n in range(2000)]
    assert [fold_of(i) for i in ids] == [fold_of(i) for i in ids]
    sizes = Counter(fold_of(i) for i in ids)
    assert set(sizes) == set(range(FOLDS))
    assert min(sizes.values()) > 2000 / FOLDS * 0.8


def test_a_role_agrees_on_a_shared_content_word_whatever_the_punctuation() -> None:
    assert role_agrees("Russian embassy in Washington", "the embassy")
    assert role_agrees("Acme", "Acme, the toy maker")
    assert role_agrees("U.S. military", "US")
    assert role_agrees("Iraq", "Iraq's health ministry")
    assert not role_agrees("Iraq", "Iran")
    assert not role_agrees("an ex", "an ex")  # short words are not content words
    assert not role_agrees("he", "he")
    # a function word is no content word: these are two parties
    assert not role_agrees("the embassy", "the ministry")
    assert not role_agrees("spokesman for the army", "the police and their lawyers")


def test_roles_are_counted_over_every_item_that_names_the_party() -> None:
    rows = [
        {
            "id": "a",
            "kind": "feed_item",
            "title": "Weather is fine",
            "text": "",
            "denier": "Kremlin",
        },
        {
            "id": "b",
            "kind": "feed_item",
            "title": "The Kremlin denied the reports, calling them lies",
            "text": "",
            "denial": 1,
            "official_denial": 1,
            "denier": "Kremlin",
        },
    ]
    report = evaluate(rows)
    assert report.roles["denier"] == [1, 2]  # the unflagged item is a miss, not left out
    assert "accuser" not in report.roles


def test_cross_validation_judges_every_item_once_on_a_model_that_never_saw_it() -> None:
    rows = _rows()
    fit, cv = evaluate(rows), cross_validate(rows)
    assert cv.items == fit.items == len(rows)
    for label in ("allegation", "denial", "official_denial"):
        counts = cv.counts[("all", label)]
        assert counts.tp + counts.fn == sum(int(r.get(label) or 0) for r in rows)  # type: ignore[call-overload]
    assert cv.roles["denier"][1] == sum(1 for r in rows if r.get("denier"))
    # floors under today's CV figures (0.78 / 0.83 / 0.71); the rules alone scored 0.78 /
    # 0.78 / 0.60: a change that loses the classifier's gain on denials shows up here
    assert cv.f1("allegation") >= 0.75
    assert cv.f1("denial") >= 0.80
    assert cv.f1("official_denial") >= 0.68
    # parser roles over the same CV verdicts, beside the rule roles (0.22 / 0.20 / 0.39),
    # the syntax rules alone beside the role ranker fitted on the other folds
    assert cv.score_parsed_roles(folds=5)
    assert cv.role_share("accused", True, True) >= cv.role_share("accused") + 0.04
    assert cv.role_share("denier", True, True) >= cv.role_share("denier") + 0.04
    # the ranker's gain (today 0.39 -> 0.43, 0.36 -> 0.44, 0.53 -> 0.56)
    assert cv.role_share("accused", parsed=True) >= cv.role_share("accused", True, True) + 0.04
    assert cv.role_share("accuser", parsed=True) >= cv.role_share("accuser", True, True) + 0.02
    assert cv.role_share("denier", parsed=True) >= cv.role_share("denier", True, True)
    assert cv.role_share("accuser", parsed=True) >= cv.role_share("accuser")


def test_eval_command_prints_fit_and_cv(tmp_path: Path) -> None:
    source = shared_path("corpus", "dev.jsonl")
    claimwatch = str(Path(sys.executable).with_name("claimwatch"))
    out = subprocess.run(
        [claimwatch, "eval", str(source)], check=True, capture_output=True, text=True
    ).stdout
    assert "5-fold cross-validation" in out
    assert "CV F1" in out
    assert re.search(r"denier +of +\d+ +rules [\d.]+ CV [\d.]+ \| syntax", out)
    assert re.search(r"\| ranked [\d.]+ CV [\d.]+", out)
