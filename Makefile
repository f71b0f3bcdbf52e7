# Two commands for a newcomer: `make run` and `make test`. Both create or refresh .venv first.
# Any CPython >= 3.11; the binding check (inception_desktop/bindings.py) refuses a PySide6 release
# known to crash on it, and pyproject.toml keeps pip from installing one.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint screenshots benchmarks wheel clean

# A stamp per install flavour, remade whenever pyproject.toml changes.
$(VENV)/.run-stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test-stamp: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.run-stamp

run: $(VENV)/.run-stamp
	$(BIN)/inception-desktop

test: $(VENV)/.test-stamp
	$(BIN)/ruff check inception_desktop tests benchmarks packaging
	$(BIN)/lint-imports
	QT_QPA_PLATFORM=offscreen TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python -m pytest

screenshots: $(VENV)/.run-stamp
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshots.py docs

benchmarks: $(VENV)/.test-stamp
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python benchmarks/inference_latency.py
	TF_CPP_MIN_LOG_LEVEL=2 $(BIN)/python benchmarks/import_time.py

wheel: $(VENV)/.test-stamp
	$(BIN)/python -m build --wheel --outdir dist .

clean:
	rm -rf $(VENV) build dist *.egg-info
