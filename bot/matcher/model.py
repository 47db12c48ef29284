"""What goes into the matcher and what comes out (frozen values, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class MatchInput:
    """An item to judge: its title and its text (summary or full article body)."""

    title: str
    text: str = ""
    id: str = ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """A sentence (or quote) that shows a label, with its place in the input.

    `field` is "title" or "text"; `start`/`end` are character offsets into that field.
    """

    label: str  # "allegation" | "denial"
    field: str
    start: int
    end: int
    text: str
    reason: str  # which cue and rule fired, e.g. "deny:verb", "reject+claim-noun"


@dataclass(frozen=True, slots=True)
class MatchResult:
    allegation: bool = False
    denial: bool = False
    official_denial: bool = False
    scores: dict[str, float] = field(default_factory=dict)
    accuser: str = ""
    accused: str = ""
    denier: str = ""
    claim: str = ""
    language: str = "en"
    evidence: tuple[Evidence, ...] = ()
    reasons: tuple[str, ...] = ()  # every cue and rule that fired (or was vetoed, "-"-prefixed)

    def as_json(self, item_id: str = "") -> dict[str, object]:
        """The stable `claimwatch match` output format (documented in the README)."""
        return {
            "id": item_id,
            "allegation": int(self.allegation),
            "denial": int(self.denial),
            "official_denial": int(self.official_denial),
            "scores": {k: round(v, 3) for k, v in self.scores.items()},
            "accuser": self.accuser,
            "accused": self.accused,
            "denier": self.denier,
            "claim": self.claim,
            "language": self.language,
            "evidence": [
                {
                    "label": e.label,
                    "field": e.field,
                    "start": e.start,
                    "end": e.end,
                    "text": e.text,
                    "reason": e.reason,
                }
                for e in self.evidence
            ],
            "reasons": list(self.reasons),
        }
