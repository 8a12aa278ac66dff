"""``graphbuild build`` into an existing store skips articles stored unchanged by the same
extractor (issue 12): a rebuild extracts nothing and leaves the store as it was, a changed
article alone is extracted again (its old events replaced), and a new extractor fingerprint
(code, data file, --actors/--verbs file, model) re-extracts everything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from graphbuild.sinks import store as st
from graphbuild.versions import extractor_fingerprint
from test_store import ROOT

CLI = "import sys; from graphbuild import cli; sys.exit(cli.main(sys.argv[1:]))"
BODY = (ROOT / "data" / "articles" / "us-embassy-venezuela.txt").read_text(encoding="utf-8")
PARAGRAPH = ("Russia criticized the European Union on {day}. The United States imposed sanctions on "
             "the Venezuelan government.")


def write_inputs(path: Path, changed: str | None = None) -> None:
    """Three articles; ``changed`` names the one whose text gets an extra sentence."""
    with open(path, "w", encoding="utf-8") as fh:
        for i, day in enumerate(("Monday", "Tuesday", "Friday")):
            text = (BODY if i == 0 else "") + "\n" + PARAGRAPH.format(day=day)
            if changed == f"a{i}":
                text += " The EU recognized Juan Guaidó as interim president."
            fh.write(json.dumps({"id": f"a{i}", "title": f"Story {i}", "text": text,
                                 "date": "2019-03-12"}) + "\n")


def build(inputs: Path, out: Path, *extra: str, env: dict | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-c", CLI, "build", str(inputs), "--out", str(out), *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=600,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})
    assert done.returncode == 0, done.stderr
    assert "build:" not in done.stderr  # stderr is not a terminal: no progress bar
    return done


def summary(done: subprocess.CompletedProcess) -> dict[str, int]:
    """The 'this run' column of the build summary: articles, unchanged, events."""
    out = {}
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) >= 4 and cells[1] in ("articles", "unchanged, skipped", "events"):
            out[cells[1]] = int(cells[2].replace(",", "") or 0)
    return out


def snapshot(out: Path) -> tuple[dict, dict[str, set]]:
    """Store counts, and the event ids stored per article."""
    _, rows = st.run_query(out / "graph.lbdb", "MATCH (e:Event)-[:REPORTED_IN]->(a:Article) RETURN a.id, e.id")
    by_article: dict[str, set] = {}
    for aid, eid in rows:
        by_article.setdefault(aid, set()).add(eid)
    return st.counts(out / "graph.lbdb"), by_article


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "events.jsonl").read_text(encoding="utf-8").splitlines()]


def test_rebuild_skips_unchanged_and_re_extracts_changed_articles_only(tmp_path):
    inputs, out = tmp_path / "articles.jsonl", tmp_path / "out"
    write_inputs(inputs)
    first = summary(build(inputs, out))
    assert first == {"articles": 3, "events": first["events"]} and first["events"] > 3
    counts, events = snapshot(out)
    jsonl = records(out)
    assert len(jsonl) == counts["Event"] == first["events"]

    again = summary(build(inputs, out))
    assert again == {"articles": 0, "unchanged, skipped": 3, "events": 0}
    assert snapshot(out) == (counts, events)  # the store is as it was
    assert records(out) == jsonl  # events.jsonl still holds every article's events

    write_inputs(inputs, changed="a1")
    changed = summary(build(inputs, out))
    assert changed["articles"] == 1 and changed["unchanged, skipped"] == 2
    counts2, events2 = snapshot(out)
    assert {k: v for k, v in events2.items() if k != "a1"} == {k: v for k, v in events.items() if k != "a1"}
    now = records(out)
    a1 = {r["id"] for r in now if r["article_id"] == "a1"}
    assert events2["a1"] == a1 != events["a1"]  # replaced, not added to
    assert "RECOGNIZED" in {r["relation"] for r in now if r["article_id"] == "a1"}
    assert counts2["Event"] == len(now) == counts["Event"] - len(events["a1"]) + len(a1)
    assert st.check(out / "graph.lbdb")[1] == []

    forced = summary(build(inputs, out, "--reextract", "--quiet"))
    assert forced == {}  # --quiet: no summary
    assert snapshot(out) == (counts2, events2)


def test_a_new_fingerprint_re_extracts_every_article(tmp_path):
    inputs, out = tmp_path / "articles.jsonl", tmp_path / "out"
    write_inputs(inputs)
    build(inputs, out)
    counts, events = snapshot(out)
    # a data file the extractor reads changes (a comment line is enough): all three again
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    with open(data / "lexicon" / "cues.tsv", "a", encoding="utf-8") as fh:
        fh.write("# a new line\n")
    redone = summary(build(inputs, out, env={"GRAPHBUILD_DATA": str(data)}))
    assert redone["articles"] == 3 and "unchanged, skipped" not in redone
    assert snapshot(out) == (counts, events)  # same extraction, so the same graph


def test_fingerprint_covers_model_files_and_is_stable(tmp_path):
    base = extractor_fingerprint()
    assert base == extractor_fingerprint() and len(base) == 16
    assert extractor_fingerprint(model="en_core_web_sm") != base  # another model
    extra = tmp_path / "actors.txt"
    extra.write_text("UNITED_STATES [USA]\n", encoding="utf-8")
    with_actors = extractor_fingerprint(actors_file=str(extra))
    extra.write_text("UNITED_STATES [USAGOV]\n", encoding="utf-8")
    assert with_actors != base and extractor_fingerprint(actors_file=str(extra)) != with_actors
    verbs = tmp_path / "verbs.tsv"
    verbs.write_text("lemma\tpos\ttarget\trelation\tcameo\tconfidence\n", encoding="utf-8")
    assert extractor_fingerprint(verbs_file=str(verbs)) not in (base, with_actors)
