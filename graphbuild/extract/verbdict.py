"""TABARI/PETRARCH verb dictionaries (PETRARCH2's ``CAMEO.2.0.txt``): read, and convert to frames.

The format (see the header of ``CAMEO.2.0.txt`` and PETRARCH2's ``read_verb_dictionary``):

- ``#`` starts a comment (whole line or rest of line); ``<!-- ... -->`` comments are skipped too.
- Before ``####### VERB PATTERNS #######``: synonym sets, ``&NAME`` then ``+WORD`` lines
  (``_`` joins a phrase; a trailing ``_`` or a label ending in ``_`` means no plural).
- ``--- MEANING [CODE] ---`` starts a verb block; ``[---]`` is the null code (no event).
- A verb line: ``VERB {IRREGULAR FORMS} [CODE]``; ``+CRACK_DOWN`` is a compound verb (``+`` marks
  the verb word, the others follow it), ``RE_+ARREST`` one with words before the verb.
- A pattern line: ``- PRE * POST [CODE]``: ``*`` is the verb, ``(PREP ...)`` a prepositional
  phrase, ``{MOD HEAD}`` a noun phrase, ``&NAME`` a synonym set, ``$`` the source, ``+`` the
  target, ``^`` any words, ``%`` a compound actor; ``[A:B]`` codes A for source->target (B the
  reverse). Every pattern applies to every verb of its block.
- ``~ ...`` lines are verb transformations (not used here).

:func:`convert` turns what our dependency frames can express into :class:`~.lexicon.Frame` rows
and counts what it skips, by reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import UserError
from ..vocab import relation_for_cameo
from .lexicon import Frame

PATTERNS_MARK = "####### VERB PATTERNS #######"
NULL_CODE = "---"
#: Words that, standing bare after the verb, are particles ("set OFF", "crack DOWN").
PARTICLES = frozenset("up down off out away back over forward aside together apart around in on".split())
#: Prepositions that may stand bare (TABARI style) before the target: ``* FROM +``.
PREPOSITIONS = frozenset(("about above across after against along among around as at before behind "
                          "below beneath beside between beyond by despite during for from in inside "
                          "into near of off on onto out outside over past since through throughout "
                          "to toward towards under until upon via with within without").split())
#: Prepositions that introduce the target of a verb + object frame, by CAMEO root
#: ("imposed sanctions ON Iran", "sent troops TO Mali", "requested aid FROM Japan").
ROOT_PREPS = {"02": ("to", "from"), "03": ("to", "with"), "04": ("with",), "05": ("to", "for", "with"),
              "06": ("with", "to"), "07": ("to", "for"), "08": ("to", "for", "with", "on"), "09": ("against",),
              "10": ("from",), "11": ("against", "on"), "12": ("from",), "13": ("against", "on"),
              "14": ("against",), "15": ("against", "on"), "16": ("with", "on", "against", "to"),
              "17": ("on", "against"), "18": ("on", "against"), "19": ("on", "against"), "20": ("on", "against")}
#: Roots whose object frames may name the target as an indirect object ("gave Chad aid").
DATIVE_ROOTS = frozenset(("03", "05", "06", "07", "08"))
#: Objects that name a place of safety: "sought refuge in Bangladesh" appeals to the country it is sought in.
SANCTUARY_OBJECTS = frozenset(("asylum", "refuge", "sanctuary", "shelter"))
#: Priors for converted frames: below the hand-written rows (0.6-0.8), bare verbs lowest.
CONFIDENCE_BARE = 0.5
CONFIDENCE_PATTERN = 0.6
#: ... and a noun phrase with modifiers kept by its head ("{HUMANITARIAN AID}" as "aid") when
#: every pattern of the block with that head codes the same CAMEO root.
CONFIDENCE_MODIFIED = 0.55
_CODE = re.compile(r"^\[([^\]]*)\]$")
_END_CODE = re.compile(r"\[([^\]\[]*)\]\s*$")
_CAMEO = re.compile(r"^(0[1-9]|1[0-9]|20)[0-9]{1,2}$")


@dataclass(frozen=True)
class Verb:
    """One verb line of a block: the verb word, compound words around it, its own code."""

    word: str
    after: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    forms: tuple[str, ...] = ()
    code: str | None = None
    line: int = 0
    note: str = ""

    @property
    def name(self) -> str:
        """The verb as the dictionary writes it, compounds joined by ``_`` ("crack_down")."""
        return "_".join((*self.before, self.word, *self.after))


@dataclass(frozen=True)
class Pattern:
    """One ``- PRE * POST [CODE]`` line (tokens as written, upper case)."""

    pre: tuple[str, ...]
    post: tuple[str, ...]
    code: str
    line: int = 0
    note: str = ""

    @property
    def origin(self) -> str | None:
        """The verb the pattern was first written for (its comment's first word, "# RUSH")."""
        m = re.match(r"([A-Z][A-Z_'+-]*)", self.note)
        return m.group(1).replace("+", "").lower() if m else None


@dataclass
class VerbBlock:
    """A ``--- MEANING [CODE] ---`` block: synonymous verbs sharing the block's patterns."""

    meaning: str
    code: str
    line: int = 0
    verbs: list[Verb] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)


