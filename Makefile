# make        set up .venv, pull, draft what memory (or DeepL, with a key) can, build the
#             reviewed languages into public/ and print the report
# make test   the whole test suite
# make lock   refresh requirements.lock (UPGRADE=1: the newest releases pyproject.toml allows)
# make messages  the review interface's strings into its catalogs (new ones empty, to translate)
# make bench  time every stage on a varied and a repetitive N-article site (N=1000)
# make bench-memory  peak memory of pull, status and build, cold, on varied sites of MEMORY_N articles
VENV      ?= .venv
PYTHON    ?= python3
PY        := $(VENV)/bin/python
PIPELINE  := $(VENV)/bin/pipeline
N         ?= 1000
VARIETY   ?= both
MEMORY_N  ?= 1000 3000
LOCK      := requirements.lock
# The revision whose ledgers `make check` proves are kept unchanged (append-only): by
# default where this branch left origin/main; empty (no origin/main) skips that step.
BASE      ?= $(shell git merge-base HEAD origin/main 2>/dev/null)

.DEFAULT_GOAL := all
.PHONY: all setup lock pull translate status check build lint test messages bench bench-memory clean

all: pull translate status build

# The venv is exactly requirements.lock (exact versions, sha256 hashes), made anew when the
# lock or pyproject.toml changes, so nothing dropped from the lock lingers. The locked pip
# goes in first (the machine's pip is old); --no-deps: the lock is complete, nothing else
# is fetched; --no-build-isolation: the project builds with the locked setuptools.
$(VENV)/.installed: $(LOCK) pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	awk '/^pip==/ {p = 1} p {print} p && !/\\$$/ {exit}' $(LOCK) > $(VENV)/pip.lock
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(VENV)/pip.lock
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	$(PY) -m pip check || { echo 'requirements.lock does not satisfy pyproject.toml: run make lock' >&2; exit 1; }
	touch $@

setup: $(VENV)/.installed

# Refresh the lock with the uv pinned in it: `make lock` keeps every pin pyproject.toml
# still allows, `make lock UPGRADE=1` takes the newest releases. Only uv is needed, not an
# up-to-date setup: a pyproject.toml just edited must not reinstall the old lock first
# (nor stop at setup's final check). uv keeps the pins of its output file, so it starts from
# a copy; an unchanged lock is not rewritten, so it does not remake the venv.
lock:
	test -x $(VENV)/bin/uv || $(MAKE) setup || test -x $(VENV)/bin/uv
	cp $(LOCK) $(LOCK).new
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --extra dev \
		--universal --python-version 3.11 --generate-hashes \
		--no-emit-index-url --no-emit-find-links --custom-compile-command 'make lock' \
		$(if $(UPGRADE),--upgrade) --quiet -o $(LOCK).new
	if cmp -s $(LOCK).new $(LOCK); then rm $(LOCK).new; else mv $(LOCK).new $(LOCK); fi

pull: setup
	$(PIPELINE) pull

translate: setup
	$(PIPELINE) translate

status: setup
	$(PIPELINE) status

build: setup
	$(PIPELINE) build

# CI: the ledgers at $(BASE) are contained unchanged in today's (exit code 1 if not), then
# the strict build: non-zero (exit code 3) when any configured language was stopped or a
# ledger line does not verify.
check: setup
	@if [ -n "$(BASE)" ]; then \
		echo "$(PIPELINE) review verify --against $(BASE)"; \
		$(PIPELINE) review verify --against "$(BASE)"; \
	else \
		echo "check: no BASE (no origin/main to compare with): the ledger history is not checked"; \
	fi
	$(PIPELINE) build --strict

# The review interface's own strings (page, sheet, terminal, server): extracted from the code
# and templates with Babel (the mapping in babel.cfg), merged into each shipped catalog. A new
# string arrives untranslated and a removed one goes; make test fails until every string is
# translated (tests/signoff/test_i18n.py). Babel keeps the catalog's gettext Plural-Forms.
MESSAGES := pipeline/signoff/locale
messages: setup
	$(VENV)/bin/pybabel -q extract -F $(MESSAGES)/babel.cfg --no-location -o $(MESSAGES)/review.pot .
	$(VENV)/bin/pybabel -q update -i $(MESSAGES)/review.pot -d $(MESSAGES) -D review \
		--no-fuzzy-matching --ignore-obsolete --ignore-pot-creation-date
	rm $(MESSAGES)/review.pot

# The varied site (every body sentence distinct) is the reference; the repetitive one is
# measured beside it for comparison (VARIETY=varied or repetitive: one site, every stage).
bench: setup
	$(PY) bench/run.py -n $(N) --variety $(VARIETY)

# Only what peak memory needs (pull, status, build, cold, once each) at each size; into
# bench/results-memory.json, so that it does not replace make bench's results.
bench-memory: setup
	$(PY) bench/run.py --memory-only --memory-articles $(MEMORY_N) --out bench/results-memory.json

# Types (mypy, configured in pyproject.toml) and style (ruff): part of every test run.
lint: setup
	$(VENV)/bin/ruff check pipeline tests bench scripts
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

# Only what can be made again for free. The machine translations (machine-translations/,
# [paths] translations) were paid for and stay; so does a store an earlier version left in
# the cache folder, until the next pipeline command moves it out.
clean:
	rm -rf public .pytest_cache test-artifacts bench/results.json bench/results-memory.json \
		bench/site bench/site-*
	[ ! -d .pipeline-cache ] || find .pipeline-cache -mindepth 1 -maxdepth 1 \
		! -name 'machine-translations.sqlite3*' -exec rm -rf {} +
	rmdir .pipeline-cache 2>/dev/null || true
