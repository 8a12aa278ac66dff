"""Merge stage: event records -> deduplicated actors, articles, events and analyst edges.

Pure Python plus networkx; every sink (embedded store, Neo4j, RDF) writes what this produces.
"""

from __future__ import annotations

import json
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx

from .gazetteer import country_entries
from .model import ACTOR_LINKS, Actor, AnalystEdge, Article, Event
from .names import name_aliases
from .vocab import check_relation


def actor_from_record(rec: dict) -> Actor:
    """An :class:`Actor` from the ACTOR object of an event record (``text`` becomes an alias if it
    is a name; ``org``, the ACTOR object of a person's organisation, gives :attr:`Actor.org`)."""
    aliases = [rec["text"]] if rec.get("text") else []
    return Actor(
        id=rec["id"], name=rec["name"], kind=rec["kind"], country=rec.get("country"),
        role=rec.get("role"), cameo=rec.get("cameo"), wikidata=rec.get("wikidata"), aliases=aliases,
        org=(rec.get("org") or {}).get("id"),
    )


def event_from_record(rec: dict) -> Event:
    """An :class:`Event` from one extractor output record (the JSONL contract)."""
    return Event(
        id=rec["id"], article_id=rec["article_id"], relation=check_relation(rec["relation"]),
        cameo=rec["cameo"], plover=rec.get("plover"), source_id=rec["source"]["id"],
        target_id=rec["target"]["id"], date=rec.get("date"), date_source=rec.get("date_source"),
        date_period=rec.get("date_period"), negated=bool(rec.get("negated")),
        modality=rec.get("modality") or "asserted", confidence=float(rec.get("confidence", 0.0)),
        trigger=rec.get("trigger") or "", sentence=rec.get("sentence") or "",
        start=int(rec.get("start", 0)), end=int(rec.get("end", 0)), field=rec.get("field", "text"),
        reported_by_id=(rec.get("reported_by") or {}).get("id"),
    )


def merge_actor(into: Actor, other: Actor) -> Actor:
    """Fold ``other`` (same id) into ``into``: keep known fields, union the aliases (names only)."""
    for name in ("country", "role", "cameo", "wikidata", "org"):
        if getattr(into, name) is None and getattr(other, name) is not None:
            setattr(into, name, getattr(other, name))
    into.aliases = name_aliases([*into.aliases, *other.aliases])
    return into


def parent_of(actor: Actor) -> Actor | None:
    """The country actor ``actor`` belongs to (USA-GOV, a US senator, the Pentagon -> United
    States), or None for countries, OTHER targets and actors without a known country."""
    if actor.kind in ("COUNTRY", "OTHER") or not actor.country:
        return None
    entry = country_entries().get(actor.country)
    if entry is None or entry.id == actor.id:
        return None
    return Actor(id=entry.id, name=entry.name, kind="COUNTRY", country=entry.country, cameo=entry.cameo,
                 wikidata=entry.wikidata)


def parent_id(actor: Actor, known: Container[str]) -> tuple[str | None, Actor | None]:
    """The id of the actor ``actor`` is PART_OF: its organisation when it has one among ``known``
    ids ("a spokesman for the PMF" -> the PMF, which is PART_OF Iraq), else its country
    (:func:`parent_of`), which is returned too so that a caller can add it when new. A person
    rolls up to a country through the organisation."""
    if actor.org and actor.org != actor.id and actor.org in known:
        return actor.org, None
    parent = parent_of(actor)
    return (parent.id, parent) if parent is not None else (None, None)


@dataclass
class GraphData:
    """Deduplicated nodes of one build: actors by id, articles by id, events by id."""

    actors: dict[str, Actor] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    #: (Actor)-[:PART_OF]->(Actor): child id -> parent id (the parent is in ``actors``).
    part_of: dict[str, str] = field(default_factory=dict)

    def add_article(self, article: Article) -> None:
        self.articles[article.id] = article

    def add_actor(self, actor: Actor) -> Actor:
        """Add or fold in one actor, and what it is PART_OF: its organisation (added before it,
        see :meth:`add_record`) or its country (added too when new)."""
        if actor.id in self.actors:
            actor = merge_actor(self.actors[actor.id], actor)
        else:
            self.actors[actor.id] = actor
        if actor.org and (actor.org not in self.actors or actor.org == actor.id):
            actor.org = None  # an organisation the graph does not hold is not kept
        pid, country = parent_id(actor, self.actors)
        if country is not None and country.id not in self.actors:
            self.actors[country.id] = country
        if pid is not None:
            self.part_of[actor.id] = pid
        return actor

    def add_record(self, rec: dict) -> Event:
        """Add one extractor record: its actors (deduplicated by id; a person's organisation
        first) and its event."""
        for key in ("source", "target", "reported_by"):
            if rec.get(key):
                actor, org = actor_from_record(rec[key]), rec[key].get("org")
                if org and self.actors.get(actor.id, actor).org in (None, actor.org):
                    self.add_actor(actor_from_record(org))  # only an organisation the actor keeps
                self.add_actor(actor)
        event = event_from_record(rec)
        self.events[event.id] = event
        if event.article_id not in self.articles:
            self.articles[event.article_id] = Article(id=event.article_id)
        return event

    def add_records(self, records: Iterable[dict]) -> None:
        for rec in records:
            self.add_record(rec)

    def analyst_edges(self) -> list[AnalystEdge]:
        return analyst_edges(self.events.values())

    def to_networkx(self) -> nx.MultiDiGraph:
        return to_networkx(self)


