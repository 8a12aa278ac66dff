#!/usr/bin/env python3
"""Regenerate data/lexicon/petrarch_verbs.tsv from PETRARCH2's CAMEO verb dictionary.

    .venv/bin/python tools/convert_petrarch_verbs.py [--dictionary ../shared/reference/CAMEO.2.0.txt]

Converts what our dependency frames can express (graphbuild/extract/verbdict.py), keeps verbs
with coder provenance only (not the WordNet synonyms added in bulk), leaves out lemmas the
hand-written events.tsv already has, applies the review below, and writes the file with an
attribution header and the counts of what was skipped and why.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graphbuild.extract.lexicon import load_frames  # noqa: E402
from graphbuild.extract.verbdict import TSV_COLUMNS, convert, frame_row, read_verb_dictionary  # noqa: E402

SOURCE = "PETRARCH2 CAMEO.2.0.txt (openeventdata/petrarch2, commit 676801c), Open Event Data Alliance, MIT License"

#: Review: verbs whose every converted frame is dropped.
DROP_LEMMAS: dict[str, str] = {}
#: Review: verbs that keep only the frames naming a specific object ("take hostages",
#: "make a visit"); alone or with a particle/preposition they mean too many things.
LIGHT_VERBS = set("""take make get have go say come give put set keep hold bring see do run turn use find
    show leave let begin seem help call try move play stand lead pass carry reach raise draw pull push
    open close cut break drop fall throw cast hand mark point press follow work serve head face lift
    land field place post base position look appear remain become send receive""".split())
#: ... and verbs whose object is a topic rather than a party ("discussed the situation in X",
#: "considered an offensive in Y"), so a bare frame would take a place or owner for the target.
TOPIC_VERBS = set("""discuss consider contemplate ponder mull weigh think debate review study examine
    explore address tackle determine decide plan intend mean expect hope desire prepare learn hear
    reason speculate muse meditate ruminate reconsider affirm reaffirm announce attend seek benefit
    promote counter target defeat win lose""".split())
#: ... and verbs whose block code does not hold for the bare verb, by class: governing,
#: creating, changing amounts, moving, gathering, buying, feelings and opinions, failing.
OFF_CODE_VERBS = set("""rule oversee supervise control conduct dictate enact institute found allocate assign
    attach chain link merge swap boost enhance expand heighten improve increase intensify redouble
    facilitate enlist arrive depart embark amass assemble gather converge huddle join introduce
    confront apply aim want vote ready revive signal strive ensure guarantee admit affect influence
    reveal unveil rejoice deal bargain haggle organise bless celebrate cheer commemorate reassert
    respect buy purchase import invest pay stabilise approve ratify resolve submit verify clear check
    comb dig sweep bid need argue claim despair lament mourn regret disappoint dismay decline fail
    disband abort rescind enforce extract overturn die engage dominate struggle hammer circle""".split())
#: ... and directives, mostly to one's own subordinates ("ordered his forces"), and "disrupt",
#: today mostly cyber or logistics attacks rather than CAMEO's 160 (reduce relations).
OFF_CODE_VERBS |= {"order", "decree", "disrupt"}
#: ... and "surround", in news mostly where things are ("communities surrounding the mine").
OFF_CODE_VERBS |= {"surround"}
NO_BARE = LIGHT_VERBS | TOPIC_VERBS | OFF_CODE_VERBS


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dictionary", default=str(ROOT.parent / "shared" / "reference" / "CAMEO.2.0.txt"))
    ap.add_argument("--out", default=str(ROOT / "data" / "lexicon" / "petrarch_verbs.tsv"))
    ap.add_argument("--all-verbs", action="store_true", help="every verb of a block (PETRARCH's own reading)")
    ap.add_argument("--with-hand-lemmas", action="store_true", help="also lemmas events.tsv has (for measuring)")
    args = ap.parse_args(argv)

    dictionary = read_verb_dictionary(args.dictionary)
    conv = convert(dictionary, curated=not args.all_verbs)
    hand = load_frames()
    review = Counter()
    rows = []
    for (lemma, pos), frames in sorted(conv.frames.items()):
        if (lemma, pos) in hand and not args.with_hand_lemmas:
            review["lemma already in events.tsv"] += 1
            continue
        if lemma in DROP_LEMMAS:
            review["review: ambiguous verb dropped"] += 1
            continue
        for f in frames:
            if "obj" not in f.requires and lemma in NO_BARE:
                review["review: frame without an object of a light or topic verb dropped"] += 1
                continue
            rows.append(frame_row(f))
    lemmas = len({r[0] for r in rows})
    with open(args.out, "w", encoding="utf-8", newline="") as fh:
        fh.write(f"# Event frames converted from {SOURCE}.\n"
                 "# Generated by tools/convert_petrarch_verbs.py (do not edit by hand: change the review lists there).\n"
                 "# Loaded after events.tsv; a lemma events.tsv has keeps only its hand-written rows.\n"
                 "# Columns as in events.tsv. The original dictionary's licence:\n"
                 "#   Copyright (c) 2015 Open Event Data Alliance. Permission is hereby granted, free of charge, to any\n"
                 "#   person obtaining a copy of this software and associated documentation files (the \"Software\"), to\n"
                 "#   deal in the Software without restriction, including without limitation the rights to use, copy,\n"
                 "#   modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to permit\n"
                 "#   persons to whom the Software is furnished to do so, subject to the following conditions: The above\n"
                 "#   copyright notice and this permission notice shall be included in all copies or substantial portions\n"
                 "#   of the Software. THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND.\n"
                 f"# {conv.verbs} verbs and {conv.patterns} patterns read; {lemmas} lemmas and {len(rows)} frames written.\n"
                 "# Not written, by reason (patterns, or verb x pattern where a pattern fits one verb only):\n")
        for reason, n in (conv.skipped + review).most_common():
            fh.write(f"#   {n:6d}  {reason}\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        w.writerow(TSV_COLUMNS)
        w.writerows(rows)
    print(f"{args.out}: {lemmas} lemmas, {len(rows)} frames", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
