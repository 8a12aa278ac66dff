"""Extraction on a Dask cluster (``--dask local:N`` or ``--dask tcp://scheduler:8786``).

The input is cut into exactly the windows of ``--jobs`` (same rule, same input order), each
window is one Dask task, and results are emitted in input order: the output is byte-identical
to ``--jobs 1``, ids included. Each worker loads the spaCy pipeline once, in a worker plugin.

Who reads the input: JSONL shards that the workers can reach (any URL but ``memory://`` and
local paths on a remote cluster) are indexed and read *by the workers*: one task per shard
returns each line's byte range, id and length (small), the client cuts windows from those and
a window task reads its own byte ranges. Everything else (stdin, ``memory://``, text files,
local files with a remote scheduler) is read by the client and shipped inside the tasks.
A lost worker's tasks are rerun by the scheduler elsewhere; the output does not change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from distributed import WorkerPlugin

from .errors import UserError
from .ingest import IngestError, RawArticle, _iter_stdin, article_from_dict, read_jsonl
from .model import Article
from .pipeline import (AHEAD_PER_JOB, CHUNK, CHUNK_CHARS, MAX_WINDOW_ITEMS, ArticleResult,
                       _safe_extract, make_extractor)
from .sources import expand, handles, is_jsonl, is_url, open_url, read_file

#: Seconds to wait for a scheduler to answer, and for a scheduler to have a worker.
CONNECT_TIMEOUT = float(os.environ.get("GRAPHBUILD_DASK_TIMEOUT", "10"))
WORKER_WAIT = float(os.environ.get("GRAPHBUILD_DASK_WAIT", "60"))


# ------------------------------------------------------------------------------ the cluster

def parse_spec(spec: str) -> tuple[str, int | str]:
    """``("local", N)`` for ``local:N``, ``("address", ADDR)`` for a scheduler address."""
    spec = (spec or "").strip()
    if spec.startswith("local:") or spec == "local":
        try:
            n = int(spec.partition(":")[2] or "0")
        except ValueError:
            n = 0
        if n < 1:
            raise UserError(f"--dask {spec}: expected local:N with N >= 1 worker processes")
        return "local", n
    if ":" not in spec:
        raise UserError(f"--dask {spec}: expected local:N or a scheduler address such as "
                        f"tcp://host:8786")
    return "address", spec


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


@contextmanager
def dask_client(spec: str):
    """A connected ``distributed.Client`` (starting a ``LocalCluster`` for ``local:N``), closed
    on exit; an unreachable scheduler or one without workers is a one-line :class:`UserError`."""
    from distributed import Client, LocalCluster

    kind, value = parse_spec(spec)
    cluster = None
    if kind == "local":
        # One thread per worker: spaCy holds the GIL, so threads would only contend.
        cluster = LocalCluster(n_workers=value, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.CRITICAL)
        client = Client(cluster)
    else:
        try:
            client = Client(value, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            raise UserError(f"cannot reach the Dask scheduler at {value} ({_reason(exc)})") from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_WAIT)
        except TimeoutError:
            raise UserError(f"the Dask scheduler at {value} has no workers (waited "
                            f"{WORKER_WAIT:.0f} s; start some with `dask worker {value}`)") from None
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def dashboard_link(client) -> str | None:
    """The scheduler's dashboard URL, or None when it runs none (no bokeh there)."""
    try:
        if "dashboard" not in client.scheduler_info().get("services", {}):
            return None
        return client.dashboard_link
    except Exception:  # noqa: BLE001 - a link is a courtesy, never a failure
        return None


# ------------------------------------------------------------------- the worker side

#: ``stored(ids) -> {article id: (stored Article, JSONL records)}`` of articles stored by the
#: workers' extractor (whether their text is unchanged is for the reader of the article to tell).
StoredLookup = Callable[[list[str]], dict[str, tuple[Article, str]]]

#: Loaded extractors of this worker process, by (model, actors-file digest).
_EXTRACTORS: dict[tuple, object] = {}
_LOCK = threading.Lock()


