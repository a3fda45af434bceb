# autograd_viz build / test entry points.  `make help` lists targets.
#
# Everything runs in a virtual environment of the project's own, $(VENV)
# (default .venv), synced exactly from the checked-in locks in requirements/:
# a fresh machine gets the versions CI tested, whatever the registry has
# published since.  `make install` makes or refreshes it (and, as root with
# apt-get, installs the system packages: graphviz, chromium, fonts); it does
# nothing while the locks are unchanged.

BASE_PYTHON ?= python3
VENV      ?= .venv
PYTHON    ?= $(VENV)/bin/python
UV        := $(VENV)/bin/uv
PORT      ?= 8888
IP        ?= 127.0.0.1
PYTEST_ARGS ?=
LAB_ARGS  ?=
NOTEBOOKS_ARGS ?=
CHROMIUM_PATH ?= /usr/bin/chromium

# Playwright drives Debian's chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CHROMIUM_PATH
# Whatever the recipes start (pytest, Jupyter servers and kernels, nbgrader,
# `python3`, `jupyter X`) comes from the venv first: `python -m jupyter lab`
# alone would run whichever jupyter-lab is first on PATH.
export VIRTUAL_ENV := $(abspath $(VENV))
export PATH := $(abspath $(VENV))/bin:$(PATH)

IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
ALLOW_ROOT := $(if $(IS_ROOT),--allow-root,)

# --- the locks -------------------------------------------------------------
# One line per lock: its name (requirements/NAME.txt) and what
# `uv pip compile` reads for it.  Adding a lock is adding a line (a lock that
# needs a list of its own reads requirements/NAME.in; an environment of its
# own is then `make env-NAME`, see below).  Every lock pins every package
# for Linux x86_64 and CPython 3.11, the only platform CI and this machine
# kind have; the flags in LOCK_FLAGS say so in each lock's header.  Later
# lines may constrain themselves by earlier locks (-c), so keep the order.
define LOCKS
test       pyproject.toml --extra test --extra notebooks --group dev
torch-cpu  requirements/torch-cpu.in
bench      pyproject.toml --extra bench -c requirements/test.txt -c requirements/torch-cpu.txt
tf-oracle    requirements/tf-oracle.in
mxnet-oracle requirements/mxnet-oracle.in
endef
export LOCKS
LOCK_FLAGS := --python-version 3.11 --python-platform x86_64-manylinux_2_36 --emit-find-links -q
UPGRADE ?=

# The project venv: the tests' lock, and real PyTorch's lock where this
# machine has its CPU wheel (elsewhere the tests that compare with real
# PyTorch skip, saying so; under CI=true they fail).
TORCH_WHEEL := $(wildcard /opt/wheels/torch-2.13.0+cpu-*.whl)
VENV_LOCKS := requirements/test.txt $(if $(TORCH_WHEEL),requirements/torch-cpu.txt)
# lists the locks the venv was synced from; tests/test_lock.py reads it
SYNCED := $(VENV)/autograd_viz-locks.txt

.PHONY: help install system-deps lock lint trust lab test bench notebooks oracles clean

help:
	@echo "make install  - system deps (graphviz, chromium, fonts; root+apt only) + $(VENV) synced from requirements/ (the locks)"
	@echo "make test     - install, then pytest -q \$$PYTEST_ARGS in $(VENV)"
	@echo "make lint     - install, then ruff check and ruff format --check"
	@echo "make lab      - install, mark the shipped notebooks trusted, then jupyter lab on $(IP):\$$PORT (default 8888) serving notebooks/"
	@echo "make trust    - mark the shipped notebooks trusted for you (jupyter trust), so their saved diagrams and widgets show"
	@echo "make notebooks - rebuild notebooks/{en,vi}/*.ipynb from notebooks/src/ and re-execute them"
	@echo "make bench    - install the bench lock (torch CPU, micrograd, torchviz) on top, run bench/*.py"
	@echo "make lock     - re-resolve requirements/*.txt after a change to pyproject.toml or requirements/*.in, keeping every pin it can"
	@echo "make lock UPGRADE=1 - the same, taking the newest release of everything"
	@echo "make env-NAME - a venv of its own, .venv-NAME, synced from requirements/NAME.txt"
	@echo "make oracles  - real TensorFlow and MXNet for tests/oracles: make env-tf-oracle env-mxnet-oracle"
	@echo "make clean    - remove build artefacts, caches and the venvs"