@dataclass
class VerbDictionary:
    """A whole verb dictionary: synonym sets (``&NAME`` -> phrases) and verb blocks."""

    path: str
    synsets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    blocks: list[VerbBlock] = field(default_factory=list)
    transformations: int = 0


def _code(token: str) -> str | None:
    m = _CODE.match(token)
    return m.group(1).strip() if m else None


def _plural(word: str) -> str | None:
    """PETRARCH's regular plural of a synonym-set noun; None for a word that looks plural already."""
    if word.endswith("Y") and word[-2:-1] not in tuple("AEIOU"):
        return word[:-1] + "IES"
    if word.endswith(("SS", "US", "X", "CH", "SH")):
        return word + "ES"
    if word.endswith("S"):
        return None
    return word + "S"


def _lines(path: Path):
    """(line number, text, its ``#`` comment) for every line that is not blank or a comment."""
    in_comment = False
    with open(path, encoding="utf-8", errors="replace") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if in_comment:
                if "-->" not in line:
                    continue
                line, in_comment = line.split("-->", 1)[1], False
            while "<!--" in line:
                head, _, rest = line.partition("<!--")
                if "-->" in rest:
                    line = head + rest.split("-->", 1)[1]
                else:
                    line, in_comment = head, True
            if line.startswith("#") and not line.startswith(PATTERNS_MARK):
                continue
            if line.startswith(PATTERNS_MARK):
                yield lineno, PATTERNS_MARK, ""
                continue
            line, _, comment = line.partition("#")
            if line.strip():
                yield lineno, line.rstrip(), comment.strip()


def _verb(text: str, lineno: int, where: str) -> Verb:
    words = text.replace("{", " { ").replace("}", " } ").split()
    code = None
    if words and _code(words[-1]) is not None:
        code = _code(words.pop())
    forms = tuple(w for w in words[1:] if w not in "{}")
    stem = words[0] if words else ""
    if not stem or stem in "{}" or stem.startswith(("[", "(", "*")):
        raise UserError(f"{where}:{lineno}: malformed verb line")
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    if "_" in stem:
        head, plus, tail = stem.partition("+")
        if not plus:  # TABARI legacy: no '+' marks the verb, so the first word is the verb
            head, tail = "", stem
        parts = tail.split("_")
        before = tuple(p for p in head.split("_") if p)
        stem, after = parts[0], tuple(p for p in parts[1:] if p)
    stem = stem.lstrip("+")
    if not stem:
        raise UserError(f"{where}:{lineno}: malformed compound verb")
    return Verb(word=stem.lower(), after=tuple(a.lower() for a in after),
                before=tuple(b.lower() for b in before), forms=forms, code=code, line=lineno)


