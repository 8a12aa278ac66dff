"""``graphbuild viz``: write the interactive, offline HTML view of the graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import viz


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "viz", help="write an interactive HTML view of the actor network (one offline file)",
        description="Write one self-contained HTML file (no network needed) showing actors as "
                    "nodes and analyst edges between them; click an edge for its evidence.")
    add_input_arguments(p)
    p.add_argument("--actor", metavar="NAME", help="only this actor's ego network (id, name or alias)")
    p.add_argument("--relations", metavar="REL,REL", help="only these relations, e.g. BLAMED,RECOGNIZED")
    p.add_argument("--since", metavar="DATE", help="only events on or after DATE (YYYY-MM-DD, YYYY-MM, YYYY)")
    p.add_argument("--title", help="page title (default: describes the filters)")
    p.add_argument("--out", "-o", type=Path, required=True, metavar="FILE.html", help="output HTML file")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")
    p.set_defaults(func=run)
    return p


def add_input_arguments(p: argparse.ArgumentParser) -> None:
    """--store, or --events/--articles to read an ``events.jsonl`` instead (shared with plot)."""
    p.add_argument("--store", type=Path, default=None,
                   help=f"embedded store to read (default: {viz.default_store()})")
    p.add_argument("--events", type=Path, default=None, metavar="EVENTS.jsonl",
                   help="read the events written by `graphbuild extract` instead of a store")
    p.add_argument("--articles", type=Path, default=None, metavar="ARTICLES.jsonl",
                   help="with --events: article metadata (titles, URLs) for the evidence links")


def run(args) -> int:
    relations = viz.parse_relations(args.relations)
    since = viz.parse_since(args.since)
    data = viz.load_graph(args.store, args.events, args.articles)
    res = viz.write_viz(data, args.out, actor=args.actor, relations=relations, since=since,
                        title=args.title)
    if not args.quiet:
        print(f"wrote {res.path} ({res.nodes} actors, {res.edges} edges)", file=sys.stderr)
    return 0
