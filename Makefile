# Two commands matter: `make run` (the main job) and `make test` (what CI runs).
# Installs come from the lock files (every package pinned), so a new upstream release
# cannot change what is tested; `make lock` re-resolves them after pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PIP_VERSION := 26.3
UV_VERSION := 0.13.9

.PHONY: run test lint bench lock clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'pip==$(PIP_VERSION)'
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/claimwatch run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -r requirements-bench.lock
	$(BIN)/python bench/poll.py

# Re-resolve the pins (needs the package index): the app with its dev tools, and with the
# benchmark's peers.
lock:
	$(PYTHON) -m venv .lockenv
	.lockenv/bin/python -m pip install --quiet 'uv==$(UV_VERSION)'
	.lockenv/bin/uv pip compile --quiet --python-version 3.11 --extra dev \
		-o requirements.lock pyproject.toml
	.lockenv/bin/uv pip compile --quiet --python-version 3.11 --extra dev --extra bench \
		-o requirements-bench.lock pyproject.toml
	rm -rf .lockenv

clean:
	rm -rf $(VENV) .lockenv .pytest_cache .mypy_cache .ruff_cache
