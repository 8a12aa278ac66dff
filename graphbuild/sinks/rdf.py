"""RDF sink: the graph model as linked data (SEM, schema.org, PROV-O, NIF, SKOS) with rdflib.

One generator, :func:`iter_quads`, produces every (subject, predicate, object, graph) of an
export in a deterministic order; :func:`graph_to_rdf` collects it into an rdflib Dataset/Graph
for JSON-LD and RDF/XML (and for API users), while N-Triples, N-Quads, Turtle and TriG are written
as the quads are produced (:func:`write_rdf`), so large exports never sit in memory. See the RDF section of README.md.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import os
import re
import sys
import unicodedata
import xml.parsers.expat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..errors import UserError
from ..merge import GraphData, analyst_edges
from ..model import Event
from ..paths import QUERIES_DIR, data_path
from ..vocab import relations

#: Base IRI the ontology and shapes files are written under; ``--base-iri`` replaces it.
DEFAULT_BASE_IRI = "https://graphbuild.example.org/"

SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
SCHEMA = Namespace("https://schema.org/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
SH = Namespace("http://www.w3.org/ns/shacl#")
WIKIDATA = "http://www.wikidata.org/entity/"

#: Export formats: name -> (rdflib serializer name, holds named graphs?).
FORMATS = {
    "turtle": ("turtle", False),
    "trig": ("trig", True),
    "nt": ("nt", False),
    "nq": ("nquads", True),
    "jsonld": ("json-ld", True),
    "xml": ("xml", False),
}
#: File extension -> format, for ``--out`` / ``--rdf`` without an explicit format.
EXTENSIONS = {
    ".ttl": "turtle", ".turtle": "turtle", ".trig": "trig", ".nt": "nt", ".ntriples": "nt",
    ".nq": "nq", ".nquads": "nq", ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "xml",
    ".xml": "xml", ".owl": "xml",
}
#: Streaming formats: written quad by quad as produced, never building a graph (rdflib's own
#: Turtle/TriG serializers need ~1 GB and minutes for 1M triples; ours write the same triples).
STREAMING = ("nt", "nq", "turtle", "trig")

#: Actor kind -> schema.org class (every actor is also a sem:Actor; OTHER gets no schema class).
KIND_CLASSES = {
    "COUNTRY": SCHEMA.Country,
    "PERSON": SCHEMA.Person,
    "ORGANIZATION": SCHEMA.Organization,
    "GROUP": SCHEMA.Organization,
    "IGO": SCHEMA.Organization,
}

PREFIXES = {
    "sem": SEM, "schema": SCHEMA, "prov": PROV, "nif": NIF, "skos": SKOS, "dcterms": DCTERMS,
    "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD, "wd": Namespace(WIKIDATA),
}

_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\\x7f]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


# ----------------------------------------------------------------------------- IRIs


@dataclass(frozen=True)
class Namespaces:
    """Every IRI family of one export, derived from its base IRI."""

    base: str

    @property
    def gb(self) -> Namespace:
        return Namespace(self.base + "ontology#")

    @property
    def ontology(self) -> URIRef:
        return URIRef(self.base + "ontology")

    @property
    def scheme(self) -> URIRef:
        return URIRef(self.base + "relations")

    def actor(self, actor_id: str) -> URIRef:
        return URIRef(f"{self.base}actor/{iri_segment(actor_id)}")

    def article(self, article_id: str) -> URIRef:
        return URIRef(f"{self.base}article/{iri_segment(article_id)}")

    def event(self, event_id: str) -> URIRef:
        return URIRef(f"{self.base}event/{iri_segment(event_id)}")

    def fragment(self, article_id: str, field: str, start: int, end: int) -> URIRef:
        """RFC 5147 fragment of the article body (``field == "text"``) or of its title."""
        doc = self.article(article_id) if field == "text" else f"{self.article(article_id)}/{iri_segment(field)}"
        return URIRef(f"{doc}#char={int(start)},{int(end)}")

    def graph(self, article_id: str) -> URIRef:
        """The named graph holding one article, its events and their evidence."""
        return URIRef(f"{self.base}graph/article/{iri_segment(article_id)}")

    def concept(self, relation: str) -> URIRef:
        return URIRef(f"{self.base}relations/{iri_segment(relation)}")

    def shortcut(self, relation: str) -> URIRef:
        return URIRef(f"{self.base}ontology#{lower_camel(relation)}")

    def edge(self, source_id: str, relation: str, target_id: str) -> URIRef:
        return URIRef(
            f"{self.base}edge/{iri_segment(source_id)}/{iri_segment(relation)}/{iri_segment(target_id)}")


def iri_segment(value: str) -> str:
    """``value`` as one IRI path segment: UTF-8 percent-encoding of all but unreserved characters.

    Deterministic and valid for any string (spaces, quotes, ``<>``, ``#``, ``/``, any script,
    emoji); ``.`` and ``..`` are encoded too so no tool's dot-segment removal can change the IRI.
    """
    seg = quote(str(value), safe="")
    if seg in (".", ".."):
        return seg.replace(".", "%2E")
    return seg or "!"  # quote() always encodes "!", so this cannot collide with a real id


#: ASCII characters an IRI may hold as they are (RFC 3987: unreserved, reserved but the
#: brackets, which only an IPv6 host may use, and ``%`` of a well-formed percent-escape).
_IRI_ASCII = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
                       "-._~:/?#@!$&'()*+,;=")
#: RFC 3987 ``ucschar`` (and ``iprivate``, allowed in queries; encoded everywhere here).
_UCS_RANGES = ((0xA0, 0xD7FF), (0xF900, 0xFDCF), (0xFDF0, 0xFFEF)) + tuple(
    (plane << 16, (plane << 16) + 0xFFFD) for plane in range(1, 15))
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_IPV6_HOST = re.compile(r"\[(?:[0-9A-Fa-f:.]+|v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+)\]")
_VALID_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\[\]#]*(#[^\[\]#]*)?$")


def _iri_char_ok(c: str) -> bool:
    if c < "\x80":
        return c in _IRI_ASCII
    if unicodedata.category(c)[0] in "ZC":  # spaces (NBSP, U+2028...), controls, bidi, private
        return False
    cp = ord(c)
    return any(lo <= cp <= hi for lo, hi in _UCS_RANGES)


def _encode_iri_part(text: str, keep_hash: bool) -> str:
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "%" and _PCT.match(text, i):
            out.append(text[i:i + 3])
            i += 3
            continue
        if _iri_char_ok(c) and c != "%" and (keep_hash or c != "#"):
            out.append(c)
        else:
            out.append("".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")))
        i += 1
    return "".join(out)


def safe_iri(value: str) -> str | None:
    """An external IRI (article URL) per RFC 3987: what an IRI may not hold is percent-encoded
    (brackets outside an IPv6 host, a ``%`` not starting an escape, spaces and line separators of
    any script, controls, bidi marks, a second ``#``); None if no valid IRI results."""
    m = _SCHEME.match(value)
    if not m:
        return None
    scheme, rest = value[:m.end()], value[m.end():]
    head = ""
    if rest.startswith("//"):  # keep an IPv6 literal host as it is
        end = min([i for i in (rest.find(c, 2) for c in "/?#") if i >= 0] or [len(rest)])
        authority = rest[2:end]
        host = _IPV6_HOST.search(authority)
        if host:
            head = ("//" + _encode_iri_part(authority[:host.start()], False) + host.group()
                    + _encode_iri_part(authority[host.end():], False))
            rest = rest[end:]
    body, sep, frag = rest.partition("#")
    iri = scheme + head + _encode_iri_part(body, False) + sep + _encode_iri_part(frag, False)
    check = scheme + _encode_iri_part(head, False) + iri[len(scheme) + len(head):]
    return iri if _VALID_IRI.match(check) else None


def lower_camel(relation: str) -> str:
    """``PROVIDED_AID`` -> ``providedAid``: the local name of a relation's shortcut property."""
    parts = relation.lower().split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def check_base_iri(base_iri: str | None) -> str:
    """Validate a user-supplied base IRI; a trailing ``/`` is added unless it ends in / or #."""
    base = (base_iri or DEFAULT_BASE_IRI).strip()
    if not _SCHEME.match(base) or _BAD_IRI_CHARS.search(base) or "#" in base[:-1]:
        raise UserError(f"invalid --base-iri {base_iri!r}: need an absolute IRI such as "
                        f"{DEFAULT_BASE_IRI} (no spaces, <>, quotes; '#' only at the end)")
    if not base.endswith(("/", "#")):
        base += "/"
    return base


# ----------------------------------------------------------------------------- literals


#: Characters XML 1.0 cannot carry (C0 controls but tab/newline/return, U+FFFE/U+FFFF, lone
#: surrogates): every format writes a space instead, so all exports hold the same literals and
#: character offsets into a text stay valid.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` with the characters XML 1.0 cannot carry replaced by spaces (same length)."""
    return _NOT_XML.sub(" ", value)


def _string(value) -> Literal:
    return Literal(clean_text(str(value)))


def decimal_literal(value: float) -> Literal:
    """An xsd:decimal in plain positional notation (``1e-05`` -> ``0.00001``)."""
    text = format(Decimal(repr(float(value))), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def date_literal(value: str | None) -> Literal | None:
    """``YYYY-MM-DD`` -> xsd:date, ``YYYY-MM`` -> xsd:gYearMonth, ``YYYY`` -> xsd:gYear, ISO
    date-time -> xsd:dateTime; anything else (or an impossible date) -> None."""
    if not value:
        return None
    value = str(value).strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            _dt.date.fromisoformat(value)
            return Literal(value, datatype=XSD.date)
        if re.fullmatch(r"\d{4}-\d{2}", value) and 1 <= int(value[5:]) <= 12:
            return Literal(value, datatype=XSD.gYearMonth)
        if re.fullmatch(r"\d{4}", value):
            return Literal(value, datatype=XSD.gYear)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?", value):
            parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
            if len(value) == 16:  # no seconds: xsd:dateTime needs them
                value = parsed.isoformat()
            return Literal(value, datatype=XSD.dateTime)
    except ValueError:
        return None
    return None


# ----------------------------------------------------------------------------- fixed terms


def rebase(graph: Graph, base: str) -> Graph:
    """A copy of ``graph`` (written under :data:`DEFAULT_BASE_IRI`) with every IRI and
    xsd:anyURI literal starting with it moved under ``base``."""
    if base == DEFAULT_BASE_IRI:
        return graph

    def move(term):
        if isinstance(term, URIRef) and str(term).startswith(DEFAULT_BASE_IRI):
            return URIRef(base + str(term)[len(DEFAULT_BASE_IRI):])
        if isinstance(term, Literal) and term.datatype == XSD.anyURI and str(term).startswith(DEFAULT_BASE_IRI):
            return Literal(base + str(term)[len(DEFAULT_BASE_IRI):], datatype=XSD.anyURI)
        return term

    out = Graph()
    for s, p, o in graph:
        out.add((move(s), move(p), move(o)))
    return out


@lru_cache(maxsize=8)
def _load_turtle(name: str, base: str) -> Graph:
    graph = Graph()
    graph.parse(data_path("ontology", name), format="turtle")
    return rebase(graph, base)


def ontology_graph(base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The fixed ontology (data/ontology/graphbuild.ttl) under ``base_iri``. Do not mutate."""
    return _load_turtle("graphbuild.ttl", check_base_iri(base_iri))


def shapes_graph(base_iri: str = DEFAULT_BASE_IRI) -> Graph:
    """The SHACL shapes (data/ontology/shapes.ttl) under ``base_iri``. Do not mutate."""
    return _load_turtle("shapes.ttl", check_base_iri(base_iri))


def _term_key(term) -> tuple:
    return (type(term).__name__, str(term), str(getattr(term, "datatype", "") or ""),
            str(getattr(term, "language", "") or ""))


def ontology_triples(ns: Namespaces) -> Iterator[tuple]:
    """The ontology file's triples in a fixed order (blank nodes relabelled deterministically)."""
    triples = sorted(ontology_graph(ns.base), key=lambda t: tuple(_term_key(x) for x in t))
    if any(isinstance(x, BNode) for t in triples for x in t):  # pragma: no cover - file has none
        raise ValueError("the ontology file must not use blank nodes (non-deterministic labels)")
    yield from triples


def vocabulary_triples(ns: Namespaces) -> Iterator[tuple]:
    """The relation vocabulary generated from data/relations.tsv: a skos:ConceptScheme with one
    skos:Concept per relation (CAMEO / PLOVER / name notations) and its gb: shortcut property."""
    gb = ns.gb
    scheme = ns.scheme
    yield scheme, RDF.type, SKOS.ConceptScheme
    yield scheme, SKOS.prefLabel, Literal("graphbuild relation vocabulary", lang="en")
    yield scheme, RDFS.comment, Literal(
        "The closed vocabulary of event relations (CAMEO roots and PLOVER categories), "
        "generated from data/relations.tsv.", lang="en")
    yield scheme, RDFS.isDefinedBy, ns.ontology
    for rel in relations().values():
        concept = ns.concept(rel.name)
        prop = ns.shortcut(rel.name)
        yield scheme, SKOS.hasTopConcept, concept
        yield concept, RDF.type, SKOS.Concept
        yield concept, SKOS.inScheme, scheme
        yield concept, SKOS.topConceptOf, scheme
        yield concept, SKOS.prefLabel, Literal(rel.label, lang="en")
        yield concept, SKOS.definition, Literal(rel.comment, lang="en")
        yield concept, SKOS.notation, Literal(rel.name, datatype=gb.RelationName)
        for root in rel.cameo_roots:
            yield concept, SKOS.notation, Literal(root, datatype=gb.CAMEOCode)
        if rel.plover:
            yield concept, SKOS.notation, Literal(rel.plover, datatype=gb.PLOVERCode)
        yield concept, gb.defaultCameoCode, Literal(rel.default_cameo, datatype=gb.CAMEOCode)
        yield concept, gb.shortcutProperty, prop
        yield prop, RDF.type, OWL.ObjectProperty
        yield prop, RDF.type, gb.RelationProperty
        yield prop, RDFS.label, Literal(rel.label, lang="en")
        yield prop, RDFS.comment, Literal(
            f"Direct shortcut: the subject {rel.label} the object in at least one mention that "
            f"counts as fact ({rel.comment}). Its gb:AnalystEdge holds counts and evidence.", lang="en")
        yield prop, RDFS.domain, SEM.Actor
        yield prop, RDFS.range, SEM.Actor
        yield prop, RDFS.isDefinedBy, ns.ontology
        yield prop, gb.relationConcept, concept


# ----------------------------------------------------------------------------- the model


def actor_triples(ns: Namespaces, actor) -> Iterator[tuple]:
    gb = ns.gb
    s = ns.actor(actor.id)
    yield s, RDF.type, SEM.Actor
    cls = KIND_CLASSES.get(actor.kind)
    if cls is not None:
        yield s, RDF.type, cls
    yield s, DCTERMS.identifier, _string(actor.id)
    yield s, RDFS.label, _string(actor.name)
    yield s, gb.kind, _string(actor.kind)
    if actor.country:
        yield s, gb.country, _string(actor.country)
    if actor.role:
        yield s, gb.role, _string(actor.role)
    if actor.cameo:
        yield s, gb.cameoActorCode, _string(actor.cameo)
    if actor.wikidata and re.fullmatch(r"Q[1-9][0-9]*", actor.wikidata):
        yield s, OWL.sameAs, URIRef(WIKIDATA + actor.wikidata)
    for alias in actor.aliases:
        if alias != actor.name:
            yield s, SKOS.altLabel, _string(alias)


def article_triples(ns: Namespaces, article) -> Iterator[tuple]:
    gb = ns.gb
    s = ns.article(article.id)
    yield s, RDF.type, SCHEMA.NewsArticle
    yield s, DCTERMS.identifier, _string(article.id)
    if article.title:
        yield s, SCHEMA.headline, _string(article.title)
    url = safe_iri(article.url) if article.url else None
    if url:
        yield s, SCHEMA.url, URIRef(url)
    published = date_literal(article.published)
    if published is not None:
        yield s, SCHEMA.datePublished, published
    if article.source:
        yield s, gb.sourceName, _string(article.source)
    if article.sha256:
        yield s, gb.sha256, _string(article.sha256)


def fragment_triples(ns: Namespaces, ev: Event) -> Iterator[tuple]:
    frag = ns.fragment(ev.article_id, ev.field, ev.start, ev.end)
    yield frag, RDF.type, NIF.RFC5147String
    yield frag, RDF.type, NIF.String
    yield frag, NIF.anchorOf, _string(ev.sentence)
    yield frag, NIF.beginIndex, Literal(str(int(ev.start)), datatype=XSD.nonNegativeInteger)
    yield frag, NIF.endIndex, Literal(str(int(ev.end)), datatype=XSD.nonNegativeInteger)
    yield frag, DCTERMS.isPartOf, ns.article(ev.article_id)
    yield frag, ns.gb.field, _string(ev.field)


def event_triples(ns: Namespaces, ev: Event, actor_names: dict[str, str]) -> Iterator[tuple]:
    gb = ns.gb
    s = ns.event(ev.id)
    src, tgt = ns.actor(ev.source_id), ns.actor(ev.target_id)
    rel = relations()[ev.relation]
    yield s, RDF.type, SEM.Event
    yield s, RDF.type, SCHEMA.Action
    yield s, DCTERMS.identifier, _string(ev.id)
    label = f"{actor_names.get(ev.source_id, ev.source_id)} {rel.label} {actor_names.get(ev.target_id, ev.target_id)}"
    if ev.negated:
        label += " (negated)"
    elif ev.modality != "asserted":
        label += f" ({ev.modality})"
    yield s, RDFS.label, _string(label)
    yield s, SCHEMA.agent, src
    yield s, SCHEMA.object, tgt
    yield s, SEM.hasActor, src
    if tgt != src:
        yield s, SEM.hasActor, tgt
    yield s, SEM.eventType, ns.concept(ev.relation)
    if ev.cameo:
        yield s, gb.cameoCode, _string(ev.cameo)
    if ev.plover:
        yield s, gb.ploverCategory, _string(ev.plover)
    stamp = date_literal(ev.date)
    if stamp is not None:
        yield s, SEM.hasTimeStamp, stamp
    elif ev.date:
        yield s, gb.dateText, _string(ev.date)
    if ev.date_source:
        yield s, gb.dateSource, _string(ev.date_source)
    if ev.date_period:
        yield s, gb.datePeriod, _string(ev.date_period)
    yield s, gb.negated, Literal("true" if ev.negated else "false", datatype=XSD.boolean)
    yield s, gb.modality, _string(ev.modality)
    yield s, gb.confidence, decimal_literal(ev.confidence)
    if ev.trigger:
        yield s, gb.trigger, _string(ev.trigger)
    if ev.reported_by_id:
        yield s, gb.reportedBy, ns.actor(ev.reported_by_id)
    yield s, PROV.wasDerivedFrom, ns.article(ev.article_id)
    yield s, gb.evidence, ns.fragment(ev.article_id, ev.field, ev.start, ev.end)


def analyst_edge_triples(ns: Namespaces, data: GraphData) -> Iterator[tuple]:
    """Per analyst edge: the shortcut triple ``<src> gb:<relation> <tgt>`` plus its reified
    gb:AnalystEdge (counts, dates, confidence, supporting events)."""
    gb = ns.gb
    support: dict[tuple[str, str, str], list[str]] = {}
    for ev in data.events.values():
        if ev.counts_as_fact:
            support.setdefault((ev.source_id, ev.relation, ev.target_id), []).append(ev.id)
    for edge in analyst_edges(data.events.values()):
        src, tgt = ns.actor(edge.source_id), ns.actor(edge.target_id)
        prop = ns.shortcut(edge.relation)
        yield src, prop, tgt
        node = ns.edge(edge.source_id, edge.relation, edge.target_id)
        yield node, RDF.type, gb.AnalystEdge
        yield node, RDF.subject, src
        yield node, RDF.predicate, prop
        yield node, RDF.object, tgt
        yield node, SEM.eventType, ns.concept(edge.relation)
        yield node, gb.mentions, Literal(str(edge.mentions), datatype=XSD.integer)
        yield node, gb.articleCount, Literal(str(edge.articles), datatype=XSD.integer)
        for pred, value in ((gb.firstSeen, edge.first_seen), (gb.lastSeen, edge.last_seen)):
            lit = date_literal(value)
            if lit is not None:
                yield node, pred, lit
        yield node, gb.confidence, decimal_literal(edge.confidence)
        for ev_id in sorted(support[(edge.source_id, edge.relation, edge.target_id)]):
            yield node, gb.supportedBy, ns.event(ev_id)


def iter_quads(data: GraphData, base_iri: str = DEFAULT_BASE_IRI) -> Iterator[tuple]:
    """Every quad of the export, ``(s, p, o, g)``, in a deterministic order, without duplicates.

    ``g`` is None (the default graph) for the ontology, the relation vocabulary, the actors
    and the analyst edges; each article, its events and their evidence sentences go to the
    article's named graph ``<base>graph/article/<id>``.
    """
    ns = Namespaces(check_base_iri(base_iri))
    for s, p, o in ontology_triples(ns):
        yield s, p, o, None
    for s, p, o in vocabulary_triples(ns):
        yield s, p, o, None
    for actor_id in sorted(data.actors):
        for s, p, o in actor_triples(ns, data.actors[actor_id]):
            yield s, p, o, None
    for child, parent in sorted(data.part_of.items()):
        if child in data.actors and parent in data.actors:
            yield ns.actor(child), ns.gb.partOf, ns.actor(parent), None
    for s, p, o in analyst_edge_triples(ns, data):
        yield s, p, o, None
    by_article: dict[str, list[Event]] = {}
    for ev in data.events.values():
        by_article.setdefault(ev.article_id, []).append(ev)
    names = {a.id: a.name for a in data.actors.values()}
    for article_id in sorted(set(data.articles) | set(by_article)):
        g = ns.graph(article_id)
        article = data.articles.get(article_id)
        if article is None:
            from ..model import Article
            article = Article(id=article_id)
        for s, p, o in article_triples(ns, article):
            yield s, p, o, g
        seen_fragments: set[tuple] = set()
        events = sorted(by_article.get(article_id, ()), key=lambda e: (e.field, e.start, e.end, e.id))
        for ev in events:
            key = (ev.field, ev.start, ev.end)
            if key not in seen_fragments:
                seen_fragments.add(key)
                for s, p, o in fragment_triples(ns, ev):
                    yield s, p, o, g
            for s, p, o in event_triples(ns, ev, names):
                yield s, p, o, g


def bind_prefixes(graph: Graph, base_iri: str) -> Graph:
    """Bind the prefixes used in exports (gb: is the ontology under ``base_iri``)."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    graph.bind("gb", Namespace(check_base_iri(base_iri) + "ontology#"), override=True, replace=True)
    return graph


def graph_to_rdf(data: GraphData, base_iri: str = DEFAULT_BASE_IRI, dataset: bool = True) -> Dataset | Graph:
    """The export as an rdflib Dataset (one named graph per article, the rest in the default
    graph) or, with ``dataset=False``, as one Graph holding every triple."""
    base = check_base_iri(base_iri)
    if not dataset:
        graph = bind_prefixes(Graph(), base)
        for s, p, o, _g in iter_quads(data, base):
            graph.add((s, p, o))
        return graph
    ds = bind_prefixes(Dataset(), base)
    default = ds.default_graph
    graphs: dict[URIRef, Graph] = {}
    for s, p, o, g in iter_quads(data, base):
        if g is None:
            default.add((s, p, o))
        else:
            if g not in graphs:
                graphs[g] = ds.graph(g)
            graphs[g].add((s, p, o))
    return ds


# ----------------------------------------------------------------------------- writers

_NT_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r",
               ord("\t"): "\\t", ord("\b"): "\\b", ord("\f"): "\\f"}
_NT_ESCAPES.update({c: f"\\u{c:04X}" for c in list(range(0x20)) + [0x7F] if c not in _NT_ESCAPES})


def nt_term(term) -> str:
    """One term in N-Triples syntax (IRIs are already safe: see :func:`iri_segment`)."""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    if isinstance(term, BNode):  # pragma: no cover - the model has no blank nodes
        return f"_:{term}"
    raise TypeError(f"not an RDF term: {term!r}")


def write_nquads(quads: Iterable[tuple], fh, with_graphs: bool = True, progress=None) -> int:
    """Stream ``quads`` to the text file ``fh`` as N-Quads (or N-Triples when ``with_graphs`` is
    false), one line per quad as it is produced; returns the number of lines written."""
    n = 0
    cache: dict = {}
    buf: list[str] = []
    for s, p, o, g in quads:
        # IRIs repeat a lot (predicates, actors): memoise their N-Triples form, bounded.
        ps = cache.get(p) or cache.setdefault(p, nt_term(p))
        line = f"{nt_term(s)} {ps} {nt_term(o)}"
        if with_graphs and g is not None:
            line += f" <{g}>"
        buf.append(line + " .\n")
        n += 1
        if len(buf) >= 4096:
            fh.write("".join(buf))
            buf.clear()
            if progress is not None:
                progress.update(4096)
            if len(cache) > 10000:
                cache.clear()
    fh.write("".join(buf))
    if progress is not None:
        progress.update(len(buf))
    return n


def write_jsonld(ds: Dataset, path: str | Path, base_iri: str) -> None:
    """JSON-LD 1.1 with our prefixes as context: default-graph nodes at the top level of
    ``@graph`` and one ``{"@id": graph, "@graph": [...]}`` object per named graph.

    (rdflib's own dataset output wraps the default graph in an id-less graph object, which
    JSON-LD processors read as a named graph with a blank-node name.)
    """
    import json

    from rdflib.plugins.serializers.jsonld import from_rdf

    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    context["gb"] = check_base_iri(base_iri) + "ontology#"

    def nodes(graph: Graph) -> list:
        plain = Graph()
        for t in graph:
            plain.add(t)
        obj = from_rdf(plain, context_data=context)
        if not isinstance(obj, list):
            obj.pop("@context", None)
            obj = obj["@graph"] if list(obj) == ["@graph"] else [obj]
        return sorted(obj, key=lambda node: str(node.get("@id", "")))  # deterministic output

    top = nodes(ds.default_graph) if len(ds.default_graph) else []
    for graph in sorted(ds.graphs(), key=lambda g: str(g.identifier)):
        if graph.identifier != ds.default_graph.identifier and len(graph):
            top.append({"@id": str(graph.identifier), "@graph": nodes(graph)})
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"@context": context, "@graph": top}, fh, ensure_ascii=False, indent=1, sort_keys=True)


_PN_LOCAL = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*\Z")


def _turtle_namer(prefixes: dict[str, str]):
    """A function writing a term in Turtle: ``prefix:local`` when the local part is a plain
    name (no dots, escapes or percent signs), else the N-Triples form (also valid Turtle)."""
    by_length = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))
    cache: dict = {}

    def iri(value: str) -> str:
        for prefix, ns in by_length:
            if value.startswith(ns) and _PN_LOCAL.match(value[len(ns):]):
                return f"{prefix}:{value[len(ns):]}"
        return f"<{value}>"

    def term(t) -> str:
        if isinstance(t, URIRef):
            out = cache.get(t)
            if out is None:
                out = iri(str(t))
                if len(cache) < 100000:
                    cache[t] = out
            return out
        if isinstance(t, Literal) and t.datatype is not None and not t.language and t.datatype != XSD.string:
            return '"' + str(t).translate(_NT_ESCAPES) + '"^^' + iri(str(t.datatype))
        return nt_term(t)

    return term


def write_turtle_stream(quads: Iterable[tuple], fh, base_iri: str, with_graphs: bool, progress=None) -> int:
    """Stream ``quads`` as Turtle (``with_graphs`` false: graph names ignored) or TriG (one
    ``<graph> { ... }`` block per run of quads in the same graph), grouping consecutive triples
    of a subject with ``;``. Returns the number of quads written. :func:`iter_quads` yields
    each subject's triples together and each article's graph in one run, so this is compact."""
    prefixes = {k: str(v) for k, v in PREFIXES.items()}
    prefixes["gb"] = check_base_iri(base_iri) + "ontology#"
    term = _turtle_namer(prefixes)
    for prefix, ns in sorted(prefixes.items()):
        fh.write(f"@prefix {prefix}: <{ns}> .\n")
    n = 0
    subject = graph = None
    indent = ""
    buf: list[str] = []
    for s, p, o, g in quads:
        g = g if with_graphs else None
        if g != graph:
            if subject is not None:
                buf.append(" .\n")
            if graph is not None:
                buf.append("}\n")
            graph, subject = g, None
            if g is not None:
                buf.append(f"\n{term(g)} {{\n")
            indent = "    " if g is not None else ""
        pred = "a" if p == RDF.type else term(p)
        if s == subject:
            buf.append(f" ;\n{indent}    {pred} {term(o)}")
        else:
            if subject is not None:
                buf.append(" .\n")
            buf.append(f"\n{indent}{term(s)} {pred} {term(o)}")
            subject = s
        n += 1
        if len(buf) >= 8192:
            fh.write("".join(buf))
            buf.clear()
            if progress is not None:
                progress.update(n - progress.n)
    if subject is not None:
        buf.append(" .\n")
    if graph is not None:
        buf.append("}\n")
    fh.write("".join(buf))
    if progress is not None:
        progress.update(n - progress.n)
    return n


def infer_format(path: str | Path, fmt: str | None = None) -> str:
    """The export format: ``fmt`` if given (checked), else from the file extension."""
    if fmt:
        if fmt not in FORMATS:
            raise UserError(f"unknown RDF format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise UserError(f"cannot infer the RDF format of {str(path)!r} from its extension; "
                        f"give --format ({', '.join(FORMATS)})")
    return EXTENSIONS[ext]


def write_rdf(data: GraphData, path: str | Path, fmt: str | None = None,
              base_iri: str = DEFAULT_BASE_IRI, quiet: bool = True) -> int:
    """Export ``data`` to ``path``; returns the number of triples (quads for TriG/N-Quads/JSON-LD).

    N-Triples, N-Quads, Turtle and TriG stream; JSON-LD and RDF/XML build an rdflib graph first.
    """
    fmt = infer_format(path, fmt)
    base = check_base_iri(base_iri)
    path = Path(path)
    if path.parent and not path.parent.exists():
        raise UserError(f"output directory {str(path.parent)!r} does not exist")
    from ..progress import bar as progress_bar, enabled
    bar = progress_bar(unit=" triples", unit_scale=True, desc=f"export {fmt}") if enabled(quiet) else None
    # Write beside the target and rename at the end: a failed export leaves no half file.
    tmp = path.with_name(f".{path.name}.partial")
    try:
        if fmt in STREAMING:
            with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
                if fmt in ("nt", "nq"):
                    count = write_nquads(iter_quads(data, base), fh, with_graphs=(fmt == "nq"), progress=bar)
                else:
                    count = write_turtle_stream(iter_quads(data, base), fh, base, with_graphs=(fmt == "trig"),
                                                progress=bar)
        else:
            serializer, quads = FORMATS[fmt]
            graph = graph_to_rdf(data, base, dataset=quads)
            count = len(graph) if not quads else sum(1 for _ in graph.quads((None, None, None, None)))
            if bar is not None:
                bar.update(count)
            if fmt == "jsonld":
                write_jsonld(graph, tmp, base)
            else:
                graph.serialize(destination=str(tmp), format=serializer, encoding="utf-8")
        _check_well_formed(tmp, fmt, path)
        os.replace(tmp, path)
        return count
    except OSError as exc:
        raise UserError(f"cannot write {str(path)!r}: {exc.strerror or exc}") from None
    finally:
        if bar is not None:
            bar.close()
        if tmp.exists():
            tmp.unlink()


def _check_well_formed(tmp: Path, fmt: str, target: Path) -> None:
    """Parse an RDF/XML export with a strict, streaming parser (expat) before it replaces the
    target: a serializer problem is an error, never a file other tools cannot read. (JSON-LD
    is written by ``json.dump`` and the other formats by our own escaping writers.)"""
    if fmt != "xml":
        return
    try:
        with open(tmp, "rb") as fh:
            xml.parsers.expat.ParserCreate().ParseFile(fh)
    except xml.parsers.expat.ExpatError as exc:
        raise UserError(f"the {fmt} export is not well-formed ({exc}); {str(target)!r} was not "
                        f"written") from None


# ----------------------------------------------------------------------------- validation


@dataclass
class Validation:
    conforms: bool
    report: str
    results: Graph


def validate(graph: Graph | Dataset, base_iri: str = DEFAULT_BASE_IRI) -> Validation:
    """Validate an export (all its graphs as one) against data/ontology/shapes.ttl with pyshacl."""
    import pyshacl

    union = Graph()
    triples = graph.quads((None, None, None, None)) if isinstance(graph, Dataset) else graph
    for t in triples:
        union.add(t[:3])
    with _cached_sparql_parsing():
        conforms, results, text = pyshacl.validate(
            union, shacl_graph=shapes_graph(base_iri), advanced=True, allow_warnings=False)
    return Validation(bool(conforms), text, results)


@contextmanager
def _cached_sparql_parsing():
    """pyshacl runs each SHACL-SPARQL constraint as a query string once per focus node and
    rdflib re-parses the string every time (about 90% of validation time); parse each text
    once while validating. Prepared queries are reusable, so results are unchanged."""
    from rdflib.plugins.sparql import processor

    original = processor.SPARQLProcessor.query
    cache: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in cache:
                cache[key] = processor.translateQuery(processor.parseQuery(strOrQuery), base, initNs)
            strOrQuery = cache[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


# ----------------------------------------------------------------------------- SPARQL

SPARQL_DIR = QUERIES_DIR / "sparql"


@dataclass(frozen=True)
class SparqlQuery:
    """A query file of queries/sparql/: its text and what its header declares.

    Header lines ``# @param ?name`` declare a parameter bound as a literal (never spliced into
    the text; the query also projects it, as Oxigraph's SEP-0007 substitution requires, and
    the runners drop that echo column); ``# @limit N`` a default row limit the runners apply after ORDER BY (SPARQL
    cannot bind LIMIT), overridable with the ``limit`` parameter.
    """

    name: str
    text: str
    params: tuple[str, ...]
    limit: int | None
    description: str

    def text_for(self, base_iri: str = DEFAULT_BASE_IRI) -> str:
        """The query with its ``gb:`` prefix declaration moved under ``base_iri``."""
        base = check_base_iri(base_iri)
        if base == DEFAULT_BASE_IRI:
            return self.text
        return re.sub(r"(?m)^(PREFIX\s+gb:\s*)<" + re.escape(DEFAULT_BASE_IRI + "ontology#") + ">",
                      lambda m: f"{m.group(1)}<{base}ontology#>", self.text)


def sparql_queries() -> dict[str, SparqlQuery]:
    """All queries/sparql/*.rq by name (file stem)."""
    out = {}
    for path in sorted(SPARQL_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        params, desc, limit = [], [], None
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            if m := re.match(r"#\s*@param\s+\?(\w+)", line):
                params.append(m.group(1))
            elif m := re.match(r"#\s*@limit\s+(\d+)", line):
                limit = int(m.group(1))
            elif not desc:
                desc.append(line.lstrip("# ").strip())
        out[path.stem] = SparqlQuery(path.stem, text, tuple(params), limit, " ".join(desc))
    return out


def _prepare(name: str, params: dict | None) -> tuple[SparqlQuery, dict, int | None]:
    """The query, its literal parameters and its row limit, after checking the parameters."""
    queries = sparql_queries()
    if name not in queries:
        raise UserError(f"no SPARQL query {name!r} (have: {', '.join(queries)})")
    query = queries[name]
    params = dict(params or {})
    limit = query.limit
    if "limit" in params and query.limit is not None:
        try:
            limit = int(params.pop("limit"))
        except (TypeError, ValueError):
            raise UserError(f"query {name!r}: limit must be an integer") from None
    unknown = set(params) - set(query.params)
    missing = set(query.params) - set(params)
    if unknown or missing:
        raise UserError(f"query {query.name!r} takes parameters {', '.join(query.params) or 'none'}"
                        f" (missing: {', '.join(sorted(missing)) or '-'}; unknown: "
                        f"{', '.join(sorted(unknown)) or '-'})")
    return query, params, limit


def run_sparql_rdflib(graph: Graph, name: str, params: dict | None = None,
                      base_iri: str = DEFAULT_BASE_IRI) -> list[tuple]:
    """Run a named query with rdflib; ``params`` are bound as literals through initBindings
    (never spliced into the text). For a Dataset, create it with ``default_union=True``."""
    query, params, limit = _prepare(name, params)
    bindings = {k: _rdflib_literal(v) for k, v in params.items()}
    result = graph.query(query.text_for(base_iri), initBindings=bindings)
    keep = [i for i, v in enumerate(result.vars) if str(v) not in query.params]
    rows = [tuple(_py(row[i]) for i in keep) for row in result]
    return rows if limit is None else rows[:limit]


def run_sparql_oxigraph(store, name: str, params: dict | None = None,
                        base_iri: str = DEFAULT_BASE_IRI) -> list[tuple]:
    """Run a named query with pyoxigraph (``store``: a pyoxigraph.Store); ``params`` go through
    SEP-0007 substitutions; the default graph is the union of all graphs."""
    import pyoxigraph as ox

    query, params, limit = _prepare(name, params)
    subs = {ox.Variable(k): _ox_literal(v) for k, v in params.items()}
    result = store.query(query.text_for(base_iri), substitutions=subs, use_default_graph_as_union=True)
    variables = [v.value for v in result.variables if v.value not in query.params]
    rows = [tuple(_py_ox(row[v]) for v in variables) for row in result]
    return rows if limit is None else rows[:limit]


def _rdflib_literal(value) -> Literal:
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, (int, float)):
        return Literal(value)
    return Literal(str(value))


def _ox_literal(value):
    import pyoxigraph as ox

    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(str(XSD.boolean)))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(str(XSD.integer)))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(str(XSD.double)))
    return ox.Literal(str(value))


_NUMERIC = {str(XSD.integer), str(XSD.int), str(XSD.long), str(XSD.nonNegativeInteger),
            str(XSD.positiveInteger)}
_FLOATS = {str(XSD.decimal), str(XSD.double), str(XSD.float)}


def _convert(lexical: str, datatype: str | None):
    if datatype in _NUMERIC:
        return int(lexical)
    if datatype in _FLOATS:
        return round(float(lexical), 6)
    if datatype == str(XSD.boolean):
        return lexical in ("true", "1")
    return lexical


def _py(term):
    """An rdflib result term as a plain comparable Python value (IRIs and strings as str)."""
    if term is None:
        return None
    if isinstance(term, Literal):
        return _convert(str(term), str(term.datatype) if term.datatype else None)
    return str(term)


def _py_ox(term):
    """A pyoxigraph result term as the same plain Python value as :func:`_py`."""
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _convert(term.value, term.datatype.value if term.datatype else None)
    return term.value


# ----------------------------------------------------------------------------- build hook


def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``graphbuild build`` for writing the RDF export as part of a build."""
    group = parser.add_argument_group("RDF export")
    group.add_argument("--rdf", metavar="FILE", help="also export the built graph as RDF to FILE")
    group.add_argument("--rdf-format", choices=tuple(FORMATS), default=None,
                       help="RDF format (default: from the FILE extension)")
    group.add_argument("--base-iri", metavar="IRI", default=DEFAULT_BASE_IRI,
                       help=f"base IRI of every exported resource (default {DEFAULT_BASE_IRI})")


def after_build(args: argparse.Namespace, store_path) -> None:
    """If ``--rdf FILE`` was given, read the freshly built store back and export it."""
    out = getattr(args, "rdf", None)
    if not out:
        return
    fmt = infer_format(out, getattr(args, "rdf_format", None))
    base = check_base_iri(getattr(args, "base_iri", None))
    from .store import read_graph

    data = read_graph(store_path)
    quiet = bool(getattr(args, "quiet", False))
    count = write_rdf(data, out, fmt, base, quiet=quiet)
    if not quiet:
        print(f"wrote {count} {'quads' if FORMATS[fmt][1] else 'triples'} ({fmt}) to {out}", file=sys.stderr)
