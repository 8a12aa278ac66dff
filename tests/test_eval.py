"""`graphbuild eval` on small gold files of our own in each of the three formats."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.errors import UserError
from graphbuild.evaluate import (actor_key, build_inputs, detect_format, dyad, evaluate, load_gold,
                                 rel_of_code)

ROOT = Path(__file__).resolve().parent.parent


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def eval_cli(*args) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "graphbuild.cli", "eval", *map(str, args)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def plover(gid, text, events):
    return {"id": gid, "text": text, "date": "2020-01-01", "events": events}


PLOVER_ROWS = [
    plover("a", "Japan imposed sanctions on North Korea.",
           [{"source": "JPN", "target": "PRK", "code": "163", "source_text": "Japan", "target_text": "North Korea"}]),
    plover("b", "Chile praised Peru.",
           [{"source": "CHLGOV", "target": "PER", "code": "051", "source_text": "Chile", "target_text": "Peru"}]),
    # IGO codes name no country: not scorable, so the predicted UN event is a false positive
    plover("c", "The United Nations criticized Mali.",
           [{"source": "IGO", "target": "MLI", "code": "111", "source_text": "United Nations", "target_text": "Mali"}]),
    # gold says SUPPORTED, extraction says CRITICIZED: a typed miss and false positive, an untyped hit
    plover("d", "Kenya criticized Uganda.",
           [{"source": "KEN", "target": "UGA", "code": "051", "source_text": "Kenya", "target_text": "Uganda"}]),
]


def test_reference_actor_keys_and_codes():
    assert actor_key("USAGOV") == "USA" and actor_key("JAPGOV") == "JPN" and actor_key("IGOUNO") is None
    assert actor_key({"country": "rus", "role": "GOV"}) == "RUS"
    assert actor_key({"country": None, "role": "IGO", "name": "United Nations"}) == "IGO:united nations"
    assert actor_key({"country": None, "kind": "PERSON", "name": "Someone"}) is None
    assert dyad("SYRGOV", "SYRREB") == ("SYR:GOV", "SYR:REB") and dyad("SYRGOV", "SYR") == ("SYR", "SYR")
    assert rel_of_code("1121") == "BLAMED" and rel_of_code("111") == "CRITICIZED" and rel_of_code("010") is None


def _pred(aid, start, rel, src, tgt, **kw):
    return {"article_id": aid, "field": kw.pop("field", "text"), "start": start, "relation": rel,
            "source": src, "target": tgt, "negated": False, "modality": "asserted", "trigger": "t", **kw}


def test_scoring_of_given_predictions():
    """The reference scorer's rules on predictions we write by hand: sets per sentence, roles
    within one country, negated/hypothetical predictions ignored, events placed by start offset."""
    from graphbuild.evaluate import Inputs, score
    usa, rus = {"country": "USA", "text": "the US"}, {"country": "RUS", "text": "Russia"}
    gov, reb = {"country": "SYR", "role": "GOV", "text": "Damascus"}, {"country": "SYR", "role": "REB", "text": "rebels"}
    un = {"country": None, "role": "IGO", "kind": "IGO", "name": "United Nations", "text": "the UN"}
    gold = [{"id": "g1", "text": "one", "_line": 1, "events": [
                {"source": usa, "relation": "CRITICIZED", "target": rus},
                {"source": usa, "relation": "CRITICIZED", "target": rus},  # duplicate: one event
                {"source": gov, "relation": "ATTACKED", "target": reb}]},
            {"id": "g2", "text": "two", "_line": 2, "events": [
                {"source": un, "relation": "APPEALED_TO", "target": gov},
                {"source": rus, "relation": "THREATENED", "target": usa, "negated": True}]}]
    inputs = Inputs(articles=[], spans={"g1": ("A", "text", 0, 10), "g2": ("A", "text", 11, 20)})
    preds = {"A": [
        _pred("A", 0, "CRITICIZED", usa, rus), _pred("A", 0, "CRITICIZED", usa, rus),  # one hit
        _pred("A", 2, "ATTACKED", gov, {"country": "SYR", "role": "CVL", "text": "civilians"}),  # FP: wrong role
        _pred("A", 5, "SANCTIONED", usa, rus, negated=True),  # ignored
        _pred("A", 5, "SANCTIONED", usa, rus, modality="hypothetical"),  # ignored
        _pred("A", 10, "APPEALED_TO", {**un, "name": "united  nations"}, gov),  # start 10 = span 2 start - 1: g2
        _pred("A", 25, "ATTACKED", usa, rus),  # in no gold sentence: not scored
        _pred("A", 0, "ATTACKED", usa, rus, field="title"),  # no title sentence in the gold: not scored
    ]}
    r = score(gold, "article", inputs, preds)
    assert (r.typed.tp, r.typed.fp, r.typed.fn) == (2, 1, 1)
    assert (r.untyped.tp, r.untyped.fp, r.untyped.fn) == (2, 1, 1)
    assert r.gold_events == 3 and r.pred_events == 3 and r.unscored_gold == 1
    assert r.by_relation["ATTACKED"].as_dict()["tp"] == 0 and r.by_relation["APPEALED_TO"].tp == 1


def test_span_scoring_of_given_predictions():
    from graphbuild.evaluate import Inputs, score
    gold = [{"id": "a", "text": "x", "pentaclass": 4, "_line": 1,
             "events": [{"source_text": "the Syrian army", "target_text": "rebel towns"}]},
            {"id": "b", "text": "y", "pentaclass": 0, "_line": 2,
             "events": [{"source_text": "the president", "target_text": "the UN"}]},
            {"id": "c", "text": "z", "pentaclass": 1, "_line": 3, "events": [{"source_text": "", "target_text": "X"}]}]
    inputs = Inputs(articles=[], spans={k: (k, "text", 0, 1) for k in "abc"})
    preds = {"a": [_pred("a", 0, "ATTACKED", {"text": "Syrian army"}, {"text": "the towns held by rebels"})],
             "b": [_pred("b", 0, "APPEALED_TO", {"text": "the president"}, {"text": "the UN"}, negated=True),
                   _pred("b", 0, "CRITICIZED", {"text": "the president"}, {"text": "of the"})]}
    s = score(gold, "spans", inputs, preds).spans
    # "the"/"of" are stop words: no overlap in b; the negated event does not count
    assert s == {"gold": 2, "fired": 1.0, "dyad_recall": 0.5, "typed_recall": 0.5, "events_per_sentence": 0.667}


def test_plover_format_scores(tmp_path, extractor):
    gold = write_jsonl(tmp_path / "gold.jsonl", PLOVER_ROWS)
    report = evaluate(gold, extractor)
    assert report.format == "plover" and report.sentences == 4
    assert (report.typed.tp, report.typed.fp, report.typed.fn) == (2, 2, 1)
    assert (report.untyped.tp, report.untyped.fp, report.untyped.fn) == (3, 1, 0)
    assert report.unscored_gold == 1
    assert report.by_relation["SANCTIONED"].f1 == 1.0 and report.by_relation["SUPPORTED"].fn == 1
    kinds = {(e["sentence_id"], e["kind"], e["relation"]) for e in report.errors}
    assert kinds == {("c", "false_positive", "CRITICIZED"), ("d", "false_positive", "CRITICIZED"),
                     ("d", "miss", "SUPPORTED")}
    fp = next(e for e in report.errors if e["sentence_id"] == "d" and e["kind"] == "false_positive")
    assert fp["trigger"] == "criticized" and fp["gold_relation"] == "SUPPORTED"
    assert fp["source"] == {"key": "KEN", "text": "Kenya"} and fp["sentence"] == "Kenya criticized Uganda."


def test_plover_context_sentence_is_read_but_not_scored(tmp_path, extractor):
    """Events of the context sentence are not the gold sentence's."""
    gold = write_jsonl(tmp_path / "gold.jsonl", [{
        "id": "x", "context": "Brazil condemned Argentina.", "text": "Chile praised Peru.",
        "events": [{"source": "CHL", "target": "PER", "code": "051"}]}])
    inputs = build_inputs(load_gold(gold), "plover")
    assert inputs.articles == [{"id": "x", "text": "Brazil condemned Argentina. Chile praised Peru."}]
    report = evaluate(gold, extractor)
    assert (report.typed.tp, report.typed.fp, report.typed.fn) == (1, 0, 0)


