"""Actor gazetteer: countries, organisations, people, agent nouns and titles from ``data/gazetteer``.

Plain TSV files (see ``data/gazetteer/README.md``) become one lookup: surface form -> actor
entry. Extra actors can come from a TABARI/PETRARCH ``.actors`` dictionary (``--actors``).
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import UserError
from .paths import data_path
from .vocab import ROLES

ROLE_LABELS = {
    "GOV": "government", "MIL": "military", "OPP": "opposition", "REB": "rebels",
    "LEG": "legislature", "JUD": "judiciary", "COP": "police", "IGO": "international organisation",
    "NGO": "NGOs", "MED": "media", "CVL": "civilians", "BUS": "business", "PTY": "party",
}
#: PETRARCH/CAMEO secondary codes that map onto our roles.
CAMEO_ROLE_ALIASES = {"ELI": "GOV", "SPY": "GOV", "CRM": None, "LAB": "CVL", "EDU": "CVL",
                      "HLH": "CVL", "REF": "CVL", "AGR": "CVL", "ENV": None, "RAD": "OPP",
                      "UAF": "REB", "INS": "REB", "SEP": "REB", "CIV": "CVL", "HRI": "NGO",
                      "DEV": "NGO", "MNC": "BUS", "JRN": "MED"}


def slugify(text: str) -> str:
    """A deterministic ASCII slug; falls back to a short hash for names with no Latin letters."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class ActorEntry:
    """A resolvable actor (the ACTOR object of the output contract, minus the surface text)."""

    id: str
    name: str
    kind: str
    country: str | None = None
    role: str | None = None
    cameo: str | None = None
    wikidata: str | None = None
    #: The organisation a person speaks or fights for ("a spokesman for the PMF"); not part of
    #: the entry's identity (equality, hash).
    org: "ActorEntry | None" = field(default=None, compare=False)

    def as_record(self, text: str) -> dict:
        rec = {"id": self.id, "name": self.name, "kind": self.kind, "country": self.country,
               "role": self.role, "cameo": self.cameo, "wikidata": self.wikidata, "text": text}
        if self.org is not None:
            rec["org"] = self.org.as_record(self.org.name)
        return rec


@dataclass(frozen=True, slots=True)
class Alias:
    """One surface form: the entry it names and how (name, demonym, metonym, person, org)."""

    entry: ActorEntry
    how: str
    priority: int = 0


@dataclass
class Gazetteer:
    countries: dict[str, ActorEntry] = field(default_factory=dict)
    aliases: dict[str, Alias] = field(default_factory=dict)
    #: Aliases matched case-insensitively (from PETRARCH dictionaries, written in capitals).
    aliases_lower: dict[str, Alias] = field(default_factory=dict)
    agents: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    regions: dict[str, frozenset[str]] = field(default_factory=dict)
    orgs: dict[str, ActorEntry] = field(default_factory=dict)
    #: Place name (city, US state, landmark) -> ISO3 of its country.
    places: dict[str, str] = field(default_factory=dict)
    #: The 50 US states (and DC), which must never read as a similarly named country.
    us_states: set[str] = field(default_factory=set)
    #: Surname -> the one gazetteer person with it (None when several share it).
    surnames: dict[str, ActorEntry | None] = field(default_factory=dict)

    # -- entries ---------------------------------------------------------------------------
    def country_role(self, iso3: str, role: str | None) -> ActorEntry:
        """The composite actor "country + role" (``USA-GOV``), or the country itself."""
        country = self.countries.get(iso3)
        if role is None:
            return country or ActorEntry(id=f"country-{iso3.lower()}", name=iso3, kind="COUNTRY",
                                         country=iso3, cameo=iso3)
        name = country.name if country else iso3
        cameo_country = (country.cameo if country and country.cameo else iso3)
        return ActorEntry(id=f"{iso3}-{role}", name=f"{name} {ROLE_LABELS.get(role, role.lower())}",
                          kind="GROUP", country=iso3, role=role, cameo=f"{cameo_country}{role}")

    def add_alias(self, surface: str, alias: Alias, lower: bool = False) -> None:
        surface = " ".join(surface.split())
        if not surface:
            return
        table = self.aliases_lower if lower else self.aliases
        key = surface.lower() if lower else surface
        old = table.get(key)
        if old is None or alias.priority > old.priority:
            table[key] = alias

    def lookup(self, surface: str) -> Alias | None:
        surface = " ".join(surface.split())
        return self.aliases.get(surface) or self.aliases_lower.get(surface.lower())

    def all_surfaces(self) -> Iterator[tuple[str, bool]]:
        for s in self.aliases:
            yield s, False
        for s in self.aliases_lower:
            yield s, True


def _rows(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        for row in csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE):
            yield {k: (v or "").strip() for k, v in row.items() if k}


def _split(cell: str) -> list[str]:
    return [p.strip() for p in (cell or "").split("|") if p.strip()]


#: An acronym that some house styles (BBC, Guardian) write as a word: "NATO" as "Nato".
ACRONYM = re.compile(r"[A-Z]{4,}")


