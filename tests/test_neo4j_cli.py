"""`graphbuild push neo4j` as a user runs it (a real subprocess through graphbuild.cli.main):
bad connections give one line and exit 2 within the connection timeout, the password is never
printed, --dry-run works without a server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SECRET = "Pa55-w0rd-NEVER-PRINTED-7f3a"

# The real CLI entry point; only the `push` sub-command is registered, so the test does not
# depend on the other commands' modules being importable.
RUNNER = ("import sys, graphbuild.cli as c; c.COMMANDS = ('push',); sys.exit(c.main(sys.argv[1:]))")


def run_cli(*argv: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", RUNNER, *argv], capture_output=True, text=True,
                          env=full_env, cwd=ROOT, timeout=timeout)


def closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


@pytest.fixture
def silent_server():
    """A TCP listener that accepts and never answers (a hung server / wrong service)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    conns = []
    stop = threading.Event()

    def serve():
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                pass

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield srv.getsockname()[1]
    stop.set()
    t.join()
    for c in conns:
        c.close()
    srv.close()


EVENTS = ["--events", str(FIXTURES / "sample_events.jsonl"), "--articles", str(FIXTURES / "sample_articles.jsonl")]


def assert_one_line_error(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("graphbuild push: error: "), lines[0]
    assert "Traceback" not in proc.stderr
    for n in needles:
        assert n in lines[0], lines[0]
    assert SECRET not in proc.stdout + proc.stderr


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_server_exits_2_with_one_line(scheme):
    port = closed_port()
    proc = run_cli("push", "neo4j", *EVENTS, "--neo4j-uri", f"{scheme}://127.0.0.1:{port}",
                   "--neo4j-timeout", "3", env={"NEO4J_PASSWORD": SECRET}, timeout=30)
    assert_one_line_error(proc, "cannot reach Neo4j", f"127.0.0.1:{port}")


def test_silent_server_times_out_with_one_line(silent_server):
    """The connection timeout bounds the wait (the subprocess timeout would fail the test)."""
    proc = run_cli("push", "neo4j", *EVENTS, "--neo4j-uri", f"bolt://127.0.0.1:{silent_server}",
                   "--neo4j-timeout", "2", env={"NEO4J_PASSWORD": SECRET}, timeout=30)
    assert_one_line_error(proc, "cannot reach Neo4j", "timeout 2s")


def test_password_never_printed_even_with_env_uri_user_and_quiet_off():
    port = closed_port()
    env = {"NEO4J_PASSWORD": SECRET, "NEO4J_URI": f"bolt://127.0.0.1:{port}", "NEO4J_USERNAME": "analyst",
           "NEO4J_DATABASE": "news"}
    proc = run_cli("push", "neo4j", *EVENTS, "--neo4j-timeout", "3", env=env, timeout=30)
    assert_one_line_error(proc, "cannot reach Neo4j")
    dry = run_cli("push", "neo4j", *EVENTS, "--dry-run", env=env)
    assert dry.returncode == 0, dry.stderr
    assert SECRET not in dry.stdout + dry.stderr
    assert "database 'news'" in dry.stdout


def test_password_file_is_read_and_not_printed(tmp_path):
    pw = tmp_path / "neo4j.pw"
    pw.write_text(SECRET + "\n")
    proc = run_cli("push", "neo4j", *EVENTS, "--neo4j-password-file", str(pw), "--neo4j-uri",
                   f"bolt://127.0.0.1:{closed_port()}", "--neo4j-timeout", "3", timeout=30)
    assert_one_line_error(proc, "cannot reach Neo4j")


def test_missing_password_bad_uri_missing_files_are_one_line_errors(tmp_path):
    # no password: the push connects without auth (a local `make neo4j` server); nothing listens here
    assert_one_line_error(run_cli("push", "neo4j", *EVENTS, "--neo4j-uri", f"bolt://127.0.0.1:{closed_port()}",
                                  "--neo4j-timeout", "3", timeout=30), "cannot reach Neo4j")
    assert_one_line_error(run_cli("push", "neo4j", *EVENTS, "--neo4j-uri", "http://localhost:7474",
                                  env={"NEO4J_PASSWORD": SECRET}), "must start with bolt://")
    assert_one_line_error(run_cli("push", "neo4j", "--events", str(tmp_path / "none.jsonl"), "--dry-run"),
                          "cannot read")
    assert_one_line_error(run_cli("push", "neo4j", "--store", str(tmp_path / "none.lbdb"), "--dry-run"),
                          "no store at")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    assert_one_line_error(run_cli("push", "neo4j", "--events", str(bad), "--dry-run"), "bad.jsonl:1")


def test_dry_run_needs_no_server_and_no_password():
    proc = run_cli("push", "neo4j", *EVENTS, "--dry-run", "--batch-size", "5")
    assert proc.returncode == 0, proc.stderr
    assert "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE;" in proc.stdout
    assert "// step events: 18 rows in 4 batch(es)" in proc.stdout
    assert "// total:" in proc.stdout


def test_push_help_shows_no_password_flag():
    proc = run_cli("push", "neo4j", "--help")
    assert proc.returncode == 0
    assert "--neo4j-password-file" in proc.stdout
    assert "--neo4j-password " not in proc.stdout and "--password" not in proc.stdout


def test_push_from_store_plans_exactly_what_the_build_holds(tmp_path):
    """`push neo4j --store` reads the embedded store back (read_graph) and plans the same rows
    as the GraphData the store was built from."""
    store = pytest.importorskip("graphbuild.sinks.store")
    if not hasattr(store, "read_graph"):
        pytest.skip("graphbuild.sinks.store has no read_graph yet")
    import json as _json
    from graphbuild.merge import load_events_jsonl
    from graphbuild.model import Article
    from graphbuild.sinks import neo4j as sink

    data = load_events_jsonl(FIXTURES / "sample_events.jsonl")
    for line in (FIXTURES / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            data.add_article(Article(**_json.loads(line)))
    path = tmp_path / "g.lbdb"
    with store.open_store(path) as st:
        store.write_graph(st, data)
    proc = run_cli("push", "neo4j", "--store", str(path), "--dry-run", "--batch-size", "4")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == sink.format_plan(sink.plan(data, 4), 4, "neo4j")
    from_store = sink.plan(store.read_graph(path), 4)
    assert [(s.name, s.batches) for s in from_store] == [(s.name, s.batches) for s in sink.plan(data, 4)]
