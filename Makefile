# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv when missing and install policywatch with its dev extras.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: setup native-clean demo test lint typecheck unit bench bench-instructions eval schemas clean promtool broker soak compat

# Each step says what it does: on a fresh machine the install takes a minute or more, and pip
# lists every package it collects and installs as it goes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "policywatch needs Python >= 3.11; set PYTHON=python3.11")'
	@test -x $(BIN)/python || { echo "==> creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "==> updating pip in $(VENV)"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@echo "==> installing policywatch and its dependencies into $(VENV) (a minute or two the first time)"
	$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	@touch $(STAMP)
	@echo "==> $(VENV) is ready"

# The classifier compiled to C (mypyc; ops/native_build.py): rebuilt whenever one of its
# sources changes. Without a C compiler it says so and the classifier runs from source.
NATIVE := $(VENV)/.native-stamp
$(NATIVE): $(STAMP) $(wildcard streams/classify/*.py) ops/native_build.py
	$(BIN)/python -m ops.native_build
	@touch $(NATIVE)

setup: $(STAMP) $(NATIVE)

# Back to the pure-Python classifier (the next `make setup` compiles it again).
native-clean:
	$(BIN)/python -m ops.native_build --clean
	@rm -f $(NATIVE)

demo: setup
	$(BIN)/policywatch demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy

# promtool checks and unit-tests the Prometheus rules (tests/unit/ops/test_prometheus.py);
# Debian's prometheus package ships it (CI runs as root on Debian).
promtool:
	@command -v promtool >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus)

# The Kafka half of the suite runs Apache Kafka from Maven Central (needs Java and Maven:
# apt-get install openjdk-17-jre-headless maven); fetched once into ~/.cache/policywatch/kafka.
broker: setup
	$(BIN)/policywatch broker install

# Two test processes: the whole-stack tests run one at a time in one of them (see
# tests/conftest.py), everything else in the other. TEST_JOBS=0 runs the suite in one process.
TEST_JOBS ?= 2
test: lint typecheck promtool broker
	$(BIN)/policywatch schemas export --check
	$(BIN)/python -m pytest -n $(TEST_JOBS) --durations=15

bench: broker
	$(BIN)/python bench/pipeline.py
	$(BIN)/python bench/warehouse.py
	$(BIN)/python bench/endpoint_reads.py
	$(BIN)/python bench/producers.py
	$(BIN)/python bench/classify.py
	$(BIN)/python bench/alerts.py
	$(BIN)/python bench/delivery_soak.py
	$(BIN)/python bench/brokers.py

# Instructions per classification pass, today's classifier and the one before real-news
# reading (valgrind; timing on a shared machine is too noisy for a 20 % limit)
bench-instructions: setup
	$(BIN)/python bench/classify_instructions.py

# Which Kafka versions the clients work with, topic configs as created, lag and kcat
# (docs/DEPLOY.md); installs each broker version it measures.
compat: setup
	$(BIN)/python bench/kafka_compat.py --doc

# Three Kafka brokers on loopback (RF 3, min ISR 2), the stack against them, one broker
# killed -9 mid-ingest and brought back: nothing lost, nothing twice (docs/DEPLOY.md)
soak: broker
	$(BIN)/python bench/soak.py --doc

# Classification quality: the set written for the classifier (tests/eval/documents.jsonl)
# and real published news labelled outside the project (../shared/realnews)
eval: setup
	$(BIN)/python bench/evaluate.py --doc
	$(BIN)/python bench/realnews.py --doc

schemas: setup
	$(BIN)/policywatch schemas export

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache .hypothesis build/native
	rm -f streams/classify/*.so streams/classify/native-build.json policywatch_classify__mypyc*.so
