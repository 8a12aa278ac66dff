"""Event files: write extractor records as JSONL or Parquet, read them back (local paths or URLs).

Parquet is one flat table (one column per field, actors flattened to ``source_id``,
``source_name``...; the article's metadata in ``article_*`` columns). An article that gave no
event still has one row, with an empty ``id``, so the table records every article processed
and ``build --from-events`` recreates the same Article nodes as ``build`` from the articles.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .errors import UserError
from .model import Article

#: Top-level scalar fields of a record, in the order the extractor writes them.
EVENT_FIELDS = ("id", "article_id", "field", "relation", "cameo", "plover", "date", "date_source",
                "date_period", "negated", "modality", "confidence", "trigger", "sentence", "start", "end")
#: The record's order of keys (actor objects included), for rebuilding records from rows.
RECORD_ORDER = ("id", "article_id", "field", "relation", "cameo", "plover", "source", "target",
                "date", "date_source", "date_period", "negated", "modality", "reported_by", "confidence",
                "trigger", "sentence", "start", "end")
ACTOR_ROLES = ("source", "target", "reported_by")
#: Fields older records lack: left out of a rebuilt record when the row has none.
OPTIONAL_FIELDS = ("date_source", "date_period")
ACTOR_FIELDS = ("id", "name", "kind", "country", "role", "cameo", "wikidata", "text")
ARTICLE_FIELDS = ("title", "url", "source", "published", "sha256")
_TYPES = {"negated": "bool", "confidence": "float64", "start": "int64", "end": "int64"}
#: Rows per Parquet row group, and articles per part file of a directory output.
ROW_GROUP_ROWS = 20_000
PART_ARTICLES = 10_000
PARQUET_SUFFIX = ".parquet"


def columns() -> list[str]:
    """The Parquet column names, in table order."""
    cols = list(EVENT_FIELDS)
    cols += [f"{role}_{f}" for role in ACTOR_ROLES for f in ACTOR_FIELDS]
    cols += [f"article_{f}" for f in ARTICLE_FIELDS]
    return cols + ["extra"]


def schema():
    """The Arrow schema of the events table (strings unless typed in ``_TYPES``)."""
    import pyarrow as pa
    types = {"bool": pa.bool_(), "float64": pa.float64(), "int64": pa.int64()}
    return pa.schema([(c, types.get(_TYPES.get(c, ""), pa.string())) for c in columns()])


def flatten(article: Article | None, rec: dict | None, article_id: str | None = None) -> dict:
    """One table row from a record (or an article-only row when ``rec`` is None)."""
    row = dict.fromkeys(columns())
    extra = {}
    if rec is not None:
        for key, value in rec.items():
            if key in EVENT_FIELDS:
                row[key] = value
            elif key in ACTOR_ROLES:
                if value is None:
                    continue
                for akey, avalue in value.items():
                    if akey in ACTOR_FIELDS:
                        row[f"{key}_{akey}"] = avalue
                    else:
                        extra[f"{key}.{akey}"] = avalue
            else:
                extra[key] = value
    else:
        row["article_id"] = article.id if article is not None else article_id
    if article is not None:
        for f in ARTICLE_FIELDS:
            row[f"article_{f}"] = getattr(article, "published" if f == "published" else f)
    row["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
    return row


def unflatten(row: dict) -> tuple[Article, dict | None]:
    """The article and the record (None for an article-only row) of one table row."""
    article = Article(id=row["article_id"], **{("published" if f == "published" else f):
                                               row.get(f"article_{f}") for f in ARTICLE_FIELDS})
    if row.get("id") is None:
        return article, None
    extra = json.loads(row["extra"]) if row.get("extra") else {}
    rec: dict = {}
    for key in RECORD_ORDER:
        if key in ACTOR_ROLES:
            if row.get(f"{key}_id") is None:
                rec[key] = None
                continue
            actor = {f: row.get(f"{key}_{f}") for f in ACTOR_FIELDS}
            if actor["text"] is None:
                del actor["text"]
            for ekey in [k for k in extra if k.startswith(key + ".")]:
                actor[ekey[len(key) + 1:]] = extra.pop(ekey)
            if isinstance(actor.get("org"), dict):  # a person's organisation: an actor object too
                org = actor["org"]
                actor["org"] = {**{f: org[f] for f in ACTOR_FIELDS if f in org}, **org}
            rec[key] = actor
        elif key in row and (row[key] is not None or key not in OPTIONAL_FIELDS):
            rec[key] = row.get(key)
        elif key not in OPTIONAL_FIELDS:
            rec[key] = None
        elif "date_source" in row and row.get("date_source") is not None:
            rec[key] = None  # a record written with date fields has both
    rec.update(extra)
    return article, rec


# ------------------------------------------------------------------------------------ writers

def output_kind(out: str | None) -> str:
    """``jsonl`` (default, stdout for None/-), ``parquet`` (a .parquet file) or ``parquet-dir``
    (a path ending in ``/``: a directory of part files)."""
    if not out or out == "-":
        return "jsonl"
    if out.endswith("/"):
        return "parquet-dir"
    return "parquet" if out.lower().endswith(PARQUET_SUFFIX) else "jsonl"


def _open(url: str, mode: str):
    import fsspec
    try:
        fs, path = fsspec.core.url_to_fs(url)
        parent = fs._parent(path)
        if parent and "://" in url:
            fs.makedirs(parent, exist_ok=True)
        return fs.open(path, mode, **({"encoding": "utf-8"} if "b" not in mode else {}))
    except (OSError, ValueError, ImportError) as exc:
        raise UserError(f"cannot write {url}: {getattr(exc, 'strerror', None) or exc}") from None


class JsonlSink:
    """Records as JSON lines (stdout for None/``-``), byte for byte as ``graphbuild extract``."""

    def __init__(self, url: str | None):
        self.url = url
        if not url or url == "-":
            self.fh = sys.stdout
        elif "://" in url:
            self.fh = _open(url, "w")
        else:
            try:
                self.fh = open(url, "w", encoding="utf-8")
            except OSError as exc:
                raise UserError(f"cannot write {url}: {exc.strerror}") from None

    def add(self, article: Article, records: list[dict]) -> None:
        if records:
            self.fh.write("".join(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records))

    def close(self) -> None:
        self.fh.flush()
        if self.fh is not sys.stdout:
            self.fh.close()


class _Rows:
    """Rows buffered column-wise for Arrow."""

    def __init__(self):
        self.cols = {c: [] for c in columns()}
        self.n = 0

    def add(self, article: Article, records: list[dict]) -> None:
        for row in ([flatten(article, r) for r in records] or [flatten(article, None)]):
            for c, v in row.items():
                self.cols[c].append(v)
            self.n += 1

    def table(self):
        import pyarrow as pa
        return pa.table(self.cols, schema=schema())


class ParquetSink:
    """One Parquet file, written in input order (row groups of ``ROW_GROUP_ROWS`` rows)."""

    def __init__(self, url: str):
        import pyarrow.parquet as pq
        self.url = url
        self.fh = _open(url, "wb")
        self.writer = pq.ParquetWriter(self.fh, schema(), compression="zstd")
        self.rows = _Rows()

    def add(self, article: Article, records: list[dict]) -> None:
        self.rows.add(article, records)
        if self.rows.n >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if self.rows.n:
            self.writer.write_table(self.rows.table(), row_group_size=ROW_GROUP_ROWS)
        self.rows = _Rows()

    def close(self) -> None:
        self._flush()
        self.writer.close()
        self.fh.close()


def prepare_dir(url: str):
    """Create a part-file directory and remove its old part files; returns (fs, path)."""
    import fsspec
    try:
        fs, path = fsspec.core.url_to_fs(url.rstrip("/"))
        fs.makedirs(path, exist_ok=True)
        for old in fs.glob(path.rstrip("/") + "/part-*.parquet"):
            fs.rm(old)
    except (OSError, ValueError, ImportError) as exc:
        raise UserError(f"cannot write {url}: {getattr(exc, 'strerror', None) or exc}") from None
    return fs, path.rstrip("/")


def write_part(url: str, index: int, rows: "_Rows") -> int:
    """Write ``rows`` as ``URL/part-INDEX.parquet`` (nothing for no rows); the rows written."""
    import fsspec
    import pyarrow.parquet as pq
    if not rows.n:
        return 0
    fs, path = fsspec.core.url_to_fs(url.rstrip("/"))
    with fs.open(f"{path.rstrip('/')}/part-{index:05d}.parquet", "wb") as fh:
        pq.write_table(rows.table(), fh, compression="zstd", row_group_size=ROW_GROUP_ROWS)
    return rows.n


class ParquetDirSink:
    """A directory of ``part-NNNNN.parquet`` files: part N holds the articles number
    N*PART_ARTICLES... of the input (an article whose extraction failed counts, see ``skip``),
    so the parts are the same whoever writes them (this client, or Dask workers in parallel).
    Earlier part files in the directory are removed first: a rerun leaves no stale parts."""

    def __init__(self, url: str, part_articles: int | None = None):
        self.url = url.rstrip("/")
        self.part_articles = part_articles or PART_ARTICLES
        prepare_dir(url)
        self.ordinal = 0
        self.rows = _Rows()

    def add(self, article: Article, records: list[dict]) -> None:
        self.rows.add(article, records)
        self.skip()

    def skip(self) -> None:
        """Count an article that gave an error instead of records."""
        self.ordinal += 1
        if self.ordinal % self.part_articles == 0:
            self._flush()

    def _flush(self) -> None:
        write_part(self.url, (self.ordinal - 1) // self.part_articles, self.rows)
        self.rows = _Rows()

    def close(self) -> None:
        if self.ordinal % self.part_articles:
            self._flush()


class NullSink:
    """Output written elsewhere (Dask workers write the part files themselves)."""

    def add(self, article: Article, records: list[dict]) -> None:
        pass

    def skip(self) -> None:
        pass

    def close(self) -> None:
        pass


def open_sink(out: str | None):
    """The sink for ``--out``: JSONL (default), a Parquet file, or a directory of part files."""
    kind = output_kind(out)
    if kind == "parquet":
        return ParquetSink(out)
    if kind == "parquet-dir":
        return ParquetDirSink(out)
    return JsonlSink(out)


# ------------------------------------------------------------------------------------ readers

@dataclass
class EventsError:
    """An events file or line that could not be read."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


