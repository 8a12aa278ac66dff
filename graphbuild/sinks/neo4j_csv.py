"""Node and relationship CSV files for ``neo4j-admin database import full`` (and ``LOAD CSV``).

One file per node label (``actors.csv``, ``articles.csv``, ``events.csv``), per event link
(``event_source.csv``...) and per analyst relation that has edges (``analyst_BLAMED.csv``...),
each with the header neo4j-admin reads: ``id:ID(Label)``, ``:LABEL``, ``:START_ID(Label)``,
``:END_ID(Label)``, ``:TYPE`` and typed properties (``negated:boolean``, ``start:long``,
``aliases:string[]`` split on ``|``). Ids live in one ID space per label (an article and an
actor may share an id). Labels and types come from the model and the closed vocabulary.
The same graph, property for property, as ``graphbuild push neo4j``.
"""

from __future__ import annotations

import csv
import shlex
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..merge import GraphData
from ..model import ACTOR_PROPS, ANALYST_EDGE_PROPS, ARTICLE_PROPS, EVENT_PROPS
from ..vocab import RELATION_NAMES

ARRAY_DELIMITER = "|"
#: neo4j-admin property types of the model's non-string properties.
PROP_TYPES = {"aliases": "string[]", "negated": "boolean", "confidence": "double", "start": "long",
              "end": "long", "mentions": "long", "articles": "long"}
_LINK_ATTR = {"SOURCE": ("source_id", "Actor"), "TARGET": ("target_id", "Actor"),
              "REPORTED_BY": ("reported_by_id", "Actor"), "REPORTED_IN": ("article_id", "Article")}


@dataclass(frozen=True)
class CsvFile:
    """One import file: its name, whether it holds nodes, its label/type and its properties."""

    name: str
    nodes: bool
    label: str  # node label, or relationship type
    props: tuple[str, ...]
    start: str = ""  # relationships: the ID spaces of both ends
    end: str = ""

    def header(self) -> list[str]:
        """The neo4j-admin header row."""
        typed = [f"{p}:{PROP_TYPES[p]}" if p in PROP_TYPES else p for p in self.props]
        if self.nodes:
            return [f"id:ID({self.label})", ":LABEL", *typed]
        return [f":START_ID({self.start})", f":END_ID({self.end})", ":TYPE", *typed]


NODE_FILES = (CsvFile("actors.csv", True, "Actor", tuple(p for p in ACTOR_PROPS if p != "id")),
              CsvFile("articles.csv", True, "Article", tuple(p for p in ARTICLE_PROPS if p != "id")),
              CsvFile("events.csv", True, "Event", tuple(p for p in EVENT_PROPS if p != "id")))
LINK_FILES = (*(CsvFile(f"event_{rel.lower()}.csv", False, rel, (), "Event", end) for rel, (_, end) in _LINK_ATTR.items()),
              CsvFile("actor_part_of.csv", False, "PART_OF", (), "Actor", "Actor"))  # actor -> its organisation or country


def analyst_file(rel: str) -> CsvFile:
    """The file of one analyst relation (a name of the closed vocabulary)."""
    if rel not in RELATION_NAMES:
        raise ValueError(f"unknown relation type {rel!r}")
    return CsvFile(f"analyst_{rel}.csv", False, rel, ANALYST_EDGE_PROPS, "Actor", "Actor")


def _cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ARRAY_DELIMITER.join(str(v).replace(ARRAY_DELIMITER, "/") for v in value) or None
    return str(value)


