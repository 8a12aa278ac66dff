"""``graphbuild check``: counts and invariants of the embedded store (detects silent corruption)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..sinks import store as st


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "check", help="verify the embedded store: counts and invariants",
        description="Open the store read-only (completing an interrupted checkpoint if needed), "
                    "print its counts and verify its invariants: unique ids; every event with its "
                    "article, source and target; analyst edges equal to their recomputation from "
                    "the events. Exit 0 if consistent, 2 otherwise (one line per problem).")
    p.add_argument("--store", type=Path, default=st.DEFAULT_STORE,
                   help=f"store file (default: {st.DEFAULT_STORE})")
    p.add_argument("--quiet", "-q", action="store_true", help="print only problems")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    counts, problems = st.check(args.store)
    report(problems, "check")
    if not args.quiet:
        print(f"{args.store}: {counts['Article']:,} articles, {counts['Event']:,} events, "
              f"{counts['Actor']:,} actors, {counts['analyst_edges']:,} analyst edges: "
              + ("consistent" if not problems else f"{len(problems)} problem(s)"))
    return 2 if problems else 0


def report(problems: list[str], command: str) -> None:
    for problem in problems:
        print(f"graphbuild {command}: store check: {problem}", file=sys.stderr)
