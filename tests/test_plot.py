"""graphbuild plot: timeline counts and figure, ego network with non-overlapping labels, CLI."""

from __future__ import annotations

import argparse
import random
from datetime import date

import matplotlib.image as mpimg
import pytest

from graphbuild import plot
from graphbuild.commands import plot as plot_cmd
from graphbuild.errors import UserError
from graphbuild.merge import GraphData
from graphbuild.vocab import RELATION_NAMES

from test_viz import FIX, sample_graph


def synthetic_ego(n: int = 50, seed: int = 3) -> GraphData:
    """A hub linked to n-1 actors with long, similar names, plus n random edges among them."""
    rnd = random.Random(seed)
    data = GraphData()
    countries = ["USA", "RUS", "CHN", "VEN", "CUB", "FRA", "DEU", "GBR", "IRN", "TUR", "BRA", "IND"]
    actors = [{"id": "hub", "name": "Hub Republic", "kind": "COUNTRY", "country": "USA"}]
    prefixes = ["Ministry of Foreign Affairs of ", "President of ", "Army of ", "", "Opposition in "]
    for i in range(1, n):
        actors.append({"id": f"a{i}", "name": rnd.choice(prefixes) + f"Country {i}",
                       "kind": rnd.choice(["COUNTRY", "PERSON", "ORGANIZATION", "GROUP", "IGO"]),
                       "country": rnd.choice(countries)})
    count = 0

    def add(s, t):
        nonlocal count
        count += 1
        data.add_record({"id": f"ev{count}", "article_id": f"art{count % 7}", "cameo": "010",
                         "relation": rnd.choice(RELATION_NAMES), "source": s, "target": t,
                         "date": f"2020-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
                         "confidence": 0.8, "sentence": "s"})
    for a in actors[1:]:
        add(actors[0], a) if rnd.random() < 0.6 else add(a, actors[0])
    for _ in range(n):
        add(*rnd.sample(actors[1:], 2))
    return data


# ----------------------------------------------------------------------------- timeline

def test_period_start():
    assert plot.period_start(date(2019, 3, 14), "week") == date(2019, 3, 11)  # Thursday -> Monday
    assert plot.period_start(date(2019, 3, 14), "month") == date(2019, 3, 1)


def test_timeline_counts_match_events():
    data = sample_graph()
    tl = plot.timeline_counts(data, freq="month")
    facts = [e for e in data.events.values() if e.counts_as_fact]
    assert tl.total + tl.undated == len(facts)
    # months are continuous from the first to the last event
    assert tl.periods[0] == date(2019, 1, 1) or tl.periods[0].day == 1
    for a, b in zip(tl.periods, tl.periods[1:]):
        assert (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1
    recognized = sum(1 for e in facts if e.relation == "RECOGNIZED" and e.date)
    assert sum(tl.counts["RECOGNIZED"]) == recognized


def test_timeline_for_actor_and_relation():
    data = sample_graph()
    tl = plot.timeline_counts(data, actors=["united states"], relations=["RECOGNIZED", "DEMANDED"], freq="week")
    expected = [e for e in data.events.values() if e.counts_as_fact and e.date
                and e.relation in ("RECOGNIZED", "DEMANDED") and "Q30" in (e.source_id, e.target_id)]
    assert tl.total == len(expected) > 0
    assert all(p.weekday() == 0 for p in tl.periods)
    with pytest.raises(UserError, match="no dated events"):
        plot.timeline_counts(data, actors=["United States"], relations=["ATTACKED"])


def test_timeline_figure_is_labelled(tmp_path):
    fig = plot.plot_timeline(sample_graph(), freq="month")
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("Events per month by relation")
    assert ax.get_xlabel() == "month" and ax.get_ylabel() == "events per month"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "recognized (3)" in legend
    out = plot.save(fig, tmp_path / "t.png")
    img = mpimg.imread(out)
    assert img.shape[0] > 400 and img.shape[1] > 800


# ----------------------------------------------------------------------------- network

def _label_boxes(fig):
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for t in fig.axes[0].texts if t.get_gid() == plot.LABEL_GID]
    return texts, [t.get_window_extent(renderer) for t in texts], renderer


def test_network_50_nodes_labels_do_not_overlap():
    data = synthetic_ego(50)
    fig = plot.plot_network(data, "Hub Republic")
    texts, boxes, renderer = _label_boxes(fig)
    assert len(texts) == 50
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            assert not boxes[i].overlaps(boxes[j]), (texts[i].get_text(), texts[j].get_text())
    # every label is inside the drawing area, and the legends sit outside it
    frame = fig.axes[0].get_window_extent(renderer)
    for b in boxes:
        assert frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1
    for leg in fig.legends:
        assert not leg.get_window_extent(renderer).overlaps(frame)
    # no label covers a node marker
    ax = fig.axes[0]
    offsets = ax.collections[0].get_offsets()
    centres = ax.transData.transform(offsets)
    for b in boxes:
        inside = [(x, y) for x, y in centres if b.x0 < x < b.x1 and b.y0 < y < b.y1]
        assert not inside


def test_network_colours_and_legends():
    data = sample_graph()
    fig = plot.plot_network(data, "United States", color_by="kind")
    rel_legend = [t.get_text() for t in fig.legends[0].get_texts()]
    node_legend = [t.get_text() for t in fig.legends[1].get_texts()]
    assert "recognized (1)" in rel_legend
    assert any(t.startswith("PERSON") for t in node_legend) and any(t.startswith("COUNTRY") for t in node_legend)
    assert fig._suptitle.get_text() == "Ego network of United States"
    from graphbuild.viz import palette
    arrow_colours = {tuple(round(c, 3) for c in p.get_edgecolor()[:3]) for p in fig.axes[0].patches}
    import matplotlib.colors as mcolors
    assert tuple(round(c, 3) for c in mcolors.to_rgb(palette().relation["RECOGNIZED"])) in arrow_colours


def test_network_without_edges_is_a_user_error():
    with pytest.raises(UserError, match="no edges"):
        plot.plot_network(sample_graph(), "United States", relations=["ATTACKED"])


# ----------------------------------------------------------------------------- command

def _parse(argv):
    parser = argparse.ArgumentParser(prog="graphbuild")
    sub = parser.add_subparsers(dest="command")
    plot_cmd.register(sub)
    return parser.parse_args(["plot", *argv])


INPUT = ["--events", str(FIX / "sample_events.jsonl"), "--articles", str(FIX / "sample_articles.jsonl")]


def test_command_writes_pngs(tmp_path):
    args = _parse(["timeline", *INPUT, "--actor", "United States", "--actor", "Q717",
                   "--freq", "week", "--out", str(tmp_path / "t.png"), "-q"])
    assert args.func(args) == 0
    args = _parse(["network", *INPUT, "--actor", "Nicolás Maduro", "--out", str(tmp_path / "n.png"), "-q"])
    assert args.func(args) == 0
    for name in ("t.png", "n.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("argv, message", [
    (["network", "--actor", "Atlantis"], "unknown actor 'Atlantis'"),
    (["timeline", "--relations", "HUGGED"], "unknown relation 'HUGGED'"),
    (["timeline", "--since", "soon"], "not a date"),
])
def test_command_bad_input(tmp_path, argv, message):
    args = _parse([*argv, *INPUT, "--out", str(tmp_path / "x.png")])
    with pytest.raises(UserError, match=message):
        args.func(args)


def test_command_bad_suffix(tmp_path):
    args = _parse(["timeline", *INPUT, "--out", str(tmp_path / "x.jpg2")])
    with pytest.raises(UserError, match="should end in"):
        args.func(args)
