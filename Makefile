# seat-auditor: `make demo` and `make test` are all a newcomer needs (see README.md).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP  := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

# Debian packages the tests and `make docs` drive, as command:package: a headless browser,
# LibreOffice Calc (to prove the workbook opens outside Excel) and poppler's PDF-to-PNG.
SYSTEM_DEPS := chromium:chromium soffice:libreoffice-calc pdftoppm:poppler-utils

.PHONY: demo test lint typecheck unit unit-fast system-deps docs clean bench bench-collect

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "seat-auditor needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The project installs in editable mode so `auditor demo` finds fixtures/ in this checkout.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(RUN_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/auditor demo --out reports/demo

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(TEST_STAMP)
	$(BIN)/mypy

unit: $(TEST_STAMP) system-deps
	$(BIN)/pytest --cov

# Everyday work: every test but the browser, LibreOffice and slow ones (pyproject.toml's
# markers), in under a minute. `make test` still runs them all.
unit-fast: $(TEST_STAMP)
	$(BIN)/pytest -q -m "not browser and not office and not slow"

# Installs with apt-get only what is missing, so a second `make test` costs nothing here.
system-deps:
	@missing=""; \
	for pair in $(SYSTEM_DEPS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" != 0 ]; then \
	    echo "make: the tests need these Debian packages:$$missing; run make as root, or install them with apt-get" >&2; \
	    exit 1; \
	  fi; \
	  echo "Installing$$missing with apt-get (once)"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi

# The README's pictures, from the demo tenant: docs/report-html.png, report-html-phone.png,
# report-xlsx-summary.png.
docs: $(TEST_STAMP) system-deps
	$(BIN)/python docs/screenshots.py

test: lint typecheck unit

# Requests and wall time of a collection against the fake 8x8, limits scaled down in time.
# Timings live here, never in the tests: 10k, 100k and 1M-user tenants, then the budgets.
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/collect.py

bench-collect: $(TEST_STAMP)
	$(BIN)/python benchmarks/collect.py

clean:
	rm -rf $(VENV) reports/demo .pytest_cache .mypy_cache .ruff_cache .hypothesis
