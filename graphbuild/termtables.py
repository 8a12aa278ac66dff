"""Query results for people and programs: tables that fit the terminal, one field a line
(``vertical``, like psql's ``\\x``), Markdown, CSV and JSON.

Everything that comes from the data is made :func:`printable` first, in every format: an escape
sequence or a bidi override in an article title is shown, never interpreted by the terminal.
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import os
import re
import textwrap
from dataclasses import dataclass

FORMATS = ("table", "vertical", "markdown", "csv", "json")
#: Width when the output is not a terminal and ``$COLUMNS`` is unset (logs, pipes, files).
DEFAULT_WIDTH = 160
#: Columns at most this wide (relations, dates, ids, most names) are never wrapped, nor wider
#: ones whose typical cell is this short and whose longest is at most NAME_MAX (names).
SHORT = 24
NAME_MAX = 48
#: A long text column is not squeezed below this (it wraps at word boundaries instead).
LONG_MIN = 16
#: Characters the table adds: `` │ `` between columns (no outer border).
PER_COLUMN, EDGE = 3, -3

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEP_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_MARKDOWN = re.compile(r"([\\|*_`<>\[\]])")


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters (escape sequences, bidi overrides)
    shown as ``\\xNN`` / ``\\uNNNN`` instead of being interpreted."""
    return _CONTROL.sub(_escape, text)


def _escape(m: re.Match) -> str:
    return m.group().encode("unicode_escape").decode("ascii")


def cell(value) -> str:
    """One value as text: empty for null, JSON for lists and maps, ISO for dates."""
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


def terminal_width(out) -> int:
    """``$COLUMNS`` if set, else the terminal's width, else :data:`DEFAULT_WIDTH` (not a TTY)."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return max(int(env), 20)
    try:
        if out.isatty():
            return max(os.get_terminal_size(out.fileno()).columns, 20)
    except (OSError, ValueError, AttributeError):
        pass
    return DEFAULT_WIDTH


@dataclass
class Layout:
    """Column widths of a table and whether each column may wrap."""

    widths: list[int]
    wraps: list[bool]

    @property
    def total(self) -> int:
        return sum(self.widths) + PER_COLUMN * len(self.widths) + EDGE


def is_text(natural: int, mean: float) -> bool:
    """A free-text column (sentences, titles, URLs) that may wrap, unlike names and codes."""
    return natural > SHORT and (mean > SHORT or natural > NAME_MAX)


def fit_widths(natural: list[int], width: int, means: list[float] | None = None) -> Layout:
    """Widths for columns of ``natural`` widths (``means``: mean cell widths) in ``width`` characters.

    Short columns (:func:`is_text` false) keep their width and never wrap; long text columns
    share what remains, a narrower one taking only what it needs, each at least
    :data:`LONG_MIN`. When even that does not fit, the layout is wider than ``width`` (and
    :func:`write_table` shows the rows vertically rather than breaking a name or a relation).
    """
    room = width - PER_COLUMN * len(natural) - EDGE
    if sum(natural) <= room:
        return Layout(list(natural), [False] * len(natural))
    means = means if means is not None else [float(n) for n in natural]
    long = sorted((i for i, n in enumerate(natural) if is_text(n, means[i])), key=lambda i: natural[i])
    widths = list(natural)
    room -= sum(n for i, n in enumerate(natural) if i not in long)
    for k, i in enumerate(long):
        share = room // (len(long) - k) if room > 0 else 0
        widths[i] = min(natural[i], max(share, LONG_MIN))
        room -= widths[i]
    return Layout(widths, [i in long for i in range(len(natural))])


def write_rows(columns: list[str], rows: list[list], fmt: str, out, footer: bool = True) -> None:
    """Print query results in one of :data:`FORMATS` (``footer``: the row count after a table)."""
    if fmt == "json":
        write_json([dict(zip(columns, row)) for row in rows], out)
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow([_CONTROL_KEEP_LINES.sub(_escape, c) for c in columns])
        for row in rows:  # newlines and tabs are data here (quoted), other controls escaped
            writer.writerow([_CONTROL_KEEP_LINES.sub(_escape, cell(v)) for v in row])
    elif fmt == "markdown":
        write_markdown(columns, rows, out)
    elif fmt == "vertical":
        write_vertical(columns, rows, out, footer)
    else:
        write_table(columns, rows, out, footer)


def write_json(data, out) -> None:
    """JSON with non-ASCII text kept readable but C1 controls, bidi overrides and line
    separators written as ``\\uNNNN`` (the parsed value is unchanged)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, default=str)
    out.write(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def _markdown_cell(value) -> str:
    return _MARKDOWN.sub(r"\\\1", printable(cell(value)))


def write_markdown(columns: list[str], rows: list[list], out) -> None:
    """A GitHub-flavoured Markdown table (pipes and markup characters escaped)."""
    out.write("| " + " | ".join(_markdown_cell(c) for c in columns) + " |\n")
    out.write("|" + "|".join("---" for _ in columns) + "|\n")
    for row in rows:
        out.write("| " + " | ".join(_markdown_cell(v) for v in row) + " |\n")


def write_vertical(columns: list[str], rows: list[list], out, footer: bool = True) -> None:
    """One field a line, one block a row (psql's expanded display), values wrapped to the width."""
    width = terminal_width(out)
    names = [printable(c) for c in columns]
    from rich.cells import cell_len
    key = max((cell_len(n) for n in names), default=0)
    value_width = max(width - key - 3, LONG_MIN)
    for n, row in enumerate(rows, 1):
        head = f"-[ RECORD {n} ]"
        out.write(head + "-" * max(width - len(head), 0) + "\n")
        for name, value in zip(names, row):
            text = printable(cell(value))
            lines = textwrap.wrap(text, value_width, break_long_words=True, break_on_hyphens=False) or [""]
            pad = " " * (key - cell_len(name))
            out.write(f"{name}{pad} | {lines[0]}\n")
            for line in lines[1:]:
                out.write(f"{' ' * key} | {line}\n")
    if footer:
        out.write(row_count(len(rows)) + "\n")


def row_count(n: int) -> str:
    return f"{n} row{'s' if n != 1 else ''}"


def write_table(columns: list[str], rows: list[list], out, footer: bool = True) -> None:
    """A rich table as wide as the terminal: short columns whole, long text wrapped at words;
    rows that cannot fit that way are shown vertically (like psql's ``\\x auto``)."""
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    heads = [printable(c) for c in columns]
    body = [[printable(cell(v)) for v in row] for row in rows]
    natural = [max([cell_len(h)] + [cell_len(r[i]) for r in body]) for i, h in enumerate(heads)]
    means = [sum(cell_len(r[i]) for r in body) / len(body) if body else 0.0 for i in range(len(heads))]
    width = terminal_width(out)
    layout = fit_widths(natural, width, means)
    if layout.total > width:  # too many columns for the terminal: one field a line instead
        write_vertical(columns, rows, out, footer)
        return
    table = Table(box=box.MINIMAL_HEAVY_HEAD, show_edge=False, pad_edge=False, header_style="bold")
    for head, w, wraps in zip(heads, layout.widths, layout.wraps):
        table.add_column(escape(head), width=w, no_wrap=not wraps, overflow="fold")
    for row in body:
        table.add_row(*[escape(v) for v in row])
    console = Console(file=out, width=layout.total, color_system=None if not _isatty(out) else "auto",
                      highlight=False)
    console.print(table)
    if footer:
        console.print(row_count(len(rows)), style="dim")


def _isatty(out) -> bool:
    try:
        return out.isatty()
    except (ValueError, AttributeError):
        return False
