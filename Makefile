# autograd_viz build / test entry points.  `make help` lists targets.
# Everything a fresh Debian machine needs is installed by `make install`
# (idempotent: pip is skipped while .stamp-install is newer than pyproject.toml).

PYTHON    ?= python3
PIP       := $(PYTHON) -m pip
PIP_FLAGS ?= -q --disable-pip-version-check --root-user-action=ignore
PORT      ?= 8888
IP        ?= 127.0.0.1
PYTEST_ARGS ?=
LAB_ARGS  ?=
NOTEBOOKS_ARGS ?=
CHROMIUM_PATH ?= /usr/bin/chromium

# Playwright drives Debian's chromium; it must never fetch a browser of its own.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export CHROMIUM_PATH

IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
ALLOW_ROOT := $(if $(IS_ROOT),--allow-root,)

.PHONY: help install system-deps trust lab test bench notebooks clean oracles

help:
	@echo "make install  - system deps (graphviz, chromium, fonts; root+apt only) + pip install -e '.[test,notebooks]'"
	@echo "make test     - install, then $(PYTHON) -m pytest -q \$$PYTEST_ARGS"
	@echo "make lab      - install, mark the shipped notebooks trusted, then jupyter lab on $(IP):\$$PORT (default 8888) serving notebooks/"
	@echo "make trust    - mark the shipped notebooks trusted for you (jupyter trust), so their saved diagrams and widgets show"
	@echo "make notebooks - rebuild notebooks/{en,vi}/*.ipynb from notebooks/src/ and re-execute them"
	@echo "make bench    - install the bench extra (torch 2.13.0 CPU, micrograd, torchviz), run bench/*.py"
	@echo "make oracles  - real TensorFlow and MXNet, each in a venv of its own under $(ORACLES), from requirements/*-oracle.txt (tests/oracles)"
	@echo "make clean    - remove build artefacts, caches and stamps"

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

# pip step, re-run when pyproject.toml changes or autograd_viz/__init__.py appears/changes
# (an editable install made before the package dir existed cannot import it).
.stamp-install: pyproject.toml $(wildcard autograd_viz/__init__.py)
	$(PIP) install $(PIP_FLAGS) -e '.[test,notebooks]'
	@$(PYTHON) -m jupyter kernelspec list 2>/dev/null | grep -qw python3 || $(PYTHON) -m ipykernel install --sys-prefix
	@touch $@

install: system-deps .stamp-install

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

lab: install trust
	$(PYTHON) -m jupyter lab --no-browser $(ALLOW_ROOT) --ip=$(IP) --port=$(PORT) --ServerApp.root_dir=notebooks $(LAB_ARGS)

# the notebooks' sources are notebooks/src/{en,vi}/*.md; this converts and re-executes them
notebooks: install
	$(PYTHON) tools/build_notebooks.py $(NOTEBOOKS_ARGS)

.stamp-bench: pyproject.toml $(wildcard autograd_viz/__init__.py)
	$(PIP) install $(PIP_FLAGS) -e '.[bench]'
	@touch $@

bench: install .stamp-bench
	@set -e; found=0; for f in bench/*.py; do \
	  [ -e "$$f" ] || continue; \
	  grep -q "__main__" "$$f" || { echo "--- skip $$f (no __main__ guard: helper module)"; continue; }; found=1; \
	  echo "=== $$f"; $(PYTHON) "$$f"; \
	done; [ $$found = 1 ] || echo "make bench: no bench/*.py scripts"

# --- the real-framework oracles of tests/oracles (TensorFlow, MXNet): each in a
# virtual environment of its own, installed exactly from its lock (no resolver)
ORACLES ?= .oracles
export AV_ORACLES := $(abspath $(ORACLES))
oracles: $(ORACLES)/tf/.stamp $(ORACLES)/mxnet/.stamp
$(ORACLES)/%/.stamp: requirements/%-oracle.txt
	rm -rf $(ORACLES)/$*
	$(PYTHON) -m venv $(ORACLES)/$*
	$(ORACLES)/$*/bin/python -m pip install $(PIP_FLAGS) --no-deps --require-hashes --only-binary :all: -r $<
	$(ORACLES)/$*/bin/python -c "import $(if $(filter tf,$*),tensorflow,mxnet) as m; print('$*:', m.__version__)"
	@touch $@

clean:
	rm -rf build dist *.egg-info .pytest_cache .hypothesis test-output test-results playwright-report \
	       .stamp-install .stamp-bench
	find . -path ./.git -prune -o \( -name __pycache__ -o -name .ipynb_checkpoints \) -type d -print0 | xargs -0 rm -rf
