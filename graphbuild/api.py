"""The Python API for analysts (notebooks, scripts): query the store, load the events table.

    from graphbuild.api import run_query, events_frame
    df = run_query("graphbuild-out/graph.lbdb", "top_actors", {"limit": 5}, as_frame=True)
    events = events_frame("graphbuild-out/graph.lbdb")   # or an events.jsonl / .parquet

Errors are :class:`graphbuild.errors.UserError` with the same one-line messages as the CLI.
"""

from __future__ import annotations

import re
from pathlib import Path

from .errors import UserError
from .sinks.store import DEFAULT_STORE

__all__ = ["run_query", "events_frame", "events_table", "load_graph", "UserError", "DEFAULT_STORE"]

_NAME = re.compile(r"^[A-Za-z_][\w-]*$")


def run_query(store: str | Path, query: str, params: dict | None = None, as_frame: bool = False):
    """Run a library query (by name, e.g. ``"top_actors"``), a ``.cypher`` file, or Cypher text
    read-only on the store: ``(columns, rows)``, or a pandas DataFrame with ``as_frame``.

    Library queries get their declared defaults and refuse unknown or missing parameters,
    exactly as ``graphbuild query`` does.
    """
    from .commands.query import bind, find_query
    from .cypher_guard import check_read_only
    from .sinks import store as st
    if _NAME.match(query) or query.endswith(".cypher"):
        q = find_query(query)
        check_read_only(q.text)
        return st.run_query(store, q.text, bind(q, params or {}), as_frame=as_frame)
    return st.run_query(store, query, params, as_frame=as_frame)


def events_table(source: str | Path | None = None):
    """The flat events table (see :mod:`graphbuild.tables`) as a ``pyarrow.Table``."""
    from .tables import events_table as table, load_any
    return table(load_any(source))


def events_frame(source: str | Path | None = None):
    """The flat events table of a store or an events.jsonl/.parquet as a pandas DataFrame:
    the same columns and values as ``graphbuild export events``."""
    from .tables import to_frame
    return to_frame(events_table(source))


def load_graph(source: str | Path | None = None):
    """The whole graph (actors, articles, events) of a store or events files as ``GraphData``."""
    from .tables import load_any
    return load_any(source)