def _load(key: tuple, model: str | None, actors: tuple[str, bytes] | None, where: str,
          directory: str | None = None):
    """The worker's extractor for ``key``, loaded on first use (the actors file, sent as bytes
    by the client, is written to the worker's directory: workers need not share a disk)."""
    if key in _EXTRACTORS:
        return _EXTRACTORS[key]
    actors_file = None
    if actors is not None:
        name, data = actors
        folder = Path(directory or os.environ.get("TMPDIR", "/tmp")) / f"graphbuild-{key[1]}"
        folder.mkdir(parents=True, exist_ok=True)
        actors_file = str(folder / name)
        Path(actors_file).write_bytes(data)
    try:
        _EXTRACTORS[key] = make_extractor(model, actors_file)
    except UserError as exc:
        raise UserError(f"Dask worker {where}: {exc}") from None
    return _EXTRACTORS[key]


class ExtractorPlugin(WorkerPlugin):
    """Loads graphbuild's spaCy pipeline and gazetteer once per worker, when it joins (named
    after the model and actors file, so a second run on the same cluster reuses it)."""

    idempotent = True

    def __init__(self, model: str | None, actors: tuple[str, bytes] | None):
        self.model, self.actors = model, actors
        digest = hashlib.sha1(repr((model, actors)).encode("utf-8", "surrogateescape")).hexdigest()[:12]
        self.key = (model, digest)
        self.name = f"graphbuild-extractor-{digest}"

    def setup(self, worker):
        _load(self.key, self.model, self.actors, worker.address, worker.local_directory)


@dataclass
class LineRef:
    """A JSONL line for a worker to read: where it is, and what the index learnt of it."""

    url: str
    name: str
    lineno: int
    offset: int
    length: int
    id: str
    nchars: int

    @property
    def origin(self) -> str:
        return f"{self.name}:{self.lineno}"


def _local_name(url: str) -> str:
    return url if is_url(url) else str(Path(url))


def index_shard(url: str, name: str) -> list[tuple]:
    """Worker task: each line of a JSONL shard as ``("a", lineno, offset, length, id, nchars)``
    or ``("e", origin, reason)``, parsed and validated by the same code as a local file."""
    spans: list[tuple[int, int]] = []
    try:
        with (open(url, "rb") if not is_url(url) else open_url(url)) as fh:
            if b"\x00" in fh.read(8192):
                return [("e", name, "binary file (contains NUL bytes)")]
            fh.seek(0)

            def lines():
                pos = 0
                for line in fh:
                    spans.append((pos, len(line)))
                    pos += len(line)
                    yield line

            out = []
            for item in read_jsonl(lines(), name):
                if isinstance(item, IngestError):
                    out.append(("e", item.origin, item.reason))
                else:
                    lineno = int(item.origin.rsplit(":", 1)[1])
                    off, length = spans[lineno - 1]
                    out.append(("a", lineno, off, length, item.id,
                                len(item.text) + len(item.title or "")))
            return out
    except FileNotFoundError:
        return [("e", name, "no such file on the Dask worker (use a URL the workers can reach)")]
    except ImportError as exc:
        return [("e", name, f"filesystem not available on the Dask worker ({exc})")]
    except OSError as exc:
        return [("e", name, f"cannot read file on the Dask worker ({exc.strerror or exc})")]


def _read_refs(refs: list[LineRef]) -> list[RawArticle | str]:
    """The articles behind consecutive refs of one shard, read in one ranged request."""
    start, end = refs[0].offset, refs[-1].offset + refs[-1].length
    try:
        if is_url(refs[0].url):
            import fsspec
            fs, path = fsspec.core.url_to_fs(refs[0].url)
            data = fs.cat_file(path, start=start, end=end)
        else:
            with open(refs[0].url, "rb") as fh:
                fh.seek(start)
                data = fh.read(end - start)
    except (OSError, ImportError) as exc:
        return [f"cannot read on the Dask worker ({_reason(exc)})"] * len(refs)
    out: list[RawArticle | str] = []
    for ref in refs:
        line = data[ref.offset - start: ref.offset - start + ref.length]
        try:
            obj = json.loads(line.decode("utf-8-sig" if ref.lineno == 1 else "utf-8"))
        except ValueError as exc:
            out.append(f"changed since it was indexed ({_reason(exc)})")
            continue
        raw = article_from_dict(obj, ref.origin)
        if isinstance(raw, IngestError):
            out.append(raw.reason)
        else:
            raw.id = ref.id
            out.append(raw)
    return out


