# Memoria: `make site` builds the demo, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements-dev.lock | sha1sum | cut -c1-12)
# Every dependency, direct or not, is installed at the version and with the SHA-256 its lock file
# records (pip --require-hashes refuses anything else); the project itself goes in with --no-deps.
# `make lock` re-resolves them from pyproject.toml (CONTRIBUTING.md: Dependencies).
LOCK_FLAGS := --universal --generate-hashes --python-version 3.11 --quiet --no-header
export NO_MKDOCS_2_WARNING := 1

.PHONY: help setup site serve test test-fast check bench profile system-deps clean offline lock audit

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*##/\t/'

$(STAMP): pyproject.toml requirements-dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)  ## Create .venv and install Memoria with test and dev tools, every dependency from the lock files

lock: setup  ## Re-resolve every dependency from pyproject.toml into requirements*.lock, with hashes (needs PyPI)
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra test --extra dev -o requirements-dev.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra test --extra dev --extra bench -o requirements-bench.lock
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) --extra audit -o requirements-audit.lock

audit:  ## Check every locked dependency against known vulnerabilities (says so when the network does not allow it)
	test -x $(VENV)-audit/bin/python || $(PYTHON) -m venv $(VENV)-audit
	$(VENV)-audit/bin/python -m pip install --quiet --require-hashes -r requirements-audit.lock
	$(VENV)-audit/bin/python scripts/audit.py requirements.lock requirements-dev.lock requirements-bench.lock

site: setup  ## Build the demo site into site/ (strict; one process per language; the fictional hearing's clip made and imported first)
	$(BIN)/python scripts/demo_media.py
	$(BIN)/memoria build --strict

serve: setup  ## Live preview on http://127.0.0.1:8000/ (re-renders only the pages an edit changes)
	$(BIN)/memoria serve

system-deps:  ## Debian packages the tests need (chromium, ffmpeg); installs only what is missing
	bash scripts/install_system_deps.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

offline: setup  ## Zip the whole site (media included) to open from disk: memoria-offline.zip
	$(BIN)/python scripts/make_offline.py memoria-offline.zip

test: setup system-deps node_modules/.installed  ## Install what the tests need and run them all
	$(BIN)/python -m pytest -n 2 --dist loadfile

test-fast: setup  ## Only the in-process tests (no browser, no subprocess builds): most of the coverage in seconds
	$(BIN)/python -m pytest -n 2 --dist loadfile -m "not browser and not slow"

bench: setup  ## Time Memoria against Material+static-i18n+RSS and Hugo (BENCH_FULL=1 adds 10,000 entries)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-bench.lock
	$(BIN)/python scripts/bench.py

profile: setup  ## Where a build's CPU goes, by component (py-spy over a 3,000-entry corpus in /tmp/memoria-profile)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-bench.lock
	$(BIN)/python scripts/make_corpus.py 3000 /tmp/memoria-profile
	$(BIN)/python scripts/profile_build.py /tmp/memoria-profile

check: setup  ## Lint, format check and type check
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/mypy

messages: setup  ## Refresh the tools' Spanish catalog: extract, update, compile (src/memoria/locale/es/LC_MESSAGES/memoria.po/.mo)
	$(BIN)/pybabel extract --mapping-file babel.cfg --keywords N_ --keywords ngettext:1,2 --no-location \
		--sort-output --project Memoria --omit-header --output-file src/memoria/locale/memoria.pot src/memoria
	$(BIN)/pybabel update --domain memoria --input-file src/memoria/locale/memoria.pot \
		--output-dir src/memoria/locale --locale es --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile --domain memoria --directory src/memoria/locale --statistics

clean:  ## Remove the built site and caches (keeps .venv and media/)
	rm -rf site .cache/memoria .pytest_cache .mypy_cache .ruff_cache test-artifacts
