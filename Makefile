# graphbuild: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
KERNEL := $(VENV)/share/jupyter/kernels/graphbuild/kernel.json
LAB    := $(VENV)/.notebook-stamp
LINT   := tests/cypher_lint/node_modules/.installed-stamp
OUT    ?= graphbuild-out

.PHONY: install demo test lint-deps bench clean neo4j notebook

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The Jupyter kernel "graphbuild" (this venv's Python): the notebook and its test run on it.
$(KERNEL): $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name graphbuild --display-name "Python (graphbuild)" >/dev/null

install: $(STAMP) $(KERNEL)

# JupyterLab (extra [notebook]) in the venv, then the walkthrough opened in it (as root too, e.g. in a container).
$(LAB): $(STAMP) setup.cfg
	$(PY) -m pip install --quiet -e '.[notebook]'
	touch $(LAB)

notebook: install $(LAB)
	$(VENV)/bin/jupyter lab $(if $(filter 0,$(shell id -u)),--allow-root) $(JUPYTER_ARGS) notebooks/walkthrough.ipynb

# Neo4j's own Cypher linter (npm), used by the tests to check every statement we send.
$(LINT): tests/cypher_lint/package.json tests/cypher_lint/package-lock.json
	cd tests/cypher_lint && npm ci --silent --no-audit --no-fund
	touch $(LINT)

lint-deps: $(LINT)

demo: install
	$(VENV)/bin/graphbuild build data/articles --out $(OUT)

# The tests run inside a private local Neo4j 5.26 (tests/neo4j_server/, built with Maven), stopped afterwards.
test: install lint-deps
	tests/neo4j_server/run-with-neo4j.sh $(PY) -m pytest -n 2 -q --dist loadgroup

# A local Neo4j 5.26 Community server (no auth) on bolt://127.0.0.1:$(NEO4J_PORT), in the foreground; Ctrl-C stops it.
NEO4J_PORT ?= 7687
neo4j:
	tests/neo4j_server/neo4j.sh build
	tests/neo4j_server/neo4j.sh serve -Dneo4j.bolt.port=$(NEO4J_PORT)

bench: install
	$(PY) benchmarks/extract_throughput.py
	$(PY) benchmarks/store_bench.py
	$(PY) benchmarks/rdf_bench.py
	$(PY) benchmarks/neo4j_bench.py
	$(PY) benchmarks/dask_bench.py

clean:
	rm -rf $(VENV) $(OUT) tests/cypher_lint/node_modules
