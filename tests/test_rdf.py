"""RDF export: model, IRIs, every format re-parsed by rdflib AND pyoxigraph, SHACL validation
(good exports conform, broken graphs do not), adversarial names, determinism, CLI and build hook."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from graphbuild.errors import UserError
from graphbuild.merge import GraphData, load_events_jsonl
from graphbuild.model import Actor, Article, Event
from graphbuild.sinks import rdf
from graphbuild.vocab import relations

# rdflib's own parsers use its deprecated ConjunctiveGraph API internally: not our warnings.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
BASE = rdf.DEFAULT_BASE_IRI
GB = rdflib.Namespace(BASE + "ontology#")
SEM, SCHEMA, NIF = rdf.SEM, rdf.SCHEMA, rdf.NIF

OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
              "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
RDFLIB_FORMATS = {"turtle": "turtle", "trig": "trig", "nt": "nt", "nq": "nquads", "jsonld": "json-ld",
                  "xml": "xml"}
SUFFIX = {"turtle": ".ttl", "trig": ".trig", "nt": ".nt", "nq": ".nq", "jsonld": ".jsonld", "xml": ".rdf"}


def fixture_data() -> GraphData:
    data = load_events_jsonl(FIXTURES / "sample_events.jsonl")
    with open(FIXTURES / "sample_articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            data.add_article(Article(**json.loads(line)))
    return data


def parse_rdflib(path: Path, fmt: str) -> rdflib.Dataset:
    ds = rdflib.Dataset()
    ds.parse(str(path), format=RDFLIB_FORMATS[fmt])
    return ds


def parse_oxigraph(path: Path, fmt: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=OX_FORMATS[fmt])
    return store


def quads(ds: rdflib.Dataset) -> list:
    return list(ds.quads((None, None, None, None)))


def as_graph(ds: rdflib.Dataset) -> rdflib.Graph:
    g = rdflib.Graph()
    for q in quads(ds):
        g.add(q[:3])
    return g


@pytest.fixture(scope="module")
def data() -> GraphData:
    return fixture_data()


@pytest.fixture(scope="module")
def exports(data, tmp_path_factory) -> dict[str, tuple[Path, int]]:
    out = tmp_path_factory.mktemp("rdf")
    return {fmt: (out / f"graph{SUFFIX[fmt]}", rdf.write_rdf(data, out / f"graph{SUFFIX[fmt]}"))
            for fmt in rdf.FORMATS}


@pytest.fixture(scope="module")
def graph(data) -> rdflib.Graph:
    return rdf.graph_to_rdf(data, dataset=False)


# ----------------------------------------------------------------------------- IRIs

ADVERSARIAL = [
    "person-o-brien-<x>", 'Seán "The Fox" O\'Brien <x> #1', "a b", "a/b", "a#b", "a?b=c&d", "100%",
    "..", ".", "", "!", "مرحبا", "日本語", "🦊", "tab\there", "new\nline", "back\\slash", "{}|^`",
    "a%2Fb", "A", "a",
]


def test_iri_segments_are_valid_injective_and_deterministic():
    ns = rdf.Namespaces(BASE)
    iris = [str(ns.actor(v)) for v in ADVERSARIAL]
    assert len(set(iris)) == len(ADVERSARIAL), "two ids share an IRI"
    assert iris == [str(ns.actor(v)) for v in ADVERSARIAL]
    doc = "".join(f"<{iri}> <{RDFS.label}> \"x\" .\n" for iri in iris)
    assert len(rdflib.Graph().parse(data=doc, format="nt")) == len(iris)
    assert len(list(ox.parse(doc, format=ox.RdfFormat.N_TRIPLES))) == len(iris)
    for iri in iris:
        tail = iri[len(BASE + "actor/"):]
        assert tail and tail not in (".", "..") and "/" not in tail and "#" not in tail
        assert all(ord(c) < 128 for c in iri)  # percent-encoded UTF-8: a valid URI too


def test_lower_camel_shortcuts():
    assert rdf.lower_camel("RECOGNIZED") == "recognized"
    assert rdf.lower_camel("PROVIDED_AID") == "providedAid"
    assert rdf.lower_camel("REDUCED_RELATIONS") == "reducedRelations"
    names = [rdf.lower_camel(r) for r in relations()]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("bad", ["relative/path", "https://x.org/a b", "https://x.org/<x>", "http://x.org/#a#",
                                 'https://x.org/"'])
def test_bad_base_iri_is_a_user_error(bad):
    with pytest.raises(UserError):
        rdf.check_base_iri(bad)


def test_base_iri_gets_a_trailing_slash():
    assert rdf.check_base_iri("https://data.example.com/kg") == "https://data.example.com/kg/"
    assert rdf.check_base_iri("https://data.example.com/kg#") == "https://data.example.com/kg#"


# ----------------------------------------------------------------------------- the model


def test_guaido_recognition_model(graph):
    ns = rdf.Namespaces(BASE)
    usa, guaido = ns.actor("Q30"), ns.actor("person-juan-guaido")
    assert (usa, GB.recognized, guaido) in graph
    assert (usa, OWL.sameAs, URIRef("http://www.wikidata.org/entity/Q30")) in graph
    assert (usa, RDF.type, SCHEMA.Country) in graph and (usa, RDF.type, SEM.Actor) in graph
    assert (guaido, RDF.type, SCHEMA.Person) in graph
    assert (guaido, RDFS.label, Literal("Juan Guaidó")) in graph
    assert (guaido, GB.role, Literal("OPP")) in graph and (guaido, GB.country, Literal("VEN")) in graph
    assert not list(graph.objects(guaido, OWL.sameAs))  # no Wikidata id known
    ev = ns.event("ev-e2aacd1951ec437b")
    for p, o in [(RDF.type, SEM.Event), (RDF.type, SCHEMA.Action), (SCHEMA.agent, usa),
                 (SCHEMA.object, guaido), (SEM.hasActor, usa), (SEM.hasActor, guaido),
                 (SEM.eventType, ns.concept("RECOGNIZED")),
                 (SEM.hasTimeStamp, Literal("2019-03-12", datatype=XSD.date)),
                 (GB.negated, Literal(False)), (GB.modality, Literal("asserted")),
                 (GB.confidence, Literal("0.9", datatype=XSD.decimal)),
                 (rdflib.PROV.wasDerivedFrom, ns.article("art-venezuela-1"))]:
        assert (ev, p, o) in graph, (p, o)
    frag = URIRef(f"{BASE}article/art-venezuela-1#char=94,187")
    assert (ev, GB.evidence, frag) in graph
    assert str(graph.value(frag, NIF.anchorOf)).startswith("The U.S. and other allies have recognized")
    art = ns.article("art-venezuela-1")
    assert (art, RDF.type, SCHEMA.NewsArticle) in graph
    assert (art, SCHEMA.url, URIRef("https://example.org/news/venezuela-1")) in graph
    assert (art, SCHEMA.datePublished, Literal("2019-03-12", datatype=XSD.date)) in graph
    assert graph.value(art, SCHEMA.headline) == Literal("All U.S. Embassy Personnel Now Withdrawing From Venezuela")
    concept = ns.concept("RECOGNIZED")
    notations = {(str(n), n.datatype) for n in graph.objects(concept, rdflib.SKOS.notation)}
    assert notations == {("RECOGNIZED", GB.RelationName), ("054", GB.CAMEOCode), ("SUPPORT", GB.PLOVERCode)}
    edge = ns.edge("Q30", "RECOGNIZED", "person-juan-guaido")
    assert graph.value(edge, GB.mentions) == Literal(2)
    assert graph.value(edge, GB.articleCount) == Literal(2)
    assert set(graph.objects(edge, GB.supportedBy)) == {ns.event("ev-e2aacd1951ec437b"), ns.event("ev-98f3cc1609cfbc3f")}


def test_title_sentence_fragment_is_not_the_body(graph):
    ns = rdf.Namespaces(BASE)
    frag = graph.value(ns.event("ev-4a0a16ec5984931a"), GB.evidence)
    assert str(frag) == f"{BASE}article/art-venezuela-2/title#char=0,15"
    assert graph.value(frag, GB.field) == Literal("title")
    assert graph.value(frag, NIF.anchorOf) == Literal("EU backs Guaidó")


def test_shortcuts_match_analyst_edges_exactly(data, graph):
    """One shortcut triple per analyst edge and no other: negated / hypothetical mentions
    (Russia did not recognize Guaidó; a hypothetical US sanction) give none."""
    ns = rdf.Namespaces(BASE)
    expected = {(ns.actor(e.source_id), ns.shortcut(e.relation), ns.actor(e.target_id)) for e in data.analyst_edges()}
    shortcuts = {p for p in graph.subjects(RDF.type, GB.RelationProperty)}
    found = {(s, p, o) for s, p, o in graph if p in shortcuts}
    assert found == expected
    assert (ns.actor("Q159"), GB.recognized, ns.actor("person-juan-guaido")) not in graph
    assert (ns.actor("Q30"), GB.sanctioned, ns.actor("Q159")) not in graph


def test_every_term_used_is_defined_with_label_and_comment(graph):
    """Every gb: predicate and class in an export has rdfs:label and rdfs:comment (ontology file
    or generated vocabulary): catches a typo'd or undocumented term."""
    used = {p for _, p, _ in graph if str(p).startswith(str(GB))}
    used |= {o for _, p, o in graph if p == RDF.type and str(o).startswith(str(GB))}
    used |= {o.datatype for _, _, o in graph if isinstance(o, Literal) and str(o.datatype or "").startswith(str(GB))}
    assert GB.recognized in used and GB.AnalystEdge in used and GB.CAMEOCode in used
    for term in used:
        assert graph.value(term, RDFS.label) is not None, term
        assert graph.value(term, RDFS.comment) is not None, term
    assert (URIRef(BASE + "ontology"), RDF.type, OWL.Ontology) in graph


