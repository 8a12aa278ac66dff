"""``graphbuild build``: extract events from articles and merge them into the embedded store.

Streams: articles are extracted, appended to ``events.jsonl`` and merged into the store in
small transactional batches, so a killed build loses at most one batch and a rerun completes it.
An article stored with the same content and metadata by the same extractor (same
:func:`~graphbuild.versions.extractor_fingerprint`) is not extracted again: its stored records
go to ``events.jsonl`` and the store is left as it is.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .. import progress as _progress
from ..errors import UserError
from ..ingest import CSV_SUFFIXES, HTML_SUFFIXES, JSONL_SUFFIXES, TEXT_SUFFIXES
from ..merge import GraphData
from ..model import Article
from ..pipeline import trim_heap
from ..progress import bar as progress_bar
from ..sinks import store as st
from .extract import add_text_column_argument, check_dask_arguments
from ..versions import extractor_fingerprint

#: Extra sinks that hook into ``build`` (``add_build_arguments`` / ``after_build``), if present.
SINK_MODULES = ("graphbuild.sinks.neo4j", "graphbuild.sinks.rdf")
#: A batch is written when it holds this many articles or this many seconds have passed.
BATCH_ARTICLES = 64
BATCH_SECONDS = 5.0
#: The store is closed and reopened after this many batches: LadybugDB keeps what was written
#: since the last checkpoint, and ~8 MB for every relationship table a transaction touched, in
#: memory until it is closed (a whole-corpus build's parent grew to ~640 MB without this, ~550
#: with it; docs/memory.md).
RELEASE_BATCHES = 3
DEFAULT_OUT = Path("graphbuild-out")


def _sink_modules() -> list:
    mods = []
    for name in SINK_MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        mods.append(mod)
    return mods


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "build", help="extract events and merge them into the embedded graph store",
        description="Extract events from articles (files, directories, JSONL, '-' for stdin), write "
                    "OUT/events.jsonl and merge them into the embedded LadybugDB store. Incremental: "
                    "rerunning on the same inputs changes nothing; new articles merge into the same "
                    "actors and analyst edges; an article whose text changed replaces its events.")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="article file (.txt, .md, .html, .csv), directory, JSONL, URL, quoted glob, or -")
    add_text_column_argument(p)
    p.add_argument("--from-events", nargs="+", metavar="EVENTS",
                   help="merge already-extracted events (JSONL or Parquet files, directories, URLs) "
                        "instead of extracting articles")
    p.add_argument("--store", type=Path, default=None,
                   help=f"store file (default: OUT/graph.lbdb, i.e. {DEFAULT_OUT / 'graph.lbdb'})")
    p.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default: {DEFAULT_OUT})")
    p.add_argument("--jobs", "-j", type=int, default=1, help="extraction processes (default: 1)")
    p.add_argument("--dask", metavar="SCHEDULER",
                   help="extract on a Dask cluster: local:N or a scheduler address (tcp://host:8786)")
    p.add_argument("--model", default=None, help="spaCy model name or path (default: the bundled one)")
    p.add_argument("--actors", type=Path, default=None, help="extra actors file (gazetteer additions)")
    p.add_argument("--verbs", type=Path, default=None,
                   help="extra TABARI/PETRARCH verb dictionary (adds verbs the shipped lexicon lacks)")
    p.add_argument("--reextract", action="store_true",
                   help="extract every article again, also those stored unchanged by this extractor")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary table")
    _progress.add_argument(p)
    for mod in _sink_modules():
        if hasattr(mod, "add_build_arguments"):
            mod.add_build_arguments(p)
    p.set_defaults(func=run)
    return p


@dataclass
class BuildReport:
    """What a build did: per-run numbers plus the store's totals afterwards."""

    store: Path
    articles: int = 0
    events: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)
    store_seconds: float = 0.0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)


