"""The analysts' query library on a store built from the fixtures (plus one later article),
checked row by row, and the ``graphbuild query`` command's parameters, formats and errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from graphbuild.commands import query as q
from graphbuild.commands.build import build_from_records
from graphbuild.errors import UserError
from graphbuild.paths import QUERIES_DIR
from graphbuild.sinks import store as st
from test_store import extra_records, fixture_articles, fixture_records, run_cli

OBRIEN = 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊'
V1 = ("https://example.org/news/venezuela-1", "All U.S. Embassy Personnel Now Withdrawing From Venezuela")

#: (query name, parameters, columns, rows) for every library query (LadybugDB dialect).
EXPECTED = [
    ('actor_relations', {'actor': 'Q30'}, ['direction', 'relation', 'other', 'mentions', 'articles', 'first_seen', 'last_seen', 'confidence'], [
        ['out', 'RECOGNIZED', 'Juan Guaidó', 2, 2, '2019-02-05', '2019-03-12', 0.99],
        ['out', 'DEMANDED', 'Nicolás Maduro', 1, 1, '2019-03-12', '2019-03-12', 0.85],
        ['out', 'PROVIDED_AID', 'Venezuela', 1, 1, '2019-03-12', '2019-03-12', 0.65],
        ['out', 'REDUCED_RELATIONS', 'Venezuela', 1, 1, '2019-03-11', '2019-03-11', 0.8],
        ['out', 'SANCTIONED', 'Venezuela government', 1, 1, '2019-01-28', '2019-01-28', 0.85],
    ]),
    ('actor_timeline', {'actor': 'MADURO'}, ['date', 'source', 'relation', 'target', 'negated', 'modality', 'sentence', 'url', 'title', 'event'], [
        ['2019-02-04', 'Russia', 'SUPPORTED', 'Nicolás Maduro', False, 'asserted', 'Russia supported Maduro.', 'https://example.org/news/venezuela-2', 'EU backs Guaidó; Russia condemns', 'ev-cdafbd25f617533b'],
        ['2019-03-12', 'United States', 'DEMANDED', 'Nicolás Maduro', False, 'asserted', 'The U.S. and other allies have demanded the ousting of Venezuelan strongman Nicolas Maduro.', 'https://example.org/news/venezuela-1', 'All U.S. Embassy Personnel Now Withdrawing From Venezuela', 'ev-0101ac3c9746951a'],
        ['2019-03-12', 'United States government', 'REJECTED', 'Nicolás Maduro', False, 'asserted', 'U.S. officials denied his claim and cited years of mismanagement by the regime.', 'https://example.org/news/venezuela-1', 'All U.S. Embassy Personnel Now Withdrawing From Venezuela', 'ev-ceec470343af596c'],
        ['2019-03-12', 'Nicolás Maduro', 'BLAMED', 'multiple cyber-attacks', False, 'asserted', 'Maduro pins the power outage on “multiple cyber-attacks,” which U.S. officials denied.', 'https://example.org/news/venezuela-1', 'All U.S. Embassy Personnel Now Withdrawing From Venezuela', 'ev-d9561d8e81dba4e3'],
    ]),
    ('articles_mentioning', {'actor': 'the EU'}, ['article', 'title', 'published', 'url', 'events'], [
        ['art weird/ü #3', 'Odd names "quoted" <tag>', None, None, 1],
        ['art-extra-1', 'EU cools on Guaidó', '2019-04-02', 'https://example.org/news/extra-1', 2],
        ['art-venezuela-2', 'EU backs Guaidó; Russia condemns', '2019-02-04', 'https://example.org/news/venezuela-2', 3],
    ]),
    ('blamed_whom', {}, ['source', 'target', 'mentions', 'articles', 'first_seen', 'last_seen', 'confidence'], [
        ['Mike Pompeo', 'Cuba government', 1, 1, '2019-03-11', '2019-03-11', 0.75],
        ['Nicolás Maduro', 'multiple cyber-attacks', 1, 1, '2019-03-12', '2019-03-12', 0.7],
    ]),
    ('events_per_month', {}, ['month', 'relation', 'events', 'actor_pairs'], [
        ['2019-01', 'SANCTIONED', 1, 1],
        ['2019-02', 'CRITICIZED', 1, 1],
        ['2019-02', 'RECOGNIZED', 2, 2],
        ['2019-02', 'SUPPORTED', 2, 2],
        ['2019-03', 'BLAMED', 2, 2],
        ['2019-03', 'CRITICIZED', 1, 1],
        ['2019-03', 'DEMANDED', 1, 1],
        ['2019-03', 'PROVIDED_AID', 1, 1],
        ['2019-03', 'RECOGNIZED', 1, 1],
        ['2019-03', 'REDUCED_RELATIONS', 1, 1],
        ['2019-03', 'REJECTED', 1, 1],
        ['2019-04', 'CRITICIZED', 1, 1],
        ['2019-04', 'RECOGNIZED', 1, 1],
        ['2019-04', 'SUPPORTED', 1, 1],
        ['2020-05', 'CONSULTED', 1, 1],
        ['2020-05', 'CRITICIZED', 1, 1],
    ]),
    ('most_blamed', {}, ['actor', 'kind', 'blamed_by', 'mentions', 'last_seen'], [
        ['Cuba government', 'GROUP', 1, 1, '2019-03-11'],
        ['multiple cyber-attacks', 'OTHER', 1, 1, '2019-03-12'],
    ]),
    ('newest_events', {'limit': 4}, ['date', 'source', 'relation', 'target', 'negated', 'modality', 'sentence', 'url', 'event'], [
        ['2020-05-02', 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊', 'CONSULTED', 'United States government', False, 'asserted', "O'Brien met U.S. officials.", None, 'ev-98562603de0fe3fa'],
        ['2020-05-01', 'Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊', 'CRITICIZED', 'European Union', False, 'asserted', 'Seán "The Fox" O\'Brien <x> criticised the EU — مرحبا 🦊\nnew line.', None, 'ev-17f8871cfbd38235'],
        ['2019-04-02', 'European Union', 'CRITICIZED', 'Juan Guaidó', False, 'asserted', 'Brussels criticized Guaidó over the failed uprising.', 'https://example.org/news/extra-1', 'ev-extra-2'],
        ['2019-04-02', 'Russia', 'SUPPORTED', 'Venezuela government', False, 'asserted', 'Moscow backed the government in Caracas.', 'https://example.org/news/extra-1', 'ev-extra-3'],
    ]),
    ('opposite_stances', {}, ['target', 'for_country', 'for_actor', 'for_relation', 'against_country', 'against_actor', 'against_relation'], [
        ['Venezuela government', 'RUS', 'Russia', 'SUPPORTED', 'USA', 'United States', 'SANCTIONED'],
        ['Venezuela government', 'RUS', 'Russia', 'SUPPORTED', 'USA', 'United States government', 'CRITICIZED'],
    ]),
    ('paths_2hop', {'actor': 'Russia', 'other': 'Juan Guaidó'}, ['hops', 'path', 'via', 'weakest'], [
        [2, 'Russia -[CRITICIZED]-> European Union -[CRITICIZED]-> Juan Guaidó', 'European Union', 1],
        [2, 'Russia -[CRITICIZED]-> European Union -[RECOGNIZED]-> Juan Guaidó', 'European Union', 1],
        [2, 'Russia -[CRITICIZED]-> European Union -[SUPPORTED]-> Juan Guaidó', 'European Union', 1],
    ]),
    ('recognized_whom', {}, ['source', 'target', 'mentions', 'articles', 'first_seen', 'last_seen', 'confidence'], [
        ['European Union', 'Juan Guaidó', 2, 2, '2019-02-04', '2019-04-01', 0.95],
        ['United States', 'Juan Guaidó', 2, 2, '2019-02-05', '2019-03-12', 0.99],
    ]),
    ('relations_between', {'actor': 'the U.S.', 'other': 'venezuela government'}, ['date', 'source', 'relation', 'target', 'negated', 'modality', 'confidence', 'sentence', 'url', 'event'], [
        ['2019-01-28', 'United States', 'SANCTIONED', 'Venezuela government', False, 'asserted', 0.85, 'The United States imposed sanctions on the Venezuelan government.', 'https://example.org/news/venezuela-2', 'ev-b91ab054645c6bff'],
    ]),
    ('shortest_path', {'actor': 'Q159', 'other': 'Cuba government'}, ['hops', 'actors', 'relations'], [
    ]),
    ('support_and_criticize', {}, ['actor', 'target', 'supported_mentions', 'criticized_mentions', 'first_supported', 'last_supported', 'first_criticized', 'last_criticized'], [
        ['European Union', 'Juan Guaidó', 1, 1, '2019-02-04', '2019-02-04', '2019-04-02', '2019-04-02'],
    ]),
    ('top_actors', {'limit': 5}, ['actor', 'id', 'kind', 'country', 'events', 'as_source', 'as_target'], [
        ['Juan Guaidó', 'person-juan-guaido', 'PERSON', 'VEN', 7, 0, 7],
        ['United States', 'Q30', 'COUNTRY', 'USA', 7, 7, 0],
        ['European Union', 'Q458', 'IGO', None, 6, 4, 2],
        ['Russia', 'Q159', 'COUNTRY', 'RUS', 5, 4, 1],
        ['Nicolás Maduro', 'Q57413', 'PERSON', 'VEN', 4, 1, 3],
    ]),
    # accent-insensitive, as viz: 'guaido' is the alias 'Guaidó' (graphbuild.lookup)
    ('who_recognized', {'actor': 'guaido'}, ['actor', 'recognized_by', 'kind', 'mentions', 'articles', 'first_seen', 'last_seen'], [
        ['Juan Guaidó', 'European Union', 'IGO', 2, 2, '2019-02-04', '2019-04-01'],
        ['Juan Guaidó', 'United States', 'COUNTRY', 2, 2, '2019-02-05', '2019-03-12'],
    ]),
    ('shortest_path', {'actor': "o'brien", 'other': 'russia'}, ['hops', 'actors', 'relations'], [
        [2, ['Seán "The Fox" O\'Brien <x> #1 — مرحبا 🦊', 'European Union', 'Russia'], ['CRITICIZED', 'CRITICIZED']],
    ]),
    ('paths_2hop', {'actor': 'the EU', 'other': 'Guaidó'}, ['hops', 'path', 'via', 'weakest'], [
        [1, 'European Union -[CRITICIZED]-> Juan Guaidó', '', 1],
        [1, 'European Union -[RECOGNIZED]-> Juan Guaidó', '', 2],
        [1, 'European Union -[SUPPORTED]-> Juan Guaidó', '', 1],
    ]),
    ('who_recognized', {'actor': 'Juan Guaido'}, ['actor', 'recognized_by', 'kind', 'mentions', 'articles', 'first_seen', 'last_seen'], [
        ['Juan Guaidó', 'European Union', 'IGO', 2, 2, '2019-02-04', '2019-04-01'],
        ['Juan Guaidó', 'United States', 'COUNTRY', 2, 2, '2019-02-05', '2019-03-12'],
    ]),
]


@pytest.fixture(scope="module")
def store_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("queries") / "graph.lbdb"
    build_from_records(path, fixture_articles(), fixture_records())
    arts, recs = extra_records()
    build_from_records(path, arts, recs)
    return path


def test_library_has_the_issue_queries_with_headers():
    names = {x.name for x in q.library("lbdb")}
    assert len(names) >= 12
    assert names == {x.name for x in q.library("neo4j")}  # same names for both dialects
    for x in q.library("lbdb") + q.library("neo4j"):
        head = x.text.split("\n")
        assert head[0].startswith("// ") and x.summary, x.path
        assert any(line.startswith("// Example:") and x.name in line for line in head), x.path
        assert any(line.startswith("// Parameters:") for line in head), x.path
        for p in x.params:
            assert f"${p}" in "\n".join(line for line in head if line.startswith("//")), (x.path, p)


def test_dialect_pairs_have_the_same_columns(store_path):
    """Each lbdb/neo4j pair declares the same Columns line; the lbdb one is what we run."""
    for lb in sorted((QUERIES_DIR / "lbdb").glob("*.cypher")):
        neo = QUERIES_DIR / "neo4j" / lb.name
        assert neo.is_file(), f"{lb.name} has no Neo4j counterpart"
        cols = lambda p: [l for l in p.read_text().splitlines() if l.startswith("// Columns:")]  # noqa: E731
        assert cols(lb) == cols(neo), lb.name
        assert not (QUERIES_DIR / lb.name).exists(), f"{lb.name} is both portable and dialect-specific"
    for neo in (QUERIES_DIR / "neo4j").glob("*.cypher"):
        assert (QUERIES_DIR / "lbdb" / neo.name).is_file(), neo.name


def test_every_library_query_is_checked():
    assert {name for name, *_ in EXPECTED} == {x.name for x in q.library("lbdb")}


@pytest.mark.parametrize("name,params,columns,rows", EXPECTED,
                         ids=[f"{e[0]}-{i}" for i, e in enumerate(EXPECTED)])
def test_query_rows(store_path, name, params, columns, rows):
    query = q.find_query(name)
    got_cols, got_rows = st.run_query(store_path, query.text, q.bind(query, params))
    assert got_cols == columns
    assert got_rows == rows


def test_actor_lookup_by_id_name_or_alias_is_case_insensitive(store_path):
    query = q.find_query("actor_timeline")
    results = []
    for actor in ("Q57413", "nicolás maduro", "NICOLAS MADURO", "maduro"):
        results.append(st.run_query(store_path, query.text, q.bind(query, {"actor": actor}))[1])
    assert results[0] and all(r == results[0] for r in results)
    # an unknown actor is an error (exit 2 in the CLI), never a silent empty result
    with pytest.raises(UserError, match="unknown --param actor 'nobody at all'"):
        st.run_query(store_path, query.text, q.bind(query, {"actor": "nobody at all"}))


# --- parameters ----------------------------------------------------------------------------------

def test_parse_value_keeps_strings_and_dates_as_strings():
    assert q.parse_value("10") == 10 and q.parse_value("-3") == -3
    assert q.parse_value("0.5") == 0.5 and q.parse_value("1e3") == 1000.0
    assert q.parse_value("2019-03-12") == "2019-03-12"
    assert q.parse_value("Q30") == "Q30" and q.parse_value("the U.S.") == "the U.S."
    assert q.parse_value('"10"') == "10" and q.parse_value("'x y'") == "x y"
    assert q.parse_value("true") is True and q.parse_value("null") is None
    assert q.parse_value('["a", 1]') == ["a", 1]


def test_params_come_from_dollar_tokens_not_comments_or_strings(tmp_path):
    f = tmp_path / "x.cypher"
    f.write_text("// uses $nothing here\n// @param limit = 5\n"
                 "MATCH (a:Actor) WHERE a.name <> '$notaparam' AND a.id = $id RETURN a LIMIT $limit\n")
    x = q.parse_query(f)
    assert x.params == ["id", "limit"] and x.defaults == {"limit": 5} and x.required == ["id"]
    assert q.bind(x, {"id": "Q30"}) == {"id": "Q30", "limit": 5}
    from graphbuild.errors import UserError
    with pytest.raises(UserError, match="needs parameter id"):
        q.bind(x, {})
    with pytest.raises(UserError, match="no parameter zzz"):
        q.bind(x, {"id": "a", "zzz": 1})


# --- the command ---------------------------------------------------------------------------------

def test_cli_formats(store_path):
    base = ["query", "recognized_whom", "--store", str(store_path)]
    out = run_cli(base + ["--format", "json"])
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data[0] == {"source": "European Union", "target": "Juan Guaidó", "mentions": 2, "articles": 2,
                       "first_seen": "2019-02-04", "last_seen": "2019-04-01", "confidence": 0.95}
    out = run_cli(base + ["--format", "csv"])
    rows = list(csv.reader(io.StringIO(out.stdout)))
    assert rows[0] == ["source", "target", "mentions", "articles", "first_seen", "last_seen", "confidence"]
    assert rows[2] == ["United States", "Juan Guaidó", "2", "2", "2019-02-05", "2019-03-12", "0.99"]
    out = run_cli(base)
    assert out.returncode == 0 and "Juan Guaidó" in out.stdout and "2 rows" in out.stdout


def test_cli_params_and_query_file(store_path, tmp_path):
    out = run_cli(["query", "newest_events", "--store", str(store_path), "--param", "limit=1",
                   "--format", "json"])
    assert out.returncode == 0, out.stderr
    assert [r["event"] for r in json.loads(out.stdout)] == ["ev-98562603de0fe3fa"]
    f = tmp_path / "mine.cypher"
    f.write_text("MATCH (a:Actor) WHERE a.id = $id RETURN a.name AS name, a.aliases AS aliases")
    out = run_cli(["query", str(f), "--store", str(store_path), "-p", "id=Q458", "-f", "json"])
    assert json.loads(out.stdout) == [{"name": "European Union", "aliases": ["the EU", "Brussels"]}]


@pytest.mark.parametrize("argv,message", [
    (["query", "no_such_query"], "unknown query 'no_such_query'"),
    (["query", "who_recognized"], "needs parameter actor"),
    (["query", "blamed_whom", "--param", "limit"], "bad --param"),
    (["query", "blamed_whom", "--param", "nope=1"], "has no parameter nope"),
    (["query", "blamed_whom", "--param", "limit=ten"], "query failed"),
    (["query", "{bad}"], "Parser exception"),
    (["query", "missing.cypher"], "query file missing.cypher not found"),
])
def test_cli_errors_are_one_line_and_exit_2(store_path, tmp_path, argv, message):
    if argv[1] == "{bad}":
        bad = tmp_path / "bad.cypher"
        bad.write_text("MATCH (a:Actor RETURN a")
        argv = ["query", str(bad)]
    out = run_cli(argv + ["--store", str(store_path)], cwd=tmp_path)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("graphbuild query: error: ") and message in out.stderr, out.stderr


def test_cli_missing_store_is_exit_2(tmp_path):
    out = run_cli(["query", "top_actors", "--store", str(tmp_path / "none.lbdb")])
    assert out.returncode == 2 and out.stderr.count("\n") == 1
    assert "no store at" in out.stderr and "graphbuild build" in out.stderr


def test_cli_list():
    out = run_cli(["query", "--list"])
    assert out.returncode == 0
    for name in ("who_recognized", "paths_2hop", "opposite_stances"):
        assert name in out.stdout
