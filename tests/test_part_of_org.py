"""A named person is PART_OF their organisation (issue 12): the extractor names it ("a spokesman
for the PMF"), the store, the RDF export and the roll-ups follow person -> organisation -> country,
on sentences of our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.commands.build import build_from_records
from graphbuild.merge import GraphData, by_country, country_of
from graphbuild.model import Article
from graphbuild.sinks import rdf
from graphbuild.sinks import store as st

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys, graphbuild.cli as c; sys.exit(c.main(sys.argv[1:]))"

TEXTS = {
    "pmf": "Ahmed al-Assadi, a spokesman for the PMF, condemned the United States for the airstrike.",
    "hezbollah": "Abu Ali al-Askari, a spokesman for Hezbollah, accused Israel of war crimes.",
    "un": "Stephane Dujarric, a spokesman for the United Nations, criticized Israel.",
    "senator": "Senator Bernie Sanders endorsed Joe Biden.",
    "hamas": "Hamas leader Ismail Haniyeh threatened Israel.",
    "nasrallah": "Hassan Nasrallah, a spokesman for Hezbollah, accused Israel of war crimes.",
}
PMF, HEZBOLLAH, UN = "irq-pmf", "lbn-hezbollah", "Q1065"
ASSADI, ASKARI, DUJARRIC, SANDERS = ("person-ahmed-al-assadi", "person-abu-ali-al-askari",
                                     "person-stephane-dujarric", "person-bernie-sanders")


def run_cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def org_records(extract_text) -> list[dict]:
    return [r for key, text in TEXTS.items() for r in extract_text(text, art_id=key)]


@pytest.fixture(scope="module")
def org_store(org_records, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("org") / "graph.lbdb"
    build_from_records(path, [Article(id=k) for k in TEXTS], org_records)
    return path


def sources(records: list[dict]) -> dict[str, dict]:
    return {r["source"]["id"]: r["source"] for r in records}


def test_the_extractor_names_a_persons_organisation(org_records):
    src = sources(org_records)
    assert src[ASSADI]["org"]["id"] == PMF and src[ASSADI]["org"]["country"] == "IRQ"
    assert src[ASKARI]["org"]["id"] == HEZBOLLAH
    assert src[DUJARRIC]["org"]["id"] == UN and src[DUJARRIC]["org"]["kind"] == "IGO"
    assert "org" not in src[SANDERS] and src[SANDERS]["country"] == "USA"  # a senator: the country, as before
    # the organisation before the name, and people the gazetteer knows by name
    assert src["person-ismail-haniyeh"]["org"]["id"] == "pse-hamas"
    assert src["person-hassan-nasrallah"]["org"]["id"] == HEZBOLLAH


def test_merge_links_person_to_organisation_to_country(org_records):
    data = GraphData()
    data.add_records(org_records)
    assert data.part_of[ASSADI] == PMF and data.part_of[PMF] == "Q796"  # PMF -> Iraq
    assert data.part_of[ASKARI] == HEZBOLLAH and data.part_of[HEZBOLLAH] == "Q822"
    assert data.part_of[DUJARRIC] == UN and UN not in data.part_of  # an IGO is the top
    assert data.part_of[SANDERS] == "Q30"
    assert country_of(data.actors, data.part_of, ASSADI) == "Q796"
    rolled = {(e.source_id, e.relation, e.target_id) for e in by_country(data).analyst_edges()}
    assert ("Q796", "CRITICIZED", "Q30") in rolled and ("Q1065", "CRITICIZED", "Q801") in rolled


def test_the_store_keeps_person_organisation_country(org_store):
    _, rows = st.run_query(org_store, "MATCH (a:Actor)-[:PART_OF]->(p:Actor) RETURN a.id, p.id, a.org")
    links = {a: (p, org) for a, p, org in rows}
    assert links[ASSADI] == (PMF, PMF) and links[PMF] == ("Q796", None)
    assert links[DUJARRIC] == (UN, UN) and links[SANDERS] == ("Q30", None)
    assert st.check(org_store)[1] == []


def test_a_later_batch_without_the_organisation_keeps_the_link(org_records, org_store, tmp_path):
    path = tmp_path / "g.lbdb"
    build_from_records(path, [Article(id=k) for k in TEXTS], org_records)
    later = [json.loads(json.dumps(r)) for r in org_records if r["source"]["id"] == ASSADI]
    for r in later:  # the same person named again without the apposition, in another article
        del r["source"]["org"]
        r["id"] += "-again"
        r["article_id"] = "again"
    with st.open_store(path) as store:
        data = GraphData()
        data.add_article(Article(id="again"))
        data.add_records(later)
        assert data.part_of[ASSADI] == "Q796"  # the batch alone knows only the country
        st.write_graph(store, data)
    assert st.read_graph(path).part_of[ASSADI] == PMF
    assert st.check(path)[1] == []


def test_check_finds_a_person_linked_past_their_organisation(org_store, tmp_path):
    path = tmp_path / "bad.lbdb"
    st.bulk_load(path, st.read_graph(org_store))
    assert st.check(path)[1] == []
    with st.open_store(path) as store:
        store.execute(f"MATCH (a:Actor {{id: '{ASSADI}'}})-[x:PART_OF]->() DELETE x")
        store.execute(f"MATCH (a:Actor {{id: '{ASSADI}'}}), (c:Actor {{id: 'Q796'}}) CREATE (a)-[:PART_OF]->(c)")
    problems = st.check(path)[1]
    assert problems and "not PART_OF exactly their own organisation or country" in problems[0]


def test_an_older_store_gets_the_org_column(org_store, tmp_path, capfd):
    path = tmp_path / "old.lbdb"
    st.bulk_load(path, st.read_graph(org_store))
    with st.open_store(path) as store:  # the schema graphbuild wrote before the column existed
        store.execute("ALTER TABLE Actor DROP org")
    capfd.readouterr()
    _, rows = st.run_query(path, "MATCH (a:Actor) WHERE a.org IS NOT NULL RETURN a.id, a.org ORDER BY a.id")
    assert [ASKARI, HEZBOLLAH] in rows and [ASSADI, PMF] in rows and [DUJARRIC, UN] in rows  # filled from the links
    assert len(rows) == len([a for a in st.read_graph(org_store).actors.values() if a.org])
    assert "upgraded (added Actor.org)" in capfd.readouterr().err
    assert st.check(path)[1] == []


def test_query_by_country_goes_through_the_organisation(org_store):
    out = run_cli("query", "actor_relations", "--by", "country", "-p", "actor=Ahmed al-Assadi", "-f", "json",
                  "--store", str(org_store))
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {(r["direction"], r["relation"], r["other"]) for r in rows} >= {("out", "CRITICIZED", "United States")}
    out = run_cli("query", "actor_relations", "--by", "country", "-p", "actor=Israel", "-f", "json",
                  "--store", str(org_store))
    others = {(r["direction"], r["other"]) for r in json.loads(out.stdout)}
    assert ("in", "Lebanon") in others and ("in", "United Nations") in others  # person -> org -> country
    assert not {o for _, o in others} & {"Abu Ali al-Askari", "Hezbollah", "Stephane Dujarric"}


def test_rdf_part_of_the_organisation_validates(org_store):
    data = st.read_graph(org_store)
    g = rdf.graph_to_rdf(data, dataset=False)
    ns = rdf.Namespaces(rdf.DEFAULT_BASE_IRI)
    assert (ns.actor(ASSADI), ns.gb.partOf, ns.actor(PMF)) in g
    assert (ns.actor(PMF), ns.gb.partOf, ns.actor("Q796")) in g
    assert rdf.validate(g).conforms
    g.add((ns.actor(ASSADI), ns.gb.partOf, ns.actor(SANDERS)))  # a person is no organisation
    g.remove((ns.actor(ASSADI), ns.gb.partOf, ns.actor(PMF)))
    assert not rdf.validate(g).conforms


def test_a_second_organisation_for_the_same_person_is_not_kept(org_records, tmp_path):
    """The first organisation wins (as the first known country does); the other one, named by no
    event, is no node of its own, in one batch or in the next."""
    first = [r for r in org_records if r["source"]["id"] == ASSADI]
    other = json.loads(json.dumps(first))
    for r in other:
        r["id"] += "-other"
        r["article_id"] = "other"
        r["source"]["org"] = dict(r["source"]["org"], id="org-other-militia", name="Other Militia")
    data = GraphData()
    data.add_records(first + other)
    assert data.part_of[ASSADI] == PMF and "org-other-militia" not in data.actors
    path = tmp_path / "g.lbdb"
    build_from_records(path, [Article(id="pmf")], first)
    build_from_records(path, [Article(id="other")], other)
    _, rows = st.run_query(path, "MATCH (a:Actor) WHERE NOT EXISTS { MATCH (a)-[]-() } RETURN a.id")
    assert rows == [] and st.read_graph(path).part_of[ASSADI] == PMF
    assert "org-other-militia" not in st.read_graph(path).actors
