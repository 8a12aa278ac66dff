"""TABARI/PETRARCH verb dictionaries: the reader, the conversion to frames, the shipped file, --verbs."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest

from graphbuild.errors import UserError
from graphbuild.extract.lexicon import PETRARCH_VERBS, load_frames, load_lexicon, merge_frames
from graphbuild.extract.verbdict import convert, load_verb_file, read_verb_dictionary
from graphbuild.paths import data_path
from graphbuild.vocab import relations

ROOT = Path(__file__).resolve().parent.parent
SMALL = ROOT / "tests" / "fixtures" / "verbs_small.txt"
CAMEO = ROOT.parent / "shared" / "reference" / "CAMEO.2.0.txt"
needs_cameo = pytest.mark.skipif(not CAMEO.is_file(), reason="../shared/reference/CAMEO.2.0.txt not present")


def frames_of(conv, lemma):
    return [(dict(f.requires), f.targets, f.relation, f.cameo) for f in conv.frames.get((lemma, "VERB"), [])]


# --- reader -----------------------------------------------------------------------------------

def test_reader_parses_synsets_blocks_verbs_and_patterns():
    d = read_verb_dictionary(SMALL)
    assert d.synsets["&ARMS"] == ("RIFLE", "RIFLES", "ARMY", "ARMIES", "MISSILE LAUNCHER", "AMMO")
    assert d.synsets["&HELPER_"] == ("HELP",)  # a label ending in '_' has no plurals
    assert [(b.meaning, b.code) for b in d.blocks] == [("BEFRIEND", "051"), ("SNUBBLE", "---")]
    befriend, snubble = d.blocks
    assert [v.word for v in befriend.verbs] == ["befriend", "chummy"]
    assert befriend.verbs[0].note == "a coder note" and befriend.verbs[1].after == ("up",)
    assert len(befriend.patterns) == 13 and befriend.patterns[0].post == ("(WITH)",)
    assert befriend.patterns[7].pre == ("$",) and befriend.patterns[7].code == "042:043"
    assert befriend.patterns[0].origin == "befriend"
    verbs = {v.word: v for v in snubble.verbs if not v.before}
    assert verbs["snubble"].code == "111" and verbs["snubble"].forms == ("SNUBBLES", "SNUBBLED", "SNUBBLING")
    assert verbs["shove"].after == ("away",) and verbs["shove"].code == "125"
    assert [v.before for v in snubble.verbs if v.word == "snubble"] == [(), ("re",)]
    assert verbs["wobble"].code is None and d.transformations == 1


def test_conversion_expresses_what_frames_can_and_counts_the_rest():
    conv = convert(read_verb_dictionary(SMALL))
    got = frames_of(conv, "befriend")
    # specific first: object frames, then the preposition frame, then the bare verb (block code)
    assert got[0][0] == {"obj": frozenset({"gifts"})} and got[0][2:] == ("PROVIDED_AID", "071")
    # "{&ARMS SHIPMENT}" counts by its head (its root, 07, is the only one "shipment" has) and
    # merges with "&ARMS" of the same code
    assert got[1][0] == {"obj": frozenset({"rifle", "rifles", "army", "armies", "ammo", "shipment"})}
    assert got[1][1][-1] == "dative" and "prep:to" in got[1][1] and got[1][3] == "072"
    assert ({"prep": frozenset({"with"})}, ("prep:with",), "SUPPORTED", "050") in got
    assert ({"prep": frozenset({"to"})}, ("prep:to",), "CONSULTED", "042") in got  # A of [A:B]
    assert got[-1] == ({}, ("dobj",), "SUPPORTED", "051")
    assert not any("052" == g[3] for g in got)  # same conditions as the (WITH) pattern: first wins
    for reason in ("noun phrase with modifiers, its head ambiguous", "reverse-only code", "words before the verb",
                   "01 public statement (no relation)", "null code", "prepositional phrase with a given noun",
                   "verb with words before it (RE_+ARREST)", "verb alone: null code"):
        assert conv.skipped[reason] >= 1, reason
    chummy = frames_of(conv, "chummy")
    assert chummy[-1] == ({"prt": frozenset({"up"})}, ("dobj",), "SUPPORTED", "051")
    snubble = frames_of(conv, "snubble")
    assert ({"prt": frozenset({"away"})}, ("dobj",), "REDUCED_RELATIONS", "161") in snubble
    assert ({"prep": frozenset({"from"})}, ("prep:from",), "REDUCED_RELATIONS", "160") in snubble
    assert snubble[-1] == ({}, ("dobj",), "CRITICIZED", "111")  # the verb's own code over the block's
    assert ({"obj": frozenset({"compliment"})}, ("prep:against", "dobj.against", "prep:on", "dobj.on"),
            "CRITICIZED", "110") in snubble
    # the compound "shove away" needs its particle; its own code loses to the block's "* AWAY"
    assert ({"prt": frozenset({"away"})}, ("dobj",), "REDUCED_RELATIONS", "161") in frames_of(conv, "shove")
    assert all(f[0].get("prt") == frozenset({"away"}) for f in frames_of(conv, "shove"))
    assert all(f[0] for f in frames_of(conv, "wobble"))  # null block code: only the patterns' frames
    assert all(f.relation in relations() for fs in conv.frames.values() for f in fs)


def test_curated_conversion_keeps_verbs_with_provenance_and_patterns_for_their_verb():
    conv = convert(read_verb_dictionary(SMALL), curated=True)
    assert ("befriend", "VERB") in conv.frames and ("chummy", "VERB") not in conv.frames
    assert conv.skipped["verb without coder provenance"] >= 2  # CHUMMY_UP and WOBBLE
    snubble = frames_of(conv, "snubble")
    assert ({"obj": frozenset({"compliment"})}, ("prep:against", "dobj.against", "prep:on", "dobj.on"),
            "CRITICIZED", "110") in snubble  # no origin named: applies to every curated verb


@pytest.mark.parametrize("text, reason", [
    ("####### VERB PATTERNS #######\n- * FOO [010]\n", "pattern outside a verb block"),
    ("--- A [010] ---\nA\n- FOO BAR [010]\n", "without '*'"),
    ("--- A [010] ---\nA\n- * FOO\n", "without a [code]"),
    ("+ORPHAN\n", "before any '&NAME'"),
    ("FLOAT\n####### VERB PATTERNS #######\n", "verb line outside a verb block"),
])
def test_malformed_dictionary_is_one_line_error_with_file_and_line(tmp_path, text, reason):
    f = tmp_path / "bad.verbs.txt"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as exc:
        read_verb_dictionary(f)
    msg = str(exc.value)
    assert reason in msg and str(f) in msg and "\n" not in msg and ":" in msg.replace(str(f), "")


def test_missing_or_empty_verb_file_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="not found"):
        load_verb_file(tmp_path / "nope.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(UserError, match="no verb frames"):
        load_verb_file(empty)
    bad_tsv = tmp_path / "bad.tsv"
    bad_tsv.write_text("lemma\tpos\nfoo\tVERB\n", encoding="utf-8")
    with pytest.raises(UserError, match="missing columns"):
        load_verb_file(bad_tsv)


@needs_cameo
def test_the_real_petrarch2_dictionary_loads_and_converts():
    d = read_verb_dictionary(CAMEO)
    assert len(d.blocks) > 350 and sum(len(b.verbs) for b in d.blocks) > 1700
    assert sum(len(b.patterns) for b in d.blocks) > 4500 and "&CURRENCY" in d.synsets
    conv = convert(d)
    assert len(conv.frames) > 1000
    assert all(f.relation in relations() for fs in conv.frames.values() for f in fs)
    assert not any(f.cameo.startswith("01") for fs in conv.frames.values() for f in fs)


# --- the shipped file and precedence -----------------------------------------------------------

def test_shipped_petrarch_file_has_attribution_new_lemmas_only_and_reviewed_rows():
    path = data_path(*PETRARCH_VERBS)
    head = path.read_text(encoding="utf-8")[:2000]
    assert "PETRARCH2 CAMEO.2.0.txt" in head and "Open Event Data Alliance" in head and "MIT" in head
    assert "676801c" in head
    shipped = load_frames(str(path))
    hand = load_frames()
    assert len(shipped) > 300 and not set(shipped) & set(hand)
    sys.path.insert(0, str(ROOT / "tools"))
    from convert_petrarch_verbs import NO_BARE
    for (lemma, _), frames in shipped.items():
        if lemma in NO_BARE:
            assert all("obj" in f.requires for f in frames), lemma
    for light in ("take", "make", "get", "have", "go", "say"):
        assert all("obj" in f.requires for f in shipped.get((light, "VERB"), ()))


@needs_cameo
def test_converter_script_reproduces_the_shipped_file(tmp_path):
    out = tmp_path / "petrarch_verbs.tsv"
    subprocess.run([sys.executable, str(ROOT / "tools" / "convert_petrarch_verbs.py"), "--dictionary", str(CAMEO),
                    "--out", str(out)], check=True, capture_output=True, timeout=300)
    assert out.read_text(encoding="utf-8") == data_path(*PETRARCH_VERBS).read_text(encoding="utf-8")


def test_lexicon_precedence_hand_rows_then_shipped_conversion_then_extra_files(tmp_path):
    extra = tmp_path / "extra.tsv"
    with open(extra, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["lemma", "pos", "requires", "target", "relation", "cameo", "confidence"])
        w.writerow(["condemn", "VERB", "", "dobj", "SUPPORTED", "051", "0.9"])   # a hand lemma
        w.writerow(["contact", "VERB", "", "dobj", "ATTACKED", "190", "0.9"])    # a shipped one
        w.writerow(["befriend", "VERB", "", "dobj", "SUPPORTED", "051", "0.7"])  # a new one
    hand, shipped = load_frames(), load_frames(str(data_path(*PETRARCH_VERBS)))
    merged = load_lexicon(None, (str(extra),))
    assert merged[("condemn", "VERB")] == hand[("condemn", "VERB")]
    assert merged[("contact", "VERB")] == shipped[("contact", "VERB")]
    assert merged[("befriend", "VERB")][0].relation == "SUPPORTED"
    assert ("befriend", "VERB") not in load_lexicon()


# --- converted frames fire on sentences (real spaCy pipeline) ----------------------------------

def events(extract_text, text):
    return {(r["source"]["name"], r["relation"], r["target"]["name"]) for r in extract_text(text)}


def test_a_verb_only_the_petrarch_file_has_fires(extract_text):
    assert ("contact", "VERB") not in load_frames()
    assert ("Brazil", "CONSULTED", "Argentina") in events(extract_text, "Brazil contacted Argentina on Monday about the border.")
    assert ("Russia", "CONSULTED", "Turkey") in events(extract_text, "Russia invited Turkey to the talks in May.")


def test_an_object_pattern_from_the_petrarch_file_fires_with_its_code(extract_text):
    recs = extract_text("Japan reiterated its support for Vietnam on Tuesday.")
    assert [(r["relation"], r["cameo"], r["target"]["name"]) for r in recs] == [("SUPPORTED", "051", "Vietnam")]
    recs = extract_text("The United States waived the sanctions on Iran last week.")
    assert ("YIELDED", "085") in {(r["relation"], r["cameo"]) for r in recs}


REVIEWED = ["Museveni ruled Uganda for three decades.", "Kagame founded the Rwandan Patriotic Front in 1987."]


def test_reviewed_out_bare_verbs_do_not_fire(extract_text):
    # both fire COOPERATED (060) with PETRARCH's own reading of the dictionary (checked below)
    for text in REVIEWED:
        assert events(extract_text, text) == set(), text


@needs_cameo
def test_the_review_removed_those_bare_frames_from_the_conversion(extractor, extract_text):
    raw = load_verb_file(CAMEO)
    finder = extractor.nlp.get_pipe("graphbuild_events")
    shipped_table = finder.frames
    finder.frames = merge_frames(load_frames(), raw)  # PETRARCH's reading, unreviewed
    try:
        for text in REVIEWED:
            assert {r["relation"] for r in extract_text(text)} == {"COOPERATED"}, text
    finally:
        finder.frames = shipped_table
    shipped = load_frames(str(data_path(*PETRARCH_VERBS)))
    for lemma in ("rule", "found", "take", "discuss", "attend"):
        assert any(not f.requires for f in raw[(lemma, "VERB")]), lemma
        assert not any(not f.requires for f in shipped.get((lemma, "VERB"), ())), lemma


# --- --verbs on the command line -------------------------------------------------------------

def run_cli(*args, stdin: bytes):
    proc = subprocess.run([sys.executable, "-m", "graphbuild.cli", "extract", *map(str, args)], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=300)
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    return proc, err


def test_verbs_option_adds_a_dictionary_verb_and_reports_bad_files(tmp_path):
    text = b"Chile befriended Peru after the summit in Lima.\n"
    plain, _ = run_cli("-", "--quiet", stdin=text)
    assert plain.returncode == 0 and b"SUPPORTED" not in plain.stdout
    with_verbs, _ = run_cli("-", "--quiet", "--verbs", SMALL, stdin=text)
    assert with_verbs.returncode == 0 and b'"relation": "SUPPORTED"' in with_verbs.stdout
    assert b'"cameo": "051"' in with_verbs.stdout
    missing, err = run_cli("-", "--verbs", tmp_path / "none.txt", stdin=text)
    assert missing.returncode == 2 and "verb dictionary not found" in err and len(err.strip().splitlines()) == 1
    bad = tmp_path / "bad.txt"
    bad.write_text("--- A [010] ---\nA\n- * FOO\n", encoding="utf-8")
    broken, err = run_cli("-", "--verbs", bad, stdin=text)
    assert broken.returncode == 2 and f"{bad}:3" in err and not broken.stdout
