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
from graphbuild.commands.build import build_from_records
from graphbuild.merge import GraphData, analyst_edges, country_of
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
CORPUS_KEYWORDS = ("Venezuela", "Maduro", "Guaid", "sanction")
CORPUS_MAX_CHARS = 4000   # short articles: the build's extraction stays ~20 s on 2 cores
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
    in_events = {a for e in data.events.values() for a in (e.source_id, e.target_id, e.reported_by_id) if a}
    parts = {a for a in in_events if a in data.part_of}  # and the countries they are PART_OF
    out = {"Actor": len(in_events | {data.part_of[a] for a in parts}),
           "Article": len(data.articles), "Event": len(data.events), "PART_OF": len(parts)}
    out["SOURCE"] = out["TARGET"] = out["REPORTED_IN"] = len(data.events)
    out["REPORTED_BY"] = sum(1 for e in data.events.values() if e.reported_by_id)
    for rel in RELATION_NAMES:
        out[rel] = 0
    for edge in data.analyst_edges():
        out[edge.relation] += 1
    return out


def db_edges(driver, cfg) -> dict[tuple, tuple]:
    rows = driver.execute_query(
        "MATCH (s:Actor)-[r]->(t:Actor) WHERE type(r) <> 'PART_OF' "
        "RETURN s.id AS s, type(r) AS rel, t.id AS t, r.mentions AS m, "
        "r.articles AS a, r.first_seen AS f, r.last_seen AS l, r.confidence AS c",
        database_=cfg.database).records
    return {(r["s"], r["rel"], r["t"]): (r["m"], r["a"], r["f"], r["l"], r["c"]) for r in rows}


def assert_same_edges(got: dict[tuple, tuple], want: dict[tuple, tuple]) -> None:
    """Same analyst edges with the same aggregates; confidences (rounded to 4 places on both
    sides, by different float code) may differ by one unit in the last place."""
    assert sorted(got) == sorted(want)
    for key, (*exact, conf) in got.items():
        *w_exact, w_conf = want[key]
        assert exact == w_exact, key
        assert math.isclose(conf, w_conf, abs_tol=1.01e-4), (key, conf, w_conf)


