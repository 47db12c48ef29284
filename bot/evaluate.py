"""Scoring the matcher against labelled items (pure but for the optional training): per-label
precision, recall and F1, overall and per kind (feed items, articles); role agreement; the
misclassified items with their reasons — for the shipped model (the fit) and by k-fold
cross-validation (folds fixed by a hash of the id), which is the honest estimate on unseen news.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.matcher import Analysis, MatchInput, MatchResult, analyse, decide, learned, parser
from bot.matcher.ranker import same_party

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
    """Partial match: the two share a content word (`ranker.same_party`)."""
    return same_party(gold, predicted)


@dataclass
class Report:
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)  # (kind, label)
    errors: list[tuple[str, str, int, int, tuple[str, ...]]] = field(default_factory=list)
    items: int = 0
    # role -> [agreed, items whose label names that party]; naming nobody is a miss
    roles: dict[str, list[int]] = field(default_factory=dict)
    # the same with the parser's roles (None: the parser was not run or could not load)
    parsed_roles: dict[str, list[int]] | None = None
    # the parser's syntax rules alone, without the role ranker
    syntax_roles: dict[str, list[int]] | None = None
    judged: list[tuple[Mapping[str, Any], MatchResult]] = field(default_factory=list)

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

    def role_share(self, role: str, parsed: bool = False, syntax_only: bool = False) -> float:
        """The share named right: by the rules, or with `parsed` by the parser (the ranked
        roles; with `syntax_only`, the parser's syntax rules alone)."""
        if parsed:
            tallies = (self.syntax_roles if syntax_only else self.parsed_roles) or {}
        else:
            tallies = self.roles
        agreed, judged = tallies.get(role, [0, 0])
        return agreed / judged if judged else 0.0

    def score_parsed_roles(
        self, cache: dict[str, Any] | None = None, folds: int | None = None
    ) -> bool:
        """Tally the parser's roles over the items scored so far: the syntax rules alone and
        with the role ranker (the shipped one; with `folds`, one fitted on the other folds
        for each fold). False when the parser cannot be loaded (the tallies stay None)."""
        items = [
            (f"{row.get('title') or ''}\n{row.get('text') or ''}", r) for row, r in self.judged
        ]
        plain = parser.parse_roles(items, cache=cache, rank=False)
        if plain is None:
            return False
        ranked = (
            parser.parse_roles(items, cache=cache)
            if folds is None
            else self._cross_validated_roles(items, plain, cache, folds)
        )
        self.syntax_roles, self.parsed_roles = {}, {}
        for (row, _result), found, best in zip(self.judged, plain, ranked or plain, strict=True):
            _tally(self.syntax_roles, row, found.accuser, found.accused, found.denier)
            _tally(self.parsed_roles, row, best.accuser, best.accused, best.denier)
        return True

    def _cross_validated_roles(
        self,
        items: Sequence[tuple[str, MatchResult]],
        plain: Sequence[parser.Roles],
        cache: dict[str, Any] | None,
        folds: int,
    ) -> list[parser.Roles] | None:
        """The ranked roles of each item by a ranker fitted on the items of the other folds
        (their candidates come from these same judgements; no held-out label is seen)."""
        from bot.matcher.training import fit_ranker, ranker_examples

        found = parser.role_candidates(items, cache=cache)
        if found is None:
            return None
        rows = [row for row, _ in self.judged]
        fold = [fold_of(str(row["id"]), folds) for row in rows]
        roles = list(plain)
        for k in range(folds):
            train = [i for i in range(len(rows)) if fold[i] != k]
            model = fit_ranker(ranker_examples([rows[i] for i in train], [found[i] for i in train]))
            for i in range(len(rows)):
                candidates = found[i]
                if fold[i] == k and candidates is not None:
                    roles[i] = parser.ranked(model, items[i][1], candidates, items[i][0])
        return roles

    def score(self, row: Mapping[str, Any], result: MatchResult) -> None:
        self.items += 1
        kind = str(row.get("kind") or "item")
        predicted = {
            "allegation": int(result.allegation),
            "denial": int(result.denial),
            "official_denial": int(result.official_denial),
        }
        self.judged.append((row, result))
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


def _context(row: Mapping[str, Any]) -> str:
    return f"{row.get('title') or ''}\n{row.get('text') or ''}"


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
            "  (rules = the surface rules; syntax = the parser's syntax rules; ranked = the role"
            " ranker over the parser's candidates: its fit is the shipped ranker, trained on"
            " every item, its CV a ranker fitted on the other folds)"
        )
    for role in ROLES:
        judged = fit.roles.get(role, [0, 0])[1]
        line = f"  {role:8} of {judged:3}  rules {fit.role_share(role):.2f}"
        if cv is not None:
            line += f" CV {cv.role_share(role):.2f}"
        if parsed:
            line += f" | syntax {fit.role_share(role, True, True):.2f}"
            if cv is not None and cv.syntax_roles is not None:
                line += f" CV {cv.role_share(role, True, True):.2f}"
            line += f" | ranked {fit.role_share(role, True):.2f}"
            if cv is not None and cv.parsed_roles is not None:
                line += f" CV {cv.role_share(role, True):.2f}"
        lines.append(line)
    if not parsed:
        lines.append("  (no parser roles: spaCy or its model cannot be loaded)")
    lines.append("")
    lines.append(f"misclassified by the fit ({len(fit.errors)}):")
    for item_id, label, gold, _predicted, reasons in fit.errors:
        kind = "missed" if gold else "false"
        lines.append(f"  {item_id} {label} {kind}: {', '.join(reasons) or 'no cue'}")
    return "\n".join(lines)
