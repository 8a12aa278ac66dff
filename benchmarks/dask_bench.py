"""Dask vs forked workers: articles/s of ``--dask local:1/local:2`` against ``--jobs 1/2``.

Run on demand (prints numbers, asserts nothing):

    .venv/bin/python benchmarks/dask_bench.py [--limit 600] [--rounds 1]

Every configuration runs ``graphbuild extract`` as a subprocess on the same first N corpus
articles (one JSONL file, read by the workers themselves under Dask), in one run, so the
ratios share the machine's load. A one-article run of each configuration measures its fixed
start-up cost (cluster start, model load), which is subtracted to give the per-article rate.
Memory: the peak RSS of each process of the tree (sampled every 0.2 s); for Dask the peak of
one worker process. Then ``build --from-events`` of the Parquet output into a fresh embedded
store gives the single writer's merge rate.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphbuild.paths import SHARED_DIR  # noqa: E402

CORPUS = SHARED_DIR / "corpus" / "articles.jsonl"
GRAPHBUILD = str(Path(sys.executable).with_name("graphbuild"))
CONFIGS = (("--jobs 1", ["--jobs", "1"]), ("--dask local:1", ["--dask", "local:1"]),
           ("--jobs 2", ["--jobs", "2"]), ("--dask local:2", ["--dask", "local:2"]))


def run(cmd: list[str]) -> dict:
    """Wall time of ``cmd`` and the peak RSS of each process of its tree (parent first)."""
    import psutil
    t0 = time.perf_counter()
    popen = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    proc = psutil.Process(popen.pid)
    peaks: dict[int, int] = {}
    names: dict[int, str] = {}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            try:
                for p in [proc] + proc.children(recursive=True):
                    try:
                        rss = p.memory_info().rss
                        peaks[p.pid] = max(peaks.get(p.pid, 0), rss)
                        names.setdefault(p.pid, " ".join(p.cmdline()[:3]))
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, err = popen.communicate()
    seconds = time.perf_counter() - t0
    stop.set()
    thread.join()
    children = [peaks[pid] for pid in peaks if pid != popen.pid]
    return {"seconds": seconds, "rc": popen.returncode, "parent_rss": peaks.get(popen.pid, 0),
            "max_child_rss": max(children, default=0), "children": len(children),
            "total_rss": sum(peaks.values()), "stderr": err.decode(errors="replace")[-300:]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=600)
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"no corpus at {CORPUS}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data, one = tmp / "articles.jsonl", tmp / "one.jsonl"
        with open(CORPUS, encoding="utf-8") as fh:
            lines = list(itertools.islice(fh, args.limit))
        data.write_text("".join(lines), encoding="utf-8")
        one.write_text(lines[0], encoding="utf-8")
        rows = []
        for name, flags in CONFIGS:
            start = run([GRAPHBUILD, "extract", str(one), "-q", "--out", str(tmp / "one.out"), *flags])
            out = tmp / f"{name.replace(' ', '_').replace(':', '')}.jsonl"
            full = run([GRAPHBUILD, "extract", str(data), "-q", "--out", str(out), *flags])
            if full["rc"] != 0:
                print(f"{name}: exit {full['rc']}: {full['stderr']}", file=sys.stderr)
            rows.append({"config": name, "startup_s": start["seconds"], **full, "out": out})
            print(f"{name}: {full['seconds']:.1f} s (start-up {start['seconds']:.1f} s)", file=sys.stderr)
        base = rows[0]
        ref = base["out"].read_bytes()
        print(f"\n{args.limit} articles, one run, {len(CONFIGS)} configurations\n")
        print("| configuration | wall s | articles/s | start-up s | articles/s after start-up | "
              "vs --jobs 1 | peak RSS per worker | total RSS | output == --jobs 1 |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
        for r in rows:
            steady = args.limit / max(1e-9, r["seconds"] - r["startup_s"])
            r["steady"] = steady
            worker = r["max_child_rss"] if r["children"] else r["parent_rss"]
            print(f"| `{r['config']}` | {r['seconds']:.1f} | {args.limit / r['seconds']:.2f} | "
                  f"{r['startup_s']:.1f} | {steady:.2f} | {base['seconds'] / r['seconds']:.2f}x | "
                  f"{worker / 2**20:,.0f} MB | {r['total_rss'] / 2**20:,.0f} MB | "
                  f"{'yes' if r['out'].read_bytes() == ref else 'NO'} |")
        by = {r["config"]: r for r in rows}
        for n in (1, 2):
            d, j = by[f"--dask local:{n}"], by[f"--jobs {n}"]
            per_article = (d["seconds"] - d["startup_s"] - (j["seconds"] - j["startup_s"])) / args.limit
            print(f"\nlocal:{n} vs --jobs {n}: wall ratio {j['seconds'] / d['seconds']:.3f}, "
                  f"steady-state ratio {d['steady'] / j['steady']:.3f}, scheduler overhead "
                  f"{per_article * 1000:+.1f} ms per article (start-up {d['startup_s'] - j['startup_s']:+.1f} s)")
        eff = by["--dask local:2"]["steady"] / (2 * by["--dask local:1"]["steady"])
        print(f"scaling efficiency local:1 -> local:2 (steady state): {eff:.2f}")

        # the single writer: Parquet events -> a fresh embedded store
        pq = tmp / "events.parquet"
        subprocess.run([GRAPHBUILD, "extract", str(data), "-q", "--out", str(pq), "--jobs", "2"], check=True)
        store = tmp / "merge.lbdb"
        t0 = time.perf_counter()
        subprocess.run([GRAPHBUILD, "build", "--from-events", str(pq), "--store", str(store), "--out",
                        str(tmp / "out"), "-q"], check=True)
        merge = time.perf_counter() - t0
        events = sum(1 for _ in open(base["out"], encoding="utf-8"))
        print(f"build --from-events (embedded store, one writer): {args.limit} articles, {events} events "
              f"in {merge:.1f} s: {args.limit / merge:.0f} articles/s, {events / merge:.0f} events/s "
              f"(process start and store open included)")
        print(json.dumps({r["config"]: {k: v for k, v in r.items() if k not in ("out", "stderr")}
                          for r in rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
