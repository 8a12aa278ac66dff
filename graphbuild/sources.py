"""Inputs by URL (``s3://``, ``gs://``, ``memory://``... through fsspec) and glob patterns.

A plain local path without glob characters is left to :mod:`graphbuild.ingest`; everything
else is expanded here into files (sorted, so the order and hence the output never vary) and
read with the same JSONL and text parsers, so errors name ``URL:LINE`` exactly as for files.
"""

from __future__ import annotations

import glob as _glob
from collections.abc import Iterator
from pathlib import Path

from .ingest import (ACCEPTED, ARTICLE_SUFFIXES, CSV_SUFFIXES, HTML_SUFFIXES, JSONL_SUFFIXES,
                     WALK_SUFFIXES, IngestError, RawArticle, _decode, _iter_path, parse_text_article,
                     read_jsonl)

GLOB_CHARS = "*?["


def is_url(inp: str) -> bool:
    """Whether ``inp`` names a file by URL (``protocol://...``)."""
    return "://" in inp


def handles(inp: str) -> bool:
    """Whether this module reads ``inp`` (a URL or a glob pattern) rather than ``ingest``."""
    return is_url(inp) or (any(c in inp for c in GLOB_CHARS) and not Path(inp).exists())


def _suffix(name: str) -> str:
    return Path(name.split("?", 1)[0]).suffix.lower()


def _hidden(rel: str) -> bool:
    return any(part.startswith(".") for part in rel.split("/") if part)


def expand(inp: str) -> list[str] | IngestError:
    """The files an input stands for (URLs keep their protocol), or why there are none."""
    if not is_url(inp):
        matches = sorted(p for p in _glob.glob(inp, recursive=True) if Path(p).is_file())
        return matches or IngestError(inp, "no files match this pattern")
    import fsspec
    try:
        fs, path = fsspec.core.url_to_fs(inp)
        if any(c in path for c in GLOB_CHARS):
            found = sorted(p for p in fs.glob(path) if not fs.isdir(p))
            if not found:
                return IngestError(inp, "no files match this pattern")
        elif fs.isdir(path):
            base = path.rstrip("/")
            found = sorted(p for p in fs.find(path) if _suffix(p) in WALK_SUFFIXES
                           and not _hidden(p[len(base):]))
            if not found:
                return IngestError(inp, "no .txt, .md, .jsonl or .html files in this directory")
        elif fs.exists(path):
            found = [path]
        else:
            return IngestError(inp, "no such file or directory")
    except ImportError as exc:  # e.g. "Install s3fs to access S3"
        return IngestError(inp, f"filesystem not available ({exc})")
    except (OSError, ValueError) as exc:
        return IngestError(inp, f"cannot list ({getattr(exc, 'strerror', None) or exc})")
    return [fs.unstrip_protocol(p) for p in found]


def open_url(url: str):
    """A binary file object for a URL (or local path)."""
    import fsspec
    fs, path = fsspec.core.url_to_fs(url)
    return fs.open(path, "rb")


def is_jsonl(name: str) -> bool:
    return _suffix(name) in JSONL_SUFFIXES


def read_file(url: str, text_column: str | None = None) -> Iterator[RawArticle | IngestError]:
    """The articles of one file named by URL or local path (JSONL, CSV, or one text/HTML article)."""
    if not is_url(url):
        yield from _iter_path(Path(url), text_column=text_column)
        return
    suffix = _suffix(url)
    if suffix not in ARTICLE_SUFFIXES:
        yield IngestError(url, f"unsupported file type by URL (graphbuild reads "
                               f"{ACCEPTED.replace(' .json,', '')})")
        return
    try:
        with open_url(url) as fh:
            if suffix in JSONL_SUFFIXES:
                head = fh.read(8192)
                if b"\x00" in head:
                    yield IngestError(url, "binary file (contains NUL bytes)")
                    return
                fh.seek(0)
                yield from read_jsonl(fh, url)
                return
            data = fh.read()
    except ImportError as exc:
        yield IngestError(url, f"filesystem not available ({exc})")
        return
    except (OSError, ValueError) as exc:
        yield IngestError(url, f"cannot read file ({getattr(exc, 'strerror', None) or exc})")
        return
    if not data.strip():
        yield IngestError(url, "empty file")
        return
    if suffix in CSV_SUFFIXES:
        from .ingest_formats import read_csv_articles
        yield from read_csv_articles(data, url, text_column)
        return
    if suffix in HTML_SUFFIXES:
        from .ingest_formats import read_html_article
        yield read_html_article(data, url)
        return
    text = _decode(data, url)
    if isinstance(text, IngestError):
        yield text
        return
    stem = Path(url.rsplit("/", 1)[-1]).stem
    yield parse_text_article(text, url, stem)


def iter_source(inp: str, text_column: str | None = None) -> Iterator[RawArticle | IngestError]:
    """Every article of a URL or glob input, file by file in sorted order."""
    files = expand(inp)
    if isinstance(files, IngestError):
        yield files
        return
    for f in files:
        yield from read_file(f, text_column)
