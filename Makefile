# Rootwarden — the two commands a person needs, plus a few for developers.
#   make demo   the wizard on the practice account (no AWS account needed)
#   make test   the whole test suite (offscreen Qt, moto)
# Both create .venv and install into it when needed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: demo test bench bench-ui verify-demo clean

$(VENV)/.demo-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[gui,demo]'
	touch $@

$(VENV)/.test-installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	$(PY) -m ui.launch --demo

verify-demo: $(VENV)/.demo-installed
	$(PY) -m app.cli verify --demo

test: $(VENV)/.test-installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: $(VENV)/.test-installed
	$(PY) benchmarks/verify_latency.py

bench-ui: $(VENV)/.test-installed
	$(PY) benchmarks/ui_stall.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/screenshots
