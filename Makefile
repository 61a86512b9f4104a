# Two entry points for a newcomer: `make run` (set up, open the window) and `make test`.
# `make test-fast` leaves out the tests that train real models (marked `slow`), for everyday work.
PYTHON ?= python3
VENV ?= .venv
DIST ?= dist
BUNDLE := $(DIST)/tunestudio
PY := $(VENV)/bin/python

.PHONY: run test test-fast bench package package-smoke install-desktop translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,onnx]'
	touch $@

# tunestudio checks the display and Qt's X11 libraries before Qt starts (app/cli/display_check.py)
# and prints the apt-get line that installs them instead of Qt's abort.
run: $(VENV)/.installed
	$(VENV)/bin/tunestudio

test: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

test-fast: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m "not slow"

bench: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --quick

# The Chinese interface: collect the window's strings into the .ts (the translator's file), then
# compile it into the .qm the app loads. Both are committed; tests/test_i18n.py fails when either
# is behind the code, so a fresh clone, the wheel and the bundle need no Qt tools to get them.
# The core marks the texts it hands the window with QT_TRANSLATE_NOOP (app/core/i18n.py).
# A string moved to another class keeps its translation (packaging/carry_translations.py).
TS := resources/i18n/tunestudio_zh_CN.ts
TR_SOURCES = $(shell $(PYTHON) packaging/translation_sources.py)
translations: $(VENV)/.installed
	$(VENV)/bin/pyside6-lupdate -locations none $(TR_SOURCES) -ts $(TS)
	$(PY) packaging/carry_translations.py $(TS)
	$(VENV)/bin/pyside6-lupdate -locations none -no-obsolete $(TR_SOURCES) -ts $(TS)
	$(VENV)/bin/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)

# A one-folder bundle in dist/tunestudio (PyInstaller; size and build time in packaging/README.md).
$(VENV)/.packaging: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[package]'
	touch $@

package: $(VENV)/.packaging
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath $(DIST) --workpath build/pyinstaller \
		packaging/tunestudio.spec
	cp packaging/install-desktop.sh packaging/tunestudio.desktop $(BUNDLE)/
	du -sh $(BUNDLE)

# Starts the built bundle headless: version, doctor, scan of its sample, the window, a 1-trial search.
package-smoke:
	packaging/smoke.sh $(BUNDLE)

# The applications-menu entry and icon for this user, running the bundle if built, else .venv's.
install-desktop:
	packaging/install-desktop.sh "$(abspath $(if $(wildcard $(BUNDLE)/tunestudio),$(BUNDLE)/tunestudio,$(VENV)/bin/tunestudio))"
