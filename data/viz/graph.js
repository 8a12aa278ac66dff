// graphbuild interactive graph view: draws the embedded, pre-laid-out graph as SVG.
// Vanilla JS, no dependencies, no network. All data text goes through textContent/attributes,
// never innerHTML, so names and sentences cannot inject markup, and through shown(), so bidi
// controls in them cannot reorder what is drawn (names are also isolated: <bdi> in HTML,
// unicode-bidi on the SVG labels and the tooltip; see docs/hardening.md).
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var DATA = JSON.parse(document.getElementById("graph-data").textContent);
  var nodes = DATA.nodes, edges = DATA.edges, articles = DATA.articles;
  var relColor = {};
  DATA.relations.forEach(function (r) { relColor[r.name] = r.color; });
  var relLabel = {};
  DATA.relations.forEach(function (r) { relLabel[r.name] = r.label; });
  var shownRel = {};
  DATA.relations.forEach(function (r) { shownRel[r.name] = true; });
  var colorBy = "country";

  // ------------------------------------------------------------------ helpers
  // Explicit bidi controls: embeddings/overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI
  // PDI) and marks (LRM RLM ALM). A name or sentence carrying one could reverse or reorder the
  // rest of itself and of what follows; dropped from every text drawn (the data keeps them).
  var BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
  function shown(text) { return String(text).replace(BIDI_CONTROLS, ""); }
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (attrs[k] !== null && attrs[k] !== undefined) e.setAttribute(k, attrs[k]);
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined) continue;
      e.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(shown(c)) : c);
    }
    return e;
  }
  function sv(tag, attrs) {
    var e = document.createElementNS(SVGNS, tag);
    if (attrs) for (var k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }
  function bdi(text) { return el("bdi", null, text); }
  document.getElementById("title").textContent = document.title = shown(DATA.title);
  function safeUrl(u) { return (typeof u === "string" && /^https?:\/\//i.test(u)) ? u : null; }
  function nodeColor(n) {
    var key = colorBy === "kind" ? n.kind : n.country;
    var map = DATA.colors[colorBy] || {};
    return (key && map[key]) || DATA.colors.missing;
  }
  function setAttrCount() {
    var visible = 0;
    edges.forEach(function (e) { if (shownRel[e.rel]) visible++; });
    document.body.setAttribute("data-visible-edge-count", String(visible));
    return visible;
  }

  // ------------------------------------------------------------------ SVG scaffold
  var svg = document.getElementById("graph");
  svg.setAttribute("viewBox", "0 0 " + DATA.canvas[0] + " " + DATA.canvas[1]);
  var defs = sv("defs");
  svg.appendChild(defs);
  DATA.relations.forEach(function (r, i) {
    var m = sv("marker", {id: "arrow-" + i, viewBox: "0 0 10 10", refX: "9", refY: "5",
      markerWidth: "9", markerHeight: "9", markerUnits: "userSpaceOnUse", orient: "auto"});
    m.appendChild(sv("path", {d: "M0,1 L10,5 L0,9 z", fill: r.color}));
    defs.appendChild(m);
    r.marker = "url(#arrow-" + i + ")";
  });
  var markerOf = {};
  DATA.relations.forEach(function (r) { markerOf[r.name] = r.marker; });
  var viewport = sv("g", {id: "viewport"});
  var gEdges = sv("g", {"class": "edges"});
  var gNodes = sv("g", {"class": "nodes"});
  viewport.appendChild(gEdges);
  viewport.appendChild(gNodes);
  svg.appendChild(viewport);

  // ------------------------------------------------------------------ geometry
  function edgePath(e) {
    var s = nodes[e.s], t = nodes[e.t];
    if (e.s === e.t) {  // self-loop above the node
      var r = s.r, k = 4 + Math.abs(e.curve) * 60;
      return "M" + (s.x - r * 0.6) + "," + (s.y - r * 0.8) + " C" + (s.x - r - 18 - k) + "," + (s.y - r - 34 - k) +
        " " + (s.x + r + 18 + k) + "," + (s.y - r - 34 - k) + " " + (s.x + r * 0.6) + "," + (s.y - r * 0.8 - 2);
    }
    var dx = t.x - s.x, dy = t.y - s.y, d = Math.sqrt(dx * dx + dy * dy) || 1;
    var ux = dx / d, uy = dy / d;
    // the control point sits off the midpoint along the normal (curve is signed per direction in Python)
    var cx = (s.x + t.x) / 2 - uy * e.curve * d;
    var cy = (s.y + t.y) / 2 + ux * e.curve * d;
    // start/end on the circles, aimed at the control point
    var sx = cx - s.x, sy = cy - s.y, sl = Math.sqrt(sx * sx + sy * sy) || 1;
    var tx = cx - t.x, ty = cy - t.y, tl = Math.sqrt(tx * tx + ty * ty) || 1;
    var x1 = s.x + sx / sl * s.r, y1 = s.y + sy / sl * s.r;
    var gap = t.r + 2;
    var x2 = t.x + tx / tl * gap, y2 = t.y + ty / tl * gap;
    if (e.curve === 0) return "M" + x1 + "," + y1 + " L" + x2 + "," + y2;
    return "M" + x1 + "," + y1 + " Q" + cx + "," + cy + " " + x2 + "," + y2;
  }

  // ------------------------------------------------------------------ draw edges
  var incident = nodes.map(function () { return []; });
  edges.forEach(function (e, i) {
    var g = sv("g", {"class": "edge-group", "data-rel": e.rel, "data-index": String(i)});
    var p = sv("path", {"class": "edge", stroke: relColor[e.rel], "stroke-width": String(e.w),
      "marker-end": markerOf[e.rel]});
    var hit = sv("path", {"class": "edge-hit", "stroke-width": String(Math.max(10, e.w + 6))});
    g.appendChild(p);
    g.appendChild(hit);
    gEdges.appendChild(g);
    e.g = g; e.path = p; e.hit = hit;
    incident[e.s].push(i);
    if (e.t !== e.s) incident[e.t].push(i);
    g.addEventListener("mouseenter", function (ev) {
      showTip(ev, nodes[e.s].name + " — " + (relLabel[e.rel] || e.rel) + " → " + nodes[e.t].name +
        "\n" + e.mentions + " mention" + (e.mentions === 1 ? "" : "s") + " in " + e.articles + " article" +
        (e.articles === 1 ? "" : "s") + (e.first ? "\n" + e.first + (e.last && e.last !== e.first ? " … " + e.last : "") : ""));
    });
    g.addEventListener("mousemove", moveTip);
    g.addEventListener("mouseleave", hideTip);
    g.addEventListener("click", function (ev) { ev.stopPropagation(); showEdge(i); });
  });
  function redrawEdge(i) {
    var d = edgePath(edges[i]);
    edges[i].path.setAttribute("d", d);
    edges[i].hit.setAttribute("d", d);
  }
  edges.forEach(function (_, i) { redrawEdge(i); });

  // ------------------------------------------------------------------ draw nodes
  nodes.forEach(function (n, i) {
    var g = sv("g", {"class": "node" + (n.focus ? " focus" : ""), "data-index": String(i),
      transform: "translate(" + n.x + "," + n.y + ")"});
    var c = sv("circle", {r: String(n.r)});
    var label = sv("text", {x: String(n.r + 3), y: "4"});
    label.textContent = shown(n.name);
    if (!n.label) label.setAttribute("class", "hidden-label");
    g.appendChild(c);
    g.appendChild(label);
    gNodes.appendChild(g);
    n.g = g; n.circle = c;
    g.addEventListener("mouseenter", function (ev) {
      var bits = [n.name, n.kind + (n.country ? " · " + n.country : "") + (n.role ? " · " + n.role : ""),
        n.degree + " edge" + (n.degree === 1 ? "" : "s")];
      showTip(ev, bits.join("\n"));
    });
    g.addEventListener("mousemove", moveTip);
    g.addEventListener("mouseleave", hideTip);
    g.addEventListener("pointerdown", function (ev) { startDrag(ev, i); });
  });
  function paintNodes() {
    nodes.forEach(function (n) { n.circle.setAttribute("fill", nodeColor(n)); });
    var ul = document.getElementById("node-legend");
    ul.textContent = "";
    var map = DATA.colors[colorBy] || {}, counts = {};
    nodes.forEach(function (n) { var k = (colorBy === "kind" ? n.kind : n.country) || "unknown"; counts[k] = (counts[k] || 0) + 1; });
    Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); }).forEach(function (k) {
      var dot = el("span", {"class": "dot"});
      dot.style.background = map[k] || DATA.colors.missing;
      ul.appendChild(el("li", null, dot, bdi(k), el("span", {"class": "count"}, counts[k])));
    });
  }

  // ------------------------------------------------------------------ tooltip
  var tip = document.getElementById("tooltip"), stage = document.getElementById("stage");
  function showTip(ev, text) { tip.textContent = shown(text); tip.hidden = false; moveTip(ev); }
  function moveTip(ev) {
    var b = stage.getBoundingClientRect();
    tip.style.left = Math.min(ev.clientX - b.left + 14, b.width - 330) + "px";
    tip.style.top = (ev.clientY - b.top + 14) + "px";
  }
  function hideTip() { tip.hidden = true; }

  // ------------------------------------------------------------------ pan / zoom / drag
  var view = {x: 0, y: 0, k: 1};
  function applyView() { viewport.setAttribute("transform", "translate(" + view.x + "," + view.y + ") scale(" + view.k + ")"); }
  function svgPoint(ev) {
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    var m = svg.getScreenCTM();
    return m ? pt.matrixTransform(m.inverse()) : {x: 0, y: 0};
  }
  function zoomAt(p, f) {
    var k = Math.max(0.1, Math.min(12, view.k * f));
    f = k / view.k;
    view.x = p.x - (p.x - view.x) * f; view.y = p.y - (p.y - view.y) * f; view.k = k;
    applyView();
  }
  function boxCentre() {
    var vb = svg.viewBox.baseVal;
    return {x: vb.x + vb.width / 2, y: vb.y + vb.height / 2};
  }
  svg.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    zoomAt(svgPoint(ev), Math.exp(-ev.deltaY * 0.0015));
  }, {passive: false});
  document.getElementById("zoom-in").addEventListener("click", function () { zoomAt(boxCentre(), 1.3); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomAt(boxCentre(), 1 / 1.3); });
  document.getElementById("zoom-fit").addEventListener("click", function () { view = {x: 0, y: 0, k: 1}; applyView(); fitBox(); });

  var drag = null;
  function startDrag(ev, i) {
    ev.stopPropagation();
    var p = svgPoint(ev);
    drag = {node: i, x0: p.x, y0: p.y, nx: nodes[i].x, ny: nodes[i].y, moved: false};
    svg.setPointerCapture && svg.setPointerCapture(ev.pointerId);
  }
  svg.addEventListener("pointerdown", function (ev) {
    var p = svgPoint(ev);
    drag = {node: null, x0: p.x, y0: p.y, vx: view.x, vy: view.y, moved: false};
    svg.classList.add("panning");
  });
  svg.addEventListener("pointermove", function (ev) {
    if (!drag) return;
    var p = svgPoint(ev), dx = p.x - drag.x0, dy = p.y - drag.y0;
    if (Math.abs(dx) + Math.abs(dy) > 2) drag.moved = true;
    if (drag.node === null) {
      view.x = drag.vx + dx; view.y = drag.vy + dy; applyView();
    } else if (drag.moved) {
      var n = nodes[drag.node];
      n.x = drag.nx + dx / view.k; n.y = drag.ny + dy / view.k;
      n.g.setAttribute("transform", "translate(" + n.x + "," + n.y + ")");
      incident[drag.node].forEach(redrawEdge);
    }
  });
  function endDrag() {
    if (!drag) return;
    var d = drag;
    drag = null;
    svg.classList.remove("panning");
    if (!d.moved) {
      if (d.node !== null) showNode(d.node);
      else clearSelection();
    }
  }
  svg.addEventListener("pointerup", endDrag);
  svg.addEventListener("pointercancel", endDrag);

  // ------------------------------------------------------------------ details panel
  var details = document.getElementById("details");
  function clearSelection() {
    nodes.forEach(function (n) { n.g.classList.remove("selected"); });
    edges.forEach(function (e) { e.path.classList.remove("hl"); });
  }
  function articleLink(ai) {
    var a = articles[ai] || {};
    var text = a.title || a.id || "article";
    var url = safeUrl(a.url);
    var node = url ? el("a", {href: url, target: "_blank", rel: "noopener noreferrer"}, bdi(text)) : el("span", null, bdi(text));
    return el("span", {"class": "article"}, node, a.source ? " (" + a.source + (a.published ? ", " + a.published : "") + ")" :
      (a.published ? " (" + a.published + ")" : ""));
  }
  function evidenceList(list) {
    var ol = el("ol");
    list.forEach(function (ev) {
      var tags = el("div", null,
        el("span", {"class": "tag"}, ev.date || "undated"),
        el("span", {"class": "tag" + (ev.negated || ev.modality === "hypothetical" ? " neg" : "")},
          (ev.negated ? "negated · " : "") + ev.modality),
        el("span", {"class": "tag"}, "conf " + Number(ev.confidence).toFixed(2)),
        ev.field && ev.field !== "text" ? el("span", {"class": "tag"}, ev.field) : null);
      ol.appendChild(el("li", {"class": "evidence"}, tags,
        el("blockquote", {dir: "auto"}, ev.sentence || "(no sentence)"),
        el("div", {"class": "meta"}, "in ", articleLink(ev.article),
          ev.reportedBy ? el("span", null, " · reported by ", bdi(ev.reportedBy)) : null,
          ev.trigger ? el("span", null, " · trigger “", bdi(ev.trigger), "”") : null)));
    });
    return ol;
  }
  function showEdge(i) {
    var e = edges[i], s = nodes[e.s], t = nodes[e.t];
    clearSelection();
    e.path.classList.add("hl");
    details.textContent = "";
    var sw = el("span", {"class": "swatch"});
    sw.style.background = relColor[e.rel];
    details.appendChild(el("h3", {"class": "edge-title"}, bdi(s.name), " ", sw, " ", relLabel[e.rel] || e.rel, " → ", bdi(t.name)));
    details.appendChild(el("div", {"class": "meta"}, e.mentions + " mention" + (e.mentions === 1 ? "" : "s") + " · " +
      e.articles + " article" + (e.articles === 1 ? "" : "s") + " · " + (e.first || "?") +
      (e.last && e.last !== e.first ? " … " + e.last : "") + " · confidence " + Number(e.confidence).toFixed(2)));
    details.appendChild(el("h3", null, "Evidence"));
    details.appendChild(evidenceList(e.ev));
    if (e.other && e.other.length) {
      details.appendChild(el("h3", null, "Also mentioned, not counted (negated or hypothetical)"));
      details.appendChild(evidenceList(e.other));
    }
    details.scrollIntoView({block: "nearest"});
  }
  function showNode(i) {
    var n = nodes[i];
    clearSelection();
    n.g.classList.add("selected");
    details.textContent = "";
    details.appendChild(el("h3", {"class": "node-title"}, bdi(n.name)));
    var meta = [n.kind, n.country, n.role, n.cameo ? "CAMEO " + n.cameo : null].filter(Boolean).join(" · ");
    details.appendChild(el("div", {"class": "meta"}, meta, " · id ", bdi(n.id)));
    if (n.wikidata && /^Q\d+$/.test(n.wikidata)) {
      details.appendChild(el("div", {"class": "meta"}, el("a", {href: "https://www.wikidata.org/wiki/" + n.wikidata,
        target: "_blank", rel: "noopener noreferrer"}, "Wikidata " + n.wikidata)));
    }
    if (n.aliases && n.aliases.length) {
      var al = el("div", {"class": "meta"}, "also: ");
      n.aliases.forEach(function (a, k) { if (k) al.appendChild(document.createTextNode(", ")); al.appendChild(bdi(a)); });
      details.appendChild(al);
    }
    var ul = el("ul");
    incident[i].forEach(function (ei) {
      var e = edges[ei], other = e.s === i ? nodes[e.t] : nodes[e.s];
      e.path.classList.add("hl");
      var sw = el("span", {"class": "swatch"});
      sw.style.background = relColor[e.rel];
      var b = el("button", {"class": "linkish"}, e.s === i ? "→ " : "← ", relLabel[e.rel] || e.rel, " ", bdi(other.name),
        " (" + e.mentions + ")");
      b.addEventListener("click", function () { showEdge(ei); });
      ul.appendChild(el("li", {"class": shownRel[e.rel] ? "" : "faded"}, sw, " ", b));
    });
    details.appendChild(el("h3", null, incident[i].length ? "Edges" : "No edges in this view"));
    details.appendChild(ul);
    details.scrollIntoView({block: "nearest"});
  }

  // ------------------------------------------------------------------ relation filter
  var relList = document.getElementById("rel-list");
  DATA.relations.forEach(function (r) {
    var cb = el("input", {type: "checkbox", value: r.name, "data-relation": r.name, checked: "checked"});
    var sw = el("span", {"class": "swatch"});
    sw.style.background = r.color;
    var lab = el("label", {title: r.comment}, cb, sw, r.label, el("span", {"class": "count"}, r.edges));
    relList.appendChild(el("li", null, lab));
    cb.addEventListener("change", function () { shownRel[r.name] = cb.checked; applyFilter(); });
  });
  function setAll(v) {
    relList.querySelectorAll("input[type=checkbox]").forEach(function (cb) { cb.checked = v; shownRel[cb.value] = v; });
    applyFilter();
  }
  document.getElementById("rel-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("rel-none").addEventListener("click", function () { setAll(false); });
  function applyFilter() {
    edges.forEach(function (e) { e.g.classList.toggle("hidden", !shownRel[e.rel]); });
    nodes.forEach(function (n, i) {
      var has = incident[i].length > 0, any = incident[i].some(function (ei) { return shownRel[edges[ei].rel]; });
      n.g.classList.toggle("faded", has && !any);
    });
    var visible = setAttrCount();
    document.getElementById("summary").textContent = nodes.length + " actors · " + visible + " of " + edges.length + " edges shown";
  }

  // ------------------------------------------------------------------ colour by / search
  var colorSel = document.getElementById("color-by");
  colorSel.addEventListener("change", function () { colorBy = colorSel.value; paintNodes(); });
  var search = document.getElementById("search");
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    nodes.forEach(function (n) {
      var hit = q.length > 0 && [n.name, n.id].concat(n.aliases || []).some(function (s) { return s && s.toLowerCase().indexOf(q) >= 0; });
      n.g.classList.toggle("match", hit);
    });
  });

  paintNodes();
  applyFilter();
  // fit the view box to what was drawn, labels included, so nothing is clipped at the edges
  function fitBox() {
    var b = viewport.getBBox(), pad = 20;
    if (b.width > 0 && b.height > 0) {
      svg.setAttribute("viewBox", (b.x - pad) + " " + (b.y - pad) + " " + (b.width + 2 * pad) + " " + (b.height + 2 * pad));
    }
  }
  if (nodes.length) fitBox();
  document.getElementById("empty").hidden = nodes.length > 0;
  document.body.setAttribute("data-node-count", String(gNodes.querySelectorAll("g.node > circle").length));
  document.body.setAttribute("data-edge-count", String(gEdges.querySelectorAll("path.edge").length));
  document.body.setAttribute("data-ready", "1");
})();