def test_named_graphs_one_per_article(data):
    ds = rdf.graph_to_rdf(data)
    ns = rdf.Namespaces(BASE)
    named = {g.identifier for g in ds.graphs() if g.identifier != ds.default_graph.identifier and len(g)}
    assert named == {ns.graph(a) for a in data.articles}
    g1 = ds.graph(ns.graph("art-venezuela-1"))
    assert (ns.event("ev-e2aacd1951ec437b"), RDF.type, SEM.Event) in g1
    assert (ns.event("ev-d2dfb81976f74f76"), RDF.type, SEM.Event) not in g1  # article 2's event
    default = ds.default_graph
    assert (ns.actor("Q30"), GB.recognized, ns.actor("person-juan-guaido")) in default
    assert not list(default.subjects(RDF.type, SEM.Event))


# ----------------------------------------------------------------------------- formats


@pytest.mark.parametrize("fmt", list(rdf.FORMATS))
def test_every_format_reparses_to_the_same_count_with_rdflib_and_oxigraph(exports, data, fmt):
    path, written = exports[fmt]
    expected = sum(1 for _ in rdf.iter_quads(data))
    assert written == expected
    ds = parse_rdflib(path, fmt)
    store = parse_oxigraph(path, fmt)
    assert len(quads(ds)) == expected
    assert len(store) == expected
    if rdf.FORMATS[fmt][1]:  # named graphs survive, the default graph stays the default graph
        assert len(list(store.named_graphs())) == len(data.articles)
        assert all(isinstance(g, ox.NamedNode) for g in store.named_graphs())
        default = sum(1 for q in store if q.graph_name == ox.DefaultGraph())
        assert default == sum(1 for q in rdf.iter_quads(data) if q[3] is None)


