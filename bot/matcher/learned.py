"""The learned layer: a logistic regression per label over the rule features and, where
cross-validation chose them for the label, the item's words (pure scoring).

The weights live in a small JSON file shipped with the package (`data/model.json`, written by
`scripts/train_matcher.py`), so matching needs no machine-learning library and scoring one item
is a dictionary walk. The file is read once per process, on first use.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import repeat
from operator import mul
from typing import Any

LABELS = ("allegation", "denial", "official_denial")


@dataclass(frozen=True, slots=True)
class LabelModel:
    """`words`: the item's words are among this label's features (`features.text_words`)."""

    bias: float
    weights: dict[str, float]
    threshold: float = 0.5
    words: bool = False
    # the words the model weighs: an item's words are intersected with it (one C-level set
    # operation) instead of looking each of its ~100 words and pairs up in `weights`
    vocabulary: frozenset[str] = field(init=False, repr=False, compare=False)
    # the words ("t:…") that weigh for the label, by weight: what an item flagged by its words
    # alone shows as evidence is looked up here, one set operation a sentence
    positive_words: dict[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "vocabulary", frozenset(self.weights))
        positive = {k: v for k, v in self.weights.items() if k.startswith("t:") and v > 0}
        object.__setattr__(self, "positive_words", positive)

    def probability(self, features: dict[str, float], words: Iterable[str] = ()) -> float:
        """`words`: binary features given by name alone (the item's words, when `self.words`)."""
        return self.probability_given(features, self.words_weight(words))

    def probability_given(self, features: dict[str, float], words_weight: float) -> float:
        """`probability`, given what the item's words weigh (`words_weight`, read once by a
        caller that needs it too)."""
        # each feature's weight times its value, summed in the features' order (a float sum
        # depends on its order); map and mul rather than a generator: the same products
        z = self.bias + sum(
            map(mul, map(self.weights.get, features, repeat(0.0)), features.values())
        )
        return _logistic(z + words_weight)

    def words_weight(self, words: Iterable[str]) -> float:
        """What the words alone add to the label's log-odds (0 when it reads no words)."""
        if not self.words:
            return 0.0
        # fsum: exact whatever order the set yields (it differs between processes, and a
        # worker's verdict must equal the main process's to the last bit)
        return math.fsum(map(self.weights.__getitem__, self.vocabulary.intersection(words)))


def _logistic(z: float) -> float:
    if z < -30:
        return 0.0
    return 1.0 / (1.0 + math.exp(-z))


def calibrated(probability: float, threshold: float) -> float:
    """A score on the pipeline's scale, where 0.5 is the label's threshold: the rest of the
    pipeline (borderline band, stored scores) reads a score >= 0.5 as flagged, whatever
    threshold cross-validation chose for the label."""
    if probability < threshold:
        return 0.5 * probability / threshold
    return 0.5 + 0.5 * (probability - threshold) / (1.0 - threshold)


@dataclass(frozen=True, slots=True)
class Model:
    """One `LabelModel` per label."""

    labels: dict[str, LabelModel]
    meta: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "meta": self.meta,
            "labels": {
                name: {
                    "bias": round(m.bias, 6),
                    "threshold": m.threshold,
                    "words": m.words,
                    "weights": {k: round(v, 4) for k, v in sorted(m.weights.items()) if v},
                }
                for name, m in self.labels.items()
            },
        }


def from_json(data: dict[str, Any]) -> Model:
    """Raises ValueError when the data is not a model of every label."""
    try:
        labels = {
            name: LabelModel(
                bias=float(data["labels"][name]["bias"]),
                weights={str(k): float(v) for k, v in data["labels"][name]["weights"].items()},
                threshold=float(data["labels"][name].get("threshold", 0.5)),
                words=bool(data["labels"][name].get("words", False)),
            )
            for name in LABELS
        }
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"not a matcher model: missing {exc}") from None
    return Model(labels=labels, meta=dict(data.get("meta", {})))


@lru_cache(maxsize=1)
def shipped() -> Model:
    """The model in the package (read once)."""
    text = resources.files("bot.matcher").joinpath("data/model.json").read_text("utf-8")
    return from_json(json.loads(text))
