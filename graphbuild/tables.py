"""The flat events table analysts load (GDELT/ICEWS style): one row per event mention.

One implementation serves ``graphbuild export events`` (CSV / Parquet) and
:func:`graphbuild.api.events_frame` (a pandas DataFrame): both call :func:`events_table` on the
:class:`~graphbuild.merge.GraphData` of a store or of events files (:func:`load_graph`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from . import cameo
from .errors import UserError
from .merge import GraphData
from .model import Actor, Article, Event

#: Suffixes that make a path an events file rather than a store.
EVENTS_SUFFIXES = (".jsonl", ".ndjson", ".parquet")
TABLE_FORMATS = ("csv", "parquet")


@dataclass(frozen=True)
class Column:
    """One column of the events table: its name, Arrow type name and what it holds."""

    name: str
    type: str
    doc: str


def _cols(spec: str) -> tuple[Column, ...]:
    out = []
    for line in spec.strip().splitlines():
        name, typ, doc = (part.strip() for part in line.split("|"))
        out.append(Column(name, typ, doc))
    return tuple(out)


#: The table's columns, in order (name | Arrow type | meaning); docs/exports.md lists them too.
COLUMNS = _cols("""
event_id | string | the event mention's id (stable across rebuilds)
date | string | ISO day the event happened (YYYY-MM-DD), empty when not known
date_source | string | where date came from: text (the sentence names it) or article (publication date)
date_period | string | a year or month the sentence names when no day can be told (1987, 1990-08)
source_id | string | actor id of the source (who did it)
source_name | string | the source actor's canonical name
source_kind | string | COUNTRY, PERSON, ORGANIZATION, GROUP, IGO or OTHER
source_country | string | ISO 3166-1 alpha-3 country of the source
source_role | string | CAMEO role / sector of the source (GOV, MIL, OPP, ...)
target_id | string | actor id of the target (to whom)
target_name | string | the target actor's canonical name
target_kind | string | the target's kind
target_country | string | ISO 3166-1 alpha-3 country of the target
target_role | string | CAMEO role / sector of the target
reported_by_id | string | actor the article attributes the event to, if any
reported_by_name | string | that actor's name
relation | string | relation type of the closed vocabulary (data/relations.tsv)
cameo_code | string | CAMEO event code
cameo_root | string | CAMEO root code (first two digits)
quad_class | int8 | GDELT QuadClass: 1 verbal coop., 2 material coop., 3 verbal conflict, 4 material conflict
goldstein | float64 | Goldstein score of the CAMEO code (-10 conflict .. +10 cooperation)
plover | string | PLOVER event category
negated | bool | the sentence says it did not happen
modality | string | asserted, reported, intended or hypothetical
confidence | float64 | extractor confidence (0..1)
trigger | string | the words that signal the event
sentence | string | the evidence sentence
field | string | title or text: which part of the article the sentence is in
start | int64 | character offset of the sentence in that field
end | int64 | end offset of the sentence
article_id | string | id of the article
url | string | the article's URL
publisher | string | the article's source / publisher
title | string | the article's title
published | string | the article's publication date
""")
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def arrow_schema():
    """The Arrow schema of the events table."""
    import pyarrow as pa
    types = {"string": pa.string(), "int8": pa.int8(), "int64": pa.int64(),
             "float64": pa.float64(), "bool": pa.bool_()}
    return pa.schema([(c.name, types[c.type]) for c in COLUMNS])


def _actor_cells(prefix: str, actor: Actor | None, full: bool = True) -> dict:
    if actor is None:
        return {}
    cells = {f"{prefix}_id": actor.id, f"{prefix}_name": actor.name}
    if full:
        cells.update({f"{prefix}_kind": actor.kind, f"{prefix}_country": actor.country,
                      f"{prefix}_role": actor.role})
    return cells


def event_row(ev: Event, data: GraphData) -> dict:
    """The table row of one event (its actors and article looked up in ``data``)."""
    art = data.articles.get(ev.article_id) or Article(id=ev.article_id)
    actors = data.actors
    row = {
        "event_id": ev.id, "date": ev.date, "date_source": ev.date_source,
        "date_period": ev.date_period,
        **_actor_cells("source", actors.get(ev.source_id) or _unknown(ev.source_id)),
        **_actor_cells("target", actors.get(ev.target_id) or _unknown(ev.target_id)),
        **_actor_cells("reported_by", actors.get(ev.reported_by_id) if ev.reported_by_id else None,
                       full=False),
        "relation": ev.relation, "cameo_code": ev.cameo, "cameo_root": cameo.root_code(ev.cameo),
        "quad_class": cameo.quad_class(ev.cameo), "goldstein": cameo.goldstein(ev.cameo),
        "plover": ev.plover, "negated": bool(ev.negated), "modality": ev.modality,
        "confidence": float(ev.confidence or 0.0), "trigger": ev.trigger, "sentence": ev.sentence,
        "field": ev.field, "start": int(ev.start or 0), "end": int(ev.end or 0),
        "article_id": ev.article_id, "url": art.url, "publisher": art.source, "title": art.title,
        "published": art.published,
    }
    return row


def _unknown(actor_id: str) -> Actor:
    return Actor(id=actor_id, name=actor_id, kind="OTHER")


def events_table(data: GraphData, quiet: bool = True):
    """The events table of ``data`` as a ``pyarrow.Table`` (rows in event-id order)."""
    import pyarrow as pa

    from .progress import bar
    cols: dict[str, list] = {c: [] for c in COLUMN_NAMES}
    events = sorted(data.events.values(), key=lambda e: e.id)
    for ev in bar(quiet, iterable=events, desc="table", unit=" events", leave=False):
        row = event_row(ev, data)
        for c in COLUMN_NAMES:
            cols[c].append(row.get(c))
    return pa.table(cols, schema=arrow_schema())


def to_frame(table):
    """A ``pyarrow.Table`` as a pandas DataFrame (nullable integers stay integers)."""
    import pandas as pd
    import pyarrow as pa
    return table.to_pandas(types_mapper={pa.int8(): pd.Int8Dtype(), pa.int64(): pd.Int64Dtype()}.get)


# ------------------------------------------------------------------------------------ sources

def is_events_path(path: str | Path) -> bool:
    """Whether ``path`` names events files (JSONL/Parquet, or a directory of them), not a store."""
    p = Path(path)
    return str(path).lower().endswith(EVENTS_SUFFIXES) or p.is_dir() or "://" in str(path)


def load_graph(store: str | Path | None = None, events: str | Path | None = None,
               on_error: Callable[[str], None] | None = None) -> GraphData:
    """The graph of a store (default ``graphbuild-out/graph.lbdb``) or of events files.

    A bad events record goes to ``on_error`` (one line: file:line and reason) and is left out;
    without ``on_error`` it is a :class:`UserError`.
    """
    if events is not None:
        return _events_graph(events, on_error)
    from .sinks import store as st
    path = Path(store) if store is not None else st.DEFAULT_STORE
    if not path.exists():
        raise UserError(f"no store at {path} (run `graphbuild build` first or pass --store)")
    try:
        return st.read_graph(path)
    except RuntimeError as exc:  # LadybugDB: not a store, locked, corrupt
        raise UserError(f"cannot read the store {path}: {str(exc).strip().splitlines()[0]}") from None


def _events_graph(events: str | Path, on_error) -> GraphData:
    from .events_io import EventsError, read_events
    data = GraphData()
    for item in read_events([str(events)]):
        if isinstance(item, EventsError):
            if on_error is None:
                raise UserError(str(item))
            on_error(str(item))
            continue
        article, records = item
        if article.id not in data.articles or article != Article(id=article.id):
            data.add_article(article)  # Parquet rows carry the article's metadata, JSONL only its id
        for rec in records:
            try:
                data.add_record(rec)
            except (ValueError, KeyError, TypeError) as exc:
                msg = f"{events}: event {rec.get('id')!r}: not a valid record ({exc})"
                if on_error is None:
                    raise UserError(msg) from None
                on_error(msg)
    return data


def load_any(path: str | Path | None, on_error: Callable[[str], None] | None = None) -> GraphData:
    """:func:`load_graph` of a path that is a store or events files (told apart by the path)."""
    if path is not None and is_events_path(path):
        return load_graph(events=path, on_error=on_error)
    return load_graph(store=path, on_error=on_error)


# ------------------------------------------------------------------------------------ writers

def infer_table_format(out: str | Path, fmt: str | None) -> str:
    """``csv`` or ``parquet``: the ``--format`` given, else from the output's extension."""
    if fmt is None:
        suffix = Path(str(out)).suffix.lower().lstrip(".")
        if suffix not in TABLE_FORMATS:
            raise UserError(f"cannot tell the format of {out}: pass --format csv or --format parquet")
        return suffix
    if fmt not in TABLE_FORMATS:
        raise UserError(f"unknown table format {fmt!r} (use csv or parquet)")
    return fmt


def write_table(table, out: str | Path, fmt: str) -> None:
    """Write the events table as CSV (UTF-8, header row) or Parquet (zstd)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    if fmt == "parquet":
        import pyarrow.parquet as pq
        pq.write_table(table, tmp, compression="zstd")
    else:
        to_frame(table).to_csv(tmp, index=False, encoding="utf-8")
    tmp.replace(out)