def _expand(inp: str) -> list[str] | EventsError:
    """The files of one input: a path/URL, a glob, or a directory (of part files or JSONL)."""
    import fsspec
    try:
        fs, path = fsspec.core.url_to_fs(inp)
        if any(c in path for c in "*?["):
            found = sorted(p for p in fs.glob(path) if not fs.isdir(p))
        elif fs.isdir(path):
            found = sorted(p for p in fs.find(path) if p.lower().endswith(
                (PARQUET_SUFFIX, ".jsonl", ".ndjson")) and "/." not in p[len(path):]
                and "/_" not in p[len(path):])
        elif fs.exists(path):
            found = [path]
        else:
            return EventsError(inp, "no such file or directory")
    except (OSError, ValueError, ImportError) as exc:
        return EventsError(inp, f"cannot read ({getattr(exc, 'strerror', None) or exc})")
    if not found:
        return EventsError(inp, "no events files here")
    if "://" not in inp:
        return found
    return [fs.unstrip_protocol(p) for p in found]


def _read_parquet(url: str) -> Iterator[tuple[Article, dict | None] | EventsError]:
    import fsspec
    import pyarrow.parquet as pq
    try:
        fs, path = fsspec.core.url_to_fs(url)
        with fs.open(path, "rb") as fh:
            pf = pq.ParquetFile(fh)
            missing = {"id", "article_id", "relation"} - set(pf.schema_arrow.names)
            if missing:
                yield EventsError(url, f"not a graphbuild events table (no column {sorted(missing)[0]!r})")
                return
            n = 0
            for batch in pf.iter_batches(batch_size=4096):
                for row in batch.to_pylist():
                    n += 1
                    yield (f"{url}: row {n}", *unflatten(row))
    except (OSError, ValueError, ImportError) as exc:
        yield EventsError(url, f"unreadable Parquet ({getattr(exc, 'strerror', None) or exc})")