def py_edges(data: GraphData) -> dict[tuple, tuple]:
    return {(e.source_id, e.relation, e.target_id):
            (e.mentions, e.articles, e.first_seen, e.last_seen, e.confidence)
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
    assert_same_edges(db_edges(driver, cfg), py_edges(data))
    second = sink.push(data, cfg, quiet=True)
    assert (second.nodes_created, second.relationships_created, second.nodes_deleted,
            second.relationships_deleted) == (0, 0, 0, 0)
    assert db_counts(driver, cfg) == counts1
    assert_same_edges(db_edges(driver, cfg), py_edges(data))


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
    assert_same_edges(db_edges(driver, cfg), py_edges(union))


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
    assert_same_edges(db_edges(driver, cfg), py_edges(new))


def test_re_resolved_actor_moves_the_event_and_its_edge(driver, cfg, clean):
    recs = records()
    sink.push(graph(recs=recs), cfg, quiet=True)
    moved = copy.deepcopy(recs)
    fact = next(r for r in moved if not r["negated"] and r.get("modality") != "hypothetical")
    fact["target"] = {**fact["target"], "id": "actor-re-resolved", "name": "Re-resolved"}
    new = graph(recs=moved)
    sink.push(new, cfg, quiet=True)
    assert db_counts(driver, cfg) == expected_counts(new)
    assert_same_edges(db_edges(driver, cfg), py_edges(new))


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
    assert_same_edges(db_edges(driver, cfg), py_edges(data))


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
    assert_same_edges(db_edges(driver, cfg), py_edges(data))


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


# ---- the embedded store as the reference ------------------------------------------------------

def store_counts(path: Path) -> dict[str, int]:
    """The embedded store's counts, keyed like :func:`graphbuild.sinks.neo4j.counts`."""
    from graphbuild.sinks import store
    out = {k: v for k, v in store.counts(path).items() if k != "analyst_edges"}
    for rel in EVENT_LINKS:
        out[rel] = int(store.run_query(path, f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n")[1][0][0])
    return out


def store_edges(path: Path) -> dict[tuple, tuple]:
    from graphbuild.sinks import store
    _, rows = store.run_query(path, "MATCH (s:Actor)-[r]->(t:Actor) WHERE label(r) <> 'PART_OF' "
                                    "RETURN s.id, label(r), t.id, r.mentions, "
                                    "r.articles, r.first_seen, r.last_seen, r.confidence")
    return {(s, rel, t): (m, a, f, l, c) for s, rel, t, m, a, f, l, c in rows}


def assert_same_as_store(driver, cfg, path: Path) -> dict[str, int]:
    """Nodes, relationships per type and every analyst edge's aggregates equal the store's."""
    expected = store_counts(path)
    assert db_counts(driver, cfg) == expected
    assert_same_edges(db_edges(driver, cfg), store_edges(path))
    return expected


def run_cli(*argv, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, **(env or {})}, timeout=timeout)


def _shared_root(tmp_path_factory) -> Path:
    """The session's temp root, the same for every xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def corpus_build(tmp_path_factory) -> Path:
    """`graphbuild build` of 100 corpus articles (the first on Venezuela / sanctions): extracted ONCE per session (the
    first worker builds under a lock, the other reuses it). Returns the build's --out directory."""
    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is absent (../shared not beside the checkout)")
    root = _shared_root(tmp_path_factory)
    out = root / "neo4j-corpus100"
    with exclusive(root / "neo4j-corpus100.lock"):
        if not (out / "done").exists():
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            with open(CORPUS, encoding="utf-8") as src, open(out / "input.jsonl", "w", encoding="utf-8") as dst:
                picked = 0
                for line in src:   # the first 100 on the corpus's main story: a dense actor graph
                    if (picked < CORPUS_ARTICLES and any(k in line for k in CORPUS_KEYWORDS)
                            and len(json.loads(line).get("text") or "") <= CORPUS_MAX_CHARS):
                        dst.write(line)
                        picked += 1
            proc = run_cli("build", str(out / "input.jsonl"), "--out", str(out), "--quiet")
            assert proc.returncode == 0, proc.stderr[-2000:]
            (out / "done").touch()
    return out


@pytest.fixture(scope="session")
def corpus_records(corpus_build) -> list[dict]:
    return [json.loads(line) for line in (corpus_build / "events.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]


def copy_store(src: Path, dst: Path) -> Path:
    """A copy of a store (its file and any sidecar files) to change without touching the original."""
    dst.mkdir(parents=True, exist_ok=True)
    for f in src.parent.glob(src.name + "*"):
        (shutil.copytree if f.is_dir() else shutil.copy2)(f, dst / f.name)
    return dst / src.name


def store_of(records: list[dict], arts: list[Article], path: Path) -> Path:
    from graphbuild.sinks import store
    data = graph(recs=records, arts=arts)
    with store.open_store(path) as st:
        store.write_graph(st, data)
    return path


# ---- builds pushed, compared with the embedded store ------------------------------------------

def test_seed_build_with_neo4j_flag_equals_its_store(driver, cfg, clean, tmp_path):
    """The README's `graphbuild build data/articles --neo4j URI`, end to end through the CLI."""
    out = tmp_path / "seed"
    proc = run_cli("build", str(ROOT / "data" / "articles"), "--out", str(out), "--neo4j", cfg.uri, "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    counts = assert_same_as_store(driver, cfg, out / "graph.lbdb")
    assert counts["Event"] > 0 and counts["Actor"] > 0


def test_corpus_build_equals_the_store_and_a_second_push_changes_nothing(driver, cfg, clean, corpus_build):
    from graphbuild.sinks import store
    path = corpus_build / "graph.lbdb"
    data = store.read_graph(path)
    first = sink.push(data, cfg, quiet=True)
    counts = assert_same_as_store(driver, cfg, path)
    assert counts["Article"] == CORPUS_ARTICLES and counts["Event"] > 100 and sum(counts[r] for r in RELATION_NAMES) > 30
    assert first.nodes_created == counts["Actor"] + counts["Article"] + counts["Event"]
    second = sink.push(data, cfg, quiet=True, batch_size=37)
    assert (second.nodes_created, second.nodes_deleted, second.relationships_created,
            second.relationships_deleted) == (0, 0, 0, 0)
    assert_same_as_store(driver, cfg, path)


def test_corpus_overlapping_builds_equal_one_build_of_the_union(driver, cfg, clean, corpus_build,
                                                               corpus_records, tmp_path):
    from graphbuild.sinks import store
    arts = list(store.read_graph(corpus_build / "graph.lbdb").articles.values())
    ids = sorted(a.id for a in arts)
    first, second = set(ids[:60]), set(ids[40:])
    parts = [store_of([r for r in corpus_records if r["article_id"] in part],
                      [a for a in arts if a.id in part], tmp_path / f"part{i}.lbdb")
             for i, part in enumerate((first, second))]
    union = store_of(corpus_records, arts, tmp_path / "union.lbdb")
    assert store_counts(union) == store_counts(corpus_build / "graph.lbdb")  # same as the CLI build
    for part in parts:
        sink.push(store.read_graph(part), cfg, quiet=True, batch_size=250)
    assert_same_as_store(driver, cfg, union)


def test_corpus_article_whose_text_changed_replaces_its_events(driver, cfg, clean, corpus_build,
                                                              corpus_records, tmp_path):
    from graphbuild.sinks import store
    path = corpus_build / "graph.lbdb"
    sink.push(store.read_graph(path), cfg, quiet=True)
    per_article: dict[str, list[dict]] = {}
    for r in corpus_records:
        per_article.setdefault(r["article_id"], []).append(r)
    target = max(per_article, key=lambda a: (len(per_article[a]), a))   # the article with most events
    raw = next(json.loads(line) for line in (corpus_build / "input.jsonl").read_text(encoding="utf-8").splitlines()
               if json.loads(line)["id"] == target)
    ends = sorted(raw["text"].find(r["sentence"]) + len(r["sentence"]) for r in per_article[target]
                  if r["field"] == "text" and r["sentence"] in raw["text"])
    raw["text"] = raw["text"][:ends[0]]          # the new text stops after the first event's sentence
    (tmp_path / "changed.jsonl").write_text(json.dumps(raw) + "\n", encoding="utf-8")
    changed = copy_store(path, tmp_path / "changed")
    proc = run_cli("build", str(tmp_path / "changed.jsonl"), "--store", str(changed), "--out",
                   str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = store.read_graph(changed)
    new_events = {e.id for e in after.events.values() if e.article_id == target}
    assert new_events and len(new_events) < len(per_article[target])
    sink.push(after, cfg, quiet=True)
    assert_same_as_store(driver, cfg, changed)
    stored = {r["id"] for r in driver.execute_query("MATCH (e:Event {article_id: $a}) RETURN e.id AS id",
                                                    a=target, database_=cfg.database).records}
    assert stored == new_events


# ---- interrupted pushes: a real dropped connection and a vanished server ----------------------

class DroppingProxy:
    """A TCP relay to the server on 127.0.0.1 that a test can cut: ``drop()`` closes every open
    connection (the driver reconnects); ``close()`` also stops listening (the server is gone)."""

    def __init__(self, uri: str):
        host_port = uri.split("://", 1)[1]
        self.upstream = (host_port.rsplit(":", 1)[0], int(host_port.rsplit(":", 1)[1]))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.socks: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.socks += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def drop(self):
        with self.lock:
            socks, self.socks = self.socks, []
        for s in socks:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()

    def close(self):
        self.listener.close()
        self.drop()


def test_connection_dropped_mid_batch_is_retried_with_nothing_lost_or_duplicated(driver, cfg, clean):
    proxy = DroppingProxy(cfg.uri)
    via = sink.Neo4jConfig(uri=proxy.uri, user=cfg.user, database=cfg.database, password=cfg.password,
                           timeout=5, retry_time=20)
    seen: dict[tuple, int] = {}

    def cut(step, index):  # the statement ran; the connection dies before the commit
        seen[(step, index)] = seen.get((step, index), 0) + 1
        if (step, index) in {("events", 1), ("link:SOURCE", 0), ("analyst:SUPPORTED", 0)} and seen[(step, index)] == 1:
            proxy.drop()

    data = graph()
    try:
        sink.push(data, via, quiet=True, batch_size=4, fail_hook=cut)
    finally:
        proxy.close()
    assert seen[("events", 1)] == 2 and seen[("link:SOURCE", 0)] == 2
    assert db_counts(driver, cfg) == expected_counts(data)
    assert_same_edges(db_edges(driver, cfg), py_edges(data))


def test_server_gone_mid_push_is_one_line_error_and_a_rerun_completes(driver, cfg, clean, corpus_build):
    from graphbuild.sinks import store
    path = corpus_build / "graph.lbdb"
    data = store.read_graph(path)
    proxy = DroppingProxy(cfg.uri)
    via = sink.Neo4jConfig(uri=proxy.uri, user=cfg.user, database=cfg.database, password=cfg.password,
                           timeout=2, retry_time=2)

    def vanish(step, index):
        if step == "link:TARGET" and index == 2:
            proxy.close()  # nothing listens any more: retries fail until retry_time runs out

    with pytest.raises(UserError, match="cannot reach Neo4j") as err:
        sink.push(data, via, quiet=True, batch_size=20, fail_hook=vanish)
    assert "\n" not in str(err.value) and cfg.password not in str(err.value)
    partial = db_counts(driver, cfg)
    assert partial["TARGET"] == 2 * 20 and partial["Event"] == len(data.events)   # batches 0 and 1 committed
    sink.push(data, cfg, quiet=True, batch_size=20)
    assert_same_as_store(driver, cfg, path)


# ---- the query library on the corpus -----------------------------------------------------------

def compare_query_library(driver, cfg, path: Path, values: dict, by: str | None = None) -> int:
    """Every library query (``by``: its roll-up versions, with ``values`` naming countries by id):
    same columns, same rows (as multisets) on Neo4j as on the store."""
    from graphbuild.commands import query
    from graphbuild.sinks import store
    qdir = query.QUERIES_DIR / f"by_{by}" if by else None
    lbdb = {q.name: q for q in query.library("lbdb", qdir)}
    compared = 0
    for q in query.library("neo4j", qdir):
        def bind(query_):
            return {p: 1000 if p == "limit" else values.get(p, query_.defaults.get(p, "x")) for p in query_.params}
        cols_s, rows_s = store.run_query(path, lbdb[q.name].text, bind(lbdb[q.name]), by_country=by == "country")
        res = driver.execute_query(q.text, bind(q), database_=cfg.database)
        assert list(res.keys) == cols_s, q.name
        rows_n = sorted(repr([_norm(v) for v in r.values()]) for r in res.records)
        assert rows_n == sorted(repr([_norm(v) for v in r]) for r in rows_s), q.name
        compared += bool(rows_n)
    assert set(lbdb) == {q.name for q in query.library("neo4j", qdir)}
    return compared


def test_every_query_file_on_the_corpus_build_matches_the_store(driver, cfg, clean, corpus_build):
    from graphbuild.sinks import store
    path = corpus_build / "graph.lbdb"
    sink.push(store.read_graph(path), cfg, quiet=True)
    edges = store_edges(path)
    (src, rel, tgt), _ = max(edges.items(), key=lambda kv: (kv[1][0], kv[0]))   # the most-mentioned edge
    nonempty = compare_query_library(driver, cfg, path, {"actor": src, "other": tgt, "relation": rel})
    assert nonempty >= len(list(Path(ROOT / "queries").glob("*.cypher"))) // 2   # real rows, not empty sets
    data = store.read_graph(path)
    countries = {k: country_of(data.actors, data.part_of, v) for k, v in (("actor", src), ("other", tgt))}
    assert compare_query_library(driver, cfg, path, countries, by="country") >= 5


def test_by_country_queries_and_organisations_match_the_store(driver, cfg, clean, extract_text, tmp_path):
    """People PART_OF their organisation reach Neo4j, and every --by country query gives the
    store's rows there, on our own sentences plus the sample events."""
    from graphbuild.sinks import store
    from test_part_of_org import ASSADI, PMF, TEXTS
    from test_query_by_country import mixed_signals
    recs = records() + mixed_signals() + [r for k, t in TEXTS.items() for r in extract_text(t, art_id=k)]
    path = tmp_path / "g.lbdb"
    build_from_records(path, articles() + [Article(id=k) for k in TEXTS], recs)
    data = store.read_graph(path)
    sink.push(data, cfg, quiet=True)
    links = {r["a"]: (r["p"], r["org"]) for r in driver.execute_query(
        "MATCH (a:Actor)-[:PART_OF]->(p:Actor) RETURN a.id AS a, p.id AS p, a.org AS org",
        database_=cfg.database).records}
    assert links[ASSADI] == (PMF, PMF) and links[PMF] == ("Q796", None)
    assert {a: p for a, (p, _) in links.items()} == data.part_of
    assert compare_query_library(driver, cfg, path, {"actor": "Q30", "other": "Q717"}, by="country") >= 8


# ---- hostile values ------------------------------------------------------------------------------

HOSTILE = [
    '"}) DETACH DELETE n //',
    "it's \"quoted\" `back`tick` \\backslash\\ $rows {x: 1}",
    "line one\nline two\r\n\ttabbed\u2028separator",
    "\u0627\u0644\u0631\u0626\u064a\u0633 \u05e0\u05e9\u05d9\u05d0 \u202eRTL override\u202c mixed",
    "emoji \U0001F1FA\U0001F1F8\U0001F54A\ufe0f\U0001F4A5 \U0001F468\u200d\U0001F469\u200d\U0001F467 zwj",
    "MATCH (n) DETACH DELETE n",
    "x" * 100_000,
    "\u00e9\u4e2d\U0001F600" * 34_000,
]


def test_hostile_values_are_stored_byte_for_byte_and_never_executed(driver, cfg, clean):
    recs = copy.deepcopy(records())
    for i, rec in enumerate(recs):
        h = HOSTILE[i % len(HOSTILE)]
        rec["sentence"] = h
        rec["source"] = {**rec["source"], "name": h, "text": h}
        if i % 3 == 0:  # an id built from hostile text too
            rec["target"] = {**rec["target"], "id": "actor:" + HOSTILE[(i + 1) % len(HOSTILE)][:200]}
    arts = [Article(**{**a.to_dict(), "title": HOSTILE[i % len(HOSTILE)], "url": HOSTILE[(i + 2) % len(HOSTILE)]})
            for i, a in enumerate(articles())]
    data = graph(recs=recs, arts=arts)
    driver.execute_query("CREATE (:GraphbuildSentinel {id: 'keep-me'})", database_=cfg.database)
    try:
        sink.push(data, cfg, quiet=True, batch_size=3)
        assert db_counts(driver, cfg) == expected_counts(data)
        for actor in data.actors.values():
            got = driver.execute_query("MATCH (a:Actor {id: $id}) RETURN a.name AS name", id=actor.id,
                                       database_=cfg.database).records
            assert got and got[0]["name"].encode("utf-8") == actor.name.encode("utf-8")
        for ev in data.events.values():
            got = driver.execute_query("MATCH (e:Event {id: $id}) RETURN e.sentence AS s", id=ev.id,
                                       database_=cfg.database).records
            assert got[0]["s"].encode("utf-8") == ev.sentence.encode("utf-8")
        for art in data.articles.values():
            got = driver.execute_query("MATCH (a:Article {id: $id}) RETURN a.title AS t, a.url AS u", id=art.id,
                                       database_=cfg.database).records
            assert (got[0]["t"], got[0]["u"]) == (art.title, art.url)
        assert driver.execute_query("MATCH (s:GraphbuildSentinel) RETURN count(s) AS n",
                                    database_=cfg.database).records[0]["n"] == 1
    finally:
        driver.execute_query("MATCH (s:GraphbuildSentinel) DELETE s", database_=cfg.database)


# ---- auth ------------------------------------------------------------------------------------------

def test_no_password_against_a_server_with_auth_is_a_one_line_error(cfg):
    if not cfg.password:
        pytest.skip("this server runs without auth")
    proc = run_cli("push", "neo4j", "--events", str(FIXTURES / "sample_events.jsonl"), "--neo4j-uri", cfg.uri,
                   env={"NEO4J_PASSWORD": "", "NEO4J_URI": ""}, timeout=120)
    assert proc.returncode == 2, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "requires a password" in lines[0] and "NEO4J_PASSWORD" in lines[0], proc.stderr


def test_part_of_and_aliases_in_neo4j(driver, cfg, clean):
    """PART_OF edges reach Neo4j with the right targets, and no pronoun or role noun is an alias."""
    recs = records()
    for rec in recs[:6]:
        rec = copy.deepcopy(rec)
        rec["id"] += "-he"
        rec["source"]["text"] = "he"
        rec["target"]["text"] = "the government"
        recs.append(rec)
    data = graph(recs=recs)
    sink.push(data, cfg, quiet=True)
    rows = driver.execute_query("MATCH (a:Actor)-[:PART_OF]->(c:Actor) RETURN a.id AS a, c.id AS c, c.kind AS k",
                                database_=cfg.database).records
    links = {r["a"]: (r["c"], r["k"]) for r in rows}
    assert links["USA-GOV"] == ("Q30", "COUNTRY") and links["Q473239"] == ("Q30", "COUNTRY")
    assert links["CUB-GOV"] == ("Q241", "COUNTRY") and "Q30" not in links
    assert links == {c: (p, "COUNTRY") for c, p in data.part_of.items()}
    aliases = {al for r in driver.execute_query("MATCH (a:Actor) UNWIND a.aliases AS al RETURN al",
                                                database_=cfg.database).records for al in [r["al"]]}
    assert "Pompeo" in aliases and not aliases & {"he", "the government"}
    sink.push(data, cfg, quiet=True)  # idempotent: still one PART_OF per actor
    assert db_counts(driver, cfg)["PART_OF"] == len(data.part_of)