def worker_fingerprint(model: str | None, actors) -> str:
    """Worker task: the extractor fingerprint of this worker's graphbuild (code, data, model)."""
    from .versions import extractor_fingerprint
    return extractor_fingerprint(model, sent=actors)


def extract_window(items: list, key: tuple, model: str | None, actors,
                   expect: dict[str, Article] | None = None) -> list[tuple]:
    """Worker task: ``(article, records, problem)`` for each article of one window; an article
    that reads as ``expect`` has it (stored unchanged by this extractor) is not extracted:
    ``(article, None, None)``."""
    from distributed import get_worker
    worker = get_worker()
    expect = expect or {}
    extractor = _load(key, model, actors, worker.address, worker.local_directory)
    resolved: list[RawArticle | str] = []
    i = 0
    while i < len(items):
        if isinstance(items[i], LineRef):
            j = i
            while j < len(items) and isinstance(items[j], LineRef) and items[j].url == items[i].url:
                j += 1
            resolved += _read_refs(items[i:j])
            i = j
        else:
            resolved.append(items[i])
            i += 1
    same = {r.id for r in resolved if isinstance(r, RawArticle) and r.id in expect
            and r.to_article() == expect[r.id]}
    raws = [r for r in resolved if isinstance(r, RawArticle) and r.id not in same]
    with _LOCK:  # one spaCy pipeline per process: threads of one worker take turns
        results = iter(_safe_extract(extractor, raws))
    out = []
    for r in resolved:
        if isinstance(r, str):
            out.append((None, None, r))
        elif r.id in same:
            out.append((expect[r.id], None, None))
        else:
            records, problem = next(results)
            out.append((r.to_article() if problem is None else None, records, problem))
    return out


def write_part_task(url: str, index: int, pieces: list) -> int:
    """Worker task: part file ``index`` from slices ``(window results, lo, hi)`` of windows."""
    from .events_io import _Rows, write_part
    rows = _Rows()
    for results, lo, hi in pieces:
        for article, records, problem in results[lo:hi]:
            if problem is None:
                rows.add(article, records)
    return write_part(url, index, rows)


class _Parts:
    """Plans the part files of a directory output: part N = work items N*per_part... in input
    order (as :class:`graphbuild.events_io.ParquetDirSink` counts), each written by a worker
    task that depends on the window tasks it draws from."""

    def __init__(self, client, url: str, per_part: int):
        self.client, self.url, self.per_part = client, url, per_part
        self.ordinal = 0
        self.index = 0
        self.pieces: list = []
        self.futures: list = []

    def add(self, fut, n: int) -> None:
        lo = 0
        while lo < n:
            take = min(self.per_part - self.ordinal % self.per_part, n - lo)
            self.pieces.append((fut, lo, lo + take))
            self.ordinal += take
            lo += take
            if self.ordinal % self.per_part == 0:
                self._submit()

    def _submit(self) -> None:
        if self.pieces:
            self.futures.append(self.client.submit(write_part_task, self.url, self.index, self.pieces,
                                                   pure=False, key=f"graphbuild-part-{uuid.uuid4().hex}"))
        self.index += 1
        self.pieces = []

    def finish(self) -> None:
        """Submit the last part and wait for every part to be written."""
        if self.pieces:
            self._submit()
        for i, fut in enumerate(self.futures):
            try:
                fut.result()
            except Exception as exc:  # noqa: BLE001 - becomes one line
                raise UserError(f"a Dask worker cannot write {self.url.rstrip('/')}/part-"
                                f"{i:05d}.parquet ({type(exc).__name__}: {_reason(exc)})") from None


