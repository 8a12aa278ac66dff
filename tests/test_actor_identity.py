"""Actor identity (issue 12): aliases are names only, one lookup with exit 2 on ambiguous or
unknown actors, PART_OF from an actor to its country in the store and the RDF export, roll-ups
``--by country`` in query, viz and plot, and one colour per country in the view and the plots."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild import viz
from graphbuild.commands.build import build_from_records
from graphbuild.errors import UserError
from graphbuild.lookup import resolve_actor
from graphbuild.merge import GraphData, by_country
from graphbuild.model import Actor, Article
from graphbuild.names import is_name
from graphbuild.sinks import rdf
from graphbuild.sinks import store as st

ROOT = Path(__file__).resolve().parent.parent
FIX = Path(__file__).parent / "fixtures"
CLI = "import sys, graphbuild.cli as c; sys.exit(c.main(sys.argv[1:]))"

#: Surface texts an extractor record may carry that must never become aliases.
HOSTILE = ["he", "He", "his", "His", "her", "she", "him", "they", "They", "it", "we", "We", "our", "I",
           "government", "the government", "The Government", "police", "Police", "officials", "Officials",
           "the regime", "the country", "the South American country", "the two leaders", "U.S. officials",
           "Israeli soldiers", "Foreign Minister", "the Foreign Minister", "President", "Senior Officials",
           "Russian Government", "Venezuelans", "Americans", "New Jersey governor", "El Paso police",
           "the Trump administration", "two smugglers", "  ", "", "'he'", "“The government”"]
#: ... and names that must stay aliases.
NAMES = ["Trump", "Donald Trump", "President Trump", "U.S.", "the U.S.", "Washington", "the Kremlin",
         "Bashar al-Assad", "al-Qaeda", "State Department", "Czech Republic", "G20", "Maduro", "Congress"]


def records() -> list[dict]:
    return [json.loads(line) for line in (FIX / "sample_events.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def articles() -> list[Article]:
    return [Article(**json.loads(line)) for line in
            (FIX / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def hostile_records() -> list[dict]:
    """The sample events, each repeated with every hostile text as its source's and target's text."""
    out = []
    for rec in records():
        for n, text in enumerate(HOSTILE):
            r = copy.deepcopy(rec)
            r["id"] = f"{rec['id']}-h{n}"
            r["source"]["text"] = text
            r["target"]["text"] = text
            out.append(r)
    return out


def all_aliases(actors) -> set[str]:
    return {al for a in actors for al in a.aliases}


def run_cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("identity") / "graph.lbdb"
    build_from_records(path, articles(), records() + hostile_records())
    return path


# ----------------------------------------------------------------------------- aliases

@pytest.mark.parametrize("text", HOSTILE)
def test_pronouns_role_nouns_and_descriptions_are_not_names(text):
    assert not is_name(text)


@pytest.mark.parametrize("text", NAMES)
def test_names_are_names(text):
    assert is_name(text)


def test_no_hostile_alias_reaches_the_store_and_names_stay(hostile_store):
    back = st.read_graph(hostile_store)
    assert not all_aliases(back.actors.values()) & set(HOSTILE)
    assert "Pompeo" in back.actors["Q473239"].aliases and "the U.S." in back.actors["Q30"].aliases
    _, rows = st.run_query(hostile_store, "MATCH (a:Actor) UNWIND a.aliases AS al RETURN DISTINCT al")
    assert not {r[0] for r in rows} & set(HOSTILE)


def test_a_store_never_takes_a_hostile_alias_from_a_later_merge(hostile_store, tmp_path):
    path = tmp_path / "g.lbdb"
    build_from_records(path, articles(), records())
    with st.open_store(path) as store:  # a later batch whose actors carry only pronouns
        data = GraphData()
        data.add_records(hostile_records()[:40])
        st.write_graph(store, data)
    assert not all_aliases(st.read_graph(path).actors.values()) & set(HOSTILE)


def test_no_hostile_alias_reaches_the_rdf_export(hostile_store):
    from rdflib.namespace import SKOS
    data = st.read_graph(hostile_store)
    g = rdf.graph_to_rdf(data, dataset=False)
    labels = {str(o) for o in g.objects(None, SKOS.altLabel)}
    assert labels and not labels & set(HOSTILE)
    assert rdf.validate(g).conforms


def test_shacl_refuses_a_pronoun_alias():
    from rdflib import Literal
    from rdflib.namespace import SKOS
    data = GraphData()
    data.add_records(records())
    g = rdf.graph_to_rdf(data, dataset=False)
    g.add((rdf.Namespaces(rdf.DEFAULT_BASE_IRI).actor("Q30"), SKOS.altLabel, Literal("he")))
    assert not rdf.validate(g).conforms


def test_extracted_pronouns_and_role_nouns_are_not_aliases(extract_text, tmp_path):
    recs = extract_text("Joe Biden criticized Vladimir Putin on Monday. He also condemned the government "
                        "of Iran. Police arrested protesters in Tehran, and the government blamed them.")
    texts = {r[k]["text"] for r in recs for k in ("source", "target")}
    # the extractor saw role nouns (a pronoun is named by its antecedent: "He" -> "Joe Biden")
    assert texts & {"He", "he", "the government", "government", "Police", "police"}, texts
    path = tmp_path / "x.lbdb"
    build_from_records(path, [Article(id="t")], recs)
    aliases = all_aliases(st.read_graph(path).actors.values())
    assert not {a.lower() for a in aliases} & {"he", "the government", "government", "police"}


# ----------------------------------------------------------------------------- lookup

def test_lookup_is_ambiguous_with_ids_unknown_with_suggestions():
    actors = {a.id: a for a in (Actor("Q22686", "Donald Trump", "PERSON", "USA", aliases=["Trump"]),
                                Actor("person-melania-trump", "Melania Trump", "PERSON", "USA", aliases=["Trump"]),
                                Actor("Q30", "United States", "COUNTRY", "USA", aliases=["the U.S."]))}
    with pytest.raises(UserError) as err:
        resolve_actor(actors, "trump")
    assert "ambiguous" in str(err.value) and "Q22686" in str(err.value) and "person-melania-trump" in str(err.value)
    assert resolve_actor(actors, "U.S.") == "Q30" and resolve_actor(actors, "Donald Trump") == "Q22686"
    with pytest.raises(UserError, match=r"unknown actor 'Donlad Trump' \(did you mean: Donald Trump"):
        resolve_actor(actors, "Donlad Trump")


def test_query_lookup_exits_2_like_viz(hostile_store):
    for actor, expect in (("he", "unknown"), ("Untied States", "(did you mean: United States")):
        for argv in (["query", "actor_relations", "-p", f"actor={actor}"], ["viz", "--actor", actor, "-o", "x.html"]):
            out = run_cli(*argv, "--store", str(hostile_store))
            assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
            assert "unknown" in out.stderr and expect in out.stderr and len(out.stderr.splitlines()) == 1
    out = run_cli("query", "relations_between", "-p", "actor=Pompeo", "-p", "other=CUB-GOV",
                  "--store", str(hostile_store), "-f", "json")
    assert out.returncode == 0 and json.loads(out.stdout), out.stderr


def test_query_lists_candidates_of_an_ambiguous_actor(tmp_path):
    recs = records()
    twin = copy.deepcopy(next(r for r in recs if r["source"]["id"] == "Q473239"))
    twin["id"] = "ev-twin"
    twin["source"].update(id="person-pompeo-2", name="Another Pompeo", wikidata=None, text="Pompeo")
    path = tmp_path / "g.lbdb"
    build_from_records(path, articles(), recs + [twin])
    out = run_cli("query", "actor_timeline", "-p", "actor=Pompeo", "--store", str(path))
    assert out.returncode == 2 and "ambiguous" in out.stderr
    assert "Q473239" in out.stderr and "person-pompeo-2" in out.stderr
    assert run_cli("query", "actor_timeline", "-p", "actor=Q473239", "--store", str(path)).returncode == 0


# ----------------------------------------------------------------------------- PART_OF

def test_part_of_links_each_actor_to_its_country_in_the_store(hostile_store):
    _, rows = st.run_query(hostile_store, "MATCH (a:Actor)-[:PART_OF]->(c:Actor) RETURN a.id, c.id, c.kind")
    links = {a: (c, kind) for a, c, kind in rows}
    assert links["USA-GOV"] == ("Q30", "COUNTRY")       # composite country + role
    assert links["Q473239"] == ("Q30", "COUNTRY")       # a person
    assert links["VEN-GOV"] == ("Q717", "COUNTRY") and links["Q57413"] == ("Q717", "COUNTRY")
    assert links["CUB-GOV"] == ("Q241", "COUNTRY")      # Cuba exists as a node though no event names it
    assert "Q30" not in links and "other-multiple-cyber-attacks" not in links and "Q458" not in links
    assert st.check(hostile_store)[1] == []


def test_part_of_does_not_keep_actors_alive(tmp_path):
    """Replacing the only article that names Cuba's government removes it and then Cuba."""
    path = tmp_path / "g.lbdb"
    build_from_records(path, articles(), records())
    recs = [r for r in records() if "CUB-GOV" not in (r["source"]["id"], r["target"]["id"])]
    arts = [a for a in articles() if a.id in {r["article_id"] for r in records() if r["target"]["id"] == "CUB-GOV"}]
    with st.open_store(path) as store:
        data = GraphData()
        for a in arts:
            data.add_article(a)
        data.add_records(r for r in recs if r["article_id"] in {a.id for a in arts})
        st.write_graph(store, data)
    ids = {r[0] for r in st.run_query(path, "MATCH (a:Actor) RETURN a.id")[1]}
    assert "CUB-GOV" not in ids and "Q241" not in ids
    assert st.check(path)[1] == []


