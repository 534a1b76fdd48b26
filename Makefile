# jupyter-repro: the two commands of the README's quick start, and the steps they are made of.
#
#   make lab    installs the project in ./.venv and opens JupyterLab on the demo notebook
#   make test   installs what the tests need (Debian chromium included) and runs every suite
#
# Both work on a fresh machine with Python >= 3.10, Node.js >= 20 and make; `make test` installs
# chromium with apt-get when /usr/bin/chromium is missing (root, or sudo without a password).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= $(CURDIR)/.venv
BIN := $(VENV)/bin
export PATH := $(BIN):$(PATH)
# Playwright must never download a browser: the ui-tests drive Debian's chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH ?= /usr/bin/chromium
PIP := $(BIN)/python -m pip --disable-pip-version-check -qq
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help lab test install install-test chromium lint pytest jstest ui-test check build

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -U pip

install: $(BIN)/python  ## install the project (editable) with its labextension and kernel
	$(PIP) install -e ".[dev,demo]"
	jupyter-builder develop --overwrite . >/dev/null

lab: install  ## command 1: install, then JupyterLab with the extension on the demo notebook
	cd demo && jupyter lab demo.ipynb $(ROOT_FLAG)

chromium:  ## Debian's chromium for the ui-tests, installed only when missing
	@if [ ! -x "$(PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH)" ]; then \
		echo "Installing Debian chromium"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; \
	fi

install-test: install chromium  ## install everything the tests need
	$(PIP) install -e ".[dev,demo,test]"
	jupyter-builder develop --overwrite . >/dev/null
	cd ui-tests && jlpm install

build:  ## rebuild the TypeScript and the labextension after editing src/
	jlpm build

lint:  ## ruff, mypy, import contracts, eslint and prettier
	ruff check .
	ruff format --check .
	mypy
	lint-imports
	jlpm lint:check

pytest:  ## every Python test suite
	pytest

jstest:  ## the frontend's unit tests (jest, in Node: paging, windowing, settings)
	jlpm test

ui-test:  ## Galata ui-tests in headless Debian chromium against a real JupyterLab
	cd ui-tests && jlpm playwright test

check: lint pytest jstest ui-test  ## every suite, without installing

test: install-test  ## command 2: install what tests need, then run every suite
	$(MAKE) --no-print-directory check
