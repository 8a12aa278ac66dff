"""The graph model shared by every sink (embedded store, Neo4j, RDF, networkx).

Nodes: Actor, Article, Event (one per extracted mention: the evidence).
Relationships: (Event)-[:SOURCE|TARGET|REPORTED_BY]->(Actor), (Event)-[:REPORTED_IN]->(Article),
one analyst edge (Actor)-[:<RELATION>]->(Actor) per (source, relation, target), aggregated
over the non-negated, non-hypothetical events (see :func:`graphbuild.merge.analyst_edges`), and
the structural (Actor)-[:PART_OF]->(Actor): a named person to the organisation they speak or fight
for ("a spokesman for the PMF", kept in ``Actor.org``), any other actor to its country (USA-GOV, a
US senator, the Pentagon -> United States), and so a person -> organisation -> country chain for
roll-ups (see :func:`graphbuild.merge.parent_id`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .names import name_aliases

#: Property keys of each node label, in a fixed order (used for schemas and statements).
ACTOR_PROPS = ("id", "name", "kind", "country", "role", "cameo", "wikidata", "aliases", "org")
ARTICLE_PROPS = ("id", "title", "url", "source", "published", "sha256")
#: ``article_id`` and ``reported_by_id`` repeat the REPORTED_IN / REPORTED_BY links on the
#: Event node, so that ``graphbuild check`` can tell a lost link from one that never existed.
EVENT_PROPS = (
    "id", "article_id", "field", "relation", "cameo", "plover", "date", "date_source", "date_period",
    "negated", "modality", "confidence", "trigger", "sentence", "start", "end", "reported_by_id",
)
ANALYST_EDGE_PROPS = ("mentions", "articles", "first_seen", "last_seen", "confidence")
#: Relationship types between events and the rest (fixed); analyst edge types come from vocab.
EVENT_LINKS = ("SOURCE", "TARGET", "REPORTED_BY", "REPORTED_IN")
#: Structural relationship types between actors (fixed, no properties; not event relations).
ACTOR_LINKS = ("PART_OF",)


@dataclass
class Actor:
    """A resolved actor: country, government, leader, party, organisation, or OTHER target."""

    id: str
    name: str
    kind: str
    country: str | None = None
    role: str | None = None
    cameo: str | None = None
    wikidata: str | None = None
    aliases: list[str] = field(default_factory=list)
    #: The id of the organisation (an actor) a person belongs to: the actor it is PART_OF.
    org: str | None = None

    def __post_init__(self) -> None:
        # only names are aliases (never "he", "the government"): every sink and lookup relies on it
        self.aliases = name_aliases(self.aliases)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Article:
    """An ingested article (its metadata; the text stays in the events' sentences)."""

    id: str
    title: str | None = None
    url: str | None = None
    source: str | None = None
    published: str | None = None
    sha256: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Event:
    """One extracted event mention with its evidence, pointing at actors by id."""

    id: str
    article_id: str
    relation: str
    cameo: str
    plover: str | None
    source_id: str
    target_id: str
    date: str | None = None
    #: Where ``date`` came from: ``text`` (a date in the sentence) or ``article`` (its publication).
    date_source: str | None = None
    #: A period the sentence names when no single day can be told (``1987``, ``1990-08``).
    date_period: str | None = None
    negated: bool = False
    modality: str = "asserted"
    confidence: float = 0.0
    trigger: str = ""
    sentence: str = ""
    start: int = 0
    end: int = 0
    field: str = "text"
    reported_by_id: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def counts_as_fact(self) -> bool:
        """Whether this mention feeds the analyst edges (not negated, not hypothetical)."""
        return not self.negated and self.modality != "hypothetical"


@dataclass
class AnalystEdge:
    """The aggregate (source)-[:RELATION]->(target) over the events that count as fact."""

    source_id: str
    relation: str
    target_id: str
    mentions: int
    articles: int
    first_seen: str | None
    last_seen: str | None
    confidence: float

    def to_dict(self) -> dict:
        return asdict(self)
