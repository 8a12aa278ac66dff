"""``graphbuild plot timeline|network``: static PNG/SVG/PDF plots for reports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import viz
from .viz import add_input_arguments, load_input


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("plot", help="static plots: events over time, an actor's ego network",
                              description="Write a PNG (or SVG/PDF, by suffix) plot of the graph.")
    kinds = p.add_subparsers(dest="plot_kind", metavar="KIND")
    kinds.required = True

    t = kinds.add_parser("timeline", help="events per week or month by relation",
                         description="Stacked bars: events (not negated, not hypothetical) per "
                                     "week or month, one colour per relation.")
    add_input_arguments(t)
    t.add_argument("--actor", action="append", metavar="NAME",
                   help="only events with this actor as source or target (repeatable)")
    t.add_argument("--relations", metavar="REL,REL", help="only these relations")
    t.add_argument("--freq", choices=viz.PLOT_FREQS, default="month", help="bucket size (default: month)")
    t.add_argument("--since", metavar="DATE", help="only events on or after DATE")
    _common(t)
    t.set_defaults(func=run_timeline)

    n = kinds.add_parser("network", help="the ego network of one actor",
                         description="The actor, its neighbours and the edges among them; edge "
                                     "colour = relation, node colour = country or kind.")
    add_input_arguments(n)
    n.add_argument("--actor", required=True, metavar="NAME", help="centre actor (id, name or alias)")
    n.add_argument("--relations", metavar="REL,REL", help="only these relations")
    n.add_argument("--since", metavar="DATE", help="only events on or after DATE")
    n.add_argument("--color-by", choices=("country", "kind"), default="country",
                   help="node colour (default: country)")
    _common(n)
    n.set_defaults(func=run_network)
    return p


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--title", help="plot title (default: describes the plot)")
    p.add_argument("--dpi", type=int, default=150, help="resolution of PNG output (default: 150)")
    p.add_argument("--out", "-o", type=Path, required=True, metavar="FILE.png", help="output file")
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing on success")


def _check_out(path: Path) -> None:
    if path.suffix.lower() not in viz.PLOT_SUFFIXES:
        from ..errors import UserError
        raise UserError(f"--out: {path.name} should end in {', '.join(viz.PLOT_SUFFIXES)}")


def run_timeline(args) -> int:
    from .. import plot  # matplotlib: imported only when a plot is drawn
    _check_out(args.out)
    relations = viz.parse_relations(args.relations)
    since = viz.parse_since(args.since)
    data = load_input(args)
    fig = plot.plot_timeline(data, actors=args.actor, relations=relations, freq=args.freq,
                             since=since, title=args.title)
    out = plot.save(fig, args.out, dpi=args.dpi)
    if not args.quiet:
        print(f"wrote {out}", file=sys.stderr)
    return 0


def run_network(args) -> int:
    from .. import plot
    _check_out(args.out)
    relations = viz.parse_relations(args.relations)
    since = viz.parse_since(args.since)
    data = load_input(args)
    fig = plot.plot_network(data, args.actor, relations=relations, since=since,
                            color_by=args.color_by, title=args.title)
    out = plot.save(fig, args.out, dpi=args.dpi)
    if not args.quiet:
        print(f"wrote {out}", file=sys.stderr)
    return 0
