"""Actor lookup by id, name or alias: one implementation for ``query``, ``viz`` and ``plot``.

An exact id wins over an exact name, which wins over an alias (case- and accent-insensitive).
Several actors at the best rank is an error listing them with their ids; no match is an error
with "did you mean" suggestions. Never a silent merge, never a silent empty result.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import defaultdict
from collections.abc import Mapping

from .errors import UserError
from .model import Actor

#: How many candidates an ambiguity error lists.
MAX_CANDIDATES = 8


def norm(text: str) -> str:
    """Case- and accent-insensitive form of a name, without a leading article ("Nicolás" ==
    "nicolas", "the U.S." == "U.S.")."""
    decomposed = unicodedata.normalize("NFKD", " ".join(text.split()).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain[4:] if plain.startswith("the ") and len(plain) > 4 else plain


def _describe(a: Actor) -> str:
    where = ", ".join(x for x in (a.kind, a.country) if x)
    return f"{a.name} ({a.id}{'; ' + where if where else ''})"


def resolve_actor(actors: Mapping[str, Actor], name: str, what: str = "actor") -> str:
    """The id of the one actor whose id, name or an alias equals ``name``, else a UserError."""
    key = norm(name)
    ranked: dict[int, list[str]] = defaultdict(list)
    for a in actors.values():
        if norm(a.id) == key:
            ranked[0].append(a.id)
        elif norm(a.name or "") == key:
            ranked[1].append(a.id)
        elif any(norm(al) == key for al in a.aliases):
            ranked[2].append(a.id)
    for rank in (0, 1, 2):
        found = sorted(ranked[rank])
        if len(found) == 1:
            return found[0]
        if found:
            listed = "; ".join(_describe(actors[i]) for i in found[:MAX_CANDIDATES])
            more = f"; and {len(found) - MAX_CANDIDATES} more" if len(found) > MAX_CANDIDATES else ""
            raise UserError(f"{what} {name!r} is ambiguous: {len(found)} actors match: {listed}{more}; "
                            f"give one of the ids")
    raise UserError(f"unknown {what} {name!r}{did_you_mean(actors, name)}")


def did_you_mean(actors: Mapping[str, Actor], name: str) -> str:
    """`` (did you mean: A, B?)`` from the closest names and aliases, or ``""``."""
    forms: dict[str, str] = {}
    for a in actors.values():
        for form in (a.name, *a.aliases):
            if form:
                forms.setdefault(norm(form), a.name)
    close = difflib.get_close_matches(norm(name), list(forms), n=5, cutoff=0.6)
    names = list(dict.fromkeys(forms[c] for c in close))[:3]
    return f" (did you mean: {', '.join(names)}?)" if names else ""
