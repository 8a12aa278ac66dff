"""Interactive offline graph view: one self-contained HTML file (SVG + inline vanilla JS).

Actors are nodes (colour by country or kind, size by degree), analyst edges join them (colour
by relation, width by mentions); clicking shows the evidence sentences. The layout is computed
here with networkx so the file needs no layout library; the page only draws and interacts.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
import zlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import networkx as nx

from .errors import UserError
from .lookup import resolve_actor
from .merge import GraphData, analyst_edges
from .model import AnalystEdge, Event
from .paths import data_path
from .vocab import ACTOR_KINDS, RELATION_NAMES, relations

#: Width and height of the layout box in SVG user units (the page scales it to the window).
CANVAS = (1200.0, 800.0)
#: Space between packed components, in the layout's unit (the typical distance between neighbours).
GAP = 1.2
#: Above this many nodes only the best-connected get a permanent label (the rest on hover).
MAX_LABELS = 80
#: Buckets of ``graphbuild plot timeline`` and the formats of ``graphbuild plot``: defined here, not
#: in graphbuild.plot, so the CLI offers them without importing matplotlib at every start-up.
PLOT_FREQS = ("week", "month")
PLOT_SUFFIXES = (".png", ".svg", ".pdf")


def edge_curvatures(edges, step: float) -> list[float]:
    """A curvature per edge so that parallel edges between one pair of actors bend apart
    (0 for a lone edge); the sign is relative to source->target, so both directions of a pair
    share one side of the fan."""
    count: dict[frozenset, int] = defaultdict(int)
    for e in edges:
        count[frozenset((e.source_id, e.target_id))] += 1
    seen: dict[frozenset, int] = defaultdict(int)
    out = []
    for e in edges:
        pair = frozenset((e.source_id, e.target_id))
        i, n = seen[pair], count[pair]
        seen[pair] += 1
        curve = step * (i - (n - 1) / 2) if n > 1 else 0.0
        out.append(-curve if n > 1 and e.source_id > e.target_id else curve)
    return out


# --------------------------------------------------------------------------- input


def default_store() -> Path:
    """Where ``graphbuild build`` writes the store by default."""
    from .sinks.store import DEFAULT_STORE
    return Path(DEFAULT_STORE)


def load_graph(store: str | Path | None = None, events: str | Path | None = None,
               articles: str | Path | None = None) -> GraphData:
    """The graph to show: from an ``events.jsonl`` (plus optional articles JSONL metadata) when
    ``events`` is given, else from the embedded store at ``store`` (default: the build's)."""
    if events is not None:
        from .merge import load_events_jsonl
        from .model import ARTICLE_PROPS, Article
        try:
            data = load_events_jsonl(events)
        except OSError as exc:
            raise UserError(f"cannot read {events}: {exc.strerror}") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise UserError(f"{events}: not an events JSONL file ({exc})") from None
        if articles is not None:
            try:
                with open(articles, encoding="utf-8") as fh:
                    for n, line in enumerate(fh, 1):
                        if line.strip():
                            rec = json.loads(line)
                            data.add_article(Article(**{k: rec.get(k) for k in ARTICLE_PROPS}))
            except OSError as exc:
                raise UserError(f"cannot read {articles}: {exc.strerror}") from None
            except (ValueError, AttributeError) as exc:
                raise UserError(f"{articles}:{n}: not an article record ({exc})") from None
        return data
    from .sinks.store import read_graph
    return read_graph(store if store is not None else default_store())


# --------------------------------------------------------------------------- colours

@dataclass(frozen=True)
class Palette:
    """Colours from ``data/viz/colors.tsv``: per relation, per actor kind, per country.

    A country's colour is fixed (its ``country`` row, else a colour of the ``palette`` cycle
    picked by a stable hash of its code), so it is the same in every view and plot."""

    relation: dict[str, str]
    kind: dict[str, str]
    cycle: tuple[str, ...]
    missing: str
    country: dict[str, str] = field(default_factory=dict)

    def country_color(self, code: str) -> str:
        """The colour of one country code (ISO3)."""
        fixed = self.country.get(code)
        if fixed is not None or not self.cycle:
            return fixed or self.missing
        return self.cycle[zlib.crc32(code.encode("utf-8")) % len(self.cycle)]

    def countries(self, codes) -> dict[str, str]:
        """A colour per distinct country code in ``codes``."""
        return {c: self.country_color(c) for c in sorted(set(codes))}


@lru_cache(maxsize=1)
def palette() -> Palette:
    rel, kind, country, cycle, missing = {}, {}, {}, [], "#bab0ac"
    with open(data_path("viz", "colors.tsv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            group, key, color = row["group"], row["key"], row["color"]
            if group == "relation":
                rel[key] = color
            elif group == "kind":
                kind[key] = color
            elif group == "country":
                country[key] = color
            elif group == "palette":
                cycle.append(color)
            elif group == "missing":
                missing = color
    for name in RELATION_NAMES:  # a relation added to the vocabulary still gets a colour
        rel.setdefault(name, cycle[len(rel) % len(cycle)])
    for k in ACTOR_KINDS:
        kind.setdefault(k, missing)
    return Palette(rel, kind, tuple(cycle), missing, country)


# --------------------------------------------------------------------------- selection

def parse_relations(text: str | list[str] | None) -> list[str] | None:
    """``"blamed,RECOGNIZED"`` -> ``["BLAMED", "RECOGNIZED"]``; unknown names are a UserError."""
    if text is None:
        return None
    parts = text if isinstance(text, list) else [text]
    names = [p.strip().upper() for t in parts for p in t.split(",") if p.strip()]
    if not names:
        raise UserError("--relations: give at least one relation name")
    bad = [n for n in names if n not in relations()]
    if bad:
        raise UserError(f"unknown relation {bad[0]!r} (known: {', '.join(RELATION_NAMES)})")
    return list(dict.fromkeys(names))


def parse_since(text: str | None) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` -> the first day it names, as ``YYYY-MM-DD``."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text.strip())
    try:
        if not m:
            raise ValueError
        return date(int(m[1]), int(m[2] or 1), int(m[3] or 1)).isoformat()
    except ValueError:
        raise UserError(f"--since: {text!r} is not a date (use YYYY-MM-DD, YYYY-MM or YYYY)") from None


def filter_events(data: GraphData, relations: list[str] | None = None,
                  since: str | None = None) -> list[Event]:
    """Events of the chosen relations dated on or after ``since`` (undated ones drop out then)."""
    wanted = set(relations) if relations else None
    out = []
    for ev in data.events.values():
        if wanted is not None and ev.relation not in wanted:
            continue
        if since is not None and (not ev.date or ev.date[:10] < since):
            continue
        out.append(ev)
    return out


@dataclass
class Selection:
    """What a view shows: actor ids, analyst edges over them, and the events behind each edge."""

    actor_ids: list[str]
    edges: list[AnalystEdge]
    evidence: dict[tuple[str, str, str], list[Event]] = field(default_factory=dict)
    not_counted: dict[tuple[str, str, str], list[Event]] = field(default_factory=dict)
    focus: str | None = None


def select(data: GraphData, actor: str | None = None, relations: list[str] | None = None,
           since: str | None = None) -> Selection:
    """The nodes and edges to show.

    No filter: every actor of the graph (isolated ones too). ``relations``/``since``: the
    actors touching a remaining edge. ``actor``: its ego network (the actor, its neighbours and
    the edges among them).
    """
    focus = resolve_actor(data.actors, actor) if actor else None
    events = filter_events(data, relations, since)
    edges = analyst_edges(events)
    if focus is not None:
        hood = {focus} | {e.target_id for e in edges if e.source_id == focus} \
            | {e.source_id for e in edges if e.target_id == focus}
        edges = [e for e in edges if e.source_id in hood and e.target_id in hood]
        ids = hood
    elif relations or since:
        ids = {e.source_id for e in edges} | {e.target_id for e in edges}
    else:
        ids = set(data.actors)
    ids = {i for i in ids if i in data.actors}
    edges = [e for e in edges if e.source_id in ids and e.target_id in ids]
    keys = {(e.source_id, e.relation, e.target_id) for e in edges}
    evidence: dict = defaultdict(list)
    not_counted: dict = defaultdict(list)
    for ev in events:
        k = (ev.source_id, ev.relation, ev.target_id)
        if k in keys:
            (evidence if ev.counts_as_fact else not_counted)[k].append(ev)
    order = lambda evs: sorted(evs, key=lambda e: (e.date or "", e.id))  # noqa: E731
    return Selection(
        actor_ids=sorted(ids), edges=edges,
        evidence={k: order(v) for k, v in evidence.items()},
        not_counted={k: order(v) for k, v in not_counted.items()}, focus=focus)


# --------------------------------------------------------------------------- layout

def _typical_spacing(points: list) -> float:
    """Median distance from a node to its nearest neighbour: scaling every component by it
    gives all components the same node density (a hub's core is not squeezed to fit)."""
    import numpy as np

    xy = np.asarray(points, dtype=float)
    if len(xy) > 2000:  # keep the pairwise matrix small: a sample estimates the median well
        xy = xy[np.random.default_rng(0).choice(len(xy), 2000, replace=False)]
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    return float(np.median(d.min(axis=1))) or 1.0


def layout(node_ids: list[str], edges: list[AnalystEdge], focus: str | None = None,
           seed: int = 7) -> dict[str, tuple[float, float]]:
    """Deterministic positions in ``CANVAS`` units: spring layout per connected component,
    each scaled to the same node spacing, packed in rows (largest first) so small components
    and isolated actors do not crowd the big one."""
    g = nx.Graph()
    g.add_nodes_from(node_ids)
    for e in edges:
        w = g.get_edge_data(e.source_id, e.target_id, {}).get("weight", 0)
        g.add_edge(e.source_id, e.target_id, weight=w + math.log1p(e.mentions))
    comps = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    boxes = []  # (positions in a unit box scaled by sqrt(size), width, height)
    for comp in comps:
        sub = g.subgraph(comp)
        n = len(comp)
        if n == 1:
            pos = {comp[0]: (0.0, 0.0)}
        else:
            fixed = {focus: (0.0, 0.0)} if focus in sub else None
            raw = nx.spring_layout(sub, k=1.6 / math.sqrt(n), iterations=200, seed=seed,
                                   weight=None, pos=fixed, fixed=list(fixed) if fixed else None)
            unit = _typical_spacing(list(raw.values()))
            xs = [p[0] for p in raw.values()]
            ys = [p[1] for p in raw.values()]
            pos = {k: ((p[0] - min(xs)) / unit, (p[1] - min(ys)) / unit) for k, p in raw.items()}
        w = max(p[0] for p in pos.values()) - min(p[0] for p in pos.values())
        h = max(p[1] for p in pos.values()) - min(p[1] for p in pos.values())
        boxes.append((pos, w, h))
    # shelf packing: fill rows up to a width proportional to the total area
    total = sum((w + GAP) * (h + GAP) for _, w, h in boxes) or 1.0
    row_width = max(math.sqrt(total * CANVAS[0] / CANVAS[1]), max((w + GAP for _, w, _ in boxes), default=1))
    out: dict[str, tuple[float, float]] = {}
    x = y = row_h = 0.0
    for pos, w, h in boxes:
        if x > 0 and x + w > row_width:
            x, y, row_h = 0.0, y + row_h + GAP, 0.0
        for k, (px, py) in pos.items():
            out[k] = (x + px, y + py)
        x += w + GAP
        row_h = max(row_h, h)
    if not out:
        return out
    xs = [p[0] for p in out.values()]
    ys = [p[1] for p in out.values()]
    w, h = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    margin = 60.0
    scale = min((CANVAS[0] - 2 * margin) / w, (CANVAS[1] - 2 * margin) / h)
    ox = (CANVAS[0] - w * scale) / 2 - min(xs) * scale
    oy = (CANVAS[1] - h * scale) / 2 - min(ys) * scale
    return {k: (round(ox + px * scale, 2), round(oy + py * scale, 2)) for k, (px, py) in out.items()}


# --------------------------------------------------------------------------- payload

def _safe_url(url: str | None) -> str | None:
    """Only http(s) links reach the page (no ``javascript:`` or ``data:`` URLs)."""
    if url and re.match(r"(?i)^https?://", url.strip()):
        return url.strip()
    return None


def payload(data: GraphData, sel: Selection, title: str = "graphbuild graph",
            filters: dict | None = None) -> dict:
    """Everything the page needs, as JSON-able data (node/edge/article lists by index)."""
    pal = palette()
    pos = layout(sel.actor_ids, sel.edges, sel.focus)
    index = {a: i for i, a in enumerate(sel.actor_ids)}
    degree: dict[str, int] = defaultdict(int)
    for e in sel.edges:
        degree[e.source_id] += 1
        degree[e.target_id] += 1
    nodes = []
    for aid in sel.actor_ids:
        a = data.actors[aid]
        d = degree[aid]
        nodes.append({
            "id": a.id, "name": a.name or a.id, "kind": a.kind, "country": a.country,
            "role": a.role, "cameo": a.cameo, "wikidata": a.wikidata, "aliases": list(a.aliases),
            "degree": d, "r": round(5 + 3.2 * math.sqrt(d), 2),
            "x": pos[aid][0], "y": pos[aid][1], "focus": aid == sel.focus,
        })
    labelled = sorted(sel.actor_ids, key=lambda i: (-degree[i], i))[:MAX_LABELS]
    if len(sel.actor_ids) > MAX_LABELS:  # big view: pairs and loners get their label on hover
        labelled = [i for i in labelled if degree[i] >= 2]
    for i in labelled:
        nodes[index[i]]["label"] = True

    art_index: dict[str, int] = {}
    articles = []

    def art(aid: str) -> int:
        if aid not in art_index:
            a = data.articles.get(aid)
            art_index[aid] = len(articles)
            articles.append({
                "id": aid, "title": a.title if a else None, "url": _safe_url(a.url) if a else None,
                "source": a.source if a else None, "published": a.published if a else None})
        return art_index[aid]

    def ev_json(ev: Event) -> dict:
        rb = data.actors.get(ev.reported_by_id) if ev.reported_by_id else None
        return {"id": ev.id, "date": ev.date, "sentence": ev.sentence, "trigger": ev.trigger,
                "modality": ev.modality, "negated": ev.negated, "confidence": ev.confidence,
                "field": ev.field, "article": art(ev.article_id),
                "reportedBy": rb.name if rb else None}

    max_m = max((e.mentions for e in sel.edges), default=1)
    edges = []
    for e, curve in zip(sel.edges, edge_curvatures(sel.edges, 0.18)):
        k = (e.source_id, e.relation, e.target_id)
        edges.append({
            "s": index[e.source_id], "t": index[e.target_id], "rel": e.relation,
            "mentions": e.mentions, "articles": e.articles, "first": e.first_seen,
            "last": e.last_seen, "confidence": e.confidence, "curve": round(curve, 3),
            "w": round(1.2 + 5.0 * math.sqrt(e.mentions / max_m), 2),
            "ev": [ev_json(ev) for ev in sel.evidence.get(k, [])],
            "other": [ev_json(ev) for ev in sel.not_counted.get(k, [])],
        })

    rel_counts: dict[str, int] = defaultdict(int)
    for e in sel.edges:
        rel_counts[e.relation] += 1
    rels = [{"name": r.name, "label": r.label, "color": pal.relation[r.name],
             "edges": rel_counts[r.name], "comment": r.comment}
            for r in relations().values() if rel_counts[r.name]]
    countries = pal.countries(n["country"] for n in nodes if n["country"])
    kinds = {k: pal.kind[k] for k in ACTOR_KINDS if any(n["kind"] == k for n in nodes)}
    for n in nodes:
        if n["kind"] not in kinds:
            kinds[n["kind"]] = pal.missing
    return {
        "title": title, "filters": filters or {}, "canvas": list(CANVAS),
        "relations": rels, "colors": {"country": countries, "kind": kinds, "missing": pal.missing},
        "nodes": nodes, "edges": edges, "articles": articles,
        "stats": {"actors_in_graph": len(data.actors), "events_in_graph": len(data.events)},
    }


# --------------------------------------------------------------------------- HTML

def embed_json(obj) -> str:
    """JSON safe inside ``<script type="application/json">``: ``<``, ``>``, ``&`` escaped,
    so no ``</script>`` or ``<!--`` in actor names or sentences can end the block."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(doc: dict) -> str:
    """The page: template + inline CSS + inline JS + embedded data; no external resource."""
    asset = lambda name: data_path("viz", name).read_text(encoding="utf-8")  # noqa: E731
    page = asset("graph.html")
    parts = {
        "{{TITLE}}": html.escape(doc["title"]),
        "{{CSS}}": asset("graph.css"),
        "{{DATA}}": embed_json(doc),
        "{{JS}}": asset("graph.js"),
    }
    return re.sub(r"\{\{(TITLE|CSS|DATA|JS)\}\}", lambda m: parts[m[0]], page)


@dataclass
class VizResult:
    """What was written: the file and how many nodes/edges it shows."""

    path: Path
    nodes: int
    edges: int


def write_viz(data: GraphData, out: str | Path, actor: str | None = None,
              relations: list[str] | None = None, since: str | None = None,
              title: str | None = None) -> VizResult:
    """Select, lay out and write the interactive HTML view of ``data`` to ``out``."""
    sel = select(data, actor=actor, relations=relations, since=since)
    filters = {"actor": data.actors[sel.focus].name if sel.focus else None,
               "relations": relations, "since": since}
    if title is None:
        bits = [f"ego network of {filters['actor']}" if sel.focus else "actor network"]
        if relations:
            bits.append(", ".join(relations))
        if since:
            bits.append(f"since {since}")
        title = "graphbuild: " + " · ".join(bits)
    doc = payload(data, sel, title=title, filters=filters)
    out = Path(out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(doc), encoding="utf-8")
    return VizResult(out, len(doc["nodes"]), len(doc["edges"]))
