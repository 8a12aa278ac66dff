"""Embedded-store benchmarks (run on demand: ``python benchmarks/store_bench.py``).

(a) Share of ``graphbuild build`` time spent in store writes on the 2,450-article corpus in
    ../shared/corpus (target <= 10 %); when the corpus or the extractor is missing, the store
    writes alone are timed on synthetic events of the same volume.
(b) A synthetic store with >= 200k analyst edges: time of every library query (target < 1 s).

Prints tables; ``--json FILE`` also writes the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphbuild.commands import query as q  # noqa: E402
from graphbuild.commands.build import BuildReport, BatchWriter, build_from_records  # noqa: E402
from graphbuild.merge import GraphData  # noqa: E402
from graphbuild.model import Article  # noqa: E402
from graphbuild.paths import SHARED_DIR  # noqa: E402
from graphbuild.sinks import store as st  # noqa: E402
from graphbuild.vocab import relations  # noqa: E402


def synthetic_corpus(n_articles: int, events_per_article: float, n_actors: int, seed: int = 7,
                     min_keys: int = 0):
    """Articles and extractor-format records with a skewed (Zipf-like) actor distribution.

    With ``min_keys``, articles are added until that many distinct (source, relation, target)
    keys that count as fact exist, i.e. until the store will hold that many analyst edges.
    """
    rng = random.Random(seed)
    rels = list(relations().values())
    weights = [1.0 / (k + 1) ** 0.8 for k in range(n_actors)]
    kinds = ("COUNTRY", "PERSON", "ORGANIZATION", "GROUP", "IGO")
    actors = [{"id": f"A{k}", "name": f"Actor {k}", "kind": kinds[k % 5], "country": f"C{k % 190:03d}",
               "role": "GOV" if k % 3 == 0 else None, "cameo": None, "wikidata": None} for k in range(n_actors)]
    arts, recs, keys = [], [], set()
    i = 0
    while i < n_articles or len(keys) < min_keys:
        aid = f"syn-{i:07d}"
        day = f"20{10 + i % 12}-{1 + i % 12:02d}-{1 + i % 28:02d}"
        arts.append(Article(id=aid, title=f"Synthetic article {i}", url=f"https://example.org/syn/{i}",
                            source="synthetic", published=day, sha256=f"{i:064x}"))
        for j in range(max(1, int(rng.expovariate(1 / events_per_article)))):
            s, t = rng.choices(range(n_actors), weights, k=2)
            if s == t:
                t = (t + 1) % n_actors
            rel = rng.choice(rels)
            negated = rng.random() < 0.05
            modality = "hypothetical" if rng.random() < 0.03 else "asserted"
            if not negated and modality != "hypothetical":
                keys.add((s, rel.name, t))
            recs.append({
                "id": f"ev-{i:07d}-{j}", "article_id": aid, "field": "text", "relation": rel.name,
                "cameo": rel.default_cameo, "plover": rel.plover,
                "source": {**actors[s], "text": f"alias {s}"}, "target": {**actors[t], "text": f"alias {t}"},
                "date": day, "negated": negated, "modality": modality, "reported_by": None,
                "confidence": round(rng.uniform(0.4, 0.95), 2), "trigger": rel.name.lower(),
                "sentence": f"Actor {s} {rel.label} Actor {t} in synthetic sentence {j} of article {i}.",
                "start": j * 80, "end": j * 80 + 70})
        i += 1
    return arts, recs, len(keys)


def bench_build_share(tmp: Path, limit: int | None) -> dict:
    """(a) store-write share of a real build on the corpus, or synthetic writes of its volume."""
    corpus = SHARED_DIR / "corpus" / "articles.jsonl"
    try:
        import graphbuild.extract  # noqa: F401
        from graphbuild.extract import Extractor  # noqa: F401
        have_extractor = True
    except ImportError:
        have_extractor = False
    if corpus.exists() and have_extractor:
        from graphbuild.pipeline import run_extraction
        inputs = [str(corpus)]
        if limit:
            cut = tmp / "corpus_head.jsonl"
            with open(corpus, encoding="utf-8") as src, open(cut, "w", encoding="utf-8") as dst:
                for k, line in enumerate(src):
                    if k >= limit:
                        break
                    dst.write(line)
            inputs = [str(cut)]
        store_path = tmp / "corpus.lbdb"
        report = BuildReport(store=store_path)
        t0 = time.perf_counter()
        with st.open_store(store_path) as store, open(tmp / "events.jsonl", "w", encoding="utf-8") as ev:
            writer = BatchWriter(store, report, ev)
            for res in run_extraction(inputs, jobs=1):
                if res.error is None:
                    writer.add(res.article, res.records)
            writer.flush()
            t1 = time.perf_counter()
            store.checkpoint()
            report.store_seconds += time.perf_counter() - t1
        report.seconds = time.perf_counter() - t0
        counts = st.counts(store_path)
        return {"mode": "corpus build", "articles": report.articles, "events": report.events,
                "analyst_edges": counts["analyst_edges"], "build_s": report.seconds,
                "store_s": report.store_seconds, "share": report.store_seconds / report.seconds}
    arts, recs, _ = synthetic_corpus(2450, 8.0, 1500, seed=3)
    store_path = tmp / "synthetic-corpus.lbdb"
    report = build_from_records(store_path, arts, recs)
    counts = st.counts(store_path)
    return {"mode": "synthetic, corpus volume (no extractor" + ("" if corpus.exists() else ", no corpus") + ")",
            "articles": len(arts), "events": len(recs), "analyst_edges": counts["analyst_edges"],
            "build_s": None, "store_s": report.store_seconds, "share": None}


#: Parameters for the library queries on the synthetic store: the two busiest actors of the
#: Zipf-like degree distribution (A0, A1), the realistic worst case for paths between actors.
BENCH_PARAMS = {"actor": "Actor 0", "other": "A1", "limit": 100}


#: Per-query time limit in the benchmark (seconds): far over the 1 s target, reported as an error.
QUERY_TIMEOUT_S = 30


def bench_queries(tmp: Path, min_edges: int, repeats: int) -> tuple[dict, list[dict]]:
    """(b) every library query on a synthetic store of at least ``min_edges`` analyst edges."""
    t0 = time.perf_counter()
    arts, recs, n_keys = synthetic_corpus(0, 10.0, 6000, seed=11, min_keys=min_edges)
    gen_s = time.perf_counter() - t0
    store_path = tmp / "big.lbdb"
    t0 = time.perf_counter()
    data = GraphData()
    for art in arts:
        data.add_article(art)
    data.add_records(recs)
    merge_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    st.bulk_load(store_path, data)  # COPY FROM: write_graph of 200k edges takes > 15 min
    load_s = time.perf_counter() - t0
    del data
    counts = st.counts(store_path)
    info = {"articles": len(arts), "events": len(recs), "actors": counts["Actor"],
            "analyst_edges": counts["analyst_edges"], "generate_s": gen_s, "merge_s": merge_s,
            "load_s": load_s,
            "size_mb": st.store_size(store_path) / 1e6}
    results = []
    for query in q.library("lbdb"):
        params = q.bind(query, {k: v for k, v in BENCH_PARAMS.items() if k in query.params})
        times, rows, error = [], 0, None
        with st.open_store(store_path, read_only=True) as store:
            store.conn.set_query_timeout(QUERY_TIMEOUT_S * 1000)  # a runaway plan is reported, not awaited
            params = st.resolve_actor_params(store, params)  # as run_query does (names -> ids)
            for _ in range(repeats):
                t = time.perf_counter()
                try:
                    rows = len(store.conn.execute(query.text, params).get_all())
                except RuntimeError as exc:  # reported in the table, not a crash of the benchmark
                    error = str(exc).splitlines()[0][:60]
                    break
                times.append(time.perf_counter() - t)
        if error:
            results.append({"query": query.name, "rows": 0, "best_ms": float("nan"),
                            "median_ms": float("nan"), "error": error})
            continue
        results.append({"query": query.name, "rows": rows, "best_ms": min(times) * 1000,
                        "median_ms": sorted(times)[len(times) // 2] * 1000})
    # cold: a fresh process-level open per query, as `graphbuild query` does
    for r in results:
        query = q.find_query(r["query"])
        params = q.bind(query, {k: v for k, v in BENCH_PARAMS.items() if k in query.params})
        if r.get("error"):
            r["with_open_ms"] = float("nan")
            continue
        t = time.perf_counter()
        st.run_query(store_path, query.text, params)
        r["with_open_ms"] = (time.perf_counter() - t) * 1000
    return info, results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edges", type=int, default=200_000, help="analyst edges in the synthetic store")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--limit", type=int, default=None, help="only the first N corpus articles in (a)")
    ap.add_argument("--skip-build", action="store_true", help="skip (a)")
    ap.add_argument("--skip-queries", action="store_true", help="skip (b)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = ap.parse_args(argv)

    from rich.console import Console
    from rich.table import Table
    console = Console()
    out = {}
    tmp = Path(tempfile.mkdtemp(prefix="store-bench-"))
    try:
        if not args.skip_build:
            a = bench_build_share(tmp, args.limit)
            out["build"] = a
            t = Table(title=f"(a) store writes in build — {a['mode']}")
            for col in ("articles", "events", "analyst edges", "build s", "store writes s", "share"):
                t.add_column(col, justify="right")
            t.add_row(f"{a['articles']:,}", f"{a['events']:,}", f"{a['analyst_edges']:,}",
                      "—" if a["build_s"] is None else f"{a['build_s']:.1f}", f"{a['store_s']:.2f}",
                      "—" if a["share"] is None else f"{a['share']:.1%}  (target ≤ 10%)")
            console.print(t)
        if not args.skip_queries:
            info, results = bench_queries(tmp, args.edges, args.repeats)
            out["queries"] = {"store": info, "results": results}
            console.print(f"(b) synthetic store: {info['articles']:,} articles, {info['events']:,} events, "
                          f"{info['actors']:,} actors, {info['analyst_edges']:,} analyst edges, "
                          f"{info['size_mb']:.0f} MB; merged in {info['merge_s']:.1f} s, bulk-loaded (COPY) in {info['load_s']:.1f} s")
            t = Table(title="(b) library queries (target < 1 s each)")
            for col in ("query", "rows", "best ms", "median ms", "open + run ms"):
                t.add_column(col, justify="right" if col != "query" else "left")
            for r in results:
                t.add_row(r["query"], f"{r['rows']:,}", f"{r['best_ms']:.1f}", f"{r['median_ms']:.1f}",
                          f"{r['with_open_ms']:.1f}")
            console.print(t)
            for r in results:
                if r.get("error"):
                    console.print(f"[red]{r['query']} failed: {r['error']}[/red]")
            worst = max((r for r in results if not r.get("error")), key=lambda r: r["median_ms"])
            console.print(f"slowest: {worst['query']} {worst['median_ms']:.0f} ms median")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
