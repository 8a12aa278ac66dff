"""Neo4j sink: merge a :class:`graphbuild.merge.GraphData` into Neo4j 5 / Aura with the official driver.

Design (see the Neo4j section of README.md): schema first (uniqueness constraints + the indexes the query library
uses), then one FIXED statement per node kind / relationship kind, each sent as ``UNWIND $rows``
batches inside managed transactions (``session.execute_write``, retried by the driver on transient
errors), always naming the database. Relationship types come from the closed vocabulary
(:data:`graphbuild.vocab.RELATION_NAMES`) through a table of statements built once at import;
values travel only as parameters. Everything is MERGE on ids, and analyst-edge aggregates are
recomputed from the Event nodes, so pushing twice, pushing overlapping builds, or re-running an
interrupted push gives the same graph. Every statement the sink can send is in :data:`STATEMENTS`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UserError
from ..merge import GraphData, merge_actor
from ..model import ACTOR_LINKS, ACTOR_PROPS, ARTICLE_PROPS, EVENT_LINKS, EVENT_PROPS, Actor
from ..vocab import RELATION_NAMES

DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"
DEFAULT_BATCH = 1000
DEFAULT_TIMEOUT = 15.0
DEFAULT_RETRY_TIME = 30.0

# --------------------------------------------------------------------------------------------
# Statements: the complete set the sink can send. Tests enumerate these and lint each one.
# --------------------------------------------------------------------------------------------

#: Schema, run first and idempotent (IF NOT EXISTS). Unique constraints back every MERGE lookup;
#: the indexes serve the query library (actor by name/country, events by date/relation/article).
SCHEMA_STATEMENTS: dict[str, str] = {
    "constraint_actor_id": "CREATE CONSTRAINT actor_id IF NOT EXISTS FOR (a:Actor) REQUIRE a.id IS UNIQUE",
    "constraint_article_id": "CREATE CONSTRAINT article_id IF NOT EXISTS FOR (a:Article) REQUIRE a.id IS UNIQUE",
    "constraint_event_id": "CREATE CONSTRAINT event_id IF NOT EXISTS FOR (e:Event) REQUIRE e.id IS UNIQUE",
    "index_actor_name": "CREATE INDEX actor_name IF NOT EXISTS FOR (a:Actor) ON (a.name)",
    "index_actor_country": "CREATE INDEX actor_country IF NOT EXISTS FOR (a:Actor) ON (a.country)",
    "index_actor_kind": "CREATE INDEX actor_kind IF NOT EXISTS FOR (a:Actor) ON (a.kind)",
    "index_event_date": "CREATE INDEX event_date IF NOT EXISTS FOR (e:Event) ON (e.date)",
    "index_event_relation": "CREATE INDEX event_relation IF NOT EXISTS FOR (e:Event) ON (e.relation)",
    "index_event_article_id": "CREATE INDEX event_article_id IF NOT EXISTS FOR (e:Event) ON (e.article_id)",
    "index_article_published": "CREATE INDEX article_published IF NOT EXISTS FOR (a:Article) ON (a.published)",
    "await_indexes": "CALL db.awaitIndexes(300)",
}

#: Connectivity / database check (read-only, run before anything else).
PING = "RETURN 1 AS ok"

# Stale events: deleted, and the analyst edges they fed recomputed (or dropped) in the SAME
# transaction, so an interrupted push never leaves an edge counting a deleted event. Only
# existing edges are touched there, so their type is matched generically with type(r).
_DELETE_AND_RECOMPUTE = """\
OPTIONAL MATCH (old)-[:SOURCE]->(src:Actor)
OPTIONAL MATCH (old)-[:TARGET]->(tgt:Actor)
WITH collect(DISTINCT old) AS stale, collect(DISTINCT [src.id, old.relation, tgt.id]) AS keys
FOREACH (x IN stale | DETACH DELETE x)
WITH keys
UNWIND keys AS key
MATCH (s:Actor {id: key[0]})-[r]->(t:Actor {id: key[2]})
WHERE type(r) = key[1]
OPTIONAL MATCH (s)<-[:SOURCE]-(e:Event)-[:TARGET]->(t)
WHERE e.relation = key[1] AND e.negated = false AND e.modality <> 'hypothetical'
WITH r, count(e) AS mentions, count(DISTINCT e.article_id) AS articles,
     min(e.date) AS first_seen, max(e.date) AS last_seen, collect(e.confidence) AS confidences
