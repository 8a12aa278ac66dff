"""Pipeline: exact offsets, deterministic ids, bounded look-ahead, --jobs N == --jobs 1."""

from __future__ import annotations

import itertools
import json

import pytest

from graphbuild import pipeline
from graphbuild.ingest import IngestError, RawArticle, iter_articles
from graphbuild.paths import DATA_DIR, SHARED_DIR
from graphbuild.pipeline import extract_stream, run_extraction

CORPUS = SHARED_DIR / "corpus" / "articles.jsonl"
SEED = DATA_DIR / "articles"


@pytest.fixture(scope="module")
def extractor():
    return pipeline.make_extractor()


def corpus_articles(n: int, skip: int = 0) -> list[RawArticle]:
    if not CORPUS.exists():
        pytest.skip("shared corpus absent")
    return [a for a in itertools.islice(iter_articles([str(CORPUS)]), skip, skip + n)]


def synthetic(n: int) -> list[RawArticle]:
    """Small English articles with events, titles and dates (no shared data needed)."""
    countries = ["Russia", "France", "Brazil", "Japan", "Germany", "Turkey", "Cuba", "Iran"]
    out = []
    for i in range(n):
        a, b = countries[i % 8], countries[(i * 3 + 1) % 8]
        text = (f"{a} criticized {b} on Monday over the border dispute, officials said.\n\n"
                f"The government of {b} rejected the demands and recalled its ambassador.")
        out.append(RawArticle(id=f"syn-{i}", text=text, title=f"{a} condemns {b}",
                              date="2020-05-0%d" % (1 + i % 9), origin=f"<syn>:{i}"))
    return out


def check_offsets(result) -> int:
    raw = result.raw
    for rec in result.records:
        original = raw.title if rec["field"] == "title" else raw.text
        assert rec["field"] in ("title", "text")
        assert original[rec["start"]:rec["end"]] == rec["sentence"], rec
        assert rec["article_id"] == raw.id
    return len(result.records)


def test_seed_article_offsets_are_exact(extractor):
    results = list(run_extraction([str(SEED)], extractor=extractor))
    assert len(results) == 1 and results[0].error is None
    assert results[0].article.published == "2019-03-12"
    assert check_offsets(results[0]) >= 5
    assert {r["field"] for r in results[0].records} == {"title", "text"}


def test_corpus_offsets_are_exact(extractor):
    results = list(extract_stream(corpus_articles(50), extractor=extractor))
    assert len(results) == 50 and all(r.error is None for r in results)
    assert sum(check_offsets(r) for r in results) > 0


