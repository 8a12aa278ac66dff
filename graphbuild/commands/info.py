"""``graphbuild info``: versions, the spaCy model, data file sizes and (``--store``) store counts,
for bug reports and for checking what a store was built from."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import UserError
from ..model import EVENT_LINKS
from ..paths import DATA_DIR
from ..vocab import RELATION_NAMES
from ..versions import data_files, extractor_fingerprint, model_name, tsv_rows, versions

NODE_LABELS = ("Article", "Actor", "Event")


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "info", help="versions, model, data file sizes and (with --store) the store's counts",
        description="Print graphbuild's version and those of Python, spaCy, the model, LadybugDB, "
                    "the neo4j driver and rdflib; the gazetteer and lexicon files with their rows; "
                    "with --store, the store's nodes per label and edges per type.")
    p.add_argument("--store", type=Path, default=None, help="also count what this store holds")
    p.add_argument("--model", default=None, help="spaCy model to report (default: the bundled one)")
    p.add_argument("--format", "-f", choices=("table", "json"), default="table",
                   help="output format (default: table)")
    p.set_defaults(func=run)
    return p


def collect(store: Path | None = None, model: str | None = None) -> dict:
    """Everything ``info`` prints, as plain data."""
    info = {"versions": versions(model), "model": model_name(model),
            "extractor_fingerprint": extractor_fingerprint(model),
            "data_dir": str(DATA_DIR),
            "data_files": {str(f.relative_to(DATA_DIR)): tsv_rows(f) for f in data_files()}}
    if store is not None:
        info["store"] = {"path": str(store), **store_counts(store)}
    return info


def store_counts(path: Path) -> dict[str, dict[str, int]]:
    """Nodes per label and relationships per type (event links and analyst relations)."""
    from ..sinks import store as st

    with st.open_store(path, read_only=True) as store:
        nodes = {label: int(store.execute(f"MATCH (n:{label}) RETURN count(n)")[0][0])
                 for label in NODE_LABELS}
        edges = {rel: int(store.execute(f"MATCH ()-[r:{rel}]->() RETURN count(r)")[0][0])
                 for rel in (*EVENT_LINKS, *RELATION_NAMES)}  # closed vocabulary only
    return {"nodes": nodes, "edges": edges}


def run(args) -> int:
    if args.store is not None and not Path(args.store).exists():
        raise UserError(f"no store at {args.store} (run `graphbuild build` first)")
    info = collect(args.store, args.model)
    if args.format == "json":
        json.dump(info, sys.stdout, indent=1, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print_tables(info)
    return 0


def print_tables(info: dict) -> None:
    """The info as rich tables on stdout (paths printed literally, never as markup)."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..termtables import printable

    def table(title: str, rows, right: bool = False) -> Table:
        t = Table(title=title, box=box.SIMPLE_HEAD, show_header=False, title_justify="left")
        t.add_column("", style="bold")
        t.add_column("", justify="right" if right else "left")
        for key, value in rows:
            t.add_row(escape(printable(str(key))), escape(printable(str(value))))
        return t

    console = Console()
    console.print(table("versions", [*info["versions"].items(),
                                     ("extractor fingerprint", info["extractor_fingerprint"])]))
    console.print(f"data files: {escape(printable(info['data_dir']))}")
    console.print(table("rows per data file", info["data_files"].items(), True))
    if "store" in info:
        s = info["store"]
        console.print(f"store: {escape(printable(s['path']))}")
        console.print(table("nodes per label", s["nodes"].items(), True))
        console.print(table("edges per type (non-zero)", [(k, v) for k, v in s["edges"].items() if v], True))
