"""Static plots for reports: events over time by relation, and one actor's ego network.

matplotlib with the Agg backend (no display needed). Colours come from ``data/viz/colors.tsv``
like the interactive view, so a relation has the same colour everywhere.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import networkx as nx  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import FancyArrowPatch  # noqa: E402
from matplotlib.transforms import Bbox  # noqa: E402

from .errors import UserError  # noqa: E402
from .merge import GraphData  # noqa: E402
from .lookup import resolve_actor  # noqa: E402
from .viz import PLOT_FREQS, PLOT_SUFFIXES, edge_curvatures, palette, select  # noqa: E402
from .vocab import relations as vocab_relations  # noqa: E402

FREQS = PLOT_FREQS
#: Label text of the network plot carries this gid, so tests (and callers) can find the labels.
LABEL_GID = "node-label"


# --------------------------------------------------------------------------- timeline

def period_start(day: date, freq: str) -> date:
    """The Monday of ``day``'s ISO week, or the first of its month."""
    if freq == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_period(p: date, freq: str) -> date:
    if freq == "week":
        return p + timedelta(days=7)
    return date(p.year + (p.month == 12), p.month % 12 + 1, 1)


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


@dataclass
class Timeline:
    """Counts of events per period (continuous, gaps filled with 0) and relation."""

    periods: list[date]
    counts: dict[str, list[int]]
    actors: list[str]
    undated: int
    freq: str

    @property
    def total(self) -> int:
        return sum(sum(v) for v in self.counts.values())


def timeline_counts(data: GraphData, actors: list[str] | None = None,
                    relations: list[str] | None = None, freq: str = "month",
                    since: str | None = None) -> Timeline:
    """Events that count as fact (not negated, not hypothetical) per period and relation,
    those with one of ``actors`` (resolved by id/name/alias) as source or target."""
    if freq not in FREQS:
        raise UserError(f"--freq must be one of {', '.join(FREQS)}, not {freq!r}")
    ids = [resolve_actor(data.actors, a) for a in actors] if actors else []
    wanted_rel = set(relations) if relations else None
    buckets: dict[tuple[date, str], int] = defaultdict(int)
    undated = 0
    for ev in data.events.values():
        if not ev.counts_as_fact or (wanted_rel is not None and ev.relation not in wanted_rel):
            continue
        if ids and ev.source_id not in ids and ev.target_id not in ids:
            continue
        day = _parse_day(ev.date)
        if day is None:
            undated += 1
            continue
        if since and day.isoformat() < since:
            continue
        buckets[(period_start(day, freq), ev.relation)] += 1
    if not buckets:
        who = f" for {', '.join(data.actors[i].name for i in ids)}" if ids else ""
        raise UserError(f"no dated events{who} match these filters")
    first = min(p for p, _ in buckets)
    last = max(p for p, _ in buckets)
    periods = [first]
    while periods[-1] < last:
        periods.append(_next_period(periods[-1], freq))
    rels = [r for r in vocab_relations() if any(k[1] == r for k in buckets)]
    counts = {r: [buckets.get((p, r), 0) for p in periods] for r in rels}
    return Timeline(periods, counts, [data.actors[i].name for i in ids], undated, freq)


