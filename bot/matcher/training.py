"""Fitting the learned layer (needs scikit-learn: `pip install 'claimwatch[train]'`).

Used by `scripts/train_matcher.py` (writes the shipped model) and by `claimwatch eval`
(cross-validation: fit on k-1 folds, judge the held-out fold). Matching never imports this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.errors import ClaimwatchError
from bot.matcher.learned import LABELS, LabelModel, Model

DEFAULT_C = 1.0
PRUNE = 0.01  # weights smaller than this are dropped (keeps the shipped file small)


def _sklearn() -> tuple[Any, Any]:
    try:
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.linear_model import LogisticRegression
    except ImportError:
        raise ClaimwatchError(
            "training and cross-validation need scikit-learn: pip install 'claimwatch[train]'"
        ) from None
    return DictVectorizer, LogisticRegression


def fit(
    features: Sequence[dict[str, float]],
    targets: Sequence[Mapping[str, Any]],
    *,
    c: float = DEFAULT_C,
    ngrams: bool = False,
    thresholds: Mapping[str, float] | None = None,
    meta: dict[str, Any] | None = None,
) -> Model:
    """One L2 logistic regression per label over the items that have features (items where no
    cue fired are never flagged, so they teach nothing). Deterministic (liblinear)."""
    dict_vectorizer, logistic_regression = _sklearn()
    rows = [i for i, found in enumerate(features) if found]
    vectorizer = dict_vectorizer(sparse=True)
    matrix = vectorizer.fit_transform([features[i] for i in rows]).tocsr()
    # liblinear takes 32-bit sparse indices only
    matrix.indices = matrix.indices.astype("int32")
    matrix.indptr = matrix.indptr.astype("int32")
    names = vectorizer.get_feature_names_out()
    labels: dict[str, LabelModel] = {}
    for label in LABELS:
        y = [int(targets[i].get(label) or 0) for i in rows]
        if len(set(y)) < 2:  # a fold without a positive example: never flag
            labels[label] = LabelModel(bias=-10.0 if not any(y) else 10.0, weights={})
            continue
        classifier = logistic_regression(C=c, solver="liblinear", max_iter=1000)
        classifier.fit(matrix, y)
        weights = {
            str(name): round(float(w), 4)
            for name, w in zip(names, classifier.coef_[0], strict=True)
            if abs(w) >= PRUNE
        }
        labels[label] = LabelModel(
            bias=float(classifier.intercept_[0]),
            weights=weights,
            threshold=(thresholds or {}).get(label, 0.5),
        )
    return Model(labels=labels, ngrams=ngrams, meta={"C": c, **(meta or {})})
