"""The event lexicon (``data/lexicon/events.tsv``) and cue words (``data/lexicon/cues.tsv``)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..paths import data_path
from ..vocab import check_relation, relations


@dataclass(frozen=True)
class Frame:
    """One lexicon row: a trigger lemma, conditions, target slots, relation and CAMEO code."""

    lemma: str
    pos: str
    requires: dict
    targets: tuple[str, ...]
    allow_other: frozenset[str]
    relation: str
    cameo: str
    confidence: float

    @property
    def mutual(self) -> bool:
        return "mutual" in self.requires

    @property
    def plover(self) -> str | None:
        return relations()[self.relation].plover


def _parse_requires(cell: str) -> dict:
    out: dict = {}
    for part in filter(None, (p.strip() for p in (cell or "").split(","))):
        if "=" in part:
            key, _, values = part.partition("=")
            out[key.strip()] = frozenset(v.strip().lower() for v in values.split("|") if v.strip())
        else:
            out[part] = True
    return out


def _rows(path: Path):
    with open(path, encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if line.strip() and not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


#: Slots that name no object ("poss", "any", clause links...): a non-actor there is no target.
_NOT_OBJECTS = ("poss", "compound", "head", "any", "relcl", "clausesubj", "nsubj", "ccomp", "xcomp", "acl", "advcl")


def _object_slot(slot: str) -> bool:
    """Whether a slot names an object (dobj, dative, nsubjpass, a preposition's object, "dobj.W"...),
    which may be a non-actor target (kind OTHER) when no slot of the frame names an actor."""
    last = slot.rpartition(".")[2]
    return last in ("dobj", "nsubjpass", "dative") or last.startswith("prep:") or (
        last.isalpha() and last.islower() and last not in _NOT_OBJECTS)


@lru_cache(maxsize=4)
def load_frames(path: str | None = None) -> dict[tuple[str, str], tuple[Frame, ...]]:
    """Frames by (lemma, pos), in file order; relation names are checked against the vocabulary."""
    frames: dict[tuple[str, str], list[Frame]] = {}
    name = Path(path).name if path else "events.tsv"
    for lineno, row in enumerate(_rows(Path(path) if path else data_path("lexicon", "events.tsv")), 2):
        if any(row.get(col) is None for col in ("lemma", "pos", "target", "relation", "cameo", "confidence")):
            raise ValueError(f"{name} row {lineno}: missing columns (lemma pos requires target relation cameo confidence)")
        slots, other = [], set()
        for slot in row["target"].split("|"):
            slot = slot.strip()
            if slot.endswith("+other"):
                slot = slot[: -len("+other")]
                other.add(slot)
            elif slot.endswith("-other"):  # an object slot that only an actor fills ("have X here")
                slot = slot[: -len("-other")]
            elif _object_slot(slot):
                other.add(slot)
            if slot:
                slots.append(slot)
        try:
            relation = check_relation(row["relation"].strip())
            confidence = float(row["confidence"])
        except ValueError as exc:
            raise ValueError(f"{name} row {lineno}: {exc}") from None
        frame = Frame(lemma=row["lemma"].strip().lower(), pos=row["pos"].strip().upper(),
                      requires=_parse_requires(row.get("requires", "")), targets=tuple(slots),
                      allow_other=frozenset(other), relation=relation, cameo=row["cameo"].strip(),
                      confidence=confidence)
        frames.setdefault((frame.lemma, frame.pos), []).append(frame)
    return {k: tuple(v) for k, v in frames.items()}


#: The shipped conversion of PETRARCH2's CAMEO verb dictionary (tools/convert_petrarch_verbs.py).
PETRARCH_VERBS = ("lexicon", "petrarch_verbs.tsv")


def merge_frames(*tables: dict) -> dict[tuple[str, str], tuple[Frame, ...]]:
    """One frame table from several: a (lemma, pos) keeps the frames of the first table that has it."""
    out: dict[tuple[str, str], tuple[Frame, ...]] = {}
    for table in tables:
        for key, frames in table.items():
            out.setdefault(key, frames)
    return out


@lru_cache(maxsize=8)
def load_lexicon(lexicon: str | None = None, verb_files: tuple[str, ...] = ()) -> dict[tuple[str, str], tuple[Frame, ...]]:
    """The frames extraction uses. Precedence by lemma: the hand-written lexicon (``events.tsv``
    or ``lexicon``) first, then the shipped PETRARCH conversion, then extra verb dictionaries
    (``--verbs``, in order), so an added file never overrides the reviewed rows."""
    from .verbdict import load_verb_file
    tables = [load_frames(lexicon), load_frames(str(data_path(*PETRARCH_VERBS)))]
    tables += [load_verb_file(f) for f in verb_files]
    return merge_frames(*tables)


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> dict[str, frozenset[str]]:
    """Cue words by kind (speech, hedge, future, intent, irrealis, negator, ...)."""
    cues: dict[str, set[str]] = {}
    for row in _rows(Path(path) if path else data_path("lexicon", "cues.tsv")):
        cues.setdefault(row["kind"].strip(), set()).add(row["word"].strip().lower())
    return {k: frozenset(v) for k, v in cues.items()}
