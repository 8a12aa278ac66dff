"""Quality floors on the three development sets, and agreement with the reference scorers.

Each dev set is extracted once, in-process (``graphbuild.evaluate``). The same predictions are
then scored by the reference scorers of ``../shared/eval`` (unchanged, run as scripts): their
``--project`` is a folder whose ``.venv/bin/graphbuild`` replays our predictions after checking
that the articles the reference scorer asks for are exactly the ones we extracted. So the numbers
of ``graphbuild eval`` are the reference numbers by construction, and any drift fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.evaluate import build_inputs, detect_format, extract_inputs, load_gold, score

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

#: Floors on the dev sets: the values measured now minus a small margin. Raise them as the
#: extractor improves. (Issue #9 targets: realnews typed F1 >= 0.60 with P >= 0.70; conflibert
#: dyad recall >= 0.60 and fired >= 0.75; plover typed F1 >= 0.70 with P >= 0.75.)
DEV_FLOORS = {
    #  set              metric            floor     measured 2026-12-08, stop 18 (issue 9 targets in brackets)
    "realnews_dev":   {"typed_precision": 0.93,   # 0.972 [>= 0.70]
                       "typed_recall":    0.53,   # 0.555
                       "typed_f1":        0.68},  # 0.707 [>= 0.60]
    "conflibert_dev": {"fired":           0.75,   # 0.765 [>= 0.75]
                       "dyad_recall":     0.61,   # 0.637 [>= 0.60]
                       "typed_recall":    0.43},  # 0.451
    "plover_gsr_dev": {"typed_precision": 0.71,   # 0.740 [>= 0.75]
                       "typed_recall":    0.70,   # 0.735
                       "typed_f1":        0.70},  # 0.737 [>= 0.70]
}
#: The reference scorer of each set and its extra arguments.
REFERENCE = {"realnews_dev": ("article_score.py", [str(SHARED / "corpus" / "articles.jsonl")]),
             "conflibert_dev": ("spans_score.py", []),
             "plover_gsr_dev": ("sentence_score.py", [])}

REPLAY = '''#!{python}
"""Stand-in for `graphbuild extract ARTICLES --out FILE --quiet`: replays recorded predictions."""
import json, sys
args = sys.argv[1:]
expected = json.load(open({expected!r}))
preds = json.load(open({preds!r}))
assert args[0] == "extract" and "--out" in args, args
given = [json.loads(l) for l in open(args[1]) if l.strip()]
if given != expected:
    sys.exit("replay: the reference scorer asks for other articles than graphbuild eval extracted")
with open(args[args.index("--out") + 1], "w") as out:
    for a in given:
        for rec in preds.get(a["id"], []):
            out.write(json.dumps(rec) + "\\n")
'''


def gold_path(name: str) -> Path:
    return SHARED / "gold" / f"{name}.jsonl"


@pytest.fixture(scope="module")
def dev_runs(extractor):
    """name -> (gold items, format, inputs, predictions): each dev set extracted at most once."""
    cache: dict = {}

    def run(name: str):
        if name not in cache:
            items = load_gold(gold_path(name))
            fmt = detect_format(items)
            inputs = build_inputs(items, fmt, SHARED / "corpus" / "articles.jsonl" if fmt == "article" else None)
            cache[name] = (items, fmt, inputs, extract_inputs(inputs, extractor))
        return cache[name]
    return run


def reference_scores(name: str, inputs, preds, work: Path) -> dict:
    """The reference scorer's JSON for our predictions."""
    (work / ".venv" / "bin").mkdir(parents=True)
    (work / "expected.json").write_text(json.dumps(inputs.articles), encoding="utf-8")
    (work / "preds.json").write_text(json.dumps(preds), encoding="utf-8")
    exe = work / ".venv" / "bin" / "graphbuild"
    exe.write_text(REPLAY.format(python=sys.executable, expected=str(work / "expected.json"),
                                 preds=str(work / "preds.json")), encoding="utf-8")
    exe.chmod(0o755)
    script, extra = REFERENCE[name]
    out = subprocess.run([sys.executable, str(SHARED / "eval" / script), str(gold_path(name)), *extra,
                          "--project", str(work), "--json", "--by-relation"],
                         capture_output=True, text=True, timeout=300)
    last = (out.stdout.strip().splitlines() or [""])[-1]
    assert out.returncode == 0 and last.startswith("{"), (out.stdout[-500:], out.stderr[-500:])
    return json.loads(last)


def measured(report) -> dict:
    if report.spans is not None:
        return dict(report.spans)
    return {"typed_precision": report.typed.precision, "typed_recall": report.typed.recall,
            "typed_f1": report.typed.f1}


@pytest.mark.parametrize("name", sorted(DEV_FLOORS))
def test_dev_set_floors_and_reference_agreement(name, dev_runs, tmp_path):
    if not gold_path(name).exists() or not (SHARED / "eval" / REFERENCE[name][0]).exists():
        pytest.skip("../shared (gold sets and reference scorers) not present")
    items, fmt, inputs, preds = dev_runs(name)
    report = score(items, fmt, inputs, preds)
    ref = reference_scores(name, inputs, preds, tmp_path)
    if report.spans is not None:
        assert {"sentences": report.sentences, **report.spans} == ref
    else:
        mine = {"sentences": report.sentences, "gold_events": report.gold_events,
                "pred_events": report.pred_events,
                "typed": {k: round(getattr(report.typed, m), 3) for k, m in
                          (("p", "precision"), ("r", "recall"), ("f1", "f1"))},
                "dyad": {k: round(getattr(report.untyped, m), 3) for k, m in
                         (("p", "precision"), ("r", "recall"), ("f1", "f1"))},
                "by_relation": {k: {"tp": v.tp, "fp": v.fp, "fn": v.fn} for k, v in sorted(report.by_relation.items())}}
        assert mine == ref
    got = measured(report)
    low = {k: round(got[k], 3) for k, floor in DEV_FLOORS[name].items() if got[k] < floor}
    assert not low, f"{name} below its floors: {low} (floors {DEV_FLOORS[name]})"


def test_in_process_extraction_equals_the_extract_command(dev_runs, tmp_path):
    """The in-process extraction of eval gives the records `graphbuild extract` writes (a few articles)."""
    if not gold_path("realnews_dev").exists():
        pytest.skip("../shared/gold not present")
    _, _, inputs, preds = dev_runs("realnews_dev")
    some = inputs.articles[:3]
    arts = tmp_path / "a.jsonl"
    arts.write_text("".join(json.dumps(a) + "\n" for a in some), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "graphbuild.cli", "extract", str(arts), "--quiet"],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    cli = [json.loads(line) for line in out.stdout.splitlines()]
    assert cli == [r for a in some for r in preds.get(a["id"], [])]
    assert cli, "these articles should give some events"
