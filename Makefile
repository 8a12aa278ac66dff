# graphbuild: `make demo` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
LINT   := tests/cypher_lint/node_modules/.installed-stamp
OUT    ?= graphbuild-out

.PHONY: install demo test lint-deps bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

install: $(STAMP)

# Neo4j's own Cypher linter (npm), used by the tests to check every statement we send.
$(LINT): tests/cypher_lint/package.json tests/cypher_lint/package-lock.json
	cd tests/cypher_lint && npm ci --silent --no-audit --no-fund
	touch $(LINT)

lint-deps: $(LINT)

demo: install
	$(VENV)/bin/graphbuild build data/articles --out $(OUT)

test: install lint-deps
	$(PY) -m pytest -n 2 -q --dist loadgroup

bench: install
	$(PY) benchmarks/extract_throughput.py
	$(PY) benchmarks/store_bench.py
	$(PY) benchmarks/rdf_bench.py
	$(PY) benchmarks/neo4j_bench.py
	$(PY) benchmarks/dask_bench.py

clean:
	rm -rf $(VENV) $(OUT) tests/cypher_lint/node_modules
