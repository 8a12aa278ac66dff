"""Ingest stage: files, directories, JSONL and stdin -> a stream of :class:`RawArticle`.

Bad input never raises: it is yielded as an :class:`IngestError` naming the file (and line)
and the reason, so the pipeline reports it, goes on with the other articles, and exits 1.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date as _date
from pathlib import Path

from .model import Article

TEXT_SUFFIXES = (".txt", ".md")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_SUFFIXES = (".csv",)
HTML_SUFFIXES = (".html", ".htm")
#: What a directory walk reads. ``.json`` (maybe a sidecar) and ``.csv`` (a folder's CSVs are often
#: other tables) are read only when named or matched by a glob.
WALK_SUFFIXES = TEXT_SUFFIXES + JSONL_SUFFIXES + HTML_SUFFIXES
#: What is read by URL or glob.
ARTICLE_SUFFIXES = WALK_SUFFIXES + CSV_SUFFIXES
#: Every file type read when named explicitly (a file without an extension is plain text).
ACCEPTED = ".txt, .md, .jsonl, .ndjson, .json, .csv, .html, .htm"
#: Articles longer than this many characters are refused: a news article is far shorter (the
#: longest of the 2450 corpus articles has 104,182), and spaCy's parser needs about 3.5 KB of
#: memory per character of one document (300,000 characters -> 1.1 GB), so this bounds memory.
MAX_CHARS = 150_000
#: Titles are parsed too (and time grows faster than linearly with one document's length): a
#: headline is far shorter than this; longer ones are refused like over-long articles.
MAX_TITLE_CHARS = 1_000
#: Other metadata fields (url, source) are not parsed but are stored and exported.
MAX_FIELD_CHARS = 10_000

_STOPWORDS = frozenset(
    "the of and to in a is that for on was with as by at from said has have it be are his "
    "its an this not were will their which been but had who after they he she also would".split())
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: What may follow the date: nothing, or an ISO time (``T12:30``, seconds, fraction, zone).
_TIME = re.compile(r"^([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass
class RawArticle:
    """One article as read: ``text`` is the body that event offsets refer to."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    origin: str = ""

    def to_article(self) -> Article:
        digest = hashlib.sha256(((self.title or "") + "\n\n" + self.text).encode("utf-8")).hexdigest()
        return Article(id=self.id, title=self.title, url=self.url, source=self.source,
                       published=self.date, sha256=digest)


@dataclass
class IngestError:
    """A file or record that could not be read; ``origin`` is ``path`` or ``path:line``."""

    origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.reason}"


#: Frequent function words of languages often mistaken for English; a text where these
#: outnumber English ones is not English (the parser and lexicon are English-only).
_FOREIGN_STOPWORDS = frozenset(
    "der das und ist nicht mit den dem des ein eine einer sich auf für von zu im auch wird wurde "
    "sind bei nach oder aber wie noch über le la les et est une un du dans pour que qui pas sur au "
    "avec ce sont aux par el los las del y es una por con para su como más lo se al "
    "il di che non della per gli nel sono".split())


def check_text(text: str, max_chars: int = MAX_CHARS) -> str | None:
    """Why ``text`` cannot be processed (empty, too long, not English), or None if it can."""
    if not text.strip():
        return "empty article text"
    if len(text) > max_chars:
        return f"article too long ({len(text):,} characters; limit {max_chars:,})"
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) >= 20 and sum(c < "\u0250" for c in letters) / len(letters) < 0.5:
        return "text does not look like English (mostly non-Latin script; graphbuild extracts English news)"
    words = _WORD.findall(sample.lower())
    if len(words) >= 8:
        english = sum(w in _STOPWORDS for w in words)
        foreign = sum(w in _FOREIGN_STOPWORDS for w in words)
        if english / len(words) < 0.04 or foreign > english:
            return "text does not look like English (graphbuild extracts English news)"
    return None


