"""The articles the end-to-end tests send through the whole product.

`OWN` is written for this project (tests/fixtures/articles/), so the main path is proven on
any clone; `seed()` is the product's canonical article from ../shared, the extra check that
runs where the shared material is (always in CI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass(frozen=True, slots=True)
class Story:
    headline: str
    paragraphs: tuple[str, ...]
    query: str  # a subscription query it matches
    must_say: tuple[str, ...]  # what an alert about it must contain: accuser, denier, quote

    @property
    def html(self) -> str:
        import html

        return "".join(f"<p>{html.escape(p)}</p>" for p in self.paragraphs)


def own_article(name: str) -> tuple[str, tuple[str, ...]]:
    """(headline, paragraphs) of one of the project's own fixture articles."""
    headline, *paragraphs = (FIXTURES / "articles" / name).read_text().splitlines()
    return headline, tuple(p for p in paragraphs if p.strip())


def own() -> Story:
    headline, paragraphs = own_article("embassy-denial.txt")
    return Story(
        headline,
        paragraphs,
        query="russia",
        must_say=("German government", "Russian embassy in Berlin", "absurd lies"),
    )


def seed() -> Story:
    from tests.conftest import shared_path

    lines = shared_path("corpus", "seed-article.txt").read_text().splitlines()
    return Story(
        "Russian embassy calls White House execution claims 'other-worldly lies'",
        tuple(lines),
        query="russia",
        must_say=("White House", "Russian embassy", "other-worldly lies"),
    )
