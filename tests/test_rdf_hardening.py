"""RDF hardening (issue 13): article URLs become RFC 3987 IRIs that rdflib and pyoxigraph accept
in every format; literals with control characters keep RDF/XML well-formed."""

from __future__ import annotations

import xml.parsers.expat

import pytest
import rdflib

from graphbuild.errors import UserError
from graphbuild.merge import GraphData
from graphbuild.model import Actor, Article, Event
from graphbuild.sinks import rdf
from test_rdf import SUFFIX, as_graph, parse_oxigraph, parse_rdflib, quads

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib.*")

HOSTILE_URLS = [
    "https://example.org/a[1]/b", "https://example.org/%zz/100%", "https://example.org/a\u00a0b",
    "https://example.org/a\u2028b", "https://example.org/a\u0085b", "https://example.org/a\u2029b\u3000c",
    "https://example.org/x?q=<>\"{}|\\^`", "https://[2001:db8::1]:8080/p[x]", "https://example.org/a#b#c",
    "https://example.org/\u00e9/\u00fc?x=\u00df", "https://example.org/\u202eevil\u2066",
    "https://example.org/a b\tc\nd", "https://example.org/\x01\x7f", "https://example.org/\ue000",
    "https://example.org/\ufeffbom", "https://us[er@example.org/", "mailto:someone@example.org",
]
SCHEMA_URL = rdflib.URIRef(str(rdf.SCHEMA) + "url")


def url_data() -> GraphData:
    data = GraphData()
    for i, url in enumerate(HOSTILE_URLS):
        data.add_article(Article(id=f"u{i}", title=f"Title {i}", url=url))
    return data


def text_data() -> GraphData:
    data = GraphData()
    a = Actor(id="A", name="Actor\x01 \x0b one", kind="COUNTRY")
    b = Actor(id="B", name="B\ufffe", kind="COUNTRY")
    data.actors.update({"A": a, "B": b})
    data.add_article(Article(id="t", title="Title\x01 with \x1f controls", url="https://example.org/t"))
    sentence = "A criticized B.\x0cThe next page\x00."
    data.events["e"] = Event(id="e", article_id="t", relation="CRITICIZED", cameo="111", plover="ACCUSE",
                             source_id="A", target_id="B", date="2019-01-01", confidence=0.5,
                             sentence=sentence, start=0, end=len(sentence))
    return data


def test_safe_iri_encodes_what_rfc_3987_forbids():
    assert rdf.safe_iri("https://example.org/a[1]") == "https://example.org/a%5B1%5D"
    assert rdf.safe_iri("https://example.org/%zz%41") == "https://example.org/%25zz%41"
    assert rdf.safe_iri("https://example.org/a\u00a0b\u2028") == "https://example.org/a%C2%A0b%E2%80%A8"
    assert rdf.safe_iri("https://[::1]:80/[x]") == "https://[::1]:80/%5Bx%5D"
    assert rdf.safe_iri("https://example.org/a#b#c") == "https://example.org/a#b%23c"
    assert rdf.safe_iri("https://example.org/\u00e9") == "https://example.org/\u00e9"  # IRIs keep letters
    assert rdf.safe_iri("no scheme") is None


@pytest.mark.parametrize("fmt", list(rdf.FORMATS))
def test_hostile_urls_reparse_with_rdflib_and_pyoxigraph(tmp_path, fmt):
    path = tmp_path / f"urls{SUFFIX[fmt]}"
    written = rdf.write_rdf(url_data(), path, fmt)
    ds = parse_rdflib(path, fmt)
    assert len(quads(ds)) == written == len(parse_oxigraph(path, fmt))
    urls = sorted(str(o) for o in as_graph(ds).objects(None, SCHEMA_URL))
    assert len(urls) == len(HOSTILE_URLS)
    assert urls == sorted(rdf.safe_iri(u) for u in HOSTILE_URLS)


@pytest.mark.parametrize("fmt", list(rdf.FORMATS))
def test_control_characters_in_literals_keep_every_format_readable(tmp_path, fmt):
    path = tmp_path / f"text{SUFFIX[fmt]}"
    written = rdf.write_rdf(text_data(), path, fmt)
    if fmt == "xml":
        with open(path, "rb") as fh:
            xml.parsers.expat.ParserCreate().ParseFile(fh)  # well-formed XML 1.0
    ds = parse_rdflib(path, fmt)
    assert len(quads(ds)) == written == len(parse_oxigraph(path, fmt))
    labels = {str(o) for o in as_graph(ds).objects(None, rdflib.RDFS.label)}
    assert "Actor    one" in labels  # the same literal in every format: controls become spaces
    anchors = {str(o) for o in as_graph(ds).objects(None, rdf.NIF.anchorOf)}
    assert "A criticized B. The next page ." in anchors


def test_a_malformed_xml_export_is_an_error_not_a_file(tmp_path, monkeypatch):
    monkeypatch.setattr(rdf, "clean_text", lambda value: value)  # what the export did before
    path = tmp_path / "bad.rdf"
    with pytest.raises(UserError, match="not well-formed"):
        rdf.write_rdf(text_data(), path, "xml")
    assert not path.exists()
