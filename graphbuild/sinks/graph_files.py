"""GraphML and GEXF files of the graph (for Gephi, igraph, Cytoscape, networkx), via networkx.

Both hold :func:`graphbuild.merge.to_networkx`'s graph: Actor, Article and Event nodes, the
event links and the analyst edges (or, with ``actors_only``, just actors and analyst edges).
GEXF gives ``label`` and an edge's ``type`` meanings of its own (the displayed name; directed
or not), so there the node label is the actor's name / the article's title / the event's
trigger, the model label is ``node_type`` and the relationship type is ``relation``; analyst
edges weigh their mention count (Gephi's edge weight).
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ..errors import UserError
from ..merge import GraphData, analyst_view, to_networkx, write_graphml

GRAPH_FORMATS = ("graphml", "gexf")


def graph_of(data: GraphData, actors_only: bool = False) -> nx.MultiDiGraph:
    """The networkx graph to write: the whole model, or the actor-to-actor analyst edges."""
    g = to_networkx(data)
    return analyst_view(g) if actors_only else g


def gexf_graph(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``g`` with GEXF's reserved attributes (node ``label``, edge ``type``) moved aside."""
    out = nx.MultiDiGraph()
    for n, d in g.nodes(data=True):
        props = {k: v for k, v in d.items() if k != "label"}
        shown = d.get("name") or d.get("title") or d.get("trigger") or n
        out.add_node(n, label=str(shown), node_type=d.get("label", ""), **props)
    for u, v, k, d in g.edges(keys=True, data=True):
        props = {kk: vv for kk, vv in d.items() if kk != "type"}
        props.setdefault("weight", float(d.get("mentions", 1)))
        out.add_edge(u, v, key=k, relation=d.get("type", k), **props)
    return out


def write_graph_file(g: nx.MultiDiGraph, out: str | Path, fmt: str) -> None:
    """Write ``g`` as GraphML or GEXF 1.2 (written to a temporary file, then renamed)."""
    if fmt not in GRAPH_FORMATS:
        raise UserError(f"unknown graph format {fmt!r} (use {' or '.join(GRAPH_FORMATS)})")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "graphml":
        write_graphml(g, tmp)
    else:
        nx.write_gexf(gexf_graph(g), str(tmp))
    tmp.replace(out)