def country_of(actors: Mapping[str, Actor], part_of: Mapping[str, str], actor_id: str) -> str:
    """The id of the country actor ``actor_id`` rolls up to along PART_OF (itself when none; a
    person through their organisation; an organisation without a country is the top)."""
    seen = {actor_id}
    while part_of.get(actor_id) in actors and part_of[actor_id] not in seen:
        actor_id = part_of[actor_id]
        seen.add(actor_id)
    return actor_id


def by_country(data: GraphData) -> GraphData:
    """The graph rolled up to countries: every actor PART_OF a country is replaced by that
    country in every event (source, target, reporter), so analyst edges sum per country pair.
    Actors without a country (IGOs, OTHER targets) stay as they are."""
    to = {aid: country_of(data.actors, data.part_of, aid) for aid in data.actors}
    out = GraphData(articles=dict(data.articles))
    for aid in sorted(set(to.values())):
        a = data.actors[aid]
        out.actors[aid] = Actor(**{**a.to_dict(), "aliases": list(a.aliases)})
    for ev in data.events.values():
        out.events[ev.id] = replace(ev, source_id=to.get(ev.source_id, ev.source_id),
                                    target_id=to.get(ev.target_id, ev.target_id),
                                    reported_by_id=to.get(ev.reported_by_id, ev.reported_by_id)
                                    if ev.reported_by_id else None)
    return out


def analyst_edges(events: Iterable[Event]) -> list[AnalystEdge]:
    """Aggregate events that count as fact into one edge per (source, relation, target).

    ``mentions`` counts event mentions, ``articles`` distinct articles, ``first_seen`` /
    ``last_seen`` the min/max event date, ``confidence`` the noisy-OR of the mentions'
    confidences (more independent evidence -> more confidence). Deterministic order.
    """
    groups: dict[tuple[str, str, str], list[Event]] = {}
    for ev in events:
        if ev.counts_as_fact:
            groups.setdefault((ev.source_id, ev.relation, ev.target_id), []).append(ev)
    out = []
    for (src, rel, tgt), evs in sorted(groups.items()):
        dates = sorted(e.date for e in evs if e.date)
        miss = 1.0
        for e in evs:
            miss *= 1.0 - max(0.0, min(1.0, e.confidence))
        out.append(AnalystEdge(
            source_id=src, relation=rel, target_id=tgt, mentions=len(evs),
            articles=len({e.article_id for e in evs}), first_seen=dates[0] if dates else None,
            last_seen=dates[-1] if dates else None, confidence=round(1.0 - miss, 4),
        ))
    return out


def to_networkx(data: GraphData) -> nx.MultiDiGraph:
    """The whole model as a MultiDiGraph: node ``label`` attribute, edge ``type`` attribute/key.

    Analyst edges join actor nodes directly, so e.g. ``nx.pagerank`` on the BLAMED subgraph
    works out of the box; None values are dropped so GraphML export works.
    """
    g = nx.MultiDiGraph()
    clean = lambda d: {k: v for k, v in d.items() if v is not None}  # noqa: E731
    for a in data.actors.values():
        props = clean(a.to_dict())
        props["aliases"] = "|".join(a.aliases)
        g.add_node(a.id, label="Actor", **props)
    for art in data.articles.values():
        g.add_node(art.id, label="Article", **clean(art.to_dict()))
    for ev in data.events.values():
        props = clean(ev.to_dict())
        for k in ("source_id", "target_id", "reported_by_id"):
            props.pop(k, None)
        g.add_node(ev.id, label="Event", **props)
        g.add_edge(ev.id, ev.source_id, key="SOURCE", type="SOURCE")
        g.add_edge(ev.id, ev.target_id, key="TARGET", type="TARGET")
        g.add_edge(ev.id, ev.article_id, key="REPORTED_IN", type="REPORTED_IN")
        if ev.reported_by_id:
            g.add_edge(ev.id, ev.reported_by_id, key="REPORTED_BY", type="REPORTED_BY")
    for e in data.analyst_edges():
        props = clean(e.to_dict())
        for k in ("source_id", "target_id", "relation"):
            props.pop(k)
        g.add_edge(e.source_id, e.target_id, key=e.relation, type=e.relation, **props)
    for child, parent in sorted(data.part_of.items()):
        g.add_edge(child, parent, key="PART_OF", type="PART_OF")
    return g


def analyst_view(g: nx.MultiDiGraph, relations: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The analyst edges of ``to_networkx``'s graph (no PART_OF), optionally only some relations."""
    wanted = set(relations) if relations else None
    view = nx.MultiDiGraph()
    for u, v, k, d in g.edges(keys=True, data=True):
        if g.nodes[u].get("label") == "Actor" and g.nodes[v].get("label") == "Actor" and k not in ACTOR_LINKS:
            if wanted is None or k in wanted:
                view.add_node(u, **g.nodes[u])
                view.add_node(v, **g.nodes[v])
                view.add_edge(u, v, key=k, **d)
    return view


def write_graphml(g: nx.MultiDiGraph, path: str | Path) -> None:
    nx.write_graphml(g, str(path))


def write_node_link(g: nx.MultiDiGraph, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(nx.node_link_data(g, edges="edges"), fh, ensure_ascii=False, indent=1)


def load_events_jsonl(path: str | Path) -> GraphData:
    """A :class:`GraphData` from an ``events.jsonl`` written by ``graphbuild extract``."""
    data = GraphData()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                data.add_record(json.loads(line))
    return data
