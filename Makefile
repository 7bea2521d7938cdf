# One command installs, one runs the tests (the README's test command is `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: install test lint

install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'

test:
	$(BIN)/ruff check planflow flows tasks notifications tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest

lint:
	$(BIN)/ruff check planflow flows tasks notifications tests bench scripts
	$(BIN)/ruff format --check planflow flows tasks notifications tests bench scripts