class BatchWriter:
    """Collects articles and their records and merges them into the store in batches."""

    def __init__(self, store: st.Store, report: BuildReport, events_out=None,
                 fingerprint: str | None = None):
        self.store, self.report, self.events_out = store, report, events_out
        self.fingerprint = fingerprint
        self.data = GraphData()
        self.extracted: dict[str, tuple[str, str]] = {}
        self.pending = 0
        self.batches = 0
        self.last_flush = time.monotonic()

    def add(self, article: Article, records: list[dict]) -> None:
        """Queue an extracted article and its records (written with the batch)."""
        self.data.add_article(article)
        for rec in records:
            self.data.add_record(rec)
        lines = "".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records)
        if self.events_out is not None:
            self.events_out.write(lines)
        if self.fingerprint is not None:
            self.extracted[article.id] = (self.fingerprint, lines)
        self.report.articles += 1
        self.report.events += len(records)
        self.pending += 1
        if self.pending >= BATCH_ARTICLES or time.monotonic() - self.last_flush >= BATCH_SECONDS:
            self.flush()

    def keep(self, stored_records: str) -> None:
        """An unchanged article, not extracted: its stored records go to events.jsonl as they were."""
        if self.events_out is not None:
            self.events_out.write(stored_records)
        self.report.unchanged += 1

    def flush(self) -> None:
        if self.pending:
            if self.events_out is not None:
                self.events_out.flush()
            t0 = time.perf_counter()
            st.write_graph(self.store, self.data, extracted=self.extracted)
            self.batches += 1
            if self.batches % RELEASE_BATCHES == 0:
                with self.store.released():  # the engine's memory back (checkpointed, reopened)
                    trim_heap()
            self.report.store_seconds += time.perf_counter() - t0
        self.data = GraphData()
        self.extracted = {}
        self.pending = 0
        self.last_flush = time.monotonic()


def build_from_records(store_path: str | Path, articles: Iterable[Article],
                       records: Iterable[dict], batch_articles: int = BATCH_ARTICLES) -> BuildReport:
    """Merge already-extracted records (grouped by their ``article_id``) into the store.

    The same batching as ``graphbuild build`` without the extractor: for tests, benchmarks and
    rebuilding a store from an ``events.jsonl``.
    """
    by_article: dict[str, list[dict]] = {}
    for rec in records:
        by_article.setdefault(rec["article_id"], []).append(rec)
    arts = {a.id: a for a in articles}
    for aid in by_article:
        arts.setdefault(aid, Article(id=aid))
    report = BuildReport(store=Path(store_path))
    t0 = time.perf_counter()
    with st.open_store(store_path) as store:
        writer = BatchWriter(store, report)
        for i, art in enumerate(arts.values(), 1):
            writer.add(art, by_article.get(art.id, []))
            if i % batch_articles == 0:
                writer.flush()
        writer.flush()
        store.checkpoint()
    report.seconds = time.perf_counter() - t0
    return report


def _estimate_total(inputs: list[str]) -> int | None:
    """Roughly how many articles the inputs hold (for the progress bar), or None if unknown."""
    total = 0
    for inp in inputs:
        if inp == "-" or "://" in inp or any(c in inp for c in "*?["):
            return None  # stdin, URLs and globs: unknown without reading them
        path = Path(inp)
        files = ([p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path])
        for f in files:
            suffix = f.suffix.lower()
            if suffix in JSONL_SUFFIXES + CSV_SUFFIXES:  # a CSV: about a row a line
                try:
                    with open(f, "rb") as fh:
                        total += sum(1 for line in fh if line.strip())
                except OSError:
                    pass
            elif suffix in TEXT_SUFFIXES + HTML_SUFFIXES or not path.is_dir():
                total += 1
    return total


def unchanged_lookup(store: st.Store, fingerprint: str):
    """``known(raws)`` for :func:`~graphbuild.pipeline.run_extraction`: the stored records of
    the articles whose content, metadata and extractor fingerprint are what is stored."""
    def known(raws) -> dict[str, str]:
        stored = store.extractions([r.id for r in raws])
        out = {}
        for raw in raws:
            hit = stored.get(raw.id)
            if hit is not None and hit[1] == fingerprint and hit[0] == raw.to_article():
                out[raw.id] = hit[2]
        return out
    return known