# ------------------------------------------------------------------- the client side

def _size(item) -> int:
    if isinstance(item, RawArticle):
        return len(item.text) + len(item.title or "")
    return item.nchars


def windows(items: Iterable) -> Iterator[list]:
    """:func:`graphbuild.pipeline.windows` over articles and :class:`LineRef` alike (the same
    cut, so a window holds the same articles whoever reads them)."""
    window: list = []
    n_raw = n_chars = 0
    for item in items:
        window.append(item)
        if not isinstance(item, IngestError):
            n_raw += 1
            n_chars += _size(item)
        if n_raw >= CHUNK or n_chars >= CHUNK_CHARS or len(window) >= MAX_WINDOW_ITEMS:
            yield window
            window, n_raw, n_chars = [], 0, 0
    if window:
        yield window


def workers_can_read(url: str, local_cluster: bool) -> bool:
    """Whether the workers can open ``url`` themselves (``memory://`` lives in one process)."""
    if not is_url(url) or url.startswith("file://"):
        return local_cluster
    return not url.startswith("memory://")


def _remote_error(exc: BaseException, where: str) -> UserError:
    """One line for a task that failed on the cluster."""
    from distributed import KilledWorker
    if isinstance(exc, UserError):
        return exc
    if isinstance(exc, KilledWorker):
        return UserError(f"Dask workers kept dying on the chunk at {where} (out of memory? "
                         f"see the worker logs)")
    if isinstance(exc, ImportError):
        return UserError(f"a Dask worker cannot import graphbuild ({_reason(exc)}): install the "
                         f"same graphbuild version on every worker")
    return UserError(f"a Dask task failed on {where} ({type(exc).__name__}: {_reason(exc)})")


def _items(inputs: list[str], client, local_cluster: bool, announce_total) -> Iterator:
    """Articles, :class:`LineRef` and errors of the inputs in order, ids made unique as in
    :func:`graphbuild.ingest.iter_articles` (shard indexes are computed on the workers)."""
    sources: list = []
    for inp in inputs:
        if inp == "-":
            sources.append(_iter_stdin())
            continue
        files = expand(inp) if handles(inp) else [inp]
        if isinstance(files, IngestError):
            sources.append(iter([files]))
            continue
        for f in files:
            if is_jsonl(f) and workers_can_read(f, local_cluster) and not Path(f).is_dir():
                # local paths absolute (a worker's working directory may differ), named as typed
                url = f if is_url(f) else str(Path(f).resolve())
                sources.append((url, _local_name(f), client.submit(
                    index_shard, url, _local_name(f), pure=False,
                    key=f"graphbuild-index-{uuid.uuid4().hex}")))
            else:
                sources.append(read_file(f))
    seen: dict[str, int] = {}

    def unique(art_id: str) -> str:
        n = seen.get(art_id, 0) + 1
        seen[art_id] = n
        return f"{art_id}~{n}" if n > 1 else art_id

    for src in sources:
        if isinstance(src, tuple):
            url, name, fut = src
            try:
                entries = fut.result()
            except Exception as exc:  # noqa: BLE001 - becomes one line
                raise _remote_error(exc, name) from None
            if announce_total is not None:
                announce_total(sum(1 for e in entries if e[0] == "a"))
            for e in entries:
                if e[0] == "e":
                    yield IngestError(e[1], e[2])
                else:
                    _, lineno, off, length, art_id, nchars = e
                    yield LineRef(url, name, lineno, off, length, unique(art_id), nchars)
        else:
            for item in src:
                if isinstance(item, RawArticle):
                    item.id = unique(item.id)
                yield item


