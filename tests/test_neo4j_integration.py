"""Integration tests against a LIVE Neo4j 5, run whenever NEO4J_URI is set.

`make test` starts a private Neo4j 5.26 Community server (tests/neo4j_server/, auth on, any free
port) around the whole suite and exports NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD, so these
tests always run there (without java or mvn they skip with that reason). By hand, against any
server (they write Actor/Article/Event data and clear those labels between tests, so they refuse
a database holding nodes with any other label: point them at a scratch database or instance):

    tests/neo4j_server/run-with-neo4j.sh .venv/bin/pytest tests/test_neo4j_integration.py
    NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=secret-password .venv/bin/pytest tests/test_neo4j_integration.py

pytest runs with -n 2: tests that write take an exclusive file lock on the server (one writer at a
time), and the 100-article corpus build is extracted once per session and shared by the workers.
"""

from __future__ import annotations

import copy
import fcntl
import hashlib
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from graphbuild.errors import UserError
from graphbuild.merge import GraphData, analyst_edges
from graphbuild.model import EVENT_LINKS, Article
from graphbuild.paths import SHARED_DIR
from graphbuild.sinks import neo4j as sink
from graphbuild.vocab import RELATION_NAMES

_MUST_RUN = os.environ.get("CI") == "true" and bool(shutil.which("java")) and bool(shutil.which("mvn"))
pytestmark = pytest.mark.skipif(
    not os.environ.get("NEO4J_URI") and not _MUST_RUN,
    reason=os.environ.get("GRAPHBUILD_NEO4J_SKIP")
    or "NEO4J_URI is not set: no live Neo4j (`make test` starts one; needs java and mvn)")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = SHARED_DIR / "corpus" / "articles.jsonl"
CORPUS_ARTICLES = 100
OUR_LABELS = {"Actor", "Article", "Event"}
CLI = "import sys, graphbuild.cli as c; sys.exit(c.main(sys.argv[1:]))"


