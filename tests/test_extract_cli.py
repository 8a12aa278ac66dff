"""`graphbuild extract` end to end (subprocess): bad input, exit codes, stdin, --jobs, --out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.paths import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
GOOD = ("The United States imposed new sanctions on Venezuela on Monday, officials said.\n\n"
        "Russia criticized the decision and demanded that Washington lift the sanctions.\n")


def graphbuild(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "graphbuild.cli", "extract", *map(str, args)],
                          input=stdin, capture_output=True, cwd=ROOT, timeout=300)
    proc.err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in proc.err, proc.err
    return proc


def records(text: str | bytes) -> list[dict]:
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return [json.loads(line) for line in text.splitlines()]


@pytest.fixture(scope="module")
def messy(tmp_path_factory) -> Path:
    """A directory with two good articles among every kind of bad input."""
    d = tmp_path_factory.mktemp("messy")
    (d / "good.txt").write_text("Sanctions Tighten\n\n" + GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.md").write_bytes(bytes(range(256)) * 16)
    (d / "latin1.txt").write_bytes("Caf\u00e9 owners said the".encode("latin-1"))
    (d / "huge.txt").write_text(GOOD * (2_100_000 // len(GOOD)), encoding="utf-8")
    (d / "german.txt").write_text(
        "Die Bundesregierung hat am Montag die Sanktionen gegen Russland verlängert, wie ein "
        "Sprecher in Berlin mitteilte. Die Entscheidung sei einstimmig gefallen.", encoding="utf-8")
    (d / "chinese.txt").write_text("中华人民共和国外交部发言人周一表示，中方坚决反对美国对委内瑞拉实施单边制裁，"
                                   "呼吁各方通过对话解决分歧。", encoding="utf-8")
    (d / "lines.jsonl").write_text("\n".join([
        "{not json",
        json.dumps({"id": "j-ok", "text": GOOD, "date": "2019-03-11"}),
        json.dumps({"id": "j-date", "text": GOOD, "date": "yesterday"}),
        json.dumps({"id": "j-notext", "title": "only a title"}),
    ]) + "\n", encoding="utf-8")
    return d


EXPECTED_ERRORS = {  # file (and line) -> words of the reason
    "binary.md": "binary file", "chinese.txt": "English", "empty.txt": "empty file",
    "german.txt": "English", "huge.txt": "too long", "latin1.txt": "invalid UTF-8",
    "lines.jsonl:1": "malformed JSON", "lines.jsonl:3": "invalid date", "lines.jsonl:4": "'text'",
    "missing.txt": "no such file",
}


def test_bad_input_is_reported_one_line_each_and_the_rest_is_written(messy, tmp_path):
    outputs = {}
    for jobs in ("2", "1"):
        out = tmp_path / f"events{jobs}.jsonl"
        proc = graphbuild(messy, messy / "missing.txt", DATA_DIR / "articles", "--out", out,
                          "--jobs", jobs, "--quiet")
        assert proc.returncode == 1
        lines = proc.err.splitlines()
        assert len(lines) == len(EXPECTED_ERRORS), proc.err
        for line, (where, why) in zip(lines, sorted(EXPECTED_ERRORS.items())):
            assert line.startswith(f"graphbuild extract: {messy / where}: ") and why in line, line
        outputs[jobs] = out.read_bytes()
        assert {r["article_id"] for r in records(outputs[jobs])} == {"good", "j-ok", "us-embassy-venezuela"}
    assert outputs["1"] == outputs["2"]


def test_clean_input_exits_0_with_summary_and_forced_progress_on_stderr(tmp_path):
    (tmp_path / "a.md").write_text("---\ndate: 2019-03-11\n---\n" + GOOD, encoding="utf-8")
    proc = graphbuild(tmp_path)
    assert proc.returncode == 0, proc.err
    assert "\r" not in proc.err and len(proc.err.splitlines()) == 1  # stderr is no terminal: no bar
    assert proc.err.rstrip().splitlines()[-1].startswith("graphbuild extract: 1 articles, ")
    forced = graphbuild(tmp_path, "--progress")
    assert "extract:" in forced.err and " inputs" in forced.err and "\r" in forced.err  # the tqdm bar
    assert forced.err.rstrip().splitlines()[-1].startswith("graphbuild extract: 1 articles, ")
    recs = records(proc.stdout)
    assert recs and all(r["article_id"] == "a" and r["date"] for r in recs)
    quiet = graphbuild(tmp_path, "-q")
    assert quiet.returncode == 0 and quiet.err == "" and quiet.stdout == proc.stdout


def test_stdin_jsonl_and_plain_text():
    jsonl = (json.dumps({"id": "s1", "text": GOOD}) + "\n" + "{broken\n").encode()
    proc = graphbuild("-", "-q", stdin=jsonl)
    assert proc.returncode == 1
    assert proc.err.strip() == "graphbuild extract: <stdin>:2: malformed JSON (Expecting property name " \
                               "enclosed in double quotes at column 2)"
    assert {r["article_id"] for r in records(proc.stdout)} == {"s1"}
    plain = graphbuild("-", "-q", stdin=("Headline Here\n\n" + GOOD).encode())
    assert plain.returncode == 0, plain.err
    recs = records(plain.stdout)
    assert recs and {r["article_id"] for r in recs} == {"stdin"}
    assert all(GOOD[r["start"]:r["end"]] == r["sentence"] for r in recs if r["field"] == "text")


def test_unknown_model_and_unwritable_output_are_one_line_exit_2(tmp_path):
    proc = graphbuild(DATA_DIR / "articles", "--model", "no_such_model_xyz")
    assert proc.returncode == 2
    assert proc.err.count("\n") == 1 and "no_such_model_xyz" in proc.err and proc.stdout == b""
    proc = graphbuild(DATA_DIR / "articles", "-q", "--out", tmp_path / "no" / "dir" / "x.jsonl")
    assert proc.returncode == 2 and proc.err.count("\n") == 1 and "cannot write" in proc.err
