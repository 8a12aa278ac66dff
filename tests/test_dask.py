"""Extraction on a real Dask cluster (scheduler and 2 worker processes on localhost).

One LocalCluster and one ``--jobs 1`` reference run over 200 corpus articles are shared by the
module (the module is one xdist group, see the Makefile), so each costs its time once.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import socket
import threading
from pathlib import Path

import pytest

from graphbuild.cli import main
from graphbuild.ingest import RawArticle, iter_articles
from graphbuild.paths import SHARED_DIR
from graphbuild.pipeline import extract_stream, windows

pytestmark = pytest.mark.xdist_group("dask")

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "articles" / "us-embassy-venezuela.txt"
CORPUS = SHARED_DIR / "corpus" / "articles.jsonl"
N_CORPUS = 200


@pytest.fixture(scope="module")
def cluster():
    """A real LocalCluster: 2 worker processes (with nannies), 1 thread each."""
    import logging

    from distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                      silence_logs=logging.ERROR) as lc, Client(lc) as client:
        yield client


def _jsonl(results) -> str:
    return "".join(json.dumps(rec, ensure_ascii=False) + "\n" for r in results if r.error is None
                   for rec in r.records)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, extractor):
    """The first 200 corpus articles as 4 JSONL shards, and the ``--jobs 1`` results on them."""
    if not CORPUS.exists():
        pytest.skip("shared corpus absent")
    folder = tmp_path_factory.mktemp("shards")
    with open(CORPUS, encoding="utf-8") as fh:
        lines = list(itertools.islice(fh, N_CORPUS))
    for i in range(4):
        (folder / f"part-{i}.jsonl").write_text("".join(lines[i * 50:(i + 1) * 50]), encoding="utf-8")
    items = list(iter_articles([str(p) for p in sorted(folder.glob("*.jsonl"))]))
    results = list(extract_stream(items, extractor=extractor))
    assert all(r.error is None for r in results) and len(results) == N_CORPUS
    return {"dir": folder, "lines": lines, "items": items, "results": results,
            "jsonl": _jsonl(results)}


def _address(client) -> str:
    return client.scheduler.address


def test_seed_article_is_identical_to_jobs_1(cluster, tmp_path, capsys):
    assert main(["extract", str(SEED), "--out", str(tmp_path / "j1.jsonl"), "-q"]) == 0
    assert main(["extract", str(SEED), "--dask", _address(cluster), "--out",
                 str(tmp_path / "dask.jsonl"), "-q"]) == 0
    one = (tmp_path / "j1.jsonl").read_bytes()
    assert one and one == (tmp_path / "dask.jsonl").read_bytes()


def test_build_with_dask_gives_the_same_store_and_events(cluster, tmp_path):
    from graphbuild.sinks import store as st
    assert main(["build", str(SEED), "--out", str(tmp_path / "j1"), "-q"]) == 0
    assert main(["build", str(SEED), "--dask", _address(cluster), "--out", str(tmp_path / "dask"), "-q"]) == 0
    assert st.counts(tmp_path / "j1" / "graph.lbdb") == st.counts(tmp_path / "dask" / "graph.lbdb")
    events = (tmp_path / "j1" / "events.jsonl").read_bytes()
    assert events and events == (tmp_path / "dask" / "events.jsonl").read_bytes()


def test_build_with_dask_skips_unchanged_articles(cluster, tmp_path, capsys, monkeypatch):
    """Articles the workers read (JSONL shards) and articles the client reads (a .txt file) alike:
    a rebuild extracts nothing, a changed article alone is extracted, and a --jobs 1 build and a
    Dask build share the extractor fingerprint (each skips what the other stored)."""
    from graphbuild.sinks import store as st
    from test_build_unchanged import snapshot, write_inputs

    monkeypatch.setenv("COLUMNS", "200")
    inputs, out = tmp_path / "articles.jsonl", tmp_path / "out"
    write_inputs(inputs)
    dask = ["--dask", _address(cluster), "--out", str(out)]

    def build(*extra: str) -> dict[str, int]:
        capsys.readouterr()
        assert main(["build", str(inputs), str(SEED), *dask, *extra]) == 0
        rows = {}
        for line in capsys.readouterr().out.splitlines():
            cells = [c.strip() for c in line.split("\u2502")]
            if len(cells) >= 4 and cells[1] in ("articles", "unchanged, skipped", "events"):
                rows[cells[1]] = int(cells[2].replace(",", "") or 0)
        return rows

    first = build()
    assert first["articles"] == 4 and "unchanged, skipped" not in first and first["events"] > 4
    before = snapshot(out)
    events = (out / "events.jsonl").read_bytes()
    assert build() == {"articles": 0, "unchanged, skipped": 4, "events": 0}
    assert snapshot(out) == before and (out / "events.jsonl").read_bytes() == events
    write_inputs(inputs, changed="a1")
    changed = build()
    assert changed["articles"] == 1 and changed["unchanged, skipped"] == 3
    assert "RECOGNIZED" in {json.loads(line)["relation"] for line in (out / "events.jsonl").read_text().splitlines()
                            if json.loads(line)["article_id"] == "a1"}
    assert st.check(out / "graph.lbdb")[1] == []
    assert build("--reextract")["articles"] == 4

    local = tmp_path / "local"  # a --jobs 1 build, then the Dask build skips everything it stored
    assert main(["build", str(inputs), str(SEED), "--out", str(local), "-q"]) == 0
    dask[-1] = str(local)
    assert build() == {"articles": 0, "unchanged, skipped": 4, "events": 0}


def test_200_corpus_articles_are_identical_to_jobs_1(cluster, corpus, tmp_path, capsys):
    """Shards read by the workers themselves (glob input), output written in input order."""
    out = tmp_path / "events.jsonl"
    assert main(["extract", str(corpus["dir"] / "*.jsonl"), "--dask", _address(cluster),
                 "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == corpus["jsonl"]
    err = capsys.readouterr().err
    assert f"{N_CORPUS} articles, {corpus['jsonl'].count(chr(10))} events" in err


def test_a_worker_killed_mid_run_changes_nothing(cluster, corpus, tmp_path):
    """SIGKILL one worker process once the first window is done: Dask reruns its tasks."""
    from graphbuild.cluster import dask_stream
    from graphbuild.events_io import ParquetDirSink, prepare_dir

    # a prefix of the corpus that ends on a window boundary of the full run: same windows
    cuts = list(itertools.accumulate(len(w) for w in windows(corpus["items"])))
    n = next(c for c in cuts if c >= 48)
    shard = tmp_path / "prefix.jsonl"
    shard.write_text("".join(corpus["lines"][:n]), encoding="utf-8")
    pids = cluster.run(os.getpid)
    victim = sorted(pids)[0]
    state = {"done": 0, "killed_at": None}
    lock = threading.Lock()

    def progress(k: int) -> None:
        with lock:
            state["done"] += k
            if state["killed_at"] is None:
                state["killed_at"] = state["done"]
                os.kill(pids[victim], signal.SIGKILL)

    parts = tmp_path / "parts"
    prepare_dir(str(parts))
    results = list(dask_stream([str(shard)], cluster, local_cluster=True, progress=progress,
                               parts_out=(str(parts), 20)))  # part files written by the workers
    assert state["killed_at"] is not None and state["killed_at"] < n  # killed with work left
    assert pids[victim] not in cluster.run(os.getpid).values()
    assert [r.article.id for r in results] == [r.article.id for r in corpus["results"][:n]]
    assert _jsonl(results) == _jsonl(corpus["results"][:n])
    # the same part files, byte for byte, as this process writes from the --jobs 1 results
    ref = tmp_path / "ref"
    sink = ParquetDirSink(str(ref) + "/", part_articles=20)
    for r in corpus["results"][:n]:
        sink.add(r.article, r.records)
    sink.close()
    names = sorted(p.name for p in ref.iterdir())
    assert len(names) == -(-n // 20) and names == sorted(p.name for p in parts.iterdir())
    assert all((ref / name).read_bytes() == (parts / name).read_bytes() for name in names)


def test_parquet_round_trips_to_the_same_records(corpus, tmp_path):
    import pandas as pd

    from graphbuild.events_io import ParquetSink, read_events
    path = tmp_path / "events.parquet"
    sink = ParquetSink(str(path))
    for r in corpus["results"]:
        sink.add(r.article, r.records)
    sink.close()
    back = list(read_events([str(path)]))
    assert [a.to_dict() for a, _ in back] == [r.article.to_dict() for r in corpus["results"]]
    assert [rec for _, recs in back for rec in recs] == [rec for r in corpus["results"] for rec in r.records]
    assert "".join(json.dumps(rec, ensure_ascii=False) + "\n"
                   for _, recs in back for rec in recs) == corpus["jsonl"]
    frame = pd.read_parquet(path)
    assert {"source_id", "source_name", "source_country", "target_id", "reported_by_name",
            "article_published"} <= set(frame.columns)
    assert frame["id"].notna().sum() == corpus["jsonl"].count("\n")
    assert frame["article_id"].nunique() == N_CORPUS
    import dask.dataframe as dd
    assert len(dd.read_parquet(str(path))) == len(frame)


def test_build_from_parquet_events_gives_the_same_store(corpus, tmp_path, capsys):
    from graphbuild.commands.build import build_from_records
    from graphbuild.events_io import ParquetDirSink
    from graphbuild.sinks import store as st

    direct = tmp_path / "direct.lbdb"
    build_from_records(direct, [r.article for r in corpus["results"]],
                       [rec for r in corpus["results"] for rec in r.records])
    parts = tmp_path / "events"
    sink = ParquetDirSink(str(parts) + "/", part_articles=64)
    for r in corpus["results"]:
        sink.add(r.article, r.records)
    sink.close()
    assert len(list(parts.glob("part-*.parquet"))) == 4
    merged = tmp_path / "merged.lbdb"
    assert main(["build", "--from-events", str(parts), "--store", str(merged), "--out",
                 str(tmp_path / "out"), "-q"]) == 0
    assert st.counts(merged) == st.counts(direct)
    assert st.counts(merged)["Article"] == N_CORPUS
    # idempotent: merging the same events again changes nothing
    assert main(["build", "--from-events", str(parts), "--store", str(merged), "--out",
                 str(tmp_path / "out"), "-q"]) == 0
    assert st.counts(merged) == st.counts(direct)


def test_memory_urls_in_and_out(cluster, tmp_path, capsys):
    """memory:// lives in this process: the client reads the input and writes the Parquet."""
    import fsspec
    fs = fsspec.filesystem("memory")
    fs.pipe("/gbtest/in/seed.txt", SEED.read_bytes())
    if CORPUS.exists():
        with open(CORPUS, "rb") as fh:
            fs.pipe("/gbtest/in/more.jsonl", b"".join(itertools.islice(fh, 300, 304)))
    args = ["memory://gbtest/in/*", "-q", "--out"]
    assert main(["extract", *args, "memory://gbtest/j1.parquet"]) == 0
    assert main(["extract", *args, "memory://gbtest/dask.parquet", "--dask", _address(cluster)]) == 0
    one = fs.cat_file("/gbtest/j1.parquet")
    assert one == fs.cat_file("/gbtest/dask.parquet")
    from graphbuild.events_io import read_events
    assert sum(len(recs) for _, recs in read_events(["memory://gbtest/dask.parquet"])) > 0


