"""``graphbuild viz``: write the interactive, offline HTML view of the graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import viz
from ..lookup import resolve_actor
from ..merge import GraphData, by_country, country_of


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
    p.add_argument("--by", choices=("country",), default=None,
                   help="roll every actor up to the country it is PART_OF (government, military, "
                        "people, ... -> one node per country); --actor then names the whole country")


def load_input(args) -> GraphData:
    """The graph the command shows: store or events, rolled up with ``--by country``, where an
    ``--actor`` (one or a list) is resolved before the roll-up and stands for its country."""
    data = viz.load_graph(args.store, args.events, args.articles)
    if getattr(args, "by", None) != "country":
        return data
    actor = getattr(args, "actor", None)
    if actor:
        ids = [country_of(data.actors, data.part_of, resolve_actor(data.actors, a))
               for a in (actor if isinstance(actor, list) else [actor])]
        args.actor = ids if isinstance(actor, list) else ids[0]
    return by_country(data)


def run(args) -> int:
    relations = viz.parse_relations(args.relations)
    since = viz.parse_since(args.since)
    data = load_input(args)
    res = viz.write_viz(data, args.out, actor=args.actor, relations=relations, since=since,
                        title=args.title)
    if not args.quiet:
        print(f"wrote {res.path} ({res.nodes} actors, {res.edges} edges)", file=sys.stderr)
    return 0
