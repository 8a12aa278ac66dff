"""Peak memory of a ``graphbuild build`` process tree: sum of RSS and PSS, sampled every 0.5 s.

Run on demand (not part of ``make test``; prints numbers, asserts nothing):

    .venv/bin/python benchmarks/memory_bench.py [--limit N] [--jobs 2] [--timeline out.tsv]
    .venv/bin/python benchmarks/memory_bench.py -- graphbuild extract IN --out X   # any command

Every 0.5 s it walks ``/proc`` for the command's process and all its descendants and sums
``Rss`` and ``Pss`` from each one's ``/proc/PID/smaps_rollup`` (PSS counts a page shared by n
processes as 1/n, so copy-on-write sharing between the parent and forked workers shows up as
RSS minus PSS). Prints the peak of each sum, the per-process split at the PSS peak, the number
of events written and the wall time; ``--timeline`` writes every sample as TSV.
Target (issue 9): whole corpus with ``--jobs 2`` under 1.5 GB.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "articles.jsonl"
INTERVAL = 0.5


def _children() -> dict[int, list[int]]:
    """Parent pid -> child pids, from ``/proc/PID/stat`` of every process."""
    kids: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # the command may contain spaces
        kids.setdefault(ppid, []).append(int(name))
    return kids


def tree(root: int) -> list[int]:
    """``root`` and all its descendants."""
    kids, out, todo = _children(), [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, ()))
    return out


def rollup(pid: int) -> tuple[int, int] | None:
    """(RSS, PSS) bytes of one process from ``smaps_rollup``, or None once it is gone."""
    rss = pss = None
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        return None
    return (rss, pss) if rss is not None and pss is not None else None


@dataclass
class Sampler:
    """Samples a process tree in a thread until stopped; keeps the peaks and every sample."""

    root: int
    samples: list[tuple[float, int, int, int]] = field(default_factory=list)
    peak_rss: int = 0
    peak_pss: int = 0
    at_peak: dict[int, tuple[int, int]] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self, t0: float) -> None:
        """One sample: sums over the tree, peaks and the per-process split at the PSS peak."""
        per = {pid: m for pid in tree(self.root) if (m := rollup(pid)) is not None}
        rss = sum(m[0] for m in per.values())
        pss = sum(m[1] for m in per.values())
        self.samples.append((time.monotonic() - t0, len(per), rss, pss))
        self.peak_rss = max(self.peak_rss, rss)
        if pss > self.peak_pss:
            self.peak_pss, self.at_peak = pss, per

    def run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.is_set():
            self.sample(t0)
            self._stop.wait(INTERVAL)

    def stop(self) -> None:
        self._stop.set()


def measure(cmd: list[str]) -> tuple[int, float, Sampler]:
    """Run ``cmd`` while sampling its tree: (exit code, wall seconds, sampler)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    sampler = Sampler(proc.pid)
    thread = threading.Thread(target=sampler.run, daemon=True)
    thread.start()
    rc = proc.wait()
    sampler.stop()
    thread.join()
    return rc, time.perf_counter() - t0, sampler


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="first N corpus articles (default all)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeline", type=Path, default=None, help="write every sample here (TSV)")
    ap.add_argument("cmd", nargs="*", help="a command to measure instead of graphbuild build")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gb-membench-") as tmp:
        out = Path(tmp) / "out"
        cmd = args.cmd
        if not cmd:
            if not args.corpus.exists():
                print(f"corpus not found: {args.corpus}", file=sys.stderr)
                return 2
            inp = args.corpus
            if args.limit:
                inp = Path(tmp) / "subset.jsonl"
                with open(args.corpus, "rb") as src, open(inp, "wb") as dst:
                    dst.writelines(itertools.islice(src, args.limit))
            cmd = [str(ROOT / ".venv" / "bin" / "graphbuild"), "build", str(inp), "--out", str(out),
                   "--jobs", str(args.jobs), "--quiet"]
        print("command:", " ".join(cmd), f"\nload average at start: {os.getloadavg()[0]:.1f}", flush=True)
        rc, wall, s = measure(cmd)
        events = out / "events.jsonl"
        n_events = sum(1 for _ in open(events, "rb")) if events.exists() else None
    print(f"exit {rc}, {wall:.1f} s wall, {len(s.samples)} samples, events: {n_events}")
    print(f"peak memory of the process tree: {_mb(s.peak_rss)} RSS, {_mb(s.peak_pss)} PSS   target < 1.5 GB")
    for pid, (rss, pss) in sorted(s.at_peak.items()):
        print(f"  at the PSS peak: pid {pid}: {_mb(rss)} RSS, {_mb(pss)} PSS")
    if args.timeline:
        with open(args.timeline, "w", encoding="utf-8") as f:
            f.write("seconds\tprocesses\trss_mb\tpss_mb\n")
            for t, n, rss, pss in s.samples:
                f.write(f"{t:.1f}\t{n}\t{rss / 2**20:.1f}\t{pss / 2**20:.1f}\n")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
