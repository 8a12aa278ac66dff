"""``graphbuild export TARGET``: the built graph for other tools.

``rdf`` (six RDF formats; N-Triples / N-Quads stream to disk), ``events`` (the flat events
table as CSV or Parquet, see :mod:`graphbuild.tables`), ``graphml`` / ``gexf`` (Gephi, igraph,
networkx) and ``neo4j-csv`` (files for ``neo4j-admin database import full``). Each reads the
embedded store (``--store``, default graphbuild-out/graph.lbdb) or events files (``--events``).
See docs/exports.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import progress
from ..errors import UserError
from ..sinks import rdf

def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "export", help="export the graph: RDF, events table (CSV/Parquet), GraphML/GEXF, Neo4j import CSVs",
        description="Export the built graph for other tools.")
    sub = parser.add_subparsers(dest="target", metavar="TARGET")
    sub.required = True
    p = sub.add_parser(
        "rdf", help="RDF with SEM / schema.org / PROV-O / SKOS terms",
        description="Export the graph as RDF: actors, events with their evidence sentences, "
                    "articles, analyst shortcut edges and the relation vocabulary. TriG, N-Quads "
                    "and JSON-LD put each article in its own named graph.")
    _add_source(p)
    p.add_argument("--format", "-f", dest="format", default=None, metavar="FORMAT",
                   help=f"one of {', '.join(rdf.FORMATS)} (default: from the --out extension)")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file")
    p.add_argument("--base-iri", default=rdf.DEFAULT_BASE_IRI, metavar="IRI",
                   help=f"base IRI of every exported resource (default: {rdf.DEFAULT_BASE_IRI})")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    progress.add_argument(p)
    p.set_defaults(func=run)

    p = sub.add_parser(
        "events", help="the events as one flat table (CSV or Parquet), GDELT/ICEWS style",
        description="One row per event mention: date, source and target actors (id, name, kind, "
                    "country, role), relation, CAMEO code and root, QuadClass, Goldstein score, "
                    "PLOVER, negation, modality, confidence, trigger, sentence and the article.")
    _add_source(p)
    p.add_argument("--format", "-f", choices=("csv", "parquet"), default=None,
                   help="table format (default: from the --out extension)")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file (.csv or .parquet)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    p.set_defaults(func=run_events)

    for fmt, what in (("graphml", "GraphML"), ("gexf", "GEXF 1.2")):
        p = sub.add_parser(fmt, help=f"the graph as {what} (networkx, igraph, Gephi)",
                           description=f"The graph as {what}: Actor, Article and Event nodes with "
                                       "their properties, event links and analyst edges.")
        _add_source(p)
        p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file")
        p.add_argument("--actors-only", action="store_true",
                       help="only actors and the analyst edges between them (the network view)")
        p.add_argument("--quiet", "-q", action="store_true", help="no summary line")
        p.set_defaults(func=run_graph, graph_format=fmt)

    p = sub.add_parser(
        "neo4j-csv", help="node and relationship CSVs for neo4j-admin database import",
        description="Write node and relationship CSV files with neo4j-admin's headers (:ID, "
                    ":LABEL, :START_ID, :END_ID, :TYPE, typed properties) into DIR and print the "
                    "`neo4j-admin database import full` command that loads them.")
    _add_source(p)
    p.add_argument("dir", type=Path, metavar="DIR", help="output directory (created if needed)")
    p.add_argument("--database", default="neo4j", help="database name in the printed command (default: neo4j)")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the command")
    p.set_defaults(func=run_neo4j_csv)
    return parser


def _add_source(p: argparse.ArgumentParser) -> None:
    src = p.add_mutually_exclusive_group()
    src.add_argument("--store", type=Path, default=None,
                     help="embedded store to export (default: graphbuild-out/graph.lbdb)")
    src.add_argument("--events", type=Path, default=None,
                     help="events from `graphbuild extract` (.jsonl, .parquet or a directory of "
                          "part files) instead of a store")


class _Skipped:
    """Bad events records: each reported on one line, counted for the exit status."""

    def __init__(self, command: str):
        self.command = command
        self.n = 0

    def __call__(self, message: str) -> None:
        self.n += 1
        print(f"graphbuild export {self.command}: {' '.join(message.split())}", file=sys.stderr)


def _load(args, skipped: _Skipped | None = None):
    """The GraphData to export: from --events, or read back from the store."""
    from ..tables import load_graph

    if args.events is not None and not args.events.exists():
        raise UserError(f"no events file at {args.events}")
    return load_graph(store=args.store, events=args.events, on_error=skipped)


def run(args) -> int:
    fmt = rdf.infer_format(args.out, args.format)
    base = rdf.check_base_iri(args.base_iri)
    skipped = _Skipped(args.target)
    data = _load(args, skipped)
    count = rdf.write_rdf(data, args.out, fmt, base, quiet=args.quiet)
    if not args.quiet:
        unit = "quads" if rdf.FORMATS[fmt][1] else "triples"
        print(f"wrote {count} {unit} ({fmt}; {len(data.actors)} actors, {len(data.events)} events, "
              f"{len(data.articles)} articles) to {args.out}", file=sys.stderr)
    return 1 if skipped.n else 0


def run_events(args) -> int:
    from ..tables import events_table, infer_table_format, write_table
    fmt = infer_table_format(args.out, args.format)
    skipped = _Skipped(args.target)
    table = events_table(_load(args, skipped), quiet=args.quiet)
    write_table(table, args.out, fmt)
    if not args.quiet:
        print(f"wrote {table.num_rows} events x {table.num_columns} columns ({fmt}) to {args.out}",
              file=sys.stderr)
    return 1 if skipped.n else 0


def run_graph(args) -> int:
    from ..sinks.graph_files import graph_of, write_graph_file
    skipped = _Skipped(args.target)
    g = graph_of(_load(args, skipped), actors_only=args.actors_only)
    write_graph_file(g, args.out, args.graph_format)
    if not args.quiet:
        print(f"wrote {g.number_of_nodes()} nodes and {g.number_of_edges()} edges "
              f"({args.graph_format}) to {args.out}", file=sys.stderr)
    return 1 if skipped.n else 0


def run_neo4j_csv(args) -> int:
    from ..sinks.neo4j_csv import import_command, write_import_files
    skipped = _Skipped(args.target)
    files = write_import_files(_load(args, skipped), args.dir, quiet=args.quiet)
    if not args.quiet:
        nodes = sum(n for spec, _, n in files if spec.nodes)
        rels = sum(n for spec, _, n in files if not spec.nodes)
        print(f"wrote {len(files)} files ({nodes} nodes, {rels} relationships) to {args.dir}; "
              f"load them into a stopped Neo4j 5 with:", file=sys.stderr)
    print(import_command(files, args.database))
    return 1 if skipped.n else 0
