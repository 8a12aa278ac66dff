"""``graphbuild query`` as a shell (issue 12): ``-e CYPHER`` and ``-`` (stdin) under the read-only
guard, tables that fit the terminal, vertical and Markdown output, ``--list`` (whole descriptions,
JSON) and the library filters ``--since/--until/--min-confidence/--relations``."""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from graphbuild.commands.build import build_from_records
from graphbuild.sinks import store as st
from graphbuild.vocab import RELATION_NAMES
from test_store import ROOT, extra_records, fixture_articles, fixture_records

CLI = "import sys; from graphbuild import cli; sys.exit(cli.main(sys.argv[1:]))"
LONG = ("The foreign ministers of the European Union, meeting in Brussels after a night of "
        "negotiations that several delegations described as unusually tense, criticized the "
        "government in Caracas for postponing the elections again and for detaining opposition "
        "lawmakers, journalists and trade unionists without charge, and asked the secretariat to "
        "prepare further measures for the next council.")


def cli(argv, columns: str | None = "200", stdin: str | None = None, subprocess_: bool = False
        ) -> subprocess.CompletedProcess:
    """``graphbuild ARGV`` with ``$COLUMNS`` (None: unset) and ``stdin``: in this process through
    ``cli.main`` (fast), or in a real subprocess."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    if columns is not None:
        env["COLUMNS"] = columns
    if subprocess_:
        return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True,
                              cwd=ROOT, env=env, input=stdin, timeout=300)
    from graphbuild import cli as graphbuild_cli
    out, err, saved = io.StringIO(), io.StringIO(), dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                _stdin(io.StringIO(stdin if stdin is not None else "")):
            code = graphbuild_cli.main(argv)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _stdin(stream):
    saved, sys.stdin = sys.stdin, stream
    try:
        yield
    finally:
        sys.stdin = saved


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    """The fixtures, the later article, and one event whose sentence is a long paragraph."""
    path = tmp_path_factory.mktemp("qcli") / "graph.lbdb"
    recs = fixture_records()
    long = copy.deepcopy(next(r for r in recs if r["relation"] == "CRITICIZED"))
    long.update(id="ev-long-sentence", sentence=LONG, end=len(LONG), date="2019-02-20")
    build_from_records(path, fixture_articles(), recs + [long])
    arts, more = extra_records()
    build_from_records(path, arts, more)
    return path


def one_error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("graphbuild query: error: "), lines[0]
    return lines[0]


def as_json(done: subprocess.CompletedProcess):
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


# --- inline and stdin Cypher -----------------------------------------------------------------------

def test_inline_and_stdin_cypher_run_with_parameters(store_path):
    text = "MATCH (a:Actor) WHERE a.id = $id RETURN a.name AS name, a.kind AS kind"
    inline = as_json(cli(["query", "-e", text, "-p", "id=Q458", "--store", str(store_path), "-f", "json"],
                         subprocess_=True))
    piped = as_json(cli(["query", "-", "-p", "id=Q458", "--store", str(store_path), "-f", "json"], stdin=text,
                        subprocess_=True))
    assert inline == piped == [{"name": "European Union", "kind": "IGO"}]
    missing = one_error_line(cli(["query", "-e", text, "--store", str(store_path)]))
    assert "needs parameter id" in missing


def test_inline_and_stdin_write_statements_are_refused(store_path, tmp_path):
    before = st.counts(store_path)
    target = tmp_path / "leak.csv"
    for argv, stdin, where, word in (
            (["-e", "MATCH (a:Actor) DETACH DELETE a"], None, "--execute", "DETACH"),
            (["-e", "MATCH (a:Actor) RETURN a.id; CREATE (:Actor {id: 'x'})"], None, "--execute", "CREATE"),
            (["-e", f"COPY (MATCH (a:Actor) RETURN a.id) TO '{target}'"], None, "--execute", "COPY"),
            (["-"], "MATCH (a:Actor) SET a.name = 'pwned'", "<stdin>", "SET"),
            (["-"], "MATCH (a:Actor) DETACH DELETE a", "<stdin>", "DETACH"),
            (["-"], "// harmless\nCALL threads=1", "<stdin>", "threads")):
        line = one_error_line(cli(["query", *argv, "--store", str(store_path)], stdin=stdin,
                                  subprocess_=word == "DETACH"))
        assert line.startswith(f"graphbuild query: error: {where}: ") and word in line, line
        assert "only read the graph" in line or "setting" in line
    assert st.counts(store_path) == before and not target.exists()
    assert as_json(cli(["query", "-e", "MATCH (a:Actor) WHERE a.name = 'pwned' RETURN a.id",
                        "--store", str(store_path), "-f", "json"])) == []


def test_inline_usage_errors(store_path):
    assert "not both" in one_error_line(cli(["query", "top_actors", "-e", "RETURN 1", "--store", str(store_path)]))
    assert "no Cypher given" in one_error_line(cli(["query", "-", "--store", str(store_path)], stdin="  \n"))
    assert "no Cypher given" in one_error_line(cli(["query", "-e", "", "--store", str(store_path)]))


# --- tables that fit the terminal ------------------------------------------------------------------

SENTENCES = ("MATCH (s:Actor)<-[:SOURCE]-(e:Event)-[:TARGET]->(t:Actor) WHERE e.date < '2020' "
             "RETURN e.date AS date, s.name AS source, e.relation AS relation, e.sentence AS sentence "
             "ORDER BY date, e.id")


def _widest(text: str) -> int:
    return max(cell_len(line) for line in text.splitlines())


@pytest.mark.parametrize("columns", ["80", "200"])
def test_tables_fit_the_width_and_break_no_name_relation_or_word(store_path, columns):
    done = cli(["query", "-e", SENTENCES, "--store", str(store_path)], columns=columns)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert _widest(out) <= int(columns)
    header = out.splitlines()[0]
    assert [h.strip() for h in header.split("│")] == ["date", "source", "relation", "sentence"]  # a table
    rows = as_json(cli(["query", "-e", SENTENCES, "--store", str(store_path), "-f", "json"]))
    cells = [line.split("│") for line in out.splitlines()[2:-1]]
    assert all(len(c) == 4 for c in cells)
    relations = [c[2].strip() for c in cells if c[2].strip()]
    assert relations == [r["relation"] for r in rows] and set(relations) <= set(RELATION_NAMES)
    sources = [c[1].strip() for c in cells if c[1].strip()]
    assert sources == [r["source"] for r in rows]  # names whole, on one line each
    sentence_words = " ".join(c[3].strip() for c in cells).split()
    assert sentence_words == " ".join(r["sentence"].replace("\n", "\\n") for r in rows).split()  # wrapped at spaces
    sentence_width = max(cell_len(c[3].strip()) for c in cells)
    if columns == "80":  # the free text takes the remaining width
        assert _widest(out) >= 78 and sentence_width >= 18
    else:
        assert sentence_width > 100
    lines_for_long = sum(1 for c in cells if c[3].strip()) - len(rows)
    assert lines_for_long > 0 if columns == "80" else lines_for_long <= 3


def test_too_many_columns_for_the_terminal_show_rows_vertically(store_path):
    names = cli(["query", "-e", SENTENCES.replace("e.date < '2020'", "e.date IS NOT NULL"),
                 "--store", str(store_path)], columns="80")  # O'Brien's long name is never broken
    assert _widest(names.stdout) <= 80 and "-[ RECORD 1 ]" in names.stdout
    assert "source   | Seán \"The Fox\" O'Brien <x> #1 — مرحبا 🦊\n" in names.stdout
    done = cli(["query", "actor_timeline", "-p", "actor=maduro", "--store", str(store_path)], columns="80")
    assert done.returncode == 0, done.stderr
    assert _widest(done.stdout) <= 80
    assert "-[ RECORD 1 ]" in done.stdout and "relation | SUPPORTED" in done.stdout
    assert done.stdout.rstrip().endswith("4 rows")


def test_non_tty_default_width_and_the_real_terminal_width(store_path):
    piped = cli(["query", "-e", SENTENCES, "--store", str(store_path)], columns=None, subprocess_=True)
    assert piped.returncode == 0 and 80 < _widest(piped.stdout) <= 160  # a log gets 160 columns
    import fcntl
    import pty
    import struct
    import termios
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    proc = subprocess.Popen([sys.executable, "-c", CLI, "query", "-e", SENTENCES, "--store", str(store_path)],
                            stdout=slave, stderr=subprocess.PIPE, cwd=ROOT, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    text = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    import re
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)  # rich colours a TTY
    assert proc.returncode == 0, proc.stderr.read()
    assert 80 < _widest(plain) <= 100 and "sentence" in plain


# --- vertical and Markdown ---------------------------------------------------------------------------

def test_vertical_format(store_path):
    done = cli(["query", "blamed_whom", "--store", str(store_path), "-f", "vertical"], columns="60")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "-[ RECORD 1 ]" + "-" * (60 - len("-[ RECORD 1 ]"))
    assert lines[1:8] == ["source     | Mike Pompeo", "target     | Cuba government", "mentions   | 1",
                          "articles   | 1", "first_seen | 2019-03-11", "last_seen  | 2019-03-11",
                          "confidence | 0.75"]
    assert lines[-1] == "2 rows"
    long = cli(["query", "-e", "MATCH (e:Event {id: 'ev-long-sentence'}) RETURN e.sentence AS sentence",
                "--store", str(store_path), "-f", "vertical"], columns="70")
    body = [line for line in long.stdout.splitlines()[1:-1]]
    assert all(cell_len(line) <= 70 for line in body) and len(body) > 3
    assert all(line.startswith(("sentence | ", "         | ")) for line in body)
    assert " ".join(line[11:] for line in body).split() == LONG.split()


def test_markdown_format_escapes_pipes_and_markup(store_path):
    done = cli(["query", "-e", "RETURN 'a|b' AS `x|y`, '<b>*bold*</b>' AS html, [1, 2] AS list, null AS nothing",
                "--store", str(store_path), "-f", "markdown"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["| x\\|y | html | list | nothing |", "|---|---|---|---|",
                                        "| a\\|b | \\<b\\>\\*bold\\*\\</b\\> | \\[1, 2\\] |  |"]
    table = cli(["query", "recognized_whom", "--store", str(store_path), "-f", "markdown"])
    assert table.stdout.splitlines()[2] == "| European Union | Juan Guaidó | 2 | 2 | 2019-02-04 | 2019-04-01 | 0.95 |"


# --- --list ------------------------------------------------------------------------------------------

def test_list_json_has_whole_descriptions_parameters_and_filters():
    entries = as_json(cli(["query", "--list", "-f", "json"]))
    by_name = {e["name"]: e for e in entries}
    assert len(by_name) >= 15
    paths = by_name["paths_2hop"]
    assert paths["description"].startswith("Paths of one or two analyst edges")
    assert paths["description"].endswith("in path order (two hub actors share thousands of neighbours).")
    assert paths["parameters"] == {"actor": None, "other": None, "limit": 200}
    assert paths["required"] == ["actor", "other"] and paths["filters"] == []
    assert by_name["actor_timeline"]["filters"] == ["--since", "--until", "--min-confidence", "--relations"]
    assert by_name["blamed_whom"]["filters"] == ["--min-confidence"]
    assert by_name["actor_relations"]["file"] == "lbdb/actor_relations.cypher"


def test_list_table_prints_whole_descriptions():
    md = cli(["query", "--list", "-f", "markdown"])
    assert "in path order (two hub actors share thousands of neighbours)." in md.stdout
    table = cli(["query", "--list"], columns="120")
    assert table.returncode == 0 and _widest(table.stdout) <= 120
    flat = " ".join(" ".join(line.split("│")[-1].split()) for line in table.stdout.splitlines())
    assert "(two hub actors share thousands of neighbours)." in flat


# --- filters -------------------------------------------------------------------------------------

def _events(store_path: Path, where: str) -> set[str]:
    _, rows = st.run_query(store_path, f"MATCH (e:Event) WHERE {where} RETURN e.id")
    return {r[0] for r in rows}


def test_date_and_confidence_filters_select_the_same_events_as_the_store(store_path):
    base = ["query", "newest_events", "-p", "limit=1000", "--store", str(store_path), "-f", "json"]
    window = as_json(cli(base + ["--since", "2019-03-01", "--until", "2019-04-01"]))
    assert {r["event"] for r in window} == _events(
        store_path, "e.date >= '2019-03-01' AND e.date <= '2019-04-01'") != set()
    confident = as_json(cli(base + ["--min-confidence", "0.8"]))
    assert {r["event"] for r in confident} == _events(store_path, "e.date IS NOT NULL AND e.confidence >= 0.8")
    everything = as_json(cli(base))
    assert len(everything) > len(confident) > 0 and len(everything) > len(window)


def test_relations_filter(store_path):
    months = as_json(cli(["query", "events_per_month", "--store", str(store_path), "-f", "json"]))
    only = as_json(cli(["query", "events_per_month", "--relations", "blamed, CRITICIZED",
                        "--store", str(store_path), "-f", "json"]))
    assert only == [m for m in months if m["relation"] in ("BLAMED", "CRITICIZED")] != []
    edges = as_json(cli(["query", "actor_relations", "-p", "actor=Q30", "--relations", "RECOGNIZED",
                         "--store", str(store_path), "-f", "json"]))
    assert [(e["relation"], e["other"]) for e in edges] == [("RECOGNIZED", "Juan Guaidó")]


def test_edge_confidence_and_event_counts_filters(store_path):
    blamed = as_json(cli(["query", "blamed_whom", "--min-confidence", "0.72", "--store", str(store_path),
                          "-f", "json"]))
    assert [(b["source"], b["confidence"]) for b in blamed] == [("Mike Pompeo", 0.75)]
    top = as_json(cli(["query", "top_actors", "--since", "2019-04-01", "--store", str(store_path), "-f", "json"]))
    _, rows = st.run_query(store_path, "MATCH (a:Actor)<-[:SOURCE|TARGET]-(e:Event) WHERE e.date >= '2019-04-01' "
                                       "AND a.kind <> 'OTHER' RETURN a.name, count(e)")
    assert {t["actor"]: t["events"] for t in top} == {name: n for name, n in rows}


@pytest.mark.parametrize("argv,message", [
    (["newest_events", "--relations", "BLAMED,HUGGED"], "unknown relation type HUGGED"),
    (["newest_events", "--relations", ","], "needs at least one relation type"),
    (["newest_events", "--since", "2019-13-01"], "--since '2019-13-01' is not an ISO date"),
    (["newest_events", "--until", "last week"], "--until 'last week' is not an ISO date"),
    (["newest_events", "--min-confidence", "2"], "not a number between 0 and 1"),
    (["newest_events", "--min-confidence", "high"], "not a number between 0 and 1"),
    (["newest_events", "--since", "2019-05-01", "--until", "2019-04-01"], "is after --until"),
    (["newest_events", "--since", "2019-05-01", "-p", "since=2019-01-01"], "not both"),
    (["blamed_whom", "--since", "2019-01-01"], "query blamed_whom cannot take --since"),
    (["shortest_path", "-p", "actor=Q30", "-p", "other=Q159", "--relations", "BLAMED"],
     "query shortest_path cannot take --relations"),
    (["-e:RETURN 1 AS x", "--min-confidence", "0.5"], "cannot take --min-confidence"),
])
def test_filter_errors_are_one_line_exit_2(store_path, argv, message):
    if argv[0].startswith("-e:"):
        argv = ["-e", argv[0][3:], *argv[1:]]
    line = one_error_line(cli(["query", *argv, "--store", str(store_path)]))
    assert message in line, line
    if "cannot take --since" in line:
        assert "actor_timeline" in line and "newest_events" in line  # where it does apply
