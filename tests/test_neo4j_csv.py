"""`graphbuild export neo4j-csv`: the files load into a LIVE Neo4j 5 and give the graph a push gives.

The CSVs are loaded with ``LOAD CSV`` from the server's import directory (NEO4J_IMPORT_DIR, set by
tests/neo4j_server/run-with-neo4j.sh under `make test`), then compared with `push neo4j` of the
same store: node and relationship counts per label / type, and every property of every node and
relationship. The headers are also checked against what `neo4j-admin database import` reads.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_neo4j_integration import _MUST_RUN, CLI, clean, cfg, driver, graph  # noqa: F401  (fixtures)

from graphbuild.sinks import neo4j as sink
from graphbuild.sinks import neo4j_csv
from graphbuild.sinks.store import bulk_load, read_graph

ROOT = Path(__file__).resolve().parent.parent
NEO4J_SH = ROOT / "tests" / "neo4j_server" / "neo4j.sh"

live = pytest.mark.skipif(
    not os.environ.get("NEO4J_URI") and not _MUST_RUN,
    reason=os.environ.get("GRAPHBUILD_NEO4J_SKIP") or "NEO4J_URI is not set: no live Neo4j")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store of the sample events (bulk-loaded: no extraction), and its graph read back."""
    path = tmp_path_factory.mktemp("csvstore") / "graph.lbdb"
    bulk_load(path, graph())
    return path


def _export(store: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, "export", "neo4j-csv", "--store", str(store), str(out)],
                          capture_output=True, text=True, cwd=ROOT)


def test_headers_are_neo4j_admin_headers(store, tmp_path):
    proc = _export(store, tmp_path / "csv")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("neo4j-admin database import full ") and proc.stdout.count("\n") == 1
    headers = {p.name: next(csv.reader(open(p, encoding="utf-8"))) for p in (tmp_path / "csv").glob("*.csv")}
    assert headers["actors.csv"][:2] == ["id:ID(Actor)", ":LABEL"] and "aliases:string[]" in headers["actors.csv"]
    assert {"negated:boolean", "confidence:double", "start:long", "end:long", "date_source",
            "date_period"} <= set(headers["events.csv"])
    assert headers["event_reported_in.csv"] == [":START_ID(Event)", ":END_ID(Article)", ":TYPE"]
    analyst = [h for n, h in headers.items() if n.startswith("analyst_")]
    assert analyst and all(h[:3] == [":START_ID(Actor)", ":END_ID(Actor)", ":TYPE"] and "mentions:long" in h
                           for h in analyst)
    for name in headers:  # every file is on the printed command line, by absolute path
        assert f"={(tmp_path / 'csv' / name).resolve()}" in proc.stdout
    data = read_graph(store)
    rows = {p.name: sum(1 for _ in csv.reader(open(p, encoding="utf-8"))) - 1 for p in (tmp_path / "csv").glob("*.csv")}
    assert rows["actors.csv"] == len(data.actors) and rows["events.csv"] == len(data.events)
    assert sum(v for k, v in rows.items() if k.startswith("analyst_")) == len(data.analyst_edges())


