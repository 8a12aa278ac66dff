"""Convert the Phoenix actor dictionaries (MIT, Open Event Data Alliance) into ``phoenix.tsv``.

Run by hand when the dictionaries change (the output is shipped and loaded by default):

    .venv/bin/python data/gazetteer/convert_phoenix.py ../shared/reference ../shared/corpus/articles.jsonl

What is kept, and why (see README.md, "phoenix.tsv"):
- people and national bodies of ``Phoenix.Countries.actors.txt`` (not the country blocks, whose
  aliases mix cities, provinces and misspellings), NGOs and IGOs of
  ``Phoenix.International.actors.txt`` (not the 4,000 companies: no country, many common words),
  armed groups of ``Phoenix.MilNonState.actors.txt``;
- the code in force today: an open range (``>YYMMDD``), else the undated default, else the latest range;
- people last in office before 1980 are left out (not in current news, and their names collide);
- surface forms are dropped when they are one word (people: bare surnames and mononyms), when
  every word is a common lower-case word of the news corpus ("Anarchist Struggle", "Interior
  Ministry"), when up to three words are all role words ("Revolutionary Army", "Islamic Front"), when the project's curated files already use them, or when two Phoenix entries
  of different countries share them. An entry that shares a name with a curated person,
  organisation or IGO of the same country is that actor: its other forms ("Prime Minister Benjamin
  Netanyahu", "Islamic Resistance") point to the curated row (``same_as``); an entry that shares a
  name with anything else curated is left out. One-word acronyms of groups are kept in capitals and only
  ever match in capitals.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROLES = {"GOV", "MIL", "OPP", "REB", "LEG", "JUD", "COP", "IGO", "NGO", "MED", "CVL", "BUS", "PTY"}
SUB_ROLES = {"ELI": "GOV", "SPY": "GOV", "LAB": "CVL", "EDU": "CVL", "HLH": "CVL", "REF": "CVL",
             "AGR": "CVL", "RAD": "OPP", "UAF": "REB", "INS": "REB", "SEP": "REB", "CIV": "CVL",
             "HRI": "NGO", "DEV": "NGO", "MNC": "BUS", "JRN": "MED", "REL": "CVL", "ENV": "NGO"}
ORG_WORDS = {"ministry", "army", "forces", "force", "party", "council", "police", "parliament",
             "assembly", "court", "bank", "agency", "department", "commission", "committee", "front",
             "movement", "brigade", "brigades", "organization", "organisation", "union", "guard",
             "congress", "senate", "government", "office", "service", "services", "league", "group",
             "association", "federation", "institute", "authority", "corps", "navy", "militia",
             "coalition", "alliance", "cabinet", "tribunal", "board", "network", "foundation",
             "society", "center", "centre", "fund", "program", "programme", "mission", "bureau"}
FUNCTION = {"of", "the", "and", "for", "in", "on", "to", "a", "de", "la", "el", "al", "du", "des",
            "da", "bin", "ibn", "van", "von", "der", "y", "e", "di", "le", "les", "at", "an"}
CODE = re.compile(r"\[([^\]]*)\]")


def year(d: str) -> int:
    """Year of a Phoenix date (YYMMDD or YYYYMMDD; two-digit years up to 25 are 20xx)."""
    d = d.strip()
    if len(d) >= 8:
        return int(d[:4])
    yy = int(d[:2])
    return 2000 + yy if yy <= 25 else 1900 + yy


def current_code(codes: list[str]) -> tuple[str, int | None] | None:
    """The code in force now and the year it ended (None = open or undated)."""
    opened, undated, ranged = [], [], []
    for raw in codes:
        parts = raw.split()
        if not parts or not re.fullmatch(r"~?[A-Z]{3,}", parts[0]):
            continue
        code = parts[0].lstrip("~")
        when = parts[1] if len(parts) > 1 else ""
        try:
            if not when:
                undated.append(code)
            elif when.startswith(">"):
                opened.append((year(when[1:]), code))
            elif when.startswith("<"):
                ranged.append((year(when[1:]), code))
            elif "-" in when:
                ranged.append((year(when.split("-")[1]), code))
        except ValueError:
            continue
    if opened:
        return max(opened)[1], None
    if undated:
        return undated[-1], None
    if ranged:
        end, code = max(ranged)
        return code, end
    return None


def blocks(path: Path):
    """(surfaces, codes, comment) per dictionary block, in file order."""
    cur: list[str] = []
    codes: list[str] = []
    comment = ""
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        text, _, rest = line.partition("#")
        if not text.strip():
            if line.lstrip().startswith("#"):
                continue
            continue
        if text[:1] in "\t " and text.strip().startswith("["):
            codes += CODE.findall(text)
            continue
        if text.startswith("+"):
            cur.append(text[1:].split("[")[0])
            codes += CODE.findall(text)
            continue
        if cur:
            yield cur, codes, comment
        cur, codes, comment = [text.split("[")[0]], CODE.findall(text), rest
    if cur:
        yield cur, codes, comment


def surface(raw: str) -> tuple[str, list[str]]:
    """Readable words of a dictionary name and the acronyms it gives in brackets."""
    raw = raw.replace("_", " ").strip()
    acr = re.findall(r"\(([A-Za-z\-]{2,8})\)", raw)
    raw = re.sub(r"\([^)]*\)", " ", raw)
    words = " ".join(raw.split()).strip(" -+.,")
    return words, acr


def title(words: str) -> str:
    out = []
    for i, w in enumerate(words.lower().split()):
        out.append(w if i and w in FUNCTION else "-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


def classify(code: str, countries: set[str], name: str, is_person: bool):
    """(kind, country, role) of a Phoenix code, or None to leave the entry out."""
    head = code[:3]
    if head == "IGO":
        return ("PERSON" if is_person else "IGO"), None, "IGO"
    if head == "NGO":
        return ("PERSON" if is_person else "ORGANIZATION"), None, "NGO"
    if head in ("IMG", "INT") and not is_person:
        return "GROUP", None, "REB"
    if head not in countries:
        return None
    sub = code[3:6]
    role = sub if sub in ROLES else SUB_ROLES.get(sub)
    if is_person:
        return "PERSON", head, role
    kind = "GROUP" if role in ("REB", "OPP") else "ORGANIZATION"
    return kind, head, role


def role_words() -> set[str]:
    """Words of the agent nouns and titles (``agents.tsv``, ``titles.tsv``) and of role adjectives."""
    out = {"islamic", "muslim", "christian", "catholic", "revolutionary", "popular", "people's", "peoples",
           "national", "royal", "armed", "united", "democratic", "liberation", "non", "governmental",
           "organisation", "organization", "left", "right", "order", "resistance", "aid", "relief", "ngo"}
    for name in ("agents.tsv", "titles.tsv"):
        for line in (HERE / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                cells = line.split("\t")
                out.update(w for c in (cells[0], cells[-1] if name == "agents.tsv" else "") for w in c.lower().split())
    return out


def common_words(corpus: Path) -> set[str]:
    """Words written in lower case at least three times in the news corpus."""
    counts: Counter = Counter()
    with open(corpus, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            for w in re.findall(r"[a-z][a-z'\-]+", (rec.get("text") or "")):
                counts[w] += 1
    return {w for w, n in counts.items() if n >= 3}


def curated_surfaces() -> tuple[set[str], dict[str, tuple[str, str]]]:
    """Lower-cased surface forms the project's own files already use, and for the names of its
    people, organisations and IGOs: lower-cased name -> (name as written, country or IGO id)."""
    out: set[str] = set()
    actors: dict[str, tuple[str, str]] = {}
    for name in ("countries.tsv", "igos.tsv", "organizations.tsv", "people.tsv", "cities.tsv"):
        path = HERE / name
        if not path.exists():
            continue
        lines = [l for l in path.read_text(encoding="utf-8").splitlines() if l and not l.startswith("#")]
        header = lines[0].split("\t")
        for line in lines[1:]:
            row = dict(zip(header, line.split("\t")))
            for col in ("name", "aliases", "demonyms", "metonyms", "place"):
                for v in (row.get(col) or "").split("|"):
                    v = v.strip()
                    if not v:
                        continue
                    out.add(v.lower())
                    if v.lower().startswith("the "):
                        out.add(v[4:].strip().lower())
                    if name in ("igos.tsv", "organizations.tsv", "people.tsv") and col in ("name", "aliases"):
                        owner = "IGO" if name == "igos.tsv" else (row.get("country") or "")
                        actors.setdefault(v.lower(), (row["name"], owner))
    return out, actors


ROLE_WORDS: set[str] = set()


def convert(ref: Path, corpus: Path) -> list[dict]:
    ROLE_WORDS.update(role_words())
    countries = set()
    for line in (HERE / "countries.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith(("#", "iso3\t")):
            countries.add(line.split("\t")[0])
    common = common_words(corpus)
    curated, actors = curated_surfaces()
    entries: list[dict] = []
    sources = [("Countries", ref / "Phoenix.Countries.actors.txt"),
               ("International", ref / "Phoenix.International.actors.txt"),
               ("MilNonState", ref / "Phoenix.MilNonState.actors.txt")]
    for source, path in sources:
        for raw_names, codes, comment in blocks(path):
            chosen = current_code(codes)
            if chosen is None:
                continue
            code, until = chosen
            if source == "Countries" and re.fullmatch(r"[A-Z]{3}", code):
                continue  # the country itself, with its cities as aliases
            if code[:3] in ("MNC", "MED", "HIN") or (until is not None and until < 1980):
                continue
            names = [surface(r) for r in raw_names]
            first = names[0][0]
            words = set(first.lower().split())
            is_person = ("CountryInfo" in comment or "IGOrulers" in comment) and not words & ORG_WORDS
            if source == "Countries" and not is_person:
                is_person = not words & ORG_WORDS and len(first.split()) <= 4
            if source == "MilNonState":  # groups (a few leaders' names are kept as the group's aliases)
                is_person = False
            cls = classify(code, countries, first, is_person)
            if cls is None or not first:
                continue
            kind, country, role = cls
            aliases: list[str] = []
            for words_, acr in names:
                if words_:
                    aliases.append(title(words_) if " " in words_ else words_.upper())
                if kind != "PERSON":
                    aliases += [a.upper() for a in acr]
            entries.append({"name": title(first), "kind": kind, "country": country or "", "role": role or "",
                            "cameo": code, "aliases": aliases, "source": source,
                            "until": "" if until is None else str(until)})
    return review(entries, common, curated, actors)


def keep_surface(s: str, kind: str, common: set[str], curated: set[str]) -> bool:
    low = s.lower()
    if low in curated or len(low) < 3:
        return False
    toks = [w for w in re.split(r"[\s\-]+", low) if w]
    alpha = [w for w in toks if re.search(r"[a-z]", w)]
    if not alpha:
        return False
    content = [w.strip(".,'()") for w in alpha if w not in FUNCTION]
    if len(content) <= 3 and all(w in ROLE_WORDS for w in content):
        return False  # "Revolutionary Army", "Islamic Front", "NGO": role nouns, not a name
    if " " not in s.strip():  # one word: acronyms of groups only, in capitals, never a common word
        return kind != "PERSON" and s.isupper() and 3 <= len(s) <= 8 and s.isalpha() and low not in common
    return bool(content) and not all(len(w) < 2 or w in common for w in content)


def same_actor(e: dict, actors: dict[str, tuple[str, str]]) -> str:
    """The curated actor this entry is (one of its names is that actor's, same country), or ""."""
    for s in e["aliases"]:
        hit = actors.get(s.lower())
        if hit and (hit[1] == e["country"] or hit[1] == "IGO" and e["role"] == "IGO" or
                    len(hit[1]) > 3 and not e["country"]):
            return hit[0]
    return ""


def review(entries: list[dict], common: set[str], curated: set[str], actors: dict[str, tuple[str, str]]) -> list[dict]:
    owners: dict[str, set] = defaultdict(set)
    for i, e in enumerate(entries):
        for s in e["aliases"]:
            owners[s.lower()].add((e["country"] or e["cameo"][:3], i))
    out = []
    seen: set[str] = set()
    multi = {c for c in curated if " " in c}
    for i, e in enumerate(entries):
        same = same_actor(e, actors)  # its other names become names of the project's own row
        if not same and any(s.lower() in curated for s in e["aliases"]):
            continue  # a name of some other curated entry: not a second actor under that name
        keep = []
        for s in dict.fromkeys(e["aliases"]):
            words = s.lower().split()
            grams = {" ".join(words[a:b]) for a in range(len(words)) for b in range(a + 2, len(words) + 1)}
            if grams & multi and not same:
                continue  # a curated name inside a longer form of another entry
            low = s.lower()
            if low in seen or not keep_surface(s, e["kind"], common, curated):
                continue
            if len({c for c, _ in owners[low]}) > 1:
                continue  # two countries (or IGO and country) share it: ambiguous
            best = max(owners[low], key=lambda x: (entries[x[1]]["until"] == "", entries[x[1]]["until"]))
            if best[1] != i and entries[best[1]]["until"] != e["until"]:
                continue  # the same name for a more recent entry of that country
            seen.add(low)
            keep.append(s)
        if keep:
            out.append({**e, "aliases": keep, "same_as": same})
    return out


def write(entries: list[dict], path: Path) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("# Converted from the Phoenix actor dictionaries (Phoenix.Countries/International/MilNonState.actors.txt;\n"
                 "# MIT licence, (c) 2014 Open Event Data Alliance) by convert_phoenix.py; reviewed by its rules (see README.md).\n"
                 "# Columns: name, kind, country (ISO3 or empty), role, cameo (Phoenix code), aliases (the first is the\n"
                 "# dictionary's own name; all-capital one-word aliases match only in capitals), source, until (year the\n"
                 "# code in force ended; empty = still in force when the dictionary was made, 2014), same_as (the name of\n"
                 "# the curated row this entry is: its aliases then name that row's actor, with that row's id).\n")
        fh.write("name\tkind\tcountry\trole\tcameo\taliases\tsource\tuntil\tsame_as\n")
        for e in entries:
            fh.write("\t".join([e["name"], e["kind"], e["country"], e["role"], e["cameo"], "|".join(e["aliases"]),
                                e["source"], e["until"], e["same_as"]]) + "\n")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: convert_phoenix.py REFERENCE_DIR CORPUS_JSONL", file=sys.stderr)
        return 2
    entries = convert(Path(argv[0]), Path(argv[1]))
    write(entries, HERE / "phoenix.tsv")
    kinds = Counter(e["kind"] for e in entries)
    print(f"phoenix.tsv: {len(entries)} entries, {sum(len(e['aliases']) for e in entries)} surface forms, {dict(kinds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
