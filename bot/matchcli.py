"""`claimwatch match` and `claimwatch eval`: the matcher from outside, over JSON lines.

`eval` prints the shipped model's fit beside 5-fold cross-validation (needs scikit-learn);
several files are read as one with `cat dev.jsonl train.jsonl | claimwatch eval -`.

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
from bot.evaluate import cross_validate, evaluate, render
from bot.matcher import MatchInput, match


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


def run_match(source: str, target: str | None) -> int:
    with _open(source, "r") as reader, _open(target or "-", "w") as writer:
        for number, row in _rows(reader):
            if isinstance(row, str):
                out: dict[str, Any] = {"id": None, "error": row}
            else:
                item_id = str(row.get("id", number))
                result = match(
                    MatchInput(
                        title=str(row.get("title") or ""),
                        text=str(row.get("text") or ""),
                        id=item_id,
                    )
                )
                out = result.as_json(item_id)
            writer.write(json.dumps(out, ensure_ascii=False) + "\n")
    return 0


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
        cv.score_parsed_roles(parses)
    print(render(fit, cv))
    return 0
