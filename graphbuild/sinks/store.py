"""The embedded graph store: LadybugDB (the maintained continuation of Kùzu), one file, Cypher.

Writes are incremental and idempotent: each batch runs in one transaction that replaces the
batch's events, merges actors and articles by id, and recomputes the analyst edges of every
(source, relation, target) it touched from the Event nodes themselves (never incremented), so
a build killed at any point leaves a store that opens and a rerun that converges.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import os
import re
import shutil
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ladybug

from ..cypher_guard import check_read_only
from ..errors import UserError
from ..lookup import resolve_actor
from ..merge import GraphData, analyst_edges, country_of, merge_actor, parent_id
from ..model import ACTOR_LINKS, ACTOR_PROPS, ARTICLE_PROPS, EVENT_PROPS, Actor, Article, Event
from ..vocab import RELATION_NAMES

#: Default store location, relative to the working directory.
DEFAULT_STORE = Path("graphbuild-out") / "graph.lbdb"

_ACTOR_TYPES = {"aliases": "STRING[]"}
_EVENT_TYPES = {"negated": "BOOLEAN", "confidence": "DOUBLE", "start": "INT64", "end": "INT64"}
_EDGE_COLUMNS = ("mentions INT64, articles INT64, first_seen STRING, last_seen STRING, "
                 "confidence DOUBLE")


def _q(name: str) -> str:
    """A property name quoted for Cypher (``end`` is a reserved word in LadybugDB)."""
    return f"`{name}`"


def _columns(props: tuple[str, ...], types: dict[str, str]) -> str:
    cols = [f"{_q(p)} {types.get(p, 'STRING')}" + (" PRIMARY KEY" if p == "id" else "") for p in props]
    return ", ".join(cols)


def schema_statements() -> list[str]:
    """The DDL of the graph model: three node tables, four event links, one table per relation,
    and the bookkeeping table ``Extraction`` (not part of the graph)."""
    stmts = [
        f"CREATE NODE TABLE IF NOT EXISTS Actor({_columns(ACTOR_PROPS, _ACTOR_TYPES)})",
        f"CREATE NODE TABLE IF NOT EXISTS Article({_columns(ARTICLE_PROPS, {})})",
        f"CREATE NODE TABLE IF NOT EXISTS Event({_columns(EVENT_PROPS, _EVENT_TYPES)})",
        "CREATE REL TABLE IF NOT EXISTS SOURCE(FROM Event TO Actor)",
        "CREATE REL TABLE IF NOT EXISTS TARGET(FROM Event TO Actor)",
        "CREATE REL TABLE IF NOT EXISTS REPORTED_BY(FROM Event TO Actor)",
        "CREATE REL TABLE IF NOT EXISTS REPORTED_IN(FROM Event TO Article)",
        *(f"CREATE REL TABLE IF NOT EXISTS {rel}(FROM Actor TO Actor)" for rel in ACTOR_LINKS),
        # build's memory of what the extractor made of an article (see write_graph's ``extracted``)
        "CREATE NODE TABLE IF NOT EXISTS Extraction(id STRING PRIMARY KEY, extractor STRING, records STRING)",
    ]
    for rel in RELATION_NAMES:  # closed vocabulary: safe as identifiers
        stmts.append(f"CREATE REL TABLE IF NOT EXISTS {rel}(FROM Actor TO Actor, {_EDGE_COLUMNS})")
    return stmts


#: Columns added after the first stores were written, each with the statement that fills it
#: from what an older store holds, or None (run once, when a store is first opened for writing).
_ADDED_COLUMNS = {
    ("Event", "reported_by_id"): "MATCH (e:Event)-[:REPORTED_BY]->(a:Actor) SET e.reported_by_id = a.id",
    ("Actor", "org"): "MATCH (a:Actor)-[:PART_OF]->(p:Actor) WHERE p.kind <> 'COUNTRY' SET a.org = p.id",
}


def _set_clause(var: str, props: tuple[str, ...], row: str = "r", skip: tuple[str, ...] = ("id",)) -> str:
    return ", ".join(f"{var}.{_q(p)} = {row}.{_q(p)}" for p in props if p not in skip)


_MERGE_ACTORS = (f"UNWIND $rows AS r MERGE (a:Actor {{id: r.id}}) SET {_set_clause('a', ACTOR_PROPS)}")
_MERGE_ARTICLES = (f"UNWIND $rows AS r MERGE (a:Article {{id: r.id}}) "
                   f"SET {_set_clause('a', ARTICLE_PROPS)}")
_CREATE_EVENTS = ("UNWIND $rows AS r CREATE (e:Event {"
                  + ", ".join(f"{_q(p)}: r.{_q(p)}" for p in EVENT_PROPS) + "})")
_LINK = {
    "SOURCE": "UNWIND $rows AS r MATCH (e:Event {id: r.e}) MATCH (a:Actor {id: r.a}) CREATE (e)-[:SOURCE]->(a)",
    "TARGET": "UNWIND $rows AS r MATCH (e:Event {id: r.e}) MATCH (a:Actor {id: r.a}) CREATE (e)-[:TARGET]->(a)",
    "REPORTED_BY": "UNWIND $rows AS r MATCH (e:Event {id: r.e}) MATCH (a:Actor {id: r.a}) "
                   "CREATE (e)-[:REPORTED_BY]->(a)",
    "REPORTED_IN": "UNWIND $rows AS r MATCH (e:Event {id: r.e}) MATCH (a:Article {id: r.a}) "
                   "CREATE (e)-[:REPORTED_IN]->(a)",
}
_CREATE_EXTRACTIONS = ("UNWIND $rows AS r CREATE (m:Extraction {id: r.id, extractor: r.extractor, "
                       "records: r.records})")
_EVENT_KEYS = ("MATCH (e)-[:SOURCE]->(s:Actor) MATCH (e)-[:TARGET]->(t:Actor) "
               "RETURN DISTINCT e.id, s.id, e.relation, t.id")
_EVENTS_OF_ARTICLES = "UNWIND $ids AS x MATCH (:Article {id: x})<-[:REPORTED_IN]-(e:Event) " + _EVENT_KEYS
_EVENTS_BY_ID = "UNWIND $ids AS x MATCH (e:Event {id: x}) " + _EVENT_KEYS
_DELETE_EVENTS = "UNWIND $ids AS x MATCH (e:Event {id: x}) DETACH DELETE e"
_FACTS_FOR_KEYS = (
    "UNWIND $rows AS r MATCH (s:Actor {id: r.s})<-[:SOURCE]-(e:Event) WHERE e.relation = r.r "
    "MATCH (e)-[:TARGET]->(t:Actor {id: r.t}) WHERE NOT e.negated AND e.modality <> 'hypothetical' "
    "RETURN e.id, r.s, r.r, r.t, e.article_id, e.date, e.confidence")
#: Actors with no event, no analyst edge and no part (a PART_OF alone keeps no actor alive).
_ORPHANS = ("UNWIND $ids AS x MATCH (a:Actor {id: x}) "
            "WHERE NOT EXISTS { MATCH (a)<-[]-(:Event) } "
            "AND NOT EXISTS { MATCH (a)-[r]-(:Actor) WHERE label(r) <> 'PART_OF' } "
            "AND NOT EXISTS { MATCH (a)<-[:PART_OF]-(:Actor) } RETURN a.id")
_PARENTS = "UNWIND $ids AS x MATCH (:Actor {id: x})-[:PART_OF]->(p:Actor) RETURN DISTINCT p.id"
#: One PART_OF per child: the new one merged, any other (the country changed) dropped.
_MERGE_PART_OF = ("UNWIND $rows AS r MATCH (a:Actor {id: r.s}) MATCH (b:Actor {id: r.t}) "
                  "MERGE (a)-[:PART_OF]->(b)")
_DROP_OLD_PART_OF = ("UNWIND $rows AS r MATCH (a:Actor {id: r.s})-[x:PART_OF]->(o:Actor) "
                     "WHERE o.id <> r.t DELETE x")


_ROW_FIELD = re.compile(r"\br\.(`?)([A-Za-z_]\w*)\1")


@lru_cache(maxsize=None)
def _columnar(cypher: str) -> tuple[str, tuple[str, ...]]:
    """``UNWIND $rows AS r ... r.x ...`` -> ``UNWIND range(1, $n) AS i ... @@x@@ ...`` + fields."""
    head = "UNWIND $rows AS r "
    if not cypher.startswith(head):
        raise ValueError(f"not a row statement: {cypher[:40]}")
    fields: list[str] = []

    def sub(m: re.Match) -> str:
        if m.group(2) not in fields:
            fields.append(m.group(2))
        return f"@@{m.group(2)}@@"
    body = _ROW_FIELD.sub(sub, cypher[len(head):])
    return "UNWIND range(1, $n) AS i " + body, tuple(fields)


def _merge_edges(rel: str) -> str:
    # rows carry only the keys and a row number (narrow dicts convert fast); values come as columns
    return (f"UNWIND $rows AS r MATCH (a:Actor {{id: r.s}}) MATCH (b:Actor {{id: r.t}}) "
            f"MERGE (a)-[e:{rel}]->(b) SET e.mentions = $mentions[r.i], e.articles = $articles[r.i], "
            f"e.first_seen = $first_seen[r.i], e.last_seen = $last_seen[r.i], "
            f"e.confidence = $confidence[r.i]")


def _delete_edges(rel: str) -> str:
    return f"UNWIND $rows AS r MATCH (a:Actor {{id: r.s}})-[e:{rel}]->(b:Actor {{id: r.t}}) DELETE e"


def event_links(events) -> dict[str, list[tuple[str, str]]]:
    """(event id, node id) pairs of each Event relationship table, in event order."""
    links: dict[str, list[tuple[str, str]]] = {"SOURCE": [], "TARGET": [], "REPORTED_BY": [], "REPORTED_IN": []}
    for e in events:
        links["SOURCE"].append((e.id, e.source_id))
        links["TARGET"].append((e.id, e.target_id))
        links["REPORTED_IN"].append((e.id, e.article_id))
        if e.reported_by_id:
            links["REPORTED_BY"].append((e.id, e.reported_by_id))
    return links


@dataclass
class WriteStats:
    """What one :func:`write_graph` call changed (for progress and the build summary)."""

    articles: int = 0
    actors: int = 0
    events_written: int = 0
    events_removed: int = 0
    edges_updated: int = 0
    edges_removed: int = 0


#: Engine messages of an I/O failure (full disk, EIO, a failed checkpoint), as opposed to Cypher
#: errors: after one, LadybugDB must not be closed (its destructor would abort the process).
_IO_MARKERS = ("IO exception", "Checkpoint failed", "refuses further writes", "Storage exception",
               "No space left")
#: Stores whose engine failed on I/O: kept referenced and never closed (see :func:`abandoned`).
_ABANDONED: list = []
#: How long a reader waits for a writer that is finishing a checkpoint.
RECOVERY_WAIT_SECONDS = 20.0


class StoreIOError(UserError):
    """The store's disk failed (full, read-only, I/O error): one line, committed batches kept."""


