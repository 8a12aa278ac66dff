"""graphbuild viz in a real browser: headless Chromium driven by chromedriver (selenium).

Loads the written page from a real embedded store, checks there are no console errors, that
one node is drawn per actor in the store, that nothing is fetched from the network, that hostile
names stay text, and that the relation checkboxes and the evidence panel work. Skips only
when Chromium / chromedriver are not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from graphbuild import viz
from graphbuild.sinks import store

from test_viz import HOSTILE, hostile_graph, sample_graph

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium / chromedriver not installed")


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="gb-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,900"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=opts, service=Service(DRIVER))
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path):
    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "1")
    return driver.find_element(By.TAG_NAME, "body")


def severe(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def store_page(tmp_path_factory):
    """A real LadybugDB store built from the hostile sample, and the viz of it."""
    tmp = tmp_path_factory.mktemp("vizstore")
    path = tmp / "g.lbdb"
    with store.open_store(path) as st:
        store.write_graph(st, hostile_graph())
    out = tmp / "graph.html"
    viz.write_viz(store.read_graph(path), out)
    return path, out


def test_page_renders_one_node_per_store_actor_without_errors(browser, store_page):
    path, out = store_page
    body = open_page(browser, out)
    assert severe(browser) == []
    actors = store.counts(path)["Actor"]
    assert actors > 10
    assert int(body.get_attribute("data-node-count")) == actors
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg#graph g.node circle")) == actors
    edges = len(store.read_graph(path).analyst_edges())
    assert int(body.get_attribute("data-edge-count")) == edges
    # offline: the page fetched nothing (no scripts, styles, fonts or images from anywhere)
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    # hostile strings stayed text: no injected script ran, the label reads exactly the name
    assert browser.execute_script("return window.__pwned === undefined") is True
    labels = [t.get_attribute("textContent") for t in browser.find_elements(By.CSS_SELECTOR, "g.node text")]
    assert HOSTILE in labels
    # every node is inside the visible drawing (fitted view box)
    box = browser.execute_script("var b = document.getElementById('viewport').getBBox();"
                                 "var v = document.getElementById('graph').viewBox.baseVal;"
                                 "return [b.x >= v.x, b.y >= v.y, b.x + b.width <= v.x + v.width,"
                                 " b.y + b.height <= v.y + v.height]")
    assert box == [True, True, True, True]


def test_relation_checkbox_hides_its_edges(browser, store_page):
    _, out = store_page
    body = open_page(browser, out)
    total = int(body.get_attribute("data-edge-count"))
    blamed = len(browser.find_elements(By.CSS_SELECTOR, 'g.edge-group[data-rel="BLAMED"]'))
    assert blamed >= 2
    browser.find_element(By.CSS_SELECTOR, 'input[data-relation="BLAMED"]').click()
    assert int(body.get_attribute("data-visible-edge-count")) == total - blamed
    shown = browser.execute_script(
        "return Array.from(document.querySelectorAll('g.edge-group[data-rel=\"BLAMED\"]'))"
        ".filter(g => getComputedStyle(g).display !== 'none').length")
    assert shown == 0
    browser.find_element(By.ID, "rel-none").click()
    assert int(body.get_attribute("data-visible-edge-count")) == 0
    browser.find_element(By.ID, "rel-all").click()
    assert int(body.get_attribute("data-visible-edge-count")) == total
    assert severe(browser) == []


def test_clicking_an_edge_shows_its_evidence(browser, store_page):
    _, out = store_page
    open_page(browser, out)
    # the CRITICIZED edge of the adversarial actor: sentence with quotes, <x>, RTL, emoji, newline
    idx = browser.execute_script(
        "var d = JSON.parse(document.getElementById('graph-data').textContent);"
        "return d.edges.findIndex(e => d.nodes[e.s].id === 'person-o-brien-<x>' && e.rel === 'CRITICIZED')")
    assert idx >= 0
    browser.execute_script(
        "document.querySelector('g.edge-group[data-index=\"' + arguments[0] + '\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))", idx)
    quotes = [q.get_attribute("textContent") for q in browser.find_elements(By.CSS_SELECTOR, "#details blockquote")]
    assert quotes == ["Seán \"The Fox\" O'Brien <x> criticised the EU — مرحبا 🦊\nnew line."]
    assert "2020-05-01" in browser.find_element(By.ID, "details").text
    # clicking a node lists its edges; a javascript: article URL never became a link
    browser.execute_script(
        "document.querySelector('g.edge-group[data-rel=\"BLAMED\"]').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    hrefs = [a.get_attribute("href") or "" for a in browser.find_elements(By.CSS_SELECTOR, "#details a")]
    assert not any(h.lower().startswith("javascript:") for h in hrefs)
    assert severe(browser) == []


def test_ego_page_matches_selection(browser, tmp_path):
    data = sample_graph()
    out = tmp_path / "ego.html"
    res = viz.write_viz(data, out, actor="United States", relations=["RECOGNIZED", "DEMANDED", "BLAMED"])
    body = open_page(browser, out)
    sel = viz.select(data, actor="United States", relations=["RECOGNIZED", "DEMANDED", "BLAMED"])
    assert int(body.get_attribute("data-node-count")) == res.nodes == len(sel.actor_ids)
    assert len(browser.find_elements(By.CSS_SELECTOR, "g.node.focus")) == 1
    assert severe(browser) == []


def test_empty_selection_page(browser, tmp_path):
    out = tmp_path / "empty.html"
    viz.write_viz(sample_graph(), out, since="2099-01-01")
    body = open_page(browser, out)
    assert body.get_attribute("data-node-count") == "0"
    assert browser.find_element(By.ID, "empty").is_displayed()
    assert severe(browser) == []


#: An actor name with every kind of bidi control: overrides (RLO, LRO), an embedding (RLE),
#: isolates (RLI, FSI, PDI, an unclosed LRI), marks (RLM, LRM, ALM) and a closing PDF.
BIDI_NAME = "ACME \u202eevil\u202c Corp \u202dok \u2067iso\u2069 \u202bemb \u2068fsi \u200fmark\u200e\u061c \u2066x 42"
BIDI_PLAIN = "ACME evil Corp ok iso emb fsi mark x 42"

#: Per-character (line top, left edge), in logical order, of the visible text in an element: SVG
#: text via getExtentOfChar, HTML via a Range on each character (blanks and zero-width characters
#: are left out). Text drawn in reading order gives a sorted list.
_CHAR_XS = """
var el = arguments[0], xs = [];
if (el.getNumberOfChars) {
  for (var i = 0; i < el.getNumberOfChars(); i++) {
    var b = el.getExtentOfChar(i);
    if (b.width > 0 && el.textContent.charAt(i) !== ' ') xs.push([Math.round(b.y), b.x]);
  }
  return xs;
}
var walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT), n, r = document.createRange();
while ((n = walk.nextNode())) {
  for (var j = 0; j < n.data.length; j++) {
    r.setStart(n, j); r.setEnd(n, j + 1);
    var rect = r.getBoundingClientRect();
    if (rect.width > 0 && n.data.charAt(j) !== ' ') xs.push([Math.round(rect.top), rect.left]);
  }
}
return xs;
"""


def bidi_graph():
    data = sample_graph()
    data.add_record({
        "id": "ev-bidi", "article_id": "art-venezuela-1", "relation": "BLAMED", "cameo": "112",
        "plover": "ACCUSE", "date": "2019-03-13", "confidence": 0.9, "trigger": "blamed",
        "source": {"id": "person-bidi", "name": BIDI_NAME, "kind": "PERSON", "country": None},
        "target": {"id": "Q30", "name": "United States", "kind": "COUNTRY", "country": "USA"},
        "sentence": "ACME blamed the U.S.", "start": 0, "end": 10})
    return data


def test_bidi_controls_in_a_name_cannot_reorder_its_label(browser, tmp_path):
    out = tmp_path / "bidi.html"
    viz.write_viz(bidi_graph(), out)
    open_page(browser, out)
    idx = browser.execute_script(
        "return JSON.parse(document.getElementById('graph-data').textContent)"
        ".nodes.findIndex(n => n.id === 'person-bidi')")
    label = browser.find_element(By.CSS_SELECTOR, f'g.node[data-index="{idx}"] text')
    # the data keeps the name as stored; the label shows it with the controls neutralised
    assert label.get_attribute("textContent") == BIDI_PLAIN
    xs = browser.execute_script(_CHAR_XS, label)
    assert len(xs) == len(BIDI_PLAIN.replace(" ", ""))
    assert xs == sorted(xs), "label glyphs are not drawn in reading order"
    # the details panel: the title and the edge list read left to right too
    ActionChains(browser).click(browser.find_element(By.CSS_SELECTOR, f'g.node[data-index="{idx}"] circle')).perform()
    title = browser.find_element(By.CSS_SELECTOR, "#details h3.node-title")
    assert title.get_attribute("textContent") == BIDI_PLAIN
    xs = browser.execute_script(_CHAR_XS, title)
    assert xs == sorted(xs) and len(xs) == len(BIDI_PLAIN.replace(" ", ""))
    # a neighbour's edge list: the name sits between the relation and the count, none reordered
    browser.execute_script(
        "document.querySelector('g.edge-group[data-index=\"' + arguments[0] + '\"]')"
        ".dispatchEvent(new MouseEvent('click', {bubbles: true}))",
        browser.execute_script("var d = JSON.parse(document.getElementById('graph-data').textContent);"
                               "return d.edges.findIndex(e => d.nodes[e.s].id === 'person-bidi')"))
    edge_title = browser.find_element(By.CSS_SELECTOR, "#details h3.edge-title")
    assert edge_title.get_attribute("textContent").startswith(BIDI_PLAIN + " ")
    xs = browser.execute_script(_CHAR_XS, edge_title)
    assert xs == sorted(xs), "the edge title is not drawn in reading order"
    assert severe(browser) == []
