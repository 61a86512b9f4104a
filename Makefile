# Two entry points for a newcomer: `make run` (set up, open the window) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,onnx]'
	touch $@

run: $(VENV)/.installed
	$(VENV)/bin/tunestudio

test: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --quick
