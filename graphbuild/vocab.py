"""The closed relation vocabulary, read from ``data/relations.tsv`` (its single source of truth).

Relationship types in every store (embedded, Neo4j) and RDF predicates come from here and
never from article text.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from .paths import data_path

ACTOR_KINDS = ("COUNTRY", "PERSON", "ORGANIZATION", "GROUP", "IGO", "OTHER")
ROLES = ("GOV", "MIL", "OPP", "REB", "LEG", "JUD", "COP", "IGO", "NGO", "MED", "CVL", "BUS", "PTY")
MODALITIES = ("asserted", "reported", "intended", "hypothetical")


@dataclass(frozen=True)
class Relation:
    """One relation type: its name (a relationship type), CAMEO roots and PLOVER category."""

    name: str
    cameo_roots: tuple[str, ...]
    default_cameo: str
    plover: str | None
    label: str
    comment: str


@lru_cache(maxsize=1)
def relations() -> dict[str, Relation]:
    """All relations by name, in file order."""
    out: dict[str, Relation] = {}
    with open(data_path("relations.tsv"), encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            out[row["relation"]] = Relation(
                name=row["relation"],
                cameo_roots=tuple(c.strip() for c in row["cameo_roots"].split(",")),
                default_cameo=row["default_cameo"],
                plover=row["plover"] or None,
                label=row["label"],
                comment=row["comment"],
            )
    return out


RELATION_NAMES: tuple[str, ...] = tuple(relations())


def relation_for_cameo(code: str) -> str | None:
    """Map a CAMEO event code (e.g. ``"1041"``) to our relation, most specific root first."""
    best: tuple[int, str] | None = None
    for rel in relations().values():
        for root in rel.cameo_roots:
            if code.startswith(root) and (best is None or len(root) > best[0]):
                best = (len(root), rel.name)
    return best[1] if best else None


def check_relation(name: str) -> str:
    """Return ``name`` if it is in the closed vocabulary, else raise ``ValueError``."""
    if name not in relations():
        raise ValueError(f"unknown relation type {name!r}")
    return name