def stored_lookup(store: st.Store, fingerprint: str):
    """``stored(ids)`` for a Dask build: the stored article and records of those ids that this
    fingerprint's extractor made (the workers tell whether the text they read is unchanged)."""
    def stored(ids: list[str]) -> dict:
        return {k: (art, recs) for k, (art, fp, recs) in store.extractions(ids).items() if fp == fingerprint}
    return stored


def _extract(args, known=None, fork_guard=None, store: st.Store | None = None) -> Iterator:
    from ..pipeline import run_extraction
    if getattr(args, "dask", None):
        from ..cluster import run_extraction_dask
        if args.jobs != 1:
            raise UserError("--dask and --jobs exclude each other (the cluster's workers are the jobs)")
        check_dask_arguments(args)
        skip = store is not None and not getattr(args, "reextract", False)
        return run_extraction_dask([str(i) for i in args.inputs], args.dask, model=args.model,
                                   actors_file=str(args.actors) if args.actors else None,
                                   announce=None if args.quiet else lambda m: print(
                                       f"graphbuild build: {m}", file=sys.stderr),
                                   stored_for=(lambda fp: stored_lookup(store, fp)) if skip else None)
    return run_extraction([str(i) for i in args.inputs], jobs=args.jobs, model=args.model,
                          actors_file=str(args.actors) if args.actors else None,
                          verbs_file=str(args.verbs) if args.verbs else None,
                          exclude=[Path(args.out) / "events.jsonl"], text_column=args.text_column, known=known,
                          fork_guard=fork_guard)


def run(args) -> int:
    for mod in _sink_modules():  # e.g. --neo4j: bad settings or an unreachable server fail before the build
        if hasattr(mod, "check_build_arguments"):
            mod.check_build_arguments(args)
    if getattr(args, "from_events", None) or not args.inputs:
        from .build_events import run_from_events
        return run_from_events(args)
    out, store_path = prepare_output(args)
    if args.jobs < 1:
        raise UserError("--jobs must be at least 1")
    if args.actors and not Path(args.actors).is_file():
        raise UserError(f"actors file {args.actors} not found")
    if args.verbs and not Path(args.verbs).is_file():
        raise UserError(f"verbs file {args.verbs} not found")
    report = BuildReport(store=store_path)
    t0 = time.perf_counter()
    # the Dask workers extract with their own copy of the code and data: they report its fingerprint
    dask = getattr(args, "dask", None)
    fingerprint = None if dask else extractor_fingerprint(
        args.model, str(args.actors) if args.actors else None, str(args.verbs) if args.verbs else None)
    progress = progress_bar(args.quiet, total=_estimate_total([str(i) for i in args.inputs]),
                            unit=" articles", desc="build")
    try:
        with st.open_store(store_path) as store, \
                open(out / "events.jsonl", "w", encoding="utf-8") as events_out:
            writer = BatchWriter(store, report, events_out, fingerprint)
            skip = fingerprint is not None and not getattr(args, "reextract", False)
            results = _extract(args, unchanged_lookup(store, fingerprint) if skip else None,
                               fork_guard=store.released, store=store)
            if dask:
                writer.fingerprint = results.fingerprint
            for result in results:
                if result.unchanged:
                    writer.keep(result.stored)
                elif result.error is not None:
                    msg = " ".join(str(result.error).split("\n")).replace("\r", " ")  # one line
                    report.skipped.append(msg)
                    progress.write(msg, file=sys.stderr)
                else:
                    writer.add(result.article, result.records)
                progress.update(1)
                progress.set_postfix(events=report.events, unchanged=report.unchanged, refresh=False)
            writer.flush()
            t1 = time.perf_counter()
            store.checkpoint()
            report.problems = st.verify(store)  # graphbuild check, on what this build leaves
            report.store_seconds += time.perf_counter() - t1
    except OSError as exc:  # events.jsonl on a full disk, ...: the store keeps committed batches
        raise UserError(f"cannot write {out / 'events.jsonl'}: {exc.strerror or exc}; every batch "
                        f"committed before is kept in {store_path}") from None
    finally:
        progress.close()
    report.seconds = time.perf_counter() - t0
    return finish_build(args, report, store_path, out)


