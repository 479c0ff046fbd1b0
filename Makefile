# Every target sets itself up: a fresh machine needs only Python 3.10+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LINTED := optlib tests chapters benchmarks _ext
# The browser checks of the built book; every other file under tests/ is a unit test.
BROWSER := tests/test_html_book.py
# Two pytest workers (this is a 2-core machine); --dist loadfile keeps each file, and so each
# notebook's cells under nbval, on one worker in order. Override with `make unit XDIST=`.
XDIST  ?= -n 2 --dist loadfile
# Extra flags for JupyterLab, e.g. `make lab LAB_FLAGS="--no-browser --port 8890"`.
LAB_FLAGS ?=
# The oldest versions pyproject.toml allows, tested by `make test-min` in a venv of their own.
MIN_VENV := .venv-min
MIN_PINS := "numpy==1.24.*" "matplotlib==3.7.*" "scikit-learn==1.3.*" "scipy==1.10.*"

# pytest exits 5 when it collects nothing: that is a failure here, not a pass.
define pytest
	@$(1) -m pytest $(2); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make $@: pytest collected no tests" >&2; exit 1; fi; exit $$rc
endef

.PHONY: help install book test unit notebooks browser test-min lab lint bench clean

help:
	@echo "make book      build the HTML book into _build/html (executes every notebook)"
	@echo "make test      everything: unit tests, doctests, every notebook (nbval), browser checks"
	@echo "make unit      unit tests and doctests only (no notebooks, no browser): the edit loop"
	@echo "make notebooks every notebook under nbval"
	@echo "make browser   the browser checks of the built book (builds it when missing)"
	@echo "make test-min  the unit tests against the oldest declared dependencies (.venv-min)"
	@echo "make lab       open the chapters in JupyterLab (LAB_FLAGS=... passes flags on)"
	@echo "make lint      ruff lint and format check, notebooks stored without outputs"
	@echo "make bench     run the benchmarks and write benchmarks/results/"

install: $(STAMP)

# Re-install whenever the dependency list changes; optlib itself is editable.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[book,test,dev]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "The book's front page: $(CURDIR)/_build/html/index.html"

test: $(STAMP)
	$(call pytest,$(BIN)/python,$(XDIST) --nbval-lax optlib tests chapters)

unit: $(STAMP)
	$(call pytest,$(BIN)/python,$(XDIST) optlib tests --ignore=$(BROWSER))

notebooks: $(STAMP)
	$(call pytest,$(BIN)/python,$(XDIST) --nbval-lax chapters)

browser: $(STAMP)
	$(call pytest,$(BIN)/python,$(BROWSER))

# The floors of pyproject's ranges, installed exactly; optlib itself with --no-deps so that
# pip cannot move them. The unit tests only: the book's own tool chain is not pinned down.
test-min: $(MIN_VENV)/.installed-stamp
	$(call pytest,$(MIN_VENV)/bin/python,$(XDIST) optlib tests --ignore=$(BROWSER))

$(MIN_VENV)/.installed-stamp: pyproject.toml
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check $(MIN_PINS) \
		"ipywidgets>=8.0,<9" "tqdm>=4.60,<5" \
		"pytest>=8,<10" "pytest-xdist>=3.5,<4" "hypothesis>=6.0" "pyyaml>=6"
	$(MIN_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	$(MIN_VENV)/bin/python -m pip check
	touch $@

# Jupyter refuses to run as root without --allow-root (CI machines and containers are root).
lab: $(STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_FLAGS) chapters/

# The checks of .pre-commit-config.yaml, run from .venv: no pre-commit, no network. nbstripout
# --verify fails on a notebook with outputs or execution counts (--keep-id: cell ids are stable).
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/nbstripout --verify --keep-id chapters/*.ipynb

# torch is a benchmark dependency only (the reference for the update rules); 2.13.0 is the CPU
# build this machine has on disk, where a version range would pull a CUDA build of several GB.
bench: $(STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0
	@for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf _build .pytest_cache .ruff_cache