def read_verb_dictionary(path: str | Path) -> VerbDictionary:
    """Parse a TABARI/PETRARCH verb dictionary; a malformed line is a one-line :class:`UserError`."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: verb dictionary not found")
    out = VerbDictionary(path=str(path))
    in_synsets = True
    synset: str | None = None
    members: dict[str, list[str]] = {}
    block: VerbBlock | None = None
    try:
        for lineno, line, comment in _lines(path):
            if line == PATTERNS_MARK:
                in_synsets, synset = False, None
                continue
            text = line.strip()
            if text.startswith("---"):
                segs = text.split()
                code = _code(segs[2]) if len(segs) > 2 else None
                block = VerbBlock(meaning=segs[1] if len(segs) > 1 else "", code=code or NULL_CODE, line=lineno)
                out.blocks.append(block)
                in_synsets, synset = False, None
            elif text.startswith("-"):
                if block is None:
                    raise UserError(f"{path}:{lineno}: pattern outside a verb block")
                pre, star, post = text[1:].partition("*")
                if not star:
                    raise UserError(f"{path}:{lineno}: pattern without '*' for the verb")
                m = _END_CODE.search(post)
                if m is None:
                    raise UserError(f"{path}:{lineno}: pattern without a [code] at its end")
                block.patterns.append(Pattern(pre=tuple(pre.split()), post=tuple(post[:m.start()].split()),
                                              code=m.group(1).strip(), line=lineno, note=comment))
            elif text.startswith("~"):
                out.transformations += 1
            elif in_synsets and text.startswith("&"):
                synset = text.split()[0]
                members.setdefault(synset, [])
            elif in_synsets and text.startswith("+"):
                if synset is None:
                    raise UserError(f"{path}:{lineno}: synonym '+' line before any '&NAME'")
                members[synset].append(text[1:].strip())
            else:
                if block is None:
                    raise UserError(f"{path}:{lineno}: verb line outside a verb block")
                block.verbs.append(replace(_verb(text, lineno, str(path)), note=comment))
    except OSError as exc:
        raise UserError(f"{path}: cannot read verb dictionary ({exc.strerror})") from None
    for name, phrases in members.items():
        words: list[str] = []
        for p in phrases:
            phrase = " ".join(p.replace("_", " ").split())
            words.append(phrase)
            plural = None if (p.endswith("_") or name.endswith("_") or " " in phrase) else _plural(phrase)
            if plural:
                words.append(plural)
        out.synsets[name] = tuple(words)
    return out


# --- conversion -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Shape:
    """What a pattern's post-verb part asks for, in our terms."""

    objects: frozenset[str] = frozenset()
    particle: str | None = None
    prep: str | None = None
    dative: bool = False
    modified: bool = False  # the object was a noun phrase with modifiers, kept by its head


class _Skip(Exception):
    """A pattern our frames cannot express; the message is the reason (counted)."""


def _words(token: str, synsets: dict[str, tuple[str, ...]]) -> list[str]:
    """The single words a noun token stands for (a synonym set expanded; phrases dropped)."""
    if token.startswith("&"):
        if token not in synsets:
            raise _Skip("undefined synonym set")
        return [w for w in synsets[token] if " " not in w]
    return [token]


def _shape(post: tuple[str, ...], synsets: dict[str, tuple[str, ...]]) -> _Shape:
    """Classify the tokens after ``*``; raise :class:`_Skip` for what frames cannot express."""
    items: list[tuple[str, list[str]]] = []  # ("pp", [prep, ...]) | ("np" or "modnp", [head]) | ("word", [w])
    i = 0
    toks = list(post)
    while i < len(toks):
        t = toks[i]
        if t.startswith("("):
            group = [t[1:]]
            while not group[-1].endswith(")") and i + 1 < len(toks):
                i += 1
                group.append(toks[i])
            if not group[-1].endswith(")"):
                raise _Skip("unbalanced parentheses")
            group[-1] = group[-1][:-1]
            items.append(("pp", [g for g in group if g]))
        elif t.startswith("{"):
            group = [t[1:]]
            while not group[-1].endswith("}") and i + 1 < len(toks):
                i += 1
                group.append(toks[i])
            group[-1] = group[-1].rstrip("}")
            group = [g for g in group if g]
            items.append(("np", group[-1:]) if len(group) == 1 else ("modnp", group[-1:]))
        else:
            items.append(("word", [t]))
        i += 1
    if any(kind == "word" and w[0] in ("$", "%") for kind, w in items) or \
            any(kind == "pp" and ("$" in w or "%" in w) for kind, w in items):
        raise _Skip("source or compound actor after the verb")
    items = [it for it in items if it != ("word", ["^"])]
    # TABARI style "* FROM +": a bare preposition before the target is a prepositional phrase
    merged: list[tuple[str, list[str]]] = []
    for j, (kind, w) in enumerate(items):
        nxt = items[j + 1] if j + 1 < len(items) else None
        if kind == "word" and w[0].lower() in PREPOSITIONS and nxt == ("word", ["+"]) and \
                not (w[0].lower() in PARTICLES and j == 0 and len(items) > 2):
            merged.append(("pp", [w[0], "+"]))
        elif kind == "word" and w[0] == "+" and merged and merged[-1][0] == "pp" and merged[-1][1][-1] == "+":
            continue
        else:
            merged.append((kind, w))
    objects: list[str] = []
    particle = prep = None
    dative = modified = False
    seen_noun = False
    for j, (kind, w) in enumerate(merged):
        if kind == "pp":
            content = [x for x in w[1:] if x not in ("+", "^")]
            if content:
                raise _Skip("prepositional phrase with a given noun")
            if prep is not None:
                raise _Skip("several prepositional phrases")
            prep = w[0].lower()
        elif kind == "word" and w[0] == "+":
            if j + 1 < len(merged) and merged[j + 1][0] in ("np", "word") and merged[j + 1][1][0] != "+":
                dative = True
        elif kind == "word" and w[0].lower() in PARTICLES and not seen_noun and particle is None:
            particle = w[0].lower()
        else:
            word = w[0]
            if not re.fullmatch(r"&?[A-Z][A-Z'_-]*", word):
                raise _Skip("unusual token")
            if seen_noun:
                raise _Skip("several nouns")
            modified = kind == "modnp"
            objects = [x.lower() for x in _words(word, synsets)]
            if not objects:
                raise _Skip("synonym set of phrases only")
            seen_noun = True
    return _Shape(objects=frozenset(objects), particle=particle, prep=prep, dative=dative, modified=modified)