ARTICLE = {"id": "art-1", "title": "Chile Praises Peru", "date": "2021-05-04",
           "text": "Chile praised Peru on Monday.\nArgentina condemned Bolivia. The weather was fine."}


def _article_gold():
    text = ARTICLE["text"]
    s2 = text.index("Argentina")
    s3 = text.index("The weather")
    actor = lambda c, t: {"text": t, "country": c, "role": None, "name": t}  # noqa: E731
    return [
        {"id": "art-1#0", "article_id": "art-1", "field": "title", "span": [0, 18], "text": ARTICLE["title"],
         "events": [{"source": actor("CHL", "Chile"), "relation": "SUPPORTED", "target": actor("PER", "Peru")}]},
        {"id": "art-1#1", "article_id": "art-1", "field": "text", "span": [0, s2 - 1], "text": text[:s2 - 1],
         "events": [{"source": actor("CHL", "Chile"), "relation": "SUPPORTED", "target": actor("PER", "Peru")}]},
        {"id": "art-1#2", "article_id": "art-1", "field": "text", "span": [s2, s3 - 1], "text": text[s2:s3 - 1],
         "events": [{"source": actor("ARG", "Argentina"), "relation": "CRITICIZED", "target": actor("BOL", "Bolivia")},
                    {"source": actor("ARG", "Argentina"), "relation": "THREATENED", "target": actor("BOL", "Bolivia"),
                     "negated": True}]},
        {"id": "art-1#3", "article_id": "art-1", "field": "text", "span": [s3, len(text)], "text": text[s3:],
         "events": [{"source": actor("URY", "Uruguay"), "relation": "SUPPORTED", "target": actor("PRY", "Paraguay")}]},
    ]


