# The two commands of the README: `make run` and `make test`.
VENV   ?= .venv
PYTHON ?= python3
FLASK  := $(VENV)/bin/flask --app forum

.PHONY: run test install install-test db bench clean

run: install db  ## install, migrate, seed and serve at http://127.0.0.1:5000
	$(FLASK) run --host 127.0.0.1 --port 5000

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(VENV)/bin/pip install --quiet -e '.[test,bench]'
	touch $@

db: install
	$(FLASK) db upgrade
	$(FLASK) seed

test: install-test  ## install what the tests need, then run every test on SQLite and PostgreSQL
	VENV=$(VENV) bash scripts/test.sh

bench: install-test  ## the performance bench on SQLite and PostgreSQL (needs wrk; see README "Performance")
	VENV=$(VENV) bash bench/run.sh

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
