# lakip: reproducible LAKIP pipeline.  `make help` lists the targets in pipeline order.
# The Makefile is a thin face over one entry point: `python -m lakip_calc`.

YEAR ?= 2023
# Passed to recipes through the environment, never pasted into shell text.
export YEAR
PYTHON_SYS ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LAKIP := $(PY) -m lakip_calc

.DEFAULT_GOAL := help
.PHONY: help setup validate report test lint clean

help: ## List the targets in pipeline order
	@echo "lakip: make <target> [YEAR=2023]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 14

$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON_SYS) >/dev/null || { echo "Python 3.11 ($(PYTHON_SYS)) tidak ditemukan"; exit 1; }
	@test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

setup: $(STAMP) ## Create .venv and install the pinned packages (automatic on first use)

validate: $(STAMP) ## Load and validate data/$(YEAR) and print a summary
	@$(LAKIP) validasi --tahun "$$YEAR"

report: $(STAMP) ## Build the report for YEAR (validates data/$(YEAR) first)
	@$(LAKIP) laporan --tahun "$$YEAR"

test: $(STAMP) ## Run the whole test suite (installs what it needs)
	$(PY) -m pytest -q

lint: $(STAMP) ## Lint and check formatting with ruff
	$(PY) -m ruff check lakip_calc tests
	$(PY) -m ruff format --check lakip_calc tests

clean: ## Remove build outputs (never data/)
	rm -rf build _site
