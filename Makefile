# skillpulse: `make run` runs the pipeline on the bundled snapshot; `make test` runs the tests.
# Both create .venv and install what they need; nothing has to be installed by hand.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.installed-run
STAMP_DEV := $(VENV)/.installed-dev
RUN_ARGS ?= --offline

.PHONY: run example test lint bench clean chromium eval

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_DEV): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(STAMP_RUN)

# Reports go to the data dir (`skillpulse run` prints where); `make example` regenerates the committed one.
run: $(STAMP_RUN)
	$(BIN)/skillpulse run $(RUN_ARGS)

example: $(STAMP_RUN)
	$(BIN)/skillpulse run --offline --out examples/report

# The report's rendering test opens it in Debian's Chromium; install it when we may (root or passwordless sudo).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO=none; fi; \
	  if [ "$$SUDO" = none ]; then echo "chromium is not installed and cannot be installed here: the rendering test will be skipped"; \
	  else echo "installing Debian's chromium for the report rendering test"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; fi; }

test: $(STAMP_DEV) chromium
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP_DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Score skills (guideline parts 1 and 2) and roles on the development sets and keep the scores for the report.
GOLD ?= ../shared/eval/dev_gold.jsonl
eval: $(STAMP_RUN)
	$(BIN)/skillpulse eval --gold $(GOLD) --no-errors
	$(BIN)/skillpulse eval --gold $(GOLD) --json --no-errors > skillpulse/data/extractor_eval.json

bench: $(STAMP_DEV)
	for script in benchmarks/*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
