"""Every Cypher statement the Neo4j sink can send, and every Neo4j-dialect file in queries/, is
checked by Neo4j's own linter (npm @neo4j-cypher/language-support, run by tests/cypher_lint/lint.mjs)
against the graph model as the database schema: zero diagnostics required."""

from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from graphbuild.merge import GraphData, load_events_jsonl
from graphbuild.model import (ACTOR_LINKS, ACTOR_PROPS, ANALYST_EDGE_PROPS, ARTICLE_PROPS, EVENT_LINKS,
                              EVENT_PROPS, Article)
from graphbuild.paths import QUERIES_DIR
from graphbuild.sinks import neo4j as sink
from graphbuild.vocab import RELATION_NAMES

LINT_DIR = Path(__file__).parent / "cypher_lint"
FIXTURES = Path(__file__).parent / "fixtures"

#: The graph model as Neo4j's linter sees a database holding it.
MODEL_SCHEMA = {
    "labels": ["Actor", "Article", "Event"],
    "relationshipTypes": [*EVENT_LINKS, *RELATION_NAMES, *ACTOR_LINKS],
    "propertyKeys": sorted(set(ACTOR_PROPS + ARTICLE_PROPS + EVENT_PROPS + ANALYST_EDGE_PROPS)),
    "databaseNames": ["neo4j", "system"],
}


def _linter_missing() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (the Cypher linter runs on Node.js)"
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        return "tests/cypher_lint/node_modules is absent: run `make lint-deps` (npm ci)"
    return None


needs_linter = pytest.mark.skipif(_linter_missing() is not None, reason=_linter_missing() or "")


def _cache_key(item: dict, schema: dict) -> str:
    h = hashlib.sha256()
    for path in (LINT_DIR / "lint.mjs", LINT_DIR / "package-lock.json"):
        h.update(path.read_bytes())
    h.update(json.dumps([schema, item["query"], item.get("parameters") or {}], sort_keys=True).encode())
    return h.hexdigest()


def lint(queries: list[dict], schema: dict = MODEL_SCHEMA) -> dict[str, list[dict]]:
    """{name: diagnostics} for queries [{name, query, parameters}] from Neo4j's linter.

    The linter is slow (its semantic analysis takes ~0.3-1 s a statement), so results are cached
    in node_modules/ keyed by the linter script, the lock file, schema, text and parameters (a
    changed statement is always linted again); a file lock lets parallel test workers share it.
    """
    cache_path = LINT_DIR / "node_modules" / ".graphbuild-lint-cache.json"
    with open(LINT_DIR / "node_modules" / ".graphbuild-lint.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
        except ValueError:
            cache = {}
        keys = {q["name"]: _cache_key(q, schema) for q in queries}
        todo = [q for q in queries if keys[q["name"]] not in cache]
        if todo:
            proc = subprocess.run(["node", str(LINT_DIR / "lint.mjs")],
                                  input=json.dumps({"queries": todo, "schema": schema}),
                                  capture_output=True, text=True, timeout=600, cwd=LINT_DIR)
            assert proc.returncode == 0, proc.stderr
            for result in json.loads(proc.stdout):
                cache[keys[result["name"]]] = result["diagnostics"]
            tmp = cache_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(cache))
            tmp.replace(cache_path)
    return {q["name"]: cache[keys[q["name"]]] for q in queries}