FOREACH (_ IN CASE WHEN mentions > 0 THEN [1] ELSE [] END |
  SET r.mentions = mentions, r.articles = articles, r.first_seen = first_seen,
      r.last_seen = last_seen,
      r.confidence = round(1.0 - reduce(miss = 1.0, c IN confidences |
        miss * (1.0 - CASE WHEN c < 0.0 THEN 0.0 WHEN c > 1.0 THEN 1.0 ELSE c END)), 4))
FOREACH (_ IN CASE WHEN mentions = 0 THEN [1] ELSE [] END | DELETE r)
"""

#: Articles of this build that carry a sha256 are complete (the embedded store's rule): their
#: stored events that this build does not have (e.g. the text changed) are removed.
STALE_ARTICLES = """\
UNWIND $rows AS row
MATCH (old:Event {article_id: row.id})
WHERE NOT old.id IN row['events']
""" + _DELETE_AND_RECOMPUTE

#: Events of this build stored before with another source, target, relation or article (e.g. a
#: gazetteer change re-resolved an actor): removed here, re-created by the later steps.
STALE_EVENTS = """\
UNWIND $rows AS row
MATCH (old:Event {id: row.id})
OPTIONAL MATCH (old)-[:SOURCE]->(was_src:Actor)
OPTIONAL MATCH (old)-[:TARGET]->(was_tgt:Actor)
WITH old, row, was_src, was_tgt
WHERE old.relation <> row.relation OR old.article_id <> row.article_id
   OR was_src.id <> row['source'] OR was_tgt.id <> row['target']
""" + _DELETE_AND_RECOMPUTE

#: Actors left without any event, analyst edge or part (their last events were replaced) are
#: removed, as in the embedded store: a PART_OF alone keeps no actor. Sent three times per push
#: (a person, then their organisation, then its country, each kept only by the part removed
#: before); rerunning it after a crash finishes the job.
ORPHAN_ACTORS = """\
MATCH (a:Actor)
WHERE NOT EXISTS { (a)-[r]-() WHERE type(r) <> 'PART_OF' }
  AND NOT EXISTS { (a)<-[:PART_OF]-(:Actor) }
DETACH DELETE a
"""

#: (Actor)-[:PART_OF]->(organisation or country): one per child; a link to another parent is replaced.
#: A person's organisation stored first stays (as in the embedded store), whatever this build says.
PART_OF = """\
UNWIND $rows AS row
MATCH (a:Actor {id: row['child']})
MATCH (p:Actor {id: coalesce(a.org, row['parent'])})
MERGE (a)-[:PART_OF]->(p)
WITH a, p
FOREACH (old IN [(a)-[x:PART_OF]->(o:Actor) WHERE o <> p | x] | DELETE old)
"""

#: Actors: name/kind from the build; other fields keep a known value; aliases are unioned; the
#: organisation (``org``) first stored stays.
ACTORS = """\
UNWIND $rows AS row
MERGE (a:Actor {id: row.id})
SET a.name = row.name, a.kind = row.kind,
    a.country = coalesce(row.country, a.country), a.role = coalesce(row.role, a.role),
    a.cameo = coalesce(row.cameo, a.cameo), a.wikidata = coalesce(row.wikidata, a.wikidata),
    a.org = coalesce(a.org, row.org),
    a.aliases = reduce(acc = coalesce(a.aliases, []), x IN row.aliases |
                       CASE WHEN x IN acc THEN acc ELSE acc + x END)
"""

#: Articles: metadata known to this build wins, unknown (null) keeps what is stored.
ARTICLES = """\
UNWIND $rows AS row
MERGE (art:Article {id: row.id})
SET art.title = coalesce(row.title, art.title), art.url = coalesce(row.url, art.url),
    art.source = coalesce(row.source, art.source),
    art.published = coalesce(row.published, art.published),
    art.sha256 = coalesce(row.sha256, art.sha256)