def _valid_date(value) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _DATE.match(value[:10]) or not _TIME.match(value[10:]):
        raise ValueError(f"invalid date {value!r} (expected YYYY-MM-DD)")
    try:
        _date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ValueError(f"invalid date {value!r} ({exc})") from None
    return value[:10]


def _opt_str(value, name: str, limit: int = MAX_FIELD_CHARS) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"field {name!r} must be a string")
    if len(value) > limit:
        raise ValueError(f"field {name!r} too long ({len(value):,} characters; limit {limit:,})")
    return value


def article_from_dict(obj, origin: str, default_id: str | None = None) -> RawArticle | IngestError:
    """Validate one JSON object (a JSONL line or a sidecar-completed text file)."""
    if not isinstance(obj, dict):
        return IngestError(origin, "expected a JSON object")
    text = obj.get("text")
    if not isinstance(text, str):
        return IngestError(origin, "missing or non-string 'text' field")
    art_id = obj.get("id", default_id)
    if isinstance(art_id, int) and not isinstance(art_id, bool):
        art_id = str(art_id)
    if not isinstance(art_id, str) or not art_id.strip():
        return IngestError(origin, "missing or empty 'id' field")
    try:
        raw = RawArticle(id=art_id, text=text, title=_opt_str(obj.get("title"), "title", MAX_TITLE_CHARS),
                         date=_valid_date(obj.get("date")), url=_opt_str(obj.get("url"), "url"),
                         source=_opt_str(obj.get("source"), "source"), origin=origin)
    except ValueError as exc:
        return IngestError(origin, str(exc))
    problem = check_text(text)
    return IngestError(origin, problem) if problem else raw


def _decode(data: bytes, origin: str) -> str | IngestError:
    if data.startswith(_UTF16_BOMS):
        return IngestError(origin, "UTF-16 text; convert to UTF-8")
    if b"\x00" in data[:8192]:
        return IngestError(origin, "binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return IngestError(origin, f"invalid UTF-8 at byte {exc.start}")


#: Front-matter / sidecar keys accepted as synonyms of the JSONL field names.
_META_ALIASES = {"published": "date", "headline": "title", "link": "url"}


def _front_matter(text: str) -> tuple[dict, str]:
    """Split ``---\\nkey: value\\n---`` front matter (simple key: value lines) from the body."""
    m = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.S)
    if not m:
        return {}, text
    meta = {}
    for line in m.group(1).splitlines():
        if ":" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition(":")
            key = key.strip().lower()
            meta[_META_ALIASES.get(key, key)] = value.strip().strip("'\"") or None
    return meta, text[m.end():]


def parse_text_article(text: str, origin: str, default_id: str, meta: dict | None = None
                       ) -> RawArticle | IngestError:
    """A plain-text/Markdown article: front matter, then a title line if a blank line follows."""
    front, body = _front_matter(text)
    meta = {**front, **{_META_ALIASES.get(k, k): v for k, v in (meta or {}).items()}}
    title = meta.get("title")
    stripped = body.lstrip("\n")
    first, sep, rest = stripped.partition("\n")
    if sep and rest.startswith(("\n", "\r\n")) and first.strip() and len(first) < 300:
        title = title or first.lstrip("# ").strip()
        body = rest.lstrip("\r\n")
    obj = {**meta, "text": body, "title": title}
    obj.setdefault("id", default_id)
    return article_from_dict(obj, origin, default_id)


def read_text_file(path: Path) -> RawArticle | IngestError:
    origin = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return IngestError(origin, f"cannot read file ({exc.strerror})")
    if not data.strip():
        return IngestError(origin, "empty file")
    text = _decode(data, origin)
    if isinstance(text, IngestError):
        return text
    meta = read_sidecar(path)
    if isinstance(meta, IngestError):
        return meta
    return parse_text_article(text, origin, path.stem, meta)