def plot_timeline(data: GraphData, actors: list[str] | None = None,
                  relations: list[str] | None = None, freq: str = "month",
                  since: str | None = None, title: str | None = None) -> Figure:
    """Stacked bars: events per week/month, one colour per relation."""
    tl = timeline_counts(data, actors, relations, freq, since)
    pal = palette()
    labels = {r.name: r.label for r in vocab_relations().values()}
    width_days = 6 if freq == "week" else 27
    n = len(tl.periods)
    fig = Figure(figsize=(min(16, max(8, 0.35 * n + 5)), 5.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    bottom = [0] * n
    x = [mdates.date2num(p) + width_days / 2 for p in tl.periods]  # bar centred in its period
    for rel, vals in tl.counts.items():
        ax.bar(x, vals, width=width_days, bottom=bottom, color=pal.relation[rel],
               label=f"{labels.get(rel, rel)} ({sum(vals)})", edgecolor="white", linewidth=0.5)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.xaxis_date()
    loc = mdates.AutoDateLocator(minticks=3, maxticks=12)
    ax.xaxis.set_major_locator(loc)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(loc))
    ax.yaxis.get_major_locator().set_params(integer=True)
    pad = 20 if freq == "week" else 40
    ax.set_xlim(mdates.date2num(tl.periods[0]) - pad / 2,
                mdates.date2num(_next_period(tl.periods[-1], freq)) + pad / 2)
    ax.set_ylim(0, max(bottom) * 1.12 + 0.5)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel("week (starting Monday)" if freq == "week" else "month")
    ax.set_ylabel(f"events per {freq}")
    who = ", ".join(tl.actors) if tl.actors else "all actors"
    note = f"{tl.total} event mentions (negated and hypothetical ones left out)"
    if tl.undated:
        note += f"; {tl.undated} undated not shown"
    ax.text(0, 1.01, note, transform=ax.transAxes, fontsize=8.5, color="#555", va="bottom")
    ax.set_title(title or f"Events per {freq} by relation — {who}", loc="left", fontsize=13, pad=18)
    ax.legend(title="relation", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


# --------------------------------------------------------------------------- network

def _node_size_pt2(degree: int) -> float:
    """Marker area (points^2) for a node with ``degree`` edges."""
    return 90 + 55 * math.sqrt(degree)


def plot_network(data: GraphData, actor: str, relations: list[str] | None = None,
                 since: str | None = None, color_by: str = "country",
                 title: str | None = None, seed: int = 7) -> Figure:
    """The ego network of ``actor``: edge colour by relation, node colour by country or kind,
    labels placed so that none overlaps another label or a node."""
    if color_by not in ("country", "kind"):
        raise UserError(f"--color-by must be country or kind, not {color_by!r}")
    sel = select(data, actor=actor, relations=relations, since=since)
    pal = palette()
    ego = sel.focus
    if not sel.edges:
        raise UserError(f"{data.actors[ego].name} has no edges that match these filters")
    n = len(sel.actor_ids)
    g = nx.Graph()
    g.add_nodes_from(sel.actor_ids)
    g.add_edges_from((e.source_id, e.target_id) for e in sel.edges if e.source_id != e.target_id)
    if n == 1:
        pos = {ego: (0.0, 0.0)}
    else:
        pos = nx.spring_layout(g, k=2.2 / math.sqrt(n), iterations=300, seed=seed,
                               pos={ego: (0.0, 0.0)}, fixed=[ego])
        # spread: scale so the farthest node sits at radius 1
        far = max(math.hypot(*p) for p in pos.values()) or 1.0
        pos = {k: (p[0] / far, p[1] / far) for k, p in pos.items()}
    degree: dict[str, int] = defaultdict(int)
    for e in sel.edges:
        degree[e.source_id] += 1
        degree[e.target_id] += 1

    side = min(17.0, 8.0 + 0.16 * n)
    fig = Figure(figsize=(side + 3.2, side * 0.8), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.03, side / (side + 3.2) - 0.03, 0.89))
    ax.set_axis_off()
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.3, 1.3)

    def colour(aid: str) -> str:
        a = data.actors[aid]
        key = a.country if color_by == "country" else a.kind
        table = countries if color_by == "country" else pal.kind
        return table.get(key, pal.missing) if key else pal.missing

    countries = pal.countries(data.actors[i].country for i in sel.actor_ids if data.actors[i].country)
    sizes = {i: _node_size_pt2(degree[i]) * (1.6 if i == ego else 1.0) for i in sel.actor_ids}
    radius_pt = {i: math.sqrt(s) / 2 for i, s in sizes.items()}

    # edges first (under the nodes); parallel edges of a pair bend apart
    max_m = max((e.mentions for e in sel.edges), default=1)
    curves = []
    for e, rad in zip(sel.edges, edge_curvatures(sel.edges, 0.25)):
        if e.source_id == e.target_id:
            continue  # a self-loop has no room in a static plot; the HTML view shows it
        curves.append((pos[e.source_id], pos[e.target_id], rad))
        ax.add_patch(FancyArrowPatch(
            pos[e.source_id], pos[e.target_id], connectionstyle=f"arc3,rad={rad}",
            arrowstyle="-|>", mutation_scale=11, color=pal.relation[e.relation], alpha=0.85,
            linewidth=1.0 + 3.0 * math.sqrt(e.mentions / max_m),
            shrinkA=radius_pt[e.source_id] + 1, shrinkB=radius_pt[e.target_id] + 2, zorder=1))
    order = sel.actor_ids
    ax.scatter([pos[i][0] for i in order], [pos[i][1] for i in order],
               s=[sizes[i] for i in order], c=[colour(i) for i in order],
               edgecolors=["black" if i == ego else "white" for i in order],
               linewidths=[2.2 if i == ego else 1.0 for i in order], zorder=3)

    place_labels(fig, ax, [(pos[i], data.actors[i].name or i, radius_pt[i], i == ego)
                           for i in sorted(order, key=lambda a: (a != ego, -degree[a], a))],
                 edges=curves)

    # legends in the right-hand margin, never over the drawing
    labels = {r.name: r.label for r in vocab_relations().values()}
    rel_present = [r for r in vocab_relations() if any(e.relation == r for e in sel.edges)]
    rel_handles = [Line2D([], [], color=pal.relation[r], lw=3,
                          label=f"{labels[r]} ({sum(1 for e in sel.edges if e.relation == r)})")
                   for r in rel_present]
    keys: dict[str, int] = defaultdict(int)
    for i in order:
        a = data.actors[i]
        keys[(a.country if color_by == "country" else a.kind) or "unknown"] += 1
    node_handles = [Line2D([], [], marker="o", ls="", markersize=9, markeredgecolor="white",
                           markerfacecolor=(countries if color_by == "country" else pal.kind).get(k, pal.missing),
                           label=f"{k} ({c})") for k, c in sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))]
    left = side / (side + 3.2)
    leg1 = fig.legend(handles=rel_handles, title="edge: relation", loc="upper left",
                      bbox_to_anchor=(left, 0.92), frameon=False, fontsize=9, alignment="left")
    fig.canvas.draw()
    below = leg1.get_window_extent().transformed(fig.transFigure.inverted()).y0
    more = len(node_handles) - 24
    if more > 0:  # a long tail of countries: summarise it in one legend line
        node_handles = node_handles[:24] + [Line2D([], [], marker="o", ls="", markersize=9,
                                                   markerfacecolor="#ddd", label=f"{more} more")]
    fig.legend(handles=node_handles, title=f"node: {color_by}", loc="upper left",
               bbox_to_anchor=(left, below - 0.01), frameon=False, fontsize=9, alignment="left")
    filt = []
    if relations:
        filt.append(", ".join(labels[r] for r in relations))
    if since:
        filt.append(f"since {since}")
    fig.suptitle(title or f"Ego network of {data.actors[ego].name}" + (f" ({'; '.join(filt)})" if filt else ""),
                 x=0.02, y=0.985, ha="left", fontsize=14)
    fig.text(0.02, 0.94, f"{n} actors, {len(sel.edges)} edges · node size = edges · edge width = mentions "
             "· arrows point from source to target", fontsize=9, color="#555")
    return fig


