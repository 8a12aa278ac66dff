"""CSV and HTML inputs, and file types graphbuild refuses (never read silently as plain text)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import fsspec
import pytest

from graphbuild.ingest import IngestError, RawArticle, iter_articles

ROOT = Path(__file__).resolve().parent.parent
CLI = "import sys, graphbuild.cli as c; sys.exit(c.main(sys.argv[1:]))"
BODY = ("The United States withdrew all remaining diplomats from Venezuela on Tuesday. Secretary of State "
        "Mike Pompeo blamed Nicolas Maduro for the crisis in the country.")
HTML = """<!DOCTYPE html><html><head><title>Envoys leave Caracas | Example News</title>
<meta property="og:title" content="Envoys leave Caracas">
<meta property="article:published_time" content="2019-03-12T10:00:00Z">
<meta property="og:site_name" content="Example News">
<link rel="canonical" href="https://news.example.org/2019/03/envoys"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Envoys leave Caracas</h1>
<p>The United States withdrew all remaining diplomats from Venezuela on Tuesday, the State Department said.</p>
<p>Secretary of State Mike Pompeo blamed Nicolas Maduro for the crisis and said the decision reflects the
deteriorating situation in the country &amp; the region.</p></article>
<div class="comments"><p>Reader comment: this is a comment and not part of the article at all.</p></div>
<footer>Copyright 2019 Example News. All rights reserved.</footer></body></html>"""


def read(*inputs, **kw) -> list:
    return list(iter_articles([str(i) for i in inputs], **kw))


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------ CSV

def test_csv_rows_are_articles_with_optional_columns(tmp_path):
    f = _csv(tmp_path / "feed.csv",
             "id,Title,date,url,publisher,text\n"
             f"a1,First,2019-03-12,https://x.org/1,Wire,\"{BODY}\"\n"
             f",Second,,,,\"{BODY} Again.\"\n")
    a, b = read(f)
    assert (a.id, a.title, a.date, a.url, a.source, a.text) == ("a1", "First", "2019-03-12", "https://x.org/1",
                                                                "Wire", BODY)
    assert (b.id, b.title, b.date, b.url) == ("feed-2", "Second", None, None)  # empty cells: absent
    assert a.origin == f"{f}:2" and b.origin == f"{f}:3"


def test_csv_text_column_option_and_missing_column(tmp_path):
    f = _csv(tmp_path / "t.csv", f"headline,body\nH,\"{BODY}\"\n")
    (err,) = read(f)
    assert isinstance(err, IngestError) and err.origin == str(f)
    assert "no 'text' column (columns: 'headline', 'body')" in err.reason and "--text-column" in err.reason
    (art,) = read(f, text_column="body")
    assert isinstance(art, RawArticle) and (art.title, art.text, art.id) == ("H", BODY, "t-1")


def test_bad_csv_rows_name_file_line_and_reason_others_kept(tmp_path):
    f = _csv(tmp_path / "mixed.csv",
             "id,text,date\n"
             f"ok1,\"{BODY}\",2019-03-12\n"
             "short,only two\n"                                   # line 3: too few fields
             f"baddate,\"{BODY}\",12 March 2019\n"                 # line 4: not ISO
             "empty,,2019-03-12\n"                                 # line 5: no text
             f"multi,\"{BODY}\nSecond paragraph of the story.\",\n"  # lines 6-7: one quoted field
             f"dup,\"{BODY}\",2019-03-12,extra\n"                  # line 8: too many fields
             f"ok2,\"Germany criticized Russia. {BODY}\",\n")
    items = read(f)
    good = [i.id for i in items if isinstance(i, RawArticle)]
    bad = {i.origin: i.reason for i in items if isinstance(i, IngestError)}
    assert good == ["ok1", "multi", "ok2"]
    assert set(bad) == {f"{f}:3", f"{f}:4", f"{f}:5", f"{f}:8"}
    assert bad[f"{f}:3"] == "row has 2 fields, the header has 3"
    assert "invalid date '12 March 2019'" in bad[f"{f}:4"]
    assert bad[f"{f}:5"] == "empty article text"
    assert all("\n" not in r for r in bad.values())
    assert next(i for i in items if getattr(i, "id", None) == "multi").text.endswith("Second paragraph of the story.")


@pytest.mark.parametrize("content, reason", [
    (b"", "empty file"),
    (b"id,text\n", "no rows after the header"),
    (b"\xff\xfeid,text\n", "UTF-16"),
    (b"id,text\n1,\"caf\xe9 \"\n", "invalid UTF-8"),
])
def test_unreadable_csv_files_are_one_error(tmp_path, content, reason):
    f = tmp_path / "x.csv"
    f.write_bytes(content)
    (err,) = read(f)
    assert isinstance(err, IngestError) and reason in err.reason and str(f) in err.origin


def test_csv_by_url_and_glob(tmp_path):
    fs = fsspec.filesystem("memory")
    fs.pipe("/gbcsv/feed.csv", f"id,text\nm1,\"{BODY}\"\n".encode())
    (art,) = read("memory://gbcsv/feed.csv")
    assert art.id == "m1" and art.origin.endswith("/gbcsv/feed.csv:2")
    _csv(tmp_path / "g1.csv", f"text\n\"{BODY}\"\n")
    assert [a.id for a in read(tmp_path / "g*.csv")] == ["g1-1"]


# ------------------------------------------------------------------------ HTML

def test_html_page_main_text_title_and_date(tmp_path):
    f = tmp_path / "envoys.html"
    f.write_text(HTML, encoding="utf-8")
    (art,) = read(f)
    assert isinstance(art, RawArticle), art
    assert (art.id, art.title, art.date) == ("envoys", "Envoys leave Caracas", "2019-03-12")
    assert art.text.startswith("The United States withdrew") and "situation in the country & the region" in art.text
    for noise in ("Home", "Reader comment", "Copyright", "<p>", "Envoys leave Caracas"):
        assert noise not in art.text
    assert art.url == "https://news.example.org/2019/03/envoys" and art.source == "Example News"


def test_html_sidecar_wins_and_empty_page_is_an_error(tmp_path):
    f = tmp_path / "page.htm"
    f.write_text(HTML, encoding="utf-8")
    (tmp_path / "page.json").write_text(json.dumps({"id": "p-1", "published": "2019-03-13"}), encoding="utf-8")
    (art,) = read(f)
    assert (art.id, art.date, art.title) == ("p-1", "2019-03-13", "Envoys leave Caracas")
    blank = tmp_path / "blank.html"
    blank.write_text("<html><head><script>var x = 1;</script></head><body><img src=x.png></body></html>",
                     encoding="utf-8")
    (err,) = read(blank)
    assert isinstance(err, IngestError) and err.reason == "no article text found in the HTML page"


def test_directory_walk_reads_html_but_not_csv(tmp_path):
    (tmp_path / "a.html").write_text(HTML, encoding="utf-8")
    _csv(tmp_path / "table.csv", "a,b\n1,2\n")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    assert [a.id for a in read(tmp_path)] == ["a"]


# ------------------------------------------------------------------------ other types

@pytest.mark.parametrize("name", ["report.pdf", "story.docx", "page.xml", "data.xlsx"])
def test_other_explicit_file_types_are_refused(tmp_path, name):
    f = tmp_path / name
    f.write_text(BODY, encoding="utf-8")  # even when its bytes happen to be text
    (err,) = read(f)
    assert isinstance(err, IngestError) and err.origin == str(f)
    assert err.reason.startswith(f"unsupported file type {f.suffix!r} (graphbuild reads .txt, .md")
    fs = fsspec.filesystem("memory")
    fs.pipe(f"/gbother/{name}", BODY.encode())
    (err,) = read(f"memory://gbother/{name}")
    assert isinstance(err, IngestError) and "unsupported file type by URL" in err.reason


def test_a_file_without_extension_is_still_plain_text(tmp_path):
    f = tmp_path / "ARTICLE"
    f.write_text(BODY, encoding="utf-8")
    (art,) = read(f)
    assert isinstance(art, RawArticle) and art.text == BODY


@pytest.mark.slow
def test_extract_cli_mixes_csv_html_and_bad_inputs(tmp_path):
    """End to end: events from a CSV row and an HTML page; the bad ones are one line each, exit 1."""
    feed = _csv(tmp_path / "feed.csv", f"id,title,date,story\nc1,Envoys,2019-03-12,\"{BODY}\"\nc2,,2019-13-01,x\n")
    page = tmp_path / "page.html"
    page.write_text(HTML, encoding="utf-8")
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 binary")
    proc = subprocess.run([sys.executable, "-c", CLI, "extract", str(feed), str(page), str(pdf),
                           "--text-column", "story", "-q"], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    errors = proc.stderr.strip().splitlines()
    assert len(errors) == 2 and "Traceback" not in proc.stderr
    assert errors[0].startswith(f"graphbuild extract: {feed}:3: invalid date '2019-13-01'")
    assert errors[1] == f"graphbuild extract: {pdf}: unsupported file type '.pdf' (graphbuild reads " \
                        ".txt, .md, .jsonl, .ndjson, .json, .csv, .html, .htm)"
    recs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {r["article_id"] for r in recs} == {"c1", "page"}
    assert {r["relation"] for r in recs} >= {"BLAMED"} and all(r["date_source"] for r in recs)
