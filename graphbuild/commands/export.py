"""``graphbuild export rdf``: the embedded store (or an events.jsonl) as RDF in any of six formats.

N-Triples / N-Quads stream to disk; the other formats build the graph with rdflib first.
See the RDF section of README.md for the model, named graphs and base IRI.
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
        "export", help="export the graph (RDF: Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML)",
        description="Export the built graph for other tools.")
    sub = parser.add_subparsers(dest="target", metavar="TARGET")
    sub.required = True
    p = sub.add_parser(
        "rdf", help="RDF with SEM / schema.org / PROV-O / SKOS terms",
        description="Export the graph as RDF: actors, events with their evidence sentences, "
                    "articles, analyst shortcut edges and the relation vocabulary. TriG, N-Quads "
                    "and JSON-LD put each article in its own named graph.")
    src = p.add_mutually_exclusive_group()
    src.add_argument("--store", type=Path, default=None,
                     help="embedded store to export (default: graphbuild-out/graph.lbdb)")
    src.add_argument("--events", type=Path, default=None,
                     help="export an events.jsonl from `graphbuild extract` instead of a store")
    p.add_argument("--format", "-f", dest="format", default=None, metavar="FORMAT",
                   help=f"one of {', '.join(rdf.FORMATS)} (default: from the --out extension)")
    p.add_argument("--out", "-o", required=True, metavar="FILE", help="output file")
    p.add_argument("--base-iri", default=rdf.DEFAULT_BASE_IRI, metavar="IRI",
                   help=f"base IRI of every exported resource (default: {rdf.DEFAULT_BASE_IRI})")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    progress.add_argument(p)
    p.set_defaults(func=run)
    return parser


def _load(args):
    """The GraphData to export: from --events, or read back from the store."""
    if args.events is not None:
        from ..merge import load_events_jsonl

        if not args.events.is_file():
            raise UserError(f"no events file at {args.events}")
        try:
            return load_events_jsonl(args.events)
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{args.events}: not an events.jsonl ({type(exc).__name__}: {exc})") from None
    from ..sinks import store

    path = args.store if args.store is not None else store.DEFAULT_STORE
    if not Path(path).exists():
        raise UserError(f"no store at {path} (run `graphbuild build` first or pass --store)")
    try:
        return store.read_graph(path)
    except UserError:
        raise
    except RuntimeError as exc:  # LadybugDB: not a store, locked, corrupt
        raise UserError(f"cannot read the store {path}: {str(exc).strip().splitlines()[0]}") from None


def run(args) -> int:
    fmt = rdf.infer_format(args.out, args.format)
    base = rdf.check_base_iri(args.base_iri)
    data = _load(args)
    count = rdf.write_rdf(data, args.out, fmt, base, quiet=args.quiet)
    if not args.quiet:
        unit = "quads" if rdf.FORMATS[fmt][1] else "triples"
        print(f"wrote {count} {unit} ({fmt}; {len(data.actors)} actors, {len(data.events)} events, "
              f"{len(data.articles)} articles) to {args.out}", file=sys.stderr)
    return 0