def records() -> list[dict]:
    return [json.loads(line) for line in
            (FIXTURES / "sample_events.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def articles() -> list[Article]:
    return [Article(**json.loads(line)) for line in
            (FIXTURES / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]


def graph(article_ids=None, recs=None, arts=None) -> GraphData:
    data = GraphData()
    for rec in recs if recs is not None else records():
        if article_ids is None or rec["article_id"] in article_ids:
            data.add_record(rec)
    for art in arts if arts is not None else articles():
        if article_ids is None or art.id in article_ids:
            data.add_article(art)
    return data


@pytest.fixture(scope="module")
def cfg() -> sink.Neo4jConfig:
    if not os.environ.get("NEO4J_URI"):
        pytest.fail("CI has java and mvn but NEO4J_URI is unset: run the suite with `make test`, "
                    "which starts the local Neo4j (tests/neo4j_server/run-with-neo4j.sh)")
    return sink.config_from_args(_ns())


@contextmanager
def exclusive(path: Path):
    """An exclusive lock on ``path`` (flock) shared by every process on this machine."""
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def server_lock(cfg) -> Path:
    """One lock file per server and database: the xdist workers take turns writing to it."""
    key = hashlib.sha1(f"{cfg.uri} {cfg.database}".encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"graphbuild-neo4j-{key}.lock"


def _ns(**kw):
    import argparse
    base = dict(neo4j_uri=None, neo4j_user=None, neo4j_database=None, neo4j_password_file=None,
                neo4j_timeout=15)
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.fixture(scope="module")
def driver(cfg):
    drv = sink.connect(cfg)
    labels = {r["label"] for r in drv.execute_query(
        "CALL db.labels() YIELD label RETURN label", database_=cfg.database).records}
    with drv.session(database=cfg.database) as s:
        used = {lab for lab in labels - OUR_LABELS
                if s.run("MATCH (n) WHERE $l IN labels(n) RETURN count(n) AS n", l=lab).single()["n"]}
    if used:
        drv.close()
        pytest.skip(f"database {cfg.database!r} holds other data (labels {sorted(used)}): use a scratch database")
    yield drv
    drv.close()


@pytest.fixture
def clean(driver, cfg):
    """This test alone writes to the server (file lock); graphbuild's nodes are removed before and after."""
    def wipe():  # CALL ... IN TRANSACTIONS needs an auto-commit transaction (session.run)
        with driver.session(database=cfg.database) as session:
            for label in OUR_LABELS:
                session.run(f"MATCH (n:{label}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 5000 ROWS").consume()
    with exclusive(server_lock(cfg)):
        wipe()
        yield
        wipe()


def db_counts(driver, cfg) -> dict[str, int]:
    return sink.counts(driver, cfg.database)


def expected_counts(data: GraphData) -> dict[str, int]:
    out = {"Actor": len({a for e in data.events.values()
                         for a in (e.source_id, e.target_id, e.reported_by_id) if a}),
           "Article": len(data.articles), "Event": len(data.events)}
    out["SOURCE"] = out["TARGET"] = out["REPORTED_IN"] = len(data.events)
    out["REPORTED_BY"] = sum(1 for e in data.events.values() if e.reported_by_id)
    for rel in RELATION_NAMES:
        out[rel] = 0
    for edge in data.analyst_edges():
        out[edge.relation] += 1
    return out


def db_edges(driver, cfg) -> dict[tuple, tuple]:
    rows = driver.execute_query(
        "MATCH (s:Actor)-[r]->(t:Actor) RETURN s.id AS s, type(r) AS rel, t.id AS t, r.mentions AS m, "
        "r.articles AS a, r.first_seen AS f, r.last_seen AS l, r.confidence AS c",
        database_=cfg.database).records
    return {(r["s"], r["rel"], r["t"]): (r["m"], r["a"], r["f"], r["l"], round(r["c"], 4)) for r in rows}


def py_edges(data: GraphData) -> dict[tuple, tuple]:
    return {(e.source_id, e.relation, e.target_id):
            (e.mentions, e.articles, e.first_seen, e.last_seen, round(e.confidence, 4))
            for e in analyst_edges(data.events.values())}


def test_constraints_and_indexes_created(driver, cfg, clean):
    sink.push(graph(), cfg, quiet=True)
    cons = {r["name"]: (r["type"], r["entityType"], r["labelsOrTypes"], r["properties"])
            for r in driver.execute_query("SHOW CONSTRAINTS YIELD name, type, entityType, labelsOrTypes, properties",
                                          database_=cfg.database).records}
    for name, label in (("actor_id", "Actor"), ("article_id", "Article"), ("event_id", "Event")):
        # Community accepts only uniqueness constraints: these are the ones the MERGEs rely on
        assert cons.get(name) == ("UNIQUENESS", "NODE", [label], ["id"]), (name, cons.get(name))
    idx = {r["name"]: (r["state"], r["type"], r["labelsOrTypes"], r["properties"]) for r in driver.execute_query(
        "SHOW INDEXES YIELD name, state, type, labelsOrTypes, properties", database_=cfg.database).records}
    declared = [n for n in sink.SCHEMA_STATEMENTS if n.startswith("index_")]
    for key in declared:
        name = key.removeprefix("index_")
        assert idx.get(name, ("missing",))[:2] == ("ONLINE", "RANGE"), (name, idx.get(name))
    for name in ("actor_id", "article_id", "event_id"):  # each constraint's backing index
        assert idx[name][0] == "ONLINE"
    assert not [n for n, v in idx.items() if v[0] != "ONLINE"]
    sink.push(graph(), cfg, quiet=True)  # IF NOT EXISTS: the second push adds nothing
    assert len(driver.execute_query("SHOW CONSTRAINTS", database_=cfg.database).records) == len(cons)
    assert len(driver.execute_query("SHOW INDEXES", database_=cfg.database).records) == len(idx)


def test_push_writes_the_model_and_twice_changes_nothing(driver, cfg, clean):
    data = graph()
    first = sink.push(data, cfg, quiet=True)
    assert first.nodes_created == expected_counts(data)["Actor"] + len(data.articles) + len(data.events)
    counts1 = db_counts(driver, cfg)
    assert counts1 == expected_counts(data)
    assert db_edges(driver, cfg) == py_edges(data)
    second = sink.push(data, cfg, quiet=True)
    assert (second.nodes_created, second.relationships_created, second.nodes_deleted,
            second.relationships_deleted) == (0, 0, 0, 0)
    assert db_counts(driver, cfg) == counts1
    assert db_edges(driver, cfg) == py_edges(data)


def test_adversarial_values_round_trip(driver, cfg, clean):
    data = graph()
    sink.push(data, cfg, quiet=True)
    for actor in data.actors.values():
        rec = driver.execute_query("MATCH (a:Actor {id: $id}) RETURN a.name AS name, a.aliases AS aliases",
                                   id=actor.id, database_=cfg.database).records
        if rec:
            assert rec[0]["name"] == actor.name
    for ev in data.events.values():
        rec = driver.execute_query("MATCH (e:Event {id: $id}) RETURN e.sentence AS s, e.`end` AS stop",
                                   id=ev.id, database_=cfg.database).records
        assert rec[0]["s"] == ev.sentence and rec[0]["stop"] == ev.end


@pytest.mark.parametrize("order", ["ab", "ba"])
def test_overlapping_builds_give_the_union(driver, cfg, clean, order):
    ids = [a.id for a in articles()]
    a, b = graph(set(ids[:2])), graph(set(ids[1:]))
    for part in (a, b) if order == "ab" else (b, a):
        sink.push(part, cfg, quiet=True, batch_size=3)
    union = graph()
    assert db_counts(driver, cfg) == expected_counts(union)
    assert db_edges(driver, cfg) == py_edges(union)


def test_changed_article_replaces_its_events_and_edges(driver, cfg, clean):
    recs, arts = records(), articles()
    sink.push(graph(recs=recs, arts=arts), cfg, quiet=True)
    target = arts[0].id
    keep = [r for r in recs if r["article_id"] != target]
    changed = [r for r in recs if r["article_id"] == target][:1]   # the new text has one event left
    arts2 = [Article(**{**a.to_dict(), "sha256": "0" * 64}) if a.id == target else a for a in arts]
    new = graph(recs=keep + changed, arts=arts2)
    sink.push(new, cfg, quiet=True)
    assert db_counts(driver, cfg) == expected_counts(new)
    assert db_edges(driver, cfg) == py_edges(new)


def test_re_resolved_actor_moves_the_event_and_its_edge(driver, cfg, clean):
    recs = records()
    sink.push(graph(recs=recs), cfg, quiet=True)
    moved = copy.deepcopy(recs)
    fact = next(r for r in moved if not r["negated"] and r.get("modality") != "hypothetical")
    fact["target"] = {**fact["target"], "id": "actor-re-resolved", "name": "Re-resolved"}
    new = graph(recs=moved)
    sink.push(new, cfg, quiet=True)
    assert db_counts(driver, cfg) == expected_counts(new)
    assert db_edges(driver, cfg) == py_edges(new)


def test_a_batch_retried_after_a_forced_transient_failure(driver, cfg, clean):
    from neo4j.exceptions import ServiceUnavailable

    calls: dict[tuple, int] = {}

    def flaky(step, index):
        calls[(step, index)] = calls.get((step, index), 0) + 1
        if step in ("events", "analyst:RECOGNIZED", "stale_events") and calls[(step, index)] == 1:
            raise ServiceUnavailable("forced failure after the statement ran, before commit")

    data = graph()
    sink.push(data, cfg, quiet=True, batch_size=4, fail_hook=flaky)
    assert calls[("events", 0)] == 2 and calls[("analyst:RECOGNIZED", 0)] == 2
    assert db_counts(driver, cfg) == expected_counts(data)
    assert db_edges(driver, cfg) == py_edges(data)


def test_an_interrupted_push_reruns_to_completion(driver, cfg, clean):
    def crash(step, index):
        if step == "link:TARGET" and index == 1:
            raise KeyboardInterrupt  # not retryable: the push stops here

    data = graph()
    with pytest.raises(KeyboardInterrupt):
        sink.push(data, cfg, quiet=True, batch_size=4, fail_hook=crash)
    partial = db_counts(driver, cfg)
    assert partial["TARGET"] == 4 and partial["Event"] == len(data.events)
    sink.push(data, cfg, quiet=True, batch_size=4)
    assert db_counts(driver, cfg) == expected_counts(data)
    assert db_edges(driver, cfg) == py_edges(data)


def test_statements_per_kind_is_ceil_n_over_batch(driver, cfg, clean):
    data = graph()
    stats = sink.push(data, cfg, quiet=True, batch_size=5)
    assert stats.by_step["events"] == math.ceil(len(data.events) / 5)
    for rel in EVENT_LINKS:
        assert stats.by_step.get(f"link:{rel}", 0) <= math.ceil(len(data.events) / 5)


def test_wrong_password_and_missing_database_are_one_line_errors(cfg):
    bad = sink.Neo4jConfig(uri=cfg.uri, user=cfg.user, database=cfg.database,
                           password=cfg.password + "-wrong", timeout=cfg.timeout)
    with pytest.raises(UserError, match="rejected the credentials|locked out") as err:
        sink.connect(bad)
    assert bad.password not in str(err.value) and "\n" not in str(err.value)
    missing = sink.Neo4jConfig(uri=cfg.uri, user=cfg.user, database="graphbuild-no-such-db",
                               password=cfg.password, timeout=cfg.timeout)
    with pytest.raises(UserError, match="no database 'graphbuild-no-such-db'"):
        sink.connect(missing)


def _norm(value):
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items()}
    return value


def test_every_query_file_returns_the_same_rows_as_the_embedded_store(driver, cfg, clean, tmp_path):
    store = pytest.importorskip("graphbuild.sinks.store")
    query = pytest.importorskip("graphbuild.commands.query")
    data = graph()
    path = tmp_path / "g.lbdb"
    with store.open_store(path) as st:
        store.write_graph(st, data)
    sink.push(store.read_graph(path), cfg, quiet=True)
    values = {"actor": "Q30", "other": "Q717", "limit": 1000, "relation": "RECOGNIZED"}
    lbdb = {q.name: q for q in query.library("lbdb")}
    compared = 0
    for q in query.library("neo4j"):
        def bind(query_):
            return {p: 1000 if p == "limit" else query_.defaults.get(p, values.get(p, "x")) for p in query_.params}
        params = bind(q)
        cols_s, rows_s = store.run_query(path, lbdb[q.name].text, bind(lbdb[q.name]))
        res = driver.execute_query(q.text, params, database_=cfg.database)
        assert list(res.keys) == cols_s, q.name
        rows_n = [[_norm(v) for v in r.values()] for r in res.records]
        rows_s = [[_norm(v) for v in r] for r in rows_s]
        assert sorted(map(repr, rows_n)) == sorted(map(repr, rows_s)), q.name
        compared += 1
    assert compared == len(lbdb)