"""

#: Events: every property of the model, written explicitly (so the linter checks each key).
EVENTS = (
    "UNWIND $rows AS row\nMERGE (e:Event {id: row.id})\nSET "
    + ",\n    ".join(f"e.`{k}` = row.`{k}`" for k in EVENT_PROPS if k != "id")
    + "\n"
)

_LINK_TARGET = {"SOURCE": "Actor", "TARGET": "Actor", "REPORTED_BY": "Actor", "REPORTED_IN": "Article"}


# Row keys that are not model property keys are read as ``row['key']``: Neo4j's linter checks
# every ``x.key`` against the database's property keys, and these are parameter keys only.


def _link_statement(rel: str, label: str) -> str:
    """(Event)-[:rel]->(label): one per event; a link to a different node is replaced."""
    return (
        "UNWIND $rows AS row\n"
        "MATCH (e:Event {id: row['event']})\n"
        f"MATCH (n:{label} {{id: row['node']}})\n"
        f"MERGE (e)-[:{rel}]->(n)\n"
        "WITH e, n\n"
        f"FOREACH (old IN [(e)-[x:{rel}]->(o:{label}) WHERE o <> n | x] | DELETE old)\n"
    )


def _analyst_statement(rel: str) -> str:
    """(Actor)-[:rel]->(Actor) recomputed from the Event nodes (rule: merge.analyst_edges)."""
    return (
        "UNWIND $rows AS row\n"
        "MATCH (s:Actor {id: row['source']})\n"
        "MATCH (t:Actor {id: row['target']})\n"
        "OPTIONAL MATCH (s)<-[:SOURCE]-(e:Event)-[:TARGET]->(t)\n"
        "WHERE e.relation = $relation AND e.negated = false AND e.modality <> 'hypothetical'\n"
        "WITH s, t, count(e) AS mentions, count(DISTINCT e.article_id) AS articles,\n"
        "     min(e.date) AS first_seen, max(e.date) AS last_seen,\n"
        "     collect(e.confidence) AS confidences\n"
        "FOREACH (_ IN CASE WHEN mentions > 0 THEN [1] ELSE [] END |\n"
        f"  MERGE (s)-[r:{rel}]->(t)\n"
        "  SET r.mentions = mentions, r.articles = articles, r.first_seen = first_seen,\n"
        "      r.last_seen = last_seen,\n"
        "      r.confidence = round(1.0 - reduce(miss = 1.0, c IN confidences |\n"
        "        miss * (1.0 - CASE WHEN c < 0.0 THEN 0.0 WHEN c > 1.0 THEN 1.0 ELSE c END)), 4))\n"
        "WITH s, t, mentions\n"
        "WHERE mentions = 0\n"
        f"MATCH (s)-[old:{rel}]->(t)\n"
        "DELETE old\n"
    )


_TYPE_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
for _name in (*RELATION_NAMES, *EVENT_LINKS, *ACTOR_LINKS):
    if not _TYPE_NAME.match(_name):  # the vocabulary file is data: refuse anything odd
        raise ValueError(f"relationship type {_name!r} in the vocabulary is not a plain identifier")

#: Relationship-link statements by type (EVENT_LINKS), precomputed.
LINK_STATEMENTS: dict[str, str] = {rel: _link_statement(rel, _LINK_TARGET[rel]) for rel in EVENT_LINKS}
#: Analyst-edge statements by relation name (the closed vocabulary), precomputed.
ANALYST_STATEMENTS: dict[str, str] = {rel: _analyst_statement(rel) for rel in RELATION_NAMES}

#: Every write statement by step name, in the order a push sends them.
WRITE_STATEMENTS: dict[str, str] = {
    "stale_articles": STALE_ARTICLES,
    "stale_events": STALE_EVENTS,
    "actors": ACTORS,
    "articles": ARTICLES,
    "events": EVENTS,
    **{f"link:{rel}": text for rel, text in LINK_STATEMENTS.items()},
    **{f"analyst:{rel}": text for rel, text in ANALYST_STATEMENTS.items()},
    "part_of": PART_OF,
    "orphan_actors": ORPHAN_ACTORS,
}

#: EVERY statement the sink can send, by name (schema, ping, writes).
STATEMENTS: dict[str, str] = {**SCHEMA_STATEMENTS, "ping": PING, **WRITE_STATEMENTS}


# --------------------------------------------------------------------------------------------
# Rows: parameters built from the graph, duplicates aggregated, sorted, batched.
# --------------------------------------------------------------------------------------------

def aggregate(rows: Iterable[dict], key: str, combine: Callable[[dict, dict], dict] | None = None) -> list[dict]:
    """Rows with unique ``row[key]`` (``combine(old, new)`` folds duplicates; default: last wins),
    sorted by key so concurrent pushes take locks in the same order (no deadlock ping-pong)."""
    out: dict[str, dict] = {}
    for row in rows:
        k = row[key]
        if not isinstance(k, str) or not k:
            raise UserError(f"neo4j: {key} must be a non-empty string, got {k!r}")
        out[k] = combine(out[k], row) if (k in out and combine) else row
    return [out[k] for k in sorted(out)]


def _combine_actor(old: dict, new: dict) -> dict:
    merged = merge_actor(Actor(**old), Actor(**new))
    merged.name, merged.kind = new["name"], new["kind"]
    return merged.to_dict()


def _combine_article(old: dict, new: dict) -> dict:
    return {k: new[k] if new.get(k) is not None else old.get(k) for k in ARTICLE_PROPS}


def actor_rows(actors: Iterable[Actor]) -> list[dict]:
    rows = ({k: (list(a.aliases) if k == "aliases" else getattr(a, k)) for k in ACTOR_PROPS} for a in actors)
    return aggregate(rows, "id", _combine_actor)


def article_rows(data: GraphData) -> list[dict]:
    rows = ({k: getattr(a, k) for k in ARTICLE_PROPS} for a in data.articles.values())
    return aggregate(rows, "id", _combine_article)


def stale_article_rows(data: GraphData) -> list[dict]:
    """Articles carrying a sha256 with the ids of this build's events: {id, events}."""
    events: dict[str, list[str]] = {}
    for e in data.events.values():
        events.setdefault(e.article_id, []).append(e.id)
    return [{"id": r["id"], "events": sorted(events.get(r["id"], []))}
            for r in article_rows(data) if r["sha256"]]


