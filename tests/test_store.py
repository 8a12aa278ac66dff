"""The embedded LadybugDB store: round trip, idempotency, incremental merge, replaced articles,
SIGKILL crash safety, and a second process reading while a writer holds the store."""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graphbuild.commands.build import build_from_records
from graphbuild.errors import UserError
from graphbuild.merge import GraphData
from graphbuild.model import Article
from graphbuild.sinks import store as st

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


def fixture_records() -> list[dict]:
    with open(FIXTURES / "sample_events.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fixture_articles() -> list[Article]:
    with open(FIXTURES / "sample_articles.jsonl", encoding="utf-8") as fh:
        return [Article(**json.loads(line)) for line in fh if line.strip()]


def _by_id(records: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in records}


def extra_records() -> tuple[list[Article], list[dict]]:
    """A later article: EU recognizes again and criticizes Guaidó, Russia supports Caracas."""
    base = _by_id(fixture_records())
    eu_rec = base["ev-e2aacd1951ec437b"]  # US RECOGNIZED Guaidó: reuse its Guaidó target object
    recs = []

    def make(eid, relation, cameo, plover, source, target, date, conf, sentence):
        rec = copy.deepcopy(eu_rec)
        rec.update(id=eid, article_id="art-extra-1", relation=relation, cameo=cameo, plover=plover,
                   source=copy.deepcopy(source), target=copy.deepcopy(target), date=date,
                   confidence=conf, sentence=sentence, negated=False, modality="asserted",
                   reported_by=None, trigger=relation.lower(), start=0, end=len(sentence))
        recs.append(rec)

    eu = next(r["source"] for r in base.values() if r["source"]["id"] == "Q458")
    russia = next(r["source"] for r in base.values() if r["source"]["id"] == "Q159")
    ven_gov = next(r["target"] for r in base.values() if r["target"]["id"] == "VEN-GOV")
    guaido = eu_rec["target"]
    eu = {**eu, "text": "Brussels"}
    make("ev-extra-1", "RECOGNIZED", "054", "SUPPORT", eu, guaido, "2019-04-01", 0.5,
         "Brussels again recognized Guaidó.")
    make("ev-extra-2", "CRITICIZED", "111", "ACCUSE", eu, guaido, "2019-04-02", 0.6,
         "Brussels criticized Guaidó over the failed uprising.")
    make("ev-extra-3", "SUPPORTED", "050", "SUPPORT", russia, ven_gov, "2019-04-02", 0.7,
         "Moscow backed the government in Caracas.")
    art = Article(id="art-extra-1", title="EU cools on Guaidó", url="https://example.org/news/extra-1",
                  source="news", published="2019-04-02", sha256="e" * 64)
    return [art], recs


def build(path: Path, articles, records) -> dict:
    build_from_records(path, articles, records)
    return st.counts(path)


def graph_data(articles, records) -> GraphData:
    data = GraphData()
    for art in articles:
        data.add_article(art)
    data.add_records(records)
    return data


def edges_in_store(path: Path) -> set[tuple]:
    from graphbuild.vocab import RELATION_NAMES
    out = set()
    with st.open_store(path, read_only=True) as store:
        for rel in RELATION_NAMES:
            for row in store.execute(
                    f"MATCH (a:Actor)-[r:{rel}]->(b:Actor) RETURN a.id, b.id, r.mentions, r.articles, "
                    "r.first_seen, r.last_seen, r.confidence"):
                out.add((row[0], rel, row[1], *row[2:]))
    return out


def expected_edges(data: GraphData) -> set[tuple]:
    return {(e.source_id, e.relation, e.target_id, e.mentions, e.articles, e.first_seen, e.last_seen,
             e.confidence) for e in data.analyst_edges()}


@pytest.fixture
def store_path(tmp_path) -> Path:
    return tmp_path / "graph.lbdb"


def test_schema_has_one_table_per_relation_and_reserved_words_quoted():
    ddl = st.schema_statements()
    from graphbuild.vocab import RELATION_NAMES
    for rel in RELATION_NAMES:
        assert any(f" {rel}(FROM Actor TO Actor" in s for s in ddl)
    assert any("`end` INT64" in s for s in ddl)
    assert any("`aliases` STRING[]" in s for s in ddl)


def test_round_trip_is_exact(store_path):
    arts, recs = fixture_articles(), fixture_records()
    counts = build(store_path, arts, recs)
    want = graph_data(arts, recs)
    # 12 actors of the events + 2 countries they are PART_OF that no event names (Venezuela, United States)
    assert counts["Article"] == 3 and counts["Actor"] == 14 == len(want.actors) and counts["Event"] == 18
    assert counts["PART_OF"] == len(want.part_of) > 0
    # negated RECOGNIZED and hypothetical SANCTIONED make no edge: 18 events -> 15 edges
    assert counts["analyst_edges"] == len(want.analyst_edges()) == 15
    back = st.read_graph(store_path)
    assert back.events == want.events
    assert back.articles == want.articles
    assert back.actors == want.actors  # incl. the adversarial name and the aliases lists
    assert back.analyst_edges() == want.analyst_edges()
    assert edges_in_store(store_path) == expected_edges(want)
    assert back.actors["person-o-brien-<x>"].name == 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊'


def test_bulk_load_reads_back_identical_to_write_graph(tmp_path):
    arts, recs = fixture_articles(), fixture_records()
    written, bulk = tmp_path / "written.lbdb", tmp_path / "bulk.lbdb"
    build(written, arts, recs)
    copied = st.bulk_load(bulk, graph_data(arts, recs))
    assert copied["Event"] == 18 and copied["Actor"] == 14 and copied["PART_OF"] == 7
    a, b = st.read_graph(written), st.read_graph(bulk)
    assert b.events == a.events and b.articles == a.articles and b.actors == a.actors
    assert b.analyst_edges() == a.analyst_edges()
    assert edges_in_store(bulk) == edges_in_store(written)
    assert st.counts(bulk) == st.counts(written)
    assert b.actors["person-o-brien-<x>"].name == 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊'
    # COPY appends: a second bulk load into a filled store is refused, not duplicated
    with pytest.raises(UserError, match="empty store"):
        st.bulk_load(bulk, graph_data(arts, recs))
    assert st.counts(bulk) == st.counts(written)


def test_build_twice_changes_nothing(store_path):
    arts, recs = fixture_articles(), fixture_records()
    first = build(store_path, arts, recs)
    edges = edges_in_store(store_path)
    second = build(store_path, arts, recs)
    assert first == second
    assert edges_in_store(store_path) == edges


def test_repeated_keys_in_one_batch_are_aggregated(store_path):
    """Three mentions of one (source, relation, target) in one batch -> one edge, mentions 3."""
    arts, recs = fixture_articles(), fixture_records()
    dup = [r for r in recs if r["id"] == "ev-e2aacd1951ec437b"][0]
    more = []
    for i in range(2):
        r = copy.deepcopy(dup)
        r["id"], r["date"], r["confidence"] = f"ev-dup-{i}", f"2019-05-0{i + 1}", 0.5
        more.append(r)
    build_from_records(store_path, arts, recs + more, batch_articles=100)
    want = graph_data(arts, recs + more)
    assert edges_in_store(store_path) == expected_edges(want)
    rec = [e for e in want.analyst_edges() if e.relation == "RECOGNIZED" and e.source_id == "Q30"][0]
    assert (rec.mentions, rec.first_seen, rec.last_seen) == (4, "2019-02-05", "2019-05-02")


def test_incremental_batch_updates_mentions_and_dates(store_path):
    arts, recs = fixture_articles(), fixture_records()
    build(store_path, arts, recs)
    before = {(e[0], e[1], e[2]): e for e in edges_in_store(store_path)}
    extra_arts, extra_recs = extra_records()
    counts = build(store_path, extra_arts, extra_recs)
    after = {(e[0], e[1], e[2]): e for e in edges_in_store(store_path)}
    # EU recognized Guaidó once before (2019-02-04); the new mention updates mentions and last_seen
    key = ("Q458", "RECOGNIZED", "person-juan-guaido")
    assert before[key][3:6] == (1, 1, "2019-02-04")
    assert after[key][3:7] == (2, 2, "2019-02-04", "2019-04-01")
    assert after[key][7] == pytest.approx(1 - 0.1 * 0.5)
    # the same actors were reused: only the store's totals grew by the new article and events
    assert counts["Actor"] == 14 and counts["Article"] == 4 and counts["Event"] == 21
    assert counts["analyst_edges"] == 17  # + EU CRITICIZED Guaidó, + Russia SUPPORTED VEN-GOV
    all_data = graph_data(fixture_articles() + extra_arts, recs + extra_recs)
    assert edges_in_store(store_path) == expected_edges(all_data)
    # the new alias was unioned into the stored actor
    assert "Brussels" in st.read_graph(store_path).actors["Q458"].aliases
    assert "the EU" in st.read_graph(store_path).actors["Q458"].aliases


def test_changed_article_replaces_its_events(store_path):
    arts, recs = fixture_articles(), fixture_records()
    build(store_path, arts, recs)
    # article 2 is re-extracted from a new text: one event instead of six, new hash
    art2 = [a for a in arts if a.id == "art-venezuela-2"][0]
    new_art = Article(**{**art2.to_dict(), "sha256": "f" * 64})
    old = [r for r in recs if r["article_id"] == "art-venezuela-2"]
    kept = copy.deepcopy(old[0])
    kept["id"], kept["date"] = "ev-new-text-1", "2019-02-06"
    counts = build(store_path, [new_art], [kept])
    rest = [r for r in recs if r["article_id"] != "art-venezuela-2"]
    want = graph_data([a for a in arts if a.id != art2.id] + [new_art], rest + [kept])
    back = st.read_graph(store_path)
    assert set(back.events) == set(want.events)
    assert counts["Event"] == len(rest) + 1
    assert back.articles["art-venezuela-2"].sha256 == "f" * 64
    assert edges_in_store(store_path) == expected_edges(want)
    # Russia only appeared in article 2's removed events (as source and target): it is gone,
    # and so are the edges that only article 2 supported
    assert set(back.actors) == set(want.actors)
    assert "Q159" not in back.actors


def test_run_query_errors_are_one_line_user_errors(store_path):
    from graphbuild.errors import UserError
    build(store_path, fixture_articles(), fixture_records())
    with pytest.raises(UserError) as err:
        st.run_query(store_path, "MATCH (a:Actor) RETURN a.nope")
    assert "\n" not in str(err.value) and "nope" in str(err.value)
    with pytest.raises(UserError) as err:
        st.run_query(store_path.parent / "missing.lbdb", "RETURN 1")
    assert "no store at" in str(err.value)
    cols, rows = st.run_query(store_path, "MATCH (a:Actor {id: $id}) RETURN a.name AS name, a.aliases AS al",
                              {"id": "Q30"})
    assert cols == ["name", "al"] and rows == [["United States", ["The U.S.", "the U.S."]]]  # "the Trump administration" describes


def test_sums_come_back_as_plain_numbers(store_path):
    build(store_path, fixture_articles(), fixture_records())
    _, rows = st.run_query(store_path, "MATCH (:Actor)-[r:RECOGNIZED]->(:Actor) RETURN sum(r.mentions)")
    assert rows == [[3]] and type(rows[0][0]) is int


CLI = ("import sys; from graphbuild import cli; cli.COMMANDS = ('build', 'query'); "
       "sys.exit(cli.main(sys.argv[1:]))")


def run_cli(argv: list[str], **kw) -> subprocess.CompletedProcess:
    """``graphbuild ARGV`` in a subprocess, through the real ``cli.main`` (with our commands only,
    so the test does not depend on other commands being written)."""
    return subprocess.run([sys.executable, "-c", CLI, *argv], capture_output=True, text=True,
                          cwd=kw.pop("cwd", ROOT), **kw)


# --- crash safety ------------------------------------------------------------------------------

def synthetic(n_articles: int, per_article: int = 6, n_actors: int = 40) -> tuple[list[Article], list[dict]]:
    """Deterministic synthetic articles/records in the extractor's format."""
    from graphbuild.vocab import relations
    rels = list(relations().values())
    arts, recs = [], []
    for i in range(n_articles):
        aid = f"art-{i:05d}"
        arts.append(Article(id=aid, title=f"Article {i}", url=f"https://example.org/{i}",
                            source="synthetic", published=f"2020-{1 + i % 12:02d}-{1 + i % 28:02d}",
                            sha256=f"{i:064x}"))
        for j in range(per_article):
            s, t = (i * 7 + j) % n_actors, (i * 3 + j * 5 + 1) % n_actors
            if s == t:
                t = (t + 1) % n_actors
            rel = rels[(i + j) % len(rels)]

            def actor(k):
                return {"id": f"A{k}", "name": f"Actor {k}", "kind": "COUNTRY", "country": f"C{k:02d}",
                        "role": None, "cameo": None, "wikidata": None, "text": f"actor {k} alias {j % 3}"}
            recs.append({
                "id": f"ev-{i:05d}-{j}", "article_id": aid, "field": "text", "relation": rel.name,
                "cameo": rel.default_cameo, "plover": rel.plover, "source": actor(s), "target": actor(t),
                "date": arts[-1].published, "negated": j % 11 == 5, "modality": "asserted",
                "reported_by": None, "confidence": 0.5 + (j % 5) / 10, "trigger": "x",
                "sentence": f"Sentence {j} of article {i}.", "start": j * 10, "end": j * 10 + 9})
    return arts, recs


CHILD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {tests!r})
    from test_store import synthetic
    from graphbuild.commands import build as b
    from graphbuild.sinks import store as st
    arts, recs = synthetic({n})
    real = st.write_graph
    def noisy(store, data, *a, **k):
        out = real(store, data, *a, **k)
        print("batch", flush=True)
        return out
    b.st.write_graph = noisy
    b.build_from_records({path!r}, arts, recs, batch_articles=10)
    print("done", flush=True)