def _circle_hits(box: Bbox, cx: float, cy: float, r: float) -> bool:
    nx_ = min(max(cx, box.x0), box.x1)
    ny_ = min(max(cy, box.y0), box.y1)
    return (nx_ - cx) ** 2 + (ny_ - cy) ** 2 < r * r


def _edge_points(edges, to_px, step: float = 6.0) -> list[tuple[float, float]]:
    """Points every ~``step`` pixels along each edge drawn as matplotlib's ``arc3`` curve."""
    pts = []
    for a, b, rad in edges:
        (x1, y1), (x2, y2) = to_px(a), to_px(b)
        cx, cy = (x1 + x2) / 2 + rad * (y2 - y1), (y1 + y2) / 2 - rad * (x2 - x1)
        n = max(2, int(math.hypot(x2 - x1, y2 - y1) / step))
        for i in range(1, n):
            t = i / n
            u = 1 - t
            pts.append((u * u * x1 + 2 * u * t * cx + t * t * x2, u * u * y1 + 2 * u * t * cy + t * t * y2))
    return pts


def place_labels(fig: Figure, ax, items: list[tuple[tuple[float, float], str, float, bool]],
                 edges=(), pad: float = 2.0) -> list:
    """Greedy label placement: for each ``(xy, text, node radius in points, bold)``, in order,
    try positions around the node at growing distances and keep the first one that overlaps no
    placed label, no node and stays inside the axes, preferring spots that cross no edge
    (``edges``: ``(xy_a, xy_b, arc3 rad)``); far labels get a thin leader line."""
    fig.canvas.draw()  # fixes transforms and gives a renderer for text extents
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72.0
    to_px = ax.transData.transform
    to_data = ax.transData.inverted().transform
    frame = ax.get_window_extent(renderer)
    edge_pts = _edge_points(edges, to_px)
    nodes = [(*to_px(xy), r * px_per_pt + 1.0) for xy, _, r, _ in items]
    placed: list[Bbox] = []
    texts = []
    dirs = [0, 180, 90, 270, 30, 150, 210, 330, 60, 120, 240, 300, 15, 165, 195, 345, 75, 105, 255, 285]
    for k, (xy, label, r, bold) in enumerate(items):
        t = ax.text(0, 0, label, fontsize=10 if bold else 8.5, fontweight="bold" if bold else "normal",
                    ha="left", va="bottom", zorder=5, gid=LABEL_GID,
                    bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.7))
        ext = t.get_window_extent(renderer)
        w, h = ext.width, ext.height
        cx, cy, rp = nodes[k]
        chosen = None
        tries = [(strict, dist) for strict in (True, False) for dist in
                 (rp + 3, rp + 10, rp + 20, rp + 35, rp + 55, rp + 80, rp + 110, rp + 150, rp + 200, rp + 260)]
        for strict, dist in tries:
            if strict and dist > rp + 80:
                continue  # rather cross an edge near the node than sit far away
            for ang in dirs:
                dx, dy = math.cos(math.radians(ang)), math.sin(math.radians(ang))
                ax_ = cx + dist * dx
                ay_ = cy + dist * dy
                x0 = ax_ if dx > 0.3 else (ax_ - w if dx < -0.3 else ax_ - w / 2)
                y0 = ay_ if dy > 0.3 else (ay_ - h if dy < -0.3 else ay_ - h / 2)
                box = Bbox.from_bounds(x0, y0, w, h)
                if box.x0 < frame.x0 or box.x1 > frame.x1 or box.y0 < frame.y0 or box.y1 > frame.y1:
                    continue
                grown = Bbox.from_extents(box.x0 - pad, box.y0 - pad, box.x1 + pad, box.y1 + pad)
                if any(grown.overlaps(b) for b in placed):
                    continue
                if any(_circle_hits(grown, nx_, ny_, nr) for nx_, ny_, nr in nodes):
                    continue
                if strict and any(grown.x0 <= px <= grown.x1 and grown.y0 <= py <= grown.y1
                                  for px, py in edge_pts):
                    continue
                chosen = (box, dist)
                break
            if chosen:
                break
        if chosen is None:  # no free spot: keep it beside the node (a test would notice)
            chosen = (Bbox.from_bounds(cx + rp + 3, cy - h / 2, w, h), rp + 3)
        box, dist = chosen
        t.set_position(to_data((box.x0, box.y0)))
        placed.append(box)
        if dist > rp + 12:  # leader line from the node's rim to the nearest point of the label
            lx = min(max(cx, box.x0), box.x1)
            ly = min(max(cy, box.y0), box.y1)
            vx, vy = lx - cx, ly - cy
            norm = math.hypot(vx, vy) or 1.0
            start = (cx + vx / norm * rp, cy + vy / norm * rp)
            ax.add_line(Line2D(*zip(to_data(start), to_data((lx, ly))), color="#888", lw=0.6, zorder=4))
        texts.append(t)
    return texts


# --------------------------------------------------------------------------- output

SUFFIXES = PLOT_SUFFIXES


def save(fig: Figure, out: str | Path, dpi: int = 150) -> Path:
    """Write ``fig``; the format follows the suffix (png, svg or pdf)."""
    out = Path(out)
    if out.suffix.lower() not in SUFFIXES:
        raise UserError(f"--out: {out.name} should end in {', '.join(SUFFIXES)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi, facecolor="white")
    plt.close(fig)
    return out
