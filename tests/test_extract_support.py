"""Dates, the vocabulary, the lexicon files and the PETRARCH actor loader (eval: test_eval.py, test_dev_sets.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from graphbuild.extract.dates import resolve_date
from graphbuild.extract.lexicon import load_cues, load_frames
from graphbuild.gazetteer import load_gazetteer, load_petrarch_actors
from graphbuild.vocab import RELATION_NAMES, relation_for_cameo, relations

ROOT = Path(__file__).resolve().parent.parent
PHOENIX = ROOT.parent / "shared" / "reference" / "Phoenix.Countries.actors.txt"


@pytest.mark.parametrize("expr, expected", [
    ("earlier Monday", "2019-03-11"),      # article date is Tuesday 2019-03-12
    ("Sunday", "2019-03-10"),
    ("Tuesday", "2019-03-12"),
    ("last Tuesday", "2019-03-05"),
    ("next Friday", "2019-03-15"),
    ("this week", "2019-03-12"),
    ("yesterday", "2019-03-11"),
    ("tomorrow", "2019-03-13"),
    ("March 3", "2019-03-03"),
    ("15 October", "2018-10-15"),          # later in the year than the article: last year
    ("January 4, 2019", "2019-01-04"),
    ("2017-06-01", "2017-06-01"),
    ("years", None),
])
def test_relative_dates(expr, expected):
    assert resolve_date(expr, "2019-03-12") == expected


def test_relative_date_without_article_date():
    assert resolve_date("Monday", None) is None
    assert resolve_date("March 3, 2019", None) == "2019-03-03"


def test_vocabulary_is_closed_and_complete():
    assert len(RELATION_NAMES) == 20
    assert relation_for_cameo("1041") == "DEMANDED"
    assert relation_for_cameo("054") == "RECOGNIZED" and relation_for_cameo("051") == "SUPPORTED"
    assert relation_for_cameo("112") == "BLAMED" and relation_for_cameo("111") == "CRITICIZED"
    assert relation_for_cameo("163") == "SANCTIONED" and relation_for_cameo("161") == "REDUCED_RELATIONS"
    assert relation_for_cameo("195") == "ATTACKED" and relation_for_cameo("202") == "ATTACKED"
    assert relation_for_cameo("010") is None
    assert relations()["RECOGNIZED"].plover == "SUPPORT"


def test_every_lexicon_frame_names_a_known_relation_and_code():
    frames = load_frames()
    assert sum(len(v) for v in frames.values()) > 150
    for group in frames.values():
        for f in group:
            assert f.relation in RELATION_NAMES
            assert relation_for_cameo(f.cameo) == f.relation, (f.lemma, f.cameo, f.relation)
            assert f.targets and 0 < f.confidence <= 1
    cues = load_cues()
    assert {"speech", "hedge", "future", "negator"} <= set(cues)


def test_petrarch_dictionary_loader(tmp_path):
    gaz = load_gazetteer()
    path = tmp_path / "mini.actors.txt"
    path.write_text("# comment\nJANE_Q_PUBLIC_  [NORGOV]\n+JANE_PUBLIC\n\nRANDOM_REBEL_GROUP\n\t[COLREB >150101]\n"
                    "IGNORED_UNKNOWN_CODE [XXXGOV]\n", encoding="utf-8")
    assert load_petrarch_actors(gaz, path) == 2
    alias = gaz.lookup("jane public")
    assert alias and (alias.entry.country, alias.entry.role) == ("NOR", "GOV")
    assert gaz.lookup("Random Rebel Group").entry.role == "REB"


def test_missing_actor_dictionary_is_a_user_error(tmp_path):
    from graphbuild.errors import UserError
    with pytest.raises(UserError, match="not found"):
        load_petrarch_actors(load_gazetteer(), tmp_path / "nope.txt")


@pytest.mark.skipif(not PHOENIX.exists(), reason="../shared/reference not present")
def test_extra_actors_from_the_real_phoenix_dictionary():
    from graphbuild.extract import Extractor
    from graphbuild.ingest import RawArticle
    x = Extractor(actors_file=str(PHOENIX))
    recs = x.extract(RawArticle(id="p", text="Hafizullah Amin criticized Pakistan.", date="1979-10-01"))
    assert [(r["source"]["country"], r["relation"], r["target"]["country"]) for r in recs] == [("AFG", "CRITICIZED", "PAK")]
