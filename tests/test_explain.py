"""`graphbuild explain`: the trace must say what extraction does, on sentences of our own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.extract.explain import explain, render
from graphbuild.ingest import RawArticle

ROOT = Path(__file__).resolve().parent.parent
DATE = "2021-03-09"

#: Varied sentences of our own: plain, passive, nominal, reported, negated, pronouns, titles.
TEXTS = [
    "Japan imposed sanctions on North Korea on Monday.",
    "Chile praised Peru. Argentina did not criticize Bolivia, officials said.",
    "Sanctions were imposed on Iran by the European Union. The weather was mild.",
    "The Kenyan president met his Ugandan counterpart in Nairobi. He later thanked Tanzania for its help.",
    "Russia's invasion of Ukraine was condemned by Poland, and Lithuania expelled Russian diplomats.",
    "The United Nations urged Myanmar to release political prisoners, and China said it would send aid to Laos.",
    "Israeli forces attacked Hamas positions in Gaza after rockets were fired at Tel Aviv.",
]


def flat_events(trace: list[dict]) -> list[dict]:
    return [e for s in trace for e in s["events"]]


def frames_of(trace, token):
    return [f for s in trace for t in s["triggers"] if t["token"] == token for f in t["frames"]]


def test_an_event_found_with_its_trace(extractor):
    trace = explain(extractor, "Japan imposed sanctions on North Korea on Monday.", date=DATE)
    (sent,) = trace
    assert {(a["text"], a["country"], a["how"]) for a in sent["actors"]} >= {
        ("Japan", "JPN", "gazetteer (name)"), ("North Korea", "PRK", "gazetteer (name)")}
    (frame, *_) = frames_of(trace, "imposed")
    assert frame["fits"] and frame["used"] and frame["frame"]["relation"] == "SANCTIONED"
    assert [(a["token"], a["actor"]["country"], a["rejected"]) for a in frame["source_tokens"]] == [("Japan", "JPN", None)]
    hit = [a for sl in frame["slots"] for a in sl["tokens"] if a["rejected"] is None]
    assert [a["actor"]["country"] for a in hit] == ["PRK"]
    (event,) = sent["events"]
    assert (event["source"]["country"], event["relation"], event["target"]["country"]) == ("JPN", "SANCTIONED", "PRK")
    assert event["date"] == "2021-03-08" and event["modality"] == "asserted" and event["negated"] is False
    text = render(trace)
    assert "trigger 'imposed'" in text and "=> " in text and "SANCTIONED 'North Korea'" in text


def test_a_trigger_whose_object_condition_fails(extractor):
    trace = explain(extractor, "Japan imposed a fee on North Korea.", date=DATE)
    frames = frames_of(trace, "imposed")
    assert frames and not any(f["fits"] for f in frames)
    failed = [c for f in frames for c in f["failed"]]
    assert any(c.startswith("obj: object 'fee' (lemma fee)") for c in failed), failed
    assert flat_events(trace) == []
    assert "does not fit: obj: object 'fee' (lemma fee), not one listed" in render(trace)


def test_a_text_and_a_sentence_with_no_actor(extractor):
    (sent,) = explain(extractor, "The weather was mild and people walked slowly.")
    assert sent["actors"] == [] and sent["events"] == [] and "no actor anywhere" in sent["skipped"]
    first, second = explain(extractor, "Chile praised Peru. It rained all day.")
    assert second["actors"] == [] and second["events"] == [] and second["triggers"] == []
    assert "rain" in second["verbs_without_frames"] and first["events"]
    assert "actors: none in this sentence" in render([second])


def test_why_a_source_or_target_is_rejected(extractor):
    (sent,) = explain(extractor, "Sanctions were imposed on Iran.")
    (frame, *_) = frames_of([sent], "imposed")
    assert frame["fits"] and frame["why_not"] == "no subject" and frame["source_tokens"] == []
    (sent,) = explain(extractor, "Russia criticized Russia.")
    (frame,) = frames_of([sent], "criticized")
    targets = [a for sl in frame["slots"] for a in sl["tokens"]]
    assert targets and targets[0]["rejected"] == "same actor as the source"
    assert frame["why_not"] == "no target actor in any slot" and sent["events"] == []
    (sent,) = explain(extractor, "Russia praised him.")
    (frame,) = frames_of([sent], "praised")
    assert [(a["token"], a["rejected"]) for a in frame["slots"][0]["tokens"]] == [("him", "not an actor")]
    # an object that is no actor is kept as a non-actor target, and explain says so
    (sent,) = explain(extractor, "Russia condemned the decision.")
    (frame,) = frames_of([sent], "condemned")
    (arg,) = frame["slots"][0]["tokens"]
    assert arg["rejected"] is None and arg["actor"]["kind"] == "OTHER" and "+other" in arg["how"]


@pytest.mark.parametrize("text", TEXTS)
def test_explain_reports_exactly_the_extracted_events(extractor, text):
    trace = explain(extractor, text, title="Talks Resume", date=DATE)
    records = extractor.extract(RawArticle(id="explain", text=text, title="Talks Resume", date=DATE))
    assert flat_events(trace) == records
    for s in trace:
        for t in s["triggers"]:
            for f in t["frames"]:
                if f.get("used"):  # the trace's accepted actors are the event's actors
                    src = {a["actor"]["id"] for a in f["source_tokens"] if a["rejected"] is None}
                    tgt = {a["actor"]["id"] for sl in f["slots"] for a in sl["tokens"] if a["rejected"] is None}
                    got = {(e["source"]["id"], e["target"]["id"]) for e in f["events"]}
                    assert got == ({(a, b) for a in src for b in tgt} or got), (t["token"], src, tgt, got)
                    assert {a for a, _ in got} <= src


def test_the_traced_sentences_produce_events(extractor):
    """Guard against a vacuous equality above: these texts do give events."""
    n = sum(len(flat_events(explain(extractor, t, date=DATE))) for t in TEXTS)
    assert n >= 5


def test_explain_command_text_json_and_errors(tmp_path, capsys):
    def cli(*args, stdin=None):
        return subprocess.run([sys.executable, "-m", "graphbuild.cli", "explain", *args], input=stdin,
                              capture_output=True, text=True, cwd=ROOT, timeout=300)
    out = cli("Japan imposed a fee on North Korea. Chile praised Peru.", "--date", DATE)
    assert out.returncode == 0, out.stderr
    assert "does not fit: obj: object 'fee'" in out.stdout and "'Chile' (Q" in out.stdout
    f = tmp_path / "a.txt"
    f.write_text("Chile praised Peru.", encoding="utf-8")
    from graphbuild.cli import main
    assert main(["explain", "--file", str(f), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[0]["events"][0]["relation"] == "SUPPORTED"
    for args in ([], ["--file", str(tmp_path / "missing.txt")], ["Chile praised Peru.", "--date", "soon"]):
        bad = cli(*args)
        assert bad.returncode == 2 and "Traceback" not in bad.stderr and len(bad.stderr.strip().splitlines()) == 1, bad.stderr