@pytest.mark.parametrize("fmt", list(rdf.FORMATS))
def test_every_format_validates_with_shacl(exports, fmt):
    path, _ = exports[fmt]
    result = rdf.validate(parse_rdflib(path, fmt))
    assert result.conforms, result.report


@pytest.mark.parametrize("fmt", ["turtle", "trig", "jsonld", "xml"])
def test_every_format_holds_the_same_triples_as_the_streamed_ntriples(exports, fmt):
    reference = set(parse_rdflib(exports["nt"][0], "nt").triples((None, None, None)))
    other = {q[:3] for q in quads(parse_rdflib(exports[fmt][0], fmt))}
    assert other == reference


def test_streaming_ntriples_escape_like_rdflib():
    """Our fast N-Triples writer and rdflib agree on every awkward literal."""
    values = ["plain", 'quote " and \\ backslash', "new\nline\r\ncrlf\ttab", "\x00\x01\x7f\x1b",
              "مرحبا 🦊 日本", "\u2028\u2029", "ends with quote\"", '"""']
    lines = [f"<urn:s> <urn:p> {rdf.nt_term(Literal(v))} .\n" for v in values]
    lines.append(f"<urn:s> <urn:p> {rdf.nt_term(Literal('x', lang='en'))} .\n")
    lines.append(f"<urn:s> <urn:p> {rdf.nt_term(Literal('1.5', datatype=XSD.decimal))} .\n")
    doc = "".join(lines)
    parsed = rdflib.Graph().parse(data=doc, format="nt")
    assert {str(o) for o in parsed.objects()} >= set(values)
    oxi = [t.object.value for t in ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)]
    assert oxi[: len(values)] == values


