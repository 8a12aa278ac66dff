"""Where graphbuild finds its data files (gazetteer, lexicon, ontology, shapes)."""

from __future__ import annotations

import os
from pathlib import Path

#: The project's ``data/`` folder; ``GRAPHBUILD_DATA`` overrides it.
DATA_DIR = Path(os.environ.get("GRAPHBUILD_DATA", Path(__file__).resolve().parent.parent / "data"))

#: ``queries/`` with the analysts' Cypher and SPARQL files; ``GRAPHBUILD_QUERIES`` overrides it.
QUERIES_DIR = Path(os.environ.get("GRAPHBUILD_QUERIES", Path(__file__).resolve().parent.parent / "queries"))

#: ``../shared`` beside the project root: corpus and gold data for benchmarks and smoke tests.
SHARED_DIR = Path(os.environ.get("GRAPHBUILD_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))


def data_path(*parts: str) -> Path:
    """Path of a file under ``data/``."""
    return DATA_DIR.joinpath(*parts)
