"""``graphbuild query``: run a library query (``queries/``), a Cypher file, ``-e CYPHER`` or Cypher
from stdin (``-``) on the embedded store, read-only, with optional filters (``--since`` ...).

Library layout: ``queries/NAME.cypher`` runs unchanged on LadybugDB and Neo4j 5; where the
dialects differ, ``queries/lbdb/NAME.cypher`` and ``queries/neo4j/NAME.cypher`` sit side by side
with the same columns. The embedded store uses the ``lbdb`` file when there is one.
``--by country`` runs the roll-up version of a query from ``queries/by_country/`` (same layout),
with ``$actor``/``$other`` resolved to their country.
"""

from __future__ import annotations

import argparse
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
from ..termtables import FORMATS, write_json, write_rows
from ..vocab import RELATION_NAMES

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
    """Read a Cypher file (see :func:`parse_text`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read query file {path}: {exc}") from None
    return parse_text(text, name or path.stem, path)


def parse_text(text: str, name: str, path: Path) -> Query:
    """Cypher text: the header comment's first paragraph = its description, ``// @param x =
    default`` lines, ``$x`` uses (outside comments and strings) = its parameters."""
    defaults = {}
    for line in text.splitlines():
        m = _PARAM_DECL.match(line)
        if m:
            defaults[m.group(1)] = parse_value(m.group(2)) if m.group(2) else None
    params = list(dict.fromkeys(_PARAM_USE.findall(_STRIP.sub(" ", text))))
    defaults = {k: v for k, v in defaults.items() if v is not None}
    return Query(name=name, path=path, text=text, summary=_first_paragraph(text), params=params,
                 defaults=defaults)


def _first_paragraph(text: str) -> str:
    """The header comment's first paragraph on one line (the query's whole description)."""
    lines = []
    for line in text.splitlines():
        body = line.strip()
        if not body.startswith("//"):
            break
        words = body.lstrip("/").strip()
        if not words:
            if lines:
                break
            continue
        if _PARAM_DECL.match(line):
            break
        lines.append(words)
    return " ".join(lines)


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


@dataclass(frozen=True)
class Filter:
    """A command-line filter and the query parameter it sets (only queries using it take it)."""

    flag: str
    param: str
    help: str


FILTERS = (
    Filter("--since", "since", "only events dated on or after this ISO date (YYYY-MM-DD)"),
    Filter("--until", "until", "only events dated on or before this ISO date (YYYY-MM-DD)"),
    Filter("--min-confidence", "min_confidence", "only events (or analyst edges) at least this confident (0-1)"),
    Filter("--relations", "relations", "only these relation types, comma-separated (e.g. BLAMED,CRITICIZED)"),
)

#: How ``query -e`` and ``query -`` name their Cypher in messages.
INLINE, STDIN = "--execute", "<stdin>"


def register(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "query", help="run a library query, a Cypher file, -e CYPHER or Cypher from stdin",
        description="Run Cypher on the embedded store (read-only; works while a build is running). "
                    "NAME is a query of the library in queries/ (see --list), a .cypher file, or - "
                    "to read Cypher from stdin; -e runs the Cypher given on the command line.")
    p.add_argument("query", nargs="?", metavar="NAME_OR_FILE", help="library query name, .cypher file or -")
    p.add_argument("--execute", "-e", metavar="CYPHER", help="run this Cypher (read-only statements only)")
    p.add_argument("--store", type=Path, default=st.DEFAULT_STORE,
                   help=f"store file (default: {st.DEFAULT_STORE})")
    p.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="query parameter; numbers become numbers, quote to force a string (repeatable)")
    for f in FILTERS:
        p.add_argument(f.flag, dest=f"filter_{f.param}", metavar="VALUE" if f.param != "relations" else "LIST",
                       help=f.help)
    p.add_argument("--format", "-f", choices=FORMATS, default="table",
                   help="output format (default: table, as wide as the terminal or $COLUMNS)")
    p.add_argument("--by", choices=ROLLUPS, default=None,
                   help="roll actors up to their country (PART_OF): $actor/$other stand for their whole "
                        "country and results are summed per country (queries in queries/by_country/)")
    p.add_argument("--list", action="store_true",
                   help="list the library queries: description, parameters, filters (any --format)")
    p.set_defaults(func=run)
    return p


def run(args) -> int:
    if sys.stdout is None:
        raise UserError("standard output is closed")
    if args.list:
        if args.query or args.execute:
            raise UserError("--list takes no query")
        print_library(args.format, sys.stdout, args.by)
        return 0
    query = load_query(args)
    try:
        check_read_only(query.text)
    except UserError as exc:
        raise UserError(f"{query.path}: {exc}") from None
    params = parse_params(args.param)
    params.update(filter_params(query, args, given=params))
    columns, rows = st.run_query(args.store, query.text, bind(query, params), by_country=args.by == "country")
    write_rows(columns, rows, args.format, sys.stdout)
    return 0


def load_query(args) -> Query:
    """The query to run: ``-e CYPHER``, ``-`` (stdin), a file or a library name."""
    if args.execute is not None or args.query == "-":
        if args.by:
            raise UserError(f"--by {args.by} works with library queries only, not with inline Cypher")
    if args.execute is not None:
        if args.query:
            raise UserError(f"give a query name or file, or -e CYPHER, not both ({args.query!r} and -e)")
        return _inline(args.execute, INLINE)
    if not args.query:
        raise UserError("give a query name, a .cypher file, - (stdin) or -e CYPHER (see --list)")
    if args.query == "-":
        if sys.stdin is None or sys.stdin.isatty():
            raise UserError("query -: pipe Cypher into stdin (or use -e CYPHER)")
        try:
            text = sys.stdin.read()
        except UnicodeDecodeError as exc:
            raise UserError(f"{STDIN}: not UTF-8 text ({exc.reason})") from None
        return _inline(text, STDIN)
    return find_query(args.query, by=args.by)


def _inline(text: str, name: str) -> Query:
    if not text.strip():
        raise UserError(f"{name}: no Cypher given")
    return parse_text(text, name, Path(name))


def filter_params(query: Query, args, given: dict) -> dict:
    """The parameters set by ``--since``/``--until``/``--min-confidence``/``--relations``,
    checked; a filter the query cannot take (no such ``$param``) is an error."""
    out = {}
    for f in FILTERS:
        raw = getattr(args, f"filter_{f.param}", None)
        if raw is None:
            continue
        if f.param not in query.params:
            takers = [q.name for q in library() if f.param in q.params]
            raise UserError(f"query {query.name} cannot take {f.flag}: it has no ${f.param} parameter "
                            f"({f.flag} applies to: {', '.join(takers) or 'no library query'})")
        if f.param in given:
            raise UserError(f"give {f.flag} or --param {f.param}=..., not both")
        out[f.param] = _FILTER_VALUE[f.param](raw, f.flag)
    if out.get("since") and out.get("until") and out["since"] > out["until"]:
        raise UserError(f"--since {out['since']} is after --until {out['until']}")
    return out


def _iso_date(text: str, flag: str) -> str:
    try:
        return _dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise UserError(f"{flag} {text!r} is not an ISO date (YYYY-MM-DD)") from None


def _confidence(text: str, flag: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise UserError(f"{flag} {text!r} is not a number between 0 and 1")
    return value


def _relations(text: str, flag: str) -> list[str]:
    names = [n.strip().upper() for n in text.split(",") if n.strip()]
    if not names:
        raise UserError(f"{flag} needs at least one relation type")
    unknown = [n for n in names if n not in RELATION_NAMES]
    if unknown:
        raise UserError(f"{flag}: unknown relation type{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(unknown)} (known: {', '.join(RELATION_NAMES)})")
    return list(dict.fromkeys(names))


_FILTER_VALUE = {"since": _iso_date, "until": _iso_date, "min_confidence": _confidence,
                 "relations": _relations}


def library_rows(dialect: str = "lbdb", by: str | None = None) -> list[dict]:
    """One entry per library query (``by``: its roll-up versions): name, description, parameters
    (default or required), filters."""
    out = []
    filters = {f.param: f.flag for f in FILTERS}
    for q in library(dialect, QUERIES_DIR / f"by_{by}" if by else None):
        params = {p: q.defaults.get(p) for p in q.params if p not in filters}
        out.append({"name": q.name, "description": q.summary,
                    "parameters": params, "required": [p for p in q.required if p not in filters],
                    "filters": [filters[p] for p in q.params if p in filters],
                    "file": str(q.path.relative_to(QUERIES_DIR)) if q.path.is_relative_to(QUERIES_DIR)
                    else str(q.path)})
    return out


def print_library(fmt: str, out, by: str | None = None) -> None:
    """The library with whole descriptions, in any output format (JSON keeps the structure)."""
    entries = library_rows(by=by)
    if fmt == "json":
        write_json(entries, out)
        return
    columns = ["name", "parameters", "filters", "description"]
    rows = [[e["name"],
             ", ".join(p if p in e["required"] else f"{p}={v}" for p, v in e["parameters"].items()),
             " ".join(e["filters"]), e["description"]] for e in entries]
    write_rows(columns, rows, fmt, out, footer=False)