# ----------------------------------------------------------------------------- SHACL


def _event(graph):
    return rdf.Namespaces(BASE).event("ev-e2aacd1951ec437b")


def _drop_agent(g):
    g.remove((_event(g), SCHEMA.agent, None))


def _second_label(g):
    g.add((rdf.Namespaces(BASE).actor("Q30"), RDFS.label, Literal("USA")))


def _confidence_out_of_range(g):
    g.set((_event(g), GB.confidence, Literal("1.5", datatype=XSD.decimal)))


def _negated_not_boolean(g):
    g.set((_event(g), GB.negated, Literal("no")))


def _fragment_offsets_mismatch(g):
    frag = URIRef(f"{BASE}article/art-venezuela-1#char=94,187")
    g.set((frag, NIF.beginIndex, Literal("95", datatype=XSD.nonNegativeInteger)))


def _shortcut_without_edge(g):
    ns = rdf.Namespaces(BASE)
    g.add((ns.actor("Q159"), GB.recognized, ns.actor("person-juan-guaido")))


def _edge_supported_by_negated_event(g):
    ns = rdf.Namespaces(BASE)
    g.add((ns.edge("Q30", "RECOGNIZED", "person-juan-guaido"), GB.supportedBy, ns.event("ev-6dd00f26dd87d00e")))


def _bad_modality(g):
    g.set((_event(g), GB.modality, Literal("rumoured")))


def _event_type_not_a_concept(g):
    g.set((_event(g), SEM.eventType, URIRef(BASE + "relations/INVADED")))


def _wrong_kind_class(g):
    g.remove((rdf.Namespaces(BASE).actor("Q30"), RDF.type, SCHEMA.Country))


def _bad_wikidata(g):
    g.set((rdf.Namespaces(BASE).actor("Q30"), OWL.sameAs, URIRef("https://example.org/Q30")))


