# make        set up .venv, pull, draft what memory (or DeepL, with a key) can, build the
#             reviewed languages into public/ and print the report
# make test   the whole test suite
VENV      ?= .venv
PYTHON    ?= python3
PY        := $(VENV)/bin/python
PIPELINE  := $(VENV)/bin/pipeline
N         ?= 1000

.DEFAULT_GOAL := all
.PHONY: all setup pull translate status check build test bench clean

all: pull translate status build

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

setup: $(VENV)/.installed

pull: setup
	$(PIPELINE) pull

translate: setup
	$(PIPELINE) translate

status: setup
	$(PIPELINE) status

build: setup
	$(PIPELINE) build

# CI: non-zero (exit code 3) when any configured language was stopped.
check: setup
	$(PIPELINE) build --strict

bench: setup
	$(PY) bench/run.py -n $(N)

test: setup
	$(PY) -m pytest

# Only what can be made again for free. The machine translations (machine-translations/,
# [paths] translations) were paid for and stay; so does a store an earlier version left in
# the cache folder, until the next pipeline command moves it out.
clean:
	rm -rf public .pytest_cache test-artifacts bench/results.json bench/site bench/site-*
	[ ! -d .pipeline-cache ] || find .pipeline-cache -mindepth 1 -maxdepth 1 \
		! -name 'machine-translations.sqlite3*' -exec rm -rf {} +
	rmdir .pipeline-cache 2>/dev/null || true
