# xinyong: `make demo` and `make test` are the quick start; both work on a fresh machine
# with Python >= 3.11 and make (uv is installed into .tools/ if it is not on PATH).
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
UV := $(or $(shell command -v uv 2>/dev/null),$(CURDIR)/.tools/bin/uv)
RECORDS ?= 1000000
SUBJECTS ?= 20000
BENCH_SUBJECTS ?= 1000000
INGEST_ROWS ?= 1000000
EVAL_SUBJECTS ?= 100000
EVAL_RECORDS ?= 1000000
WEB_SUBJECTS ?= 1000000
# extra `uv sync` flags, e.g. SYNC_FLAGS="--extra spark" (CI) keeps the Spark engine installed;
# empty by default, so `make demo` and `make test` need no Java (the Spark tests then skip)
SYNC_FLAGS ?=

.PHONY: demo test bench lint typecheck check sync clean

$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/python -m pip install --quiet uv

sync: | $(UV)
	$(UV) sync --locked --compile-bytecode --quiet $(SYNC_FLAGS)

demo: sync
	$(UV) run xinyong demo --subjects $(SUBJECTS)

# the tests run in parallel, one worker per core (TEST_WORKERS=0: in this process, one by one)
TEST_WORKERS ?= auto
test: sync
	$(UV) run pytest -n $(TEST_WORKERS) --dist loadfile

bench: sync
	$(UV) run python benchmarks/bench_ledger.py --records $(RECORDS)
	$(UV) run python benchmarks/bench_synth.py --subjects $(BENCH_SUBJECTS)
	$(UV) run python benchmarks/bench_ingest.py --rows $(INGEST_ROWS)
	$(UV) run python benchmarks/bench_evaluate.py --subjects $(EVAL_SUBJECTS) --records $(EVAL_RECORDS)
	$(UV) run python benchmarks/bench_web.py --subjects $(WEB_SUBJECTS) --concurrency 32 --dir bench-data/web-$(WEB_SUBJECTS)
	$(UV) run python benchmarks/bench_screening.py --subjects $(WEB_SUBJECTS) --checks 1000000 --dir bench-data/web-$(WEB_SUBJECTS)

lint: sync
	$(UV) run ruff check src tests benchmarks
	$(UV) run ruff format --check src tests benchmarks
	$(UV) run mypy

typecheck: sync
	$(UV) run mypy

check: lint test

clean:
	rm -rf demo .venv .tools .pytest_cache .mypy_cache .ruff_cache
