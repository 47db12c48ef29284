"""`claimwatch match` and `claimwatch eval`: the matcher from outside, over JSON lines.

`eval` prints the shipped model's fit beside 5-fold cross-validation (needs scikit-learn);
several files are read as one with `cat dev.jsonl train.jsonl | claimwatch eval -`.

`match` gives flagged items the parser's parties (spaCy over their evidence sentences, 200
lines at a time), as the pipeline stores them; the rules' where the parser cannot be loaded.
Output of `match`, one object per input line (stable; documented in the README):
{"id", "allegation", "denial", "official_denial" (0/1), "scores", "accuser", "accused",
 "denier", "claim", "language", "evidence": [{"label", "field", "start", "end", "text",
 "reason"}], "reasons"}. A line that is not a JSON object with a string `id` gets
{"id": ..., "error": "..."} and the run goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from bot.errors import ClaimwatchError
from bot.evaluate import FOLDS, cross_validate, evaluate, render
from bot.matcher import MatchInput, match, parser


@contextmanager
def _open(path: str, mode: str) -> Iterator[IO[str]]:
    if path == "-":
        yield sys.stdin if "r" in mode else sys.stdout
        return
    try:
        handle = open(path, mode, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        raise ClaimwatchError(f"cannot open {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def _rows(handle: IO[str]) -> Iterator[tuple[int, dict[str, Any] | str]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, f"line {number} is not JSON: {exc.msg}"
            continue
        if not isinstance(row, dict):
            yield number, f"line {number} is not a JSON object"
            continue
        yield number, row


BATCH = 200  # lines judged, then their flagged items' parties parsed together


def run_match(source: str, target: str | None) -> int:
    with _open(source, "r") as reader, _open(target or "-", "w") as writer:
        batch: list[tuple[str | None, MatchInput | str]] = []
        for number, row in _rows(reader):
            if isinstance(row, str):
                batch.append((None, row))
            else:
                item = MatchInput(
                    title=str(row.get("title") or ""),
                    text=str(row.get("text") or ""),
                    id=str(row.get("id", number)),
                )
                batch.append((item.id, item))
            if len(batch) >= BATCH:
                _write(writer, batch)
                batch = []
        _write(writer, batch)
    return 0


def _write(writer: IO[str], batch: list[tuple[str | None, MatchInput | str]]) -> None:
    """Judge a batch, give its flagged items the parser's parties (the rules' where the
    parser cannot be loaded), and write one line per input line, in order."""
    judged = [(i, match(i)) for _, i in batch if isinstance(i, MatchInput)]
    roles = parser.parse_roles([(f"{i.title}\n{i.text}", r) for i, r in judged])
    results = iter(
        [parser.apply(r, found) for (_, r), found in zip(judged, roles, strict=True)]
        if roles is not None
        else [r for _, r in judged]
    )
    for item_id, entry in batch:
        if isinstance(entry, str):
            out: dict[str, Any] = {"id": None, "error": entry}
        else:
            out = next(results).as_json(item_id or "")
        writer.write(json.dumps(out, ensure_ascii=False) + "\n")


def run_eval(path: str) -> int:
    with _open(path, "r") as reader:
        rows = [row for _n, row in _rows(reader) if isinstance(row, dict) and "id" in row]
    if not rows:
        raise ClaimwatchError(f"{path} has no labelled items (JSON lines with an id)")
    fit = evaluate(rows)
    try:
        cv = cross_validate(rows)
    except ClaimwatchError as exc:  # no scikit-learn: the fit alone, and why
        print(f"(no cross-validation: {exc})")
        cv = None
    parses: dict[str, Any] = {}  # each sentence parsed once for the fit and the CV
    if fit.score_parsed_roles(parses) and cv is not None:
        cv.score_parsed_roles(parses, folds=FOLDS)
    print(render(fit, cv))
    return 0