def setup_workers(client, model: str | None = None, actors_file: str | None = None) -> ExtractorPlugin:
    """Register the plugin that loads the extractor on every worker (now and when one joins);
    a worker that cannot import graphbuild or load the model is a one-line :class:`UserError`."""
    actors = None
    if actors_file:
        try:
            actors = (Path(actors_file).name, Path(actors_file).read_bytes())
        except OSError as exc:
            raise UserError(f"cannot read actors file {actors_file}: {exc.strerror}") from None
    plugin = ExtractorPlugin(model, actors)
    try:
        client.register_plugin(plugin, name=plugin.name)
    except Exception as exc:  # noqa: BLE001 - becomes one line
        try:  # do not leave a failing plugin behind for workers that join later
            client.unregister_worker_plugin(plugin.name)
        except Exception:  # noqa: BLE001
            pass
        if isinstance(exc, UserError):
            raise exc from None
        if isinstance(exc, ImportError) or "No module named" in str(exc):
            raise UserError(f"a Dask worker cannot import graphbuild ({_reason(exc)}): install the "
                            f"same graphbuild version on every worker") from None
        raise UserError(f"a Dask worker could not set up graphbuild ({type(exc).__name__}: "
                        f"{_reason(exc)})") from None
    return plugin


def dask_stream(inputs: list[str], client, *, model: str | None = None,
                actors_file: str | None = None, local_cluster: bool = False,
                progress: Callable[[int], None] | None = None,
                announce_total: Callable[[int], None] | None = None,
                parts_out: tuple[str, int] | None = None,
                plugin: ExtractorPlugin | None = None,
                stored: StoredLookup | None = None) -> Iterator[ArticleResult]:
    """Yield an :class:`ArticleResult` per input article or bad input, in input order.

    With ``parts_out=(DIR_URL, articles_per_part)`` the workers also write the Parquet part
    files of that directory (which must exist, see ``events_io.prepare_dir``). With ``stored``,
    articles stored unchanged by the workers' extractor are not extracted but yielded
    ``unchanged`` with their stored records (the client compares the articles it read; the
    workers those they read themselves)."""
    if parts_out is not None and stored is not None:
        raise ValueError("skipped articles have no records for part files: give parts_out or stored")
    plugin = plugin or setup_workers(client, model, actors_file)
    actors = plugin.actors
    token = uuid.uuid4().hex[:12]
    parts = _Parts(client, *parts_out) if parts_out else None
    pending: deque = deque()
    try:
        slots = max(4, AHEAD_PER_JOB * sum(client.nthreads().values()))
        for i, window in enumerate(windows(_items(inputs, client, local_cluster, announce_total))):
            work = [w for w in window if not isinstance(w, IngestError)]
            hits = stored([w.id for w in work]) if stored is not None and work else {}
            for w in work:  # read here: compared here; read by the workers: compared there
                if isinstance(w, RawArticle) and w.id in hits and w.to_article() != hits[w.id][0]:
                    del hits[w.id]
            known = {k: records for k, (_, records) in hits.items()}
            work = [w for w in work if not (isinstance(w, RawArticle) and w.id in hits)]
            expect = {w.id: hits[w.id][0] for w in work if w.id in hits}  # for the workers to compare
            fut = None
            if work:
                fut = client.submit(extract_window, work, plugin.key, model, actors, expect, pure=False,
                                    key=f"graphbuild-extract-{token}-{i}")
                if progress is not None:
                    fut.add_done_callback(lambda _f, n=len(work): progress(n))
                if parts is not None:
                    parts.add(fut, len(work))
            if progress is not None and len(work) < len(window):
                progress(len(window) - len(work))
            pending.append((window, fut, known))
            if i % 64 == 63:
                slots = max(4, AHEAD_PER_JOB * sum(client.nthreads().values()))
            while len(pending) > slots:
                yield from _emit(*pending.popleft())
        while pending:
            yield from _emit(*pending.popleft())
        if parts is not None:
            parts.finish()
    finally:
        left = [f for _, f, _ in pending if f is not None] + (parts.futures if parts else [])
        if left:
            client.cancel(left)


def _origin(item) -> str:
    return item.origin


