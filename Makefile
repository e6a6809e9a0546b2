# chainrule — the everyday commands. `make test` sets up everything it needs itself.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-chainrule
EXTRAS := test,plot,fast,torch,symbolic,bench,lint,jupyter

.PHONY: help install test demo lint bench docs notebooks graphviz chromium node playground serve clean

help:
	@echo "make demo   - train the demos and write their pictures to out/ (open out/index.html)"
	@echo "make test   - set up .venv and run every test and doctest"
	@echo "make playground - build the in-browser playground into build/playground/ (chainrule serve shows it)"
	@echo "make lint   - ruff and mypy"
	@echo "make docs   - regenerate the pictures in docs/pictures"
	@echo "make notebooks - re-run examples/*.ipynb and save their outputs (the tests compare them)"
	@echo "make bench  - speed and memory against micrograd and PyTorch (writes benchmarks/results.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# torch is pinned first: 2.13.0 is the CPU build this project is tested with, and
# installing it before the extras stops pip from reaching for a CUDA build.
$(STAMP): $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

install: $(STAMP)

# Graphviz's `dot` renders the pictures. Install Debian's package when we may (root,
# or sudo without a password); otherwise stop and say what to run.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz; \
	  else \
	    echo "Graphviz's 'dot' is missing. Install it with one of:"; \
	    echo "  sudo apt-get install graphviz    (Debian/Ubuntu)"; \
	    echo "  brew install graphviz            (macOS)"; \
	    echo "  conda install -c conda-forge graphviz"; \
	    exit 1; \
	  fi; }
	@command -v dot >/dev/null 2>&1 || { echo "Graphviz's 'dot' is still missing"; exit 1; }

# Debian's Chromium runs the browser test of the step-through page (Playwright drives
# /usr/bin/chromium; no browser is ever downloaded). Where it can't be installed, that
# one test is skipped and says so.
chromium:
	@[ -x /usr/bin/chromium ] || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "note: /usr/bin/chromium is missing, so the browser test will be skipped" \
	         "(sudo apt-get install chromium)"; \
	  fi; }

# Node.js's npm fetches Pyodide and @viz-js/viz for the playground, pinned by playground/package-lock.json.
node:
	@command -v npm >/dev/null 2>&1 || { \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  elif command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; \
	  else \
	    echo "npm is missing: install Node.js (https://nodejs.org or your package manager)"; exit 1; \
	  fi; }

# The playground: a static site in build/playground/ (npm ci from the lock file, chainrule's own wheel).
playground: install node
	$(BIN)/python playground/build.py --out build/playground

serve: playground
	$(BIN)/chainrule serve

test: install graphviz chromium playground
	$(BIN)/python -m pytest

demo: install graphviz
	$(BIN)/chainrule demo all --out out/

docs: install graphviz
	$(BIN)/python docs/make_pictures.py

notebooks: install graphviz
	$(BIN)/python examples/run_notebooks.py

bench: install
	$(BIN)/python benchmarks/run.py

lint: install
	$(BIN)/ruff check autograd nn viz tests benchmarks docs playground
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build playground/node_modules *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
