# py4eng-jax: `make book` and `make test` do all set-up on a fresh machine.
#
#   make book      HTML book in _build/html, from the stored, verified outputs
#   make test      lint (ruff), no file over 1 MB, then one pytest session:
#                  strict nbval, pairing, unit tests, doctests, strict
#                  build, the book in a headless browser (screenshots:
#                  _build/)
#   make chapter NB=book/NAME.md
#                  the author's loop for one chapter: execute it if it
#                  changed, its nbval, pairing, checker catalogue and
#                  helpers' tests, then build the book
#   make notebooks sync each book/NAME.md with NAME.ipynb and execute it
#                  (only those whose inputs changed; FORCE=1 runs them all;
#                  NB=book/NAME.md only that one)
#   make lab       JupyterLab that opens .md and .ipynb alike as notebooks
#   make book-student       the book without solutions: _build/student/html
#   make student-notebooks  hand-outs, no solutions or outputs:
#                           _build/student-notebooks/
#   make bench     speedups and the book's costs on this machine:
#                  _build/bench/results.json and speedups.png
#   make bench-publish  copy that run to book/pages/bench-results.json,
#                  the snapshot the status page shows (then commit it)
#   make check-python   is PYTHON a Python 3.11? (the others run it first)
#   make check-sources  every _toc.yml chapter has a file, every .md
#                  notebook its .ipynb (book, test and others run it first)
#   make clean     remove _build and caches (keeps .venv; `make distclean`)
#   make distclean also remove .venv
#   make help      this text

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The Python that creates the environment: python3.11 if present, else python3.
PYTHON ?= $(shell command -v python3.11 || command -v python3)

.PHONY: help book test chapter notebooks lab clean distclean check-python \
        check-sources book-student student-notebooks bench bench-publish

help:
	@sed -n '2,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.11 is required, but no python3.11 or python3 was found on PATH." >&2; \
	  echo "       Install Python 3.11, or run: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; fi
	@v=$$("$(PYTHON)" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); \
	if [ "$$v" != "3.11" ]; then \
	  echo "error: Python 3.11 is required (JAX 0.10.2 and the pins in requirements.txt), but $(PYTHON) is Python $${v:-unknown}." >&2; \
	  echo "       Install Python 3.11, or run: make PYTHON=/path/to/python3.11 ..." >&2; exit 1; fi

# (Re)create the environment when it is missing or requirements changed.
$(STAMP): requirements.txt pyproject.toml | check-python
	@echo "== Creating $(VENV) with $(PYTHON) (requirements changed or missing)"
	rm -rf $(VENV)
	"$(PYTHON)" -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

# Every chapter in _toc.yml has a file; every MyST notebook has its .ipynb.
check-sources: $(STAMP)
	@$(PY) tools/check_sources.py

book: $(STAMP) check-sources
	$(VENV)/bin/jupyter-book build . --keep-going
	@echo "== Book: _build/html/index.html"

# Lint first (ruff, configured in pyproject.toml), no file over 1 MB in
# git, then one pytest session. The nbval options are pytest's addopts in
# pyproject.toml, so `pytest book/NAME.ipynb` compares a chapter the same
# way. Test files are spread over the CPU cores; --dist loadfile keeps each
# notebook's cells (one kernel) in one worker; --no-loadscope-reorder keeps
# the order tests/conftest.py gives: the slowest work first.
test: $(STAMP) check-sources
	$(VENV)/bin/ruff check .
	$(PY) tools/large_files.py
	$(PY) -m pytest -n auto --dist loadfile --no-loadscope-reorder \
	  --durations=15 tests src/py4eng_jax book

# The author's loop for one chapter (see README): execute it if its inputs
# changed, then only its tests (--chapter, tests/conftest.py: its notebook,
# pairing, exercises, checker catalogue, helpers' tests and doctests), then
# an incremental build of the book, strict like the one make test checks.
chapter: $(STAMP) check-sources
	@case "$(NB)" in book/*.md) ;; *) \
	  echo "error: name the chapter: make chapter NB=book/NAME.md" >&2; \
	  exit 2;; esac
	@test -f "$(NB)" || { echo "error: $(NB) does not exist." >&2; exit 2; }
	$(PY) tools/notebooks.py $(NB)
	$(PY) -m pytest -p no:xdist --chapter $(NB) tests src/py4eng_jax book
	$(VENV)/bin/jupyter-book build . -W -n --keep-going
	@echo "== Book: _build/html/index.html"

# The student edition: solutions hidden (sphinx-exercise's hide_solutions,
# gated solutions included), downloads are the hand-out notebooks.
book-student: $(STAMP) check-sources
	$(PY) tools/build_student.py

# For an instructor to hand out: each chapter without solutions or outputs.
student-notebooks: $(STAMP) check-sources
	$(PY) tools/student_notebooks.py

# A benchmark, not a test: it reports, it never fails for a slow machine.
bench: $(STAMP)
	$(PY) tools/bench.py

# The status page shows only this committed snapshot, so that every build
# of one commit shows the same table.
bench-publish: $(STAMP)
	$(PY) tools/bench.py --publish

notebooks: $(STAMP)
	$(PY) tools/notebooks.py $(if $(FORCE),--force) $(NB)

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=book \
	  --ServerApp.contents_manager_class=jupytext.TextFileContentsManager

clean:
	rm -rf _build .pytest_cache src/*.egg-info
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
