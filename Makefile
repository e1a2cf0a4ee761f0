# gzpower: every target that runs code first makes sure the virtual environment exists.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
RAW    ?= ../shared/data/raw

.PHONY: setup run test lint data validate bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: setup
	$(BIN)/gzpower check --year 2025 --year 2030

test: setup lint
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: setup
	$(BIN)/ruff check gzpower tests benchmarks examples
	$(BIN)/ruff format --check gzpower tests benchmarks examples
	$(BIN)/mypy

data: setup
	$(BIN)/gzpower data build --raw $(RAW)
	$(BIN)/gzpower data validate

validate: setup
	$(BIN)/gzpower data validate

# make bench ONLY=make-run: the cases whose name holds that text (make-run: make run itself, timed)
bench: setup
	$(BIN)/python -m benchmarks.bench $(if $(ONLY),--only $(ONLY))

clean:
	rm -rf $(VENV) build *.egg-info
