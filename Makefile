# Every target sets itself up: a fresh machine needs only Python 3.10+ and make.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
LINTED := optlib tests chapters benchmarks _ext

.PHONY: help install book test lab lint bench clean

help:
	@echo "make book   build the HTML book into _build/html (executes every notebook)"
	@echo "make test   unit tests, doctests, every notebook (nbval) and the browser checks"
	@echo "make lab    open the chapters in JupyterLab"
	@echo "make lint   ruff lint and format check"
	@echo "make bench  run the benchmarks and write benchmarks/results/"

install: $(STAMP)

# Re-install whenever the dependency list changes; optlib itself is editable.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[book,test,dev]"
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build -W -n --keep-going .
	@echo "The book's front page: $(CURDIR)/_build/html/index.html"

# pytest exits 5 when it collects nothing: that is a failure here, not a pass.
test: $(STAMP)
	@$(BIN)/python -m pytest --nbval-lax optlib tests chapters; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

lab: $(STAMP)
	$(BIN)/jupyter lab chapters/

lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)

# torch is a benchmark dependency only (the reference for the update rules); 2.13.0 is the CPU
# build this machine has on disk, where a version range would pull a CUDA build of several GB.
bench: $(STAMP)
	$(BIN)/python -c "import torch" 2>/dev/null || $(BIN)/python -m pip install --quiet torch==2.13.0
	@for script in benchmarks/bench_*.py; do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; \
	done

clean:
	rm -rf _build .pytest_cache .ruff_cache
