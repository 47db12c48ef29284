"""Fitting the learned layer (needs scikit-learn: `pip install 'claimwatch[train]'`).

Used by `scripts/train_matcher.py` (writes the shipped model) and by `claimwatch eval`
(cross-validation: fit on k-1 folds, judge the held-out fold). Matching never imports this.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from bot.errors import ClaimwatchError
from bot.matcher.learned import LABELS, LabelModel, Model
from bot.matcher.ranker import ROLES, Candidate, RankModel, same_party

DEFAULT_C = 1.0
PRUNE = 0.01  # weights smaller than this are dropped (keeps the shipped file small)
MIN_ITEMS = 3  # a word feature is learned only when this many training items have it
WORD_PRUNE = 0.005  # likewise for word features, of which there are thousands


def _sklearn() -> tuple[Any, Any]:
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise ClaimwatchError(
            "training and cross-validation need scikit-learn: pip install 'claimwatch[train]'"
        ) from None
    return DictVectorizer, LogisticRegression


def _common_words(found: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """Drop the word features seen in fewer than MIN_ITEMS training items: a word met once
    teaches nothing about unseen news, and there are tens of thousands of them."""
    seen = Counter(name for features in found for name in features if name.startswith("t:"))
    return [
        {
            name: v
            for name, v in features.items()
            if not name.startswith("t:") or seen[name] >= MIN_ITEMS
        }
        for features in found
    ]


def fit(
    features: Mapping[bool, Sequence[dict[str, float]]],
    targets: Sequence[Mapping[str, Any]],
    *,
    c: Mapping[str, float] | float = DEFAULT_C,
    words: Mapping[str, bool] | None = None,
    thresholds: Mapping[str, float] | None = None,
    meta: dict[str, Any] | None = None,
) -> Model:
    """One L2 logistic regression per label over the items that have rule features (items
    where no cue word passed the gate are never flagged, so they teach nothing); the official
    denial is learned among the items labelled a denial only.
    `features[False]` are the rule features, `features[True]` the same with the item's words
    (needed only for the labels `words` turns on); `c` is the regularisation, per label or
    for all. Deterministic (liblinear)."""
    dict_vectorizer, logistic_regression = _sklearn()
    words = words or {}
    rows = [i for i, found in enumerate(features[False]) if found]
    labels: dict[str, LabelModel] = {}
    for label in LABELS:
        with_words = bool(words.get(label))
        # officialness is learned among the denials only: `decide` asks it only of an item
        # it already flags as a denial, so what it must tell apart is an institution's
        # denial from a private person's, not a denial from no denial
        among = (
            rows if label != "official_denial" else [i for i in rows if targets[i].get("denial")]
        )
        found = [features[with_words][i] for i in among]
        if with_words:
            found = _common_words(found)
        vectorizer = dict_vectorizer(sparse=True)
        matrix = vectorizer.fit_transform(found).tocsr()
        # liblinear takes 32-bit sparse indices only
        matrix.indices = matrix.indices.astype("int32")
        matrix.indptr = matrix.indptr.astype("int32")
        names = vectorizer.get_feature_names_out()
        y = [int(targets[i].get(label) or 0) for i in among]
        threshold = (thresholds or {}).get(label, 0.5)
        if len(set(y)) < 2:  # a fold without a positive example: never flag
            bias = -10.0 if not any(y) else 10.0
            labels[label] = LabelModel(bias=bias, weights={}, threshold=threshold)
            continue
        strength = c[label] if isinstance(c, Mapping) else c
        classifier = logistic_regression(C=strength, solver="liblinear", max_iter=1000)
        classifier.fit(matrix, y)
        weights = {
            str(name): round(float(w), 4)
            for name, w in zip(names, classifier.coef_[0], strict=True)
            if abs(w) >= (WORD_PRUNE if str(name).startswith("t:") else PRUNE)
        }
        labels[label] = LabelModel(
            bias=float(classifier.intercept_[0]),
            weights=weights,
            threshold=threshold,
            words=with_words,
        )
    settings = {
        "C": {label: c[label] if isinstance(c, Mapping) else c for label in LABELS},
        "words": {label: bool(words.get(label)) for label in LABELS},
    }
    return Model(labels=labels, meta={**settings, **(meta or {})})


# The inverse regularisation strength per role, chosen by the ranked roles' CV over six
# fold assignments (0.3, 0.5, 1, 2 and 4 tried): the accused, named in more varied ways,
# gains from a looser fit (0.568 -> 0.586 at 2 against 0.5, on each of the six); the accuser
# and the denier from a tighter one (0.3; within 0.01 of 0.5 each).
RANKER_C = {"accuser": 0.3, "accused": 2.0, "denier": 0.3}
Examples = Sequence[tuple[Sequence[Candidate], str]]  # (an item's candidates, the gold party)


def fit_ranker(
    examples: Mapping[str, Examples], c: float | Mapping[str, float] = RANKER_C
) -> RankModel:
    """One L2 logistic regression per role over the candidates of the training items whose
    label names that party: a candidate is a positive example when it names the same party
    as the label (`same_party`, the test eval scores with). `c`: the inverse regularisation
    strength, one for every role or one per role. Deterministic (liblinear)."""
    dict_vectorizer, logistic_regression = _sklearn()
    weights: dict[str, dict[str, float]] = {}
    strength = {role: c[role] if isinstance(c, Mapping) else c for role in ROLES}
    for role in ROLES:
        found = [
            (dict.fromkeys(candidate.features, 1.0), int(same_party(gold, candidate.text)))
            for candidates, gold in examples.get(role, ())
            for candidate in candidates
        ]
        if len({y for _, y in found}) < 2:
            weights[role] = {}
            continue
        vectorizer = dict_vectorizer(sparse=True)
        matrix = vectorizer.fit_transform([x for x, _ in found]).tocsr()
        matrix.indices = matrix.indices.astype("int32")
        matrix.indptr = matrix.indptr.astype("int32")
        classifier = logistic_regression(C=strength[role], solver="liblinear", max_iter=1000)
        classifier.fit(matrix, [y for _, y in found])
        weights[role] = {
            str(name): float(w)
            for name, w in zip(vectorizer.get_feature_names_out(), classifier.coef_[0], strict=True)
            if abs(w) >= PRUNE
        }
    return RankModel(weights=weights, meta={"C": strength})


def ranker_examples(
    rows: Sequence[Mapping[str, Any]], found: Sequence[Sequence[Candidate] | None]
) -> dict[str, list[tuple[Sequence[Candidate], str]]]:
    """Per role, the (candidates, gold party) of the rows whose label names that party and
    that have candidates (`found[i]`: the candidates of row i, None when not flagged)."""
    return {
        role: [
            (candidates, str(row[role]))
            for row, candidates in zip(rows, found, strict=True)
            if candidates and row.get(role)
        ]
        for role in ROLES
    }