def _variants(surface: str) -> list[str]:
    """A surface form and its form without a leading article ("the Kremlin" -> "Kremlin")."""
    out = [surface]
    for art in ("the ", "The "):
        if surface.startswith(art):
            out.append(surface[len(art):])
    if surface.lower().startswith("the ") and len(surface) > 4:
        out.append("The " + surface[4:])
    return out


def _role(value: str) -> str | None:
    value = (value or "").strip().upper()
    return value if value in ROLES else None


def _country_entry(row: dict) -> ActorEntry:
    """The COUNTRY actor of one ``countries.tsv`` row (id: its Wikidata QID, else ``country-iso3``)."""
    iso3 = row["iso3"].upper()
    return ActorEntry(id=row.get("wikidata") or f"country-{iso3.lower()}", name=row["name"], kind="COUNTRY",
                      country=iso3, cameo=row.get("cameo") or iso3, wikidata=row.get("wikidata") or None)


@lru_cache(maxsize=4)
def country_entries(data_dir: Path | None = None) -> dict[str, ActorEntry]:
    """ISO3 -> COUNTRY actor, from ``countries.tsv`` alone (cheap: no full gazetteer load)."""
    base = Path(data_dir) if data_dir else data_path("gazetteer")
    return {row["iso3"].upper(): _country_entry(row) for row in _rows(base / "countries.tsv")}


def load_gazetteer(data_dir: Path | None = None, extra_actor_files: list[str] | None = None) -> Gazetteer:
    """Load every gazetteer file (and extra PETRARCH dictionaries) into one :class:`Gazetteer`."""
    base = Path(data_dir) if data_dir else data_path("gazetteer")
    gaz = Gazetteer()
    for row in _rows(base / "countries.tsv"):
        iso3 = row["iso3"].upper()
        entry = _country_entry(row)
        gaz.countries[iso3] = entry
        for s in [row["name"], *_split(row.get("aliases", ""))]:
            for v in _variants(s):
                gaz.add_alias(v, Alias(entry, "name", 30))
        for s in _split(row.get("demonyms", "")):
            gaz.add_alias(s, Alias(entry, "demonym", 20))
        gov = gaz.country_role(iso3, "GOV")
        for s in _split(row.get("metonyms", "")):
            for v in _variants(s):
                gaz.add_alias(v, Alias(gov, "metonym", 10))
    not_names = {row["word"] for row in _rows(base / "not_names.tsv")} if (base / "not_names.tsv").exists() else set()
    for name, default_kind in (("igos.tsv", "IGO"), ("organizations.tsv", "ORGANIZATION")):
        path = base / name
        if not path.exists():
            continue
        for row in _rows(path):
            role = "IGO" if default_kind == "IGO" else _role(row.get("role"))
            entry = ActorEntry(id=row.get("wikidata") or row["id"], name=row["name"],
                               kind=(row.get("kind") or default_kind).upper(),
                               country=(row.get("country") or "").upper() or None, role=role,
                               cameo=row.get("cameo") or None, wikidata=row.get("wikidata") or None)
            gaz.orgs[row["id"]] = entry
            for s in [row["name"], *_split(row.get("aliases", ""))]:
                for v in _variants(s):
                    gaz.add_alias(v, Alias(entry, "org", 40))
                if ACRONYM.fullmatch(s) and s.lower() not in not_names:  # "Nato", "Isis": house styles
                    gaz.add_alias(s.title(), Alias(entry, "org", 39))    # that write acronyms as words
    people_file = base / "people.tsv"
    if people_file.exists():
        for row in _rows(people_file):
            country = row.get("country") or None
            role = _role(row.get("role"))
            if country and country in gaz.orgs:   # heads of international organisations
                country, role = None, "IGO"
            entry = ActorEntry(id=row.get("wikidata") or f"person-{slugify(row['name'])}", name=row["name"],
                               kind="PERSON", country=(country or "").upper() or None, role=role,
                               cameo=row.get("cameo") or None, wikidata=row.get("wikidata") or None)
            for s in [row["name"], *_split(row.get("aliases", ""))]:
                gaz.add_alias(s, Alias(entry, "person", 50))
                words = s.split()
                if len(words) >= 2 and words[-1][:1].isupper():
                    known = gaz.surnames.get(words[-1], entry)
                    gaz.surnames[words[-1]] = entry if known is not None and known.id == entry.id else None
    for name in ("agents.tsv", "titles.tsv"):
        path = base / name
        if not path.exists():
            continue
        for row in _rows(path):
            role = _role(row.get("role"))
            if role:
                key = (row.get("phrase") or row.get("title") or "").lower()
                target = gaz.agents if name == "agents.tsv" else gaz.titles
                target[key] = role
                if name == "agents.tsv" and row.get("plural"):
                    target[row["plural"].lower()] = role
    load_places(gaz, base / "cities.tsv")
    phoenix = base / "phoenix.tsv"
    if phoenix.exists():
        load_phoenix_table(gaz, phoenix)
    regions = base / "regions.tsv"
    if regions.exists():
        for row in _rows(regions):
            gaz.regions[row["region"].lower()] = frozenset(row["members"].split())
    for extra in extra_actor_files or ():
        load_petrarch_actors(gaz, extra)
    return gaz


