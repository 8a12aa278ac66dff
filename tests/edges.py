"""Helpers the extraction-round tests share: the analyst edges of extracted records."""

from __future__ import annotations


def actor(a):
    """An actor record as (country or name, role)."""
    return (a["country"] or a["name"], a["role"])


def facts(records):
    """(source, relation, target) of the analyst edges, actors as (country, role)."""
    return {(actor(r["source"]), r["relation"], actor(r["target"])) for r in records
            if not (r["negated"] or r["modality"] == "hypothetical")}