def stale_event_rows(data: GraphData) -> list[dict]:
    """Every event's identity: {id, relation, article_id, source, target}."""
    rows = ({"id": e.id, "relation": e.relation, "article_id": e.article_id,
             "source": e.source_id, "target": e.target_id} for e in data.events.values())
    return aggregate(rows, "id")


def event_rows(data: GraphData) -> list[dict]:
    return aggregate(({k: getattr(e, k) for k in EVENT_PROPS} for e in data.events.values()), "id")


def link_rows(data: GraphData, rel: str) -> list[dict]:
    """One row per event: {event, node} for SOURCE/TARGET/REPORTED_BY/REPORTED_IN."""
    attr = {"SOURCE": "source_id", "TARGET": "target_id", "REPORTED_BY": "reported_by_id",
            "REPORTED_IN": "article_id"}[rel]
    rows = ({"event": e.id, "node": getattr(e, attr)} for e in data.events.values())
    return aggregate((r for r in rows if r["node"] is not None), "event")


def analyst_rows(data: GraphData) -> dict[str, list[dict]]:
    """Per relation, the (source, target) keys touched by this build's events (facts or not:
    a key whose events no longer count must lose its edge)."""
    keys: dict[str, set[tuple[str, str]]] = {}
    for e in data.events.values():
        keys.setdefault(e.relation, set()).add((e.source_id, e.target_id))
    return {rel: [{"source": s, "target": t} for s, t in sorted(keys[rel])]
            for rel in RELATION_NAMES if rel in keys}


def part_of_rows(data: GraphData) -> list[dict]:
    """One row per actor that is PART_OF an organisation or a country: {child, parent}."""
    return aggregate(({"child": c, "parent": p} for c, p in data.part_of.items()), "child")


def batches(rows: list[dict], size: int) -> list[list[dict]]:
    if size < 1:
        raise UserError(f"--batch-size must be at least 1, got {size}")
    return [rows[i:i + size] for i in range(0, len(rows), size)]


@dataclass
class Step:
    """One statement and the parameter batches it is sent with (``extra`` = other parameters)."""

    name: str
    statement: str
    batches: list[list[dict]]
    extra: dict = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(len(b) for b in self.batches)


