"""queries/sparql/*.rq on the RDF export of a fixture build: rdflib and pyoxigraph give the same
rows as each other AND as the Cypher twin (queries/<name>.cypher) on the embedded store."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graphbuild.errors import UserError
from graphbuild.model import Article
from graphbuild.paths import QUERIES_DIR
from graphbuild.sinks import rdf

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
OTHER_BASE = "https://kg.example.net/data/"

#: (query, parameters, minimum rows the fixtures must give: a query answering nothing proves nothing)
CASES = [
    ("recognized_whom", {}, 2),
    ("blamed_whom", {}, 2),
    ("blamed_whom", {"limit": 1}, 1),
    ("most_blamed", {}, 2),
    ("most_blamed", {"limit": 1}, 1),
    ("actor_timeline", {"actor": "Maduro"}, 4),
    ("actor_timeline", {"actor": "q30"}, 5),
    ("actor_timeline", {"actor": "Juan Guaidó"}, 4),
    ("actor_timeline", {"actor": "Seán \"The Fox\" O'Brien <x> #1 — مرحبا 🦊"}, 2),
    ("actor_timeline", {"actor": "Q30", "limit": 2}, 2),
    ("relations_between", {"actor": "United States", "other": "Q717"}, 2),
    ("relations_between", {"actor": "Juan Guaidó", "other": "the U.S."}, 2),
    ("relations_between", {"actor": "European Union", "other": "Russia"}, 1),
    ("who_recognized", {"actor": "Juan Guaido"}, 2),
    # hostile parameter values: bound as literals, never parsed as SPARQL / Cypher
    ("actor_timeline", {"actor": 'x" ) } UNION { ?e ?p ?o } #'}, 0),
    ("relations_between", {"actor": "Q30", "other": "' OR 1=1 //"}, 0),
]


def _norm(row) -> tuple:
    return tuple(round(v, 6) if isinstance(v, float) else v for v in row)


@pytest.fixture(scope="module")
def build(tmp_path_factory):
    """A store built from the fixtures by the STORE helper's functions, and its RDF export."""
    store_mod = pytest.importorskip("graphbuild.sinks.store")
    from graphbuild.commands.build import build_from_records

    out = tmp_path_factory.mktemp("sparql")
    store_path = out / "graph.lbdb"
    articles = [Article(**json.loads(line)) for line in open(FIXTURES / "sample_articles.jsonl", encoding="utf-8")]
    records = [json.loads(line) for line in open(FIXTURES / "sample_events.jsonl", encoding="utf-8")]
    build_from_records(store_path, articles, records)
    data = store_mod.read_graph(store_path)
    exports = {}
    for name, base, fmt in [("trig", rdf.DEFAULT_BASE_IRI, "trig"), ("ttl", rdf.DEFAULT_BASE_IRI, "turtle"),
                            ("other", OTHER_BASE, "nq")]:
        path = out / f"graph-{name}.{fmt}"
        rdf.write_rdf(data, path, fmt, base)
        exports[name] = path
    ds = rdflib.Dataset(default_union=True)
    ds.parse(str(exports["trig"]), format="trig")
    oxs = ox.Store()
    oxs.load(path=str(exports["trig"]), format=ox.RdfFormat.TRIG)
    return {"store": store_path, "store_mod": store_mod, "exports": exports, "rdflib": ds, "oxigraph": oxs}


def cypher_rows(build, name: str, params: dict) -> list[tuple]:
    from graphbuild.commands import query as q
    query = q.parse_query(QUERIES_DIR / f"{name}.cypher", name)  # defaults: $limit, the filters
    _cols, rows = build["store_mod"].run_query(build["store"], query.text, q.bind(query, params))
    return [_norm(r) for r in rows]


@pytest.mark.parametrize("name, params, at_least", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_sparql_matches_cypher_with_rdflib_and_oxigraph(build, name, params, at_least):
    with_rdflib = [_norm(r) for r in rdf.run_sparql_rdflib(build["rdflib"], name, params)]
    with_oxigraph = [_norm(r) for r in rdf.run_sparql_oxigraph(build["oxigraph"], name, params)]
    if at_least == 0:  # a hostile name matches no actor: SPARQL finds nothing, the store says so
        assert with_rdflib == with_oxigraph == []
        with pytest.raises(UserError, match="no actor matches|did you mean|unknown"):
            cypher_rows(build, name, params)
        return
    cypher = cypher_rows(build, name, params)
    assert with_rdflib == with_oxigraph
    assert with_rdflib == cypher
    assert len(cypher) >= at_least
    if at_least == 0:
        assert cypher == []


def test_one_line_shortcut_pattern_answers_who_recognized_whom(build):
    """The issue's promise: ``?a gb:recognized ?b`` alone, on the plain Turtle export."""
    g = rdflib.Graph().parse(str(build["exports"]["ttl"]), format="turtle")
    q = ("PREFIX gb: <https://graphbuild.example.org/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
         "SELECT ?a ?b WHERE { ?x gb:recognized ?y . ?x rdfs:label ?a . ?y rdfs:label ?b } ORDER BY ?a")
    assert [(str(a), str(b)) for a, b in g.query(q)] == [("European Union", "Juan Guaidó"),
                                                         ("United States", "Juan Guaidó")]


def test_queries_work_on_turtle_and_on_another_base_iri(build):
    g = rdflib.Graph().parse(str(build["exports"]["ttl"]), format="turtle")
    other = ox.Store()
    other.load(path=str(build["exports"]["other"]), format=ox.RdfFormat.N_QUADS)
    for name, params, _ in CASES:
        reference = rdf.run_sparql_oxigraph(build["oxigraph"], name, params)
        assert rdf.run_sparql_rdflib(g, name, params) == reference, (name, params)
        assert rdf.run_sparql_oxigraph(other, name, params, base_iri=OTHER_BASE) == reference, (name, params)
    # without moving the gb: prefix, the shortcut-based queries find nothing under another base
    assert rdf.run_sparql_oxigraph(other, "recognized_whom") == []


def test_every_query_has_a_header_and_a_cypher_twin():
    queries = rdf.sparql_queries()
    assert {"recognized_whom", "blamed_whom", "most_blamed", "actor_timeline", "relations_between"} <= set(queries)
    for name, q in queries.items():
        header = q.text.split("PREFIX", 1)[0]
        for field in ("Parameters:", "Example:", "Columns:"):
            assert field in header, (name, field)
        assert (QUERIES_DIR / f"{name}.cypher").exists(), name
        for param in q.params:  # declared parameters are used, and never spliced in by us
            assert f"?{param}" in q.text.split("WHERE", 1)[1]


def test_parameter_errors_are_user_errors(build):
    with pytest.raises(UserError, match="missing: actor"):
        rdf.run_sparql_rdflib(build["rdflib"], "actor_timeline", {})
    with pytest.raises(UserError, match="unknown: nope"):
        rdf.run_sparql_oxigraph(build["oxigraph"], "recognized_whom", {"nope": 1})
    with pytest.raises(UserError, match="no SPARQL query"):
        rdf.run_sparql_oxigraph(build["oxigraph"], "drop_everything", {})
    with pytest.raises(UserError, match="limit must be an integer"):
        rdf.run_sparql_oxigraph(build["oxigraph"], "blamed_whom", {"limit": "ten"})