def _sample_data() -> GraphData:
    data = load_events_jsonl(FIXTURES / "sample_events.jsonl")
    for line in (FIXTURES / "sample_articles.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            data.add_article(Article(**json.loads(line)))
    return data


def _sink_queries() -> list[dict]:
    """Every statement of the sink, with the parameters it is really sent with (from a plan)."""
    sent = {s.name: {**({"rows": s.batches[0]} if "$rows" in s.statement else {}), **s.extra}
            for s in sink.plan(_sample_data(), batch_size=1000)}
    out = []
    for name, text in sink.STATEMENTS.items():
        params = sent.get(name)
        if params is None:  # not in this plan: declare exactly the parameters the text uses
            params = {p: ([] if p == "rows" else "x") for p in re.findall(r"\$(\w+)", text)}
        out.append({"name": name, "query": text, "parameters": params})
    return out


def neo4j_query_files() -> list[Path]:
    """queries/*.cypher (portable) and queries/neo4j/*.cypher (Neo4j dialect), and the same in
    queries/by_country/."""
    return [p for d in (QUERIES_DIR, QUERIES_DIR / "by_country")
            for p in sorted(d.glob("*.cypher")) + sorted((d / "neo4j").glob("*.cypher"))]


def documented_parameters(text: str) -> dict:
    """The parameters a query file documents: `// Parameters:` block and `// @param` lines."""
    params: dict = {}
    in_block = False
    for line in text.splitlines():
        if not line.startswith("//"):
            break
        body = line[2:].strip()
        if body.startswith("Parameters:"):
            in_block = True
        elif re.match(r"^[A-Z][a-z]+:", body):
            in_block = False
        if in_block:
            for name in re.findall(r"\$(\w+)", body):
                params[name] = "x"
        m = re.match(r"@param\s+(\w+)\s*=\s*(.+)$", body)
        if m:
            try:
                params[m.group(1)] = json.loads(m.group(2))
            except ValueError:
                params[m.group(1)] = m.group(2)
    return params


def _negative_cases() -> dict[str, str]:
    """One mistake of each kind, planted in statements the sink really sends."""
    good = sink.ACTORS
    cases = {
        "label_in_merge": good.replace("(a:Actor", "(a:Actr"),
        "property_in_set": good.replace("a.wikidata = coalesce", "a.wikidta = coalesce"),
        "label_in_match": sink.LINK_STATEMENTS["SOURCE"].replace("(n:Actor {id", "(n:Actr {id"),
        "reltype_in_merge": sink.LINK_STATEMENTS["SOURCE"].replace("[:SOURCE]->(n", "[:SORUCE]->(n"),
        "reltype_in_match": sink.ANALYST_STATEMENTS["BLAMED"].replace("[:SOURCE]", "[:SORCE]"),
        "property_in_where": sink.ANALYST_STATEMENTS["BLAMED"].replace("e.negated = false", "e.negatd = false"),
        "function": good.replace("coalesce(row.country", "coalesc(row.country"),
        "syntax": good.replace("MERGE (a:Actor {id: row.id})", "MERGE (a:Actor {id: row.id}"),
        "undefined_variable": good.replace("a.kind = row.kind", "a.kind = rows.kind"),
        "undeclared_parameter": good.replace("$rows", "$rowz"),
        "plugin_function": "RETURN apoc.coll.sum([1, 2]) AS n",
    }
    for name, text in cases.items():
        assert text != good, f"negative case {name} did not change the statement"
    return cases


@pytest.fixture(scope="module")
def lint_results() -> dict:
    """One linter run (Node starts once) over the sink, the query files and the negative cases."""
    sink_queries = _sink_queries()
    files = neo4j_query_files()
    file_queries = [{"name": "file:" + str(f.relative_to(QUERIES_DIR)),
                     "query": f.read_text(encoding="utf-8"),
                     "parameters": documented_parameters(f.read_text(encoding="utf-8"))} for f in files]
    negative = [{"name": "neg:" + n, "query": q, "parameters": {"rows": [], "relation": "BLAMED"}}
                for n, q in _negative_cases().items()]
    undocumented = "// Parameters: $actor  an actor\nMATCH (a:Actor {id: $actor}) RETURN a.name LIMIT $limit\n"
    extra = [{"name": "undocumented", "query": undocumented, "parameters": documented_parameters(undocumented)}]
    diagnostics = lint(sink_queries + file_queries + negative + extra)
    assert len(diagnostics) == len(sink_queries) + len(file_queries) + len(negative) + len(extra)
    return {"sink": {q["name"]: diagnostics[q["name"]] for q in sink_queries},
            "files": {q["name"]: diagnostics[q["name"]] for q in file_queries},
            "negative": {q["name"][4:]: diagnostics[q["name"]] for q in negative},
            "undocumented": diagnostics["undocumented"]}


@needs_linter
def test_every_sink_statement_lints_clean(lint_results):
    results = lint_results["sink"]
    # the set is complete: schema, ping, counts, every write step incl. every vocabulary relation
    assert set(results) == set(sink.STATEMENTS)
    assert {f"analyst:{r}" for r in RELATION_NAMES} <= set(results)
    assert {f"link:{r}" for r in EVENT_LINKS} <= set(results)
    bad = {name: d for name, d in results.items() if d}
    assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)


@needs_linter
def test_every_neo4j_query_file_lints_clean(lint_results):
    results = lint_results["files"]
    if not results:
        pytest.skip("queries/ has no .cypher files yet")
    bad = {name: d for name, d in results.items() if d}
    assert not bad, json.dumps(bad, indent=1, ensure_ascii=False)


@needs_linter
def test_linter_catches_each_kind_of_mistake(lint_results):
    """The negative control: the same linter and schema flag each planted mistake."""
    results = lint_results["negative"]
    missed = [name for name, diags in results.items() if not diags]
    assert not missed, f"the linter missed: {missed}"
    assert any("Actr" in d["message"] for d in results["label_in_merge"])
    assert any("Actr" in d["message"] for d in results["label_in_match"])
    assert any("wikidta" in d["message"] for d in results["property_in_set"])
    assert any("SORUCE" in d["message"] for d in results["reltype_in_merge"])
    assert any("SORCE" in d["message"] for d in results["reltype_in_match"])
    assert any("negatd" in d["message"] for d in results["property_in_where"])
    assert any("coalesc" in d["message"] for d in results["function"])
    assert any("rowz" in d["message"] for d in results["undeclared_parameter"])


@needs_linter
def test_query_file_parameters_must_be_documented(lint_results):
    """A query file using an undocumented parameter is reported (the check is not vacuous)."""
    assert any("limit" in d["message"] for d in lint_results["undocumented"])


def test_documented_parameters_reads_header_block_and_defaults():
    text = ("// Title\n//\n// Parameters: $actor  id\n//             $other  id too\n"
            "// Example:    graphbuild query x --param actor=$nope\n// @param limit = 20\nMATCH (n) RETURN n\n")
    assert documented_parameters(text) == {"actor": "x", "other": "x", "limit": 20}