""")


def test_sigkill_mid_build_leaves_a_store_that_opens_and_a_rerun_completes(tmp_path):
    path = tmp_path / "graph.lbdb"
    n = 400
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(tests=str(Path(__file__).parent), n=n,
                                                                 path=str(path))],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    seen = 0
    for line in child.stdout:
        seen += line.startswith("batch")
        if seen >= 3:
            break
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert seen >= 3

    # the killed store opens, and what it holds is consistent: whole batches only
    partial = st.read_graph(path)
    assert 0 < len(partial.articles) < n, len(partial.articles)
    print("killed after", len(partial.articles), "articles")
    assert len(partial.events) == 6 * len([a for a in partial.articles.values() if a.sha256])
    assert edges_in_store(path) == expected_edges(partial)

    # rerunning the whole build completes it, with no duplicates
    arts, recs = synthetic(n)
    build_from_records(path, arts, recs, batch_articles=50)
    want = graph_data(arts, recs)
    counts = st.counts(path)
    assert (counts["Article"], counts["Actor"], counts["Event"]) == (n, len(want.actors), len(recs))
    assert counts["analyst_edges"] == len(want.analyst_edges())
    assert edges_in_store(path) == expected_edges(want)
    ids = st.run_query(path, "MATCH (e:Event) RETURN count(DISTINCT e.id) AS d, count(*) AS n")[1][0]
    assert ids[0] == ids[1] == len(recs)
    links = st.run_query(path, "MATCH (e:Event)-[:SOURCE]->(:Actor) RETURN count(*)")[1][0][0]
    assert links == len(recs)


# --- a second process reads while the store is open for writing ---------------------------------

HOLDER = textwrap.dedent("""
    import sys
    from graphbuild.sinks import store as st
    s = st.open_store({path!r})
    s.execute("MERGE (a:Actor {{id: 'held'}}) SET a.name = 'Held open', a.kind = 'OTHER'")
    print("ready", flush=True)
    sys.stdin.readline()
    s.close()