def test_bad_input_on_a_worker_is_one_line_and_the_rest_is_written(cluster, tmp_path, capsys, monkeypatch):
    good = [json.dumps({"id": f"a{i}", "text": SEED.read_text(encoding="utf-8"), "date": "2019-03-12"})
            for i in range(3)]
    shard = tmp_path / "shard.jsonl"
    shard.write_text("\n".join([good[0], '{"id": "broken", "text": ', good[1],
                                json.dumps({"id": "d", "text": "x", "date": "12/03/2019"}), good[2]]) + "\n",
                     encoding="utf-8")
    assert main(["extract", str(shard), "--out", str(tmp_path / "j1.jsonl"), "-q"]) == 1
    err_j1 = capsys.readouterr().err
    assert main(["extract", str(shard), "--dask", _address(cluster), "--out",
                 str(tmp_path / "dask.jsonl"), "-q"]) == 1
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 2, err
    assert lines[0].startswith(f"graphbuild extract: {shard}:2: malformed JSON")
    assert lines[1].startswith(f"graphbuild extract: {shard}:4: invalid date")
    assert err == err_j1
    out = (tmp_path / "dask.jsonl").read_text(encoding="utf-8")
    assert out == (tmp_path / "j1.jsonl").read_text(encoding="utf-8")
    assert {json.loads(line)["article_id"] for line in out.splitlines()} == {"a0", "a1", "a2"}
    # a directory of part files, written by the workers: the other partitions are all there
    monkeypatch.setattr("graphbuild.events_io.PART_ARTICLES", 2)
    assert main(["extract", str(shard), "--dask", _address(cluster), "--out", f"{tmp_path}/parts/", "-q"]) == 1
    assert main(["extract", str(shard), "--out", f"{tmp_path}/parts_j1/", "-q"]) == 1
    names = sorted(p.name for p in (tmp_path / "parts").iterdir())
    assert names == ["part-00000.parquet", "part-00001.parquet"]
    assert all((tmp_path / "parts" / n).read_bytes() == (tmp_path / "parts_j1" / n).read_bytes() for n in names)
    from graphbuild.events_io import read_events
    assert [a.id for a, _ in read_events([str(tmp_path / "parts")])] == ["a0", "a1", "a2"]