def test_article_format_extracts_whole_articles_and_assigns_by_offset(tmp_path, extractor):
    arts = write_jsonl(tmp_path / "articles.jsonl", [{"id": "other", "text": "Nothing here."}, ARTICLE])
    gold = write_jsonl(tmp_path / "gold.jsonl", _article_gold())
    items = load_gold(gold)
    assert detect_format(items) == "article"
    inputs = build_inputs(items, "article", arts)
    assert [a["id"] for a in inputs.articles] == ["art-1"] and inputs.articles[0]["title"] == ARTICLE["title"]
    report = evaluate(gold, extractor, articles=arts)
    # title and first two sentences found; the last gold event (nowhere in the text) missed
    assert (report.typed.tp, report.typed.fp, report.typed.fn) == (3, 0, 1), report.errors
    assert report.unscored_gold == 1  # the negated gold event
    miss = [e for e in report.errors if e["kind"] == "miss"]
    assert [(m["sentence_id"], m["source"]["key"]) for m in miss] == [("art-1#3", "URY")]


def test_article_format_needs_the_articles(tmp_path, extractor):
    (tmp_path / "g").mkdir()  # no ../corpus/articles.jsonl beside it
    gold = write_jsonl(tmp_path / "g" / "gold.jsonl", _article_gold())
    with pytest.raises(UserError, match="--articles"):
        evaluate(gold, extractor)
    arts = write_jsonl(tmp_path / "articles.jsonl", [{"id": "other", "text": "Nothing here."}])
    with pytest.raises(UserError, match="no article 'art-1'"):
        evaluate(gold, extractor, articles=arts)


