# Safer Neighbourhood Board packs. `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help install reports test test-fast bench clean demo-data

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (boardpack)" >/dev/null
	touch $@

install: $(VENV)/.installed ## Create .venv and install the suite with Jupyter (done by the other targets too)

reports: $(VENV)/.installed ## Build all 32 board packs on the demo data into outputs/ (ARGS="..." passes options to run_all.py)
	$(PY) run_all.py $(ARGS)

test: $(VENV)/.installed ## Run every test (real-data tests skip without ../shared/data)
	$(PY) -m pytest -q $(ARGS)

test-fast: $(VENV)/.installed ## Run the unit tests only (no notebook execution)
	$(PY) -m pytest -q -m "not slow" $(ARGS)

bench: $(VENV)/.installed ## Time the suite against a naive papermill + nbconvert loop, and a no-change rebuild
	$(PY) scripts/bench.py $(ARGS)

demo-data: $(VENV)/.installed ## (Re)generate the synthetic demo dataset in .cache/demo-data
	$(PY) run_all.py demo --force

clean: ## Remove outputs and caches (keeps .venv)
	rm -rf outputs .cache .pytest_cache