def _relation(code: str) -> tuple[str, str]:
    """(relation, cameo) for a pattern code ``A`` or ``A:B`` (A is source -> target)."""
    first = code.split(":")[0].strip()
    if not first:
        raise _Skip("reverse-only code")
    if first == NULL_CODE:
        raise _Skip("null code")
    if not _CAMEO.match(first):
        raise _Skip("not a CAMEO event code")
    if first.startswith("01"):
        raise _Skip("01 public statement (no relation)")
    relation = relation_for_cameo(first)
    if relation is None:
        raise _Skip("CAMEO code with no relation")
    return relation, first


def _frame(verb: Verb, shape: _Shape, relation: str, cameo: str, confidence: float) -> Frame:
    requires: dict = {}
    particle = shape.particle
    if verb.after:
        if len(verb.after) > 1 or (particle and particle != verb.after[0]):
            raise _Skip("compound verb of several words")
        particle = verb.after[0]
    if shape.objects:
        requires["obj"] = shape.objects
    if particle:
        requires["prt"] = frozenset([particle])
    if shape.prep:
        requires["prep"] = frozenset([shape.prep])
    if shape.prep:
        targets = (f"prep:{shape.prep}", f"dobj.{shape.prep}") if shape.objects else (f"prep:{shape.prep}",)
    elif shape.objects:
        root = cameo[:2]
        targets = tuple(t for p in ROOT_PREPS[root] for t in (f"prep:{p}", f"dobj.{p}"))
        if root in DATIVE_ROOTS or shape.dative:
            targets = ("dative", *targets) if shape.dative else (*targets, "dative")
        if shape.objects & SANCTUARY_OBJECTS:
            targets = (*targets, "place:in")
    elif particle and particle in PREPOSITIONS and particle not in PARTICLES:  # "ask for", "plead with"
        targets = (f"prep:{particle}", "dobj")
    else:
        targets = ("dobj",)
    return Frame(lemma=verb.word, pos="VERB", requires=requires, targets=targets, allow_other=frozenset(),
                 relation=relation, cameo=cameo, confidence=confidence)


def _specificity(frame: Frame) -> int:
    return len(frame.requires) + ("obj" in frame.requires)


def _key(frame: Frame) -> tuple:
    """A frame's conditions other than the object words, and its targets."""
    return (tuple(sorted((k, tuple(sorted(v)) if isinstance(v, frozenset) else v)
                         for k, v in frame.requires.items() if k != "obj")), frame.targets, "obj" in frame.requires)


def _ordered(frames: list[Frame], skipped: Counter) -> list[Frame]:
    """Most specific first (stable: file order otherwise); an object word or condition set
    claimed by an earlier frame is dropped from later ones; object frames of one code merge."""
    out: list[Frame] = []
    claimed: dict[tuple, set[str]] = {}
    groups: dict[tuple, int] = {}
    for f in sorted(frames, key=lambda f: (_specificity(f), f.confidence), reverse=True):
        key = _key(f)
        if "obj" not in f.requires:
            if key in claimed:
                skipped["duplicate of an earlier pattern"] += 1
                continue
            claimed[key] = set()
            out.append(f)
            continue
        words = set(f.requires["obj"]) - claimed.setdefault(key, set())
        if not words:
            skipped["duplicate of an earlier pattern"] += 1
            continue
        claimed[key] |= words
        gkey = (key, f.relation, f.cameo)
        if gkey in groups:
            old = out[groups[gkey]]
            out[groups[gkey]] = replace(old, requires={**old.requires, "obj": old.requires["obj"] | words})
        else:
            groups[gkey] = len(out)
            out.append(replace(f, requires={**f.requires, "obj": frozenset(words)}))
    return out


@dataclass
class Conversion:
    """Frames by (lemma, pos) in the order they are tried, and skipped patterns by reason."""

    frames: dict[tuple[str, str], list[Frame]] = field(default_factory=dict)
    skipped: Counter = field(default_factory=Counter)
    patterns: int = 0
    verbs: int = 0


