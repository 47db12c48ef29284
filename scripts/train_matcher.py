"""Train the matcher's classifier and write the model file the package ships.

    .venv/bin/python scripts/train_matcher.py [FILE.jsonl ...] [--out bot/matcher/data/model.json]

Default data: ../shared/corpus/dev.jsonl and train.jsonl. The settings (regularisation C,
hashed words on or off, a threshold per label) are chosen by 5-fold cross-validation with the
folds `claimwatch eval` uses (fixed by id), never by the fit; the model is then fitted on all
the data. Prints the CV F1 of every setting tried. Needs scikit-learn (`pip install -e
'.[train]'`). The thresholds are picked on the same folds they are reported on, so the CV
figure of the chosen setting is slightly optimistic.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.evaluate import FOLDS, _analyse, fold_of
from bot.matcher import decide
from bot.matcher.learned import LABELS
from bot.matcher.training import fit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
GRID_C = (0.1, 0.3, 1.0, 3.0)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _f1(pairs: list[tuple[int, int]]) -> float:
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if p and not g)
    fn = sum(1 for g, p in pairs if g and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def out_of_fold(rows: list[dict[str, Any]], analyses: list[Any], c: float, ngrams: bool) -> Any:
    """Per item and label: the probability from the model that did not see the item, and
    whether the item was judged a denial (official denials need one)."""
    features = [a.features(ngrams) for a in analyses]
    folds = [fold_of(str(r["id"])) for r in rows]
    probabilities: list[dict[str, float]] = [dict.fromkeys(LABELS, 0.0) for _ in rows]
    for k in range(FOLDS):
        train = [i for i in range(len(rows)) if folds[i] != k]
        model = fit([features[i] for i in train], [rows[i] for i in train], c=c, ngrams=ngrams)
        for i in range(len(rows)):
            if folds[i] == k and features[i]:
                probabilities[i] = {
                    label: model.labels[label].probability(features[i]) for label in LABELS
                }
                if not analyses[i].strong_allegation:  # as `decide`
                    probabilities[i]["allegation"] = 0.0
                if analyses[i].private_denier:  # as `decide` does
                    probabilities[i]["official_denial"] = 0.0
    return probabilities


def choose(rows: list[dict[str, Any]], probabilities: Any) -> tuple[dict[str, float], float]:
    """Per-label thresholds with the best out-of-fold F1; the mean of those F1s."""
    thresholds: dict[str, float] = {}
    scores = []
    for label in LABELS:
        best = max(
            THRESHOLDS,
            key=lambda t: (
                _f1(
                    [
                        (
                            int(r.get(label) or 0),
                            int(
                                p[label] >= t
                                and (
                                    label != "official_denial"
                                    or p["denial"] >= thresholds.get("denial", 0.5)
                                )
                            ),
                        )
                        for r, p in zip(rows, probabilities, strict=True)
                    ]
                ),
                -abs(t - 0.5),
            ),
        )
        thresholds[label] = best
        scores.append(
            _f1(
                [
                    (
                        int(r.get(label) or 0),
                        int(
                            p[label] >= best
                            and (label != "official_denial" or p["denial"] >= thresholds["denial"])
                        ),
                    )
                    for r, p in zip(rows, probabilities, strict=True)
                ]
            )
        )
    return thresholds, sum(scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files", nargs="*", default=[str(CORPUS / "dev.jsonl"), str(CORPUS / "train.jsonl")]
    )
    parser.add_argument("--out", default=str(ROOT / "bot" / "matcher" / "data" / "model.json"))
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for name in args.files
        for line in Path(name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    analyses = [_analyse(row) for row in rows]
    best: tuple[float, float, bool, dict[str, float]] | None = None
    for ngrams in (False, True):
        for c in GRID_C:
            thresholds, score = choose(rows, out_of_fold(rows, analyses, c, ngrams))
            print(
                f"C={c:<4} hashed words={'on ' if ngrams else 'off'} CV mean F1 {score:.3f} "
                f"thresholds {thresholds}"
            )
            if best is None or score > best[0] + 0.002:  # prefer the simpler on a near-tie
                best = (score, c, ngrams, thresholds)
    assert best is not None
    score, c, ngrams, thresholds = best
    features = [a.features(ngrams) for a in analyses]
    model = fit(
        features,
        rows,
        c=c,
        ngrams=ngrams,
        thresholds=thresholds,
        meta={"items": len(rows), "cv_mean_f1": round(score, 4), "folds": FOLDS},
    )
    fitted = [decide(a, model) for a in analyses]
    pairs = list(zip(rows, fitted, strict=True))
    fit_f1 = [
        _f1([(int(r.get(label) or 0), int(getattr(m, label))) for r, m in pairs])
        for label in LABELS
    ]
    text = json.dumps(model.as_json(), sort_keys=True, separators=(",", ":"))
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(
        f"chose C={c}, hashed words {'on' if ngrams else 'off'}, CV mean F1 {score:.3f}; "
        f"fit F1 {' / '.join(f'{f:.3f}' for f in fit_f1)}; wrote {args.out}"
    )


if __name__ == "__main__":
    main()
