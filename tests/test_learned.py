"""The learned layer: the shipped JSON model loads without scikit-learn, a bad file is a clear
error, items without a cue word are never flagged, words count only for the labels whose model
reads them, and the shipped weights are exactly what training on dev + train with the recorded
settings gives (the file is not hand-edited)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.evaluate import _analyse
from bot.matcher import MatchInput, analyse, decide, learned
from bot.matcher.training import fit
from tests.conftest import shared_path


def test_matching_does_not_import_the_training_library() -> None:
    code = (
        "import sys; from bot.matcher import match, MatchInput; "
        "match(MatchInput('Ministry denies the report')); "
        "print(any(m.startswith(('sklearn', 'numpy')) for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_file_that_is_not_a_model_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="not a matcher model"):
        learned.from_json({"labels": {"allegation": {"bias": 0, "weights": {}}}})


def test_no_cue_word_no_features_no_flag() -> None:
    analysis = analyse(MatchInput("Stocks rise as rates hold", "Markets were calm on Monday."))
    assert analysis.features() == {}
    result = decide(analysis, learned.shipped())
    assert not (result.allegation or result.denial or result.official_denial)


def test_probability_follows_the_weights() -> None:
    model = learned.LabelModel(bias=-1.0, weights={"a": 2.0})
    assert model.probability({}) < 0.5 < model.probability({"a": 1.0})
    assert model.probability({"b": 100.0}) == model.probability({})


def test_shipped_model_is_what_training_gives() -> None:
    rows = []
    for name in ("dev.jsonl", "train.jsonl"):
        with shared_path("corpus", name).open() as lines:
            rows += [json.loads(line) for line in lines]
    shipped = learned.shipped()
    analyses = [_analyse(row) for row in rows]
    model = fit(
        {words: [a.features(words) for a in analyses] for words in (False, True)},
        rows,
        c={name: float(c) for name, c in shipped.meta["C"].items()},
        words={name: m.words for name, m in shipped.labels.items()},
        thresholds={name: m.threshold for name, m in shipped.labels.items()},
    )
    for name, label in shipped.labels.items():
        assert model.labels[name].words == label.words
        assert model.labels[name].weights == pytest.approx(label.weights, abs=1e-3)
        assert model.labels[name].bias == pytest.approx(label.bias, abs=1e-3)


def test_words_count_only_for_a_label_whose_model_reads_them() -> None:
    plain = learned.LabelModel(bias=0.0, weights={"t:beheaded": 3.0})
    worded = learned.LabelModel(bias=0.0, weights={"t:beheaded": 3.0}, words=True)
    assert plain.probability({}, {"t:beheaded"}) == 0.5
    assert worded.probability({}, {"t:beheaded"}) > 0.9


def test_an_allegation_flagged_by_its_words_shows_the_words_that_told() -> None:
    """No allegation cue, yet the item's words weigh enough: the evidence is the sentence
    whose telling words weigh most, and the reason names them (short words never)."""
    weights = {"t:beheaded": 2.0, "t:of": 1.5, "t:video": 0.5}
    model = learned.Model(
        labels={
            "allegation": learned.LabelModel(bias=-1.0, weights=weights, threshold=0.5, words=True),
            "denial": learned.LabelModel(bias=-5.0, weights={}),
            "official_denial": learned.LabelModel(bias=-5.0, weights={}),
        }
    )
    item = MatchInput(
        "Markets calm",
        "Trading was quiet. A video of the hostage shows he was beheaded, officials said.",
    )
    analysis = analyse(item)
    assert analysis.features() and not any(c.strength > 0 for c in analysis.allegations)
    result = decide(analysis, model)
    assert result.allegation and not result.denial
    [evidence] = result.evidence
    assert "beheaded" in evidence.text and evidence.field == "text"
    assert evidence.reason == "words:beheaded/video"


def test_officialness_is_learned_among_the_denials_only() -> None:
    """`decide` asks the official label only of an item it flags as a denial, so items with
    no denial do not teach it: adding them leaves the official model as it was, while the
    denial model learns from them."""
    official = {"denier:institution": 1.0, "d:deny": 0.9}
    private = {"denier:private": 1.0, "d:deny": 0.9}
    other = {"a:accuse": 0.9, "denier:institution": 1.0}
    denials = [official, official, private, private]
    labels = [
        {"denial": 1, "official_denial": 1},
        {"denial": 1, "official_denial": 1},
        {"denial": 1, "official_denial": 0},
        {"denial": 1, "official_denial": 0},
    ]
    extra = [other] * 3
    base = fit({False: denials, True: denials}, labels)
    more = fit(
        {False: denials + extra, True: denials + extra},
        labels + [{"denial": 0, "official_denial": 0}] * 3,
    )
    assert more.labels["official_denial"] == base.labels["official_denial"]
    assert more.labels["denial"] != base.labels["denial"]
    chooses = more.labels["official_denial"]
    assert chooses.probability(official) > 0.5 > chooses.probability(private)


def test_an_allegation_no_evidence_backs_scores_below_one_half() -> None:
    """The classifier favours an allegation (its bias alone), but the item has no allegation
    cue and its words weigh nothing: not flagged, and its stored score stays under 0.5 (the
    pipeline reads 0.5 as flagged) in the band where a short item is read in full."""
    model = learned.Model(
        labels={
            "allegation": learned.LabelModel(bias=3.0, weights={}, threshold=0.5, words=True),
            "denial": learned.LabelModel(bias=-5.0, weights={}),
            "official_denial": learned.LabelModel(bias=-5.0, weights={}),
        }
    )
    analysis = analyse(MatchInput("Minister rejects contracts report", "The ministry spoke."))
    assert analysis.features() and not any(c.strength > 0 for c in analysis.allegations)
    result = decide(analysis, model)
    assert not result.allegation
    assert 0.25 <= result.scores["allegation"] < 0.5
