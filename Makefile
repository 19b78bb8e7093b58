# Campus CRM — the two commands: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
PORT ?= 8000
MANAGE := $(PY) manage.py
BENCH_VENV := .venv-bench

.PHONY: demo test test-s3 install install-dev npm messages pdf-libs chromium serve lint audit demo-code bench-deps bench-load clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# uv comes into the project's own venv with pip, so nothing outside the repo is assumed.
$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check uv

install: $(UV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync --quiet requirements/base.txt
	$(MAKE) --no-print-directory npm messages pdf-libs

install-dev: $(UV)
	VIRTUAL_ENV=$(VENV) $(UV) pip sync --quiet requirements/dev.txt
	$(MAKE) --no-print-directory npm messages pdf-libs

npm:
	@if [ -f package.json ]; then npm ci --no-audit --no-fund --loglevel=error; fi

# Compiled catalogues (.mo) are build output; gettext provides msgfmt.
messages:
	@command -v msgfmt >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null; }
	$(MANAGE) compilemessages --ignore=.venv --ignore=node_modules -v 0

# WeasyPrint's system libraries. Without HarfBuzz-Subset it falls back to subsetting fonts with fontTools in
# Python, which makes every certificate slower and heavier (see bench/README.md).
pdf-libs:
	@ldconfig -p | grep -q 'libharfbuzz-subset.so.0' && ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core >/dev/null; }

# Browser tests drive Debian's chromium; never a downloaded browser build.
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; }

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-dev chromium
	$(VENV)/bin/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-s3

# The storage-related tests (marker `storage`) again with every file in a real S3 API (moto's server, started by the
# test session; tests/storage_backends.py): what production does with AWS_STORAGE_BUCKET_NAME set.
test-s3:
	S3_TEST_SERVER=1 $(VENV)/bin/pytest -m "storage and not browser" tests/storage tests/h5p tests/certificates tests/metrics

# The demo's focal point, Secretariat and administrator sign in with a two-step code: this prints the current one.
demo-code:
	@$(MANAGE) demo_totp

# Known vulnerabilities in the locked production dependencies (pip-audit; .ci/run runs it too).
audit: install-dev
	bash .ci/audit

# Load-bench tools (locust, gevent) in their own venv, so the one tests run with stays exactly as locked.
bench-deps: $(UV)
	@test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(UV) pip sync --quiet --python $(BENCH_VENV)/bin/python requirements/bench.txt

# The load run of docs/operations.md (about 12 minutes; PostgreSQL and Redis on this machine).
bench-load: bench-deps
	$(BENCH_VENV)/bin/python bench/load.py $(BENCH_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) $(BENCH_VENV) node_modules staticfiles