def plan(data: GraphData, batch_size: int = DEFAULT_BATCH) -> list[Step]:
    """The write steps of a push, in order (steps without rows are left out)."""
    steps = [
        Step("stale_articles", STALE_ARTICLES, batches(stale_article_rows(data), batch_size)),
        Step("stale_events", STALE_EVENTS, batches(stale_event_rows(data), batch_size)),
        Step("actors", ACTORS, batches(actor_rows(data.actors.values()), batch_size)),
        Step("articles", ARTICLES, batches(article_rows(data), batch_size)),
        Step("events", EVENTS, batches(event_rows(data), batch_size)),
    ]
    for rel in EVENT_LINKS:
        steps.append(Step(f"link:{rel}", LINK_STATEMENTS[rel], batches(link_rows(data, rel), batch_size)))
    for rel, rows in analyst_rows(data).items():
        steps.append(Step(f"analyst:{rel}", ANALYST_STATEMENTS[rel], batches(rows, batch_size),
                          {"relation": rel}))
    steps.append(Step("part_of", PART_OF, batches(part_of_rows(data), batch_size)))
    steps = [s for s in steps if s.batches]
    if data.actors or data.events:
        steps.append(Step("orphan_actors", ORPHAN_ACTORS, [[], [], []]))
    return steps


def format_plan(steps: list[Step], batch_size: int, database: str) -> str:
    """The dry-run report: schema statements, then each write statement with rows/batches."""
    lines = [f"// graphbuild neo4j dry run: database {database!r}, batch size {batch_size}", "",
             "// schema (each once)"]
    lines += [f"{text};" for text in SCHEMA_STATEMENTS.values()]
    total_rows = total_stmts = 0
    for s in steps:
        total_rows += s.rows
        total_stmts += len(s.batches)
        lines += ["", f"// step {s.name}: {s.rows} rows in {len(s.batches)} batch(es)"
                  + (f"; parameters {sorted(s.extra)}" if s.extra else ""), s.statement.rstrip() + ";"]
    lines += ["", f"// total: {total_rows} rows in {total_stmts} write statement(s), "
              f"{len(SCHEMA_STATEMENTS)} schema statement(s)"]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Connection
# --------------------------------------------------------------------------------------------

