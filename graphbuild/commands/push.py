"""``graphbuild push neo4j``: merge an existing build (embedded store or events.jsonl) into Neo4j.

The push is idempotent and incremental (see :mod:`graphbuild.sinks.neo4j`): rerun it after an
interruption, or push several overlapping builds into one shared database.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .. import progress
from ..errors import UserError
from ..merge import GraphData
from ..model import Article, ARTICLE_PROPS


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "push", help="push a built graph into an external database (Neo4j)",
        description="Push a built graph into an external database.")
    targets = p.add_subparsers(dest="target", metavar="TARGET")
    targets.required = True
    n = targets.add_parser(
        "neo4j", help="merge the graph into Neo4j 5 / Aura",
        description="Merge the graph of an embedded store (or an events.jsonl) into Neo4j 5 / Aura "
                    "with the official driver: constraints and indexes first, then UNWIND batches "
                    "in managed transactions. Idempotent: pushing twice changes nothing. The password "
                    "comes from NEO4J_PASSWORD or --neo4j-password-file, never from the command line.",
        epilog="example: NEO4J_URI=neo4j+s://xxxx.databases.neo4j.io NEO4J_PASSWORD=... "
               "graphbuild push neo4j --store graphbuild-out/graph.lbdb")
    src = n.add_mutually_exclusive_group(required=True)
    src.add_argument("--store", type=Path, metavar="PATH", help="embedded store written by `graphbuild build`")
    src.add_argument("--events", type=Path, metavar="JSONL",
                     help="events.jsonl written by `graphbuild extract` / `build` (instead of a store)")
    n.add_argument("--articles", type=Path, metavar="JSONL",
                   help="with --events: article metadata (id, title, url, source, published, sha256)")
    n.add_argument("--quiet", "-q", action="store_true", help="no progress bar and no summary line")
    progress.add_argument(n)
    from ..sinks import neo4j as sink
    sink.add_connection_arguments(n)
    n.set_defaults(func=run)
    return p


def load_graph(args) -> GraphData:
    """The graph to push: read back from the store, or rebuilt from JSONL files."""
    if args.store is not None:
        if not Path(args.store).exists():
            raise UserError(f"no store at {args.store} (build one with `graphbuild build`)")
        from ..sinks.store import read_graph
        return read_graph(args.store)
    if args.articles is not None and args.events is None:
        raise UserError("--articles needs --events")
    data = GraphData()
    _read_jsonl(args.events, data.add_record)
    if args.articles is not None:
        _read_jsonl(args.articles, lambda d: data.add_article(
            Article(**{k: d.get(k) for k in ARTICLE_PROPS})))
    return data


def _read_jsonl(path: Path, add) -> None:
    try:
        fh = open(path, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read {path}: {exc.strerror}") from None
    with fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                add(json.loads(line))
            except (ValueError, KeyError, TypeError) as exc:
                raise UserError(f"{path}:{lineno}: not a valid record ({exc})") from None


def run(args) -> int:
    from ..sinks import neo4j as sink
    return sink.run_push(load_graph(args), args)
