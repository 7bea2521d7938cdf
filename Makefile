# One command installs, one runs the tests (the README's test command is `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SOURCES := planflow flows tasks notifications tests bench scripts
# pytest-xdist workers. Most of the slow tests wait on servers and subprocesses (Prefect,
# SMTP, LibreOffice, Chromium), so twice the cores keeps a 2-core machine busy. Measured on
# it, .ci/run on a fresh clone: 4 workers 627 s, 3 workers 673 s (runs differ by about 8 %);
# with a warm mypy cache, 3 workers 548 s and 2 workers 675 s. `make test TEST_WORKERS=0`
# runs in one process.
TEST_WORKERS ?= 4
# loadgroup: the tests sharing a module-scoped fixture stay on one worker; no reorder: the
# slow tests go out first, in the order tests/conftest.py gives them.
# Coverage of planflow (flows, tasks, notifications included) and the 15 slowest tests close the output.
PYTEST_ARGS ?= -n $(TEST_WORKERS) --dist loadgroup --no-loadscope-reorder --cov --cov-report=term --durations=15

.PHONY: install test lint typecheck pytest generated docs

# uv (from PyPI, into the venv) resolves and installs the same pinned set as pip, in about half
# of pip's CPU time on this 2-core machine (21 CPU-s against 37, caches warm). It compiles the
# bytecode at install as pip does (--compile-bytecode: otherwise the test workers, starting
# together, would each compile the same modules on first import). The venv keeps pip.
# The project's own modules (an editable install, which uv does not compile) are compiled
# here too: where PYTHONDONTWRITEBYTECODE is set (CI's machine sets it), Python never caches
# them, and each of the hundred-odd processes a test run starts (commands, flow runs, bench
# workers) compiled them again, about 0.25 CPU-s each (measured); compileall writes the cache
# whatever that variable says, and every process reads it.
install:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -e '.[dev]'
	$(BIN)/python -m compileall -q -j 0 $(SOURCES) >/dev/null

# `make -j2 test` (CI) runs mypy beside pytest; plain `make test` runs them one after the other.
test: lint typecheck docs pytest

lint:
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

typecheck:
	$(BIN)/mypy

pytest:
	$(BIN)/pytest $(PYTEST_ARGS)

# The documentation site (mkdocs.yml, docs/) into build/site; --strict: a broken link or anchor,
# or any other warning, fails the build. NO_MKDOCS_2_WARNING silences the theme's notice about
# its own end of life (Material 9.x, May 2027), printed on every build; it is no warning of ours.
docs:
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The files generated from the code and kept in the repository (tests fail when they are
# out of date): the definitions' JSON Schema, its reference page, the units template, the
# command-line reference page.
generated:
	$(BIN)/planflow schema -o planflow.schema.json
	$(BIN)/planflow schema --markdown -o docs/reference/definitions.md
	$(BIN)/planflow units template -o docs/onboarding/mau-don-vi.xlsx
	$(BIN)/python -m scripts.cli_reference -o docs/reference/cli.md

# The quick subset (CONTRIBUTING.md): the modules marked `quick`, which cover every package,
# on SQLite only and with no coverage. Only those modules are collected (collecting the
# whole suite imports every test module: half a minute on a loaded 2-core machine).
# 323 tests: on this 2-core machine 45 s at load 9, 75 s at 13.5, 113 s at 16.5 (25-34 s of CPU).
QUICK_ARGS ?= -n 2 -m "quick and not postgres" --durations=5
QUICK_MODULES = $(shell grep -rlE --include='test_*.py' '^pytestmark = .*pytest\.mark\.quick' tests)

.PHONY: quick
quick:
	$(BIN)/pytest $(QUICK_ARGS) $(QUICK_MODULES)
