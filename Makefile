# The two commands a fresh machine needs: `make demo` and `make test`. Each sets up what it
# uses: a virtual environment in .venv, and Graphviz's `dot` program for drawing graphs.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test lint dist-check graphviz chromium notebooks course clean bench

demo: $(VENV)/.runtime graphviz
	$(BIN)/python -m nn.demo

test: $(VENV)/.test graphviz chromium lint
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory dist-check

lint: $(VENV)/.test
	$(BIN)/ruff check .

# Time chainrule against micrograd, PyTorch on scalars and hand-written floats (see
# benchmarks/README.md). micrograd is installed into build/bench-deps, apart from .venv, so
# nothing else ever imports it. Options go through BENCH_ARGS: make bench BENCH_ARGS=--quick
bench: $(VENV)/.test
	test -d build/bench-deps/micrograd || \
	  $(BIN)/python -m pip install --quiet --target build/bench-deps micrograd==0.1.0
	$(BIN)/python -m benchmarks.run --deps build/bench-deps $(BENCH_ARGS)

# The runtime needs only the graphviz package; the tests add pytest, hypothesis, torch...
$(VENV)/.runtime: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.runtime

# Install `dot` where we can (root with apt-get); otherwise say in one line how to.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Graphviz's dot program with apt-get"; \
	    apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null; \
	  fi; \
	  command -v dot >/dev/null 2>&1 || { \
	    echo "Graphviz's dot program is missing: install it (sudo apt-get install graphviz, or brew install graphviz) and run make again"; \
	    exit 1; }; }

# Headless Chromium and its driver, for the explorer's browser tests (tests/test_explorer.py);
# without them those tests skip. Installed where we can (root with apt-get), like dot.
chromium:
	@{ command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Chromium and chromedriver with apt-get"; \
	    apt-get update -qq; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  fi; \
	  { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; } || \
	    echo "Chromium is missing, so the explorer's browser tests will skip: install it (sudo apt-get install chromium chromium-driver) to run them"; }

# Build the wheel and the sdist, and check that each installs into a clean environment,
# imports from there (not from this checkout), and ships the licence and py.typed.
dist-check: $(VENV)/.test
	rm -rf dist build/dist-check
	$(BIN)/python -m build --outdir dist . > build-log.txt 2>&1 || { cat build-log.txt; exit 1; }
	rm -f build-log.txt
	for artifact in dist/*.whl dist/*.tar.gz; do \
	  rm -rf build/dist-check && $(PYTHON) -m venv build/dist-check && \
	  build/dist-check/bin/python -m pip install --quiet "$$artifact" && \
	  (cd build && dist-check/bin/python -c "$$DIST_CHECK") || exit 1; \
	  echo "$$artifact installs and imports"; \
	done

define DIST_CHECK
import importlib.metadata as metadata, pathlib, autograd, nn
assert "dist-check" in autograd.__file__, autograd.__file__
assert (pathlib.Path(autograd.__file__).parent / "py.typed").exists(), "py.typed missing"
files = [str(f) for f in metadata.files("chainrule")]
assert any(f.endswith("LICENSE") for f in files), "LICENSE missing"
x = autograd.Value(3.0)
y = x * x
y.backward()
assert x.grad == 6.0 and len(nn.MLP(2, [16, 16, 1]).parameters()) == 337
endef
export DIST_CHECK

# Run every notebook and save it with its outputs, so that it reads well without running.
notebooks: $(VENV)/.test graphviz
	cd notebooks && for notebook in *.ipynb; do \
	  ../$(BIN)/jupyter-execute --inplace --timeout=300 "$$notebook" || exit 1; \
	done

# The course alone: the library, JupyterLab, matplotlib and NumPy (the `course` extra, no
# torch) in an environment of its own, .venv-course, so that .venv always has what the tests
# need. Typed at a terminal it then opens the notebooks in JupyterLab; anywhere else (CI, a
# pipe, a script) it only sets up and says how to open them.
COURSE_VENV := .venv-course

course: $(COURSE_VENV)/.course graphviz
	@if [ -t 0 ] && [ -t 1 ] && [ "$${CI:-}" != true ]; then \
	  $(COURSE_VENV)/bin/jupyter lab notebooks/ $$([ "$$(id -u)" = 0 ] && echo --allow-root); \
	else \
	  echo "The course is set up. Open the notebooks with: $(COURSE_VENV)/bin/jupyter lab notebooks/"; \
	fi

$(COURSE_VENV)/.course: pyproject.toml
	test -x $(COURSE_VENV)/bin/python || $(PYTHON) -m venv $(COURSE_VENV)
	echo '*' > $(COURSE_VENV)/.gitignore  # git leaves the environment alone
	$(COURSE_VENV)/bin/python -m pip install --quiet -e '.[course]'
	touch $@

clean:
	rm -rf $(VENV) $(COURSE_VENV) dist build out .pytest_cache .hypothesis .ruff_cache *.egg-info