def _graph_dump(driver, cfg) -> dict:
    """Every node and relationship with all its properties, comparable across loads."""
    with driver.session(database=cfg.database) as s:
        nodes = sorted((tuple(sorted(r["labels"])), sorted(r["props"].items())) for r in s.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props"))
        rels = sorted((r["t"], r["a"], r["b"], sorted(r["props"].items())) for r in s.run(
            "MATCH (a)-[r]->(b) RETURN type(r) AS t, a.id AS a, b.id AS b, properties(r) AS props"))
    return {"nodes": nodes, "rels": rels}


def _normalise(dump: dict) -> dict:
    """Empty lists and empty strings are absent properties in both loads' eyes."""
    def props(items):
        return [(k, v) for k, v in items if v not in ([], "")]
    return {"nodes": sorted((lab, props(p)) for lab, p in dump["nodes"]),
            "rels": sorted((t, a, b, props(p)) for t, a, b, p in dump["rels"])}


@live
def test_load_csv_gives_the_pushed_graph(store, tmp_path, cfg, driver, clean):  # noqa: F811
    import_dir = os.environ.get("NEO4J_IMPORT_DIR")
    if not import_dir:
        pytest.fail("NEO4J_IMPORT_DIR is unset: run with tests/neo4j_server/run-with-neo4j.sh (make test)")
    sub = Path(import_dir) / f"gb-{os.getpid()}"
    assert _export(store, sub).returncode == 0
    data = read_graph(store)
    try:
        sink.ensure_schema(driver, cfg)
        with driver.session(database=cfg.database) as s:
            for path in sorted(sub.glob("*.csv"), key=lambda p: (not p.name.startswith(("actors", "articles", "events")), p.name)):
                spec = next(f for f in (*neo4j_csv.NODE_FILES, *neo4j_csv.LINK_FILES)
                            if f.name == path.name) if not path.name.startswith("analyst_") else \
                    neo4j_csv.analyst_file(path.stem[len("analyst_"):])
                s.run(neo4j_csv.load_csv_statement(spec), url=f"file:///{sub.name}/{path.name}",
                      delimiter=neo4j_csv.ARRAY_DELIMITER).consume()
        loaded = sink.counts(driver, cfg.database)
        via_csv = _normalise(_graph_dump(driver, cfg))
    finally:
        shutil.rmtree(sub, ignore_errors=True)
    with driver.session(database=cfg.database) as s:
        s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS").consume()
    sink.push(data, cfg, quiet=True)
    pushed = sink.counts(driver, cfg.database)
    assert loaded == pushed
    assert pushed["Event"] == len(data.events) and pushed["SOURCE"] == len(data.events)
    assert sum(pushed[r] for r in pushed if r not in ("Actor", "Article", "Event", "PART_OF", *sink.EVENT_LINKS)) \
        == len(data.analyst_edges()) > 0
    assert pushed["PART_OF"] == len(data.part_of) > 0
    assert len(via_csv["nodes"]) == pushed["Actor"] + pushed["Article"] + pushed["Event"]
    assert via_csv == _normalise(_graph_dump(driver, cfg))  # same properties, typed the same


def test_load_csv_statements_use_parameters_and_the_vocabulary():
    from graphbuild.vocab import RELATION_NAMES
    for spec in (*neo4j_csv.NODE_FILES, *neo4j_csv.LINK_FILES, *(neo4j_csv.analyst_file(r) for r in RELATION_NAMES)):
        text = neo4j_csv.load_csv_statement(spec)
        assert "FROM $url" in text and "'" not in text and '"' not in text
    with pytest.raises(ValueError):
        neo4j_csv.analyst_file("DROPPED_ALL")


def _imported(output: str) -> dict[str, int]:
    """neo4j-admin's summary: ``Imported: N nodes, M relationships, P properties``."""
    import re
    found = dict((k, int(n)) for n, k in re.findall(r"^\s*(\d+) (nodes|relationships|properties)\s*$",
                                                     output.split("IMPORT DONE", 1)[-1], re.M))
    assert set(found) == {"nodes", "relationships", "properties"}, output[-2000:]
    return found


@pytest.mark.skipif(not (shutil.which("java") and shutil.which("mvn")), reason="needs java and mvn (neo4j-admin)")
def test_neo4j_admin_imports_the_printed_command(store, tmp_path):
    """The printed command, run by neo4j-admin 5.26 itself (tests/neo4j_server/neo4j.sh admin)."""
    import shlex
    proc = _export(store, tmp_path / "csv")
    argv = shlex.split(proc.stdout)
    assert argv[:5] == ["neo4j-admin", "database", "import", "full", "neo4j"]
    built = subprocess.run([str(NEO4J_SH), "build"], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    run = subprocess.run([str(NEO4J_SH), "admin", *argv[1:], "--threads=1", "--max-off-heap-memory=128M"],
                         capture_output=True, text=True, env={**os.environ, "NEO4J_HOME": str(tmp_path / "home")},
                         timeout=300)
    assert run.returncode == 0, (run.stdout + run.stderr)[-3000:]
    data = read_graph(store)
    edges = data.analyst_edges()
    links = sum(1 for e in data.events.values() for x in (e.source_id, e.target_id, e.article_id,
                                                           e.reported_by_id) if x is not None)
    filled = lambda d: sum(1 for v in d.values() if v not in (None, "", []))  # noqa: E731
    props = (sum(filled(a.to_dict()) for a in data.actors.values())
             + sum(filled(a.to_dict()) for a in data.articles.values())
             # reported_by_id is a property (check's redundancy) as well as the REPORTED_BY link
             + sum(filled(e.to_dict()) - filled({k: getattr(e, k) for k in ("source_id", "target_id")})
                   for e in data.events.values())
             + sum(filled(e.to_dict()) - 3 for e in edges))  # source_id, relation, target_id
    assert _imported(run.stdout + run.stderr) == {
        "nodes": len(data.actors) + len(data.articles) + len(data.events),
        "relationships": links + len(edges) + len(data.part_of), "properties": props}
