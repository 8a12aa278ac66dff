"""Unit tests of the Neo4j sink without a server: statement table, batching, per-batch
aggregation, parameter shapes, dry-run output, connection settings."""

from __future__ import annotations

import argparse
import copy
import json
import math
import re
from pathlib import Path

import pytest

from graphbuild.errors import UserError
from graphbuild.merge import GraphData, load_events_jsonl
from graphbuild.model import ACTOR_PROPS, ARTICLE_PROPS, EVENT_LINKS, EVENT_PROPS, Actor, Article
from graphbuild.sinks import neo4j as sink
from graphbuild.vocab import RELATION_NAMES

FIXTURES = Path(__file__).parent / "fixtures"


def sample() -> GraphData:
    data = load_events_jsonl(FIXTURES / "sample_events.jsonl")
    for line in (FIXTURES / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            data.add_article(Article(**json.loads(line)))
    return data


def synthetic(n_events: int, n_actors: int = 50) -> GraphData:
    """A graph of ``n_events`` events over ``n_actors`` actors, 10 events per article."""
    base = json.loads((FIXTURES / "sample_events.jsonl").read_text(encoding="utf-8").splitlines()[0])
    data = GraphData()
    for i in range(n_events):
        rec = copy.deepcopy(base)
        rec["id"] = f"ev-{i:06d}"
        rec["article_id"] = f"art-{i // 10:05d}"
        rec["relation"] = RELATION_NAMES[i % len(RELATION_NAMES)]
        rec["source"]["id"] = f"actor-{i % n_actors}"
        rec["target"]["id"] = f"actor-{(i * 7 + 1) % n_actors}"
        data.add_record(rec)
    return data


def plan_counts(steps) -> dict[str, tuple[int, int]]:
    return {s.name: (s.rows, len(s.batches)) for s in steps}


# ---- the statement table ----------------------------------------------------------------------

def test_one_fixed_statement_per_kind_and_every_relation():
    assert set(sink.ANALYST_STATEMENTS) == set(RELATION_NAMES)
    assert set(sink.LINK_STATEMENTS) == set(EVENT_LINKS)
    for rel, text in sink.ANALYST_STATEMENTS.items():
        # the only relationship types between actors in the statement are its own
        types = set(re.findall(r"\[\w*:(\w+)\]", text))
        assert types == {"SOURCE", "TARGET", rel}, (rel, types)
    for name, text in sink.WRITE_STATEMENTS.items():
        assert "$rows" in text or name == "orphan_actors", name
        assert not re.search(r"\{\}|%s|\{\w+\}", text.replace("{id:", "")), name  # nothing left to format


def test_statements_take_values_only_as_parameters():
    """No statement contains a quoted value from data: the only literals are fixed words."""
    allowed = {"'hypothetical'", "'PART_OF'"}  # fixed words of the model
    for name, text in sink.STATEMENTS.items():
        literals = set(re.findall(r"'[^']*'", text))
        literals -= {"'event'", "'node'", "'source'", "'target'", "'events'", "'child'", "'parent'"}  # row map keys
        assert literals <= allowed, (name, literals)


def test_every_row_key_a_statement_reads_is_sent_and_vice_versa():
    steps = sink.plan(sample(), batch_size=1000)
    for step in steps:
        read = set(re.findall(r"\brow\.`?(\w+)`?", step.statement))
        read |= set(re.findall(r"\brow\['(\w+)'\]", step.statement))
        for batch in step.batches:
            for row in batch:
                assert set(row) == read, (step.name, set(row) ^ read)


def test_schema_first_constraints_and_indexes():
    schema = list(sink.SCHEMA_STATEMENTS.values())
    for label in ("Actor", "Event", "Article"):
        assert any(re.fullmatch(rf"CREATE CONSTRAINT \w+ IF NOT EXISTS FOR \(\w:{label}\) REQUIRE \w\.id IS UNIQUE", s)
                   for s in schema), label
    assert all("IF NOT EXISTS" in s for s in schema if s.startswith("CREATE"))
    assert "CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name)" in schema
    assert "CREATE INDEX event_date IF NOT EXISTS FOR (e:Event) ON (e.date)" in schema
    assert "CREATE INDEX event_relation IF NOT EXISTS FOR (e:Event) ON (e.relation)" in schema


# ---- batching ----------------------------------------------------------------------------------

@pytest.mark.parametrize("n_events,batch", [(1, 1000), (999, 1000), (1000, 1000), (1001, 1000), (2500, 300)])
def test_at_most_ceil_n_over_batch_statements_per_kind(n_events, batch):
    data = synthetic(n_events)
    steps = sink.plan(data, batch_size=batch)
    counts = plan_counts(steps)
    expect = math.ceil(n_events / batch)
    assert counts["events"] == (n_events, expect)
    assert counts["stale_events"] == (n_events, expect)
    for rel in ("SOURCE", "TARGET", "REPORTED_IN", "REPORTED_BY"):
        assert counts[f"link:{rel}"] == (n_events, expect)
    assert counts["actors"][1] == math.ceil(len(data.actors) / batch)
    assert counts["articles"][1] == math.ceil(len(data.articles) / batch)
    for step in steps:
        assert len(step.batches) <= math.ceil(max(n_events, 1) / batch) or step.name == "orphan_actors"
        assert all(0 < len(b) <= batch for b in step.batches if step.name != "orphan_actors")
    analyst_rows = sum(c[0] for name, c in counts.items() if name.startswith("analyst:"))
    assert analyst_rows == len({(e.source_id, e.relation, e.target_id) for e in data.events.values()})


def test_dry_run_counts_batches_like_the_plan(capsys):
    data = synthetic(2345)
    args = argparse.Namespace(dry_run=True, batch_size=500, quiet=True, neo4j_uri=None,
                              neo4j_user=None, neo4j_database="graphs", neo4j_password_file=None,
                              neo4j_timeout=5)
    assert sink.run_push(data, args) == 0
    out = capsys.readouterr().out
    assert "database 'graphs', batch size 500" in out
    assert "// step events: 2345 rows in 5 batch(es)" in out
    assert "// step link:SOURCE: 2345 rows in 5 batch(es)" in out
    total = re.search(r"// total: (\d+) rows in (\d+) write statement\(s\)", out)
    steps = sink.plan(data, 500)
    assert int(total.group(2)) == sum(len(s.batches) for s in steps)
    assert int(total.group(1)) == sum(s.rows for s in steps)
    for text in sink.SCHEMA_STATEMENTS.values():
        assert text + ";" in out
    assert sink.EVENTS.rstrip() + ";" in out


def test_batch_size_must_be_positive():
    with pytest.raises(UserError, match="batch-size"):
        sink.plan(sample(), batch_size=0)


# ---- per-batch aggregation of duplicate keys -------------------------------------------------

def test_duplicate_actor_rows_are_folded_before_sending():
    a1 = Actor(id="Q30", name="United States", kind="COUNTRY", country=None, aliases=["the U.S."])
    a2 = Actor(id="Q30", name="United States", kind="COUNTRY", country="USA", aliases=["America", "the U.S."])
    a3 = Actor(id="Q717", name="Venezuela", kind="COUNTRY", aliases=[])
    rows = sink.actor_rows([a1, a3, a2])
    assert [r["id"] for r in rows] == ["Q30", "Q717"]
    assert rows[0]["country"] == "USA"
    assert rows[0]["aliases"] == ["the U.S.", "America"]


def test_aggregate_keeps_one_row_per_key_sorted():
    rows = [{"id": "b", "v": 1}, {"id": "a", "v": 2}, {"id": "b", "v": 3}]
    assert sink.aggregate(rows, "id") == [{"id": "a", "v": 2}, {"id": "b", "v": 3}]
    summed = sink.aggregate(rows, "id", lambda old, new: {"id": old["id"], "v": old["v"] + new["v"]})
    assert summed == [{"id": "a", "v": 2}, {"id": "b", "v": 4}]
    with pytest.raises(UserError):
        sink.aggregate([{"id": None}], "id")
    with pytest.raises(UserError):
        sink.aggregate([{"id": ""}], "id")


def test_every_batch_has_unique_merge_keys():
    data = sample()
    data.add_records(json.loads(line) for line in
                     (FIXTURES / "sample_events.jsonl").read_text(encoding="utf-8").splitlines() if line)
    for step in sink.plan(data, batch_size=4):
        for batch in step.batches:
            key = "event" if step.name.startswith("link:") else "child" if step.name == "part_of" else None
            if step.name.startswith("analyst:"):
                keys = [(r["source"], r["target"]) for r in batch]
            elif step.name == "orphan_actors":
                continue
            else:
                keys = [r[key or "id"] for r in batch]
            assert len(keys) == len(set(keys)), step.name


def test_analyst_keys_cover_non_fact_events_too():
    """A key whose only events are negated/hypothetical is still sent, so a stale edge is dropped."""
    data = sample()
    non_facts = [e for e in data.events.values() if not e.counts_as_fact]
    assert non_facts, "fixture should hold negated / hypothetical events"
    rows = sink.analyst_rows(data)
    for e in non_facts:
        assert {"source": e.source_id, "target": e.target_id} in rows[e.relation]


# ---- parameter shapes -------------------------------------------------------------------------

def _json_primitive(value) -> bool:
    if isinstance(value, list):
        return all(_json_primitive(v) and not isinstance(v, (list, dict)) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_primitive(v) for k, v in value.items())
    return value is None or isinstance(value, (str, int, float, bool))


def test_parameters_are_json_primitives_and_merge_keys_are_never_null():
    steps = sink.plan(sample(), batch_size=1000)
    for step in steps:
        for batch in step.batches:
            params = {"rows": batch, **step.extra}
            assert json.loads(json.dumps(params)) == params
            for row in batch:
                assert _json_primitive(row), (step.name, row)
                merge_keys = (("event", "node") if step.name.startswith("link:") else
                              ("source", "target") if step.name.startswith("analyst:") else
                              ("child", "parent") if step.name == "part_of" else ("id",))
                for key in merge_keys:
                        assert isinstance(row[key], str) and row[key], (step.name, key, row)
                if "aliases" in row:
                    assert isinstance(row["aliases"], list) and all(isinstance(a, str) for a in row["aliases"])
                if "events" in row:
                    assert all(isinstance(x, str) for x in row["events"])
    by_name = {s.name: s for s in steps}
    ev = by_name["events"].batches[0][0]
    assert set(ev) == set(EVENT_PROPS)
    assert isinstance(ev["negated"], bool) and isinstance(ev["confidence"], float)
    assert isinstance(ev["start"], int) and isinstance(ev["end"], int)
    assert set(by_name["actors"].batches[0][0]) == set(ACTOR_PROPS)
    assert set(by_name["articles"].batches[0][0]) == set(ARTICLE_PROPS)
    for s in steps:
        if s.name.startswith("analyst:"):
            assert s.extra == {"relation": s.name.split(":", 1)[1]}


def test_adversarial_values_travel_untouched_as_parameters():
    data = sample()
    rows = sink.plan(data, 1000)
    sent = json.dumps([b for s in rows for b in s.batches], ensure_ascii=False)
    weird = [a for a in data.actors.values() if any(c in a.name for c in "\"<>#")]
    assert weird, "fixture should hold an actor with an adversarial name"
    for a in weird:
        assert json.dumps(a.name, ensure_ascii=False)[1:-1] in sent
        assert a.name not in "".join(sink.STATEMENTS.values())


def test_stale_rows_only_for_articles_with_sha256():
    data = sample()
    data.add_article(Article(id="no-sha"))
    rows = sink.stale_article_rows(data)
    ids = {r["id"] for r in rows}
    assert "no-sha" not in ids
    assert ids == {a.id for a in data.articles.values() if a.sha256}
    for r in rows:
        assert r["events"] == sorted(e.id for e in data.events.values() if e.article_id == r["id"])


# ---- connection settings -----------------------------------------------------------------------

def _args(**kw):
    base = dict(neo4j_uri=None, neo4j_user=None, neo4j_database=None, neo4j_password_file=None,
                neo4j_timeout=None)
    base.update(kw)
    return argparse.Namespace(**base)


def test_config_from_env_and_flags(monkeypatch, tmp_path):
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://abc.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USERNAME", "alice")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret")
    monkeypatch.setenv("NEO4J_DATABASE", "news")
    cfg = sink.config_from_args(_args())
    assert (cfg.uri, cfg.user, cfg.password, cfg.database) == ("neo4j+s://abc.databases.neo4j.io", "alice", "s3cret", "news")
    assert "s3cret" not in repr(cfg)
    pw = tmp_path / "pw"
    pw.write_text("from-file\nignored\n")
    cfg = sink.config_from_args(_args(neo4j_uri="bolt://h:7687", neo4j_user="bob", neo4j_database="db2",
                                      neo4j_password_file=pw))
    assert (cfg.uri, cfg.user, cfg.password, cfg.database) == ("bolt://h:7687", "bob", "from-file", "db2")


def test_config_errors_are_user_errors(monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    cfg = sink.config_from_args(_args())
    assert (cfg.database, cfg.password) == ("neo4j", None)   # no password: connect without auth
    with pytest.raises(UserError, match="must start with bolt://"):
        sink.config_from_args(_args(neo4j_uri="http://localhost:7474"))
    with pytest.raises(UserError, match="password-file"):
        sink.config_from_args(_args(neo4j_password_file=tmp_path / "missing"))


def test_build_flag_takes_an_optional_uri(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    p = argparse.ArgumentParser()
    p.add_argument("inputs", nargs="+")
    sink.add_build_arguments(p)
    args = p.parse_args(["data/articles", "--neo4j", "bolt://127.0.0.1:7687"])
    assert args.inputs == ["data/articles"] and sink.config_from_args(args).uri == "bolt://127.0.0.1:7687"
    args = p.parse_args(["data/articles", "--neo4j"])
    assert args.neo4j is True and sink.config_from_args(args).uri == sink.DEFAULT_URI
    args = p.parse_args(["data/articles", "--neo4j", "bolt://a:1", "--neo4j-uri", "bolt://b:2"])
    assert sink.config_from_args(args).uri == "bolt://b:2"
    assert p.parse_args(["data/articles"]).neo4j is False


def test_no_password_flag_exists():
    p = argparse.ArgumentParser()
    sink.add_build_arguments(p)
    flags = set(p._option_string_actions)
    assert {"--neo4j", "--neo4j-uri", "--neo4j-user", "--neo4j-database", "--neo4j-password-file",
            "--batch-size", "--dry-run"} <= flags
    assert not any(f in flags for f in ("--neo4j-password", "--password"))


def test_build_arguments_do_not_clash_with_existing_flags():
    p = argparse.ArgumentParser()
    p.add_argument("--dry-run", action="store_true")
    sink.add_build_arguments(p)  # must not raise argparse.ArgumentError
    assert "--neo4j" in p._option_string_actions


def test_after_build_without_flag_does_nothing(tmp_path):
    sink.after_build(argparse.Namespace(neo4j=False), tmp_path / "nonexistent.lbdb")


def test_after_build_dry_run_reads_the_store(tmp_path, capsys):
    store = pytest.importorskip("graphbuild.sinks.store")
    if not hasattr(store, "read_graph") or not hasattr(store, "write_graph"):
        pytest.skip("graphbuild.sinks.store has no read_graph/write_graph yet")
    path = tmp_path / "g.lbdb"
    data = sample()
    with store.open_store(path) as st:
        store.write_graph(st, data)
    args = argparse.Namespace(neo4j=True, dry_run=True, batch_size=7, quiet=True, neo4j_uri=None,
                              neo4j_user=None, neo4j_database=None, neo4j_password_file=None, neo4j_timeout=5)
    sink.after_build(args, path)
    out = capsys.readouterr().out
    assert f"// step events: {len(data.events)} rows in {math.ceil(len(data.events) / 7)} batch(es)" in out


def test_check_build_arguments_fails_fast(monkeypatch):
    """Before a long build: bad settings, and a server that cannot be reached, are one-line errors."""
    import socket
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    closed = sock.getsockname()[1]
    sock.close()
    base = dict(neo4j_uri=f"bolt://127.0.0.1:{closed}", neo4j_user=None, neo4j_database=None,
                neo4j_password_file=None, neo4j_timeout=3, batch_size=1000, dry_run=False)
    sink.check_build_arguments(argparse.Namespace(neo4j=False, **base))  # no --neo4j: nothing to check
    with pytest.raises(UserError, match="cannot reach Neo4j"):
        sink.check_build_arguments(argparse.Namespace(neo4j=True, **base))
    sink.check_build_arguments(argparse.Namespace(neo4j=True, **{**base, "dry_run": True}))
    with pytest.raises(UserError, match="batch-size"):
        sink.check_build_arguments(argparse.Namespace(neo4j=True, **{**base, "dry_run": True, "batch_size": 0}))
    with pytest.raises(UserError, match="must start with bolt://"):
        sink.check_build_arguments(argparse.Namespace(neo4j="http://x:7474", **{**base, "neo4j_uri": None}))
