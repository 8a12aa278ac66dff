"""Neo4j sink benchmark: rows per statement from the dry-run plan for a corpus-size graph and,
when NEO4J_URI is set, relationships/s of a real push (first push and an idempotent re-push).

    .venv/bin/python benchmarks/neo4j_bench.py                      # synthetic, corpus-size
    .venv/bin/python benchmarks/neo4j_bench.py --store graphbuild-out/graph.lbdb
    NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=... .venv/bin/python benchmarks/neo4j_bench.py
    .venv/bin/python benchmarks/neo4j_bench.py --live [--edges 200000] [--store graph.lbdb]

--live starts the local Neo4j 5.26 (tests/neo4j_server/, unless NEO4J_URI is set) and measures,
in one run: server start time; relationships/s and statements sent pushing the corpus-size graph
(or --store) and a synthetic graph with --edges analyst edges at batch sizes 100 / 1,000 / 10,000,
and the same push row by row (one MERGE statement per record, on the first --row-by-row events)
as the baseline ratio; then every library query's time on Neo4j beside the embedded store's for
the synthetic graph.

The synthetic graph has the shared corpus's article count (2,450 when ../shared is present),
EVENTS_PER_ARTICLE events each, actors drawn with a Zipf-like skew (a few hubs, a long tail).
WARNING: with NEO4J_URI set this writes into NEO4J_DATABASE (default "neo4j"); use a scratch one.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphbuild.merge import GraphData  # noqa: E402
from graphbuild.model import Article  # noqa: E402
from graphbuild.paths import SHARED_DIR  # noqa: E402
from graphbuild.sinks import neo4j as sink  # noqa: E402
from graphbuild.vocab import RELATION_NAMES  # noqa: E402


def corpus_articles() -> int:
    path = SHARED_DIR / "corpus" / "articles.jsonl"
    if path.is_file():
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    return 2450


def synthetic(n_articles: int, per_article: int, n_actors: int, seed: int = 7) -> GraphData:
    """A reproducible corpus-size graph in the extractor's record format."""
    rng = random.Random(seed)
    weights = [1.0 / (i + 1) for i in range(n_actors)]
    actors = [{"id": f"actor-{i}", "name": f"Actor {i}", "kind": "COUNTRY", "country": "XXX",
               "role": None, "cameo": "XXX", "wikidata": None, "text": f"actor {i}"} for i in range(n_actors)]
    data = GraphData()
    for a in range(n_articles):
        art = f"art-{a:05d}"
        data.add_article(Article(id=art, title=f"Article {a}", url=f"https://example.org/{a}",
                                 source="bench", published=f"2019-{a % 12 + 1:02d}-01", sha256=f"{a:064x}"))
        for k in range(per_article):
            src, tgt = rng.choices(range(n_actors), weights, k=2)
            rel = rng.choice(RELATION_NAMES)
            data.add_record({
                "id": f"ev-{a:05d}-{k:02d}", "article_id": art, "field": "text", "relation": rel,
                "cameo": "010", "plover": None, "source": actors[src], "target": actors[tgt],
                "date": f"2019-{a % 12 + 1:02d}-{k % 28 + 1:02d}", "negated": rng.random() < 0.05,
                "modality": rng.choice(["asserted", "asserted", "reported", "hypothetical"]),
                "reported_by": actors[rng.randrange(n_actors)] if rng.random() < 0.3 else None,
                "confidence": round(rng.uniform(0.5, 0.95), 2), "trigger": "said",
                "sentence": "A synthetic sentence about the event. " * 3, "start": 0, "end": 120,
            })
    return data


# --------------------------------------------------------------------------------------------
# --live: a real server, batch sizes against row by row, queries against the embedded store
# --------------------------------------------------------------------------------------------

LAUNCHER = ROOT / "tests" / "neo4j_server" / "neo4j.sh"


