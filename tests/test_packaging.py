"""Installs are reproducible: every dependency pyproject.toml names is pinned in the lock
files `make` installs from (run `make lock` after changing pyproject.toml)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _name(requirement: str) -> str:
    name = re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: Path) -> dict[str, str]:
    pins = {}
    for line in lock.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==(\S+)", line)
        if match:
            pins[_name(match.group(1))] = match.group(2)
    return pins


@pytest.mark.parametrize(
    ("lock", "extras"),
    [("requirements.lock", ("dev",)), ("requirements-bench.lock", ("dev", "bench"))],
)
def test_every_declared_dependency_is_pinned(lock: str, extras: tuple[str, ...]) -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in extras:
        declared += project["optional-dependencies"][extra]
    pins = _pins(ROOT / lock)
    missing = sorted({_name(r) for r in declared} - set(pins))
    assert missing == [], f"not pinned in {lock} (run `make lock`): {missing}"


def test_zero_major_dependencies_are_capped() -> None:
    """A 0.x package may break its API in any minor release: each has an upper bound."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    everything = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        everything += extra
    uncapped = [r for r in everything if re.search(r">=\s*0\.", r) and "<" not in r]
    assert uncapped == []