def abandoned() -> bool:
    """True if a store hit an I/O error in this process: exit with ``os._exit`` (no destructors)."""
    return bool(_ABANDONED)


def _is_io_error(exc: BaseException) -> bool:
    return isinstance(exc, RuntimeError) and any(m in str(exc) for m in _IO_MARKERS)


def _disk_cause(path: Path, exc: BaseException) -> str:
    """The cause of an I/O failure in one phrase: a full disk says so, with the free space."""
    try:
        free = shutil.disk_usage(path.parent if path.parent.exists() else ".").free
    except OSError:
        free = None
    if free is not None and free < 4 * 1024 * 1024:
        return f"no space left on the device of {path.parent} ({free // 1024} KB free)"
    return _first_line(exc)


def _warn(msg: str) -> None:
    print(f"graphbuild: {msg}", file=sys.stderr, flush=True)


class Store:
    """An open LadybugDB database with the graphbuild schema (use :func:`open_store`)."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        self.db = self.conn = None
        self.db = self._open_database()
        try:
            self.conn = ladybug.Connection(self.db)
        except RuntimeError as exc:
            raise UserError(f"cannot open store {self.path}: {_first_line(exc)}") from None
        if not read_only:
            for stmt in schema_statements():
                self.execute(stmt)
            self._upgrade()
            for prop in self.missing_event_props():  # a store written before the property existed
                self.execute(f"ALTER TABLE Event ADD {_q(prop)} {_EVENT_TYPES.get(prop, 'STRING')}")
        elif self._missing_columns():
            self._upgrade_read_only()

    def _missing_columns(self) -> list[tuple[str, str]]:
        """(table, column) of :data:`_ADDED_COLUMNS` a store written by an older graphbuild lacks."""
        if not self.execute("CALL show_tables() WHERE name = 'Event' RETURN name"):
            return []  # an empty store: created with the current schema on first write
        have = {t: {row[0] for row in self.execute(f"CALL table_info('{t}') RETURN name")}
                for t in {t for t, _ in _ADDED_COLUMNS}}
        return [(t, c) for t, c in _ADDED_COLUMNS if c not in have[t]]

    def _upgrade(self) -> None:
        """Add the missing columns and fill them from the links, in one transaction."""
        missing = self._missing_columns()
        if not missing:
            return
        self.execute("BEGIN TRANSACTION")
        try:
            for table, col in missing:
                self.execute(f"ALTER TABLE {table} ADD {_q(col)} STRING")
                if _ADDED_COLUMNS[table, col]:
                    self.execute(_ADDED_COLUMNS[table, col])
            self.execute("COMMIT")
        except RuntimeError:
            self.execute("ROLLBACK")
            raise
        _warn(f"store {self.path}: upgraded (added {', '.join(f'{t}.{c}' for t, c in missing)})")

    def _upgrade_read_only(self) -> None:
        """A reader of an older store: upgrade it with a short read-write open, then reopen."""
        self.conn.close()
        self.db.close()
        self.db = self.conn = None
        try:
            Store(self.path).close()
        except UserError as exc:
            raise UserError(f"store {self.path} was written by an older graphbuild and must be "
                            f"upgraded by a write first, which failed: {exc}") from None
        self.db = self._open_database()
        self.conn = ladybug.Connection(self.db)

    def _open_database(self):
        """Open the engine; recover a torn write-ahead log or an interrupted checkpoint."""
        path, ro = str(self.path), self.read_only
        try:
            return ladybug.Database(path, read_only=ro)
        except RuntimeError as exc:
            msg = str(exc)
            if "WAL file is corrupted" in msg or "Checksum verification failed" in msg or \
                    "Reading past the end of the file" in msg and ".wal" in msg:
                # the log ends in a transaction that never committed (full disk, crash):
                # replay up to it, which is every committed batch
                db = self._open_or_fail(throw_on_wal_replay_failure=False)
                _warn(f"store {self.path}: the write-ahead log ended in an incomplete write (full "
                      f"disk or crash); every transaction committed before it was recovered")
                return db
            if "checkpoint recovery is pending" in msg and ro:
                self._finish_checkpoint()
                return self._open_or_fail()
            raise UserError(f"cannot open store {self.path}: {_open_problem(self.path, exc)}") from None

    def _open_or_fail(self, **options):
        try:
            return ladybug.Database(str(self.path), read_only=self.read_only, **options)
        except RuntimeError as exc:
            raise UserError(f"cannot open store {self.path}: {_open_problem(self.path, exc)}") from None

    def _finish_checkpoint(self) -> None:
        """A checkpoint was interrupted (kill -9, full disk): complete it with a short read-write
        open (the engine's own recovery), waiting while a writer still holds the store."""
        deadline = time.monotonic() + RECOVERY_WAIT_SECONDS
        while True:
            try:
                db = ladybug.Database(str(self.path), read_only=False,
                                      throw_on_wal_replay_failure=False)
            except RuntimeError as exc:
                if "Could not set lock" in str(exc) and time.monotonic() < deadline:
                    time.sleep(0.2)  # the writer is finishing its checkpoint
                    continue
                try:  # a writer finished the checkpoint meanwhile?
                    ladybug.Database(str(self.path), read_only=True).close()
                    return
                except RuntimeError:
                    pass
                raise UserError(
                    f"cannot open store {self.path}: an interrupted checkpoint must be completed "
                    f"first, which failed ({_disk_cause(self.path, exc)}); fix that, then run "
                    f"`graphbuild check --store {self.path}`") from None
            db.close()
            return

    def _fail(self, exc: BaseException):
        """An engine error -> :class:`StoreIOError` for I/O failures (the store is abandoned,
        never closed), else the RuntimeError itself (Cypher errors)."""
        if not _is_io_error(exc):
            raise exc
        if self.db is not None:
            _ABANDONED.append((self.db, self.conn))
            self.db = None
        verb = "read" if self.read_only else "write"
        kept = "" if self.read_only else ("; every batch committed before is kept: free space "
                                          "and rerun the build to complete it")
        raise StoreIOError(f"cannot {verb} store {self.path}: {_disk_cause(self.path, exc)}{kept}") from None

    def execute(self, cypher: str, params: dict | None = None) -> list[list]:
        """Run one statement and return all its rows (raises RuntimeError on Cypher errors)."""
        if self.db is None:
            raise StoreIOError(f"store {self.path} is closed after an I/O error")
        try:
            return self.conn.execute(cypher, params or {}).get_all()
        except RuntimeError as exc:
            self._fail(exc)

    def write(self, cypher: str, rows: list[dict]) -> list[list]:
        """Run an ``UNWIND $rows AS r ...`` statement over ``rows`` (a list of dicts).

        LadybugDB converts dict parameters at ~20 us per field, so wide rows that only create
        or merge nodes go column by column instead (``r.x`` -> ``$c_x[i]`` over ``range(1, $n)``,
        ~5x faster). Statements with MATCH keep the dicts: with ``{id: $c_x[i]}`` the
        primary-key index is not used. Columns of only NULLs or empty lists become typed
        literals (LadybugDB cannot infer their type).
        """
        if " MATCH " in cypher:
            return self.execute(cypher, {"rows": rows})
        text, fields = _columnar(cypher)
        params: dict = {"n": len(rows)}
        for f in fields:
            values = [row[f] for row in rows]
            is_list = any(isinstance(v, list) for v in values)
            if is_list:  # [] not None: a None after a list makes LadybugDB type the column STRING
                values = [v or [] for v in values]
            if all(v is None or v == [] for v in values):
                expr = "CAST([] AS STRING[])" if is_list else "NULL"
            else:
                params[f"c_{f}"] = values
                expr = f"coalesce($c_{f}[i], CAST([] AS STRING[]))" if is_list else f"$c_{f}[i]"
            text = text.replace(f"@@{f}@@", expr)
        return self.execute(text, params)

    def close(self) -> None:
        """Close the engine; a writer checkpoints first, so that a failure is an exception here,
        not an abort in the engine's destructor (a failed store is abandoned instead)."""
        if self.db is None:
            return
        if not self.read_only:
            try:
                self.execute("CHECKPOINT")
            except (UserError, RuntimeError):
                if self.db is None:
                    return  # abandoned: the committed batches are in the log, recovered on next open
        self.conn.close()
        self.db.close()
        self.db = None

    @contextlib.contextmanager
    def released(self):
        """Closed for the duration (checkpointed, its memory freed), then reopened: ``build``
        forks its extraction workers inside, so they do not inherit the engine's buffers."""
        self.close()
        try:
            yield
        finally:
            self.db = self._open_database()
            self.conn = ladybug.Connection(self.db)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file."""
        self.execute("CHECKPOINT")

    def counts(self) -> dict[str, int]:
        return _counts(self)

    def missing_event_props(self) -> list[str]:
        """Event properties of the model that this store's Event table lacks (an older store)."""
        have = {row[1] for row in self.execute("CALL table_info('Event') RETURN *")}
        return [p for p in EVENT_PROPS if p not in have]

    def event_columns(self, var: str = "e") -> str:
        """``var.p, ...`` over EVENT_PROPS for a RETURN, NULL for properties an older store lacks."""
        missing = set(self.missing_event_props())
        return ", ".join("NULL" if p in missing else f"{var}.{_q(p)}" for p in EVENT_PROPS)

    def extractions(self, ids: Iterable[str]) -> dict[str, tuple[Article, str, str]]:
        """For stored articles with a recorded extraction: (article, extractor fingerprint, records)."""
        rows = self.execute("UNWIND $ids AS x MATCH (a:Article {id: x}) MATCH (m:Extraction {id: x}) "
                            "RETURN " + ", ".join(f"a.{_q(p)}" for p in ARTICLE_PROPS)
                            + ", m.extractor, m.records", {"ids": list(ids)})
        n = len(ARTICLE_PROPS)
        return {r[0]: (Article(**dict(zip(ARTICLE_PROPS, r[:n]))), r[n], r[n + 1] or "") for r in rows}

    def article_hashes(self, ids: Iterable[str]) -> dict[str, str | None]:
        """Stored sha256 of the given article ids (absent ids are left out)."""
        rows = self.execute("UNWIND $ids AS x MATCH (a:Article {id: x}) RETURN a.id, a.sha256",
                            {"ids": list(ids)})
        return dict((r[0], r[1]) for r in rows)


def open_store(path: str | Path, read_only: bool = False) -> Store:
    """Open (creating if needed, unless ``read_only``) the store at ``path``."""
    path = Path(path)
    if read_only and not path.exists():
        raise UserError(f"no store at {path} (run `graphbuild build` first or pass --store)")
    if path.is_dir():
        raise UserError(f"{path} is a directory, not a graphbuild store file")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    return Store(path, read_only=read_only)


def _open_problem(path: Path, exc: BaseException) -> str:
    if "Could not set lock" in str(exc):
        return "another graphbuild process is writing it (wait for it to finish)"
    return _disk_cause(path, exc) if _is_io_error(exc) else _first_line(exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _actor_from_row(row: list) -> Actor:
    d = dict(zip(ACTOR_PROPS, row))
    d["aliases"] = list(d.get("aliases") or [])
    return Actor(**d)


def write_graph(store: Store, data: GraphData, complete_articles: Iterable[str] | None = None,
                extracted: dict[str, tuple[str, str]] | None = None) -> WriteStats:
    """Merge one batch into the store in a single transaction (idempotent, crash-safe).

    Articles of ``data`` that carry a sha256 (or are listed in ``complete_articles``) are taken
    as complete: their previously stored events are replaced by the batch's (so a changed text
    replaces its events). Actors merge by id (aliases unioned, known fields kept); analyst
    edges of every touched (source, relation, target) are recomputed from the Event nodes.
    ``extracted`` maps article ids to (extractor fingerprint, JSONL records): recorded in the
    same transaction, so ``build`` can skip them while text and extractor stay the same; a
    complete article without one forgets any earlier record (it will be extracted again).
    """
    stats = WriteStats()
    complete = {a.id for a in data.articles.values() if a.sha256}
    complete.update(complete_articles or ())
    extracted = extracted or {}
    recorded = complete | set(extracted)
    # Per-batch aggregation is already done by GraphData (dicts keyed by id): no key repeats.
    conn = store
    conn.execute("BEGIN TRANSACTION")
    try:
        # 0. Articles stored with the same text and the same events: nothing to replace (an
        #    identical rebuild writes nothing, so the store file does not grow with reruns).
        same = _unchanged_articles(conn, data, complete)
        if same:
            complete -= same
            data = GraphData(actors=data.actors, articles=data.articles, part_of=data.part_of,
                             events={k: e for k, e in data.events.items() if e.article_id not in same})
        # 1. Old events to replace: all events of complete articles + batch events stored before.
        old = conn.execute(_EVENTS_OF_ARTICLES, {"ids": sorted(complete)}) if complete else []
        if data.events:
            old += conn.execute(_EVENTS_BY_ID, {"ids": list(data.events)})
        old_ids = sorted({r[0] for r in old})
        affected = {(r[1], r[2], r[3]) for r in old}
        touched_actors = {r[1] for r in old} | {r[3] for r in old}
        if old_ids:
            conn.execute(_DELETE_EVENTS, {"ids": old_ids})
        stats.events_removed = len(set(old_ids) - set(data.events))

        # 2. Actors: fold the stored version in (aliases union, known fields kept), then write;
        #    then each one's PART_OF, from the merged actor (its stored country wins).
        if data.actors:
            stats.actors = _write_actors(conn, data)

        # 3. Articles: new metadata wins, missing fields keep what was stored.
        if data.articles:
            ids = list(data.articles)
            stored_art = {row[0]: dict(zip(ARTICLE_PROPS, row)) for row in conn.execute(
                "UNWIND $ids AS x MATCH (a:Article {id: x}) RETURN "
                + ", ".join(f"a.{_q(p)}" for p in ARTICLE_PROPS), {"ids": ids})}
            rows = []
            for art in data.articles.values():
                new = art.to_dict()
                old_art = stored_art.get(art.id, {})
                row = {k: new[k] if new[k] is not None else old_art.get(k) for k in ARTICLE_PROPS}
                if row != old_art:  # unchanged metadata: no write
                    rows.append(row)
            if rows:
                conn.write(_MERGE_ARTICLES, rows)
            stats.articles = len(rows)

        # 4. Events and their links, created fresh.
        if data.events:
            conn.write(_CREATE_EVENTS, [_event_row(e) for e in data.events.values()])
            links = {name: [{"e": e, "a": a} for e, a in pairs]
                     for name, pairs in event_links(data.events.values()).items()}
            affected.update((e.source_id, e.relation, e.target_id) for e in data.events.values())
            for name, rows in links.items():
                if rows:
                    conn.write(_LINK[name], rows)
            stats.events_written = len(data.events)

        # 5. Analyst edges of the touched keys, recomputed from the stored events.
        stats.edges_updated, stats.edges_removed = _recompute_edges(conn, affected)

        # 6. Actors left without any event or edge by a replacement are removed, then the
        #    countries they were PART_OF if nothing else keeps those.
        gone = touched_actors - set(data.actors)
        while gone:
            orphans = [r[0] for r in conn.execute(_ORPHANS, {"ids": sorted(gone)})]
            if not orphans:
                break
            gone = {r[0] for r in conn.execute(_PARENTS, {"ids": orphans})} - set(data.actors)
            conn.execute("UNWIND $ids AS x MATCH (a:Actor {id: x}) DETACH DELETE a", {"ids": orphans})

        # 7. What the extractor made of each article, for the next build to skip it.
        if recorded:
            conn.execute("UNWIND $ids AS x MATCH (m:Extraction {id: x}) DELETE m", {"ids": sorted(recorded)})
        if extracted:
            conn.write(_CREATE_EXTRACTIONS, [{"id": k, "extractor": fp, "records": recs}
                                             for k, (fp, recs) in extracted.items()])
        conn.execute("COMMIT")
    except BaseException:
        try:
            if conn.db is not None:
                conn.execute("ROLLBACK")
        except (RuntimeError, UserError):
            pass
        raise
    return stats


_STORED_EVENTS = ("UNWIND $ids AS x MATCH (:Article {id: x})<-[:REPORTED_IN]-(e:Event) "
                  "MATCH (e)-[:SOURCE]->(s:Actor) MATCH (e)-[:TARGET]->(t:Actor) "
                  "OPTIONAL MATCH (e)-[:REPORTED_BY]->(b:Actor) RETURN x, "
                  + ", ".join(f"e.{_q(p)}" for p in EVENT_PROPS) + ", s.id, t.id, b.id")


def _event_key(e: Event) -> tuple:
    row = _event_row(e)
    return tuple(row[p] for p in EVENT_PROPS) + (e.source_id, e.target_id, e.reported_by_id)


def _write_actors(conn: Store, data: GraphData) -> int:
    """Merge the batch's actors with the stored ones, write the changed ones and every PART_OF."""
    stored = {row[0]: _actor_from_row(row) for row in conn.execute(
        "UNWIND $ids AS x MATCH (a:Actor {id: x}) RETURN "
        + ", ".join(f"a.{_q(p)}" for p in ACTOR_PROPS), {"ids": list(data.actors)})}
    rows: dict[str, dict] = {}
    links: dict[str, str] = {}
    merged_actors = []
    for actor in list(data.actors.values()):
        merged = Actor(**{**actor.to_dict(), "aliases": list(actor.aliases)})
        before = None
        if actor.id in stored:
            before = stored[actor.id].to_dict()
            merged = merge_actor(stored[actor.id], merged)
        if merged.to_dict() != before:  # unchanged: no write (most actors of a long build)
            rows[merged.id] = merged.to_dict()
        merged_actors.append(merged)
    # an organisation of the batch that the stored actor does not keep (it has another) is left out
    named = {x for e in data.events.values() for x in (e.source_id, e.target_id, e.reported_by_id)}
    unused = ({a.org for a in data.actors.values() if a.org} - {a.org for a in merged_actors} - named
              - set(stored))
    merged_actors = [a for a in merged_actors if a.id not in unused]
    for aid in unused:
        rows.pop(aid, None)
    # organisations named by an earlier batch are stored, not in this one
    orgs = sorted({a.org for a in merged_actors if a.org and a.org not in data.actors})
    known = set(data.actors) | ({r[0] for r in conn.execute(
        "UNWIND $ids AS x MATCH (a:Actor {id: x}) RETURN a.id", {"ids": orgs})} if orgs else set())
    for merged in merged_actors:
        if merged.org and (merged.org not in known or merged.org == merged.id):
            merged.org = None  # an organisation we cannot link to is not kept
            rows[merged.id] = merged.to_dict()
        pid, country = parent_id(merged, known)
        if pid is None:
            continue
        links[merged.id] = pid
        if country is not None and country.id not in data.actors and country.id not in rows:
            rows[country.id] = country.to_dict()  # MERGE keeps a stored country as it is
    if rows:
        conn.write(_MERGE_ACTORS, list(rows.values()))
    if links:
        pairs = [{"s": s, "t": t} for s, t in sorted(links.items())]
        conn.write(_DROP_OLD_PART_OF, pairs)
        conn.write(_MERGE_PART_OF, pairs)
    return len(rows)


def _unchanged_articles(conn: Store, data: GraphData, complete: set[str]) -> set[str]:
    """Complete articles of the batch whose stored sha256 and events are exactly the batch's."""
    by_hash = [a for a in complete if data.articles.get(a) is not None and data.articles[a].sha256]
    if not by_hash:
        return set()
    stored_sha = conn.article_hashes(by_hash)
    same = {a for a in by_hash if stored_sha.get(a) == data.articles[a].sha256}
    if not same:
        return set()
    stored: dict[str, set] = {a: set() for a in same}
    for row in conn.execute(_STORED_EVENTS, {"ids": sorted(same)}):
        stored[row[0]].add(tuple(row[1:]))
    batch: dict[str, set] = {a: set() for a in same}
    for e in data.events.values():
        if e.article_id in batch:
            batch[e.article_id].add(_event_key(e))
    return {a for a in same if stored[a] == batch[a]}


def bulk_load(path: str | Path, data: GraphData) -> dict[str, int]:
    """Load ``data`` into a new, EMPTY store with LadybugDB's ``COPY ... FROM`` (bulk path).

    ~100x faster than :func:`write_graph` for big loads (benchmarks, rebuilding a store from an
    ``events.jsonl``): nodes, the four event links and the analyst edges (computed with
    :func:`graphbuild.merge.analyst_edges`) go in as pandas frames in one pass. Refuses a store
    that already holds nodes: COPY appends and would duplicate keys. Returns the rows copied.
    """
    import pandas as pd

    with open_store(path) as store:
        if any(int(store.execute(f"MATCH (n:{t}) RETURN count(n)")[0][0]) for t in ("Actor", "Article", "Event")):
            raise UserError(f"bulk load needs an empty store, {path} already holds nodes")
        articles = dict(data.articles)
        for e in data.events.values():  # events of unknown articles: a bare Article, as build does
            articles.setdefault(e.article_id, Article(id=e.article_id))
        frames: dict[str, pd.DataFrame] = {}

        def frame(rows: list[dict], cols: tuple[str, ...]) -> pd.DataFrame:
            return pd.DataFrame({c: pd.Series([r[c] for r in rows], dtype=object) for c in cols})

        frames["Actor"] = frame([{**a.to_dict(), "aliases": list(a.aliases or [])} for a in data.actors.values()],
                                ACTOR_PROPS)
        frames["Article"] = frame([a.to_dict() for a in articles.values()], ARTICLE_PROPS)
        ev_rows = [_event_row(e) for e in data.events.values()]
        frames["Event"] = frame(ev_rows, EVENT_PROPS)
        for col, kind in (("negated", bool), ("confidence", "float64"), ("start", "int64"), ("end", "int64")):
            frames["Event"][col] = frames["Event"][col].astype(kind)
        for name, pairs in event_links(data.events.values()).items():
            frames[name] = frame([{"from": e, "to": a} for e, a in pairs], ("from", "to"))
        frames["PART_OF"] = frame([{"from": c, "to": p} for c, p in sorted(data.part_of.items())], ("from", "to"))
        by_rel: dict[str, list[dict]] = {}
        for edge in analyst_edges(data.events.values()):
            if edge.relation in RELATION_NAMES:
                by_rel.setdefault(edge.relation, []).append(
                    {"from": edge.source_id, "to": edge.target_id, "mentions": edge.mentions,
                     "articles": edge.articles, "first_seen": edge.first_seen,
                     "last_seen": edge.last_seen, "confidence": float(edge.confidence)})
        for rel, rows in by_rel.items():
            df = frame(rows, ("from", "to", "mentions", "articles", "first_seen", "last_seen", "confidence"))
            frames[rel] = df.astype({"mentions": "int64", "articles": "int64", "confidence": "float64"})
        copied = {}
        for table, df in frames.items():  # node tables first (dict order), then links and edges
            if len(df):
                try:
                    store.conn.execute(f"COPY {table} FROM df")
                except RuntimeError as exc:
                    store._fail(exc)
            copied[table] = len(df)
        store.checkpoint()
    return copied


def _event_row(e: Event) -> dict:
    d = e.to_dict()
    row = {p: d[p] for p in EVENT_PROPS}
    row["negated"] = bool(row["negated"])
    row["confidence"] = float(row["confidence"] or 0.0)
    row["start"] = int(row["start"] or 0)
    row["end"] = int(row["end"] or 0)
    return row


def _recompute_edges(conn: Store, keys: set[tuple[str, str, str]]) -> tuple[int, int]:
    """Rewrite the analyst edges of ``keys`` from the Event nodes; drop those with no fact left."""
    if not keys:
        return 0, 0
    key_rows = [{"s": s, "r": r, "t": t} for s, r, t in sorted(keys)]
    facts = []
    for row in conn.write(_FACTS_FOR_KEYS, key_rows):
        eid, s, r, t, art, date, conf = row
        facts.append(Event(id=eid, article_id=art, relation=r, cameo="", plover=None,
                           source_id=s, target_id=t, date=date, confidence=conf))
    edges = {(e.source_id, e.relation, e.target_id): e for e in analyst_edges(facts)}
    updated = removed = 0
    by_rel: dict[str, tuple[list, list]] = {}
    for key in sorted(keys):
        keep, drop = by_rel.setdefault(key[1], ([], []))
        edge = edges.get(key)
        if edge is None:
            drop.append({"s": key[0], "t": key[2]})
        else:
            keep.append({"s": key[0], "t": key[2], "mentions": edge.mentions, "articles": edge.articles,
                         "first_seen": edge.first_seen, "last_seen": edge.last_seen,
                         "confidence": float(edge.confidence)})
    for rel, (keep, drop) in by_rel.items():
        if rel not in RELATION_NAMES:
            continue
        if drop:
            conn.write(_delete_edges(rel), drop)
            removed += len(drop)
        if keep:
            params = {"rows": [{"s": k["s"], "t": k["t"], "i": n} for n, k in enumerate(keep, 1)]}
            for f in ("mentions", "articles", "first_seen", "last_seen", "confidence"):
                params[f] = [k[f] for k in keep]
            if all(v is None for v in params["first_seen"]):  # undated: a typed NULL, not $param
                conn.execute(_merge_edges(rel).replace("$first_seen[r.i]", "NULL")
                             .replace("$last_seen[r.i]", "NULL"),
                             {k: v for k, v in params.items() if k not in ("first_seen", "last_seen")})
            else:
                conn.execute(_merge_edges(rel), params)
            updated += len(keep)
    return updated, removed


def _counts(store: Store) -> dict[str, int]:
    out = {}
    for label in ("Article", "Actor", "Event"):
        out[label] = int(store.execute(f"MATCH (n:{label}) RETURN count(n)")[0][0])
    total = 0
    for rel in RELATION_NAMES:
        n = int(store.execute(f"MATCH ()-[r:{rel}]->() RETURN count(r)")[0][0])
        out[rel] = n
        total += n
    out["analyst_edges"] = total
    for rel in ACTOR_LINKS:
        out[rel] = int(store.execute(f"MATCH ()-[r:{rel}]->() RETURN count(r)")[0][0])
    return out


def counts(path: str | Path) -> dict[str, int]:
    """Node counts per label, analyst-edge counts per relation, and their total."""
    with open_store(path, read_only=True) as store:
        return _counts(store)


def read_graph(path: str | Path) -> GraphData:
    """Everything in the store back out as a :class:`GraphData` (for push, export, viz)."""
    data = GraphData()
    with open_store(path, read_only=True) as store:
        for row in store.execute("MATCH (a:Actor) RETURN " + ", ".join(f"a.{_q(p)}" for p in ACTOR_PROPS)
                                 + " ORDER BY a.id"):
            actor = _actor_from_row(row)
            data.actors[actor.id] = actor
        for row in store.execute("MATCH (a:Article) RETURN "
                                 + ", ".join(f"a.{_q(p)}" for p in ARTICLE_PROPS) + " ORDER BY a.id"):
            art = Article(**dict(zip(ARTICLE_PROPS, row)))
            data.articles[art.id] = art
        rows = store.execute(
            "MATCH (e:Event) MATCH (e)-[:SOURCE]->(s:Actor) MATCH (e)-[:TARGET]->(t:Actor) "
            "OPTIONAL MATCH (e)-[:REPORTED_BY]->(b:Actor) RETURN "
            + store.event_columns("e") + ", s.id, t.id, b.id ORDER BY e.id")
        for row in rows:
            d = dict(zip(EVENT_PROPS, row))
            d.update(source_id=row[-3], target_id=row[-2], reported_by_id=row[-1])
            ev = Event(**d)
            data.events[ev.id] = ev
        for child, parent in store.execute("MATCH (a:Actor)-[:PART_OF]->(p:Actor) RETURN a.id, p.id ORDER BY a.id"):
            data.part_of[child] = parent
    return data


def _plain(value):
    """Query values as plain Python (Decimal sums -> int/float, dates -> ISO strings)."""
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        if "_LABEL" in value:  # a node or relationship: its properties plus its label
            out = {k: _plain(v) for k, v in value.items() if not k.startswith("_")}
            out["_label"] = value["_LABEL"]
            return out
        return {k: _plain(v) for k, v in value.items()}
    return value


#: Query parameters that name an actor (id, name or alias, case-insensitive).
ACTOR_PARAMS = ("actor", "other")
_ACTORS_FOR_LOOKUP = "MATCH (a:Actor) RETURN a.id, a.name, a.kind, a.country, a.aliases"


def read_actors(store: Store) -> tuple[dict[str, Actor], dict[str, str]]:
    """Every actor (id, name, kind, country, aliases) and every PART_OF, for lookups and roll-ups."""
    actors = {}
    for aid, name, kind, country, aliases in store.execute(_ACTORS_FOR_LOOKUP):
        actors[aid] = Actor(id=aid, name=name, kind=kind, country=country, aliases=list(aliases or []))
    part_of = dict(store.execute("MATCH (a:Actor)-[:PART_OF]->(p:Actor) RETURN a.id, p.id"))
    return actors, part_of


def resolve_actor_params(store: Store, params: dict, by_country: bool = False) -> dict:
    """``$actor``/``$other`` given as an id, name or alias -> the actor's id (with ``by_country``:
    the id of its country), exactly as ``viz`` resolves them (:func:`graphbuild.lookup.resolve_actor`).

    Ambiguous and unknown names are a UserError listing candidates / suggestions. Ids also
    plan best: LadybugDB's recursive joins (shortest_path) need a primary-key anchor.
    """
    out = dict(params)
    wanted = [k for k in ACTOR_PARAMS if isinstance(out.get(k), str)]
    if not wanted:
        return out
    actors, part_of = read_actors(store)
    for key in wanted:
        aid = resolve_actor(actors, out[key], what=f"--param {key}")
        out[key] = country_of(actors, part_of, aid) if by_country else aid
    return out


def run_query(path: str | Path, cypher: str, params: dict | None = None, by_country: bool = False,
              as_frame: bool = False):
    """Run read-only Cypher on the store at ``path``: ``(columns, rows)``, or with ``as_frame``
    a pandas DataFrame with those columns (values as in the rows: plain Python).

    Opens the store read-only, so it works while a build is writing. Statements that could
    touch files, extensions, settings or the store are refused before they run
    (:func:`graphbuild.cypher_guard.check_read_only`). ``$actor``/``$other`` are resolved to
    ids first (with ``by_country``: to their country's id). Cypher errors become a one-line
    :class:`UserError`.
    """
    check_read_only(cypher)
    with open_store(path, read_only=True) as store:
        try:
            result = store.conn.execute(cypher, resolve_actor_params(store, params or {}, by_country))
            if isinstance(result, list):  # several statements: the last one's result
                result = result[-1]
            columns = result.get_column_names()
            rows = [[_plain(v) for v in row] for row in result.get_all()]
        except RuntimeError as exc:
            if _is_io_error(exc):
                store._fail(exc)
            raise UserError(f"query failed: {_first_line(exc)}") from None
    if as_frame:
        return rows_frame(columns, rows)
    return columns, rows


def rows_frame(columns: list[str], rows: list[list]):
    """Query rows as a pandas DataFrame (columns in order; repeated column names kept)."""
    import pandas as pd
    return pd.DataFrame.from_records(rows, columns=columns)


def store_size(path: str | Path) -> int:
    """Bytes on disk of the store file and its write-ahead log."""
    path = Path(path)
    return sum(os.path.getsize(p) for p in (path, Path(str(path) + ".wal")) if p.exists())


def verify(store: Store) -> list[str]:
    """Invariants of a store, as one-line problems (none: consistent).

    Ids are unique per label; every event has exactly one source, one target and one article
    (the one its ``article_id`` names) and a reporter exactly when its ``reported_by_id`` names
    one (that one); every analyst edge equals its recomputation from the events. Catches pages
    that the engine reads back wrong. The counting runs in the engine, so only problems and one
    row per analyst edge come back.
    """
    problems: list[str] = []
    for label in ("Actor", "Article", "Event"):
        n, distinct = store.execute(f"MATCH (n:{label}) RETURN count(n), count(DISTINCT n.id)")[0]
        if n != distinct:
            problems.append(f"{label} ids are not unique ({n} nodes, {distinct} distinct ids)")
    for name, label, prop in _EVENT_LINK_CHECKS:
        extra = store.execute(f"MATCH (e:Event)-[:{name}]->(x:{label}) WITH e, count(x) AS n "
                              f"WHERE n > 1 RETURN count(e), min(e.id)")[0]
        needed = f"e.{prop} IS NOT NULL AND " if prop else ""
        missing = store.execute(
            f"MATCH (e:Event) WHERE {needed}NOT EXISTS {{ MATCH (e)-[:{name}]->(:{label}) }} "
            f"RETURN count(e), min(e.id)")[0]
        n = int(extra[0]) + int(missing[0])
        if n:
            problems.append(f"{n} event(s) with a missing or extra {name} link "
                            f"(first: {min(x for x in (extra[1], missing[1]) if x is not None)})")
        if prop:
            wrong = store.execute(f"MATCH (e:Event)-[:{name}]->(x:{label}) "
                                  f"WHERE e.{prop} IS NULL OR x.id <> e.{prop} RETURN count(e), min(e.id)")[0]
            if int(wrong[0]):
                problems.append(f"{wrong[0]} event(s) with a {name} link to another {label.lower()} "
                                f"than their {prop} (first: {wrong[1]})")
    bad_part = store.execute("MATCH (a:Actor)-[:PART_OF]->(p:Actor) WITH a, count(p) AS n, min(p.kind) AS kind, "
                             "min(p.country) AS country, min(p.id) AS pid WHERE n > 1 OR (a.org IS NULL AND "
                             "(kind <> 'COUNTRY' OR country <> a.country)) OR (a.org IS NOT NULL AND pid <> a.org) "
                             "RETURN count(a), min(a.id)")[0]
    if int(bad_part[0]):
        problems.append(f"{bad_part[0]} actor(s) not PART_OF exactly their own organisation or country "
                        f"(first: {bad_part[1]})")
    want = {}
    for s, rel, t, mentions, arts, first, last, confs in store.execute(
            "MATCH (s:Actor)<-[:SOURCE]-(e:Event)-[:TARGET]->(t:Actor) "
            "WHERE NOT e.negated AND e.modality <> 'hypothetical' "
            "RETURN s.id, e.relation, t.id, count(*), count(DISTINCT e.article_id), min(e.date), "
            "max(e.date), collect(e.confidence)"):
        if rel in RELATION_NAMES:
            miss = 1.0
            for c in confs:
                miss *= 1.0 - max(0.0, min(1.0, c))
            want[(s, rel, t)] = (int(mentions), int(arts), first, last, round(1.0 - miss, 4))
    have = {}
    for rel in RELATION_NAMES:
        for s, t, *values in store.execute(
                f"MATCH (a:Actor)-[r:{rel}]->(b:Actor) RETURN a.id, b.id, r.mentions, r.articles, "
                "r.first_seen, r.last_seen, r.confidence"):
            if (s, rel, t) in have:
                problems.append(f"analyst edge {s} {rel} {t} is stored twice")
            have[(s, rel, t)] = tuple(values)
    wrong = [k for k in set(want) | set(have) if not _same_edge(want.get(k), have.get(k))]
    if wrong:
        k = sorted(wrong)[0]
        problems.append(f"{len(wrong)} analyst edge(s) differ from their recomputation from the events "
                        f"(first: {' '.join(k)}: stored {have.get(k)}, events give {want.get(k)})")
    return problems


#: The links every event is checked for: (relationship, target label, the Event property that
#: names the target, or None: the link is required). A link with a property is required when
#: the property is set, and must reach the node it names.
_EVENT_LINK_CHECKS = (("SOURCE", "Actor", None), ("TARGET", "Actor", None),
                      ("REPORTED_IN", "Article", "article_id"), ("REPORTED_BY", "Actor", "reported_by_id"))


def _same_edge(a, b) -> bool:
    if a is None or b is None:
        return a is b
    # the noisy-OR is rounded to 4 places; another multiplication order may round 1e-4 apart
    return tuple(a[:4]) == tuple(b[:4]) and abs(float(a[4] or 0) - float(b[4] or 0)) < 1.5e-4


def check(path: str | Path) -> tuple[dict[str, int], list[str]]:
    """Counts and invariant problems of the store at ``path`` (opened read-only)."""
    with open_store(path, read_only=True) as store:
        return _counts(store), verify(store)