BROKEN = {
    "missing agent": (_drop_agent, "agent"),
    "two labels": (_second_label, "label"),
    "confidence 1.5": (_confidence_out_of_range, "confidence"),
    "negated not boolean": (_negated_not_boolean, "negated"),
    "fragment offsets": (_fragment_offsets_mismatch, "#char="),
    "shortcut without edge": (_shortcut_without_edge, "AnalystEdge"),
    "edge supported by negated event": (_edge_supported_by_negated_event, "supporting event"),
    "unknown modality": (_bad_modality, "modality"),
    "event type not a concept": (_event_type_not_a_concept, "eventType"),
    "kind without class": (_wrong_kind_class, "kind"),
    "non-wikidata sameAs": (_bad_wikidata, "sameAs"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_graph_does_not_validate(graph, name):
    mutate, needle = BROKEN[name]
    broken = rdflib.Graph()
    for t in graph:
        broken.add(t)
    mutate(broken)
    result = rdf.validate(broken)
    assert not result.conforms
    assert needle in result.report, result.report


# ----------------------------------------------------------------------------- adversarial


NASTY = 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊 > \n second line \t\u202eRTL override\u202c end\\'


def nasty_data() -> GraphData:
    data = GraphData()
    a = Actor(id='id "with" <quotes> & #hash / slash ?q=1 🦊', name=NASTY, kind="PERSON", country="IRL",
              role="OPP", aliases=["שלום", "line\nbreak", NASTY])
    b = Actor(id="עברית-actor", name="עברית — اسم بالعربية", kind="ORGANIZATION", role="NGO")
    c = Actor(id="..", name="dots", kind="OTHER")
    for actor in (a, b, c):
        data.actors[actor.id] = actor
    art = Article(id="art weird/ü #3 <>\"", title='Title "quoted" <tag> \n new line', url="https://example.org/a b?x=<1>",
                  published="2020-05-01T10:30:00Z", source="feed \"x\"", sha256="0" * 64)
    data.add_article(art)
    sentence = f"{NASTY} criticised עברית.\r\nAnd then 🦊."
    data.events["ev <1>"] = Event(id="ev <1>", article_id=art.id, relation="CRITICIZED", cameo="111", plover="ACCUSE",
                                  source_id=a.id, target_id=b.id, date="2020-05", confidence=1e-05, trigger="criticised",
                                  sentence=sentence, start=0, end=len(sentence))
    data.events["ev #2"] = Event(id="ev #2", article_id=art.id, relation="BLAMED", cameo="112", plover="ACCUSE",
                                 source_id=b.id, target_id=c.id, date="not a date", negated=False, modality="reported",
                                 confidence=1.0, sentence="x", start=5, end=6, reported_by_id=a.id)
    data.events["ev #3"] = Event(id="ev #3", article_id=art.id, relation="ATTACKED", cameo="190", plover="ASSAULT",
                                 source_id=c.id, target_id=c.id, date=None, confidence=0.5, sentence="", start=7, end=7)
    return data


@pytest.mark.parametrize("fmt", list(rdf.FORMATS))
def test_adversarial_names_export_reparse_and_validate(tmp_path, fmt):
    data = nasty_data()
    path = tmp_path / f"nasty{SUFFIX[fmt]}"
    written = rdf.write_rdf(data, path, fmt)
    ds = parse_rdflib(path, fmt)
    assert len(quads(ds)) == written == len(parse_oxigraph(path, fmt))
    g = as_graph(ds)
    ns = rdf.Namespaces(BASE)
    actor = ns.actor('id "with" <quotes> & #hash / slash ?q=1 🦊')
    assert g.value(actor, RDFS.label) == Literal(NASTY)
    assert g.value(actor, rdflib.namespace.DCTERMS.identifier) == Literal('id "with" <quotes> & #hash / slash ?q=1 🦊')
    sentence = f"{NASTY} criticised עברית.\r\nAnd then 🦊."
    assert Literal(sentence) in set(g.objects(None, NIF.anchorOf))
    assert (ns.actor(".."), RDF.type, SEM.Actor) in g
    result = rdf.validate(ds)
    assert result.conforms, result.report


def test_dates_and_decimals_are_typed():
    assert rdf.date_literal("2019-03-12").datatype == XSD.date
    assert rdf.date_literal("2019-03").datatype == XSD.gYearMonth
    assert rdf.date_literal("2019").datatype == XSD.gYear
    assert rdf.date_literal("2020-05-01T10:30Z") == Literal("2020-05-01T10:30:00+00:00", datatype=XSD.dateTime)
    assert rdf.date_literal("2019-02-30") is None and rdf.date_literal("soon") is None
    assert str(rdf.decimal_literal(1e-05)) == "0.00001"
    assert str(rdf.decimal_literal(1)) == "1.0"


# ----------------------------------------------------------------------------- determinism

_SCRIPT = """
import sys
sys.path.insert(0, {root!r})
from tests.test_rdf import fixture_data
from graphbuild.sinks import rdf
rdf.write_rdf(fixture_data(), sys.argv[1], "nt")
rdf.write_rdf(fixture_data(), sys.argv[2], "turtle")
"""


def test_same_input_same_output_across_processes(tmp_path):
    outs = []
    for seed in ("1", "2"):
        nt, ttl = tmp_path / f"{seed}.nt", tmp_path / f"{seed}.ttl"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run([sys.executable, "-c", _SCRIPT.format(root=str(ROOT)), str(nt), str(ttl)],
                       check=True, env=env, cwd=ROOT)
        outs.append((nt.read_bytes(), ttl))
    assert outs[0][0] == outs[1][0]  # N-Triples: byte-identical
    iris = [{t for t in rdflib.Graph().parse(str(p), format="turtle").all_nodes() if isinstance(t, URIRef)}
            for _, p in outs]
    assert iris[0] == iris[1]


# ----------------------------------------------------------------------------- base IRI


def test_base_iri_moves_every_project_iri(tmp_path, data):
    base = "https://data.example.com/kg/"
    path = tmp_path / "g.trig"
    rdf.write_rdf(data, path, base_iri=base)
    ds = parse_rdflib(path, "trig")
    terms = {str(t) for q in quads(ds) for t in q if isinstance(t, URIRef)}
    assert not [t for t in terms if t.startswith(BASE)]
    assert f"{base}ontology#recognized" in terms and f"{base}actor/Q30" in terms
    result = rdf.validate(ds, base)  # the shapes moved under the same base
    assert result.conforms, result.report
    assert not rdf.validate(ds, BASE).conforms  # shapes under another base reject it


# ----------------------------------------------------------------------------- CLI and build hook


def _export_parser() -> argparse.ArgumentParser:
    from graphbuild.commands import export

    parser = argparse.ArgumentParser(prog="graphbuild")
    export.register(parser.add_subparsers(dest="command"))
    return parser


def _run(argv: list[str]) -> int:
    args = _export_parser().parse_args(argv)
    return args.func(args)


def test_export_command_from_events(tmp_path):
    out = tmp_path / "g.nq"
    assert _run(["export", "rdf", "--events", str(FIXTURES / "sample_events.jsonl"), "--out", str(out), "--quiet"]) == 0
    assert len(parse_oxigraph(out, "nq")) > 500


@pytest.mark.parametrize("argv, message", [
    (["--store", "/nonexistent/graph.lbdb", "--out", "x.ttl"], "no store"),
    (["--events", "/nonexistent/events.jsonl", "--out", "x.ttl"], "no events file"),
    (["--events", str(FIXTURES / "sample_events.jsonl"), "--out", "x.ttl", "--format", "rdfa"], "unknown RDF format"),
    (["--events", str(FIXTURES / "sample_events.jsonl"), "--out", "x.unknown"], "cannot infer"),
    (["--events", str(FIXTURES / "sample_events.jsonl"), "--out", "/nonexistent/dir/x.ttl"], "does not exist"),
    (["--events", str(FIXTURES / "sample_events.jsonl"), "--out", "x.ttl", "--base-iri", "not an iri"], "base-iri"),
])
def test_export_command_errors_are_one_line(tmp_path, argv, message):
    with pytest.raises(UserError) as exc:
        _run(["export", "rdf", *argv])
    assert message in str(exc.value) and "\n" not in str(exc.value)


def test_export_cli_exit_code_2(tmp_path):
    """Through the real ``graphbuild`` entry point: one line on stderr, exit 2."""
    code = ("import sys; from graphbuild.cli import main; "
            "sys.exit(main(['export', 'rdf', '--store', sys.argv[1], '--out', sys.argv[2]]))")
    try:
        import graphbuild.cli as cli
        cli.build_parser()
    except ImportError as exc:  # another helper's command module is not written yet
        pytest.skip(f"graphbuild.cli not complete yet: {exc}")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "missing.lbdb"), str(tmp_path / "o.ttl")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "no store" in proc.stderr


def test_corrupt_store_is_a_user_error(tmp_path):
    bad = tmp_path / "bad.lbdb"
    bad.write_bytes(b"this is not a store" * 100)
    with pytest.raises(UserError):
        _run(["export", "rdf", "--store", str(bad), "--out", str(tmp_path / "o.ttl")])


@pytest.fixture(scope="module")
def fixture_store(tmp_path_factory):
    from graphbuild.commands.build import build_from_records

    path = tmp_path_factory.mktemp("store") / "graph.lbdb"
    articles = [Article(**json.loads(line)) for line in open(FIXTURES / "sample_articles.jsonl", encoding="utf-8")]
    records = [json.loads(line) for line in open(FIXTURES / "sample_events.jsonl", encoding="utf-8")]
    build_from_records(path, articles, records)
    return path


def test_export_command_from_store_matches_direct_export(tmp_path, fixture_store, data):
    out = tmp_path / "g.trig"
    assert _run(["export", "rdf", "--store", str(fixture_store), "--out", str(out), "-q"]) == 0
    from_store = {q for q in quads(parse_rdflib(out, "trig"))}
    direct = {q for q in rdf.graph_to_rdf(data).quads((None, None, None, None))}

    def norm(qs):
        return {(s, p, o, getattr(g, "identifier", g)) for s, p, o, g in qs}

    assert norm(from_store) == norm(direct)


def test_build_hook(tmp_path, fixture_store):
    parser = argparse.ArgumentParser()
    rdf.add_build_arguments(parser)
    args = parser.parse_args(["--rdf", str(tmp_path / "b.nt")])
    assert args.rdf_format is None and args.base_iri == BASE
    args.quiet = True
    rdf.after_build(args, fixture_store)
    assert len(parse_oxigraph(tmp_path / "b.nt", "nt")) > 500
    nothing = parser.parse_args([])
    rdf.after_build(nothing, fixture_store)  # no --rdf: no output, no error
    args = parser.parse_args(["--rdf", str(tmp_path / "b.data"), "--rdf-format", "jsonld",
                              "--base-iri", "https://kg.example.net/"])
    args.quiet = True
    rdf.after_build(args, fixture_store)
    store = parse_oxigraph(tmp_path / "b.data", "jsonld")
    assert any(q.subject.value.startswith("https://kg.example.net/actor/") for q in store)
