# Rootwarden — the two commands a person needs, plus a few for developers.
#   make demo   the wizard on the practice account (no AWS account needed)
#   make test   the whole test suite (offscreen Qt, moto)
#   make coverage  the suite under coverage: line and branch coverage of app/ and ui/
# Both create .venv and install into it when needed.

PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: demo test coverage bench bench-ui bench-org verify-demo package validate-desktop clean

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

# Line and branch coverage, worker threads and CLI subprocesses included (pyproject.toml's
# [tool.coverage.*]). The report is printed even when a test fails; the exit status is pytest's.
coverage: $(VENV)/.test-installed
	rm -f .coverage .coverage.*
	QT_QPA_PLATFORM=offscreen $(PY) -m coverage run -m pytest; status=$$?; \
	$(PY) -m coverage combine --quiet && $(PY) -m coverage report; exit $$status

bench: $(VENV)/.test-installed
	$(PY) benchmarks/verify_latency.py

bench-ui: $(VENV)/.test-installed
	$(PY) benchmarks/ui_stall.py

# Organization mode at scale: 5,000 simulated member accounts at an 80 ms round trip (goal ≤ 3 min).
bench-org: $(VENV)/.test-installed
	$(PY) benchmarks/org_scale.py
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/org_table_stall.py

$(VENV)/.package-installed: pyproject.toml $(VENV)/.demo-installed
	$(PY) -m pip install --quiet -e '.[gui,demo,package]'
	touch $@

# The one-folder desktop bundle in build/dist/rootwarden, then its smoke test.
package: $(VENV)/.package-installed validate-desktop
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN --distpath build/dist --workpath build/work packaging/rootwarden.spec
	bash packaging/smoke_test.sh build/dist/rootwarden

# The .desktop and AppStream files, with Debian's validators when installed.
validate-desktop:
	@if command -v desktop-file-validate >/dev/null; then desktop-file-validate packaging/linux/dev.rootwarden.Rootwarden.desktop && echo "desktop file: valid"; else echo "desktop-file-validate not installed (apt install desktop-file-utils)"; fi
	@if command -v appstreamcli >/dev/null; then appstreamcli validate --no-net packaging/linux/dev.rootwarden.Rootwarden.metainfo.xml; else echo "appstreamcli not installed (apt install appstream)"; fi

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/screenshots .coverage .coverage.*
