# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test lint typecheck unit bench clean selfscan schemas

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,demo,aws,azure,gcp,pdf,postgres]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/govscan demo --output-dir govscan-demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy

# The fast loop: no browser, no HTTP test servers, no whole-estate or subprocess cases.
unit: $(STAMP)
	$(BIN)/pytest -n 2 -q -m "not browser and not integration and not slow"

# Everything, as CI runs it.
test: lint typecheck
	$(BIN)/pytest -n 2 -q

selfscan: $(STAMP)
	$(BIN)/govscan scan --config govscan.yaml

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) build dist govscan-demo govscan-results .mypy_cache .ruff_cache .pytest_cache .import_linter_cache

schemas: $(STAMP)
	$(BIN)/govscan schema control > src/govscan/data/schemas/control.schema.json
	$(BIN)/govscan schema policy > src/govscan/data/schemas/policy.schema.json
