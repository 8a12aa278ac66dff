"""Ingest hardening (issue 13): one article per (id, content) in a run, conflicting ids reported,
no ``~2`` renaming, length limits on titles and fields, strict ids and dates, UTF-16 named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphbuild.ingest import MAX_TITLE_CHARS, IngestError, RawArticle, iter_articles

BODY = ("The United States imposed new sanctions on Venezuela on Monday, officials said.\n\n"
        "Russia criticized the decision and called it a violation of international law.\n")


def read(*inputs) -> list:
    return list(iter_articles([str(i) for i in inputs]))


def _jsonl(path, *objs):
    path.write_text("".join(json.dumps(o) + "\n" for o in objs), encoding="utf-8")
    return path


def test_same_input_twice_and_overlapping_inputs_give_each_article_once(tmp_path):
    arts = [{"id": f"a{i}", "text": BODY + f"Item {i}.", "title": f"T{i}"} for i in range(6)]
    first = _jsonl(tmp_path / "first.jsonl", *arts[:4])
    second = _jsonl(tmp_path / "second.jsonl", *arts[2:])
    items = read(first, second, first)
    assert all(isinstance(i, RawArticle) for i in items), items
    assert [i.id for i in items] == [f"a{i}" for i in range(6)]


def test_a_repeated_id_with_other_content_is_one_conflict_line(tmp_path):
    one = _jsonl(tmp_path / "one.jsonl", {"id": "a", "text": BODY})
    two = _jsonl(tmp_path / "two.jsonl", {"id": "a", "text": BODY + "More."}, {"id": "a~2", "text": BODY})
    items = read(one, two)
    assert [i.id for i in items if isinstance(i, RawArticle)] == ["a", "a~2"]  # the real a~2 survives
    errors = [i for i in items if isinstance(i, IngestError)]
    assert len(errors) == 1 and errors[0].origin == f"{two}:1"
    assert str(errors[0]) == (f"{two}:1: article id 'a' was already read from {one}:1 with different "
                              f"content; skipped")


def test_title_and_field_length_limits(tmp_path):
    f = _jsonl(tmp_path / "long.jsonl",
               {"id": "t", "text": BODY, "title": "Sanctions " * 60_000},
               {"id": "u", "text": BODY, "url": "https://example.org/" + "x" * 20_000},
               {"id": "ok", "text": BODY, "title": "x" * MAX_TITLE_CHARS})
    items = read(f)
    assert [type(i).__name__ for i in items] == ["IngestError", "IngestError", "RawArticle"]
    assert "field 'title' too long (600,000 characters; limit 1,000)" in items[0].reason
    assert "field 'url' too long" in items[1].reason


@pytest.mark.parametrize("obj, reason", [
    ({"id": True, "text": BODY}, "missing or empty 'id' field"),
    ({"id": "d", "text": BODY, "date": "2019-02-28garbage"}, "invalid date '2019-02-28garbage'"),
    ({"id": "d", "text": BODY, "date": "2019-02-28 and more"}, "invalid date"),
])
def test_strict_ids_and_dates(tmp_path, obj, reason):
    items = read(_jsonl(tmp_path / "x.jsonl", obj))
    assert len(items) == 1 and isinstance(items[0], IngestError) and reason in items[0].reason, items


def test_iso_datetimes_are_still_dates(tmp_path):
    items = read(_jsonl(tmp_path / "x.jsonl", {"id": "a", "text": BODY, "date": "2019-02-28T10:00:00Z"},
                        {"id": "b", "text": BODY, "date": "2019-02-28T10:00+01:00"}))
    assert [i.date for i in items] == ["2019-02-28", "2019-02-28"]


def test_utf16_is_named_not_called_binary(tmp_path):
    txt = tmp_path / "a.txt"
    txt.write_bytes("\ufeff".encode("utf-16-le") + BODY.encode("utf-16-le"))
    jl = tmp_path / "b.jsonl"
    jl.write_bytes(json.dumps({"id": "b", "text": BODY}).encode("utf-16"))
    items = read(txt, jl)
    assert [str(i) for i in items] == [f"{txt}: UTF-16 text; convert to UTF-8",
                                       f"{jl}: UTF-16 text; convert to UTF-8"]


UNREADABLE = """
import os, sys
from graphbuild.ingest import iter_articles
import encodings.utf_8_sig, codecs; codecs.lookup("utf-8-sig")  # load the codec while the standard library is still readable
if os.geteuid() == 0:
    os.setgid(65534); os.setuid(65534)  # root reads everything: look as an ordinary user
for item in iter_articles([{path!r}]):
    print(type(item).__name__, item)
"""


def test_unreadable_subdirectory_is_one_error_line(tmp_path):
    import shutil
    import subprocess
    import sys
    import tempfile
    base = Path(tempfile.mkdtemp(prefix="gb-unreadable-"))  # outside root's private pytest dir
    try:
        _unreadable_subdirectory(base, subprocess, sys)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    blocked = list(iter_articles([str(tmp_path / "missing" / "x.txt")]))
    assert len(blocked) == 1 and isinstance(blocked[0], IngestError)


def _unreadable_subdirectory(tmp_path, subprocess, sys):
    root = tmp_path / "in"
    (root / "locked").mkdir(parents=True)
    (root / "a.txt").write_text(BODY, encoding="utf-8")
    (root / "locked" / "b.txt").write_text(BODY, encoding="utf-8")
    for d in (tmp_path, root):
        d.chmod(0o755)
    (root / "a.txt").chmod(0o644)
    (root / "locked").chmod(0o000)
    try:
        done = subprocess.run([sys.executable, "-c", UNREADABLE.format(path=str(root))],
                              capture_output=True, text=True)
    finally:
        (root / "locked").chmod(0o755)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"IngestError {root / 'locked'}: cannot read directory (Permission denied)", lines
    assert lines[1].startswith("RawArticle") and len(lines) == 2


def test_the_runs_own_output_is_never_read(tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    _jsonl(feed / "in.jsonl", {"id": "a", "text": BODY})
    own = _jsonl(feed / "events.jsonl", {"id": "ev", "text": BODY})
    assert [i.id for i in iter_articles([str(feed)], exclude=[own])] == ["a"]
    items = list(iter_articles([str(own)], exclude=[own]))
    assert [str(i) for i in items] == [f"{own}: is this run's own output file; skipped"]