def test_ids_are_deterministic_and_unique(extractor, tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text("".join(json.dumps({"id": a.id, "title": a.title, "text": a.text, "date": a.date}) + "\n"
                         for a in synthetic(6)))
    runs = [[rec for r in run_extraction([str(f)], extractor=extractor) for rec in r.records] for _ in range(2)]
    assert runs[0] == runs[1] and runs[0]
    ids = [rec["id"] for rec in runs[0]]
    assert len(set(ids)) == len(ids)
    fresh = [rec for r in run_extraction([str(f)]) for rec in r.records]  # a newly loaded pipeline
    assert [r["id"] for r in fresh] == ids


def _outputs(results) -> list[str]:
    out = []
    for r in results:
        if r.error is not None:
            out.append(f"ERROR {r.error}")
        else:
            out.append(json.dumps(r.article.to_dict()))
            out.extend(json.dumps(rec, ensure_ascii=False) for rec in r.records)
    return out


def test_jobs_2_is_identical_to_jobs_1(extractor):
    try:
        items = corpus_articles(30, skip=100)
    except pytest.skip.Exception:
        items = synthetic(40)
    items = items[:10] + [IngestError("x.jsonl:3", "malformed JSON")] + items[10:]
    one = _outputs(extract_stream(iter(items), jobs=1, extractor=extractor))
    two = _outputs(extract_stream(iter(items), jobs=2, extractor=extractor))
    assert one == two
    assert one.count("ERROR x.jsonl:3: malformed JSON") == 1 and len(one) > len(items)


class Counting:
    """An input stream that records how many items the pipeline has pulled from it."""

    def __init__(self, items):
        self.items, self.pulled = items, 0

    def __iter__(self):
        for item in self.items:
            self.pulled += 1
            yield item


@pytest.mark.parametrize("jobs", [1, 2])
def test_ingestion_runs_only_a_bounded_window_ahead(extractor, jobs):
    n = pipeline.CHUNK * (pipeline.AHEAD_PER_JOB * jobs + 4)
    source = Counting(synthetic(n))
    bound = pipeline.CHUNK * (pipeline.AHEAD_PER_JOB * jobs + 2)
    ahead = []
    for done, result in enumerate(extract_stream(source, jobs=jobs, extractor=extractor), 1):
        assert result.error is None
        ahead.append(source.pulled - done)
    assert len(ahead) == n
    assert max(ahead) <= bound
    assert ahead[0] < n - pipeline.CHUNK  # the first result came out before the input was read




def test_an_article_that_breaks_the_extractor_is_isolated(extractor):
    """An exception inside the extractor costs that article only, reported as an error."""
    class Fragile:
        def extract_many(self, raws):
            for raw in raws:
                if "EXPLODE" in raw.text:
                    raise RuntimeError("boom")
            return extractor.extract_many(raws)

    items = synthetic(5)
    items[2].text += " EXPLODE"
    results = list(extract_stream(iter(items), extractor=Fragile()))
    assert [r.error is None for r in results] == [True, True, False, True, True]
    assert "extraction failed (RuntimeError: boom)" in str(results[2].error)
    assert results[2].error.origin == "<syn>:2" and results[3].records


def test_windows_are_cut_by_articles_characters_and_items():
    """Chunks never exceed CHUNK articles or (beyond one article) CHUNK_CHARS characters."""
    def art(i, n):
        return RawArticle(id=str(i), text="x" * n)
    items = [art(i, 100) for i in range(40)] + [art(100, 120_000), art(101, 10)] + \
        [IngestError(f"f:{i}", "bad") for i in range(200)] + [art(i, 30_000) for i in range(200, 205)]
    ws = list(pipeline.windows(iter(items)))
    assert [x for w in ws for x in w] == items
    assert all(sum(isinstance(x, RawArticle) for x in w) <= pipeline.CHUNK for w in ws)
    assert all(len(w) <= pipeline.MAX_WINDOW_ITEMS for w in ws)
    for w in ws:
        sizes = [len(x.text) for x in w if isinstance(x, RawArticle)]
        assert sum(sizes[:-1]) < pipeline.CHUNK_CHARS
    assert [len(w) for w in ws][:3] == [16, 16, 9]  # 8 small + the 120k article close a window


def test_pipeline_predicts_without_keeping_intermediates(extractor):
    """spaCy's tok2vec on a long article: identical output to thinc's stock ``chain``, with a
    fraction of its peak memory (the stock forward keeps every layer's activations, ~12 KB a token)."""
    import tracemalloc

    from graphbuild.extract import _chain_forward, _predict_chain, normalize
    body = (SEED / "us-embassy-venezuela.txt").read_text(encoding="utf-8")
    nlp = extractor.nlp
    tok2vec = nlp.get_pipe("tok2vec")
    doc = nlp.make_doc(normalize("\n\n".join([body] * 40)))
    assert len(doc) > 15_000
    patched = [n for n in tok2vec.model.walk() if n._func is _predict_chain]
    assert patched, "no chain layer of tok2vec predicts without intermediates"

    def run() -> tuple[bytes, int]:
        tracemalloc.start()
        try:
            out = tok2vec.predict([doc])
            return out[0].tobytes(), tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    ours, ours_peak = run()
    for n in patched:
        n._func = _chain_forward()
    try:
        stock, stock_peak = run()
    finally:
        for n in patched:
            n._func = _predict_chain
    assert ours == stock
    assert ours_peak < 8_000 * len(doc) < stock_peak, (ours_peak / len(doc), stock_peak / len(doc))


def test_workers_are_forked_while_the_store_is_released(extractor, tmp_path):
    """build passes ``store.released``: every pool forks with the engine closed, reopened after."""
    from graphbuild.merge import GraphData
    from graphbuild.sinks import store as st
    items = synthetic(pipeline.CHUNK * (pipeline.RECYCLE_WINDOWS + 2))  # two pools
    closed: list[bool] = []
    with st.open_store(tmp_path / "g.lbdb") as store:
        def guard():
            cm = store.released()

            class Recording:
                def __enter__(self):
                    cm.__enter__()
                    closed.append(store.db is None)

                def __exit__(self, *exc):
                    return cm.__exit__(*exc)
            return Recording()
        data = GraphData()
        for res in extract_stream(iter(items), jobs=2, extractor=extractor, fork_guard=guard):
            data.add_article(res.article)
            for rec in res.records:
                data.add_record(rec)
        st.write_graph(store, data)  # reopened: writes as before
        assert st.verify(store) == []
        n_events = store.counts()["Event"]
    assert closed == [True, True]
    assert n_events == len(data.events) > 0


def test_without_an_extractor_the_parent_never_loads_one(extractor, tmp_path, monkeypatch):
    """``build`` passes no extractor: each forked worker loads its own, once (one pool for the
    whole input, however many windows), the parent none; output identical to --jobs 1."""
    import multiprocessing as mp
    import os
    if "fork" not in mp.get_all_start_methods():
        pytest.skip("needs the fork start method")
    calls = tmp_path / "loads"

    def loading(*args):  # runs in whichever process loads: note its pid
        with open(calls, "a", encoding="utf-8") as f:
            f.write(f"{os.getpid()}\n")
        return extractor
    monkeypatch.setattr(pipeline, "make_extractor", loading)
    items = synthetic(pipeline.CHUNK * (pipeline.RECYCLE_WINDOWS + 2))
    two = _outputs(extract_stream(iter(items), jobs=2))
    loads = calls.read_text().split()
    assert str(os.getpid()) not in loads
    assert len(loads) == len(set(loads)) == 2  # two workers, each loaded once, never replaced
    assert two == _outputs(extract_stream(iter(items), jobs=1, extractor=extractor))


def test_a_worker_that_cannot_load_the_pipeline_is_a_user_error(monkeypatch):
    """A loading problem in the workers (bad --model, --actors) reaches the user as itself."""
    from graphbuild.errors import UserError

    def failing(*args):
        raise UserError("cannot load the extraction pipeline (OSError: no such model)")
    monkeypatch.setattr(pipeline, "make_extractor", failing)
    with pytest.raises(UserError, match="no such model"):
        list(extract_stream(iter(synthetic(3)), jobs=2))
