"""Neo4j sink benchmark: rows per statement from the dry-run plan for a corpus-size graph and,
when NEO4J_URI is set, relationships/s of a real push (first push and an idempotent re-push).

    .venv/bin/python benchmarks/neo4j_bench.py                      # synthetic, corpus-size
    .venv/bin/python benchmarks/neo4j_bench.py --store graphbuild-out/graph.lbdb
    NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=... .venv/bin/python benchmarks/neo4j_bench.py

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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--store", type=Path, help="benchmark the graph of this embedded store instead")
    p.add_argument("--articles", type=int, default=None, help="synthetic articles (default: corpus size)")
    p.add_argument("--events-per-article", type=int, default=6)
    p.add_argument("--actors", type=int, default=1500)
    p.add_argument("--batch-size", type=int, default=sink.DEFAULT_BATCH)
    p.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = p.parse_args(argv)

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