@dataclass
class Neo4jConfig:
    """Where to push. ``password`` is never printed (repr hides it)."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    database: str = DEFAULT_DATABASE
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT
    #: How long the driver keeps retrying a batch after a transient error or a dropped connection.
    retry_time: float = DEFAULT_RETRY_TIME


class _Group:
    """An argument group that skips flags the parser already has (``build`` may own some)."""

    def __init__(self, parser: argparse.ArgumentParser, title: str):
        self.parser, self.group = parser, parser.add_argument_group(title)

    def add_argument(self, *flags, **kw):
        if not any(f in self.parser._option_string_actions for f in flags):
            self.group.add_argument(*flags, **kw)


def add_connection_arguments(parser: argparse.ArgumentParser) -> None:
    """Connection, batching and dry-run flags shared by ``build --neo4j`` and ``push neo4j``."""
    g = _Group(parser, "Neo4j connection (flags override NEO4J_* environment variables)")
    g.add_argument("--neo4j-uri", metavar="URI",
                   help=f"bolt://, neo4j://, +s/+ssc schemes (env NEO4J_URI; default {DEFAULT_URI})")
    g.add_argument("--neo4j-user", metavar="USER",
                   help=f"user name (env NEO4J_USERNAME; default {DEFAULT_USER})")
    g.add_argument("--neo4j-database", metavar="DB",
                   help=f"database to write to (env NEO4J_DATABASE; default {DEFAULT_DATABASE})")
    g.add_argument("--neo4j-password-file", metavar="FILE", type=Path,
                   help="read the password from the first line of FILE (else env NEO4J_PASSWORD; none "
                        "for a server without auth, e.g. `make neo4j`); there is deliberately no password flag")
    g.add_argument("--neo4j-timeout", metavar="SECONDS", type=float, default=DEFAULT_TIMEOUT,
                   help=f"connection timeout (default {DEFAULT_TIMEOUT:g})")
    g.add_argument("--batch-size", metavar="N", type=int, default=DEFAULT_BATCH,
                   help=f"Neo4j rows per UNWIND statement (default {DEFAULT_BATCH})")
    g.add_argument("--dry-run", action="store_true",
                   help="Neo4j: print the statements and batch counts instead of connecting")


def config_from_args(args: argparse.Namespace) -> Neo4jConfig:
    """A :class:`Neo4jConfig` from flags (``--neo4j URI`` or ``--neo4j-uri``), then environment, then
    defaults. No password means no auth (a local server); a server that wants one says so at connect."""
    env = os.environ
    build_uri = getattr(args, "neo4j", None)
    cfg = Neo4jConfig(
        uri=(getattr(args, "neo4j_uri", None) or (build_uri if isinstance(build_uri, str) else None)
             or env.get("NEO4J_URI") or DEFAULT_URI),
        user=getattr(args, "neo4j_user", None) or env.get("NEO4J_USERNAME") or env.get("NEO4J_USER") or DEFAULT_USER,
        database=getattr(args, "neo4j_database", None) or env.get("NEO4J_DATABASE") or DEFAULT_DATABASE,
        timeout=float(getattr(args, "neo4j_timeout", None) or DEFAULT_TIMEOUT),
    )
    if cfg.timeout <= 0:
        raise UserError(f"--neo4j-timeout must be positive, got {cfg.timeout:g}")
    scheme = cfg.uri.split("://", 1)[0].lower() if "://" in cfg.uri else ""
    if scheme not in {"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}:
        raise UserError(f"Neo4j URI {cfg.uri!r} must start with bolt://, neo4j:// (or +s / +ssc)")
    pw_file = getattr(args, "neo4j_password_file", None)
    if pw_file is not None:
        try:
            text = Path(pw_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise UserError(f"cannot read --neo4j-password-file {pw_file}: {exc.strerror}") from None
        cfg.password = text.splitlines()[0] if text.splitlines() else ""
    else:
        cfg.password = env.get("NEO4J_PASSWORD") or None
    return cfg


def _scrub(text: str, cfg: Neo4jConfig) -> str:
    """One line, and never the password even if a server echoed it."""
    line = " ".join(str(text).split())
    return line.replace(cfg.password, "***") if cfg.password else line


def _explain(exc: Exception, cfg: Neo4jConfig) -> UserError:
    """A one-line :class:`UserError` for a driver error during connect/push."""
    from neo4j import exceptions as nx

    where = f"{cfg.uri} (database {cfg.database!r}, user {cfg.user!r})"
    code = getattr(exc, "code", None) or ""
    if (isinstance(exc, nx.AuthError) or "Security.Unauthorized" in code) and cfg.password is None:
        msg = (f"Neo4j at {cfg.uri} requires a password: set NEO4J_PASSWORD or pass "
               f"--neo4j-password-file FILE (user {cfg.user!r})")
    elif isinstance(exc, nx.AuthError) or "Security.Unauthorized" in code:
        msg = f"Neo4j rejected the credentials for {where}: check NEO4J_USERNAME / the password"
    elif "AuthenticationRateLimit" in code:
        msg = f"Neo4j locked out user {cfg.user!r} at {cfg.uri} after failed logins; wait and retry"
    elif "DatabaseNotFound" in code or "database does not exist" in str(exc).lower():
        msg = f"Neo4j at {cfg.uri} has no database {cfg.database!r} (set NEO4J_DATABASE / --neo4j-database)"
    elif isinstance(exc, nx.Forbidden) or "Security.Forbidden" in code:
        msg = f"user {cfg.user!r} may not write to {where}: {_scrub(getattr(exc, 'message', None) or exc, cfg)}"
    elif isinstance(exc, (nx.ServiceUnavailable, nx.SessionExpired, OSError)):
        msg = (f"cannot reach Neo4j at {cfg.uri} (timeout {cfg.timeout:g}s; is the server running "
               f"and the URI right?): {_scrub(exc, cfg)}")
    elif isinstance(exc, nx.ConfigurationError):
        msg = f"bad Neo4j connection settings for {cfg.uri}: {_scrub(exc, cfg)}"
    elif isinstance(exc, nx.Neo4jError):
        msg = f"Neo4j error at {where}: {code or type(exc).__name__}: {_scrub(getattr(exc, 'message', None) or exc, cfg)}"
    else:
        msg = f"Neo4j driver error for {cfg.uri}: {type(exc).__name__}: {_scrub(exc, cfg)}"
    return UserError(msg)


def _quiet_driver_logs() -> None:
    """The driver logs connection failures as warnings; we report them as one line ourselves."""
    import logging

    log = logging.getLogger("neo4j")
    if not log.handlers:
        log.addHandler(logging.NullHandler())
        log.propagate = False


def connect(cfg: Neo4jConfig):
    """An open driver whose credentials and database were checked (else one-line UserError)."""
    import neo4j
    from neo4j import exceptions as nx

    _quiet_driver_logs()
    try:
        driver = neo4j.GraphDatabase.driver(
            cfg.uri, auth=None if cfg.password is None else (cfg.user, cfg.password),
            connection_timeout=cfg.timeout, connection_acquisition_timeout=cfg.timeout,
            max_transaction_retry_time=cfg.retry_time,
            user_agent="graphbuild",
        )
    except (nx.ConfigurationError, ValueError) as exc:
        raise _explain(exc, cfg) from None
    try:
        driver.verify_connectivity()
        with driver.session(database=cfg.database) as session:
            session.execute_read(lambda tx: tx.run(PING).consume())
    except (nx.Neo4jError, nx.DriverError, OSError) as exc:
        driver.close()
        raise _explain(exc, cfg) from None
    return driver


# --------------------------------------------------------------------------------------------
# Push
# --------------------------------------------------------------------------------------------

@dataclass
class PushStats:
    """What a push did: statements sent, rows sent, and the server's update counters."""

    statements: int = 0
    rows: int = 0
    nodes_created: int = 0
    nodes_deleted: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    seconds: float = 0.0
    by_step: dict[str, int] = field(default_factory=dict)

    def add(self, counters) -> None:
        for k in ("nodes_created", "nodes_deleted", "relationships_created",
                  "relationships_deleted", "properties_set"):
            setattr(self, k, getattr(self, k) + getattr(counters, k, 0))