def test_part_of_in_rdf_and_bulk_load(hostile_store, tmp_path):
    data = st.read_graph(hostile_store)
    g = rdf.graph_to_rdf(data, dataset=False)
    ns = rdf.Namespaces(rdf.DEFAULT_BASE_IRI)
    assert (ns.actor("USA-GOV"), ns.gb.partOf, ns.actor("Q30")) in g
    bulk = tmp_path / "bulk.lbdb"
    st.bulk_load(bulk, data)
    assert st.read_graph(bulk).part_of == data.part_of


# ----------------------------------------------------------------------------- --by country

def test_by_country_rolls_every_part_up(hostile_store):
    data = st.read_graph(hostile_store)
    rolled = by_country(data)
    assert {e.source_id for e in rolled.events.values()} <= {"Q30", "Q717", "Q458", "Q159", "Q27"}
    pairs = {(e.source_id, e.relation, e.target_id) for e in rolled.analyst_edges()}
    assert ("Q30", "BLAMED", "Q241") in pairs  # Pompeo blamed Cuba's government -> USA blamed Cuba
    assert len(rolled.events) == len(data.events)


def test_query_by_country(hostile_store):
    out = run_cli("query", "actor_relations", "--by", "country", "-p", "actor=Pompeo", "-f", "json",
                  "--store", str(hostile_store))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert any(r["relation"] == "BLAMED" and r["other"] == "Cuba" and r["direction"] == "out" for r in rows)
    assert not {r["other"] for r in rows} & {"Nicolás Maduro", "Juan Guaidó", "Venezuela government",
                                             "Cuba government"}, rows  # the other side is rolled up too
    out = run_cli("query", "newest_events", "--by", "country", "--store", str(hostile_store))
    assert out.returncode == 2 and "no --by country version" in out.stderr


