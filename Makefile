# lakip: reproducible LAKIP pipeline.  `make help` lists the targets in pipeline order.
# The Makefile is a thin face over one entry point: `python -m lakip_calc`.

YEAR ?= 2023
# Passed to recipes through the environment, never pasted into shell text.
export YEAR
# `make verify HTML=path/lakip-2023.html` checks a published HTML instead of build/$(YEAR).
HTML ?=
export HTML
# `make report DRAFT=1` renders a year whose inputs are still blank ("belum diisi", DRAFT mark).
DRAFT ?=
export DRAFT
# `make import XLSX=path` reads a filled-in workbook (default data/$(YEAR)/isian-$(YEAR).xlsx).
XLSX ?=
export XLSX
# `make bench BENCH_ULANG=1` measures each figure once (the CI smoke run).
BENCH_ULANG ?=
export BENCH_ULANG
# `make bench BENCH_SKALA=1,10,100` chooses the scale series (default 1,10,100; 1,10 with
# BENCH_ULANG=1; 0 for none).
BENCH_SKALA ?=
export BENCH_SKALA
# `RENDERER=quarto|builtin` forces a renderer (default: Quarto when `quarto` 1.7+ is on PATH).
RENDERER ?=
export RENDERER
# `DATA=dir` works on another data folder (a copy, in tests) instead of data/. A data folder
# holds one office (DATA/<YEAR>/) or every office of a regency or city (DATA/<office>/<YEAR>/).
DATA ?=
export DATA
# `OPD=dinas-sosial` picks one office of a regency folder; without it, validate, report, verify
# and new-year run for every office (several at once) and publish lists them all.
OPD ?=
export OPD

# The interpreter .venv is made from; Python 3.11 to 3.13 are supported
# (`make PYTHON_SYS=python3.12 setup` chooses one). By default the system's own
# /usr/bin/python3 when it is one of those and can make a venv (Debian: python3-venv),
# else python3.11 from PATH. Distributions build their Python with profile-guided
# optimisation; one built without it (pyenv's default) spends about a fifth more CPU
# on the same report and test suite (measured on Debian 12: its 3.11.2 against a
# pyenv 3.11.7).
PYTHON_DISTRO := /usr/bin/python3
ifeq ($(origin PYTHON_SYS),undefined)
PYTHON_SYS := $(shell $(PYTHON_DISTRO) -c 'import sys, ensurepip; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1 && echo $(PYTHON_DISTRO) || echo python3.11)
endif
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LAKIP := $(PY) -m lakip_calc
# --data and --opd, from DATA and OPD when set (expanded by the shell of each recipe).
ARAH := $${DATA:+--data "$$DATA"} $${OPD:+--opd "$$OPD"}

.DEFAULT_GOAL := help
.PHONY: help setup new-year workbook import validate report verify publish bench deps-apt quarto-kit test lint clean

help: ## List the targets in pipeline order
	@echo "lakip: make <target> [YEAR=2023] [DATA=dir] [OPD=office]"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 14

# Two make commands started together (a report and the tests) set up .venv once: the
# second waits on the lock (flock, where util-linux has it), then finds it current.
VENV_TERKUNCI := $$(command -v flock >/dev/null && echo flock $(VENV).lock)
$(STAMP): requirements.lock pyproject.toml
	@command -v $(PYTHON_SYS) >/dev/null || { echo "Python $(PYTHON_SYS) tidak ditemukan (3.11 sampai 3.13 didukung: make PYTHON_SYS=python3.12 ...)"; exit 1; }
	@$(VENV_TERKUNCI) sh -c 'set -e; \
	  if [ $(STAMP) -nt requirements.lock ] && [ $(STAMP) -nt pyproject.toml ]; then exit 0; fi; \
	  test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV); \
	  echo "Memasang paket tersemat ke $(VENV) ..."; \
	  $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .; \
	  touch $(STAMP)'

setup: $(STAMP) ## Create .venv and install the pinned packages (automatic on first use)

new-year: $(STAMP) ## Create data/$(YEAR) from the latest earlier year (structure kept, facts blank)
	@$(LAKIP) tahun-baru --tahun "$$YEAR" $(ARAH)

workbook: $(STAMP) ## Write the Excel workbook data/$(YEAR)/isian-$(YEAR).xlsx for the analyst
	@$(LAKIP) buku-kerja --tahun "$$YEAR" $(ARAH)

import: $(STAMP) ## Check a filled-in workbook (XLSX=path) and write its CSV files (all or nothing)
	@$(LAKIP) impor --tahun "$$YEAR" $${XLSX:+--xlsx "$$XLSX"} $(ARAH)

validate: $(STAMP) ## Load and validate data/$(YEAR) and print a summary
	@$(LAKIP) validasi --tahun "$$YEAR" $(ARAH)

report: $(STAMP) ## Build the report for YEAR (validates first; DRAFT=1 allows blanks; every OPD of a regency)
	@set --; case "$$DRAFT" in ""|0) ;; *) set -- --draft ;; esac; \
	$(LAKIP) laporan --tahun "$$YEAR" $(ARAH) "$$@"

verify: $(STAMP) ## Re-run every notebook from data/ and compare with build/$(YEAR) (or HTML=file)
	@$(LAKIP) verifikasi --tahun "$$YEAR" $(ARAH) $${HTML:+--html "$$HTML"}

publish: $(STAMP) ## Fill _site/ (reports, notebooks as HTML, open data, SHA256SUMS)
	@$(LAKIP) publikasi --tahun "$$YEAR" $(ARAH)

bench: $(STAMP) ## Benchmark: cold, no-op, one-file and verify builds against the floor (BENCH_ULANG=3)
	@$(PY) -m lakip_calc.bench --tahun "$$YEAR" --ulang "$${BENCH_ULANG:-3}" $(ARAH)

deps-apt: ## Install chromium and poppler-utils (apt-get, as root) when missing
	@if command -v chromium >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Memasang chromium dan poppler-utils dengan apt-get ..."; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium poppler-utils >/dev/null; \
	else \
		echo "Catatan: chromium atau poppler-utils belum terpasang. Pasang sebagai root:"; \
		echo "  sudo apt-get install --no-install-recommends chromium poppler-utils"; \
		echo "Uji yang memerlukannya akan dilewati."; \
	fi

quarto-kit: ## Install the offline Quarto kit when ../shared/quarto exists (the Quarto tests use it)
	@if [ -x ../shared/quarto/install ]; then \
		echo "Memasang kit Quarto dari ../shared/quarto ..."; ../shared/quarto/install >/dev/null; \
	fi

# One pytest worker more than CPUs: builds wait on kernels, pandoc and Chromium, and the
# extra worker keeps every core busy meanwhile.
TEST_WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

test: $(STAMP) deps-apt quarto-kit ## Run the whole test suite (installs what it needs)
	$(PY) -m pytest -q -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: $(STAMP) ## Lint and check formatting with ruff
	$(PY) -m ruff check lakip_calc tests
	$(PY) -m ruff format --check lakip_calc tests

clean: ## Remove build outputs (never data/)
	rm -rf build _site .quarto _variables.yml report/_hasil report/lakip.html report/lakip.pdf \
		report/lakip.docx report/lakip_files