def _run_batch(tx, statement: str, params: dict, fail_hook: Callable | None, step: str, index: int):
    result = tx.run(statement, params)
    summary = result.consume()
    if fail_hook is not None:
        fail_hook(step, index)  # tests: raise here to force a rollback/retry of this batch
    return summary.counters


def ensure_schema(driver, cfg: Neo4jConfig) -> None:
    """Constraints and indexes (idempotent), then wait until they are online."""
    with driver.session(database=cfg.database) as session:
        for name, text in SCHEMA_STATEMENTS.items():
            if name == "await_indexes":
                session.run(text).consume()
            else:
                session.execute_write(lambda tx, t=text: tx.run(t).consume())


def write(driver, cfg: Neo4jConfig, steps: list[Step], quiet: bool = False,
          fail_hook: Callable[[str, int], None] | None = None) -> PushStats:
    """Send every batch of every step in its own managed write transaction."""
    from ..progress import bar as progress_bar

    stats = PushStats()
    start = time.perf_counter()
    total = sum(len(s.batches) for s in steps)
    with driver.session(database=cfg.database) as session, \
            progress_bar(quiet, total=total, unit="batch", desc="neo4j", dynamic_ncols=False,
                         leave=False) as bar:
        for step in steps:
            bar.set_postfix_str(step.name)
            for i, rows in enumerate(step.batches):
                params = {**({"rows": rows} if "$rows" in step.statement else {}), **step.extra}
                counters = session.execute_write(_run_batch, step.statement, params, fail_hook, step.name, i)
                stats.add(counters)
                stats.statements += 1
                stats.rows += len(rows)
                stats.by_step[step.name] = stats.by_step.get(step.name, 0) + 1
                bar.update(1)
    stats.seconds = time.perf_counter() - start
    return stats