def _rows(spec: CsvFile, data: GraphData) -> Iterator[list]:
    if spec.label == "Actor":
        objs = data.actors.values()
    elif spec.label == "Article":
        objs = data.articles.values()
    elif spec.label == "Event":
        objs = data.events.values()
    else:
        objs = None
    if objs is not None:
        for o in sorted(objs, key=lambda o: o.id):
            d = o.to_dict()
            yield [o.id, spec.label, *(_cell(d[p]) for p in spec.props)]
    elif spec.label == "PART_OF":
        for child, parent in sorted(data.part_of.items()):
            yield [child, parent, spec.label]
    elif spec.label in _LINK_ATTR:
        attr = _LINK_ATTR[spec.label][0]
        for e in sorted(data.events.values(), key=lambda e: e.id):
            if getattr(e, attr) is not None:
                yield [e.id, getattr(e, attr), spec.label]
    else:
        for edge in data.analyst_edges():
            if edge.relation == spec.label:
                d = edge.to_dict()
                yield [edge.source_id, edge.target_id, spec.label, *(_cell(d[p]) for p in spec.props)]


def write_import_files(data: GraphData, out_dir: str | Path, quiet: bool = True
                       ) -> list[tuple[CsvFile, Path, int]]:
    """Write every import file of ``data`` into ``out_dir``: (spec, path, rows) per file."""
    from ..progress import bar
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rels = sorted({e.relation for e in data.analyst_edges()}, key=RELATION_NAMES.index)
    written = []
    specs = (*NODE_FILES, *LINK_FILES, *(analyst_file(r) for r in rels))
    for spec in bar(quiet, iterable=specs, desc="neo4j-csv", unit=" files", leave=False):
        path = out / spec.name
        n = 0
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(spec.header())
            for row in _rows(spec, data):
                w.writerow(row)
                n += 1
        written.append((spec, path, n))
    return written


def import_command(files: list[tuple[CsvFile, Path, int]], database: str = "neo4j") -> str:
    """The ``neo4j-admin database import full`` command line that loads ``files`` (its report
    goes beside them, not into the working directory)."""
    # the database name first: after --relationships=FILE picocli would read it as one more file
    parts = ["neo4j-admin", "database", "import", "full", database, "--overwrite-destination",
             "--multiline-fields=true", f"--array-delimiter={ARRAY_DELIMITER}"]
    if files:
        parts.append(f"--report-file={files[0][1].resolve().parent / 'import.report'}")
    for spec, path, _ in files:
        parts.append(f"--{'nodes' if spec.nodes else 'relationships'}={path.resolve()}")
    return " ".join(shlex.quote(p) for p in parts)


# ------------------------------------------------------------------------------------ LOAD CSV

def _value(spec_prop: str) -> str:
    """Cypher that converts one typed column of ``row`` to the pushed property's value."""
    col = f"row.`{spec_prop}:{PROP_TYPES[spec_prop]}`" if spec_prop in PROP_TYPES else f"row.`{spec_prop}`"
    kind = PROP_TYPES.get(spec_prop)
    if kind == "string[]":
        return f"CASE WHEN {col} IS NULL THEN [] ELSE split({col}, $delimiter) END"
    if kind == "boolean":
        return f"toBoolean({col})"
    if kind == "double":
        return f"toFloat({col})"
    if kind == "long":
        return f"toInteger({col})"
    return col


def load_csv_statement(spec: CsvFile) -> str:
    """``LOAD CSV`` Cypher for one import file (``$url`` the file's URL; ``$delimiter`` for arrays),
    for a server where neo4j-admin cannot run: same nodes, relationships and properties."""
    sets = ", ".join(f"x.`{p}` = {_value(p)}" for p in spec.props)
    if spec.nodes:
        body = f"CREATE (x:{spec.label} {{id: row.`id:ID({spec.label})`}})" + (f" SET {sets}" if sets else "")
    else:
        body = (f"MATCH (a:{spec.start} {{id: row.`:START_ID({spec.start})`}}) "
                f"MATCH (b:{spec.end} {{id: row.`:END_ID({spec.end})`}}) "
                f"CREATE (a)-[x:{spec.label}]->(b)" + (f" SET {sets}" if sets else ""))
    return (f"LOAD CSV WITH HEADERS FROM $url AS row CALL (row) {{ {body} }} "
            f"IN TRANSACTIONS OF 5000 ROWS")
