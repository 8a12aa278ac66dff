"""``build`` hands the store engine's memory back every few batches (docs/memory.md)."""

from __future__ import annotations

import contextlib

from graphbuild.commands import build as build_cmd
from graphbuild.merge import GraphData
from graphbuild.sinks import store as st
from test_store import edges_in_store, expected_edges, fixture_articles, fixture_records


def test_the_store_is_released_every_few_batches_and_keeps_every_batch(tmp_path, monkeypatch):
    """One article a batch: the engine is closed (checkpointed) and reopened after every
    RELEASE_BATCHES batches, and the store holds what one batch of everything gives."""
    released: list[bool] = []
    stock = st.Store.released

    @contextlib.contextmanager
    def recording(self):
        with stock(self):
            released.append(self.db is None)  # really closed meanwhile
            yield
    monkeypatch.setattr(st.Store, "released", recording)
    monkeypatch.setattr(build_cmd, "RELEASE_BATCHES", 2)
    articles, records = fixture_articles(), fixture_records()
    assert len(articles) == 3  # batches 1, 2, release, batch 3 into the reopened store
    report = build_cmd.build_from_records(tmp_path / "batched.lbdb", articles, records, batch_articles=1)
    assert released == [True]
    assert report.events == len(records)
    one = tmp_path / "one.lbdb"
    build_cmd.build_from_records(one, articles, records, batch_articles=10_000)
    assert st.counts(tmp_path / "batched.lbdb") == st.counts(one)
    data = GraphData()
    for art in articles:
        data.add_article(art)
    data.add_records(records)
    assert edges_in_store(tmp_path / "batched.lbdb") == expected_edges(data)
    assert st.check(tmp_path / "batched.lbdb")[1] == []
