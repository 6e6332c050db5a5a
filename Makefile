# The two commands a new machine needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Tests and benchmarks talk to the real services; these are the local defaults.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/poption
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install run test test-fast lint format messages makemessages bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(PY) pyproject.toml
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed messages

messages: $(PY)
	$(PY) bin/compile_messages.py

makemessages:
	$(PY) manage.py makemessages -l nb --no-location --no-obsolete -i '.venv/*' -i 'var/*'

run: install
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	@echo ""
	@echo "  Poption runs at  http://$(HOST):$(PORT)/"
	@echo "  Sign in as       recruiter@demo.example / demo"
	@echo "  Admin            http://$(HOST):$(PORT)/admin/  (admin@poption.example / demo)"
	@echo ""
	PATH=$(CURDIR)/$(VENV)/bin:$$PATH HOST=$(HOST) PORT=$(PORT) $(BIN)/honcho start -f Procfile

test: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(TEST_REDIS_URL)} \
		CELERY_QUEUE=poption-test $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Its own database names (poption_bench_<pid>, dropped after) and its own Redis db; BENCH_ARGS="--only list".
bench: install
	DATABASE_URL=$${DATABASE_URL:-$(TEST_DATABASE_URL)_bench} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/5} \
		$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
