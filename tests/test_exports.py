"""Exports analysts load: the flat events table (CSV / Parquet, read back by pandas and DuckDB),
GraphML / GEXF (read back by networkx and igraph), ``run_query(as_frame=True)``, ``events_frame``,
the Goldstein / QuadClass data, and Event date_source / date_period in the store and RDF."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import networkx as nx
import pandas as pd
import pytest

from graphbuild import api, cameo
from graphbuild.errors import UserError
from graphbuild.events_io import ParquetSink
from graphbuild.merge import GraphData, to_networkx
from graphbuild.model import Article
from graphbuild.sinks import store as st
from graphbuild.tables import COLUMN_NAMES

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CLI = "import sys, graphbuild.cli as c; sys.exit(c.main(sys.argv[1:]))"
CODE_COLUMNS = {"cameo_code": str, "cameo_root": str}  # "070" must not become 70


def _records() -> list[dict]:
    """The sample events, with dates sourced as the extractor now records them."""
    recs = [json.loads(line) for line in (FIXTURES / "sample_events.jsonl").read_text(encoding="utf-8").splitlines()]
    for i, rec in enumerate(recs):
        rec["date_source"] = "text" if i % 3 == 0 else "article"
        rec["date_period"] = "2019-03" if i == 1 else None
    return recs


def _articles() -> list[Article]:
    return [Article(**json.loads(line)) for line in
            (FIXTURES / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines()]


def _data() -> GraphData:
    data = GraphData()
    for art in _articles():
        data.add_article(art)
    data.add_records(_records())
    return data


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exports") / "graph.lbdb"
    with st.open_store(path) as s:  # the incremental writer, as `graphbuild build` writes
        st.write_graph(s, _data())
    return path


@pytest.fixture(scope="module")
def events_jsonl(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("events") / "events.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _records()), encoding="utf-8")
    return path


def _cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True, cwd=cwd)


# ------------------------------------------------------------------------ the events table

def test_store_keeps_date_source_and_period(store):
    data = st.read_graph(store)
    want = {r["id"]: (r["date_source"], r["date_period"]) for r in _records()}
    assert {e.id: (e.date_source, e.date_period) for e in data.events.values()} == want


def test_export_events_csv_and_parquet_read_by_pandas_and_duckdb(store, tmp_path):
    csv_out, pq_out = tmp_path / "events.csv", tmp_path / "events.parquet"
    for out in (csv_out, pq_out):
        proc = _cli("export", "events", "--store", str(store), "--out", str(out))
        assert proc.returncode == 0, proc.stderr
        assert f"wrote {len(_records())} events x {len(COLUMN_NAMES)} columns" in proc.stderr
    frame = api.events_frame(store)
    from_csv = pd.read_csv(csv_out, dtype=CODE_COLUMNS)
    from_pq = pd.read_parquet(pq_out)
    assert list(from_csv.columns) == list(from_pq.columns) == list(COLUMN_NAMES)
    assert len(from_csv) == len(from_pq) == len(frame) == len(_records())
    pd.testing.assert_frame_equal(from_pq, frame, check_dtype=False)  # int8 vs nullable Int8
    pd.testing.assert_frame_equal(from_csv, frame, check_dtype=False)
    assert from_csv["cameo_code"].str.len().min() >= 3  # leading zeros kept ("054")
    # DuckDB reads both; typed columns stay typed, and the two files agree row for row
    con = duckdb.connect()
    q = ("SELECT event_id, cameo_code, quad_class, goldstein, negated, confidence, date_source, url "
         "FROM {src} ORDER BY event_id")
    rows_pq = con.execute(q.format(src=f"read_parquet('{pq_out}')")).fetchall()
    rows_csv = con.execute(q.format(
        src=f"read_csv('{csv_out}', types={{'cameo_code': 'VARCHAR', 'cameo_root': 'VARCHAR'}})")).fetchall()
    assert rows_pq == rows_csv and len(rows_pq) == len(_records())
    kinds = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{pq_out}'))").fetchall())
    assert (kinds["quad_class"], kinds["goldstein"], kinds["negated"], kinds["start"]) == \
        ("TINYINT", "DOUBLE", "BOOLEAN", "BIGINT")
    per_quad = dict(con.execute(f"SELECT quad_class, count(*) FROM read_parquet('{pq_out}') GROUP BY 1").fetchall())
    assert sum(per_quad.values()) == len(_records()) and set(per_quad) <= {1, 2, 3, 4}


def test_table_values_follow_the_model_and_the_goldstein_data(store):
    frame = api.events_frame(store).set_index("event_id")
    by_id = {r["id"]: r for r in _records()}
    arts = {a.id: a for a in _articles()}
    table = _goldstein_file()
    for eid, rec in by_id.items():
        row = pd.Series({k: None if pd.isna(v) else v for k, v in frame.loc[eid].items()}, dtype=object)
        assert (row.source_id, row.target_id, row.relation, row.cameo_code) == \
            (rec["source"]["id"], rec["target"]["id"], rec["relation"], rec["cameo"])
        assert (row.source_country, row.target_role) == (rec["source"]["country"], rec["target"]["role"])
        assert row.goldstein == table[rec["cameo"]]  # every sample code is listed exactly
        assert row.cameo_root == rec["cameo"][:2]
        assert row.quad_class == {**dict.fromkeys(range(1, 6), 1), **dict.fromkeys(range(6, 9), 2),
                                  **dict.fromkeys(range(9, 14), 3)}.get(int(rec["cameo"][:2]), 4)
        assert bool(row.negated) == rec["negated"] and row.sentence == rec["sentence"]
        if rec.get("reported_by"):
            assert row.reported_by_name == rec["reported_by"]["name"]
        art = arts.get(rec["article_id"])
        if art is not None:
            assert (row.url, row.publisher, row.title) == (art.url, art.source, art.title)


def test_events_frame_of_events_files_equals_the_store_table(store, events_jsonl, tmp_path):
    """ONE table: a store, its events.jsonl and an events Parquet give the same rows."""
    from_store = api.events_frame(store)
    event_cols = [c for c in COLUMN_NAMES if c not in ("url", "publisher", "title", "published")]
    from_jsonl = api.events_frame(events_jsonl)  # JSONL records carry no article metadata
    pd.testing.assert_frame_equal(from_jsonl[event_cols], from_store[event_cols])
    parquet = tmp_path / "events.parquet"
    sink = ParquetSink(str(parquet))
    arts = {a.id: a for a in _articles()}
    for art_id in dict.fromkeys(r["article_id"] for r in _records()):
        sink.add(arts.get(art_id, Article(id=art_id)), [r for r in _records() if r["article_id"] == art_id])
    sink.close()
    pd.testing.assert_frame_equal(api.events_frame(parquet), from_store)
    proc = _cli("export", "events", "--events", str(parquet), "--out", str(tmp_path / "t.parquet"), "-q")
    assert proc.returncode == 0 and proc.stderr == ""
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t.parquet"), from_store, check_dtype=False)


def test_bad_events_lines_are_reported_and_the_rest_exported(events_jsonl, tmp_path):
    bad = tmp_path / "mixed.jsonl"
    lines = events_jsonl.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([lines[0], "{not json", json.dumps({"article_id": "x", "id": "e"}), *lines[1:]]) + "\n",
                   encoding="utf-8")
    out = tmp_path / "t.csv"
    proc = _cli("export", "events", "--events", str(bad), "--out", str(out), "-q")
    assert proc.returncode == 1
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 2 and errors[0].startswith(f"graphbuild export events: {bad}:2: malformed JSON")
    assert f"{bad}:3: " in errors[1]
    assert len(pd.read_csv(out)) == len(lines)


@pytest.mark.parametrize("argv, message", [
    (["--out", "t.xlsx"], "cannot tell the format of t.xlsx"),
    (["--store", "/nonexistent/graph.lbdb", "--out", "t.csv"], "no store at /nonexistent/graph.lbdb"),
    (["--events", "/nonexistent/e.jsonl", "--out", "t.csv"], "no events file at /nonexistent/e.jsonl"),
])
def test_export_events_errors_are_one_line_exit_2(tmp_path, argv, message):
    proc = _cli("export", "events", *argv, cwd=tmp_path)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and not list(tmp_path.iterdir())


# ------------------------------------------------------------------------ Goldstein / QuadClass data

def _goldstein_file() -> dict[str, float]:
    with open(ROOT / "data" / "cameo" / "goldstein.tsv", encoding="utf-8") as fh:
        header = [line for line in fh if line.startswith("#")]
    assert any("MIT" in line for line in header) and any("py-gdelt" in line for line in header)
    with open(ROOT / "data" / "cameo" / "goldstein.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))
    return {r["code"]: float(r["goldstein"]) for r in rows}


def test_goldstein_data_covers_every_code_the_extractor_emits():
    table = _goldstein_file()
    assert len(table) > 300 and all(-10 <= v <= 10 for v in table.values())
    assert all(cameo.root_code(c) is not None and c[:2] in table for c in table)  # codes well-formed, roots listed
    emitted = set()
    for name in ("events.tsv", "petrarch_verbs.tsv"):
        with open(ROOT / "data" / "lexicon" / name, encoding="utf-8") as fh:
            emitted |= {r["cameo"] for r in csv.DictReader((x for x in fh if not x.startswith("#")), delimiter="\t")}
    from graphbuild.vocab import relations
    emitted |= {r.default_cameo for r in relations().values()}
    assert emitted and not sorted(c for c in emitted if c not in table)


def test_quad_class_root_and_parent_fallback():
    assert [cameo.quad_class(c) for c in ("010", "057", "06", "0874", "09", "1385", "14", "204")] == \
        [1, 1, 2, 2, 3, 3, 4, 4]
    assert cameo.root_code("1123") == "11" and cameo.root_code("21") is None and cameo.root_code(None) is None
    assert cameo.goldstein("0874") == _goldstein_file()["0874"]
    assert cameo.goldstein("1129") == _goldstein_file()["112"]  # unlisted leaf: its parent's score
    assert cameo.goldstein("abc") is None and cameo.quad_class("") is None


# ------------------------------------------------------------------------ GraphML / GEXF

@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_read_back_by_networkx(store, tmp_path, fmt):
    out = tmp_path / f"graph.{fmt}"
    proc = _cli("export", fmt, "--store", str(store), "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    want = to_networkx(st.read_graph(store))
    got = nx.read_graphml(out, force_multigraph=True) if fmt == "graphml" else nx.read_gexf(out)
    assert isinstance(got, nx.MultiDiGraph)
    assert (got.number_of_nodes(), got.number_of_edges()) == (want.number_of_nodes(), want.number_of_edges())
    kind = "label" if fmt == "graphml" else "node_type"
    assert {n: d[kind] for n, d in got.nodes(data=True)} == {n: d["label"] for n, d in want.nodes(data=True)}
    assert got.nodes["Q30"]["name"] == "United States"
    etype = "type" if fmt == "graphml" else "relation"
    want_edges = sorted((u, v, d["type"], d.get("mentions")) for u, v, d in want.edges(data=True))
    got_edges = sorted((u, v, d[etype], int(d["mentions"]) if "mentions" in d else None)
                       for u, v, d in got.edges(data=True))
    assert got_edges == want_edges
    if fmt == "gexf":  # Gephi shows names and weighs analyst edges by mentions
        assert got.nodes["Q30"]["label"] == "United States"
        assert all(float(d["weight"]) == float(d.get("mentions", 1)) for _, _, d in got.edges(data=True))


def test_graphml_read_by_igraph_and_actors_only_view(store, tmp_path):
    igraph = pytest.importorskip("igraph")
    out = tmp_path / "actors.graphml"
    assert _cli("export", "graphml", "--store", str(store), "--out", str(out), "--actors-only", "-q").returncode == 0
    with pytest.warns(RuntimeWarning, match="already an 'id' vertex attribute"):  # ours holds the actor id
        g = igraph.Graph.Read_GraphML(str(out))
    assert sorted(g.vs["id"]) == sorted({x for e in st.read_graph(store).analyst_edges() for x in (e.source_id, e.target_id)})
    data = st.read_graph(store)
    edges = data.analyst_edges()
    assert g.ecount() == len(edges) and g.is_directed()
    assert set(g.vs["label"]) == {"Actor"}
    assert sorted(g.es["type"]) == sorted(e.relation for e in edges)
    assert sum(g.es["mentions"]) == sum(e.mentions for e in edges)


# ------------------------------------------------------------------------ DataFrame helper

def test_run_query_as_frame(store):
    cols, rows = st.run_query(store, "MATCH (a:Actor) RETURN a.id AS id, a.name AS name ORDER BY id")
    frame = st.run_query(store, "MATCH (a:Actor) RETURN a.id AS id, a.name AS name ORDER BY id", as_frame=True)
    assert list(frame.columns) == cols == ["id", "name"] and frame.values.tolist() == rows
    top = api.run_query(store, "top_actors", as_frame=True)  # a library query, its defaults bound
    cols, rows = api.run_query(store, "top_actors")
    assert list(top.columns) == cols and len(top) == len(rows) > 0
    empty = api.run_query(store, "MATCH (a:Actor) WHERE a.id = $x RETURN a.id AS id", {"x": "none"}, as_frame=True)
    assert list(empty.columns) == ["id"] and len(empty) == 0
    with pytest.raises(UserError, match="needs parameter actor"):
        api.run_query(store, "actor_timeline")
    timeline = api.run_query(store, "actor_timeline", {"actor": "United States"}, as_frame=True)
    assert len(timeline) > 0 and list(timeline.columns) == api.run_query(store, "actor_timeline", {"actor": "Q30"})[0]
    with pytest.raises(UserError):
        api.run_query(store, "MATCH (a:Actor) DETACH DELETE a")


# ------------------------------------------------------------------------ older stores

def test_store_written_before_date_source_is_read_and_migrated(tmp_path):
    """A store whose Event table predates date_source/date_period: read (NULL), then migrated."""
    import ladybug
    from graphbuild.model import EVENT_PROPS
    path = tmp_path / "old.lbdb"
    old_props = tuple(p for p in EVENT_PROPS if p not in ("date_source", "date_period"))
    db = ladybug.Database(str(path))
    conn = ladybug.Connection(db)
    for stmt in st.schema_statements():
        if stmt.startswith("CREATE NODE TABLE IF NOT EXISTS Event("):
            stmt = f"CREATE NODE TABLE IF NOT EXISTS Event({st._columns(old_props, st._EVENT_TYPES)})"
        conn.execute(stmt)
    conn.execute("CREATE (:Actor {id: 'a', name: 'A', kind: 'COUNTRY', aliases: []}), "
                 "(:Actor {id: 'b', name: 'B', kind: 'COUNTRY', aliases: []}), (:Article {id: 'art'})")
    conn.execute("CREATE (:Event {id: 'e1', article_id: 'art', field: 'text', relation: 'BLAMED', cameo: '112', "
                 "negated: false, modality: 'asserted', confidence: 0.5, trigger: 'blamed', sentence: 'A blamed B.', "
                 "start: 0, `end`: 11})")
    for rel, var in (("SOURCE", "a"), ("TARGET", "b")):
        conn.execute(f"MATCH (e:Event {{id: 'e1'}}), (x:Actor {{id: '{var}'}}) CREATE (e)-[:{rel}]->(x)")
    conn.execute("MATCH (e:Event {id: 'e1'}), (x:Article {id: 'art'}) CREATE (e)-[:REPORTED_IN]->(x)")
    conn.close()
    db.close()
    data = st.read_graph(path)  # read-only: the missing columns read as NULL
    assert (data.events["e1"].date_source, data.events["e1"].date_period) == (None, None)
    assert api.events_frame(path)["goldstein"].tolist() == [-4.0]
    with st.open_store(path) as s:  # opened for writing: the columns are added
        assert s.missing_event_props() == []
        data = GraphData()
        data.add_records(_records()[:2])
        st.write_graph(s, data)
    assert {e.date_source for e in st.read_graph(path).events.values()} == {None, "text", "article"}


def test_rdf_carries_date_source_and_period():
    from rdflib import Literal

    from graphbuild.sinks import rdf
    data = _data()
    g = rdf.graph_to_rdf(data, dataset=False)
    gb = rdf.Namespaces(rdf.DEFAULT_BASE_IRI).gb
    sources = {str(o) for o in g.objects(None, gb.dateSource)}
    assert sources == {"text", "article"}
    assert set(g.objects(None, gb.datePeriod)) == {Literal("2019-03")}
    assert rdf.validate(g).conforms


def test_docs_list_every_column():
    doc = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    assert all(f"| `{c}` |" in doc for c in COLUMN_NAMES)
