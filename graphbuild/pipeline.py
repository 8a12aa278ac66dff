"""Runs ingest -> extract over inputs, streaming, in one or several processes.

Memory stays flat: articles are read lazily and handed to the workers in bounded windows,
and results come back in input order.
"""

from __future__ import annotations

import itertools
import multiprocessing as mp
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from .ingest import IngestError, RawArticle, iter_articles
from .model import Article

#: Articles handed to one worker call; a window is this times the number of jobs.
CHUNK = 16


@dataclass
class ArticleResult:
    """What one input item gave: an article and its event records, or an error."""

    article: Article | None = None
    records: list[dict] = field(default_factory=list)
    error: IngestError | None = None
    raw: RawArticle | None = None


_WORKER = None


def _init_worker(model: str | None, actors_file: str | None) -> None:
    global _WORKER
    from .extract import Extractor
    _WORKER = Extractor(model=model, actors_file=actors_file)


def _work(chunk: list[RawArticle]) -> list[tuple[list[dict] | None, str | None]]:
    return _safe_extract(_WORKER, chunk)


def _safe_extract(extractor, chunk: list[RawArticle]) -> list[tuple[list[dict] | None, str | None]]:
    """Extract a chunk; an article that makes the extractor fail becomes an error, not a crash."""
    try:
        return [(recs, None) for _, recs in extractor.extract_many(chunk)]
    except Exception:  # noqa: BLE001 - isolate the failing article below
        out = []
        for raw in chunk:
            try:
                out.append((next(iter(extractor.extract_many([raw])))[1], None))
            except Exception as exc:  # noqa: BLE001
                out.append((None, f"extraction failed ({type(exc).__name__}: {exc})"))
        return out


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    it = iter(items)
    while chunk := list(itertools.islice(it, size)):
        yield chunk


def run_extraction(inputs: Iterable[str], *, jobs: int = 1, model: str | None = None,
                   actors_file: str | None = None, extractor=None) -> Iterator[ArticleResult]:
    """Yield an :class:`ArticleResult` per input article or bad input, in input order."""
    jobs = max(1, int(jobs or 1))
    stream = iter_articles(inputs)
    if jobs == 1:
        if extractor is None:
            from .extract import Extractor
            extractor = Extractor(model=model, actors_file=actors_file)
        for window in _chunks(stream, CHUNK * 4):
            yield from _emit(window, _safe_extract(extractor, [w for w in window if isinstance(w, RawArticle)]))
        return
    ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model, actors_file)) as pool:
        for window in _chunks(stream, CHUNK * jobs * 4):
            raws = [w for w in window if isinstance(w, RawArticle)]
            results = list(itertools.chain.from_iterable(pool.imap(_work, list(_chunks(raws, CHUNK)))))
            yield from _emit(window, results)


def _emit(window: list, results: list) -> Iterator[ArticleResult]:
    res = iter(results)
    for item in window:
        if isinstance(item, IngestError):
            yield ArticleResult(error=item)
            continue
        records, problem = next(res)
        if problem:
            yield ArticleResult(error=IngestError(item.origin, problem), raw=item)
        else:
            yield ArticleResult(article=item.to_article(), records=records, raw=item)
