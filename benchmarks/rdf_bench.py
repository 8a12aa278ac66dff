"""RDF export benchmark: triples/s and peak memory for a synthetic graph of ~1M triples.

Each format runs in a fresh subprocess (so peak RSS is that export's alone), which builds the
synthetic GraphData, then exports it. Prints one row per format and checks the streaming
N-Triples path stays under 300 MB peak RSS (exit 1 if not).

    .venv/bin/python benchmarks/rdf_bench.py [--triples 1000000] [--formats nt,turtle]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graphbuild.merge import GraphData  # noqa: E402
from graphbuild.model import Actor, Article, Event  # noqa: E402
from graphbuild.vocab import relations  # noqa: E402

#: Triples per synthetic event, all included (event ~20, its sentence fragment 7, share of
#: actors / articles / analyst edges): measured, used to size the graph for a target count.
TRIPLES_PER_EVENT = 37.0
LIMIT_MB = 300


def synthetic_graph(n_events: int, seed: int = 7) -> GraphData:
    """A deterministic graph: ~n_events/20 actors, ~n_events/10 articles, every relation."""
    rng = random.Random(seed)
    rels = list(relations().values())
    data = GraphData()
    kinds = ("COUNTRY", "PERSON", "ORGANIZATION", "GROUP", "IGO", "OTHER")
    n_actors = max(10, n_events // 20)
    for i in range(n_actors):
        kind = kinds[i % len(kinds)]
        data.actors[f"A{i}"] = Actor(id=f"A{i}", name=f"Actor {i} “{kind.title()}” ✓", kind=kind,
                                     country="USA" if i % 2 else "VEN", role="GOV" if i % 3 == 0 else None,
                                     wikidata=f"Q{i + 1}" if i % 4 == 0 else None, aliases=[f"A-{i}"])
    n_articles = max(1, n_events // 10)
    for i in range(n_articles):
        data.add_article(Article(id=f"art-{i}", title=f"Headline {i}", url=f"https://news.example/{i}",
                                 source="synthetic", published=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                                 sha256=f"{i:064x}"))
    for i in range(n_events):
        rel = rels[i % len(rels)]
        src, tgt = rng.randrange(n_actors), rng.randrange(n_actors)
        sentence = f"Actor {src} {rel.label} Actor {tgt} in sentence {i}, \"quoted\"."
        start = (i // n_articles) * 200
        data.events[f"ev-{i}"] = Event(
            id=f"ev-{i}", article_id=f"art-{i % n_articles}", relation=rel.name, cameo=rel.default_cameo,
            plover=rel.plover, source_id=f"A{src}", target_id=f"A{tgt}",
            date=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}", negated=i % 17 == 0,
            modality="hypothetical" if i % 23 == 0 else "asserted", confidence=round(rng.random(), 3),
            trigger=rel.label, sentence=sentence, start=start, end=start + len(sentence))
    return data


def _child(fmt: str, n_events: int, out: str) -> None:
    """Runs in the subprocess: build, export, print JSON measurements."""
    from graphbuild.sinks import rdf

    t0 = time.perf_counter()
    data = synthetic_graph(n_events)
    build_s = time.perf_counter() - t0
    rss_data = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    count = rdf.write_rdf(data, out, fmt)
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"format": fmt, "triples": count, "seconds": seconds, "build_seconds": build_s,
                      "rss_after_data_mb": rss_data, "peak_rss_mb": peak, "bytes": os.path.getsize(out)}))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="target triple count (default 1M)")
    parser.add_argument("--formats", default="nt,nq,turtle,trig", help="comma-separated formats (default nt,nq,turtle,trig; jsonld and xml go through rdflib: slow)")
    parser.add_argument("--child", nargs=3, metavar=("FMT", "EVENTS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[0], int(args.child[1]), args.child[2])
        return 0
    n_events = int(args.triples / TRIPLES_PER_EVENT)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            out = os.path.join(tmp, f"bench.{fmt}")
            proc = subprocess.run([sys.executable, __file__, "--child", fmt, str(n_events), out],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return 2
            rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
            os.remove(out)
    print(f"synthetic graph: {n_events} events (python {sys.version.split()[0]}, {os.cpu_count()} CPUs)")
    print(f"{'format':8} {'triples':>9} {'export s':>9} {'triples/s':>10} {'peak RSS MB':>12} "
          f"{'RSS data MB':>12} {'file MB':>8}")
    ok = True
    for r in rows:
        print(f"{r['format']:8} {r['triples']:>9} {r['seconds']:>9.1f} {r['triples'] / r['seconds']:>10.0f} "
              f"{r['peak_rss_mb']:>12.0f} {r['rss_after_data_mb']:>12.0f} {r['bytes'] / 1e6:>8.1f}")
        if r["format"] in ("nt", "nq") and r["peak_rss_mb"] >= LIMIT_MB:
            ok = False
    print(f"streaming N-Triples/N-Quads peak RSS < {LIMIT_MB} MB: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
