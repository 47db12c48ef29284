"""Matcher throughput on one core: feed items (title + summary), dev's own articles and
~800-word articles — labels (cue rules + the shipped classifier) and the rule-based roles, which
`match` computes for flagged items only — and, separately, the parser roles (spaCy over the
evidence sentences of flagged items, as the pipeline's roles stage runs them).

    python bench/match.py [--items 5000] [--articles 200]

Inputs come from ../shared/corpus/dev.jsonl when present (real news), else generated text.
Prints items/s; timing is reported, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from pathlib import Path

from bot.matcher import MatchInput, match, parser
from bot.matcher.english import could_match

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dev.jsonl"
FALLBACK = (
    "The ministry denied reports that its troops shelled the village, calling them lies. "
    "Officials in Kyiv accused Moscow of war crimes, while the embassy declined to comment. "
)


def load() -> tuple[list[MatchInput], list[MatchInput], list[MatchInput]]:
    if CORPUS.exists():
        with CORPUS.open() as lines:
            rows = [json.loads(line) for line in lines]
        feed = [MatchInput(r["title"] or "", r["text"]) for r in rows if r["kind"] == "feed_item"]
        bodies = [r["text"] for r in rows if r["kind"] == "article"]
    else:
        feed = [MatchInput("Embassy denies report", FALLBACK[:200])]
        bodies = [FALLBACK * 20]
    real = [MatchInput("", body) for body in bodies]
    articles = []
    cycle = itertools.cycle(bodies)
    for _ in range(50):
        words: list[str] = []
        while len(words) < 800:
            words += next(cycle).split()
        articles.append(MatchInput("", " ".join(words[:800])))
    return feed, real, articles


def rate(inputs: list[MatchInput], count: int) -> float:
    batch = list(itertools.islice(itertools.cycle(inputs), count))
    started = time.perf_counter()
    for item in batch:
        match(item)
    return count / (time.perf_counter() - started)


def parser_rate(inputs: list[MatchInput]) -> tuple[float, int, float]:
    """(flagged items/s through the parser, how many were flagged, seconds to load it)."""
    started = time.perf_counter()
    nlp = parser.load()
    loaded = time.perf_counter() - started
    if nlp is None:
        return 0.0, 0, loaded
    flagged = [
        (f"{i.title}\n{i.text}", r) for i in inputs if (r := match(i)).allegation or r.denial
    ]
    parser.parse_roles(flagged[:20])  # warm up
    started = time.perf_counter()
    for start in range(0, len(flagged), 200):  # the roles stage's batches
        parser.parse_roles(flagged[start : start + 200])
    return len(flagged) / (time.perf_counter() - started), len(flagged), loaded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=5000)
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    feed, real, articles = load()
    source = "dev.jsonl" if CORPUS.exists() else "generated text"
    rate(feed, 200)  # warm up
    print(f"inputs from {source}; one process, one core")
    items, bodies = rate(feed, args.items), rate(articles, args.articles)
    dev_articles = rate(real, args.articles)
    gated = [i for i in feed if could_match(f"{i.title}\n{i.text}".lower())]
    quiet = [i for i in feed if i not in gated]
    print(f"feed items (title + summary): {items:8,.0f} items/s (target 5,000)")
    print(f"articles of 800 words:        {bodies:8,.0f} articles/s (target 200)")
    print(f"dev's articles as they are:   {dev_articles:8,.0f} articles/s")
    print(
        f"  of the feed items, {len(gated) / len(feed):.0%} hold a cue word: "
        f"{rate(gated, args.items):,.0f} items/s for those, "
        f"{rate(quiet, args.items):,.0f} items/s for the rest"
    )
    for name, inputs, label_rate in (("feed items", feed, items), ("articles", real, dev_articles)):
        roles_rate, flagged, loaded = parser_rate(inputs)
        if not flagged:
            print("parser roles: spaCy or its model cannot be loaded")
            break
        share = flagged / len(inputs)
        # per item of an ingest: labels for every item, the parser for the flagged ones
        cost = share / roles_rate / (1 / label_rate + share / roles_rate)
        print(
            f"parser roles, flagged {name}: {roles_rate:8,.0f} items/s ({flagged} of "
            f"{len(inputs)} flagged; model loaded once in {loaded:.1f} s); "
            f"{cost:.0%} of judging a first ingest of these"
        )


if __name__ == "__main__":
    main()
