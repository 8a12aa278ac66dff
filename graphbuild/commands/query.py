"""``graphbuild query``: run a library query (``queries/``) or a Cypher file on the embedded store.

Library layout: ``queries/NAME.cypher`` runs unchanged on LadybugDB and Neo4j 5; where the
dialects differ, ``queries/lbdb/NAME.cypher`` and ``queries/neo4j/NAME.cypher`` sit side by side
with the same columns. The embedded store uses the ``lbdb`` file when there is one.
``--by country`` runs the roll-up version of a query from ``queries/by_country/`` (same layout),
with ``$actor``/``$other`` resolved to their country.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..cypher_guard import check_read_only
from ..errors import UserError
from ..paths import QUERIES_DIR
from ..sinks import store as st

DIALECTS = ("lbdb", "neo4j")
#: Roll-ups ``--by`` offers, each a folder of queries (``queries/by_country/``).
ROLLUPS = ("country",)
_PARAM_DECL = re.compile(r"^\s*//\s*@param\s+([A-Za-z_]\w*)\s*(?:=\s*(.*?))?\s*$")
_STRIP = re.compile(r"//[^\n]*|/\*.*?\*/|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`[^`]*`", re.S)
_PARAM_USE = re.compile(r"\$([A-Za-z_]\w*)")
_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(\d+\.\d*|\.\d+|\d+(\.\d*)?[eE][+-]?\d+)$")


@dataclass
class Query:
    """A library query: its text, where it came from, its description and parameters."""

    name: str
    path: Path
    text: str
    summary: str = ""
    params: list[str] = field(default_factory=list)
    defaults: dict[str, object] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return [p for p in self.params if p not in self.defaults]


def parse_query(path: Path, name: str | None = None) -> Query:
    """Read a Cypher file: first comment line = summary, ``// @param x = default`` lines, ``$x`` uses."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read query file {path}: {exc}") from None
    summary, defaults = "", {}
    for line in text.splitlines():
        m = _PARAM_DECL.match(line)
        if m:
            defaults[m.group(1)] = parse_value(m.group(2)) if m.group(2) else None
        elif not summary and line.strip().startswith("//") and line.strip("/ \t"):
            summary = line.strip().lstrip("/").strip()
    params = list(dict.fromkeys(_PARAM_USE.findall(_STRIP.sub(" ", text))))
    defaults = {k: v for k, v in defaults.items() if v is not None}
    return Query(name=name or path.stem, path=path, text=text, summary=summary, params=params,
                 defaults=defaults)


def find_query(name_or_file: str, dialect: str = "lbdb", queries_dir: Path | None = None,
               by: str | None = None) -> Query:
    """A library query by name (the dialect's file first, then the portable one) or a file path;
    ``by="country"``: its roll-up version in ``queries/by_country/``."""
    qdir = Path(queries_dir or QUERIES_DIR)
    as_path = Path(name_or_file)
    if as_path.suffix == ".cypher" or "/" in name_or_file or as_path.is_file():
        if by:
            raise UserError(f"--by {by} works with library queries only, not with {name_or_file}")
        if not as_path.is_file():
            raise UserError(f"query file {name_or_file} not found")
        return parse_query(as_path)
    base = qdir / f"by_{by}" if by else qdir
    for candidate in (base / dialect / f"{name_or_file}.cypher", base / f"{name_or_file}.cypher"):
        if candidate.is_file():
            return parse_query(candidate, name_or_file)
    known = ", ".join(q.name for q in library(dialect, base))
    if by:
        raise UserError(f"query {name_or_file!r} has no --by {by} version (those with one: {known or 'none'})")
    raise UserError(f"unknown query {name_or_file!r} (known: {known})")


def library(dialect: str = "lbdb", queries_dir: Path | None = None) -> list[Query]:
    """Every library query as the given dialect sees it, sorted by name."""
    qdir = Path(queries_dir or QUERIES_DIR)
    found: dict[str, Path] = {p.stem: p for p in qdir.glob("*.cypher")}
    found.update({p.stem: p for p in (qdir / dialect).glob("*.cypher")})
    return [parse_query(found[n], n) for n in sorted(found)]


