"""``query --by country`` for every library query with an actor-level aggregation (issue 12), on the
embedded store: the sample events, our own sentences with people of organisations, and a few
records made to give a country mixed signals."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.commands import query as q
from graphbuild.commands.build import build_from_records
from graphbuild.merge import by_country
from graphbuild.model import Article
from graphbuild.sinks import store as st

from test_actor_identity import articles, records
from test_part_of_org import TEXTS

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys, graphbuild.cli as c; sys.exit(c.main(sys.argv[1:]))"
#: The library queries with a --by country version (the others list events or paths one by one).
ROLLED = {"actor_relations", "actor_timeline", "articles_mentioning", "blamed_whom", "most_blamed",
          "recognized_whom", "relations_between", "support_and_criticize", "top_actors", "who_recognized"}
PEOPLE = {"Mike Pompeo", "Nicolás Maduro", "Juan Guaidó", "Bernie Sanders", "Ahmed al-Assadi", "Abu Ali al-Askari",
          "United States government", "Venezuela government", "Cuba government", "Hezbollah",
          "Popular Mobilization Forces"}


def mixed_signals() -> list[dict]:
    """The EU, which SUPPORTED Guaidó, also CRITICIZED Maduro: one pair EU -> Venezuela by country."""
    sup = next(r for r in records() if r["relation"] == "SUPPORTED" and r["source"]["id"] == "Q458")
    maduro = next(r["target"] for r in records() if r["target"]["id"] == "Q57413")
    rec = copy.deepcopy(sup)
    rec.update(id="ev-mixed-1", relation="CRITICIZED", cameo="111", plover="ACCUSE", target=copy.deepcopy(maduro))
    return [rec]


@pytest.fixture(scope="module")
def country_store(extract_text, tmp_path_factory) -> Path:
    recs = [r for key, text in TEXTS.items() for r in extract_text(text, art_id=key)]
    path = tmp_path_factory.mktemp("bycountry") / "graph.lbdb"
    build_from_records(path, articles() + [Article(id=k) for k in TEXTS], records() + recs + mixed_signals())
    return path


def run(store: Path, name: str, *args: str) -> list[dict]:
    out = subprocess.run([sys.executable, "-c", CLI, "query", name, "--by", "country", *args, "-f", "json",
                          "--store", str(store)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_rolled_up_library():
    assert {x.name for x in q.library("lbdb", q.QUERIES_DIR / "by_country")} == ROLLED
    assert {x.name for x in q.library("neo4j", q.QUERIES_DIR / "by_country")} == ROLLED
    listed = json.loads(subprocess.run([sys.executable, "-c", CLI, "query", "--list", "--by", "country", "-f", "json"],
                                       capture_output=True, text=True, cwd=ROOT).stdout)
    assert {e["name"] for e in listed} == ROLLED and all(e["description"] for e in listed)


def test_blamed_whom_and_most_blamed_by_country(country_store):
    rows = run(country_store, "blamed_whom")
    pairs = {(r["source"], r["target"]): r for r in rows}
    assert ("United States", "Cuba") in pairs     # Pompeo blamed Cuba's government
    assert ("Lebanon", "Israel") in pairs         # a Hezbollah spokesman: person -> Hezbollah -> Lebanon
    assert not {n for p in pairs for n in p} & PEOPLE
    top = run(country_store, "most_blamed", "-p", "limit=100")
    assert {r["actor"] for r in top} >= {"Cuba", "Israel"} and not {r["actor"] for r in top} & PEOPLE


def test_top_actors_by_country_sums_the_actor_level_counts(country_store):
    rolled = run(country_store, "top_actors", "-p", "limit=1000")
    _, plain = st.run_query(country_store, q.find_query("top_actors").text, {
        "limit": 1000, "since": "", "until": "", "min_confidence": 0, "relations": []})
    assert sum(r["events"] for r in rolled) == sum(row[4] for row in plain) > 0
    usa = next(r for r in rolled if r["actor"] == "United States")
    assert usa["parts"] >= 4 and usa["kind"] == "COUNTRY"  # the country, its government, Pompeo, Sanders
    assert not {r["actor"] for r in rolled} & PEOPLE
    since = run(country_store, "top_actors", "--since", "2019-03-01")
    assert 0 < sum(r["events"] for r in since) < sum(r["events"] for r in rolled)


def test_actor_timeline_and_articles_by_country(country_store):
    plain = st.run_query(country_store, q.find_query("actor_timeline").text,
                         {"actor": "Pompeo", "limit": 500, "since": "", "until": "", "min_confidence": 0,
                          "relations": []})[1]
    rolled = run(country_store, "actor_timeline", "-p", "actor=Pompeo")
    assert {r[-1] for r in plain} < {r["event"] for r in rolled}  # the whole country, not just Pompeo
    assert all("United States" in (r["source"], r["target"]) for r in rolled)
    assert any("Sanders" in r["sentence"] for r in rolled) and any("PMF" in r["sentence"] for r in rolled)
    assert not {r["source"] for r in rolled} & PEOPLE
    arts = {r["article"] for r in run(country_store, "articles_mentioning", "-p", "actor=Pompeo")}
    assert {"senator", "pmf", "art-venezuela-1"} <= arts and "hezbollah" not in arts


def test_relations_between_by_country(country_store):
    rows = run(country_store, "relations_between", "-p", "actor=Pompeo", "-p", "other=Maduro")
    rolled = by_country(st.read_graph(country_store))
    want = {e.id for e in rolled.events.values() if {e.source_id, e.target_id} == {"Q30", "Q717"}}
    assert {r["event"] for r in rows} == want and len(want) >= 5
    assert {(r["source"], r["target"]) for r in rows} <= {("United States", "Venezuela"), ("Venezuela", "United States")}
    only = run(country_store, "relations_between", "-p", "actor=Pompeo", "-p", "other=Maduro", "--relations", "RECOGNIZED")
    assert only and {r["relation"] for r in only} == {"RECOGNIZED"}


def test_recognition_by_country(country_store):
    who = run(country_store, "who_recognized", "-p", "actor=Juan Guaido")
    assert {(r["actor"], r["recognized_by"]) for r in who} == {("Venezuela", "United States"),
                                                               ("Venezuela", "European Union")}
    assert {(r["source"], r["target"]) for r in run(country_store, "recognized_whom")} == {
        ("United States", "Venezuela"), ("European Union", "Venezuela")}


def test_support_and_criticize_by_country(country_store):
    assert st.run_query(country_store, q.find_query("support_and_criticize").text)[1] == []  # two actors
    rows = run(country_store, "support_and_criticize")
    assert [(r["actor"], r["target"]) for r in rows] == [("European Union", "Venezuela")]
    assert rows[0]["supported_mentions"] >= 1 and rows[0]["criticized_mentions"] == 1


def test_by_country_errors_are_one_line(country_store):
    out = subprocess.run([sys.executable, "-c", CLI, "query", "newest_events", "--by", "country",
                          "--store", str(country_store)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "no --by country version" in out.stderr and "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-c", CLI, "query", "actor_timeline", "--by", "country", "-p",
                          "actor=Atlantis", "--store", str(country_store)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2 and "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) >= 1
