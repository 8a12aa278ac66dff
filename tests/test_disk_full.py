"""A full disk during ``build`` (a small tmpfs under the store, at several fill levels) or a kill
during the final checkpoint: one line naming the cause, exit 2, and a store that readers open
with every batch committed before (issue 13, items 2 and 3)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import ladybug
import pytest

from graphbuild.commands.build import build_from_records
from graphbuild.sinks import store as st
from test_store import ROOT, edges_in_store, expected_edges, graph_data, run_cli, synthetic

TESTS = str(Path(__file__).parent)

#: ``graphbuild build`` through the real ``cli.main`` and ``build.run`` (events.jsonl, batches,
#: final checkpoint); only the extractor is replaced by synthetic records, so that thousands of
#: articles fill a disk in seconds. Prints one line per committed batch.
BUILD_CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_store import synthetic
    from graphbuild import cli
    from graphbuild.commands import build as b
    from graphbuild.pipeline import ArticleResult
    from graphbuild.sinks import store as st
    arts, recs = synthetic({n})
    by = {{}}
    for r in recs:
        by.setdefault(r["article_id"], []).append(r)
    b._extract = lambda args, *a, **kw: (ArticleResult(article=a, records=by[a.id]) for a in arts)
    real = st.write_graph
    def counted(store, data, *a, **k):
        out = real(store, data, *a, **k)
        print("committed", len(data.articles), flush=True)
        return out
    b.st.write_graph = counted
    sys.exit(cli.main(["build", "-", "--out", {out!r}, "--quiet"]))
""")


@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB tmpfs mounted for the test (root only)."""
    mnt = tmp_path / "fs"
    mnt.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mnt)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def _fill(mnt: Path, leave_kb: int) -> Path:
    """A filler file that leaves about ``leave_kb`` KB free on the mount."""
    filler = mnt / "filler"
    free = os.statvfs(mnt).f_bavail * os.statvfs(mnt).f_frsize
    with open(filler, "wb") as fh:
        os.posix_fallocate(fh.fileno(), 0, max(0, free - leave_kb * 1024))
    return filler


def _build_child(n: int, out: Path) -> tuple[subprocess.CompletedProcess, int]:
    done = subprocess.run([sys.executable, "-c", BUILD_CHILD.format(tests=TESTS, n=n, out=str(out))],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    committed = sum(int(line.split()[1]) for line in done.stdout.splitlines() if line.startswith("committed"))
    return done, committed


def _check_whole_batches(path: Path, committed: int) -> None:
    """The store holds exactly the committed articles, each with all its events, and analyst
    edges equal to their recomputation from the stored events."""
    data = st.read_graph(path)
    assert len(data.articles) == committed
    assert len(data.events) == 6 * committed
    per_article: dict[str, int] = {}
    for ev in data.events.values():
        per_article[ev.article_id] = per_article.get(ev.article_id, 0) + 1
    assert set(per_article.values()) <= {6}
    assert edges_in_store(path) == expected_edges(data)


@pytest.mark.parametrize("n, leave_kb", [(3000, 150), (3000, 1500), (3000, 5000), (150, 2600)],
                         ids=["at-open", "first-batches", "later-batches", "final-checkpoint"])
def test_full_disk_during_build_keeps_every_committed_batch(small_disk, n, leave_kb):
    out = small_disk / "out"
    filler = _fill(small_disk, leave_kb)
    done, committed = _build_child(n, out)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr and "terminate" not in done.stderr, done.stderr
    assert lines[0].startswith("graphbuild build: error: cannot write ")
    assert "no space left" in lines[0].lower() and "committed before is kept" in lines[0]
    filler.unlink()  # space freed: readers open the store with every committed batch
    store = out / "graph.lbdb"
    q = run_cli(["query", "--store", str(store), "--format", "csv",
                 str(_count_query(small_disk.parent))])
    assert q.returncode == 0, q.stderr
    assert q.stdout.splitlines()[1] == str(committed)
    _check_whole_batches(store, committed)
    if n <= 150:  # the rerun completes the build
        rerun, _ = _build_child(n, out)
        assert rerun.returncode == 0, rerun.stderr
        arts, recs = synthetic(n)
        want = graph_data(arts, recs)
        counts = st.counts(store)
        assert (counts["Article"], counts["Event"]) == (n, len(recs))
        assert edges_in_store(store) == expected_edges(want)


def _count_query(where: Path) -> Path:
    path = where / "count.cypher"
    path.write_text("MATCH (a:Article) RETURN count(a) AS n\n", encoding="utf-8")
    return path


def test_readers_complete_an_interrupted_checkpoint(tmp_path):
    """A checkpoint left half done (here: LadybugDB's own CHECKPOINT on a read-only connection,
    which fails midway the way a kill or a full disk does) no longer locks readers out."""
    path = tmp_path / "graph.lbdb"
    arts, recs = synthetic(40)
    build_from_records(path, arts, recs)
    db = ladybug.Database(str(path), read_only=True)
    conn = ladybug.Connection(db)
    with pytest.raises(RuntimeError):
        conn.execute("CHECKPOINT")
    conn.close()
    db.close()
    with pytest.raises(RuntimeError, match="checkpoint recovery is pending"):
        ladybug.Database(str(path), read_only=True)
    q = run_cli(["query", "--store", str(path), "--format", "csv", str(_count_query(tmp_path))])
    assert q.returncode == 0, q.stderr
    assert q.stdout.splitlines()[1] == "40"


KILL_CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_store import synthetic
    from graphbuild.commands.build import build_from_records
    arts, recs = synthetic({n})
    print("start", flush=True)
    build_from_records({path!r}, arts, recs, batch_articles=100)
""")


def test_kill_during_final_checkpoint_leaves_a_readable_store(tmp_path):
    """SIGKILL as soon as the checkpoint's shadow file appears; readers then open the store with
    every article (all batches had committed before the checkpoint)."""
    n = 600
    for attempt in range(3):
        path = tmp_path / f"graph{attempt}.lbdb"
        shadow = Path(str(path) + ".shadow")
        child = subprocess.Popen([sys.executable, "-c", KILL_CHILD.format(tests=TESTS, n=n, path=str(path))],
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT)
        child.stdout.readline()
        killed = False
        while child.poll() is None:
            if shadow.exists() and Path(str(path) + ".wal").exists():
                os.kill(child.pid, signal.SIGKILL)
                killed = True
                break
            time.sleep(0.0005)
        child.wait(timeout=60)
        child.stdout.close()
        counts = st.counts(path)  # read-only open
        if killed and child.returncode == -signal.SIGKILL:
            # killed in a checkpoint (the build's final one, an automatic one, or the one that
            # releases the store every RELEASE_BATCHES batches): whole batches, which end every
            # 100 articles and, within each 100, after BATCH_ARTICLES (64)
            assert counts["Article"] % 100 in (0, 64) or counts["Article"] == n
            assert counts["Event"] == 6 * counts["Article"]
            _check_whole_batches(path, counts["Article"])
            return
    pytest.skip("the checkpoint finished before the kill in 3 attempts")