# --- system packages: only when root, apt-get exists and something is missing ---
system-deps:
	@missing=""; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	[ -x "$(CHROMIUM_PATH)" ] || missing="$$missing chromium"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -z "$$missing" ]; then \
	  echo "system-deps: dot, chromium and fonts present"; \
	elif [ "$(IS_ROOT)" = yes ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "system-deps: apt-get install$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
	  echo "system-deps: WARNING missing$$missing (not root or no apt-get): tests needing them will skip/fail"; \
	fi

# --- the venv ----------------------------------------------------------------
# uv comes from the tests' lock too, installed with the venv's own pip, so the
# tool that installs the locks has the version the lock names.
$(UV): requirements/test.txt
	@$(BASE_PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
	  || { echo "make: the locks are for CPython 3.11; $(BASE_PYTHON) is $$($(BASE_PYTHON) -V 2>&1) (make BASE_PYTHON=python3.11)"; exit 1; }
	@[ -x $(VENV)/bin/python ] || { echo "make: creating $(VENV)"; $(BASE_PYTHON) -m venv $(VENV); }
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check \
	  "uv==$$(sed -n 's/^uv==//p' requirements/test.txt)"
	@touch $@

# exactly the locked packages (sync removes what the locks do not name), then
# this checkout, editable, without dependencies: the locks have them all
$(SYNCED): $(VENV_LOCKS) pyproject.toml $(wildcard autograd_viz/__init__.py) | $(UV)
	$(UV) pip sync -q --python $(PYTHON) $(VENV_LOCKS)
	$(UV) pip install -q --python $(PYTHON) --no-deps -e .
	@printf '%s\n' $(VENV_LOCKS) > $@

install: system-deps $(SYNCED)

lock: | $(UV)
	@printf '%s\n' "$$LOCKS" | while read -r name inputs; do \
	  [ -n "$$name" ] || continue; \
	  echo "make lock: requirements/$$name.txt <- $$inputs"; \
	  $(UV) pip compile $$inputs $(LOCK_FLAGS) $(if $(UPGRADE),--upgrade) -o requirements/$$name.txt || exit 1; \
	done

# an environment of its own for another lock (a framework whose versions
# conflict with the tests' lock): make env-NAME -> .venv-NAME
.PRECIOUS: .venv-%/synced
env-%: .venv-%/synced ;
.venv-%/synced: requirements/%.txt | $(UV)
	@[ -x .venv-$*/bin/python ] || $(UV) venv -q --python $(BASE_PYTHON) .venv-$*
	$(UV) pip sync -q --python .venv-$*/bin/python $<
	@touch $@

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# real TensorFlow and real MXNet, the oracles of tests/oracles, each in an
# environment of its own from its lock (their versions conflict with the
# tests' lock: TensorFlow's pins fight JAX's, MXNet 1.9 needs numpy < 1.24)
oracles: env-tf-oracle env-mxnet-oracle

test: install oracles
	@rc=0; $(PYTHON) -m pytest -q $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ] && [ -z "$$(find tests -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]; then \
	  echo "make test: no tests collected (tests/ has no test files yet)"; rc=0; \
	fi; exit $$rc

# the shipped notebooks are saved with outputs; JupyterLab shows their SVG and
# widgets only once they are trusted, which a notebook the user did not run is not
trust:
	@[ -d notebooks ] || { echo "make trust: notebooks/ does not exist"; exit 1; }
	@find notebooks -name '*.ipynb' -not -path '*/.ipynb_checkpoints/*' -print0 \
	  | xargs -0 $(PYTHON) -m jupyter trust

# tools/lab.py starts `jupyter lab` with jupyter/custom/custom.css, which gives
# the Vietnamese letters of code cells a font that has them (the user's own
# Jupyter config, settings and workspaces are still read; see its docstring)
lab: install trust
	$(PYTHON) tools/lab.py --no-browser $(ALLOW_ROOT) --ip=$(IP) --port=$(PORT) --ServerApp.root_dir=notebooks $(LAB_ARGS)

# the notebooks' sources are notebooks/src/{en,vi}/*.md; this converts and re-executes them
notebooks: install
	$(PYTHON) tools/build_notebooks.py $(NOTEBOOKS_ARGS)

$(VENV)/bench-synced: requirements/bench.txt $(SYNCED)
	$(UV) pip install -q --python $(PYTHON) -r requirements/bench.txt
	@touch $@

bench: install $(VENV)/bench-synced
	@set -e; found=0; for f in bench/*.py; do \
	  [ -e "$$f" ] || continue; \
	  grep -q "__main__" "$$f" || { echo "--- skip $$f (no __main__ guard: helper module)"; continue; }; found=1; \
	  echo "=== $$f"; $(PYTHON) "$$f"; \
	done; [ $$found = 1 ] || echo "make bench: no bench/*.py scripts"

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis test-output test-results playwright-report \
	       .stamp-install .stamp-bench $(VENV) .venv-*
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 rm -rf
