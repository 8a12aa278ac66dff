"""CAMEO code arithmetic for the flat exports: root code, GDELT QuadClass and Goldstein score.

The scores are data (``data/cameo/goldstein.tsv``, read once); QuadClass follows from the root
code as in GDELT and ICEWS: 1 verbal cooperation (01-05), 2 material cooperation (06-08),
3 verbal conflict (09-13), 4 material conflict (14-20).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache

from .paths import data_path

GOLDSTEIN_FILE = ("cameo", "goldstein.tsv")
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict"}
_CODE = re.compile(r"^(0[1-9]|1[0-9]|20)[0-9]{0,2}$")


@lru_cache(maxsize=1)
def goldstein_table() -> dict[str, float]:
    """CAMEO code -> Goldstein score, from the data file (comment lines start with ``#``)."""
    with open(data_path(*GOLDSTEIN_FILE), encoding="utf-8", newline="") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        return {row["code"]: float(row["goldstein"]) for row in rows}


def root_code(code: str | None) -> str | None:
    """The two-digit CAMEO root of ``code`` (``"1123"`` -> ``"11"``), None if not a CAMEO code."""
    if not code or not _CODE.match(code):
        return None
    return code[:2]


def quad_class(code: str | None) -> int | None:
    """GDELT's QuadClass (1-4) of a CAMEO code, None if not a CAMEO code."""
    root = root_code(code)
    if root is None:
        return None
    n = int(root)
    return 1 if n <= 5 else 2 if n <= 8 else 3 if n <= 13 else 4


def goldstein(code: str | None) -> float | None:
    """The Goldstein score of ``code``, else of its nearest listed parent (``"0874"`` -> ``"087"``)."""
    if root_code(code) is None:
        return None
    table = goldstein_table()
    for n in range(len(code), 1, -1):
        if code[:n] in table:
            return table[code[:n]]
    return None
