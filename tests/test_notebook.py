"""notebooks/walkthrough.ipynb runs top to bottom on the installed ``graphbuild`` kernel (real
extraction, store, RDF, plots), uses the public API only and is committed without outputs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "notebooks" / "walkthrough.ipynb"
KERNEL = "graphbuild"  # registered by `make install` (ipykernel install --sys-prefix --name graphbuild)


def _outputs(cell, mime: str) -> list[str]:
    return [o["data"][mime] for o in cell.get("outputs", []) if "data" in o and mime in o["data"]]


def _text(cell) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o["output_type"] == "stream")


def test_walkthrough_executes(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHBUILD_NOTEBOOK_WORKDIR", str(tmp_path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not any(o["output_type"] == "error" for o in c.outputs) for c in code)
    # it really built things: store, RDF, the interactive page and the plots
    for name in ("graph.lbdb", "graph.ttl", "graph.html", "timeline.png", "ego.png"):
        assert (tmp_path / name).stat().st_size > 0, name
    everything = "\n".join(_text(c) for c in code)
    assert "NEO4J_URI is not set" in everything
    html_tables = [h for c in code for h in _outputs(c, "text/html") if "<table" in h]
    assert len(html_tables) >= 5  # events, relation counts, three Cypher queries, SPARQL
    assert any("sentence" in h and "relation" in h for h in html_tables)
    # the events table shows how much each sentence commits to its event
    assert any(">negated<" in h and ">modality<" in h and ">sentence<" in h for h in html_tables)
    pngs = [p for c in code for p in _outputs(c, "image/png")]
    assert len(pngs) >= 3  # networkx drawing, timeline, ego network
    # the store agrees with what the notebook printed
    from graphbuild.sinks import store
    actors = store.counts(tmp_path / "graph.lbdb")["Actor"]
    assert f"{actors} actors" in everything


def test_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"cells {dirty} carry outputs or execution counts: strip them before committing"
    assert "widgets" not in nb.metadata
    assert nb.metadata.get("kernelspec", {}).get("name") == KERNEL


def test_kernel_is_installed():
    from jupyter_client.kernelspec import KernelSpecManager
    assert KERNEL in KernelSpecManager().find_kernel_specs(), "run `make install` to register the kernel"


def _graphbuild_imports(source: str) -> set[str]:
    """The graphbuild modules a cell imports (``from graphbuild import api`` -> graphbuild.api)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "graphbuild"}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "graphbuild":
            found |= {f"{node.module}.{a.name}" if node.module == "graphbuild" else node.module
                      for a in node.names}
    return found


def test_notebook_uses_the_public_api_only():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    used = set().union(*(_graphbuild_imports(c.source) for c in nb.cells if c.cell_type == "code"))
    assert used and used <= {"graphbuild", "graphbuild.api"}, used
    assert "graphbuild.commands" not in "".join(c.source for c in nb.cells if c.cell_type == "code")


def test_notebook_tables_come_from_the_api():
    """The events table is ``api.events_frame`` (the export's columns, negated and modality among
    them) and query answers are ``api.run_query(..., as_frame=True)``: no table built by hand."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "api.events_frame(STORE)" in code and "as_frame=True" in code
    assert "pd.DataFrame([" not in code and ".frame()" not in code
    assert "data.events.values()" not in code  # the table is not assembled from the graph's events
    assert 'by="country"' in code
