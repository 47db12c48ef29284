"""Scoring the matcher against labelled items (pure): per-label precision, recall and F1,
overall and per kind (feed items, articles), and the misclassified items with their reasons."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.matcher import MatchInput, MatchResult, match

LABELS = ("allegation", "denial", "official_denial")


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


ROLES = ("accuser", "accused", "denier")


def role_agrees(gold: str, predicted: str) -> bool:
    """Partial match: the two share a content word ("Russian embassy" ~ "the embassy")."""
    words = {w for w in gold.lower().replace("/", " ").split() if len(w) > 2}
    return bool(words & {w for w in predicted.lower().split() if len(w) > 2})


@dataclass
class Report:
    counts: dict[tuple[str, str], Counts] = field(default_factory=dict)  # (kind, label)
    errors: list[tuple[str, str, int, int, tuple[str, ...]]] = field(default_factory=list)
    items: int = 0
    roles: dict[str, list[int]] = field(default_factory=dict)  # role -> [agreed, judged]

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


def predict(row: Mapping[str, Any]) -> MatchResult:
    return match(
        MatchInput(
            title=str(row.get("title") or ""), text=str(row.get("text") or ""), id=str(row["id"])
        )
    )


def evaluate(rows: Iterable[Mapping[str, Any]]) -> Report:
    report = Report()
    for row in rows:
        result = predict(row)
        report.items += 1
        kind = str(row.get("kind") or "item")
        predicted = {
            "allegation": int(result.allegation),
            "denial": int(result.denial),
            "official_denial": int(result.official_denial),
        }
        found = {"accuser": result.accuser, "accused": result.accused, "denier": result.denier}
        for role in ROLES:
            gold_role = str(row.get(role) or "")
            if gold_role and found[role]:  # judged where both name someone
                tally = report.roles.setdefault(role, [0, 0])
                tally[0] += role_agrees(gold_role, found[role])
                tally[1] += 1
        for label in LABELS:
            gold = int(row.get(label) or 0)
            report.add(kind, label, gold, predicted[label])
            if gold != predicted[label]:
                report.errors.append(
                    (str(row["id"]), label, gold, predicted[label], result.reasons)
                )
    return report


def render(report: Report) -> str:
    kinds = [*sorted({kind for kind, _ in report.counts if kind != "all"}), "all"]
    lines = [
        f"{report.items} items",
        f"{'kind':10} {'label':16} {'P':>6} {'R':>6} {'F1':>6}  tp/fp/fn",
    ]
    for kind in kinds:
        for label in LABELS:
            c = report.counts.get((kind, label))
            if c is None:
                continue
            lines.append(
                f"{kind:10} {label:16} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f}  "
                f"{c.tp}/{c.fp}/{c.fn}"
            )
    lines.append("")
    for role, (agreed, judged) in sorted(report.roles.items()):
        share = agreed / judged if judged else 0.0
        lines.append(
            f"{role:10} agrees with the label (a shared word) in {agreed}/{judged} = {share:.2f}"
        )
    lines.append("")
    lines.append(f"misclassified ({len(report.errors)}):")
    for item_id, label, gold, _predicted, reasons in report.errors:
        kind = "missed" if gold else "false"
        lines.append(f"  {item_id} {label} {kind}: {', '.join(reasons) or 'no cue'}")
    return "\n".join(lines)
