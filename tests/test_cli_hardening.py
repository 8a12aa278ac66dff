"""Hardening of the commands (issue 13): ``graphbuild check`` and its run at the end of build,
one article per content in a run, workers that die with their parent, SIGTERM like Ctrl-C,
extract output errors, literal paths and escaped control characters in terminal output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from graphbuild.commands.build import build_from_records
from graphbuild.model import Article
from graphbuild.sinks import store as st
from test_store import ROOT, fixture_articles, fixture_records

ARTICLES = ROOT / "data" / "articles"
BODY = (ARTICLES / "us-embassy-venezuela.txt").read_text(encoding="utf-8")
CLI = "import sys; from graphbuild import cli; sys.exit(cli.main(sys.argv[1:]))"


def cli(argv: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True,
                          cwd=kw.pop("cwd", ROOT), timeout=kw.pop("timeout", 600), **kw)


def _many(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"a{i}", "text": f"{BODY}\nItem {i}.", "date": "2019-03-12"}) + "\n")
    return path


# --- graphbuild check -----------------------------------------------------------------------------

def test_check_reports_broken_invariants(tmp_path):
    path = tmp_path / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    ok = cli(["check", "--store", str(path)])
    assert ok.returncode == 0 and "18 events" in ok.stdout and "consistent" in ok.stdout, ok.stderr
    with st.open_store(path) as store:  # what a damaged page could do: a lost link, a wrong count
        store.execute("MATCH (e:Event {id: 'ev-e2aacd1951ec437b'})-[r:SOURCE]->() DELETE r")
        store.execute("MATCH (:Actor)-[r:CRITICIZED]->(:Actor) SET r.mentions = r.mentions + 5")
        store.execute("CREATE (:Event {id: 'ev-orphan', article_id: 'nowhere', relation: 'BLAMED'})")
    bad = cli(["check", "--store", str(path)])
    assert bad.returncode == 2, bad.stdout + bad.stderr
    lines = bad.stderr.strip().splitlines()
    assert all(line.startswith("graphbuild check: store check: ") for line in lines), lines
    text = "\n".join(lines)
    assert "missing or extra SOURCE link (first: ev-e2aacd1951ec437b)" in text
    assert "missing or extra REPORTED_IN link" in text
    assert "analyst edge(s) differ from their recomputation" in text and "CRITICIZED" in text
    missing = cli(["check", "--store", str(tmp_path / "none.lbdb")])
    assert missing.returncode == 2 and "no store at" in missing.stderr


def test_check_detects_a_lost_or_moved_reported_by_link(tmp_path):
    """REPORTED_BY is optional, so only the event's own reported_by_id can show it was lost."""
    path = tmp_path / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    reported = [r["id"] for r in fixture_records() if r.get("reported_by")]
    assert reported == ["ev-fd5586cb3bc84f44"]
    ok = cli(["check", "--store", str(path)])
    assert ok.returncode == 0 and ok.stderr == "" and "consistent" in ok.stdout, ok.stderr
    with st.open_store(path) as store:  # the corruption of issue 13: the edge silently gone
        store.execute("MATCH (:Event {id: $e})-[r:REPORTED_BY]->() DELETE r", {"e": reported[0]})
    lost = cli(["check", "--store", str(path)])
    assert lost.returncode == 2 and "1 problem(s)" in lost.stdout
    assert lost.stderr.splitlines() == [
        f"graphbuild check: store check: 1 event(s) with a missing or extra REPORTED_BY link (first: {reported[0]})"]
    with st.open_store(path) as store:  # ... or pointing at another actor
        store.execute("MATCH (e:Event {id: $e}), (a:Actor {id: 'Q30'}) CREATE (e)-[:REPORTED_BY]->(a)",
                      {"e": reported[0]})
    moved = cli(["check", "--store", str(path)])
    assert moved.returncode == 2
    assert moved.stderr.splitlines() == [
        "graphbuild check: store check: 1 event(s) with a REPORTED_BY link to another actor than their "
        f"reported_by_id (first: {reported[0]})"]