def push(data: GraphData, cfg: Neo4jConfig, batch_size: int = DEFAULT_BATCH, quiet: bool = False,
         fail_hook: Callable[[str, int], None] | None = None) -> PushStats:
    """Merge ``data`` into Neo4j: check the connection, ensure the schema, write all steps."""
    from neo4j import exceptions as nx

    steps = plan(data, batch_size)
    driver = connect(cfg)
    try:
        ensure_schema(driver, cfg)
        return write(driver, cfg, steps, quiet=quiet, fail_hook=fail_hook)
    except (nx.Neo4jError, nx.DriverError, OSError) as exc:
        raise _explain(exc, cfg) from None
    finally:
        driver.close()


def counts(driver, database: str) -> dict[str, int]:
    """Node and relationship counts by label / type (used by tests, benchmarks and the report)."""
    out: dict[str, int] = {}
    with driver.session(database=database) as session:
        for label, stmt in COUNT_STATEMENTS.items():
            out[label] = session.execute_read(lambda tx, s=stmt: tx.run(s).single()["n"])
    return out


#: Count queries (read-only; also linted): one fixed statement per label / type.
COUNT_STATEMENTS: dict[str, str] = {
    "Actor": "MATCH (n:Actor) RETURN count(n) AS n",
    "Article": "MATCH (n:Article) RETURN count(n) AS n",
    "Event": "MATCH (n:Event) RETURN count(n) AS n",
    **{rel: f"MATCH ()-[r:{rel}]->() RETURN count(r) AS n" for rel in (*EVENT_LINKS, *RELATION_NAMES, *ACTOR_LINKS)},
}
STATEMENTS.update({f"count:{k}": v for k, v in COUNT_STATEMENTS.items()})


def run_push(data: GraphData, args: argparse.Namespace, out=None) -> int:
    """The CLI action shared by ``push neo4j`` and ``build --neo4j``: dry run or push + report."""
    out = out or sys.stdout
    batch_size = getattr(args, "batch_size", DEFAULT_BATCH)
    quiet = getattr(args, "quiet", False)
    if getattr(args, "dry_run", False):
        cfg = config_from_args(args)
        steps = plan(data, batch_size)
        out.write(format_plan(steps, batch_size, cfg.database))
        return 0
    cfg = config_from_args(args)
    stats = push(data, cfg, batch_size=batch_size, quiet=quiet)
    if not quiet:
        rate = stats.rows / stats.seconds if stats.seconds else 0.0
        print(
            f"neo4j: {len(data.actors)} actors, {len(data.articles)} articles, {len(data.events)} events "
            f"-> {cfg.uri} database {cfg.database!r}: {stats.statements} statements, {stats.rows} rows "
            f"({rate:,.0f} rows/s); created {stats.nodes_created} nodes, {stats.relationships_created} "
            f"relationships; deleted {stats.nodes_deleted} nodes, {stats.relationships_deleted} relationships",
            file=sys.stderr)
    return 0


# --------------------------------------------------------------------------------------------
# Hooks for `graphbuild build` (called by graphbuild/commands/build.py)
# --------------------------------------------------------------------------------------------

def add_build_arguments(parser: argparse.ArgumentParser) -> None:
    """Adds ``--neo4j`` and the connection / batch / dry-run flags to ``graphbuild build``."""
    parser.add_argument("--neo4j", nargs="?", const=True, default=False, metavar="URI",
                        help="also merge the built graph into Neo4j at URI (default: --neo4j-uri / "
                             f"NEO4J_URI / {DEFAULT_URI}; see the Neo4j flags below)")
    add_connection_arguments(parser)


def check_build_arguments(args: argparse.Namespace) -> None:
    """With ``--neo4j``: fail fast on bad settings, an unreachable server or refused credentials
    before a long build (the connection is checked, then closed)."""
    if getattr(args, "neo4j", False):
        cfg = config_from_args(args)
        batches([], getattr(args, "batch_size", DEFAULT_BATCH))
        if not getattr(args, "dry_run", False):
            connect(cfg).close()


def after_build(args: argparse.Namespace, store_path) -> None:
    """If ``--neo4j`` was given: read the graph back from the store and push it."""
    if not getattr(args, "neo4j", False):
        return
    from .store import read_graph

    run_push(read_graph(store_path), args)


def iter_statements() -> Iterator[tuple[str, str]]:
    """(name, text) of every statement the sink can send, for linting."""
    yield from STATEMENTS.items()
