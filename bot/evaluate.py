"""Scoring the matcher against labelled items (pure but for the optional training): per-label
precision, recall and F1, overall and per kind (feed items, articles); role agreement; the
misclassified items with their reasons — for the shipped model (the fit) and by k-fold
cross-validation (folds fixed by a hash of the id), which is the honest estimate on unseen news.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.matcher import Analysis, MatchInput, MatchResult, analyse, decide, learned, parser

LABELS = ("allegation", "denial", "official_denial")
ROLES = ("accuser", "accused", "denier")
FOLDS = 5


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def role_agrees(gold: str, predicted: str) -> bool:
    """Partial match: the two share a content word ("Russian embassy" ~ "the embassy"),
    punctuation aside ("Parmalat," ~ "Parmalat"); a two-letter abbreviation in capitals is a
    content word ("U.S." ~ "US government")."""
    return bool(_content_words(gold) & _content_words(predicted))


def _content_words(phrase: str) -> set[str]:
    words = re.findall(r"[^\W_]+(?:['’&][^\W_]+)*", re.sub(r"(?<=\b[A-Z])\.", "", phrase))
    words = [w.removesuffix("'s").removesuffix("’s") for w in words]  # "Iraq's" ~ "Iraq"
    return {w.lower() for w in words if len(w) > 2 or (len(w) == 2 and w.isupper())}


@dataclass
class Report:
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)  # (kind, label)
    errors: list[tuple[str, str, int, int, tuple[str, ...]]] = field(default_factory=list)
    items: int = 0
    # role -> [agreed, items whose label names that party]; naming nobody is a miss
    roles: dict[str, list[int]] = field(default_factory=dict)
    # the same with the parser's roles (None: the parser was not run or could not load)
    parsed_roles: dict[str, list[int]] | None = None
    _judged: list[tuple[Mapping[str, Any], MatchResult]] = field(default_factory=list)

    def add(self, kind: str, label: str, gold: int, predicted: int) -> None:
        for key in ((kind, label), ("all", label)):
            counts = self.counts.setdefault(key, Counts())
            if gold and predicted:
                counts.tp += 1
            elif predicted:
                counts.fp += 1
            elif gold:
                counts.fn += 1

    def f1(self, label: str, kind: str = "all") -> float:
        return self.counts.get((kind, label), Counts()).f1

    def role_share(self, role: str, parsed: bool = False) -> float:
        tallies = (self.parsed_roles or {}) if parsed else self.roles
        agreed, judged = tallies.get(role, [0, 0])
        return agreed / judged if judged else 0.0

    def score_parsed_roles(self, cache: dict[str, Any] | None = None) -> bool:
        """Tally the parser's roles over the items scored so far; False when the parser
        cannot be loaded (the tallies stay None)."""
        found = parser.parse_roles(
            [(f"{row.get('title') or ''}\n{row.get('text') or ''}", r) for row, r in self._judged],
            cache=cache,
        )
        if found is None:
            return False
        self.parsed_roles = {}
        for (row, _result), roles in zip(self._judged, found, strict=True):
            _tally(self.parsed_roles, row, roles.accuser, roles.accused, roles.denier)
        return True

    def score(self, row: Mapping[str, Any], result: MatchResult) -> None:
        self.items += 1
        kind = str(row.get("kind") or "item")
        predicted = {
            "allegation": int(result.allegation),
            "denial": int(result.denial),
            "official_denial": int(result.official_denial),
        }
        self._judged.append((row, result))
        _tally(self.roles, row, result.accuser, result.accused, result.denier)
        for label in LABELS:
            gold = int(row.get(label) or 0)
            self.add(kind, label, gold, predicted[label])
            if gold != predicted[label]:
                self.errors.append((str(row["id"]), label, gold, predicted[label], result.reasons))


def _tally(
    tallies: dict[str, list[int]], row: Mapping[str, Any], accuser: str, accused: str, denier: str
) -> None:
    found = {"accuser": accuser, "accused": accused, "denier": denier}
    for role in ROLES:
        gold_role = str(row.get(role) or "")
        if gold_role:
            tally = tallies.setdefault(role, [0, 0])
            tally[0] += role_agrees(gold_role, found[role])
            tally[1] += 1


def _analyse(row: Mapping[str, Any]) -> Analysis:
    return analyse(
        MatchInput(
            title=str(row.get("title") or ""), text=str(row.get("text") or ""), id=str(row["id"])
        )
    )


def fold_of(item_id: str, folds: int = FOLDS) -> int:
    """A fixed fold per id (the same on every machine and run)."""
    return int(hashlib.sha256(item_id.encode()).hexdigest()[:12], 16) % folds


def evaluate(rows: Iterable[Mapping[str, Any]], model: learned.Model | None = None) -> Report:
    """The fit: the given (default: shipped) model on every row."""
    model = model or learned.shipped()
    report = Report()
    for row in rows:
        report.score(row, decide(_analyse(row), model))
    return report


def cross_validate(
    rows: Sequence[Mapping[str, Any]],
    folds: int = FOLDS,
    *,
    analyses: Sequence[Analysis] | None = None,
) -> Report:
    """k-fold CV: for each fold, fit the classifier (the shipped model's settings: C, words
    and threshold per label) on the other folds and judge the fold. Raises ClaimwatchError
    without scikit-learn."""
    from bot.matcher.training import DEFAULT_C, fit

    shipped = learned.shipped()
    chosen = shipped.meta.get("C", DEFAULT_C)
    c = {label: float(chosen[label] if isinstance(chosen, dict) else chosen) for label in LABELS}
    words = {name: m.words for name, m in shipped.labels.items()}
    analyses = analyses or [_analyse(row) for row in rows]
    features = {w: [a.features(w) for a in analyses] for w in {False, *words.values()}}
    fold = [fold_of(str(row["id"]), folds) for row in rows]
    report = Report()
    for k in range(folds):
        train = [i for i in range(len(rows)) if fold[i] != k]
        model = fit(
            {w: [found[i] for i in train] for w, found in features.items()},
            [rows[i] for i in train],
            c=c,
            words=words,
            thresholds={name: m.threshold for name, m in shipped.labels.items()},
        )
        for i in range(len(rows)):
            if fold[i] == k:
                report.score(rows[i], decide(analyses[i], model))
    return report


def render(fit: Report, cv: Report | None = None, folds: int = FOLDS) -> str:
    kinds = [*sorted({kind for kind, _ in fit.counts if kind != "all"}), "all"]
    head = f"{'kind':10} {'label':16} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn"
    lines = [f"{fit.items} items; fit = the shipped model on every item"]
    if cv is not None:
        lines[0] += f", CV = {folds}-fold cross-validation (folds by id)"
        head += f"   | {'CV P':>6} {'CV R':>6} {'CV F1':>6}"
    lines.append(head)
    for kind in kinds:
        for label in LABELS:
            c = fit.counts.get((kind, label))
            if c is None:
                continue
            line = (
                f"{kind:10} {label:16} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}  "
                f"{c.tp}/{c.fp}/{c.fn}"
            )
            if cv is not None:
                v = cv.counts.get((kind, label), Counts())
                line = f"{line:<62} | {v.precision:6.3f} {v.recall:6.3f} {v.f1:6.3f}"
            lines.append(line)
    lines.append("")
    lines.append("roles named right (a shared word), of every item whose label names that party:")
    parsed = fit.parsed_roles is not None
    if parsed:
        lines.append(
            "  (the parser has no training: its fit and CV differ only by which items the"
            " labels flag)"
        )
    for role in ROLES:
        agreed, judged = fit.roles.get(role, [0, 0])
        line = f"  {role:8} rules fit {agreed}/{judged} = {fit.role_share(role):.2f}"
        if cv is not None:
            line += f"  CV {cv.role_share(role):.2f}"
        if parsed:
            agreed, judged = (fit.parsed_roles or {}).get(role, [0, 0])
            line += f"   | parser fit {agreed}/{judged} = {fit.role_share(role, True):.2f}"
            if cv is not None and cv.parsed_roles is not None:
                line += f"  CV {cv.role_share(role, True):.2f}"
        lines.append(line)
    if not parsed:
        lines.append("  (no parser roles: spaCy or its model cannot be loaded)")
    lines.append("")
    lines.append(f"misclassified by the fit ({len(fit.errors)}):")
    for item_id, label, gold, _predicted, reasons in fit.errors:
        kind = "missed" if gold else "false"
        lines.append(f"  {item_id} {label} {kind}: {', '.join(reasons) or 'no cue'}")
    return "\n".join(lines)
