"""Cost of the gazetteer: load time, phrase-matcher build time and memory, with and without phoenix.tsv.

Run on demand (prints numbers, asserts nothing):

    .venv/bin/python benchmarks/gazetteer_cost.py

Each variant runs in a fresh subprocess: the spaCy model is loaded first, then the gazetteer
files are read and the phrase matchers built; the resident set size (RSS) grown by those two
steps is the gazetteer's memory. "without" is a copy of data/ with phoenix.tsv left out.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 / 2**20
import spacy
from graphbuild.extract import DEFAULT_MODEL
nlp = spacy.load(DEFAULT_MODEL)
nlp("warm up the tokenizer.")
from graphbuild.gazetteer import load_gazetteer
from graphbuild.extract.actors import build_matchers
before = rss()
t0 = time.perf_counter()
gaz = load_gazetteer(sys.argv[2])
t1 = time.perf_counter()
matchers = build_matchers(nlp, gaz)
t2 = time.perf_counter()
print(json.dumps({"surfaces": len(gaz.aliases) + len(gaz.aliases_lower), "load_s": t1 - t0,
                  "matcher_s": t2 - t1, "rss_mb": rss() - before}))
"""


def run(data_dir: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), str(data_dir / "gazetteer")],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        bare = Path(tmp) / "data"
        shutil.copytree(ROOT / "data", bare)
        (bare / "gazetteer" / "phoenix.tsv").unlink(missing_ok=True)
        rows = [("with phoenix.tsv", run(ROOT / "data")), ("without phoenix.tsv", run(bare))]
    print(f"{'variant':22} {'surfaces':>9} {'load s':>7} {'matchers s':>10} {'RSS MB':>7}")
    for name, r in rows:
        print(f"{name:22} {r['surfaces']:>9} {r['load_s']:>7.2f} {r['matcher_s']:>10.2f} {r['rss_mb']:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