def _curated(block: VerbBlock, verb: Verb) -> bool:
    """A verb a coder wrote into the block (TABARI provenance), not a WordNet synonym added in
    bulk: the block's head, a verb with its own code or coder comment, or a pattern's origin."""
    return (verb.name == block.meaning.lower() or verb.word == block.meaning.lower() or verb.code is not None
            or bool(verb.note) or any(p.origin in (verb.name, verb.word) for p in block.patterns))


def convert(dictionary: VerbDictionary, curated: bool = False) -> Conversion:
    """Frames for every verb and pattern our dependency frames can express (specific ones first).

    ``curated``: only verbs with coder provenance (:func:`_curated`), and a pattern only for
    the verb its comment names (PETRARCH itself applies every pattern to every verb of a block).
    """
    conv = Conversion()
    candidates: dict[tuple[str, str], list[Frame]] = {}
    for block in dictionary.blocks:
        shapes: list[tuple[_Shape, str, str, str | None]] = []
        for pat in block.patterns:
            conv.patterns += 1
            try:
                if [t for t in pat.pre if t != "$"]:
                    raise _Skip("words before the verb")
                relation, cameo = _relation(pat.code)
                shapes.append((_shape(pat.post, dictionary.synsets), relation, cameo, pat.origin))
            except _Skip as why:
                conv.skipped[str(why)] += 1
        roots: dict[str, set[str]] = {}
        for shape, _, cameo, _ in shapes:
            for word in shape.objects:
                roots.setdefault(word, set()).add(cameo[:2])
        kept_shapes = []
        for item in shapes:
            shape = item[0]
            if shape.modified and any(len(roots[w]) > 1 for w in shape.objects):
                conv.skipped["noun phrase with modifiers, its head ambiguous"] += 1
            else:
                kept_shapes.append(item)
        shapes = kept_shapes
        for verb in block.verbs:
            conv.verbs += 1
            if verb.before:
                conv.skipped["verb with words before it (RE_+ARREST)"] += 1
                continue
            if curated and not _curated(block, verb):
                conv.skipped["verb without coder provenance"] += 1
                continue
            frames = candidates.setdefault((verb.word, "VERB"), [])
            for shape, relation, cameo, origin in shapes:
                if curated and origin is not None and origin not in (verb.name, verb.word):
                    continue
                try:
                    frames.append(_frame(verb, shape, relation, cameo,
                                         CONFIDENCE_MODIFIED if shape.modified else CONFIDENCE_PATTERN))
                except _Skip as why:
                    conv.skipped[str(why)] += 1
            try:
                relation, cameo = _relation(verb.code if verb.code is not None else block.code)
                frames.append(_frame(verb, _Shape(), relation, cameo, CONFIDENCE_BARE))
            except _Skip as why:
                conv.skipped[f"verb alone: {why}"] += 1
    for key, frames in candidates.items():
        kept = _ordered(frames, conv.skipped)
        if kept:
            conv.frames[key] = kept
    return conv


TSV_COLUMNS = ("lemma", "pos", "requires", "target", "relation", "cameo", "confidence")


def frame_row(frame: Frame) -> list[str]:
    """A frame as an ``events.tsv`` row (the inverse of :func:`~.lexicon.load_frames`)."""
    requires = []
    for key, value in frame.requires.items():
        requires.append(key if value is True else f"{key}={'|'.join(sorted(value))}")
    targets = [t + ("+other" if t in frame.allow_other else "") for t in frame.targets]
    return [frame.lemma, frame.pos, ",".join(requires), "|".join(targets), frame.relation, frame.cameo,
            f"{frame.confidence:g}"]


def load_verb_file(path: str | Path) -> dict[tuple[str, str], tuple[Frame, ...]]:
    """Frames from a ``--verbs`` file: a TABARI/PETRARCH verb dictionary, or a ``.tsv`` in the
    ``events.tsv`` format; any problem is a one-line :class:`UserError` naming the file."""
    from .lexicon import load_frames
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: verb dictionary not found")
    if path.suffix.lower() == ".tsv":
        try:
            return load_frames(str(path))
        except (ValueError, KeyError, OSError) as exc:
            raise UserError(f"{path}: {exc}") from None
    conv = convert(read_verb_dictionary(path))
    if not conv.frames:
        raise UserError(f"{path}: no verb frames found (is it a TABARI/PETRARCH verb dictionary?)")
    return {k: tuple(v) for k, v in conv.frames.items()}
