"""Train the matcher's classifier and write the model file the package ships.

    .venv/bin/python scripts/train_matcher.py [FILE.jsonl ...] [--out bot/matcher/data/model.json]
    .venv/bin/python scripts/train_matcher.py --roles [FILE.jsonl ...]   # the role ranker

Default data: ../shared/corpus/dev.jsonl and train.jsonl. The settings (regularisation C,
the item's words among the features or not, and a threshold, each per label) are chosen by
5-fold cross-validation with the folds `claimwatch eval` uses (fixed by id), never by the
fit; the model is then fitted on all the data. Prints the CV F1 of the chosen settings.
Needs scikit-learn (`pip install -e '.[train]'`). The thresholds are picked on the same
folds they are reported on, so the CV figure of the chosen setting is slightly optimistic.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bot.evaluate import FOLDS, _analyse, fold_of
from bot.matcher import WORDS_ALONE, Analysis, decide, learned, parser
from bot.matcher.learned import LABELS
from bot.matcher.ranker import ROLES
from bot.matcher.training import fit, fit_ranker, ranker_examples

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
DATA = ROOT / "bot" / "matcher" / "data"
GRID_C = (0.1, 0.3, 1.0)
# a setting must beat a simpler one by this much (the thresholds are picked on the same folds)
NEAR_TIE = 0.005
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


def _f1(pairs: list[tuple[int, int]]) -> float:
    tp = sum(1 for g, p in pairs if g and p)
    fp = sum(1 for g, p in pairs if p and not g)
    fn = sum(1 for g, p in pairs if g and not p)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


Setting = tuple[float, bool]  # (C, words)


def out_of_fold(
    rows: list[dict[str, Any]],
    features: dict[bool, list[dict[str, float]]],
    c: float,
    words: bool,
    cued: list[bool] | None = None,
) -> list[dict[str, float]]:
    """Per item and label: the probability from the model that did not see the item (0 for
    an item with no rule features, and, as `decide` does, 0 for an allegation with no cue
    (`cued[i]` False) whose words weigh less than WORDS_ALONE: settings are chosen by the
    F1 `claimwatch eval` reports)."""
    folds = [fold_of(str(r["id"])) for r in rows]
    probabilities: list[dict[str, float]] = [dict.fromkeys(LABELS, 0.0) for _ in rows]
    for k in range(FOLDS):
        train = [i for i in range(len(rows)) if folds[i] != k]
        model = fit(
            {w: [found[i] for i in train] for w, found in features.items()},
            [rows[i] for i in train],
            c=c,
            words=dict.fromkeys(LABELS, words),
        )
        for i in range(len(rows)):
            if folds[i] == k and features[False][i]:
                probabilities[i] = {
                    label: model.labels[label].probability(features[words][i]) for label in LABELS
                }
                worded = model.labels["allegation"].words_weight(
                    [name for name in features[True][i] if name.startswith("t:")]
                )
                if cued is not None and not cued[i] and worded < WORDS_ALONE:
                    probabilities[i]["allegation"] = 0.0
    return probabilities


def choose(
    rows: list[dict[str, Any]],
    private: list[bool],
    probabilities: dict[Setting, list[dict[str, float]]],
) -> tuple[dict[str, Setting], dict[str, float], dict[str, float]]:
    """Per label, the setting and threshold with the best out-of-fold F1 (the simpler setting
    and the threshold nearer 0.5 on a near-tie); an official denial needs the chosen denial.
    Returns the settings, thresholds and the F1s."""
    settings: dict[str, Setting] = {}
    thresholds: dict[str, float] = {}
    scores: dict[str, float] = {}
    denied: list[bool] = [False] * len(rows)
    for label in LABELS:
        tried: list[tuple[float, tuple[bool, float], Setting, float]] = []
        for setting, found in probabilities.items():
            for t in THRESHOLDS:
                flags = [
                    p[label] >= t and (label != "official_denial" or (denied[i] and not private[i]))
                    for i, p in enumerate(found)
                ]
                score = _f1(
                    [(int(r.get(label) or 0), int(f)) for r, f in zip(rows, flags, strict=True)]
                )
                tried.append((score, (not setting[1], -abs(t - 0.5)), setting, t))
        top = max(score for score, *_ in tried)
        best = max((t for t in tried if t[0] >= top - NEAR_TIE), key=lambda t: (t[1], t[0]))
        scores[label], _, settings[label], thresholds[label] = best
        if label == "denial":
            found = probabilities[settings[label]]
            denied = [p["denial"] >= thresholds[label] for p in found]
    return settings, thresholds, scores


def train_roles(rows: list[dict[str, Any]], analyses: list[Analysis], out: Path) -> None:
    """Fit the role ranker on every item the shipped classifier flags (needs spaCy and its
    model) and write it; prints the ranked roles' CV beside the syntax rules alone."""
    from bot.evaluate import Report

    model = learned.shipped()
    report = Report()
    for row, analysis in zip(rows, analyses, strict=True):
        report.score(row, decide(analysis, model))
    items = [(f"{r.get('title') or ''}\n{r.get('text') or ''}", m) for r, m in report.judged]
    cache: dict[str, Any] = {}
    found = parser.role_candidates(items, cache=cache)
    if found is None:
        raise SystemExit("train_matcher: the parser cannot be loaded (see the warning above)")
    if not report.score_parsed_roles(cache, folds=FOLDS):
        raise SystemExit("train_matcher: the parser cannot be loaded")
    for role in ROLES:
        print(
            f"{role:8} CV named right: syntax rules {report.role_share(role, True, True):.3f}"
            f", ranked {report.role_share(role, True):.3f}"
        )
    ranker = fit_ranker(ranker_examples(rows, found))
    ranker.meta.update(
        items=len(rows),
        folds=FOLDS,
        cv_named_right={role: round(report.role_share(role, True), 4) for role in ROLES},
    )
    text = json.dumps(ranker.as_json(), sort_keys=True, separators=(",", ":"))
    out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files", nargs="*", default=[str(CORPUS / "dev.jsonl"), str(CORPUS / "train.jsonl")]
    )
    parser.add_argument("--out", help="default: bot/matcher/data/model.json (roles.json)")
    parser.add_argument(
        "--roles",
        action="store_true",
        help="train the role ranker (over the shipped classifier's verdicts) instead",
    )
    args = parser.parse_args()
    rows = [
        json.loads(line)
        for name in args.files
        for line in Path(name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    analyses = [_analyse(row) for row in rows]
    if args.roles:
        train_roles(rows, analyses, Path(args.out or DATA / "roles.json"))
        return
    args.out = args.out or str(DATA / "model.json")
    features = {words: [a.features(words) for a in analyses] for words in (False, True)}
    private = [a.private_denier for a in analyses]
    cued = [any(cue.strength > 0 for cue in a.allegations) for a in analyses]
    probabilities: dict[Setting, list[dict[str, float]]] = {}
    for words in (False, True):
        for c in GRID_C:
            probabilities[(c, words)] = out_of_fold(rows, features, c, words, cued)
            print(f"C={c:<4} words={'on ' if words else 'off'} done", flush=True)
    settings, thresholds, scores = choose(rows, private, probabilities)
    for label in LABELS:
        c, words = settings[label]
        print(
            f"{label:16} C={c:<4} words={'on ' if words else 'off'} "
            f"threshold {thresholds[label]:.2f} CV F1 {scores[label]:.3f}"
        )
    model = fit(
        features,
        rows,
        c={label: settings[label][0] for label in LABELS},
        words={label: settings[label][1] for label in LABELS},
        thresholds=thresholds,
        meta={
            "items": len(rows),
            "cv_f1": {label: round(scores[label], 4) for label in LABELS},
            "folds": FOLDS,
        },
    )
    fitted = [decide(a, model) for a in analyses]
    pairs = list(zip(rows, fitted, strict=True))
    fit_f1 = [
        _f1([(int(r.get(label) or 0), int(getattr(m, label))) for r, m in pairs])
        for label in LABELS
    ]
    text = json.dumps(model.as_json(), sort_keys=True, separators=(",", ":"))
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(f"fit F1 {' / '.join(f'{f:.3f}' for f in fit_f1)}; wrote {args.out}")


if __name__ == "__main__":
    main()
