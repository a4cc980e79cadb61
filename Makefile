# One entry point for the whole monorepo. Needs only Python 3.11+ and make:
# uv is installed into .tools/ on first use when it is not already on PATH.
#   make run P=crud-api     serve one project with auto-reload
#   make run P=microservices  the shop's five services, Valkey and SMTP (Ctrl-C stops all)
#   make test               run every project's tests
#   make test P=crud-api    run one project's tests
#   make lint               ruff + mypy, as CI runs them
#   make clean-data         wipe what `make run` keeps across restarts (.data/)

PROJECTS := shared crud-api blog-api realtime-chat ecommerce-api microservices
P ?= crud-api
HOST ?= 127.0.0.1
PORT ?= 8000
PYTHON ?= python3
# TRUSTED_PROXIES: the proxies whose X-Forwarded-For a service believes (comma-separated
# IPs or CIDRs; unset: none, the client is the TCP peer). `make run TRUSTED_PROXIES=...`
# passes it on; uvicorn runs with --no-proxy-headers so that only the app decides.
ifdef TRUSTED_PROXIES
export TRUSTED_PROXIES
endif

UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
PKG = $(subst -,_,$(P))

.PHONY: help setup run test test-deps lint format clean clean-data

help:
	@sed -n '2,8p' Makefile

$(CURDIR)/.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

.venv/.synced: $(UV) pyproject.toml uv.lock $(wildcard */pyproject.toml) $(wildcard microservices/*/pyproject.toml)
	$(UV) sync --all-packages --frozen
	@touch $@

setup: .venv/.synced

# microservices is several processes: honcho runs its Procfile, each line prefixed.
run: setup
ifeq ($(P),microservices)
	$(UV) run --frozen honcho -f microservices/Procfile -e microservices/run.env start
else
	@test -d "$(P)/src/$(PKG)" || { echo "unknown project '$(P)'; choose one of: $(filter-out shared,$(PROJECTS))"; exit 2; }
	$(UV) run --frozen uvicorn $(PKG).main:create_app \
		--factory --reload --reload-dir $(P)/src --reload-dir shared/src \
		--host $(HOST) --port $(PORT) --no-proxy-headers
endif

# What realtime-chat's browser and Node tests need: Debian's chromium, npm's socket.io-client.
TESTED = $(if $(filter command line,$(origin P)),$(P),$(PROJECTS))

test-deps:
	@if echo " $(TESTED) " | grep -q " realtime-chat "; then bash realtime-chat/scripts/install-test-deps.sh; fi

test: setup test-deps
ifeq ($(origin P),command line)
	$(UV) run --frozen pytest $(P) $(ARGS)
else
	@set -e; for p in $(PROJECTS); do echo "== $$p"; $(UV) run --frozen pytest $$p $(ARGS); done
endif

# Each project's src/; microservices holds one package per service.
MYPY_PATHS = $(foreach p,$(PROJECTS),$(if $(wildcard $(p)/src),$(p)/src,$(wildcard $(p)/*/src)))

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy $(MYPY_PATHS)

format: setup
	$(UV) run --frozen ruff format .
	$(UV) run --frozen ruff check --fix .

clean:
	rm -rf .venv .tools .pytest_cache .mypy_cache .ruff_cache

# The embedded database's development snapshots (one folder per service).
clean-data:
	rm -rf .data