def _emit(window: list, fut, known: dict[str, str] | None = None) -> Iterator[ArticleResult]:
    """The results of one window in input order (``known``: stored records of the articles
    stored unchanged, by id)."""
    known = known or {}
    results = iter(())
    if fut is not None:
        first = next(w for w in window if not isinstance(w, IngestError)
                     and not (isinstance(w, RawArticle) and w.id in known))
        try:
            results = iter(fut.result())
        except Exception as exc:  # noqa: BLE001 - becomes one line
            raise _remote_error(exc, _origin(first)) from None
    for item in window:
        if isinstance(item, IngestError):
            yield ArticleResult(error=item)
            continue
        if isinstance(item, RawArticle) and item.id in known:  # compared on the client, not sent
            yield ArticleResult(raw=item, unchanged=True, stored=known[item.id])
            continue
        article, records, problem = next(results)
        if records is None and problem is None:  # compared on the worker: not extracted
            yield ArticleResult(article=article, unchanged=True, stored=known[item.id])
            continue
        raw = item if isinstance(item, RawArticle) else None
        if problem:
            # raw marks an article that failed (not a bad line), as in pipeline._emit
            failed = raw or RawArticle(id=item.id, text="", origin=item.origin)
            yield ArticleResult(error=IngestError(_origin(item), problem), raw=failed)
        else:
            yield ArticleResult(article=article, records=records, raw=raw)


def workers_fingerprint(client, plugin: ExtractorPlugin) -> str | None:
    """The extractor fingerprint every worker reports, or None when they differ (or none answers)."""
    try:
        found = set(client.run(worker_fingerprint, plugin.model, plugin.actors).values())
    except Exception:  # noqa: BLE001 - no skipping then, the extraction itself reports problems
        return None
    return found.pop() if len(found) == 1 else None


def run_extraction_dask(inputs: Iterable[str], spec: str, *, model: str | None = None,
                        actors_file: str | None = None, progress=None, announce_total=None,
                        announce: Callable[[str], None] | None = None,
                        parts_out: tuple[str, int] | None = None,
                        stored_for: Callable[[str], StoredLookup] | None = None) -> "DaskRun":
    """Connect (or start a local cluster) and set up the workers *now* (so those errors come
    before any output), then return the :func:`dask_stream`, which closes the client at its end.

    ``stored_for(fingerprint)``: the lookup of articles stored by the extractor with that
    fingerprint; asked with the workers' common fingerprint (``DaskRun.fingerprint``), those
    articles are skipped when unchanged."""
    ctx = dask_client(spec)
    client = ctx.__enter__()
    try:
        plugin = setup_workers(client, model, actors_file)
        fingerprint = workers_fingerprint(client, plugin)
    except BaseException:
        ctx.__exit__(None, None, None)
        raise
    link = dashboard_link(client)
    if announce is not None and link:
        announce(f"Dask dashboard: {link}")
    if announce is not None and fingerprint is None and stored_for is not None:
        announce("the Dask workers report no common extractor fingerprint: every article is extracted")
    stored = stored_for(fingerprint) if stored_for is not None and fingerprint else None
    stream = dask_stream(list(inputs), client, model=model, actors_file=actors_file,
                         local_cluster=parse_spec(spec)[0] == "local", progress=progress,
                         announce_total=announce_total, parts_out=parts_out, plugin=plugin, stored=stored)
    return DaskRun(stream, ctx, fingerprint)


class DaskRun:
    """The results of a run; closing it (or exhausting it, or an error) closes the client and
    the local cluster, also when it was never iterated."""

    def __init__(self, stream: Iterator[ArticleResult], ctx, fingerprint: str | None = None):
        self.stream, self.ctx, self.closed = stream, ctx, False
        #: the extractor fingerprint all workers share (None: they differ)
        self.fingerprint = fingerprint

    def __iter__(self):
        return self

    def __next__(self) -> ArticleResult:
        try:
            return next(self.stream)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                self.stream.close()
            finally:
                self.ctx.__exit__(None, None, None)

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - at interpreter exit the loop may be gone
            pass