def test_unreachable_scheduler_is_one_line(tmp_path, capsys, monkeypatch):
    import graphbuild.cluster as gc
    monkeypatch.setattr(gc, "CONNECT_TIMEOUT", 2.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "never.jsonl"
    assert main(["extract", str(SEED), "--dask", f"tcp://127.0.0.1:{port}", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith(f"graphbuild extract: error: cannot reach the Dask scheduler at "
                              f"tcp://127.0.0.1:{port}")
    assert "Traceback" not in "\n".join(err) and not out.exists()


def test_a_worker_that_cannot_load_the_model_is_one_line(cluster, tmp_path, capsys):
    assert main(["extract", str(SEED), "--dask", _address(cluster), "--model", "no_such_model_xyz",
                 "--out", str(tmp_path / "x.jsonl"), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith("graphbuild extract: error: Dask worker tcp://")
    assert "'no_such_model_xyz' is not installed" in err[0]


def test_bad_dask_arguments(capsys):
    assert main(["extract", str(SEED), "-q", "--dask", "local:0"]) == 2
    assert main(["extract", str(SEED), "-q", "--dask", "nonsense"]) == 2
    assert main(["extract", str(SEED), "-q", "--dask", "local:1", "--jobs", "2"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert [e.split(": error: ")[1][:20] for e in err] == [
        "--dask local:0: expe", "--dask nonsense: exp", "--dask and --jobs ex"]


def test_dask_windows_are_the_pipeline_windows():
    from graphbuild.cluster import LineRef
    from graphbuild.cluster import windows as dask_windows
    arts = [RawArticle(id=str(i), text="x" * (i * 997 % 9000 + 1), title="t" * (i % 3)) for i in range(300)]
    refs = [LineRef("u", "u", i + 1, 0, 0, a.id, len(a.text) + len(a.title)) for i, a in enumerate(arts)]
    assert [len(w) for w in dask_windows(refs)] == [len(w) for w in windows(arts)]


def test_a_worker_that_cannot_import_graphbuild_is_one_line(tmp_path, capsys):
    """A real worker process whose Python has the dependencies but not graphbuild (no .pth)."""
    import logging
    import subprocess
    import sys
    import sysconfig

    from distributed import LocalCluster
    site = sysconfig.get_paths()["purelib"]
    with LocalCluster(n_workers=0, processes=True, dashboard_address=None,
                      silence_logs=logging.CRITICAL) as lc:
        code = (f"import sys; sys.path.append({site!r}); sys.argv[1:] = [{lc.scheduler_address!r}, "
                "'--nthreads', '1', '--no-nanny']; from distributed.cli.dask_worker import main; main()")
        worker = subprocess.Popen([sys.executable, "-S", "-c", code], cwd=str(tmp_path),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            rc = main(["extract", str(SEED), "--dask", lc.scheduler_address, "-q",
                       "--out", str(tmp_path / "x.jsonl")])
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert rc == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("graphbuild extract: error: a Dask worker cannot import graphbuild "), last
    assert "No module named 'graphbuild'" in last
