"""Document context: who issues an article (from its metadata) and who speaks in a transcript.

An institutional release speaks in the first person ("we welcome", "our support") and names its own
officials by title only ("the Secretary", "Deputy Secretary Sherman"); a transcript gives each turn a
speaker label ("SECRETARY BLINKEN: ..."). ``data/gazetteer/issuers.tsv`` says which sources are
issued by whom; this module turns that and the labels into per-document state the resolver reads.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from ..paths import data_path

#: A transcript turn: an upper-case speaker label at the start of a line, then a colon.
TURN_LABEL = re.compile(r"(?m)^[ \t]*((?:[A-Z][A-Z.'\u2019\-]*\s){0,7}[A-Z][A-Z.'\u2019\-]+)\s?:[ \t]")
#: Labels that are not a person (the other side of a press briefing).
NON_SPEAKERS = frozenset({"question", "q", "moderator", "operator", "participant", "audience member",
                          "staff", "reporter", "journalist", "interpreter", "note", "editor", "update"})


@dataclass(frozen=True)
class IssuerSpec:
    """One row of issuers.tsv: the issuing country/role and the words that refer back to it."""

    country: str
    role: str | None
    selves: frozenset[str]
    titles: tuple[str, ...]


@lru_cache(maxsize=4)
def load_issuers(path: str | None = None) -> tuple[dict[str, IssuerSpec], tuple[tuple[str, IssuerSpec], ...]]:
    """(issuers by exact source value, (url host suffix, issuer) pairs) from issuers.tsv."""
    by_source: dict[str, IssuerSpec] = {}
    by_host: list[tuple[str, IssuerSpec]] = []
    file = Path(path) if path else data_path("gazetteer", "issuers.tsv")
    with open(file, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            split = lambda cell: [p.strip().lower() for p in (cell or "").split("|") if p.strip()]  # noqa: E731
            spec = IssuerSpec(country=row["country"].strip(), role=(row.get("role") or "").strip() or None,
                              selves=frozenset(split(row.get("selves"))),
                              titles=tuple(sorted(split(row.get("titles")), key=len, reverse=True)))
            for key in split(row["keys"]):
                if "." in key:
                    by_host.append((key, spec))
                else:
                    by_source[key] = spec
    return by_source, tuple(by_host)


def issuer_of(source: str | None, url: str | None) -> IssuerSpec | None:
    """The issuer of an article with this ``source`` value or ``url``, if issuers.tsv knows it."""
    by_source, by_host = load_issuers()
    if source and source.strip().lower() in by_source:
        return by_source[source.strip().lower()]
    if url:
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            host = ""
        for suffix, spec in by_host:
            if host == suffix or host.endswith("." + suffix):
                return spec
    return None


def speaker_labels(text: str) -> list[tuple[int, int, str]]:
    """(label start, turn text start, label) for every transcript turn label in ``text``."""
    out = []
    for m in TURN_LABEL.finditer(text):
        label = " ".join(m.group(1).split())
        if len(label) >= 2 and not label.isdigit():
            out.append((m.start(1), m.end(), label))
    return out
