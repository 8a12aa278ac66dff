"""graphbuild's public Python API: what notebooks and scripts import.

One stable surface over the stages (``graphbuild.commands.*`` are the CLI's internals and may
change): extract articles, build the embedded store, read it back, run library queries, export
RDF, push to Neo4j, draw, and load the flat events table or a query's rows as pandas
DataFrames::

    from graphbuild.api import run_query, events_frame
    df = run_query("graphbuild-out/graph.lbdb", "top_actors", {"limit": 5}, as_frame=True)
    events = events_frame("graphbuild-out/graph.lbdb")   # or an events.jsonl / .parquet

``notebooks/walkthrough.ipynb`` uses nothing else. Errors are :class:`graphbuild.errors.UserError`
with the same one-line messages as the CLI.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .commands.build import BuildReport, build_from_records
from .commands.query import bind, find_query, library
from .merge import GraphData, analyst_view
from .model import Article
from .paths import SHARED_DIR
from .pipeline import run_extraction
from .sinks.rdf import run_sparql_rdflib, sparql_queries, write_rdf
from .sinks.store import counts, read_graph
from .viz import layout, palette, write_viz

__all__ = [
    "SHARED_DIR", "Extraction", "QueryResult", "GraphData", "BuildReport",
    "extract", "build", "read_graph", "counts", "query", "queries", "analyst_view",
    "write_rdf", "sparql_queries", "run_sparql_rdflib", "push_neo4j",
    "write_viz", "layout", "palette", "plot_timeline", "plot_network", "save_plot",
    "run_query", "events_frame", "events_table", "load_graph",
]


@dataclass
class Extraction:
    """Everything extracted from some inputs: the articles, their event records, the skipped inputs."""

    articles: list[Article] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class QueryResult:
    """A library query's answer: its name and one-line summary, the columns and the rows."""

    name: str
    summary: str
    columns: list[str]
    rows: list[list]

    def frame(self):
        """The rows as a pandas DataFrame (pandas comes with the ``notebook`` extra)."""
        import pandas as pd
        return pd.DataFrame(self.rows, columns=self.columns)


def extract(inputs: Iterable[str | Path], jobs: int = 1) -> Extraction:
    """Extract events from files, directories or JSONL (as ``graphbuild extract``), in memory."""
    out = Extraction()
    for result in run_extraction([str(p) for p in inputs], jobs=jobs):
        if result.error is not None:
            out.skipped.append(str(result.error))
        else:
            out.articles.append(result.article)
            out.records.extend(result.records)
    return out


def build(store: str | Path, extraction: Extraction) -> BuildReport:
    """Merge extracted records into the embedded store at ``store`` (incremental, as ``graphbuild build``)."""
    return build_from_records(store, extraction.articles, extraction.records)


def query(store: str | Path, name_or_file: str, **params) -> QueryResult:
    """Run a ``queries/`` library query (or a Cypher file) on the store, read-only, with parameters."""
    from .sinks.store import run_query
    q = find_query(name_or_file)
    columns, rows = run_query(store, q.text, bind(q, params))
    return QueryResult(q.name, q.summary, list(columns), [list(r) for r in rows])


def queries() -> dict[str, str]:
    """The query library: name -> what it answers."""
    return {q.name: q.summary for q in library()}


# graphbuild.plot switches matplotlib to its Agg backend when imported, which would silence
# plt.show() in a notebook: it is imported only when a plot is drawn.
def plot_timeline(data: GraphData, *args, **kwargs):
    """Stacked bars of factual events per week or month (``graphbuild plot timeline``): a Figure."""
    from . import plot
    return plot.plot_timeline(data, *args, **kwargs)


def plot_network(data: GraphData, actor: str, *args, **kwargs):
    """The ego network of one actor (``graphbuild plot network``): a Figure."""
    from . import plot
    return plot.plot_network(data, actor, *args, **kwargs)


def save_plot(fig, out: str | Path, dpi: int = 150) -> Path:
    """Write a figure; the format follows the suffix (.png, .svg, .pdf)."""
    from . import plot
    return plot.save(fig, out, dpi=dpi)


def push_neo4j(data: GraphData, quiet: bool = True):
    """Push a graph to Neo4j configured by NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE."""
    from .sinks import neo4j
    cfg = neo4j.config_from_args(argparse.Namespace())
    return cfg, neo4j.push(data, cfg, quiet=quiet)


_NAME = re.compile(r"^[A-Za-z_][\w-]*$")


def run_query(store: str | Path, query: str, params: dict | None = None, as_frame: bool = False,
              by: str | None = None):
    """Run a library query (by name, e.g. ``"top_actors"``), a ``.cypher`` file, or Cypher text
    read-only on the store: ``(columns, rows)``, or a pandas DataFrame with ``as_frame``.

    Library queries get their declared defaults and refuse unknown or missing parameters,
    exactly as ``graphbuild query`` does; ``by="country"`` runs a library query's roll-up
    (``query --by country``).
    """
    from .sinks import store as st  # st.run_query refuses anything but reading, for every source
    if by is not None or _NAME.match(query) or query.endswith(".cypher"):
        q = find_query(query, by=by)
        return st.run_query(store, q.text, bind(q, params or {}), as_frame=as_frame, by_country=by == "country")
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