def _read_jsonl(url: str) -> Iterator[tuple[Article, dict | None] | EventsError]:
    import fsspec
    try:
        fs, path = fsspec.core.url_to_fs(url)
        with fs.open(path, "rb") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                origin = f"{url}:{lineno}"
                try:
                    rec = json.loads(line)
                except ValueError as exc:
                    yield EventsError(origin, f"malformed JSON ({getattr(exc, 'msg', exc)})")
                    continue
                if not isinstance(rec, dict) or not isinstance(rec.get("article_id"), str):
                    yield EventsError(origin, "not an event record (no article_id)")
                    continue
                yield origin, Article(id=rec["article_id"]), rec
    except (OSError, ValueError, ImportError) as exc:
        yield EventsError(url, f"cannot read ({getattr(exc, 'strerror', None) or exc})")


def record_problem(rec: dict) -> str | None:
    """Why ``rec`` cannot be merged (missing fields, unknown relation), or None."""
    from .vocab import relations
    for key in ("id", "article_id", "relation", "cameo"):
        if not isinstance(rec.get(key), str) or not rec[key]:
            return f"not an event record (missing or non-string {key!r})"
    if rec["relation"] not in relations():
        return f"unknown relation type {rec['relation']!r}"
    for key in ("source", "target"):
        actor = rec.get(key)
        if not isinstance(actor, dict) or not all(isinstance(actor.get(k), str) for k in ("id", "name", "kind")):
            return f"not an event record ({key!r} needs id, name and kind)"
    if rec.get("reported_by") is not None and not isinstance(rec["reported_by"], dict):
        return "not an event record ('reported_by' must be an object or null)"
    for key in ("start", "end"):
        if key in rec and not isinstance(rec[key], int):
            return f"not an event record ({key!r} must be an integer)"
    return None


def read_events(inputs: Iterable[str]) -> Iterator[tuple[Article, list[dict]] | EventsError]:
    """(article, its records) per article of events files (JSONL or Parquet), in file order.

    JSONL events carry only the article id (and articles without events are absent); Parquet
    written by graphbuild carries the article metadata and every article processed.
    """
    for inp in inputs:
        files = _expand(inp)
        if isinstance(files, EventsError):
            yield files
            continue
        for url in files:
            reader = _read_parquet if url.lower().endswith(PARQUET_SUFFIX) else _read_jsonl
            current: Article | None = None
            records: list[dict] = []
            for item in reader(url):
                if isinstance(item, EventsError):
                    yield item
                    continue
                origin, article, rec = item
                problem = record_problem(rec) if rec is not None else None
                if problem:
                    yield EventsError(origin, problem)
                    continue
                if current is not None and article.id != current.id:
                    yield current, records
                    current, records = None, []
                if current is None:
                    current = article
                if rec is not None:
                    records.append(rec)
            if current is not None:
                yield current, records