def load_places(gaz: Gazetteer, path: Path) -> int:
    """Cities, US states and landmarks -> their country, as ``place`` aliases (a location, not a government).

    A capital that is also a metonym keeps its metonym alias; the extractor reads it as a place
    when it is the object of a locative preposition ("travel to Madrid").
    """
    if not path.exists():
        return 0
    count = 0
    for row in _rows(path):
        iso3 = row["country"].upper()
        country = gaz.countries.get(iso3)
        if country is None:
            continue
        count += 1
        for s in [row["place"], *_split(row.get("aliases", ""))]:
            for v in _variants(s):
                if v not in gaz.aliases:
                    gaz.add_alias(v, Alias(country, "place", 25))
            gaz.places[s] = iso3
        if row.get("kind") == "us-state":
            gaz.us_states.add(row["place"])
    return count


def load_phoenix_table(gaz: Gazetteer, path: Path) -> int:
    """The reviewed rows converted from the Phoenix dictionaries (``phoenix.tsv``); returns how many.

    They never override the curated files: multi-word names match case-insensitively (and, in
    the extractor, only when written as a name), one-word acronyms only in capitals.
    """
    count = 0
    for row in _rows(path):
        kind = row["kind"]
        role = _role(row.get("role"))
        name = row["name"]
        prefix = "person" if kind == "PERSON" else ("igo" if kind == "IGO" else "org")
        entry = ActorEntry(id=f"{prefix}-{slugify(name)}", name=name, kind=kind,
                           country=(row.get("country") or None), role=role, cameo=row.get("cameo") or None)
        how = "person" if kind == "PERSON" else "org"
        same = gaz.aliases.get(row.get("same_as") or "")
        if same is not None:  # another name of a curated actor: keep that actor's id and codes
            entry, how = same.entry, same.how
        count += 1
        for s in _split(row.get("aliases", "")):
            if " " in s:
                if s.lower() not in gaz.aliases_lower:
                    gaz.add_alias(s, Alias(entry, how, 5), lower=True)
            elif s not in gaz.aliases:
                gaz.add_alias(s, Alias(entry, how, 5))
    return count


_PET_CODE = re.compile(r"\[([^\]\s]+)(?:\s+([^\]]*))?\]")


def _petrarch_entry(gaz: Gazetteer, name: str, code: str) -> ActorEntry | None:
    code = code.lstrip("~").upper()
    if code.startswith("IGO"):
        return ActorEntry(id=f"igo-{slugify(name)}", name=name, kind="IGO", role="IGO", cameo=code)
    iso3 = code[:3]
    if iso3 not in gaz.countries:
        return None
    sub = code[3:6]
    role = sub if sub in ROLES else CAMEO_ROLE_ALIASES.get(sub)
    return ActorEntry(id=f"person-{slugify(name)}", name=name, kind="PERSON", country=iso3,
                      role=role, cameo=code)


def _pet_name(raw: str) -> str:
    return " ".join(raw.replace("_", " ").split()).title()


def load_petrarch_actors(gaz: Gazetteer, path: str | Path) -> int:
    """Add the people/organisations of a TABARI/PETRARCH ``.actors`` file; returns how many.

    Each block is ``NAME [CODE]`` or a name with ``+ALIAS`` lines and indented
    ``[CODE dates]`` lines; the last code listed wins. Names match case-insensitively and never
    override the project's own gazetteer.
    """
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: actor dictionary not found")
    count = 0
    block: list[str] = []
    codes: list[str] = []

    def flush() -> None:
        nonlocal count
        if block and codes:
            entry = _petrarch_entry(gaz, _pet_name(block[0]), codes[-1])
            if entry:
                count += 1
                for raw in block:
                    gaz.add_alias(" ".join(raw.replace("_", " ").split()), Alias(entry, "person", 5), lower=True)

    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                text = line.split("#", 1)[0].rstrip()
                if not text.strip() or text.lstrip().startswith("!"):
                    continue
                if text.startswith(("\t", " ")) and text.strip().startswith("["):
                    codes += [m.group(1) for m in _PET_CODE.finditer(text)]
                    continue
                if text.startswith("+"):
                    block.append(text[1:].split("[")[0].strip())
                    codes += [m.group(1) for m in _PET_CODE.finditer(text)]
                    continue
                flush()
                block = [text.split("[")[0].strip()]
                codes = [m.group(1) for m in _PET_CODE.finditer(text)]
                if not block[0]:
                    raise UserError(f"{path}:{lineno}: malformed actor line")
            flush()
    except OSError as exc:
        raise UserError(f"{path}: cannot read actor dictionary ({exc.strerror})") from None
    return count


__all__ = ["ActorEntry", "Alias", "Gazetteer", "country_entries", "load_gazetteer", "load_petrarch_actors", "load_phoenix_table",
           "load_places", "slugify"]