def start_local_server(workdir: Path):
    """Start tests/neo4j_server (no auth, free port): (process, uri, seconds until it took Bolt)."""
    import subprocess
    subprocess.run([str(LAUNCHER), "build"], check=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen([str(LAUNCHER), "serve", "-Dneo4j.bolt.port=0", f"-Dneo4j.workdir={workdir}"],
                            stdout=subprocess.PIPE, text=True)
    uri = None
    for line in proc.stdout:
        if line.startswith("NEO4J_URI="):
            uri = line.strip().split("=", 1)[1]
        if line.startswith("NEO4J_START_MS="):
            break
    if uri is None:
        raise SystemExit("neo4j_bench: the local Neo4j did not start")
    return proc, uri, time.perf_counter() - t0


def wipe(driver, database: str) -> None:
    with driver.session(database=database) as session:
        # relationships first: DETACH DELETE of a hub actor in one batch exceeds the transaction memory cap
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
        session.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def subgraph(data: GraphData, max_events: int) -> GraphData:
    """The first articles of ``data`` (by id) holding at most ``max_events`` events."""
    out = GraphData()
    by_article: dict[str, list] = {}
    for e in data.events.values():
        by_article.setdefault(e.article_id, []).append(e)
    n = 0
    for aid in sorted(by_article):
        if n + len(by_article[aid]) > max_events:
            break
        for e in by_article[aid]:
            out.events[e.id] = e
            for a in (e.source_id, e.target_id, e.reported_by_id):
                if a:
                    out.actors[a] = data.actors[a]
        if aid in data.articles:
            out.articles[aid] = data.articles[aid]
        n += len(by_article[aid])
    return out


def timed_push(driver, cfg, data: GraphData, batch: int) -> dict:
    wipe(driver, cfg.database)
    stats = sink.push(data, cfg, batch_size=batch, quiet=True)
    return {"batch": batch, "seconds": round(stats.seconds, 2), "statements": stats.statements,
            "rows": stats.rows, "relationships": stats.relationships_created,
            "rel_per_s": round(stats.relationships_created / stats.seconds, 1)}


def bench_pushes(driver, cfg, name: str, data: GraphData, row_by_row: int,
                 sizes: tuple[int, ...] = (100, 1000, 10000)) -> dict:
    """Batch sizes 100 / 1,000 / 10,000 on the whole graph, and row by row on its first events."""
    out = {"graph": name, "events": len(data.events), "analyst_edges": len(data.analyst_edges()),
           "batches": [timed_push(driver, cfg, data, b) for b in sizes]}
    sample = subgraph(data, row_by_row)
    rb = timed_push(driver, cfg, sample, 1)
    same = timed_push(driver, cfg, sample, 1000)
    out["row_by_row"] = {**rb, "events": len(sample.events)}
    out["sample_batch_1000"] = same
    out["speedup_batch_1000_vs_row_by_row"] = round(same["rel_per_s"] / rb["rel_per_s"], 1)
    return out


def bench_queries_both(driver, cfg, data: GraphData, tmp: Path, repeats: int = 3) -> list[dict]:
    """Every library query: best of ``repeats`` on Neo4j (graph pushed) and on the embedded store."""
    from benchmarks.store_bench import BENCH_PARAMS
    from graphbuild.commands import query as q
    from graphbuild.sinks import store as st
    path = tmp / "bench.lbdb"
    st.bulk_load(path, data)
    rows = []
    lbdb = {x.name: x for x in q.library("lbdb")}
    for query in q.library("neo4j"):
        params = q.bind(query, {k: v for k, v in BENCH_PARAMS.items() if k in query.params})
        neo, n_rows = [], 0
        for _ in range(repeats):
            t = time.perf_counter()
            n_rows = len(driver.execute_query(query.text, params, database_=cfg.database).records)
            neo.append(time.perf_counter() - t)
        emb = []
        lq = lbdb[query.name]
        lparams = q.bind(lq, {k: v for k, v in BENCH_PARAMS.items() if k in lq.params})
        with st.open_store(path, read_only=True) as store:
            lparams = st.resolve_actor_params(store, lparams)
            for _ in range(repeats):
                t = time.perf_counter()
                store.conn.execute(lq.text, lparams).get_all()
                emb.append(time.perf_counter() - t)
        rows.append({"query": query.name, "rows": n_rows, "neo4j_ms": round(min(neo) * 1000, 1),
                     "store_ms": round(min(emb) * 1000, 1)})
    return rows


def live(args) -> int:
    import tempfile
    sys.path.insert(0, str(ROOT))
    from benchmarks.store_bench import synthetic_corpus
    report: dict = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        proc = None
        if os.environ.get("NEO4J_URI"):
            cfg = sink.config_from_args(argparse.Namespace())
        else:
            proc, uri, start_s = start_local_server(tmp / "neo4j")
            report["server_start_seconds"] = round(start_s, 1)
            cfg = sink.Neo4jConfig(uri=uri, password=None, timeout=30, retry_time=60)
        try:
            driver = sink.connect(cfg)
            if args.store:
                from graphbuild.sinks.store import read_graph
                corpus, corpus_name = read_graph(args.store), f"store {args.store}"
            else:
                n = args.articles or corpus_articles()
                corpus, corpus_name = synthetic(n, args.events_per_article, args.actors), f"synthetic corpus-size ({n} articles)"
            sizes = tuple(int(x) for x in args.batches.split(","))
            if not args.skip_corpus:
                report["corpus"] = bench_pushes(driver, cfg, corpus_name, corpus, args.row_by_row, sizes)
            print(json.dumps(report, indent=1), flush=True)
            arts, recs, _ = synthetic_corpus(0, 10.0, 6000, seed=11, min_keys=args.edges)
            big = GraphData()
            for art in arts:
                big.add_article(art)
            big.add_records(recs)
            report["synthetic"] = bench_pushes(driver, cfg, f"synthetic >= {args.edges} analyst edges", big,
                                               args.row_by_row, sizes)
            print(json.dumps(report["synthetic"], indent=1), flush=True)
            if report["synthetic"]["batches"][-1]["batch"] != 10000 or args.row_by_row:
                timed_push(driver, cfg, big, 10000)   # the whole graph back in place for the queries
            report["queries"] = bench_queries_both(driver, cfg, big, tmp)
            driver.close()
        finally:
            if proc is not None:
                proc.terminate()
                proc.wait(timeout=120)
    print(json.dumps(report, indent=1))
    return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--live", action="store_true", help="push to a real server (local one started if no NEO4J_URI)")
    p.add_argument("--edges", type=int, default=200_000, help="--live: analyst edges of the synthetic graph")
    p.add_argument("--row-by-row", type=int, default=1000, metavar="EVENTS",
                   help="--live: events pushed one MERGE per record for the baseline")
    p.add_argument("--batches", default="100,1000,10000", help="--live: batch sizes to time (comma-separated)")
    p.add_argument("--skip-corpus", action="store_true", help="--live: only the synthetic --edges graph")
    p.add_argument("--store", type=Path, help="benchmark the graph of this embedded store instead")
    p.add_argument("--articles", type=int, default=None, help="synthetic articles (default: corpus size)")
    p.add_argument("--events-per-article", type=int, default=6)
    p.add_argument("--actors", type=int, default=1500)
    p.add_argument("--batch-size", type=int, default=sink.DEFAULT_BATCH)
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = p.parse_args(argv)
    if args.live:
        return live(args)

    t0 = time.perf_counter()
    if args.store:
        from graphbuild.sinks.store import read_graph
        data, origin = read_graph(args.store), f"store {args.store}"
    else:
        n = args.articles or corpus_articles()
        data = synthetic(n, args.events_per_article, args.actors)
        origin = f"synthetic: {n} articles x {args.events_per_article} events, {args.actors} actor pool"
    t_graph = time.perf_counter() - t0
    t0 = time.perf_counter()
    steps = sink.plan(data, args.batch_size)
    t_plan = time.perf_counter() - t0
    params_bytes = sum(len(json.dumps({"rows": b, **s.extra}, ensure_ascii=False).encode()) for s in steps for b in s.batches)

    report = {"graph": origin, "actors": len(data.actors), "articles": len(data.articles),
              "events": len(data.events), "analyst_edges": len(data.analyst_edges()),
              "batch_size": args.batch_size, "plan_seconds": round(t_plan, 3),
              "build_graph_seconds": round(t_graph, 3),
              "statements": sum(len(s.batches) for s in steps), "rows": sum(s.rows for s in steps),
              "parameter_mib": round(params_bytes / 2**20, 2), "steps": {}}
    for s in steps:
        report["steps"][s.name] = {"rows": s.rows, "statements": len(s.batches),
                                   "rows_per_statement": round(s.rows / len(s.batches), 1)}
    report["rows_per_statement"] = round(report["rows"] / report["statements"], 1)
    # the bound the issue sets: at most ceil(N / batch) statements per kind
    report["max_statements_per_kind"] = max(len(s.batches) for s in steps)
    report["ceil_events_over_batch"] = math.ceil(len(data.events) / args.batch_size)

    if os.environ.get("NEO4J_URI"):
        cfg = sink.config_from_args(argparse.Namespace())
        first = sink.push(data, cfg, batch_size=args.batch_size, quiet=False)
        again = sink.push(data, cfg, batch_size=args.batch_size, quiet=True)
        report["neo4j"] = {
            "uri": cfg.uri, "database": cfg.database,
            "first_push_seconds": round(first.seconds, 2),
            "relationships_created": first.relationships_created,
            "relationships_per_second": round(first.relationships_created / first.seconds, 1),
            "rows_per_second": round(first.rows / first.seconds, 1),
            "repush_seconds": round(again.seconds, 2),
            "repush_created": again.nodes_created + again.relationships_created,
        }
    else:
        report["neo4j"] = "skipped: NEO4J_URI is not set"

    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"graph: {report['graph']}")
    print(f"  {report['actors']:,} actors, {report['articles']:,} articles, {report['events']:,} events, "
          f"{report['analyst_edges']:,} analyst edges (graph built in {t_graph:.2f}s)")
    print(f"plan: {report['statements']} write statements, {report['rows']:,} rows, "
          f"{report['rows_per_statement']} rows/statement, {report['parameter_mib']} MiB of parameters, "
          f"planned in {t_plan:.2f}s (batch size {args.batch_size})")
    print(f"  max statements for one kind: {report['max_statements_per_kind']} "
          f"(ceil(events/batch) = {report['ceil_events_over_batch']})")
    print(f"  {'step':28s} {'rows':>8s} {'stmts':>6s} {'rows/stmt':>10s}")
    for name, s in report["steps"].items():
        print(f"  {name:28s} {s['rows']:8,d} {s['statements']:6d} {s['rows_per_statement']:10.1f}")
    if isinstance(report["neo4j"], dict):
        n = report["neo4j"]
        print(f"neo4j {n['uri']} ({n['database']}): first push {n['first_push_seconds']}s, "
              f"{n['relationships_created']:,} relationships created = {n['relationships_per_second']:,} rel/s, "
              f"{n['rows_per_second']:,} rows/s; re-push {n['repush_seconds']}s creating {n['repush_created']}")
    else:
        print(f"neo4j: {report['neo4j']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
