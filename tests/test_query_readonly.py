"""``graphbuild query FILE`` can only read the graph: statements that load native code, read or
write files, download, change settings or checkpoint are refused before they run (issue 13)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from graphbuild.commands.build import build_from_records
from graphbuild.cypher_guard import check_read_only
from graphbuild.errors import UserError
from graphbuild.paths import QUERIES_DIR
from graphbuild.sinks import store as st
from test_store import fixture_articles, fixture_records, run_cli

MARKER_LIB = r"""
#include <stdio.h>
__attribute__((constructor)) static void ran(void) {
    FILE *f = fopen("%s", "w"); if (f) { fputs("native code ran", f); fclose(f); }
}
"""


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ro") / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    return path


def _store_files(path: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in path.parent.iterdir() if p.name.startswith(path.name)}


def _refused(store_path: Path, tmp_path: Path, text: str, word: str, capsys=None):
    """The query command refuses ``text`` with one line naming the file and ``word``; in a
    subprocess (the real CLI), or in this process through ``cli.main`` when given ``capsys``."""
    qfile = tmp_path / "hostile.cypher"
    qfile.write_text(text, encoding="utf-8")
    argv = ["query", str(qfile), "--store", str(store_path)]
    if capsys is not None:
        from graphbuild import cli
        code = cli.main(argv)
        captured = capsys.readouterr()
        out = subprocess.CompletedProcess(argv, code, captured.out, captured.err)
    else:
        out = run_cli(argv)
    assert out.returncode == 2, (text, out.stdout, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr, out.stderr
    assert lines[0].startswith(f"graphbuild query: error: {qfile}: ") and word in lines[0], lines[0]
    assert "only read the graph" in lines[0] or "catalogue functions" in lines[0]
    return out


def test_load_extension_is_refused_and_no_native_code_runs(store_path, tmp_path):
    if not shutil.which("gcc"):
        pytest.skip("gcc not available to build a test extension")
    marker = tmp_path / "marker.txt"
    src = tmp_path / "x.c"
    src.write_text(MARKER_LIB % marker, encoding="utf-8")
    lib = tmp_path / "libx.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), str(src)], check=True)
    _refused(store_path, tmp_path, f"LOAD EXTENSION '{lib}'", "LOAD")
    _refused(store_path, tmp_path, f"// harmless\nload /* really */ extension \"{lib}\";", "load")
    assert not marker.exists()


def test_file_writes_are_refused(store_path, tmp_path):
    target = tmp_path / "out.csv"
    _refused(store_path, tmp_path, f"COPY (MATCH (a:Actor) RETURN a.id) TO '{target}'", "COPY")
    _refused(store_path, tmp_path, f"EXPORT DATABASE '{tmp_path / 'exp'}'", "EXPORT")
    _refused(store_path, tmp_path, f"IMPORT DATABASE '{tmp_path / 'exp'}'", "IMPORT")
    _refused(store_path, tmp_path, f"MATCH (a:Actor) RETURN a.id;\nCOPY (RETURN 1) TO '{target}'", "statement 2")
    assert not target.exists() and not (tmp_path / "exp").exists()


def test_file_reads_are_refused(store_path, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text("name\nsecret-token-42\n", encoding="utf-8")
    for text in (f"LOAD FROM '{secret}' RETURN *",
                 f"LOAD WITH HEADERS (name STRING) FROM '{secret}' RETURN *",
                 f"MATCH (a:Actor) WITH count(a) AS n LOAD FROM '{secret}' RETURN *"):
        out = _refused(store_path, tmp_path, text, "LOAD")
        assert "secret-token-42" not in out.stdout + out.stderr


def test_install_attach_settings_and_transactions_are_refused(store_path, tmp_path, capsys):
    for text, word in (("INSTALL httpfs", "INSTALL"), ("FORCE INSTALL httpfs", "FORCE"),
                       ("UNINSTALL httpfs", "UNINSTALL"),
                       (f"ATTACH '{tmp_path / 'o.lbdb'}' AS o (dbtype lbug)", "ATTACH"),
                       ("CALL threads=1", "threads"), ("CALL home_directory='/'", "home_directory"),
                       ("UNWIND [1] AS x CALL spill_to_disk=false", "spill_to_disk"),
                       ("CALL project_graph('g', ['Actor'], [])", "project_graph"),
                       ("BEGIN TRANSACTION", "BEGIN"),
                       ("MATCH (a:Actor) SET a.name = 'x'", "SET"),
                       ("MATCH (a:Actor) DETACH DELETE a", "DETACH"),
                       ("CREATE (:Actor {id: 'x'})", "CREATE")):
        _refused(store_path, tmp_path, text, word, capsys)


def test_checkpoint_is_refused_and_readers_keep_working(store_path, tmp_path):
    before = _store_files(store_path)
    _refused(store_path, tmp_path, "CHECKPOINT", "CHECKPOINT")
    _refused(store_path, tmp_path, "MATCH (a:Actor) RETURN count(a);\ncheckpoint;", "checkpoint")
    assert _store_files(store_path) == before
    out = run_cli(["query", "top_actors", "--store", str(store_path), "--format", "json"])
    assert out.returncode == 0, out.stderr


def test_legitimate_queries_still_run(store_path, tmp_path):
    qfile = tmp_path / "fine.cypher"
    qfile.write_text("// set, load, copy in a comment /* and CHECKPOINT */\n"
                     "MATCH (load:Actor) WHERE load.name <> 'LOAD FROM x; CHECKPOINT' "
                     "AND load.id <> \"COPY \\\" TO\" "
                     "RETURN load.id AS `set`, size(load.aliases) AS n ORDER BY load.id LIMIT 2;\n",
                     encoding="utf-8")
    out = run_cli(["query", str(qfile), "--store", str(store_path), "--format", "csv"])
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "set,n"
    cols, rows = st.run_query(store_path, "CALL show_tables() RETURN name ORDER BY name")
    assert ["Actor"] in rows
    for path in sorted(Path(QUERIES_DIR).rglob("*.cypher")):
        check_read_only(path.read_text(encoding="utf-8"))  # every library query, both dialects


def test_python_api_refuses_too(store_path):
    with pytest.raises(UserError, match="only read the graph"):
        st.run_query(store_path, "MATCH (a:Actor) RETURN a; EXPORT DATABASE '/tmp/never'")
    with pytest.raises(UserError, match="unterminated"):
        check_read_only("RETURN 'open string; CHECKPOINT")
