# Every target sets itself up: a fresh machine needs only Python 3.10+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
# JupyterLab and jupyterlab-myst on top (make lab, and the live test of make browser).
LAB_STAMP := $(VENV)/.lab-stamp
# uv installs the dependencies: it resolves and downloads in parallel, where pip took from 3 to
# 46 minutes on the same 2-core machine. constraints.txt pins every package at a set that
# passed `make test`, so a new release upstream cannot break a fresh install (`make lock`).
UV_VERSION := 0.13.9
UV     := $(BIN)/uv
UV_PIP := $(UV) pip install --quiet --python $(BIN)/python
LINTED := optlib tests chapters benchmarks _ext
# The browser checks: of the built book, and of the chapters live in JupyterLab. Every other
# file under tests/ is a unit test.
BROWSER := tests/test_html_book.py tests/test_jupyterlab.py
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

.PHONY: help install lock book downloads test unit notebooks browser test-min lab lint bench clean

help:
	@echo "make book      build the HTML book into _build/html (executes every notebook)"
	@echo "make downloads the zip a reader runs the chapters from (optlib's wheel, the notebooks, a"
	@echo "              requirements.txt), into _build/downloads; make book makes it and links it"
	@echo "make test      everything: unit tests and doctests, the book (executing and so checking every"
	@echo "              notebook: -W fails on any error), the browser checks of that build"
	@echo "make unit      unit tests and doctests only (no notebooks, no browser): the edit loop"
	@echo "make notebooks every notebook under nbval, cell by cell (make book checks them too)"
	@echo "make browser   the browser checks of the built book (builds it when missing)"
	@echo "make test-min  the unit tests against the oldest declared dependencies (.venv-min)"
	@echo "make lab       open the chapters in JupyterLab (LAB_FLAGS=... passes flags on)"
	@echo "make lint      ruff lint and format check, notebooks stored without outputs"
	@echo "make bench     run the benchmarks and write benchmarks/results/"
	@echo "make lock      re-pin constraints.txt to the newest releases pyproject.toml allows"

install: $(STAMP)

# Re-install whenever the dependency list or the pins change; optlib itself is editable.
# No --compile-bytecode: compiling all 7,933 modules of the venv was 35 s of the install's 48 s
# of CPU here (13 minutes on CI's slower machine), and a run imports a fraction of them. Python
# compiles a module at its first import and keeps the .pyc, unless PYTHONDONTWRITEBYTECODE is
# set: then every process compiles NumPy, Sphinx and the rest again (.ci/run unsets it).
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV_PIP) --constraints constraints.txt -e ".[book,test,dev]"
	touch $(STAMP)

# Re-pin constraints.txt to the newest releases that pyproject.toml allows; run `make test`
# on the result before committing it.
lock:
	test -x $(UV) || $(MAKE) install
	$(UV) pip compile --quiet --upgrade --python $(BIN)/python --extra book --extra test \
		--extra dev --extra lab --no-header --output-file constraints.txt pyproject.toml
	sed -i '1i # Pins for make install, written by make lock from pyproject.toml.' constraints.txt

# Every notebook is executed afresh into the build's cache, one per core, then the build reads
# its outputs from there (see _config.yml's execute section). JOBS=1 executes one at a time.
# nproc counts OMP_NUM_THREADS as the number of cores: CI sets it to 1 (one BLAS thread per
# process), and the notebooks then ran one at a time, past CI's time limit. Hence the env -u.
JOBS ?= $(shell env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc 2>/dev/null || echo 1)

# The intro links the downloads with Sphinx's download role, which copies them into the site
# and fails the build when one is missing: they are made first (_ext/make_downloads.py).
# --all: Sphinx re-reads only the pages whose source changed, and a notebook's outputs can
# change (optlib, the runner's settings) while its source does not.
book: $(STAMP) downloads
	$(BIN)/python _ext/execute_notebooks.py --jobs $(JOBS)
	$(BIN)/jupyter-book build -W -n --keep-going --all .
	@echo "The book's front page: $(CURDIR)/_build/html/index.html"

# optlib-book.zip: the chapters, optlib's wheel (built offline) and the benchmark results two
# chapters read, with a requirements.txt and a README.txt; a reader runs the chapters from it.
downloads: $(STAMP)
	$(BIN)/python _ext/make_downloads.py --out _build/downloads

# Each notebook is executed once: the book build executes every notebook, and -W turns an error
# in any cell (allow_errors is false in _config.yml) into a failed build. That is all that
# `pytest --nbval-lax` checks, so nbval is a target of its own for a cell-by-cell report,
# not a second run of every notebook inside `make test`.
test: unit book browser

unit: $(STAMP)
	$(call pytest,$(BIN)/python,$(XDIST) optlib tests $(addprefix --ignore=,$(BROWSER)))

notebooks: $(STAMP)
	$(call pytest,$(BIN)/python,$(XDIST) --nbval-lax chapters)

browser: $(LAB_STAMP)
	$(call pytest,$(BIN)/python,$(BROWSER))

# The floors of pyproject's ranges, installed exactly; optlib itself with --no-deps so that
# pip cannot move them. The unit tests only: the book's own tool chain is not pinned down.
test-min: $(MIN_VENV)/.installed-stamp
	$(call pytest,$(MIN_VENV)/bin/python,$(XDIST) optlib tests $(addprefix --ignore=,$(BROWSER)))

$(MIN_VENV)/.installed-stamp: pyproject.toml
	test -x $(MIN_VENV)/bin/python || $(PYTHON) -m venv $(MIN_VENV)
	test -x $(UV) || $(MAKE) install
	$(UV) pip install --quiet --python $(MIN_VENV)/bin/python $(MIN_PINS) \
		"ipywidgets>=8.0,<9" "anywidget==0.9.*" "tqdm>=4.60,<5" \
		"pytest>=8,<10" "pytest-xdist>=3.5,<4" "hypothesis>=6.0" "pyyaml>=6"
	$(UV) pip install --quiet --python $(MIN_VENV)/bin/python --no-deps -e .
	$(MIN_VENV)/bin/python -m pip check
	touch $@

# JupyterLab and jupyterlab-myst come on the first `make lab` or `make browser` (its live
# test opens a chapter in JupyterLab): the book and the unit tests do not need them. Jupyter
# refuses to run as root without --allow-root (CI machines and containers
# are root).
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_FLAGS) chapters/

$(LAB_STAMP): $(STAMP)
	$(UV_PIP) --constraints constraints.txt -e ".[book,test,dev,lab]"
	touch $@

# The checks of .pre-commit-config.yaml, run from .venv: no pre-commit, no network. nbstripout
# --verify fails on a notebook with outputs or execution counts (--keep-id: cell ids are stable).
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/nbstripout --verify --keep-id chapters/*.ipynb

# torch is a benchmark dependency only (the reference for the update rules); 2.13.0 is the CPU
# build this machine has on disk, where a version range would pull a CUDA build of several GB.
# lion-pytorch (the Lion authors' package, torch.optim has no Lion) goes without its
# dependencies, so that it cannot replace that torch.
bench: $(LAB_STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -c "import lion_pytorch" 2>/dev/null || \
		$(BIN)/python -m pip install --quiet --no-deps lion-pytorch==0.2.5
	@for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf _build .pytest_cache .ruff_cache
