"""Ingest: every input format read from real files, and every kind of bad input reported."""

from __future__ import annotations

import json

import pytest

from graphbuild.ingest import MAX_CHARS, IngestError, RawArticle, check_text, iter_articles

BODY = ("The United States imposed new sanctions on Venezuela on Monday, officials said.\n\n"
        "Russia criticized the decision and called it a violation of international law.\n")
GERMAN = ("Die Bundesregierung hat am Montag die Sanktionen gegen Russland um weitere sechs Monate "
          "verlängert, wie ein Sprecher in Berlin mitteilte. Die Entscheidung sei nach langen "
          "Beratungen mit den Partnern in der Europäischen Union einstimmig gefallen.")
CHINESE = ("中华人民共和国外交部发言人周一在例行记者会上表示，中方坚决反对美国对委内瑞拉实施单边制裁，"
           "呼吁有关各方通过对话协商和平解决分歧，维护地区和平稳定。")


def read(*inputs) -> list:
    return list(iter_articles([str(i) for i in inputs]))


def only_article(*inputs) -> RawArticle:
    items = read(*inputs)
    assert len(items) == 1 and isinstance(items[0], RawArticle), items
    return items[0]


def only_error(*inputs) -> IngestError:
    items = read(*inputs)
    assert len(items) == 1 and isinstance(items[0], IngestError), items
    return items[0]


# ----------------------------------------------------------------- text and markdown
def test_txt_first_line_is_title_when_followed_by_blank_line(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("Sanctions Tighten\n\n" + BODY, encoding="utf-8")
    art = only_article(f)
    assert (art.id, art.title, art.text, art.date) == ("story", "Sanctions Tighten", BODY, None)
    assert art.origin == str(f)


def test_txt_without_blank_line_has_no_title(tmp_path):
    f = tmp_path / "story.txt"
    f.write_text("Sanctions Tighten\n" + BODY, encoding="utf-8")
    art = only_article(f)
    assert art.title is None and art.text == "Sanctions Tighten\n" + BODY


def test_markdown_front_matter_and_heading(tmp_path):
    f = tmp_path / "a.md"
    f.write_text("---\nid: md-1\ndate: 2019-03-12\nurl: https://example.org/x\nsource: wire\n---\n"
                 "# Sanctions Tighten\n\n" + BODY, encoding="utf-8")
    art = only_article(f)
    assert (art.id, art.title, art.date, art.url, art.source) == (
        "md-1", "Sanctions Tighten", "2019-03-12", "https://example.org/x", "wire")
    assert art.text == BODY


def test_front_matter_with_crlf_and_alias(tmp_path):
    f = tmp_path / "win.txt"
    f.write_bytes(("---\r\npublished: 2020-01-02\r\n---\r\nHeadline\r\n\r\n" + BODY).encode())
    art = only_article(f)
    assert (art.title, art.date, art.text) == ("Headline", "2020-01-02", BODY)


def test_sidecar_json_supplies_metadata_and_is_not_an_article(tmp_path):
    (tmp_path / "s.txt").write_text("Headline\n\n" + BODY, encoding="utf-8")
    (tmp_path / "s.json").write_text(json.dumps({"id": "side-1", "date": "2019-02-01", "title": "Sidecar title",
                                                 "url": "u", "source": "src"}), encoding="utf-8")
    art = only_article(tmp_path)  # the directory: s.json is metadata, not an input
    assert (art.id, art.title, art.date, art.url, art.source) == ("side-1", "Sidecar title", "2019-02-01", "u", "src")
    assert art.text == BODY


def test_seed_article_metadata():
    from graphbuild.paths import DATA_DIR
    art = only_article(DATA_DIR / "articles")
    assert art.id == "us-embassy-venezuela" and art.date == "2019-03-12"
    assert art.title.startswith("All U.S. Embassy Personnel") and not art.text.startswith("All U.S.")


# ----------------------------------------------------------------- jsonl, json, directories
def test_jsonl_fields(tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"id": "j1", "text": BODY, "title": "T", "date": "2019-01-04", "url": "u",
                             "source": "s", "extra": 1}) + "\n\n" + json.dumps({"id": 7, "text": BODY}) + "\n",
                 encoding="utf-8")
    a, b = read(f)
    assert (a.id, a.title, a.date, a.url, a.source, a.text) == ("j1", "T", "2019-01-04", "u", "s", BODY)
    assert (b.id, b.title, b.date) == ("7", None, None)
    assert (a.origin, b.origin) == (f"{f}:1", f"{f}:3")


def test_directory_recursive_sorted_skips_hidden_and_other_files(tmp_path):
    (tmp_path / "b" / "c").mkdir(parents=True)
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "b" / "c" / "d.md").write_text(BODY)
    (tmp_path / "b" / "e.jsonl").write_text(json.dumps({"id": "e1", "text": BODY}) + "\n")
    (tmp_path / ".hidden" / "x.txt").write_text(BODY)
    (tmp_path / "notes.csv").write_text("a,b\n")
    assert [a.id for a in read(tmp_path)] == ["a", "d", "e1"]