def prepare_output(args) -> tuple[Path, Path]:
    """The output directory (created) and the store path of a build."""
    out = Path(args.out)
    store_path = Path(args.store) if args.store else out / "graph.lbdb"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output directory {out}: {exc.strerror}") from None
    return out, store_path


def finish_build(args, report: BuildReport, store_path: Path, out: Path) -> int:
    """The end of every build: the other sinks (Neo4j, RDF), the summary, the consistency check's
    problems (exit 2), else exit 1 if inputs were skipped."""
    for mod in _sink_modules():
        if hasattr(mod, "after_build"):
            mod.after_build(args, store_path)
    if not args.quiet:
        print_summary(report, out)
    if report.problems:
        from .check import report as report_problems
        report_problems(report.problems, "build")
        return 2
    return 1 if report.skipped else 0


def summary_rows(store_path: str | Path, top: int = 8) -> dict:
    """The numbers behind the summary table, read back from the store."""
    with st.open_store(store_path, read_only=True) as store:
        counts = store.counts()
        relations = store.execute(
            "MATCH (e:Event) WHERE NOT e.negated AND e.modality <> 'hypothetical' "
            "RETURN e.relation AS relation, count(*) AS n ORDER BY n DESC, relation LIMIT $k", {"k": top})
        actors = store.execute(
            "MATCH (a:Actor)<-[:SOURCE|TARGET]-(e:Event) WHERE a.kind <> 'OTHER' "
            "RETURN a.name, a.kind, count(DISTINCT e) AS n ORDER BY n DESC, a.name LIMIT $k", {"k": top})
    edges_by_rel = {r: counts[r] for r in counts if r not in ("Article", "Actor", "Event", "analyst_edges")}
    return {"counts": counts, "relations": [(r, int(n), edges_by_rel.get(r, 0)) for r, n in relations],
            "actors": [(name, kind, int(n)) for name, kind, n in actors]}


def print_summary(report: BuildReport, out: Path) -> None:
    """The rich summary table on stdout: this run, store totals, top relations and actors."""
    from rich.console import Console
    from rich.markup import escape  # names and paths are printed literally, never as markup
    from rich.table import Table
    from rich import box

    from ..termtables import printable as _printable

    info = summary_rows(report.store)
    c = info["counts"]
    console = Console()
    overview = Table(title="graphbuild build", box=box.ROUNDED, show_header=True, header_style="bold")
    overview.add_column("")
    overview.add_column("this run", justify="right")
    overview.add_column("store total", justify="right")
    overview.add_row("articles", f"{report.articles:,}", f"{c['Article']:,}")
    if report.unchanged:
        overview.add_row("unchanged, skipped", f"{report.unchanged:,}", "")
    overview.add_row("events", f"{report.events:,}", f"{c['Event']:,}")
    overview.add_row("actors", "", f"{c['Actor']:,}")
    overview.add_row("analyst edges", "", f"{c['analyst_edges']:,}")
    if report.skipped:
        overview.add_row("[red]skipped inputs[/red]", f"[red]{len(report.skipped):,}[/red]", "")
    overview.add_row("time", f"{report.seconds:.1f} s (store {report.store_seconds:.1f} s)", "")
    console.print(overview)

    rel = Table(title="top relations", box=box.SIMPLE_HEAD, header_style="bold")
    rel.add_column("relation")
    rel.add_column("mentions", justify="right")
    rel.add_column("actor pairs", justify="right")
    for name, n, pairs in info["relations"]:
        rel.add_row(name, f"{n:,}", f"{pairs:,}")
    act = Table(title="top actors", box=box.SIMPLE_HEAD, header_style="bold")
    act.add_column("actor")
    act.add_column("kind")
    act.add_column("events", justify="right")
    for name, kind, n in info["actors"]:
        act.add_row(escape(_printable(name)), kind, f"{n:,}")
    from rich.columns import Columns
    console.print(Columns([rel, act]))
    store, events = escape(str(report.store)), escape(str(out / "events.jsonl"))
    console.print(f"store: [bold]{store}[/bold]   events: [bold]{events}[/bold]   "
                  f"next: graphbuild query top_actors --store {store}")