def test_viz_and_plot_by_country(hostile_store, tmp_path):
    html = tmp_path / "c.html"
    out = run_cli("viz", "--by", "country", "--actor", "Pompeo", "-o", str(html), "--store", str(hostile_store))
    assert out.returncode == 0, out.stderr
    doc = json.loads(html.read_text(encoding="utf-8").split('type="application/json"')[1]
                     .split(">", 1)[1].split("</script>")[0])
    names = {n["name"] for n in doc["nodes"]}
    assert "United States" in names and not names & {"Mike Pompeo", "United States government"}
    png = tmp_path / "c.png"
    out = run_cli("plot", "network", "--by", "country", "--actor", "Maduro", "-o", str(png),
                  "--store", str(hostile_store))
    assert out.returncode == 0 and png.stat().st_size > 1000, out.stderr
    out = run_cli("plot", "timeline", "--by", "country", "--actor", "Venezuela", "-o", str(png),
                  "--store", str(hostile_store))
    assert out.returncode == 0, out.stderr


# ----------------------------------------------------------------------------- colours

def test_a_country_has_one_colour_in_viz_and_plot():
    from graphbuild import plot
    data = GraphData()
    data.add_records(records())
    iran = copy.deepcopy(records()[3])  # Pompeo blamed ... Iran's government now
    iran["id"] = "ev-iran"
    iran["target"].update(id="IRN-GOV", name="Iran government", country="IRN", cameo="IRNGOV", text="Tehran")
    data.add_record(iran)
    pal = viz.palette()
    html_colour = viz.payload(data, viz.select(data))["colors"]["country"]["IRN"]
    small = viz.payload(data, viz.select(data, actor="Pompeo"))["colors"]["country"]["IRN"]
    assert html_colour == small == pal.country_color("IRN") == pal.country["IRN"]
    fig = plot.plot_network(data, "Pompeo")
    from matplotlib.colors import to_hex
    faces = {to_hex(c) for c in fig.axes[0].collections[0].get_facecolors()}
    assert pal.country_color("IRN") in faces and pal.country_color("USA") in faces
    # a country without a fixed row still gets the same colour everywhere (stable hash of its code)
    assert pal.country_color("NLD") == viz.palette().country_color("NLD") in pal.cycle
