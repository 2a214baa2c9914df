# Safer Neighbourhood Board packs. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=
# The exact dependency versions, with hashes (`make lock` regenerates it from pyproject.toml).
LOCK := requirements.lock
# `make lock` resolves with uv, kept in a throwaway venv of its own; its version is pinned so the
# lock file's format does not drift.
UV_VERSION ?= 0.13.9
LOCK_TOOL := .cache/lock-tool

.DEFAULT_GOAL := help
.PHONY: help install lock lint reports test test-fast bench clean demo-data bytecode

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(MAKE) --no-print-directory bytecode
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (boardpack)" >/dev/null
	touch $@

install: $(VENV)/.installed ## Create .venv and install the suite with Jupyter from requirements.lock (done by the other targets too)

lock: ## Regenerate requirements.lock (exact versions and hashes, Linux x86_64, Python 3.11) from pyproject.toml (ARGS=--upgrade for the newest)
	test -x $(LOCK_TOOL)/bin/uv || { $(PYTHON) -m venv $(LOCK_TOOL) && $(LOCK_TOOL)/bin/pip install --quiet uv==$(UV_VERSION); }
	$(LOCK_TOOL)/bin/uv pip compile pyproject.toml --extra test --extra lint --generate-hashes \
		--python-version 3.11 --python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" \
		--quiet -o $(LOCK) $(ARGS)

lint: $(VENV)/.installed ## ruff over lib, tests and scripts; import-linter's layer contracts
	$(VENV)/bin/ruff check lib tests scripts run_all.py
	$(VENV)/bin/lint-imports

reports: $(VENV)/.installed bytecode ## Build all 32 board packs on the demo data into outputs/ (ARGS="..." passes options to run_all.py)
	$(PY) run_all.py $(ARGS)

test: $(VENV)/.installed bytecode ## Run every test (real-data tests skip without ../shared/data)
	$(PY) -m pytest -q $(ARGS)

test-fast: $(VENV)/.installed ## Run the unit tests only (no notebook execution)
	$(PY) -m pytest -q -m "not slow" $(ARGS)

bench: $(VENV)/.installed bytecode ## Time the suite against its PDFs' floor and a naive loop: cold, no-change, one borough, peak memory
	$(PY) scripts/bench.py $(ARGS)

# The suite's modules compiled once, as pip compiles installed packages: every process of a run
# (main, workers, kernels) then loads them without compiling, even where PYTHONDONTWRITEBYTECODE is
# set. Only changed files are compiled again; a module edited since is compiled in memory as usual.
bytecode: ## Compile lib/ to bytecode (done by install, reports, test and bench)
	$(PY) -m compileall -q lib >/dev/null

demo-data: $(VENV)/.installed ## (Re)generate the synthetic demo dataset in .cache/demo-data
	$(PY) run_all.py demo --force

clean: ## Remove outputs and caches (keeps .venv)
	rm -rf outputs .cache .pytest_cache
