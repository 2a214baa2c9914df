# Safer Neighbourhood Board packs. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=
# The exact dependency versions, with hashes (`make lock` regenerates it from pyproject.toml).
LOCK := requirements.lock
# The pip that installs the lock, pinned with its hashes: scripts/install.py installs it first, so no
# later release of pip (nor the pip your Python ships) decides what the lock means.
INSTALLER_LOCK := installer.lock
# uv, which writes the three lock files, pinned with its hashes and kept in a throwaway venv of its own.
LOCK_TOOL_LOCK := lock-tool.lock
LOCK_TOOL := .cache/lock-tool
COMPILE := $(LOCK_TOOL)/bin/uv pip compile --generate-hashes --python-version 3.11 \
	--python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" --quiet
# `make canary`: the newest releases pyproject.toml allows, in a throwaway venv.
CANARY := .cache/canary

.DEFAULT_GOAL := help
.PHONY: help install lock canary lint reports test test-fast bench clean demo-data bytecode

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# scripts/install.py: the stock pip of `python -m venv` installs only the pinned pip (hash-checked);
# that pip installs the lock (hash-checked, --no-deps: nothing resolved) and the suite (editable,
# built by the locked setuptools); then `pip check`, the Jupyter kernel and `make bytecode`'s step.
$(VENV)/.installed: pyproject.toml $(LOCK) $(INSTALLER_LOCK) scripts/install.py
	$(PYTHON) scripts/install.py --venv $(VENV)
	touch $@

install: $(VENV)/.installed ## Create .venv and install the suite with Jupyter from requirements.lock (done by the other targets too)

$(LOCK_TOOL)/.installed: $(LOCK_TOOL_LOCK)
	$(PYTHON) -m venv $(LOCK_TOOL)
	$(LOCK_TOOL)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		--only-binary :all: -r $(LOCK_TOOL_LOCK)
	touch $@

lock: $(LOCK_TOOL)/.installed ## Regenerate requirements.lock (Linux x86_64, Python 3.11) and the tools' pins from pyproject.toml (ARGS=--upgrade for the newest)
	$(COMPILE) pyproject.toml --extra test --extra lint --group build -o $(LOCK) $(ARGS)
	echo pip | $(COMPILE) - -o $(INSTALLER_LOCK) $(ARGS)
	echo uv | $(COMPILE) - -o $(LOCK_TOOL_LOCK) $(ARGS)

canary: $(LOCK_TOOL)/.installed ## Install the newest releases pyproject.toml allows in .cache/canary, run the fast tests and one borough, and name what broke
	@mkdir -p $(CANARY)
	$(COMPILE) pyproject.toml --extra test --extra lint --group build --upgrade -o $(CANARY)/newest.lock
	$(PYTHON) scripts/canary.py --lock $(LOCK) --newest $(CANARY)/newest.lock --venv $(CANARY)/venv

lint: $(VENV)/.installed ## ruff over lib, tests and scripts; import-linter's layer contracts; deptry (every import of lib declared)
	$(VENV)/bin/ruff check lib tests scripts run_all.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/deptry lib

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

# The installer's wheel goes with .cache, so the next target runs scripts/install.py again to keep it.
clean: ## Remove outputs and caches (keeps .venv; the next target refreshes it)
	rm -rf outputs .cache .pytest_cache $(VENV)/.installed