def test_a_store_without_reported_by_id_is_upgraded_from_its_links(tmp_path, capfd):
    path = tmp_path / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    with st.open_store(path) as store:  # the schema graphbuild wrote before the column existed
        store.execute("ALTER TABLE Event DROP reported_by_id")
    capfd.readouterr()
    counts, problems = st.check(path)  # a reader: upgraded by a short write, then checked
    assert problems == [] and counts["Event"] == 18
    assert "upgraded (added Event.reported_by_id)" in capfd.readouterr().err
    data = st.read_graph(path)
    assert data.events["ev-fd5586cb3bc84f44"].reported_by_id == "Q473239"
    with st.open_store(path, read_only=True) as store:
        assert store.execute("MATCH (e:Event) WHERE e.reported_by_id IS NOT NULL RETURN e.id") == [
            ["ev-fd5586cb3bc84f44"]]


# --- build: one article per content, check at the end, literal paths --------------------------------

def test_build_same_input_twice_stores_once_and_checks_the_store(tmp_path):
    out = tmp_path / "run[/b]x"
    twice = cli(["build", str(ARTICLES), str(ARTICLES), "--out", str(out)],
                env={**os.environ, "COLUMNS": "400"})
    assert twice.returncode == 0, twice.stderr
    assert "Traceback" not in twice.stderr
    counts = st.counts(out / "graph.lbdb")
    n_events = sum(1 for line in open(out / "events.jsonl", encoding="utf-8") if line.strip())
    assert counts["Article"] == 1 and counts["Event"] == n_events > 0  # once, not twice
    assert f"store: {out / 'graph.lbdb'}" in twice.stdout  # markup-like path printed literally
    # a store damaged outside this run's articles: build still merges, then reports it (exit 2)
    with st.open_store(out / "graph.lbdb") as store:
        store.execute("CREATE (:Actor {id: 'X1', name: 'X1', kind: 'OTHER'}), "
                      "(:Actor {id: 'X2', name: 'X2', kind: 'OTHER'})")
        store.execute("MATCH (a:Actor {id: 'X1'}), (b:Actor {id: 'X2'}) "
                      "CREATE (a)-[:BLAMED {mentions: 3, articles: 1, confidence: 0.5}]->(b)")
    again = cli(["build", str(ARTICLES), "--out", str(out), "--quiet"])
    assert again.returncode == 2
    assert again.stderr.strip().splitlines()[-1].startswith("graphbuild build: store check: ")
    assert st.counts(out / "graph.lbdb")["Event"] == n_events


def test_build_refuses_jobs_0(tmp_path):
    done = cli(["build", str(ARTICLES), "--jobs", "0", "--out", str(tmp_path)])
    assert done.returncode == 2 and done.stderr.strip() == "graphbuild build: error: --jobs must be at least 1"


# --- forked workers and signals -----------------------------------------------------------------------

def _start_parallel_build(tmp_path: Path) -> tuple[subprocess.Popen, list[psutil.Process]]:
    src = _many(tmp_path / "many.jsonl", 400)
    proc = subprocess.Popen([sys.executable, "-c", CLI, "build", str(src), "--jobs", "2", "--quiet",
                             "--out", str(tmp_path / "out")], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        kids = psutil.Process(proc.pid).children(recursive=True)
        if len(kids) >= 2:
            time.sleep(1.0)  # the workers are extracting
            return proc, psutil.Process(proc.pid).children(recursive=True)
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.2)
    proc.kill()
    pytest.fail("workers did not start")


