"""Article readers for CSV tables and HTML pages (bytes in, articles or one-line errors out).

Both take the file's bytes and its name, so local files and URLs (:mod:`graphbuild.sources`)
share them. A CSV holds one article a row: a text column (``text`` unless ``--text-column``
names another) and optional ``id``, ``title``, ``date``, ``url`` and ``source`` columns (the
JSONL fields; ``headline``, ``published``/``publication_date``, ``link`` and ``publisher`` are
accepted too). A bad row is an :class:`IngestError` naming ``FILE:LINE`` and the reason; the
other rows are kept. An HTML page is one article: trafilatura extracts the main text (no
navigation, comments or tables) and the title and publication date from the page's metadata.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from .ingest import MAX_CHARS, IngestError, RawArticle, _decode, article_from_dict

DEFAULT_TEXT_COLUMN = "text"
#: Optional CSV columns -> the article field they fill (first present wins).
CSV_COLUMNS = {"id": ("id",), "title": ("title", "headline"),
               "date": ("date", "published", "publication_date"), "url": ("url", "link"),
               "source": ("source", "publisher")}


def _stem(name: str) -> str:
    return Path(name.split("?", 1)[0].rsplit("/", 1)[-1]).stem


def read_csv_articles(data: bytes, name: str, text_column: str | None = None
                      ) -> Iterator[RawArticle | IngestError]:
    """The articles of a CSV file (one a row; a header row names the columns)."""
    text = _decode(data, name)
    if isinstance(text, IngestError):
        yield text
        return
    column = text_column or DEFAULT_TEXT_COLUMN
    csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_CHARS))  # then "too long", not a csv error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        yield IngestError(name, "empty file")
        return
    except csv.Error as exc:
        yield IngestError(f"{name}:1", f"malformed CSV header ({exc})")
        return
    lower = [h.lower() for h in header]
    if column.lower() not in lower:
        shown = ", ".join(repr(h) for h in header[:12]) + (", ..." if len(header) > 12 else "")
        yield IngestError(name, f"no {column!r} column (columns: {shown}); name the text column "
                                f"with --text-column")
        return
    where = {field: next((lower.index(c) for c in names if c in lower), None)
             for field, names in CSV_COLUMNS.items()}
    where["text"] = lower.index(column.lower())
    stem, rows, line = _stem(name), 0, 1
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield IngestError(f"{name}:{start}", f"malformed CSV row ({exc})")
            return  # the parser cannot resynchronise after a broken quote
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        rows += 1
        origin = f"{name}:{start}"
        if len(cells) != len(header):
            yield IngestError(origin, f"row has {len(cells)} fields, the header has {len(header)}")
            continue
        obj = {f: cells[i] for f, i in where.items() if i is not None and (f == "text" or cells[i].strip())}
        yield article_from_dict(obj, origin, default_id=f"{stem}-{rows}")
    if not rows:
        yield IngestError(name, "no rows after the header")


def read_html_article(data: bytes, name: str, meta: dict | None = None) -> RawArticle | IngestError:
    """One article from an HTML page: trafilatura's main text, title and date (``meta`` wins)."""
    import trafilatura
    if b"\x00" in data[:8192]:
        return IngestError(name, "binary file (contains NUL bytes)")
    try:
        doc = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"extensive_search": False, "original_date": True})
    except (ValueError, TypeError, RuntimeError) as exc:  # lxml: unparsable markup
        return IngestError(name, f"cannot parse HTML ({exc})")
    if doc is None or not (doc.text or "").strip():
        return IngestError(name, "no article text found in the HTML page")
    title = (doc.title or "").strip() or None
    body = doc.text
    first, sep, rest = body.partition("\n")
    if title and sep and first.strip() == title:  # the page's <h1> repeats the title
        body = rest
    obj = {"id": _stem(name), "text": body, "title": title, "date": doc.date, "url": doc.url,
           "source": doc.sitename}
    obj.update({k: v for k, v in (meta or {}).items() if v is not None})
    return article_from_dict({k: v for k, v in obj.items() if v is not None}, name, _stem(name))