def test_explicit_json_file_and_duplicate_ids(tmp_path):
    f = tmp_path / "one.json"
    f.write_text(json.dumps({"text": BODY}))
    g = tmp_path / "one.txt"
    g.write_text(BODY)
    # same id "one"; the .txt reads its first line as a title, so its content differs: a conflict
    items = read(f, g, g)
    assert isinstance(items[0], RawArticle) and items[0].id == "one"
    assert [(i.origin, i.reason.split(" was ")[0]) for i in items[1:]] == [(str(g), "article id 'one'")] * 2


def test_empty_directory(tmp_path):
    err = only_error(tmp_path)
    assert err.origin == str(tmp_path) and "no .txt" in err.reason


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n \n", "empty file"),
    ("binary.txt", bytes(range(256)) * 8, "binary file"),
    ("latin1.txt", "Caf\u00e9 owners in the city said that the".encode("latin-1"), "invalid UTF-8 at byte 3"),
    ("german.txt", GERMAN.encode(), "does not look like English"),
    ("chinese.md", CHINESE.encode(), "does not look like English"),
    ("huge.txt", (BODY * (2_000_000 // len(BODY) + 1)).encode(), "article too long"),
    ("binary.jsonl", b"\x00\x01\x02" * 5000, "binary file"),
    ("empty.jsonl", b"\n\n", "empty file"),
])
def test_bad_files_are_one_error_naming_the_file(tmp_path, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    err = only_error(f)
    assert err.origin == str(f) and reason in err.reason
    assert "\n" not in str(err)


def test_bad_jsonl_lines_name_the_line_and_keep_the_good_ones(tmp_path):
    f = tmp_path / "mixed.jsonl"
    lines = [
        json.dumps({"id": "ok1", "text": BODY}).encode(),
        b'{"id": "broken", "text": ',
        json.dumps({"id": "nodate", "text": BODY, "date": "12/03/2019"}).encode(),
        json.dumps({"id": "baddate", "text": BODY, "date": "2019-02-30"}).encode(),
        json.dumps({"text": BODY}).encode(),
        json.dumps({"id": "notext"}).encode(),
        json.dumps({"id": "de", "text": GERMAN}).encode(),
        json.dumps({"id": "big", "text": "word " * (MAX_CHARS // 5 + 10)}).encode(),
        b'{"id": "utf", "text": "caf\xe9"}',
        b"[1, 2]",
        json.dumps({"id": "badtitle", "text": BODY, "title": ["x"]}).encode(),
        json.dumps({"id": "ok2", "text": BODY}).encode(),
    ]
    f.write_bytes(b"\n".join(lines) + b"\n")
    items = read(f)
    assert [i.id for i in items if isinstance(i, RawArticle)] == ["ok1", "ok2"]
    errors = {int(e.origin.rsplit(":", 1)[1]): e.reason for e in items if isinstance(e, IngestError)}
    assert all(e.origin.startswith(str(f) + ":") for e in items if isinstance(e, IngestError))
    assert set(errors) == set(range(2, 12))
    assert "malformed JSON" in errors[2]
    assert "invalid date '12/03/2019'" in errors[3]
    assert "invalid date '2019-02-30'" in errors[4] and "day is out of range" in errors[4]
    assert "'id'" in errors[5] and "'text'" in errors[6]
    assert "English" in errors[7] and "too long" in errors[8] and "UTF-8" in errors[9]
    assert "JSON object" in errors[10] and "'title'" in errors[11]


def test_unreadable_sidecar(tmp_path):
    (tmp_path / "s.txt").write_text(BODY)
    (tmp_path / "s.json").write_text("{not json")
    err = only_error(tmp_path / "s.txt")
    assert err.origin == str(tmp_path / "s.json") and "sidecar" in err.reason


def test_missing_path_does_not_stop_the_others(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    items = read(tmp_path / "missing.txt", tmp_path / "a.txt")
    assert isinstance(items[0], IngestError) and items[0].reason == "no such file or directory"
    assert items[1].id == "a"


def test_english_with_foreign_names_and_quotes_is_accepted():
    text = ("Venezuelan President Nicolás Maduro said on Tuesday that \"¡Venezuela se respeta!\" "
            "while the foreign minister of the Federal Republic met officials in Brasília and São Paulo.")
    assert check_text(text) is None


def test_whole_corpus_is_accepted_lazily():
    """The shared corpus is English: nothing in it may be refused (and it is read lazily)."""
    from graphbuild.paths import SHARED_DIR
    corpus = SHARED_DIR / "corpus" / "articles.jsonl"
    if not corpus.exists():
        pytest.skip("shared corpus absent")
    items = iter_articles([str(corpus)])
    first = next(items)
    assert isinstance(first, RawArticle) and first.date
    bad = [i for i in items if isinstance(i, IngestError)]
    assert bad == []