def read_sidecar(path: Path) -> dict | IngestError:
    """Metadata of ``path`` from ``path.json`` beside it (``{}`` when there is none)."""
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return IngestError(str(sidecar), f"unreadable sidecar metadata ({exc})")
    if not isinstance(meta, dict):
        return IngestError(str(sidecar), "sidecar metadata must be a JSON object")
    return {_META_ALIASES.get(k, k): v for k, v in meta.items()}


def read_html_file(path: Path) -> RawArticle | IngestError:
    """An HTML page (see :func:`graphbuild.ingest_formats.read_html_article`); a sidecar wins."""
    from .ingest_formats import read_html_article
    try:
        data = path.read_bytes()
    except OSError as exc:
        return IngestError(str(path), f"cannot read file ({exc.strerror})")
    if not data.strip():
        return IngestError(str(path), "empty file")
    meta = read_sidecar(path)
    if isinstance(meta, IngestError):
        return meta
    return read_html_article(data, str(path), meta)


def read_csv_file(path: Path, text_column: str | None = None) -> Iterator[RawArticle | IngestError]:
    """A CSV table of articles (see :func:`graphbuild.ingest_formats.read_csv_articles`)."""
    from .ingest_formats import read_csv_articles
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield IngestError(str(path), f"cannot read file ({exc.strerror})")
        return
    yield from read_csv_articles(data, str(path), text_column)


def read_jsonl(stream: Iterable[bytes], name: str) -> Iterator[RawArticle | IngestError]:
    """One article per line; each bad line is reported as ``name:LINE`` and skipped."""
    seen_any = False
    for lineno, line in enumerate(stream, 1):
        if not line.strip():
            continue
        seen_any = True
        origin = f"{name}:{lineno}"
        if b"\x00" in line:
            yield IngestError(origin, "binary data (NUL bytes) in JSONL line")
            continue
        try:
            obj = json.loads(line.decode("utf-8-sig" if lineno == 1 else "utf-8"))
        except UnicodeDecodeError as exc:
            yield IngestError(origin, f"invalid UTF-8 at byte {exc.start}")
            continue
        except ValueError as exc:
            yield IngestError(origin, f"malformed JSON ({exc.msg} at column {exc.colno})")
            continue
        yield article_from_dict(obj, origin)
    if not seen_any:
        yield IngestError(name, "empty file")


def read_json_file(path: Path) -> Iterator[RawArticle | IngestError]:
    """A ``.json`` file given explicitly: one article object, or a list of them."""
    origin = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        yield IngestError(origin, f"cannot read file ({exc.strerror})")
        return
    text = _decode(data, origin)
    if isinstance(text, IngestError):
        yield text
        return
    try:
        obj = json.loads(text)
    except ValueError as exc:
        yield IngestError(origin, f"malformed JSON ({getattr(exc, 'msg', exc)})")
        return
    if isinstance(obj, list):
        for i, item in enumerate(obj):
            yield article_from_dict(item, f"{origin}[{i}]")
    else:
        yield article_from_dict(obj, origin, path.stem)


def _dir_files(path: Path) -> tuple[list[Path], list[IngestError]]:
    """Article files under ``path`` (sorted, hidden ones left out) and unreadable directories."""
    files, errors = [], []

    def unreadable(exc: OSError) -> None:
        errors.append(IngestError(str(exc.filename or path), f"cannot read directory ({exc.strerror})"))
    for root, dirs, names in os.walk(path, onerror=unreadable):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in names:
            p = Path(root) / name
            if not name.startswith(".") and p.suffix.lower() in WALK_SUFFIXES and p.is_file():
                files.append(p)
    return sorted(files), errors


