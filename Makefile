# Quick start: `make chat` (set-up + the app) and `make test` (set-up + the whole suite).
# Each target does its own set-up on a fresh machine and is idempotent.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
BIN := $(VENV)/bin
export CRATEDIGGER_HOME ?= $(HOME)/.cache/cratedigger
STAMP := $(VENV)/.installed

.PHONY: setup chat chat-local test lint models local-llm browser clean help

help:
	@echo "make chat   - set up and run the chat app at http://127.0.0.1:7860"
	@echo "make chat-local - the same with the packaged Qwen 0.5B model as the condenser"
	@echo "make test   - set up and run the whole test suite"
	@echo "make lint   - ruff + mypy"

$(PY):
	python3 -m venv $(VENV)

# torch first, pinned to the CPU wheel: a bare `torch` requirement would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml | $(PY)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev]'
	touch $@

models: $(STAMP)
	$(BIN)/cratedigger setup-models

local-llm: $(STAMP)
	bash scripts/install_llama_cpp.sh $(PY)

browser:
	bash scripts/install_chromium.sh

setup: $(STAMP) models local-llm

# The default backend (the rules, or --llm-url) needs no local LLM build; chat-local does.
chat: $(STAMP) models
	$(BIN)/cratedigger chat

chat-local: setup
	$(BIN)/cratedigger chat --backend local

test: setup browser
	HF_HUB_OFFLINE=1 $(PY) -m pytest

lint: $(STAMP)
	$(BIN)/ruff check chat retrieval training tests benchmarks scripts
	$(BIN)/mypy chat retrieval training

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