def _gone(procs: list[psutil.Process], timeout: float = 20.0) -> bool:
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    for p in alive:
        p.kill()
    return not alive


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_die_with_the_parent(tmp_path, sig):
    proc, workers = _start_parallel_build(tmp_path)
    os.kill(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    assert _gone(workers), "forked workers outlived their parent"
    if sig == signal.SIGTERM:  # shut down like Ctrl-C: one line, exit 130, a store that opens
        assert proc.returncode == 130, err
        assert err.strip().splitlines()[-1] == "graphbuild build: interrupted" and "Traceback" not in err
        counts = st.counts(tmp_path / "out" / "graph.lbdb")
        assert counts["Article"] < 400


# --- extract: output errors ----------------------------------------------------------------------------

def test_extract_to_a_full_device_is_one_line_exit_2():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-c", CLI, "extract", str(ARTICLES), "-q"], cwd=ROOT,
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    assert done.returncode == 2
    assert done.stderr.strip() == ("graphbuild extract: error: cannot write standard output: No space "
                                   "left on device (output ends after the last complete record)")


def test_extract_on_a_full_disk_ends_on_a_whole_record(tmp_path):
    from test_disk_full import _fill
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mnt = tmp_path / "fs"
    mnt.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        _fill(mnt, 20)
        out = mnt / "events.jsonl"
        done = cli(["extract", str(_many(tmp_path / "many.jsonl", 12)), "--out", str(out), "-q"])
        assert done.returncode == 2, done.stderr
        assert done.stderr.strip() == (f"graphbuild extract: error: cannot write {out}: No space left on "
                                       f"device (output ends after the last complete record)")
        data = out.read_bytes()
        assert data and data.endswith(b"\n")
        assert all(json.loads(line)["article_id"] for line in data.decode("utf-8").splitlines())
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


# --- terminal output ------------------------------------------------------------------------------------

def test_query_tables_escape_terminal_control_characters(tmp_path):
    path = tmp_path / "graph.lbdb"
    arts = [Article(**{**a.to_dict(), "title": "Evil \x1b]0;pwned\x07\x1b[2J title \u202eaaa"})
            for a in fixture_articles()]
    build_from_records(path, arts, fixture_records())
    for fmt, width in (("table", "200"), ("table", "40"), ("vertical", "200"), ("markdown", "200"),
                       ("csv", "200"), ("json", "200")):
        done = cli(["query", "articles_mentioning", "-p", "actor=Q30", "--store", str(path), "-f", fmt],
                   env={**os.environ, "COLUMNS": width})
        assert done.returncode == 0, done.stderr
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout and "\u202e" not in done.stdout, fmt
        if width == "200" and fmt != "markdown":
            assert "Evil \\x1b]0;pwned\\x07\\x1b[2J title \\u202eaaa" in done.stdout.replace("\\u001b", "\\x1b").replace("\\u0007", "\\x07"), fmt


# --- low: own output, unwritable outputs, newlines in paths ------------------------------------------

def test_build_output_inside_the_input_is_not_read_back(tmp_path):
    """``build feed --out feed``: feed/events.jsonl (a previous run's output) is not an input;
    and an input path with a newline still gives a one-line error."""
    feed = tmp_path / "feed"
    feed.mkdir()
    (feed / "us-embassy-venezuela.txt").write_text(BODY, encoding="utf-8")
    (feed / "events.jsonl").write_text(json.dumps({"id": "old-output", "text": BODY}) + "\n",
                                       encoding="utf-8")
    odd = feed / "bad\nname.txt"
    odd.write_bytes(b"")
    done = cli(["build", str(feed), "--out", str(feed), "--quiet"])
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip().splitlines() == [f"{feed}/bad name.txt: empty file"]
    assert st.counts(feed / "graph.lbdb")["Article"] == 1


def test_unwritable_outputs_are_one_line(tmp_path):
    path = tmp_path / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    with open("/dev/full", "w") as full:
        q = subprocess.run([sys.executable, "-c", CLI, "query", "top_actors", "--store", str(path)],
                           cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, timeout=120)
    assert q.returncode == 2 and q.stderr.strip() == ("graphbuild query: error: cannot write standard "
                                                      "output: No space left on device"), q.stderr
    for cmd in (["viz", "--out", "/proc/graphbuild-view.html"],
                ["plot", "timeline", "--out", "/proc/graphbuild-plot.png"]):
        done = cli([*cmd, "--store", str(path)])
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
        assert lines[0].startswith(f"graphbuild {cmd[0]}: error: ") and "/proc/graphbuild-" in lines[0]


def test_identical_rebuilds_do_not_grow_the_store(tmp_path):
    from test_store import synthetic
    path = tmp_path / "graph.lbdb"
    arts, recs = synthetic(200)
    build_from_records(path, arts, recs)
    size, counts = st.store_size(path), st.counts(path)
    for _ in range(3):
        build_from_records(path, arts, recs)
    assert st.counts(path) == counts
    assert st.store_size(path) <= size * 1.05, (size, st.store_size(path))
    # a changed article is still replaced
    changed = [a if a.id != "art-00007" else Article(**{**a.to_dict(), "sha256": "f" * 64}) for a in arts]
    kept = [r for r in recs if r["article_id"] != "art-00007" or r["id"].endswith("-0")]
    build_from_records(path, changed, kept)
    assert st.counts(path)["Event"] == len(kept)
    assert st.check(path)[1] == []