def _iter_path(path: Path, explicit: bool = True, exclude: frozenset = frozenset(),
               text_column: str | None = None) -> Iterator[RawArticle | IngestError]:
    if exclude and path.resolve() in exclude:
        if explicit:
            yield IngestError(str(path), "is this run's own output file; skipped")
        return
    try:
        is_dir = path.is_dir()
    except OSError as exc:  # a parent directory that cannot be searched
        yield IngestError(str(path), f"cannot read ({exc.strerror})")
        return
    if is_dir:
        files, errors = _dir_files(path)
        yield from errors
        if not files and not errors:
            yield IngestError(str(path), "no .txt, .md, .jsonl or .html files in this directory")
        for p in files:
            yield from _iter_path(p, explicit=False, exclude=exclude, text_column=text_column)
    elif not path.exists():
        yield IngestError(str(path), "no such file or directory")
    elif path.suffix.lower() in JSONL_SUFFIXES:
        try:
            with open(path, "rb") as fh:
                head = fh.peek(8192)[:8192] if hasattr(fh, "peek") else b""
                if head.startswith(_UTF16_BOMS):
                    yield IngestError(str(path), "UTF-16 text; convert to UTF-8")
                    return
                if b"\x00" in head:
                    yield IngestError(str(path), "binary file (contains NUL bytes)")
                    return
                yield from read_jsonl(fh, str(path))
        except OSError as exc:
            yield IngestError(str(path), f"cannot read file ({exc.strerror})")
    elif explicit and path.suffix.lower() == ".json":
        yield from read_json_file(path)
    elif path.suffix.lower() in CSV_SUFFIXES:
        yield from read_csv_file(path, text_column)
    elif path.suffix.lower() in HTML_SUFFIXES:
        yield read_html_file(path)
    elif path.suffix.lower() in TEXT_SUFFIXES or not path.suffix:
        yield read_text_file(path)
    else:
        yield IngestError(str(path), f"unsupported file type {path.suffix!r} (graphbuild reads {ACCEPTED})")


def _iter_stdin() -> Iterator[RawArticle | IngestError]:
    if sys.stdin is None:
        yield IngestError("<stdin>", "standard input is closed")
        return
    stream = sys.stdin.buffer
    head = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
    if head.lstrip().startswith(b"{"):
        yield from read_jsonl(stream, "<stdin>")
        return
    data = stream.read()
    if not data.strip():
        yield IngestError("<stdin>", "empty input")
        return
    text = _decode(data, "<stdin>")
    if isinstance(text, IngestError):
        yield text
        return
    if text.lstrip().startswith("{"):
        yield from read_jsonl(io.BytesIO(data), "<stdin>")
    else:
        yield parse_text_article(text, "<stdin>", "stdin")


def iter_articles(inputs: Iterable[str], exclude: Iterable[str | Path] = (),
                  text_column: str | None = None) -> Iterator[RawArticle | IngestError]:
    """Every article of the inputs (files, directories, URLs, globs, ``-`` for stdin), lazily, in order.

    An article is its id and content: the same (id, title + text) read again in one run is
    skipped (it is stored once), and a repeated id with different content is a conflict,
    reported as an :class:`IngestError` naming where the id was first read. Files in
    ``exclude`` (the run's own output) are never read. ``text_column`` names the article text's
    column in CSV inputs (default ``text``).
    """
    skip = frozenset(Path(p).resolve() for p in exclude)
    seen: dict[str, tuple[bytes, str]] = {}
    for inp in inputs:
        if inp == "-":
            items = _iter_stdin()
        else:  # URLs (fsspec) and glob patterns
            items = (_sources.iter_source(inp, text_column) if _sources.handles(inp)
                     else _iter_path(Path(inp), exclude=skip, text_column=text_column))
        for item in items:
            if isinstance(item, RawArticle):
                digest = hashlib.sha256(((item.title or "") + "\n\n" + item.text).encode("utf-8")).digest()
                first = seen.get(item.id)
                if first is not None:
                    if first[0] == digest:
                        continue  # the same article again (overlapping inputs): once is enough
                    yield IngestError(item.origin, f"article id {item.id!r} was already read from "
                                                   f"{first[1]} with different content; skipped")
                    continue
                seen[item.id] = (digest, item.origin)
            yield item


from . import sources as _sources  # noqa: E402  (it builds on the readers above)
