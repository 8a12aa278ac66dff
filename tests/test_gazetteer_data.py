"""Validate the gazetteer data files under data/gazetteer/ (format, codes, cross-references, alias conflicts)."""
import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest

GAZ = Path(__file__).resolve().parents[1] / "data" / "gazetteer"
ROLES = {"GOV", "MIL", "OPP", "REB", "LEG", "JUD", "COP", "IGO", "NGO", "MED", "CVL", "BUS", "PTY"}
QID = re.compile(r"^Q[1-9][0-9]*$")
COLUMNS = {
    "countries.tsv": ["iso3", "name", "wikidata", "cameo", "aliases", "demonyms", "metonyms"],
    "igos.tsv": ["id", "name", "kind", "wikidata", "cameo", "aliases", "country"],
    "organizations.tsv": ["id", "name", "kind", "country", "role", "wikidata", "cameo", "aliases"],
    "people.tsv": ["name", "aliases", "country", "role", "position", "wikidata", "cameo", "start", "end"],
    "agents.tsv": ["phrase", "role", "plural"],
    "titles.tsv": ["title", "role"],
}


def read_rows(name):
    """Return (header, rows) of a gazetteer TSV, skipping '#' comment lines; rows are lists."""
    lines = [l.rstrip("\n") for l in (GAZ / name).read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    header = lines[0].split("\t")
    return header, [l.split("\t") for l in lines[1:]]


def records(name):
    header, rows = read_rows(name)
    return [dict(zip(header, r)) for r in rows]


def values(cell):
    return [v for v in cell.split("|") if v] if cell else []


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_header_and_column_count(name):
    header, rows = read_rows(name)
    assert header == COLUMNS[name]
    assert rows, f"{name} has no data rows"
    bad = [(i, r) for i, r in enumerate(rows) if len(r) != len(header)]
    assert not bad, f"{name}: rows with wrong column count: {bad[:5]}"
    for r in rows:
        for cell in r:
            assert cell == cell.strip(), f"{name}: stray whitespace in {r}"
            assert "||" not in cell and not cell.startswith("|") and not cell.endswith("|"), f"{name}: empty value in {r}"


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_parses_with_csv_module(name):
    """The files are plain TSV: the csv module (no quoting) yields the same cells as a split on tabs."""
    with open(GAZ / name, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.reader((l for l in f if not l.startswith("#")), delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert rows[0] == COLUMNS[name]
    assert all(len(r) == len(COLUMNS[name]) for r in rows)


def test_countries_codes():
    recs = records("countries.tsv")
    codes = [r["iso3"] for r in recs]
    assert len(codes) == len(set(codes)), "duplicate iso3"
    assert all(re.fullmatch(r"[A-Z]{3}", c) for c in codes)
    assert len(codes) >= 249
    for must in ("USA", "VEN", "CUB", "RUS", "CHN", "XKX", "PSE", "TWN", "VAT", "ESH", "GBR"):
        assert must in codes
    assert all(re.fullmatch(r"[A-Z]{3}", r["cameo"]) for r in recs)
    assert all(r["name"] for r in recs)


def test_every_sovereign_country_has_a_capital():
    recs = {r["iso3"]: r for r in records("countries.tsv")}
    # BEL deliberately has none ('Brussels' stands for the EU); city-states are their own name.
    exempt = {"BEL", "ATA", "BVT", "HMD", "UMI", "CCK", "NFK", "SGP", "MCO", "LUX", "SMR", "DJI", "SYC", "HKG", "MAC",
              "AIA", "BMU", "FLK", "GIB", "IMN", "TKL", "STP", "SGS"}
    missing = [c for c, r in recs.items() if not r["metonyms"] and c not in exempt]
    assert not missing, missing
    assert "Brussels" not in values(recs["BEL"]["metonyms"])


@pytest.mark.parametrize("name,col", [("countries.tsv", "wikidata"), ("igos.tsv", "wikidata"),
                                      ("organizations.tsv", "wikidata"), ("people.tsv", "wikidata")])
def test_qids_well_formed_and_unique(name, col):
    qids = [r[col] for r in records(name) if r[col]]
    assert all(QID.match(q) for q in qids), [q for q in qids if not QID.match(q)]
    assert len(qids) == len(set(qids)), "one QID used for two entries"


def test_known_qids():
    c = {r["iso3"]: r["wikidata"] for r in records("countries.tsv")}
    assert (c["USA"], c["VEN"], c["CUB"], c["RUS"], c["CHN"], c["GBR"]) == ("Q30", "Q717", "Q241", "Q159", "Q148", "Q145")
    p = {r["name"]: r["wikidata"] for r in records("people.tsv")}
    assert p["Donald Trump"] == "Q22686" and p["Vladimir Putin"] == "Q7747"


def test_roles_in_allowed_set():
    for name in ("organizations.tsv", "people.tsv", "agents.tsv", "titles.tsv"):
        bad = [r for r in records(name) if r["role"] not in ROLES]
        assert not bad, (name, bad[:5])
    assert all(r["kind"] in {"ORGANIZATION", "GROUP"} for r in records("organizations.tsv"))
    assert all(r["kind"] == "IGO" for r in records("igos.tsv"))


def test_cross_references():
    iso = {r["iso3"] for r in records("countries.tsv")}
    igo_ids = {r["id"] for r in records("igos.tsv")}
    for r in records("people.tsv"):
        assert r["country"] in iso or r["country"] in igo_ids, r
        if r["country"] in igo_ids:
            assert r["role"] == "IGO", r
        assert re.fullmatch(r"\d{4}", r["start"]), r
        assert r["end"] == "" or (re.fullmatch(r"\d{4}", r["end"]) and r["end"] >= r["start"]), r
    for r in records("organizations.tsv"):
        assert r["country"] == "" or r["country"] in iso, r
    for r in records("igos.tsv"):
        assert r["country"] == "" or r["country"] in iso, r


def test_ids_unique_and_slugs():
    for name in ("igos.tsv", "organizations.tsv"):
        ids = [r["id"] for r in records(name)]
        assert len(ids) == len(set(ids)), name
        assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids), name
    names = [r["name"] for r in records("people.tsv")]
    assert len(names) == len(set(names))
    assert len(names) >= 250
    assert len(records("igos.tsv")) >= 60
    phrases = [r["phrase"] for r in records("agents.tsv")]
    assert len(phrases) == len(set(phrases)) and all(p == p.lower() for p in phrases)
    titles = [r["title"] for r in records("titles.tsv")]
    assert len(titles) == len(set(titles)) and all(t == t.lower() for t in titles)


def surface_index():
    """Map each surface form (name, alias, demonym, metonym) to the set of targets it names."""
    idx = defaultdict(set)
    for r in records("countries.tsv"):
        for s in [r["name"]] + values(r["aliases"]) + values(r["demonyms"]) + values(r["metonyms"]):
            idx[s].add(("country", r["iso3"]))
    for r in records("igos.tsv"):
        for s in [r["name"]] + values(r["aliases"]):
            idx[s].add(("igo", r["id"]))
    for r in records("organizations.tsv"):
        for s in [r["name"]] + values(r["aliases"]):
            idx[s].add(("org", r["id"]))
    for r in records("people.tsv"):
        for s in [r["name"]] + values(r["aliases"]):
            idx[s].add(("person", r["name"]))
    return idx


def test_no_surface_form_names_two_countries():
    """Case-sensitive: no alias/demonym/metonym points to two different countries (e.g. 'Congo', 'Dominican')."""
    clashes = {s: t for s, t in surface_index().items() if len({x for x in t if x[0] == "country"}) > 1}
    assert not clashes, clashes


def test_no_surface_form_names_two_entries_of_any_kind():
    clashes = {s: t for s, t in surface_index().items() if len(t) > 1}
    assert not clashes, clashes


def test_resolutions_the_extractor_relies_on():
    idx = surface_index()
    expect = {
        "U.S.": ("country", "USA"), "Washington": ("country", "USA"), "the Kremlin": ("country", "RUS"),
        "Havana": ("country", "CUB"), "Venezuelan": ("country", "VEN"), "Caracas": ("country", "VEN"),
        "Georgia": ("country", "GEO"), "Britain": ("country", "GBR"), "Kyiv": ("country", "UKR"),
        "Brussels": ("igo", "european-union"), "Lima Group": ("igo", "lima-group"), "U.N.": ("igo", "united-nations"),
        "Washington Examiner": ("org", "med-washington-examiner"), "Twitter": ("org", "med-twitter"),
        "ABC News": ("org", "med-abc-news"), "Juan Guaido": ("person", "Juan Guaidó"),
        "Nicolas Maduro": ("person", "Nicolás Maduro"), "Mike Pompeo": ("person", "Mike Pompeo"),
    }
    for surface, target in expect.items():
        assert idx.get(surface) == {target}, (surface, idx.get(surface))


def test_agents_and_titles_content():
    agents = {r["phrase"]: r["role"] for r in records("agents.tsv")}
    for phrase, role in {"officials": "GOV", "military": "MIL", "opposition": "OPP", "rebels": "REB",
                         "lawmakers": "LEG", "police": "COP", "protesters": "CVL", "regime": "GOV"}.items():
        assert agents[phrase] == role, phrase
    titles = {r["title"]: r["role"] for r in records("titles.tsv")}
    assert titles["foreign minister"] == "GOV" and titles["opposition leader"] == "OPP" and titles["senator"] == "LEG"


# --------------------------------------------------------------------------- places and Phoenix rows
def test_places_file():
    iso = {r["iso3"] for r in records("countries.tsv")}
    header, _ = read_rows("cities.tsv")
    assert header == ["place", "country", "kind", "aliases"]
    recs = records("cities.tsv")
    assert all(r["country"] in iso for r in recs), [r for r in recs if r["country"] not in iso]
    kinds = {r["kind"] for r in recs}
    assert kinds <= {"city", "island", "region", "landmark", "us-city", "us-state"}
    assert len([r for r in recs if r["kind"] == "us-state"]) == 51  # 50 states and DC
    assert len([r for r in recs if r["kind"] == "city"]) >= 150
    names = [r["place"] for r in recs]
    assert len(names) == len(set(names))
    by_name = {r["place"]: r["country"] for r in recs}
    assert (by_name["Istanbul"], by_name["Casablanca"], by_name["Bali"], by_name["Bonn"], by_name["Geneva"],
            by_name["New York City"], by_name["El Paso"], by_name["New Jersey"]) == \
        ("TUR", "MAR", "IDN", "DEU", "CHE", "USA", "USA", "USA")


def test_places_do_not_shadow_other_entries():
    """A place name that is already a country, IGO, organisation or person surface is left to that entry;
    the only such overlaps allowed are the known ones (the US state named like a country)."""
    idx = surface_index()
    overlaps = {}
    for r in records("cities.tsv"):
        for s in [r["place"]] + values(r["aliases"]):
            if s in idx and idx[s] != {("country", r["country"])}:
                overlaps[s] = idx[s]
    assert set(overlaps) <= {"Georgia"}, overlaps


def test_phoenix_rows():
    iso = {r["iso3"] for r in records("countries.tsv")}
    header, rows = read_rows("phoenix.tsv")
    assert header == ["name", "kind", "country", "role", "cameo", "aliases", "source", "until", "same_as"]
    assert all(len(r) == len(header) for r in rows)
    recs = records("phoenix.tsv")
    assert len(recs) > 10000
    idx = surface_index()
    curated = {s.lower() for s in idx}
    role_words = {w for r in records("titles.tsv") for w in r["title"].split()}
    role_words |= {w for r in records("agents.tsv") for w in (r["phrase"] + " " + r["plural"]).split()}
    seen = {}
    for r in recs:
        assert r["kind"] in {"PERSON", "ORGANIZATION", "GROUP", "IGO"}, r
        assert r["country"] == "" or r["country"] in iso, r
        assert r["role"] == "" or r["role"] in ROLES, r
        assert r["source"] in {"Countries", "International", "MilNonState"}, r
        assert r["same_as"] == "" or r["same_as"] in idx, r  # the curated row it points to exists
        for s in values(r["aliases"]):
            if " " not in s:  # one word: a group's acronym, matched only in capitals
                assert r["kind"] != "PERSON" and s.isupper(), (s, r["name"])
            assert s.lower() not in curated, s
            assert seen.setdefault(s.lower(), r["name"]) == r["name"], (s, r["name"], seen[s.lower()])
            words = [w.strip(".,'") for w in s.lower().replace("-", " ").split()]
            content = [w for w in words if w not in {"the", "of", "and", "for", "a", "in"}]
            assert not content or len(content) > 3 or not all(w in role_words or w in PRONOUNS for w in content), \
                (s, "a bare role noun or pronoun, not a name")


PRONOUNS = {"he", "she", "it", "they", "we", "i", "you", "him", "her", "them", "us", "his", "its", "their"}


def test_gazetteer_loads_places_and_phoenix_rows_by_default():
    from graphbuild.gazetteer import load_gazetteer
    gaz = load_gazetteer()
    assert gaz.lookup("Lagos").how == "place" and gaz.lookup("Lagos").entry.country == "NGA"
    assert gaz.lookup("El Paso").entry.country == "USA" and "Georgia" in gaz.us_states
    atmar = gaz.lookup("Mohammad Hanif Atmar")
    assert atmar.how == "person" and atmar.entry.country == "AFG"
    assert gaz.lookup("islamic army of aden").entry.country == "YEM"
    # curated rows are never overridden by dictionary rows; the dictionary's other forms name the curated actor
    assert gaz.lookup("Donald Trump").entry.wikidata == "Q22686"
    assert gaz.lookup("Prime Minister Benjamin Netanyahu").entry == gaz.lookup("Benjamin Netanyahu").entry
