"""graphbuild viz without a browser: selection, filters, actor lookup, safe embedding, CLI errors."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from graphbuild import viz
from graphbuild.lookup import resolve_actor
from graphbuild.commands import viz as viz_cmd
from graphbuild.errors import UserError
from graphbuild.merge import GraphData, load_events_jsonl
from graphbuild.model import Article

FIX = Path(__file__).parent / "fixtures"
HOSTILE = 'Evil </script><script>window.__pwned=1</script> <!-- <img src=x onerror="window.__pwned=1"> & \u2028'


def sample_graph() -> GraphData:
    data = load_events_jsonl(FIX / "sample_events.jsonl")
    for line in (FIX / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines():
        data.add_article(Article(**json.loads(line)))
    return data


def hostile_graph() -> GraphData:
    """The sample plus an actor and a sentence built to break out of the page if not escaped."""
    data = sample_graph()
    data.add_record({
        "id": "ev-hostile", "article_id": "art-venezuela-1", "relation": "BLAMED", "cameo": "112",
        "plover": "ACCUSE", "date": "2019-03-13", "confidence": 0.9, "trigger": "blamed",
        "source": {"id": "evil</script>", "name": HOSTILE, "kind": "PERSON", "country": None,
                   "text": "<b>Evil</b> & co"},
        "target": {"id": "Q30", "name": "United States", "kind": "COUNTRY", "country": "USA"},
        "sentence": HOSTILE + " blamed the U.S.", "start": 0, "end": 10,
    })
    data.articles["art-venezuela-1"].url = "javascript:window.__pwned=1"
    return data


def embedded(html_text: str) -> dict:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html_text, re.S)
    assert m, "data block missing"
    return json.loads(m.group(1))


# ----------------------------------------------------------------------------- parsing

def test_parse_relations_normalises_and_rejects_unknown():
    assert viz.parse_relations("blamed, RECOGNIZED,blamed") == ["BLAMED", "RECOGNIZED"]
    assert viz.parse_relations(None) is None
    with pytest.raises(UserError, match="unknown relation 'HUGGED'"):
        viz.parse_relations("BLAMED,HUGGED")
    with pytest.raises(UserError):
        viz.parse_relations(" , ")


def test_parse_since():
    assert viz.parse_since("2019") == "2019-01-01"
    assert viz.parse_since("2019-3") == "2019-03-01"
    assert viz.parse_since("2019-03-12") == "2019-03-12"
    for bad in ("yesterday", "2019-13-01", "2019-02-30"):
        with pytest.raises(UserError, match="not a date"):
            viz.parse_since(bad)


def test_resolve_actor_by_id_name_alias_case_insensitive():
    data = sample_graph()
    assert resolve_actor(data.actors, "q30") == "Q30"
    assert resolve_actor(data.actors, "united states") == "Q30"
    assert resolve_actor(data.actors, "POMPEO") == "Q473239"  # alias (the mention text)
    with pytest.raises(UserError, match="unknown actor 'Untied States'.*United States"):
        resolve_actor(data.actors, "Untied States")


def test_resolve_actor_ambiguous_alias_names_candidates():
    data = sample_graph()
    data.actors["Q30"].aliases.append("Shared")
    data.actors["Q717"].aliases.append("shared")
    with pytest.raises(UserError, match="ambiguous"):
        resolve_actor(data.actors, "Shared")


# ----------------------------------------------------------------------------- selection

def test_select_all_keeps_every_actor_and_fact_edge():
    data = sample_graph()
    sel = viz.select(data)
    assert sel.actor_ids == sorted(data.actors)
    assert [(e.source_id, e.relation, e.target_id) for e in sel.edges] == \
        [(e.source_id, e.relation, e.target_id) for e in data.analyst_edges()]
    # every edge has its evidence, and evidence counts equal the edge's mentions
    for e in sel.edges:
        assert len(sel.evidence[(e.source_id, e.relation, e.target_id)]) == e.mentions


def test_select_relations_and_since():
    data = sample_graph()
    sel = viz.select(data, relations=["RECOGNIZED"])
    assert sel.edges and {e.relation for e in sel.edges} == {"RECOGNIZED"}
    assert set(sel.actor_ids) == {e.source_id for e in sel.edges} | {e.target_id for e in sel.edges}
    late = viz.select(data, since="2020-01-01")
    assert late.edges and all(e.first_seen >= "2020-01-01" for e in late.edges)
    assert len(late.edges) < len(viz.select(data).edges)


def test_select_ego_network():
    data = sample_graph()
    sel = viz.select(data, actor="Juan Guaidó")
    assert sel.focus == "person-juan-guaido"
    assert "person-juan-guaido" in sel.actor_ids
    for e in sel.edges:
        assert e.source_id in sel.actor_ids and e.target_id in sel.actor_ids
    neighbours = {e.source_id for e in data.analyst_edges() if e.target_id == sel.focus} | \
        {e.target_id for e in data.analyst_edges() if e.source_id == sel.focus}
    assert set(sel.actor_ids) == neighbours | {sel.focus}


def test_layout_is_deterministic_and_inside_canvas():
    data = sample_graph()
    sel = viz.select(data)
    a = viz.layout(sel.actor_ids, sel.edges)
    assert a == viz.layout(sel.actor_ids, sel.edges)
    assert set(a) == set(sel.actor_ids)
    for x, y in a.values():
        assert 0 <= x <= viz.CANVAS[0] and 0 <= y <= viz.CANVAS[1]
    assert len({(round(x), round(y)) for x, y in a.values()}) == len(a)  # no two nodes on one spot


# ----------------------------------------------------------------------------- page

def test_page_is_self_contained_and_data_round_trips(tmp_path):
    data = hostile_graph()
    res = viz.write_viz(data, tmp_path / "g.html")
    text = res.path.read_text(encoding="utf-8")
    assert res.nodes == len(data.actors)
    # offline: no external script, stylesheet, font or image reference
    assert not re.search(r"<script[^>]+src=|<link\b|@import|url\(\s*['\"]?https?:", text, re.I)
    assert "Content-Security-Policy" in text
    # the hostile strings never appear raw; the script blocks are exactly ours
    assert "window.__pwned=1</script>" not in text
    assert "<img src=x" not in text
    assert text.count("</script>") == 2
    doc = embedded(text)
    names = {n["name"] for n in doc["nodes"]}
    assert HOSTILE in names and 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊' in names
    sentences = [ev["sentence"] for e in doc["edges"] for ev in e["ev"]]
    assert any("\nnew line." in s for s in sentences)
    # non-http links are dropped
    assert all(a["url"] is None or a["url"].startswith(("http://", "https://")) for a in doc["articles"])


def test_negated_and_hypothetical_mentions_are_not_evidence_but_listed(tmp_path):
    data = sample_graph()
    doc = embedded(viz.write_viz(data, tmp_path / "g.html").path.read_text(encoding="utf-8"))
    for e in doc["edges"]:
        assert len(e["ev"]) == e["mentions"]
        assert all(not ev["negated"] and ev["modality"] != "hypothetical" for ev in e["ev"])
        assert all(ev["negated"] or ev["modality"] == "hypothetical" for ev in e["other"])
    assert sum(e["mentions"] for e in doc["edges"]) == sum(1 for ev in data.events.values() if ev.counts_as_fact)


# ----------------------------------------------------------------------------- command

def _parse(argv):
    parser = argparse.ArgumentParser(prog="graphbuild")
    sub = parser.add_subparsers(dest="command")
    viz_cmd.register(sub)
    return parser.parse_args(["viz", *argv])


def _fixture_args(tmp_path, *extra):
    return _parse(["--events", str(FIX / "sample_events.jsonl"), "--articles",
                   str(FIX / "sample_articles.jsonl"), "--out", str(tmp_path / "g.html"), "-q", *extra])


def test_command_writes_ego_view(tmp_path, capsys):
    args = _fixture_args(tmp_path, "--actor", "nicolas MADURO", "--relations", "demanded")
    assert args.func(args) == 0
    doc = embedded((tmp_path / "g.html").read_text(encoding="utf-8"))
    assert {n["id"] for n in doc["nodes"]} == {"Q57413", "Q30"}
    assert [e["rel"] for e in doc["edges"]] == ["DEMANDED"]
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("extra, message", [
    (["--actor", "Atlantis"], "unknown actor 'Atlantis'"),
    (["--relations", "BLAMED,HUGGED"], "unknown relation 'HUGGED'"),
    (["--since", "last week"], "not a date"),
])
def test_command_bad_input_is_a_user_error(tmp_path, extra, message):
    args = _fixture_args(tmp_path, *extra)
    with pytest.raises(UserError, match=message):
        args.func(args)
    assert not (tmp_path / "g.html").exists()


def test_command_reads_the_store(tmp_path):
    store = pytest.importorskip("graphbuild.sinks.store")
    data = sample_graph()
    path = tmp_path / "g.lbdb"
    with store.open_store(path) as st:
        store.write_graph(st, data)
    args = _parse(["--store", str(path), "--out", str(tmp_path / "g.html"), "--quiet"])
    assert args.func(args) == 0
    doc = embedded((tmp_path / "g.html").read_text(encoding="utf-8"))
    assert len(doc["nodes"]) == store.counts(path)["Actor"] == len(data.actors)
    missing = _parse(["--store", str(tmp_path / "nope.lbdb"), "--out", str(tmp_path / "x.html")])
    with pytest.raises(UserError, match="no store"):
        missing.func(missing)