""")


def test_second_process_reads_while_writer_holds_store(store_path):
    build(store_path, fixture_articles(), fixture_records())
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.format(path=str(store_path))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert holder.stdout.readline().strip() == "ready"
        # read-only open in this process while the holder keeps its read-write connection
        cols, rows = st.run_query(store_path, "MATCH (a:Actor) RETURN count(*) AS n")
        assert rows[0][0] in (14, 15)
        # and the query command, in a third process
        out = run_cli(["query", "top_actors", "--store", str(store_path), "--format", "json"])
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)[0]["actor"] == "United States"
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=30)
    assert holder.returncode == 0
    assert st.counts(store_path)["Actor"] == 15


def test_open_store_refuses_a_directory(tmp_path):
    from graphbuild.errors import UserError
    with pytest.raises(UserError):
        st.open_store(tmp_path)


# --- the build command end to end (needs the extractor) ------------------------------------------

def _have_extractor() -> bool:
    try:
        from graphbuild.extract import Extractor  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _have_extractor(), reason="graphbuild.extract not available yet")
def test_build_cli_end_to_end_is_idempotent_and_reports_bad_input(tmp_path):
    out = tmp_path / "out"
    first = run_cli(["build", str(ROOT / "data" / "articles"), "--out", str(out), "--quiet"])
    assert first.returncode == 0, first.stderr
    store = out / "graph.lbdb"
    assert store.is_file() and (out / "events.jsonl").is_file()
    counts = st.counts(store)
    n_events = sum(1 for line in open(out / "events.jsonl", encoding="utf-8") if line.strip())
    assert counts["Article"] == 1 and counts["Event"] == n_events > 0
    assert st.read_graph(store).analyst_edges() == st.read_graph(store).analyst_edges()
    # a rerun with one bad input: exit 1, one line naming the file, and the store unchanged
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "text": ""}\nnot json\n', encoding="utf-8")
    second = run_cli(["build", str(ROOT / "data" / "articles"), str(bad), "--out", str(out)])
    assert second.returncode == 1
    errors = [line for line in second.stderr.splitlines() if line.startswith(str(bad))]
    assert [e.split(": ")[0] for e in errors] == [f"{bad}:1", f"{bad}:2"], second.stderr
    assert "Traceback" not in second.stderr
    assert "graphbuild build" in second.stdout and "top relations" in second.stdout
    assert st.counts(store) == counts
