"""Runs ingest -> extract over inputs, streaming, in one or several processes.

Memory stays flat: articles are read lazily and at most a few chunks of them are in flight
(being parsed or waiting to be written) at any time; results come back in input order.
Every ``--jobs`` value cuts the input into the same chunks, so the output is byte-identical.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import multiprocessing as mp
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

from .errors import UserError
from .ingest import IngestError, RawArticle, iter_articles
from .model import Article

#: Articles per ``extract_many`` call (at most 2 docs each: one spaCy batch of 32).
CHUNK = 16
#: ... and at most this many characters (plus one article): spaCy's peak memory grows with the
#: text parsed at once (~0.6 KB per character since the pipeline predicts without keeping
#: intermediates; it was ~3.5 KB), so a chunk of long articles is cut short.
CHUNK_CHARS = 50_000
#: A window holds at most this many items, so a long run of bad lines stays bounded too.
MAX_WINDOW_ITEMS = 4 * CHUNK
#: Chunks submitted per worker ahead of the one being written (keeps workers busy).
AHEAD_PER_JOB = 2
#: Windows one pool of forked workers handles before it is replaced by fresh forks.
RECYCLE_WINDOWS = 12


@dataclass
class ArticleResult:
    """What one input item gave: an article and its event records, or an error."""

    article: Article | None = None
    records: list[dict] = field(default_factory=list)
    error: IngestError | None = None
    raw: RawArticle | None = None
    #: the article was not extracted: ``known`` had its records (``stored``: their JSONL text)
    unchanged: bool = False
    stored: str = ""


@dataclass
class Known:
    """An article the caller already has the extraction of: it rides along, not extracted."""

    raw: RawArticle
    records: str


#: ``known(raws) -> {article id: JSONL records}`` for the articles that need no extraction.
KnownLookup = Callable[[list[RawArticle]], dict[str, str]]
#: Articles looked up together by ``known`` (one store query per this many).
KNOWN_BATCH = 64


def make_extractor(model: str | None = None, actors_file: str | None = None, verbs_file: str | None = None):
    """Load the extractor once; any loading problem becomes a one-line :class:`UserError`."""
    from .extract import Extractor
    try:
        return Extractor(model=model, actors_file=actors_file, verbs_file=verbs_file)
    except UserError:
        raise
    except (OSError, ValueError, ImportError, KeyError) as exc:
        raise UserError(f"cannot load the extraction pipeline ({type(exc).__name__}: {exc})") from None


# The extractor of a worker process: built by the worker itself at its first chunk (from
# ``_WORKER_ARGS``), or inherited when the caller handed a loaded one to a forked pool.
_WORKER = None
_WORKER_ARGS: tuple = (None, None, None)


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this worker when its parent dies (Linux ``PR_SET_PDEATHSIG``), so a
    killed build never leaves workers behind; default SIGTERM (the parent's handler is inherited)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _init_worker(model: str | None, actors_file: str | None, verbs_file: str | None = None,
                 parent_pid: int | None = None) -> None:
    global _WORKER_ARGS
    if parent_pid is not None:
        _die_with_parent(parent_pid)
    _WORKER_ARGS = (model, actors_file, verbs_file)


def _work(chunk: list[RawArticle]) -> list[tuple[list[dict] | None, str | None]]:
    """One chunk in a worker; the worker loads its extractor when the first chunk needs it (a
    loading problem is a :class:`UserError`, raised in the parent by the chunk's future)."""
    global _WORKER
    if _WORKER is None and chunk:
        _WORKER = make_extractor(*_WORKER_ARGS)
    return _safe_extract(_WORKER, chunk)


def _malloc_trim():
    """glibc's ``malloc_trim``, or None: without it, heap pages freed after a long article are
    kept by the process and RSS creeps up over a corpus (measured: 330 MB flat vs 700 MB+)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


_TRIM = _malloc_trim()


def trim_heap() -> None:
    """Hand the heap pages freed so far back to the system (glibc), where it can."""
    if _TRIM is not None:
        _TRIM(0)


def _safe_extract(extractor, chunk: list[RawArticle]) -> list[tuple[list[dict] | None, str | None]]:
    """Extract a chunk; an article that makes the extractor fail becomes an error, not a crash."""
    if not chunk:
        return []
    try:
        return _extract_chunk(extractor, chunk)
    finally:
        if _TRIM is not None:
            _TRIM(0)


def _extract_chunk(extractor, chunk: list[RawArticle]) -> list[tuple[list[dict] | None, str | None]]:
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


def windows(items: Iterable, size: int = CHUNK, max_items: int = MAX_WINDOW_ITEMS,
            max_chars: int = CHUNK_CHARS) -> Iterator[list]:
    """Consecutive slices of ``items`` holding at most ``size`` articles (errors ride along).

    The cut depends only on the input, never on ``--jobs``: that keeps outputs identical.
    """
    window: list = []
    n_raw = n_chars = 0
    for item in items:
        window.append(item)
        if isinstance(item, RawArticle):
            n_raw += 1
            n_chars += len(item.text) + len(item.title or "")
        if n_raw >= size or n_chars >= max_chars or len(window) >= max_items:
            yield window
            window, n_raw, n_chars = [], 0, 0
    if window:
        yield window


def _raws(window: list) -> list[RawArticle]:
    return [w for w in window if isinstance(w, RawArticle)]


#: A context manager factory entered around each fork of a worker pool (see :func:`_forking`).
ForkGuard = Callable[[], contextlib.AbstractContextManager]


def run_extraction(inputs: Iterable[str], *, jobs: int = 1, model: str | None = None,
                   actors_file: str | None = None, extractor=None,
                   verbs_file: str | None = None, exclude=(), text_column: str | None = None,
                   known: KnownLookup | None = None, fork_guard: ForkGuard | None = None
                   ) -> Iterator[ArticleResult]:
    """Yield an :class:`ArticleResult` per input article or bad input, in input order
    (files in ``exclude``, the run's own output, are not read; ``text_column``: CSV inputs;
    articles ``known`` has the records of are not extracted but yielded ``unchanged``).
    ``fork_guard`` is entered while worker processes are forked: ``build`` closes its store
    there, so workers do not inherit it."""
    items = iter_articles(inputs, exclude=exclude, text_column=text_column)
    if known is not None:
        items = skip_known(items, known)
    return extract_stream(items, jobs=jobs, model=model, actors_file=actors_file,
                          extractor=extractor, verbs_file=verbs_file, fork_guard=fork_guard)


def skip_known(items: Iterable[RawArticle | IngestError], known: KnownLookup,
               batch: int = KNOWN_BATCH) -> Iterator[RawArticle | IngestError | Known]:
    """``items`` in order, with the articles ``known`` returns records for as :class:`Known`."""
    pending: list = []

    def drain():
        found = known([x for x in pending if isinstance(x, RawArticle)])
        for x in pending:
            yield Known(x, found[x.id]) if isinstance(x, RawArticle) and x.id in found else x
        pending.clear()

    for item in items:
        pending.append(item)
        if len(pending) >= batch:
            yield from drain()
    yield from drain()


def extract_stream(items: Iterable[RawArticle | IngestError], *, jobs: int = 1, model: str | None = None,
                   actors_file: str | None = None, extractor=None, verbs_file: str | None = None,
                   fork_guard: ForkGuard | None = None) -> Iterator[ArticleResult]:
    """Like :func:`run_extraction` but over already-ingested items (any iterable, read lazily)."""
    jobs = max(1, int(jobs or 1))
    if jobs == 1:  # the model loads when the first article needs it (a rebuild may need none)
        for window in windows(items):
            raws = _raws(window)
            if raws and extractor is None:
                extractor = make_extractor(model, actors_file, verbs_file)
            yield from _emit(window, _safe_extract(extractor, raws))
        return
    # No extractor here: each worker loads its own (see _parallel).
    yield from _parallel(items, jobs, extractor, model, (actors_file, verbs_file), fork_guard)


def _parallel(items, jobs: int, extractor, model, files, fork_guard=None) -> Iterator[ArticleResult]:
    """Extraction in ``jobs`` worker processes. Without an ``extractor`` from the caller (``build``),
    the parent never loads spaCy: every worker loads its own pipeline at its first chunk and keeps
    it to the end (one pool). A pipeline loaded in the parent and shared by forking is counted in
    full in the RSS of the parent and of every worker, and the parent, which only writes the
    store, does not need it. With an ``extractor`` from the caller, forked workers inherit it and
    are replaced every RECYCLE_WINDOWS windows (a fork is cheap; spaCy's vocabulary only grows)."""
    global _WORKER
    fork = "fork" in mp.get_all_start_methods()
    ctx = mp.get_context("fork" if fork else "spawn")
    inherited = fork and extractor is not None
    _WORKER = extractor if inherited else None  # forked children inherit the loaded pipeline
    source = iter(windows(items))
    guard = fork_guard if fork and fork_guard is not None else contextlib.nullcontext
    try:
        while not (yield from _run_pool(source, jobs, ctx, model, files,
                                        RECYCLE_WINDOWS if inherited else None, guard)):
            pass
    except BrokenProcessPool:
        raise UserError("a worker process died (out of memory? try fewer --jobs)") from None
    finally:
        _WORKER = None if fork else _WORKER
        if fork:
            gc.unfreeze()  # no worker shares the parent's pages any more


@contextlib.contextmanager
def _forking(guard: ForkGuard):
    """Around the fork of a pool: the caller's guard (``build`` closes its store: its engine's
    ~300 MB would otherwise be inherited by every worker, and kept by it as the parent rewrites
    them), freed heap handed back, and the parent's objects frozen out of the garbage collector,
    whose passes would otherwise write to, and so copy, every page they sit on in each worker."""
    with guard():
        gc.collect()
        gc.freeze()
        if _TRIM is not None:
            _TRIM(0)
        yield


def _run_pool(source, jobs: int, ctx, model, files: tuple, limit: int | None,
              guard: ForkGuard = contextlib.nullcontext):
    """Feed windows from ``source`` to one worker pool, yielding results in order, until the
    source is exhausted (returns True) or ``limit`` windows were submitted (returns False).
    The workers are forked at the first submit, inside :func:`_forking`."""
    pending: deque = deque()
    exhausted = False
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(model, *files, os.getpid())) as pool:
        try:
            submitted = 0
            for window in source:
                if submitted:
                    pending.append((window, pool.submit(_work, _raws(window))))
                else:
                    with _forking(guard):
                        pending.append((window, pool.submit(_work, _raws(window))))
                submitted += 1
                if len(pending) > AHEAD_PER_JOB * jobs:
                    window, fut = pending.popleft()
                    yield from _emit(window, fut.result())
                if limit is not None and submitted >= limit:
                    break
            else:
                exhausted = True
            while pending:
                window, fut = pending.popleft()
                yield from _emit(window, fut.result())
        except BaseException:
            for _, fut in pending:
                fut.cancel()
            _stop_workers(pool)
            raise
    return exhausted


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Interrupted (Ctrl-C, SIGTERM): stop the workers now instead of waiting for their chunks."""
    for proc in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            proc.terminate()
        except (OSError, AttributeError):
            pass


def _emit(window: list, results: list) -> Iterator[ArticleResult]:
    res = iter(results)
    for item in window:
        if isinstance(item, IngestError):
            yield ArticleResult(error=item)
            continue
        if isinstance(item, Known):
            yield ArticleResult(article=item.raw.to_article(), raw=item.raw, unchanged=True, stored=item.records)
            continue
        records, problem = next(res)
        if problem:
            yield ArticleResult(error=IngestError(item.origin, problem), raw=item)
        else:
            yield ArticleResult(article=item.to_article(), records=records, raw=item)
