# SmartSync developer entry points. `make demo` and `make test` are the README's quick start.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test unit stack bench install kafka clean

$(STAMP): requirements.txt $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $(STAMP)

install: $(STAMP)

# Apache Kafka jars from Maven Central (cached under ~/.cache/smartsync); needs Java 17 and Maven.
kafka:
	bash infra/kafka/fetch.sh >/dev/null

# The main job: the whole stack on embedded defaults, a real sync, the overview printed.
demo: $(STAMP)
	$(BIN)/python -m smartsync_devtools.demo

# Every test: unit, contract and cross-service suites on real Kafka (KRaft) and PostgreSQL started by the tests.
test: $(STAMP) kafka
	$(BIN)/python -m pytest

unit: $(STAMP)
	$(BIN)/python -m pytest -m "not integration"

# The whole stack in the foreground (ports, broker and databases from the environment).
stack: $(STAMP)
	$(BIN)/python -m smartsync_devtools.stack

bench: $(STAMP) kafka
	$(BIN)/python bench/full_sync.py

clean:
	rm -rf var .pytest_cache
