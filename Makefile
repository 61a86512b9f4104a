# Two entry points for a newcomer: `make run` (set up, open the window) and `make test`.
# `make test-fast` leaves out the tests that train real models (marked `slow`), for everyday work.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run test test-fast bench

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# tunestudio checks the display and Qt's X11 libraries before Qt starts (app/display_check.py)
# and prints the apt-get line that installs them instead of Qt's abort.
run: $(VENV)/.installed
	$(VENV)/bin/tunestudio

test: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

test-fast: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m "not slow"

bench: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --quick
