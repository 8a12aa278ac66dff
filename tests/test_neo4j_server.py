"""The local Neo4j launcher itself (tests/neo4j_server/, what `make neo4j` runs): a server without
auth on a free port, prints its Bolt URI, is Neo4j 5.26 Community, takes a connection with no
password, and on SIGTERM stops with status 0 and removes its work directory."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAUNCHER = ROOT / "tests" / "neo4j_server" / "neo4j.sh"
FIXTURES = Path(__file__).parent / "fixtures"

_MUST_RUN = os.environ.get("CI") == "true" and bool(shutil.which("java")) and bool(shutil.which("mvn"))
pytestmark = pytest.mark.skipif(not (shutil.which("java") and shutil.which("mvn")),
                                reason=os.environ.get("GRAPHBUILD_NEO4J_SKIP") or "java or mvn not found")


def _built() -> bool:
    return subprocess.run(["bash", "-c", f'source <(sed -n "/^fresh()/,/^}}/p" {LAUNCHER}); '
                                         f'HERE={LAUNCHER.parent}; CP_FILE=$HERE/target/classpath.txt; '
                                         'SRC=$HERE/src/main/java/graphbuild/neo4jserver/LocalNeo4j.java; fresh'],
                          capture_output=True).returncode == 0


def test_launcher_serves_without_auth_and_sigterm_removes_its_work_dir(tmp_path):
    if not _built():
        if not _MUST_RUN:
            pytest.skip("the launcher is not built (`make test` or `tests/neo4j_server/neo4j.sh build` builds it)")
        pytest.fail("CI: the Neo4j launcher is not built; `make test` builds it before pytest")
    work = tmp_path / "work"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "GRAPHBUILD_NEO4J"))}
    proc = subprocess.Popen([str(LAUNCHER), "serve", "-Dneo4j.bolt.port=0", f"-Dneo4j.workdir={work}",
                             "-Dneo4j.pagecache=64m"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    try:
        lines: dict[str, str] = {}
        deadline = time.monotonic() + 180
        while "NEO4J_START_MS" not in lines:
            line = proc.stdout.readline()
            assert line or proc.poll() is None, proc.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "no NEO4J_URI line within 180 s"
            if "=" in line:
                key, value = line.strip().split("=", 1)
                lines[key] = value
        uri, store = lines["NEO4J_URI"], Path(lines["NEO4J_WORKDIR"])
        assert uri.startswith("bolt://127.0.0.1:") and lines["NEO4J_AUTH"] == "none"
        assert store.is_dir() and store.parent == work
        # a user with no password (make neo4j) connects straight away: the sink sends no auth token
        from graphbuild.sinks import neo4j as sink
        driver = sink.connect(sink.Neo4jConfig(uri=uri, password=None, timeout=30))
        try:
            edition = driver.execute_query("CALL dbms.components() YIELD versions, edition "
                                           "RETURN versions[0] AS v, edition").records[0]
        finally:
            driver.close()
        assert edition["v"].startswith("5.26.") and edition["edition"] == "community"
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert rc == 0, (rc, proc.stderr.read()[-2000:])
    assert not store.exists() and list(work.iterdir()) == []