SPAN_ROWS = [
    {"id": "s1", "text": "Japanese troops attacked rebel positions in Mindanao.", "pentaclass": 4,
     "events": [{"source_text": "Japanese troops", "target_text": "rebel positions"}]},
    {"id": "s2", "text": "Chile praised Peru.", "pentaclass": 3,  # found, but the wrong class
     "events": [{"source_text": "Chile", "target_text": "Peru"}]},
    {"id": "s3", "text": "Japan imposed sanctions on North Korea.", "pentaclass": 4,
     "events": [{"source_text": "Japan", "target_text": "the North Korean regime"}]},
    {"id": "s4", "text": "It rained all day in the capital.", "pentaclass": 4,
     "events": [{"source_text": "the rain", "target_text": "the capital"}]},
]


def test_spans_format_dyad_recall_by_word_overlap(tmp_path, extractor):
    gold = write_jsonl(tmp_path / "spans.jsonl", SPAN_ROWS)
    assert detect_format(load_gold(gold)) == "spans"
    report = evaluate(gold, extractor)
    s = report.spans
    assert s["gold"] == 4
    # s2 and s3 fire and match by overlap ("Chile"/"Peru"; "Japan"/"North Korea"), s3 also by class
    assert s["fired"] >= 0.5 and s["dyad_recall"] >= 0.5 and s["typed_recall"] >= 0.25
    ids = {e["sentence_id"]: e["kind"] for e in report.errors}
    assert ids["s2"] == "wrong_class" and ids["s4"] == "miss" and "s3" not in ids


def test_format_detection_and_override(tmp_path, extractor):
    mixed = write_jsonl(tmp_path / "mixed.jsonl", PLOVER_ROWS[:1] + SPAN_ROWS[:1])
    with pytest.raises(UserError, match="two formats"):
        detect_format(load_gold(mixed), mixed)
    # read as span dyads, the PLOVER record's source_text/target_text are the spans
    report = evaluate(write_jsonl(tmp_path / "p.jsonl", PLOVER_ROWS[:1]), extractor, fmt="spans")
    assert report.spans["dyad_recall"] == 1.0


def test_duplicate_gold_ids_are_an_error(tmp_path, extractor):
    gold = write_jsonl(tmp_path / "dup.jsonl", [PLOVER_ROWS[0], PLOVER_ROWS[0]])
    with pytest.raises(UserError, match="dup.jsonl:2: id 'a' already used on line 1"):
        evaluate(gold, extractor)


def test_eval_command_text_json_and_errors(tmp_path, capsys):
    arts = write_jsonl(tmp_path / "articles.jsonl", [ARTICLE])
    gold = write_jsonl(tmp_path / "gold.jsonl", _article_gold())
    out = eval_cli(gold, "--articles", arts, "--by-relation", "--errors", "--quiet")
    assert out.returncode == 0, out.stderr
    assert "(whole articles): 4 sentences, 4 gold events scored" in out.stdout
    assert "typed" in out.stdout and "  SUPPORTED" in out.stdout
    assert "MISS" in out.stdout and "art-1#3  URY ('Uruguay') SUPPORTED PRY ('Paraguay')" in out.stdout
    from graphbuild.cli import main
    assert main(["eval", str(gold), "--articles", str(arts), "--json", "--errors", "--by-relation"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "article" and data["typed"]["tp"] == 3 and data["by_relation"]["CRITICIZED"]["tp"] == 1
    assert [e["kind"] for e in data["errors"]] == ["miss"]


def test_eval_command_rejects_a_malformed_gold_file(tmp_path):
    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"text": "x", "events": []}\n{not json\n', encoding="utf-8")
    out = eval_cli(gold)
    assert out.returncode == 2
    assert f"{gold}:2: malformed JSON" in out.stderr.strip() and len(out.stderr.strip().splitlines()) == 1
    gold.write_text('{"text": "x", "events": [], "article_id": "a"}\n', encoding="utf-8")
    out = eval_cli(gold, "--articles", gold)
    assert out.returncode == 2 and "needs 'article_id' and 'span'" in out.stderr
