"""Which surface forms are names of an actor: only those become aliases (store, Neo4j, RDF, lookup).

An alias must identify its actor. The text an event record carries for an actor is often not a
name: a pronoun ("he"), a role noun ("the government", "police"), a description ("the South
American country", "U.S. officials") or a demonym ("Venezuelans"). Those stay in the event's
evidence but never become aliases, so ``--param actor=he`` finds nothing instead of merging
every "he" of the corpus. Text only (no spaCy, no full gazetteer), so every path that builds
actors (extraction, ``build --from-events``, reading a store) applies the same rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .gazetteer import _rows, _split
from .paths import data_path

#: Function words allowed in lower case inside a name ("Islamic Army of Aden", "Bashar al-Assad").
NAME_FUNCTION_WORDS = frozenset({
    "of", "the", "and", "for", "in", "on", "de", "la", "el", "al", "du", "des", "da", "bin", "ibn", "van", "von",
    "der", "y", "e", "di", "le", "les", "at", "an", "wal", "abu", "ul", "ad", "as"})
_QUOTES = " \t\n\"'“”‘’«»()[]{},;:!?"
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


@dataclass(frozen=True)
class NameRules:
    """The vocabularies the rule reads: curated names, and words and phrases that are not names."""

    #: Lower-cased surface forms of the curated gazetteer (countries, IGOs, organisations, people).
    curated: frozenset[str]
    #: Whole phrases that describe rather than name (agent nouns, titles, demonyms, pronouns, ...).
    phrases: frozenset[str]
    #: Words that name nobody on their own: a text made only of these is a description.
    words: frozenset[str]


@lru_cache(maxsize=1)
def rules() -> NameRules:
    """Read the rule's vocabularies once from ``data/gazetteer`` (small files, a few ms)."""
    base = data_path("gazetteer")
    curated: set[str] = set()
    phrases: set[str] = set()
    words: set[str] = set()
    for row in _rows(base / "countries.tsv"):
        curated.update(s.lower() for s in [row["name"], *_split(row.get("aliases", "")),
                                           *_split(row.get("metonyms", ""))])
        phrases.update(s.lower() for s in _split(row.get("demonyms", "")))
    for name, column in (("igos.tsv", "name"), ("organizations.tsv", "name"), ("people.tsv", "name")):
        for row in _rows(base / name):
            curated.update(s.lower() for s in [row[column], *_split(row.get("aliases", ""))])
    for row in _rows(base / "not_names.tsv"):
        phrases.add(row["word"])
    for name, column in (("agents.tsv", "phrase"), ("titles.tsv", "title")):
        for row in _rows(base / name):
            for cell in (row.get(column, ""), row.get("plural", "")):
                if cell:
                    phrases.add(cell.lower())
    words = {p for p in phrases if " " not in p}
    return NameRules(frozenset(curated), frozenset(phrases), frozenset(words))


def _capitalised(word: str) -> bool:
    """A word written as part of a name: "Maduro", "U.S.", "G20", "al-Assad", "McConnell"."""
    parts = [p for p in re.split(r"[-‐]", word) if p]
    if not parts:
        return False
    for p in parts:
        first = next((c for c in p if c.isalnum()), "")
        if first and (first.isupper() or first.isdigit()):
            return True
    return False


def _words(text: str) -> list[str]:
    out = []
    for w in text.split():
        w = _POSSESSIVE.sub("", w.strip(_QUOTES))
        if any(c.isalnum() for c in w):
            out.append(w)
    return out


@lru_cache(maxsize=65536)
def is_name(text: str | None) -> bool:
    """Whether ``text`` names an actor (an alias) rather than refers to or describes one.

    Curated gazetteer forms are names. Otherwise a name has no lower-case content word
    ("the country", "U.S. officials" are descriptions), is not a pronoun, agent noun, title or
    demonym as a whole ("He", "Police", "Foreign Minister", "Venezuelans"), and has at least one
    word that is none of those ("Senior Officials" and "Russian Government" are descriptions).
    """
    if not text:
        return False
    flat = " ".join(text.split()).strip(_QUOTES)
    if not flat or len(flat) > 120:
        return False
    r = rules()
    low = flat.lower()
    if low in r.curated or (low.startswith("the ") and low[4:] in r.curated):
        return True
    words = _words(flat)
    if not words:
        return False
    while words and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    if not words:
        return False
    if " ".join(words).lower() in r.phrases:
        return False
    content = [w for w in words if w.lower() not in NAME_FUNCTION_WORDS]
    if not content or not all(_capitalised(w) for w in content):
        return False
    return not all(w.lower() in r.words for w in content)


def name_aliases(aliases) -> list[str]:
    """The names among ``aliases`` (order kept, duplicates dropped)."""
    return [a for a in dict.fromkeys(aliases or ()) if is_name(a)]