def parse_value(text: str):
    """A parameter value from the command line: int, float, true/false/null, JSON list, else string.

    Dates stay strings (the store keeps ISO dates as strings); quoted values are always strings.
    """
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if low == "null":
        return None
    if text.startswith("[") and text.endswith("]"):
        try:
            return json.loads(text)
        except ValueError:
            pass
    return text


def parse_params(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("$")
        if not sep or not re.match(r"^[A-Za-z_]\w*$", key):
            raise UserError(f"bad --param {pair!r} (expected key=value)")
        out[key] = parse_value(value)
    return out


def bind(query: Query, given: dict) -> dict:
    """The parameters to send: given values, then defaults; a missing or unknown one is an error."""
    missing = [p for p in query.required if p not in given]
    if missing:
        hint = " ".join(f"--param {p}=..." for p in missing)
        raise UserError(f"query {query.name} needs parameter{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(missing)} ({hint})")
    unknown = [p for p in given if p not in query.params]
    if unknown:
        takes = ", ".join(query.params) or "no parameters"
        raise UserError(f"query {query.name} has no parameter {', '.join(unknown)} (it takes: {takes})")
    return {p: given.get(p, query.defaults.get(p)) for p in query.params}


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "query", help="run a library query or a Cypher file on the embedded store",
        description="Run Cypher on the embedded store (read-only; works while a build is running). "
                    "NAME is a query of the library in queries/ (see --list), or a .cypher file.")
    p.add_argument("query", nargs="?", metavar="NAME_OR_FILE", help="library query name or .cypher file")
    p.add_argument("--store", type=Path, default=st.DEFAULT_STORE,
                   help=f"store file (default: {st.DEFAULT_STORE})")
    p.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="query parameter; numbers become numbers, quote to force a string (repeatable)")
    p.add_argument("--format", "-f", choices=("table", "csv", "json"), default="table",
                   help="output format (default: table)")
    p.add_argument("--by", choices=ROLLUPS, default=None,
                   help="roll actors up to their country (PART_OF): $actor/$other stand for their whole "
                        "country and results are summed per country (queries in queries/by_country/)")
    p.add_argument("--list", action="store_true", help="list the library queries and their parameters")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    if args.list or not args.query:
        if not args.list:
            raise UserError("give a query name or file (see --list)")
        print_library(getattr(args, "by", None))
        return 0
    query = find_query(args.query, by=args.by)
    try:
        check_read_only(query.text)
    except UserError as exc:
        raise UserError(f"{query.path}: {exc}") from None
    params = bind(query, parse_params(args.param))
    if sys.stdout is None:
        raise UserError("standard output is closed")
    columns, rows = st.run_query(args.store, query.text, params, by_country=args.by == "country")
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


def print_library(by: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    where = f"queries/by_{by}/" if by else "queries/"
    table = Table(title=f"graphbuild query library ({where})", show_lines=False)
    table.add_column("name", style="bold")
    table.add_column("parameters")
    table.add_column("answers")
    for q in library(queries_dir=QUERIES_DIR / f"by_{by}" if by else None):
        params = ", ".join(f"{p}={q.defaults[p]}" if p in q.defaults else p for p in q.params)
        table.add_row(q.name, params, q.summary)
    Console().print(table)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences, bidi overrides)
    shown as ``\\xNN`` / ``\\uNNNN`` instead of being interpreted."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def write_rows(columns: list[str], rows: list[list], fmt: str, out) -> None:
    """Print query results as a rich table, CSV or JSON (a list of objects)."""
    if fmt == "json":
        json.dump([dict(zip(columns, row)) for row in rows], out, ensure_ascii=False, indent=1,
                  default=str)
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(v) for v in row])
    else:
        from rich.console import Console
        from rich.markup import escape
        from rich.table import Table

        table = Table(show_lines=False, header_style="bold")
        for col in columns:
            table.add_column(escape(printable(col)), overflow="fold")
        for row in rows:
            table.add_row(*[escape(printable(_cell(v))) for v in row])
        # piped output keeps whole cells on one line instead of folding them to 80 columns
        console = Console(file=out, width=None if out.isatty() else 100_000)
        console.print(table)
        console.print(f"{len(rows)} row{'s' if len(rows) != 1 else ''}", style="dim")
