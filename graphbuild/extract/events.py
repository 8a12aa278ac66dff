"""Event rules: trigger words from the lexicon + dependency frames -> (source, relation, target).

Each sentence is scanned for lexicon triggers; a frame finds the source (subject, passive
agent, possessor...), the target (object, prepositional object... as the frame says), the
speaker who reports it, its negation, modality and date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from ..gazetteer import ROLE_LABELS
from .actors import RELATIVE, DocActors, Resolved, ethnic, other_target, resolve, resolve_loose
from .dates import resolve_date, resolve_period
from .lexicon import Frame

VERBAL = ("VERB", "AUX")
CLAUSE_LINKS = {"xcomp", "ccomp", "conj", "advcl", "acl", "relcl", "pcomp", "parataxis", "acomp"}


@dataclass
class RawEvent:
    """An event found in a sentence, before ids and article fields are attached."""

    frame: Frame
    trigger: Token
    source: Resolved
    target: Resolved
    reported_by: Resolved | None
    negated: bool
    modality: str
    date: EventDate
    confidence: float
    trigger_tokens: list[Token]


def conjuncts(tok: Token) -> list[Token]:
    return [tok, *[c for c in tok.conjuncts if c.i > tok.i]]


def _child(tok: Token, *deps: str) -> Token | None:
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _prep_objects(tok: Token, words: set[str] | frozenset[str]) -> list[Token]:
    out = []
    # "an operation, Operation Rah-e-Nijat, against militants": the parser hangs the phrase on the name
    named = [p for a in tok.children if a.dep_ == "appos" and a.pos_ == "PROPN" for p in a.children]
    for prep in [*tok.children, *named]:
        if prep.dep_ in ("prep", "agent", "dative") and prep.lower_ in words:
            # "curbs to and from North Korea": the object hangs on the last coordinated preposition
            bare = not any(c.dep_ in ("pobj", "pcomp") for c in prep.children)
            shared = [c for p in prep.conjuncts if p.pos_ == "ADP" for c in p.children] if bare else []
            slipped = _reduced_relative(prep) if bare and not shared else []
            for pobj in list(prep.children) + shared + slipped:
                if pobj.dep_ in ("pobj", "pcomp") or pobj in slipped:
                    out.extend(conjuncts(pobj))
                    out.extend(c for c in pobj.children if c.dep_ == "appos")
    if out and tok.pos_ == "NOUN":  # a parser slip: "sanctions on the Central African Republic (CAR) and | the
        # Democratic Republic of the Congo" coordinates the second name with the trigger noun
        out.extend(c for c in tok.children if c.dep_ == "conj" and c.i > out[-1].i and _names_place(c) and
                   not any(p.dep_ == "prep" and p.lower_ in words for p in c.children))
    return out


def _names_place(tok: Token) -> bool:
    """Whether a noun phrase names a place or group: a proper name of one heads it or is its of-phrase."""
    return any(t.pos_ == "PROPN" and t.ent_type_ in ("GPE", "LOC", "NORP", "ORG") and
               (t.i == tok.i or t.head.i == tok.i or t.head.dep_ == "prep" and t.head.head.i == tok.i)
               for t in tok.subtree)


def _to_infinitive(verb: Token) -> bool:
    """Whether a verb has the infinitive marker "to" ("arrived to deliver aid")."""
    return any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def _reduced_relative(prep: Token) -> list[Token]:
    """A parser slip: "granted asylum to | five officers holed up in ..." makes the object of "to" the
    subject of the participle that follows; that subject is the preposition's object."""
    doc = prep.doc
    for t in doc[prep.i + 1: min(prep.i + 8, len(doc))]:
        if t.dep_ in ("nsubj", "nsubjpass") and t.left_edge.i == prep.i + 1 and t.head.tag_ in ("VBN", "VBD"):
            return [t]
    return []


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def subject_tokens(verb: Token, depth: int = 0) -> list[Token]:
    """The tokens that act as the verb's subject, following conjunction and control."""
    if depth > 4:
        return []
    if _is_passive(verb):
        return _prep_objects(verb, {"by"})
    subjs = _children(verb, "nsubj", "csubj")
    if not subjs:  # a parser slip: "The UK and France however have opposed": the subject hangs on the auxiliary
        subjs = [s for a in verb.children if a.dep_ == "aux" and a.i < verb.i for s in _children(a, "nsubj")]
    subj = subjs[0] if subjs else None
    if len(subjs) > 1 and subjs[-1].ent_type_ in ("ORG", "GPE", "NORP", "PERSON") and \
            all(c.dep_ in ("det", "amod", "compound") for c in subjs[0].children):
        subj = subjs[-1]  # a parser slip, "The rebel | Free Syrian Army threatened": the name is the head
    if subj is not None:
        if subj.lower_ in RELATIVE and verb.dep_ == "relcl":
            return conjuncts(verb.head)
        return conjuncts(_whole(subj))
    if verb.dep_ == "conj" and verb.head.pos_ in VERBAL:
        return subject_tokens(verb.head, depth + 1)
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() == "let" and not _child(verb.head, "dobj"):
        return subject_tokens(verb.head, depth + 1)  # "Ethiopia let free 74 political leaders"
    if verb.dep_ == "xcomp" and verb.head.pos_ == "ADJ" and verb.head.head.pos_ in VERBAL:
        return subject_tokens(verb.head.head, depth + 1)  # "is willing to withdraw"
    if verb.dep_ in ("xcomp", "advcl") and verb.head.pos_ in VERBAL:
        obj = _child(verb.head, "dobj")
        if verb.dep_ == "xcomp" and obj is not None and verb.head.lemma_ in ("urge", "ask", "call", "force", "pressure", "persuade"):
            return conjuncts(obj)
        return subject_tokens(verb.head, depth + 1)
    if verb.dep_ == "relcl" and any(c.lower_ in RELATIVE for c in verb.children if c.dep_.startswith("nsubj")):
        return conjuncts(verb.head)
    if verb.dep_ == "acl" and verb.tag_ != "VBN" and verb.head.dep_ in ("attr", "dep", "acomp") and \
            verb.head.head.pos_ in VERBAL:  # "It's a pleasure to be here": the copula's "it" (extraposition)
        its = [c for c in verb.head.head.children if c.dep_ == "nsubj" and c.lower_ == "it"]
        if its:
            return its
    if verb.dep_ == "acl" and verb.tag_ == "VBN":
        return _prep_objects(verb, {"by"})
    if verb.dep_ == "amod" and verb.tag_ == "VBN":  # "the US-backed SDF": US
        return [c for c in verb.children if c.dep_ in ("npadvmod", "compound", "nmod", "nsubj")]
    if verb.dep_ in ("pcomp", "conj") and verb.tag_ == "VBG" and verb.head.dep_ == "prep" and \
            verb.head.head.pos_ in VERBAL:  # "has met leaders, including meeting with X": the clause subject
        return subject_tokens(verb.head.head, depth + 1)
    if verb.dep_ == "acl" and verb.tag_ == "VBG":  # "personnel withdrawing from X"
        out = conjuncts(verb.head)
        if verb.head.dep_ == "dobj" and verb.head.head.pos_ in VERBAL:  # "issued a declaration demanding"
            out += subject_tokens(verb.head.head, depth + 1)
        return out
    # parser slip: "Maduro pins ..." tags the name as a compound of the verb
    for c in verb.lefts:
        if c.dep_ in ("compound", "npadvmod", "nmod") and c.pos_ == "PROPN":
            return [c]
    return []


def _places(tok: Token, word: str) -> list[Token]:
    """The head of every named place in the trigger's ``word`` phrase, lists and "City, Country"
    included; clauses inside the phrase are not searched."""
    out = []
    for prep in tok.children:
        if prep.dep_ not in ("prep", "dative") or prep.lower_ != word:
            continue
        stack = [c for c in prep.children]
        while stack:
            t = stack.pop()
            if t.pos_ in VERBAL or t.dep_ in ("relcl", "acl", "advcl"):
                continue
            if t.ent_type_ in ("GPE", "LOC", "NORP", "FAC", "ORG") or t.pos_ == "PROPN":
                out.append(t)
            stack.extend(t.children)
    return sorted(out, key=lambda t: t.i)


_SLOT_NAMES = {"head", "compound", "dobj", "dative", "nsubjpass", "agent", "poss", "xcomp", "ccomp", "nsubj", "relcl",
               "clausesubj", "any", "acl", "advcl", "purpose", "clause", "aim", "forclause"}


def _slot(tok: Token, slot: str) -> list[Token]:
    """Tokens a target slot of a frame names, starting at the trigger ``tok``."""
    head, _, rest = slot.partition(".")
    found: list[Token]
    if head == "dobj":  # a passive's subject is its object ("the rebels are backed by Iran")
        found = [c for d in _children(tok, "dobj", "obj") or _children(tok, "nsubjpass") for c in conjuncts(_whole(d))]
    elif head == "dative":
        found = [c for d in _children(tok, "dative", "iobj") if d.pos_ != "ADP" for c in conjuncts(d)]
        found += _prep_objects(tok, {"to"}) if any(d.dep_ == "dative" and d.pos_ == "ADP" for d in tok.children) else []
    elif head == "nsubjpass":
        found = [c for d in _children(tok, "nsubjpass") for c in conjuncts(d)]
    elif head == "agent":
        found = _prep_objects(tok, {"by"})
    elif head.startswith("prep:"):
        found = _prep_objects(tok, {head[5:]})
        if not found and tok.pos_ == "NOUN" and tok.dep_ == "dobj":  # "condemned X aggression against Y":
            found = [t for t in _prep_objects(tok.head, {head[5:]}) if t.i > tok.i]  # the parser's PP slip
    elif head.startswith("place:") or head.startswith("placegov:"):
        return _places(tok, head.partition(":")[2])
    elif head == "poss":
        found = _children(tok, "poss")
    elif head.isalpha() and head.islower() and head not in _SLOT_NAMES:  # a bare preposition
        found = _prep_objects(tok, {head})
    elif head == "xcomp":
        found = _children(tok, "xcomp")
    elif head == "ccomp":
        found = _children(tok, "ccomp")
    elif head == "head":  # "the US-backed SDF": the noun the trigger modifies
        found = [tok.head] if tok.dep_ in ("amod", "acl") and tok.head.i != tok.i else []
    elif head == "compound":  # "the Iraq war": a name compounded with a nominal trigger
        found = [c for c in tok.children if c.dep_ == "compound"]
    elif head == "any":  # last resort: the first actor named anywhere under the trigger
        return [t for t in tok.subtree if t.i != tok.i and t.pos_ in ("PROPN", "NOUN")]
    elif head == "headccomp":  # "reiterated its demand that Israel ease ...": the verb's clause
        found = _children(tok.head, "ccomp") if tok.dep_ == "dobj" else []
    elif head == "clause":  # "remained on alert in the West Bank": the verb of a nominal trigger's clause
        verb = _clause_verb(tok)
        found = [verb] if tok.pos_ not in VERBAL and verb.i != tok.i and verb.pos_ in VERBAL else []
    elif head == "forclause":  # "pushing for the US to support the plan": the clause "for" introduces
        found = [c for c in tok.children if c.dep_ in ("advcl", "ccomp") and
                 any(m.dep_ == "mark" and m.lower_ == "for" for m in c.children)]
    elif head == "aim":  # "gave 40 million euros to build schools in X": the trigger's own purpose clause
        found = [c for c in tok.children if c.dep_ in ("advcl", "xcomp") and c.pos_ in VERBAL and _to_infinitive(c)]
    elif head == "purpose":  # "arrived in Nepal to deliver aid": the verb a purpose clause serves
        found = [tok.head] if tok.dep_ in ("advcl", "xcomp") and tok.head.pos_ in VERBAL and _to_infinitive(tok) else []
    elif head == "acl":
        found = _children(tok, "acl")
    elif head == "advcl":
        found = _children(tok, "advcl")
    elif head == "nsubj":
        found = [c for d in _children(tok, "nsubj") for c in conjuncts(_whole(d))]
    elif head == "relcl":
        verb = tok
        while verb.dep_ == "conj" and verb.head.pos_ in VERBAL:
            verb = verb.head
        if verb.dep_ != "relcl":
            return []
        ante = verb.head
        clause = ante
        while clause.pos_ not in VERBAL and clause.head.i != clause.i:
            clause = clause.head
        return subject_tokens(clause) if clause.pos_ in VERBAL else []
    elif head == "clausesubj":
        clause = tok
        while clause.pos_ not in VERBAL and clause.head.i != clause.i:
            clause = clause.head
        out = []
        while clause.pos_ in VERBAL:
            out += [c for d in _children(clause, "nsubj") for c in conjuncts(d)]
            if clause.dep_ != "conj":
                break
            clause = clause.head
        return out
    else:
        return []
    if not rest:
        return found
    return [t for f in found for t in _slot(f, rest)]


#: Heads that measure what their of-phrase names ("10 days of war games", "a series of raids").
MEASURE_HEADS = {"day", "week", "month", "hour", "year", "round", "series", "wave", "spate", "string"}


#: Heads that name a part of what their of-phrase names ("suspended part of its aid", "lifted some of the sanctions").
PARTITIVES = {"part", "some", "most", "all", "much", "half", "portion", "rest", "remainder", "bulk", "majority", "parts"}


def _of_object(tok: Token) -> Token | None:
    """The object of the word's of-phrase ("dozens of protesters": protesters), if it has one."""
    return next((c for p in tok.children if p.dep_ == "prep" and p.lower_ == "of" for c in p.children
                 if c.dep_ == "pobj"), None)


def _whole(tok: Token) -> Token:
    """What a partitive head ("part of a military aid program") is a part of, or what a quantity
    head counts when that is a list ("scores of Sierra Leonean and Liberian refugees": each is a
    party); other words unchanged."""
    lemma = tok.lemma_.lower()
    whole = _of_object(tok) if lemma in PARTITIVES or lemma in QUANTITY_HEADS else None
    if whole is not None and (lemma in PARTITIVES or any(c.dep_ == "conj" for c in whole.children)):
        return whole
    return tok


#: The dependents each lexicon condition looks at (``explain`` lists them when a condition fails).
PREP_DEPS = ("prep", "agent", "dative")
PRT_DEPS = ("prt", "prep")
OBJ_DEPS = ("dobj", "obj")
OPRD_DEPS = ("oprd", "acomp", "ccomp", "xcomp")
MOD_DEPS = ("compound", "amod")


def _objects(tok: Token) -> list[Token]:
    """The words an ``obj=`` condition reads: the direct object (or a passive's subject), what a
    partitive object is part of, their conjuncts, and nouns compounded with them ("suspended a
    military aid program": "aid" says what it is too)."""
    objs = [_whole(c) for c in tok.children if c.dep_ in (*OBJ_DEPS, "nsubjpass")]
    objs += [c for d in objs for c in d.conjuncts]
    return objs + [c for d in objs for c in d.children if c.dep_ == "compound" and c.pos_ == "NOUN"]


def _has_object(tok: Token, words: frozenset[str]) -> bool:
    # "withdraw all remaining personnel", "impose new sanctions": lemma or plain form of the object
    if any(o.lemma_.lower() in words or o.lower_ in words for o in _objects(tok)):
        return True
    # title-case headlines: "Personnel Withdrawing From X" (the object is the subject)
    subj = _child(tok, "nsubj") or (tok.head if tok.dep_ == "acl" else None)
    return subj is not None and subj.lemma_.lower() in words and tok.tag_ == "VBG"


#: Each ``requires`` condition of a lexicon row (data/lexicon/events.tsv header): whether the trigger
#: meets it. ``_frame_fits`` and ``explain`` both read this one table.
CONDITIONS = {
    "obj": _has_object,
    "prep": lambda tok, w: any(c.dep_ in PREP_DEPS and c.lower_ in w for c in tok.children),
    "prt": lambda tok, w: any(c.dep_ in PRT_DEPS and c.lower_ in w for c in tok.children),
    "xcomp": lambda tok, w: any(c.dep_ == "xcomp" and c.lemma_.lower() in w for c in tok.children),
    "nothat": lambda tok, _: not any(c.dep_ == "ccomp" for c in tok.children),
    "notobj": lambda tok, w: not any(c.dep_ in OBJ_DEPS and c.lemma_.lower() in w for c in tok.children),
    "transitive": lambda tok, _: any(c.dep_ in (*OBJ_DEPS, "nsubjpass") for c in tok.children),
    "in": lambda tok, w: tok.dep_ == "pobj" and tok.head.lower_ in w,
    "mod": lambda tok, w: any(c.dep_ in MOD_DEPS and c.lemma_.lower() in w for c in tok.children),
    "intransitive": lambda tok, _: not any(c.dep_ in OBJ_DEPS for c in tok.children),
    "oprd": lambda tok, w: any(c.dep_ in OPRD_DEPS and c.lower_ in w for c in tok.children),
    "pobj": lambda tok, w: any(o.lemma_.lower() in w for o in _pobjs(tok)),
    "adv": lambda tok, w: any(c.dep_ == "advmod" and c.lower_ in w for c in tok.children),
}


def _pobjs(tok: Token) -> list[Token]:
    """The objects of the trigger's prepositions ("called for sanctions": sanctions), or of its direct
    object's, where the parser often hangs them ("holding villagers as human shields")."""
    heads = [tok, *(c for c in tok.children if c.dep_ in OBJ_DEPS)]
    return [o for h in heads for p in h.children if p.dep_ in PREP_DEPS for o in p.children if o.dep_ == "pobj"]


def failed_conditions(frame: Frame, tok: Token) -> list[str]:
    """The names of the ``requires`` conditions of a frame the trigger does not meet."""
    return [k for k, v in frame.requires.items() if k in CONDITIONS and not CONDITIONS[k](tok, v)]


def _frame_fits(frame: Frame, tok: Token) -> bool:
    return all(CONDITIONS[k](tok, v) for k, v in frame.requires.items() if k in CONDITIONS)


def _clause_verb(tok: Token) -> Token:
    v = tok
    while v.pos_ not in VERBAL and v.head.i != v.i:
        v = v.head
    return v


def _speaker(tok: Token, cues: dict) -> Token | None:
    """The subject of the speech verb that reports the clause holding ``tok``, if any."""
    t = tok
    while t.head.i != t.i:
        parent = t.head
        if t.dep_ in ("ccomp", "parataxis", "conj", "xcomp") and parent.lemma_.lower() in cues["speech"] \
                and t.i != parent.i:
            subj = _child(parent, "nsubj")
            if subj is not None:
                return subj
            by = _prep_objects(parent, {"by"})
            return by[0] if by else None
        if t.dep_ not in CLAUSE_LINKS and parent.pos_ in VERBAL and t.pos_ in VERBAL:
            break
        t = parent
    # "according to X"
    v = _clause_verb(tok)
    for prep in v.children:
        if prep.dep_ == "prep" and prep.lower_ == "according":
            objs = _prep_objects(prep, {"to"})
            if objs:
                return objs[0]
    return None


def _modality_negation(tok: Token, cues: dict, reported: bool) -> tuple[str, bool]:
    """Walk from the trigger up its clause chain collecting hedges, futures, intent and negation."""
    # "not", "never"; "no longer" ("will no longer travel to Egypt")
    negated = any(c.dep_ == "neg" or c.dep_ == "advmod" and any(n.dep_ == "neg" for n in c.children)
                  for c in tok.children)
    if tok.dep_ == "pcomp" and tok.head.lower_ == "without":  # "gave arms without demanding payment"
        negated = True
    modality = None
    t = tok
    hops = 0
    would = False
    # "offered troops to help him oust X": below a clause with its own subject, an intention above is
    # the helper's, not the act's source's: the act is only a goal (hypothetical)
    intended = "intended"
    while True:
        verb = t
        for c in verb.children:
            low = c.lower_
            if c.dep_ == "aux" and low == "would":
                would = would or modality is None  # future in the past under reported speech, else hypothetical
            elif c.dep_ in ("aux", "auxpass") and (low in cues["hedge"] or c.lemma_ in cues["hedge"]
                                                    or low in cues.get("obligation", ())):
                modality = "hypothetical"
            elif c.dep_ in ("aux",) and (low in cues["future"] or c.lemma_ in cues["future"]) and modality is None:
                modality = intended
            elif c.dep_ == "advmod" and low in cues["hedge"]:
                modality = "hypothetical"
            elif c.dep_ == "mark" and low in cues["condition"]:
                modality = "hypothetical"
            elif c.dep_ == "mark" and low == "for" and any(a.dep_ in ("aux", "nsubj") for a in verb.children) and \
                    not (verb.head.lemma_.lower() in cues.get("occasion", ()) and verb.head.dep_ in ("attr", "acomp")):
                modality = "hypothetical"  # "called for Iran to release the prisoners": wished, not done
                # (but "it is an opportunity for us to exchange views" is the occasion it happens on; "to discuss
                # opportunities for the US to promote peace" is not)
            elif c.dep_ == "advmod" and low in cues["hearsay"] and modality is None:
                modality = "reported"
        if t.head.i == t.i or hops > 5 or t.dep_ not in CLAUSE_LINKS:
            break
        if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in cues.get("subordinator", ()) for c in t.children):
            break  # "costs until Putin ends this war", "since Russia launched its invasion": their own tense
        parent = t.head
        if t.dep_ == "ccomp" and parent.lemma_.lower() not in cues["speech"] and \
                any(c.dep_ == "nsubj" for c in t.children):
            intended = "hypothetical"
        if t.dep_ == "ccomp" and any(c.dep_ == "dobj" and c.lemma_.lower() in cues["irrealis"] for c in parent.children):
            modality = modality or "hypothetical"  # "reiterated its demand that Israel ease ...": demanded, not done
        if parent.lemma_.lower() in cues["speech"] and t.dep_ in ("ccomp", "parataxis"):
            if would:
                modality, would = modality or "intended", False
            break
        if t.dep_ == "xcomp" and t.i == tok.i and tok.lemma_.lower() in cues.get("performative", ()) and \
                parent.lemma_.lower() in cues.get("politeness", ()):
            t = parent  # "I want to thank you" thanks: the act itself, not an intention
            hops += 1
            continue
        if t.dep_ in ("ccomp", "acl") and parent.lemma_.lower() in cues["irrealis"]:
            modality = modality or "hypothetical"  # "demanded that Israel ease"
        if t.dep_ == "advcl" and parent.lemma_.lower() in cues["intent"] and _to_infinitive(t):
            modality = modality or intended  # "offered its troops to help him": the purpose of an offer
        if t.dep_ in ("xcomp", "acomp"):
            pl = parent.lemma_.lower()
            if pl in cues["negator"]:
                negated = not negated if any(c.dep_ == "neg" for c in parent.children) else True
            elif pl in cues["irrealis"]:
                modality = modality or "hypothetical"
            elif pl in cues["intent"]:
                modality = modality or intended
            if any(c.dep_ == "neg" for c in parent.children) and pl not in cues["negator"]:
                negated = True
        if t.dep_ == "conj":
            t = parent
            hops += 1
            continue
        t = parent
        hops += 1
    if would and modality is None:
        modality = "hypothetical"
    if modality is None:
        modality = "reported" if reported else "asserted"
    return modality, negated


@dataclass(frozen=True)
class EventDate:
    """When an event happened: a day, where that came from (``text`` or ``article``), and the
    month or year the clause names when it names no single day ("in 2011")."""

    date: str | None
    source: str | None
    period: str | None = None


def _event_date(tok: Token, sent: Span, article_date: str | None) -> EventDate:
    """The clause's own date expression, else the article's date; a clause that names another
    year or month ("was killed in 2011") is not dated with the article."""
    verb = _clause_verb(tok)
    for ent in sent.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        t = ent.root
        hops = 0
        while t.pos_ not in VERBAL and t.head.i != t.i and hops < 6 and t.i != tok.i:
            t = t.head
            hops += 1
        if t.i in (verb.i, tok.i):
            found = resolve_date(ent.text, article_date)
            if found:
                return EventDate(found, "text")
            period = resolve_period(ent.text, article_date)
            if period and not (article_date or "").startswith(period):
                return EventDate(None, "text", period)
    return EventDate(article_date, "article" if article_date else None)


def _trigger_tokens(tok: Token, frame: Frame) -> list[Token]:
    parts = [tok]
    for c in tok.children:
        if c.dep_ == "prt" or (c.dep_ in ("prep", "agent") and "prep" in frame.requires and c.lower_ in frame.requires["prep"]):
            parts.append(c)
        if c.dep_ in ("dobj",) and "obj" in frame.requires and (c.lemma_.lower() in frame.requires["obj"] or c.lower_ in frame.requires["obj"]):
            parts.append(c)
    parts.sort(key=lambda t: t.i)
    return parts


SPEAKER_PERSON = {"he", "she", "i", "his", "her", "my"}
SPEAKER_GROUP = {"it", "its", "they", "their", "we", "our", "us", "them"}


def _resolve_speaker_pronoun(acts: DocActors, tok: Token, speaker: Resolved | None, cues, excl) -> Resolved | None:
    """A pronoun subject inside reported speech is the speaker when number and kind agree."""
    if speaker is not None:
        low = tok.lower_
        person = speaker.entry.kind == "PERSON"
        if (person and low in SPEAKER_PERSON) or (not person and low in SPEAKER_GROUP) or \
                (person and low in ("we", "our") and speaker.entry.country):
            entry = speaker.entry
            if person and low in ("we", "our"):
                entry = acts.gaz.country_role(entry.country, entry.role) if entry.role else acts.gaz.country_role(entry.country, None)
            return Resolved(entry, tok.i, tok.i + 1, speaker.quality * 0.9)
    return resolve(acts, tok, excl, cues=cues)


def _bound_possessor(acts: DocActors, pron: Token) -> Token | None:
    """The nearest actor named before a possessive pronoun in its sentence that it can stand for:
    a person for "his"/"her", a country or organisation for "its"/"their"."""
    person = pron.lower_ in ("his", "her")
    for m in acts.before(pron.i):
        if m.start < pron.sent.start:
            return None
        if (m.entry.kind == "PERSON") == person and m.entry.kind != "OTHER" and m.how != "demonym":
            return acts.doc[m.end - 1]
    return None


def _nominal_sources(acts: DocActors, tok: Token, frame: Frame, cues) -> list[Token]:
    if frame.requires.get("bearer"):  # "Chirac was an opponent of X", "Navalny, a critic of Putin": who it describes
        if tok.dep_ == "attr" and tok.head.pos_ in VERBAL:
            return subject_tokens(tok.head)
        if tok.dep_ == "appos":
            return [tok.head]
        return []
    srcs = [c for c in _children(tok, "poss") if c.lower_ not in ("its", "their", "his", "her")]
    for pron in [c for c in _children(tok, "poss") if c.lower_ in ("its", "their", "his", "her")]:
        bound = _bound_possessor(acts, pron)  # "holding Russia accountable for its war": Russia
        srcs += [bound] if bound is not None else subject_tokens(_clause_verb(tok))  # else the clause subject
    led = [c for a in tok.children if a.dep_ == "amod" and a.lemma_.lower() in ("lead", "wage", "launch")
           and a.tag_ == "VBN" for c in a.children if c.dep_ in ("npadvmod", "compound", "nmod")]
    if led:  # "the United States-led Iraq war": the leader wages it, the compound is where
        return srcs + led
    srcs += [c for c in tok.children if c.dep_ in ("compound", "amod", "nmod") and acts.mention_at(c)]
    srcs += _prep_objects(tok, {"by", "from"})
    if not srcs and frame.requires.get("nsource") and acts.issuer_entry is not None and \
            acts.doc.user_data.get("gb_field") == "title" and tok.dep_ == "ROOT":
        return [tok]  # resolved by the caller as the issuer
    adjective = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "for" else None
    if not srcs and adjective is not None and adjective.lemma_.lower() in cues.get("culpable", ()) and \
            adjective.dep_ == "acomp":
        return subject_tokens(adjective.head)  # "Los Zetas has been responsible for mass killings": the perpetrator
    if not srcs:
        verb = _clause_verb(tok)
        governs = verb.lemma_.lower()
        # "launched attacks on X": a light verb's subject performs its nominal object; other verbs
        # lend their subject only to frames that allow it ("sent aid", not "condemned the attack")
        lends = governs in cues.get("support", ()) or frame.requires.get("nsource") and \
            governs not in cues["irrealis"] and governs not in cues["speech"] and governs not in cues["negator"] \
            and governs not in cues.get("reaction", ())  # "France denounced the shelling": no shelling by France
        holder = tok.head.head  # "in support of X", "staged a strike in protest against X"
        manner = tok.dep_ == "pobj" and tok.head.lower_ == "in" and (
            holder.i == verb.i or holder.dep_ == "dobj" and holder.head.i == verb.i) or \
            tok.dep_ == "pobj" and tok.head.lower_ == "on" and holder.i == verb.i and (
                governs in cues.get("stance", ()) or frame.requires.get("in"))
        # ... and "remained on alert", "went on strike": a state its subject is in; "jailed X on charges
        # of treason": a frame that asks for its on-phrase
        # "launched 10 days of war games": a measure of the object is the object
        measured = tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.dep_ == "dobj" and \
            tok.head.head.head.i == verb.i and tok.head.head.lemma_.lower() in MEASURE_HEADS
        if verb.i != tok.i and (tok.dep_ in ("dobj", "nsubjpass") or measured or manner and frame.requires.get("nsource")) \
                and lends:
            srcs = subject_tokens(verb)
    return srcs


def _keep(found: dict, events: list[RawEvent]) -> None:
    """Add events by (source, relation, target); an asserted or more confident one replaces its twin."""
    for ev in events:
        key = (ev.source.entry.id, ev.frame.relation, ev.target.entry.id)
        old = found.get(key)
        if old is None or (old.negated and not ev.negated) or ev.confidence > old.confidence and old.negated == ev.negated:
            found[key] = ev


def sentence_events(acts: DocActors, sent: Span, frames: dict, cues: dict, article_date: str | None,
                    irregular: dict[str, str] | None = None) -> list[RawEvent]:
    """Every event the lexicon frames find in one sentence, deduplicated per (source, relation, target)."""
    found: dict[tuple[str, str, str], RawEvent] = {}
    for tok in sent:
        pos = "VERB" if tok.pos_ in VERBAL else ("NOUN" if tok.pos_ in ("NOUN", "PROPN") else None)
        if pos is None:
            continue
        candidates = None
        for lemma in _lemmas(tok, pos, irregular):
            candidates = frames.get((lemma, pos))
            if candidates:
                break
        if not candidates:
            continue
        fallback: list[RawEvent] = []
        for frame in candidates:
            if not _frame_fits(frame, tok):
                continue
            events = _apply_frame(acts, sent, tok, frame, cues, article_date)
            if events is None:
                continue
            if all(ev.target.entry.kind == "OTHER" for ev in events):
                fallback = fallback or events  # a non-actor target: only if no later frame names an actor
                continue
            fallback = []
            _keep(found, events)
            break
        _keep(found, fallback)
    for ev in obligation_events(acts, sent, cues, article_date):
        found.setdefault((ev.source.entry.id, ev.frame.relation, ev.target.entry.id), ev)
    for ev in attribution_events(acts, list(found.values()), cues):
        found.setdefault((ev.source.entry.id, ev.frame.relation, ev.target.entry.id), ev)
    # a noun that is part of a verbal trigger ("halted aid", "launched an attack") is no event of its own
    verbal = {t.i for ev in found.values() if ev.frame.pos == "VERB" and ev.target.entry.kind != "OTHER"
              for t in ev.trigger_tokens if t.i != ev.trigger.i}
    return [ev for ev in found.values() if not (ev.frame.pos == "NOUN" and ev.trigger.i in verbal)]


ATTRIBUTION_FRAME = Frame(lemma="assess", pos="VERB", requires={}, targets=("ccomp",), allow_other=frozenset(),
                          relation="BLAMED", cameo="112", confidence=0.65)
#: Hostile acts whose attribution to their actor is an accusation (CAMEO 112).
ACCUSABLE = {"ATTACKED", "COERCED", "THREATENED"}


def _attributing_word(tok: Token, cues: dict) -> Token | None:
    """The verb or noun of attribution ("has assessed that", "its assessment that", "claimed") whose
    clause holds the trigger, if any."""
    t = tok
    for _ in range(6):
        if t.head.i == t.i or t.dep_ not in CLAUSE_LINKS:
            return None
        t = t.head
        if t.lemma_.lower() in cues.get("attribution", ()):
            return t
    return None


def attribution_events(acts: DocActors, events: list[RawEvent], cues: dict) -> list[RawEvent]:
    """"The United States has assessed that Russia launched cyber attacks", "Tamim claimed Houthis
    attacked journalists": whoever attributes a hostile act to its actor accuses them (BLAMED)."""
    out = []
    for ev in events:
        if ev.frame.relation not in ACCUSABLE or ev.negated or ev.modality == "hypothetical" or \
                ev.source.entry.kind == "OTHER":
            continue
        word = _attributing_word(ev.trigger, cues)
        if word is None:
            continue
        if word.pos_ in VERBAL:
            accusers = subject_tokens(word)
        else:  # "its assessment that": the possessor, else the subject of the verb it is the object of
            poss = _children(word, "poss")
            accusers = [b for b in [_bound_possessor(acts, p) if p.pos_ == "PRON" else p for p in poss] if b is not None] \
                or subject_tokens(_clause_verb(word))
        for a in accusers:
            r = resolve(acts, a, set(), cues=cues)
            if r is None or r.entry.id == ev.source.entry.id or r.entry.kind == "OTHER" or \
                    (r.entry.country and r.entry.country == ev.source.entry.country):
                continue
            modality, negated = _modality_negation(word, cues, False)
            frame = replace(ATTRIBUTION_FRAME, lemma=word.lemma_.lower(), pos="NOUN" if word.pos_ == "NOUN" else "VERB")
            out.append(RawEvent(frame=frame, trigger=word, source=r, target=ev.source, reported_by=None, negated=negated,
                                modality=modality, date=ev.date, confidence=round(0.65 * min(r.quality, 1.0), 3),
                                trigger_tokens=[word]))
            break
    return out


DEMAND_FRAME = Frame(lemma="must", pos="AUX", requires={}, targets=("nsubj",), allow_other=frozenset(),
                     relation="DEMANDED", cameo="100", confidence=0.7)


def obligation_events(acts: DocActors, sent: Span, cues: dict, article_date: str | None) -> list[RawEvent]:
    """Reported obligations are demands: "X said Libya must hand over the suspects" -> X DEMANDED Libya."""
    out = []
    for tok in sent:
        if tok.dep_ != "aux" or tok.lower_ not in cues.get("obligation", ()):
            continue
        verb = tok.head
        speaker_tok = _speaker(verb, cues)
        if speaker_tok is not None and verb.dep_ in ("ccomp", "conj", "parataxis"):
            speaker = resolve(acts, speaker_tok, set(), cues=cues)
        elif acts.issuer_entry is not None and speaker_tok is None and verb.dep_ == "ROOT" and \
                acts.turn_at(tok.i) is None:  # "Iran must cooperate with the IAEA." in a release: the issuer demands it
            speaker = Resolved(acts.issuer_entry, tok.i, tok.i, 0.8)
        else:
            continue
        if not _valid(speaker) or speaker.entry.kind == "OTHER":
            continue
        excl = {speaker.entry.country} if speaker.entry.country else set()
        for t in subject_tokens(verb):
            target = resolve_loose(acts, t, excl, {speaker.entry.id}, cues=cues)
            if target is not None and target.quality < 0.75 and target.entry.country in excl:
                continue  # a guessed country that is the speaker's own: not trustworthy
            if _valid(target) and target.entry.id != speaker.entry.id and target.entry.kind != "OTHER":
                modality, negated = _modality_negation(verb, cues, True)
                out.append(RawEvent(frame=DEMAND_FRAME, trigger=tok, source=speaker, target=target,
                                    reported_by=None, negated=negated, modality="asserted",
                                    date=_event_date(verb, sent, article_date),
                                    confidence=round(DEMAND_FRAME.confidence * speaker.quality * target.quality, 3),
                                    trigger_tokens=[tok]))
    return out


def _lemmas(tok: Token, pos: str, irregular: dict[str, str] | None = None) -> list[str]:
    """The lemma, then the irregular form's lemma and regular-inflection guesses (the small model
    lemmatises "staged" as "stag", and keeps "overran" when it tags it as a present tense)."""
    out = [tok.lemma_.lower()]
    low = tok.lower_
    if pos == "VERB":
        out.append(low)
        if irregular and low in irregular:
            out.append(irregular[low])
        for suffix, repl in (("ied", "y"), ("ies", "y"), ("ed", "e"), ("ed", ""), ("es", ""), ("s", ""),
                             ("ing", "e"), ("ing", ""), ("d", "")):
            if low.endswith(suffix) and len(low) > len(suffix) + 2:
                out.append(low[: -len(suffix)] + repl)
    return out


def _own_institution(acts: DocActors, tok: Token, sources: list[Resolved], cues: dict) -> Resolved | None:
    """A bare institution noun with no country of its own ("dissolved parliament", "sued the police")
    is the source's own country's institution."""
    lemma = tok.lemma_.lower()
    country = sources[0].entry.country if sources else None
    role = acts.gaz.agents.get(lemma)
    if lemma not in cues.get("institution", ()) or not country or not role or \
            any(c.dep_ in ("amod", "compound", "poss", "nmod") or c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
        return None
    return Resolved(acts.gaz.country_role(country, role), tok.i, tok.i + 1, 0.6)


def _compatriots(acts: DocActors, r: Resolved, exclude: set[str]) -> bool:
    """A non-official group of the source's own country ("alumni of U.S. programs")."""
    e = r.entry
    return e.kind == "GROUP" and e.country in exclude and e.role not in (None, "GOV", "MIL", "LEG", "JUD", "COP") \
        and e.id == f"{e.country}-{e.role}"


def _met_on_trip(acts: DocActors, tok: Token, exclude: set[str]) -> Resolved | None:
    """People met with no country of their own ("will meet with students and faculty") are of the
    country the traveller is visiting, when the article announced a trip before."""
    if tok.pos_ not in ("NOUN",) or any(c.dep_ == "poss" for c in tok.children):
        return None
    role = acts.gaz.agents.get(tok.lemma_.lower()) or acts.gaz.agents.get(tok.lower_)
    country = acts.destination_before(tok.i)
    if role is None or country is None or country in exclude:
        return None
    s, e = tok.left_edge.i, tok.i + 1
    return Resolved(acts.gaz.country_role(country, role), s, e, 0.55)


def _valid(r: Resolved | None) -> bool:
    return r is not None and r.entry.role != "MED"


def _plural_pair(tok: Token) -> bool:
    """ "they", "both", "the two leaders": a subject that names the two parties met before."""
    return tok.lower_ in ("they", "both") or any(c.dep_ == "nummod" and c.lower_ == "two" for c in tok.children)


#: Kinds of actor a description in apposition may stand for: "the general manager of X, Dr Ali
#: Tamim", "the group al-Nusra Front", "the agency, UNHCR" (not places: "the capital, Sanaa").
APPOSITIVE_KINDS = {"PERSON", "GROUP", "IGO", "ORGANIZATION"}


def _named_appositive(acts: DocActors, tok: Token) -> Token:
    """A description with a named person or organisation in apposition stands for it."""
    if acts.mention_at(tok) is None:
        for c in tok.children:
            m = acts.mention_at(c)
            if c.dep_ == "appos" and m is not None and m.entry.kind in APPOSITIVE_KINDS:
                return c
    return tok


#: Quantity heads whose of-phrase says what is counted ("dozens of protesters", "a group of students").
QUANTITY_HEADS = {"dozen", "dozens", "hundred", "hundreds", "thousand", "thousands", "score", "scores", "million",
                  "millions", "number", "group", "handful", "couple"}


def _kind_head(acts: DocActors, r: Resolved) -> Token:
    """The word that says what a non-actor argument is: its head, or what a quantity head counts."""
    head = acts.doc[r.start:r.end].root
    if head.lemma_.lower() in QUANTITY_HEADS or head.tag_ == "CD":
        return _of_object(head) or head
    return head


def _noun_role(acts: DocActors, tok: Token) -> str | None:
    """The role an agent noun names (data/gazetteer/agents.tsv), by lemma or plain form."""
    return acts.gaz.agents.get(tok.lemma_.lower()) or acts.gaz.agents.get(tok.lower_)


def _victim_role(acts: DocActors, victim: Resolved) -> str | None:
    """The role an unnamed victim's head word names ("soldiers", "an army camp", "a police station",
    "20 people"), if it names one."""
    head = _kind_head(acts, victim)
    m = acts.mention_at(head)
    if m is not None and ethnic(acts, m):
        return "CVL"  # "three ethnic Albanians": people, not a state
    for t in [head] + [c for c in head.lefts if c.dep_ in ("compound", "amod")]:
        role = _noun_role(acts, t)
        if role in VICTIM_ROLES:
            return role
    return None


#: Roles an unnamed victim can be coded with (CAMEO codes unnamed victims by place and kind).
VICTIM_ROLES = {"MIL", "COP", "GOV", "CVL", "MED"}


#: Who protests against their own government when a protest names no target.
PROTESTERS = {"CVL", "OPP"}


#: Sources that act at home: police and authorities arrest and disperse their own country's people.
DOMESTIC_ROLES = {"COP", "GOV"}


def _own_people(acts: DocActors, sources: list[Resolved], others: list[Resolved], frame: Frame) -> list[Resolved]:
    """Unnamed people a country's police or authorities use force on, with no place named, are that
    country's civilians ("Police detained eight people"); so are the civilians and journalists its
    rebels attack ("Houthis have attacked journalists": Yemen's media); other non-actor targets stay
    as they are."""
    if frame.relation not in NEEDS_VICTIM or len(sources) != 1 or not sources[0].entry.country \
            or sources[0].entry.kind == "PERSON":
        return others
    source_role = sources[0].entry.role
    kinds = ("CVL", "OPP", "MED") if source_role in DOMESTIC_ROLES else \
        ("CVL", "MED") if source_role in NONSTATE_ROLES else ()
    out = []
    for o in others:
        role = _noun_role(acts, _kind_head(acts, o))
        out.append(Resolved(acts.gaz.country_role(sources[0].entry.country, role), o.start, o.end, o.quality * 0.8)
                   if role in kinds else o)
    return out


def _coordinated_countries(acts: DocActors, tok: Token, r: Resolved) -> list[Resolved]:
    """The other countries of coordinated modifiers of one plural noun ("the Russian and US navies",
    "French and Egyptian warships"), each with the role the noun gives the first."""
    if tok.lemma_.lower() in QUANTITY_HEADS:  # "dozens of Somali and Ethiopian migrants"
        tok = _of_object(tok) or tok
    if r.entry.country is None or tok.tag_ not in ("NNS", "NNPS") or not r.entry.id.startswith(f"{r.entry.country}-"):
        return []
    out = []
    for mod in tok.children:
        if mod.dep_ not in ("amod", "compound", "nmod") or acts.mention_at(mod) is None:
            continue
        for c in mod.conjuncts:
            m = acts.mention_at(c)
            if c.i < tok.i and m is not None and m.entry.kind == "COUNTRY" and m.entry.country != r.entry.country:
                out.append(Resolved(acts.gaz.country_role(m.entry.country, r.entry.role), m.start, m.end, r.quality))
    return out


def _verbal_pair(acts: DocActors, s: Resolved, t: Resolved, cues: dict) -> bool:
    """Whether "X attacked Y" is criticism: a person against a person, party, legislature, opposition
    or the media, or anyone against a plan, a policy or words."""
    if t.entry.kind == "OTHER":
        return acts.doc[t.end - 1].lemma_.lower() in cues.get("discourse", ())
    return s.entry.kind == "PERSON" and (t.entry.kind == "PERSON" or t.entry.role in ("PTY", "LEG", "OPP", "MED"))


def _arg_note(tok: Token, r: Resolved | None, how: str | None, rejected: str | None) -> dict:
    """One argument as ``explain`` reports it: the token, what it resolved to, how, and why not."""
    return {"token": tok.text, "i": tok.i, "resolved": r, "how": how, "rejected": rejected}


def _rejected(r: Resolved | None, tok: Token, excl_ids: set[str] | None = None) -> str | None:
    if r is None:
        return "pronoun with no antecedent" if tok.pos_ == "PRON" else "not an actor"
    if excl_ids is None and r.entry.kind == "OTHER":
        return "not a political actor (OTHER)"
    if excl_ids is not None and r.entry.id in excl_ids:
        return "same actor as the source"
    return None


def _apply_frame(acts: DocActors, sent: Span, tok: Token, frame: Frame, cues: dict,
                 article_date: str | None, trace: dict | None = None) -> list[RawEvent] | None:
    """The events one fitting frame yields at a trigger, or None; ``trace`` (a dict) collects every
    argument tried and why it was kept or rejected, for ``graphbuild explain``."""
    t_src: list[dict] = []
    t_slots: list[dict] = []
    if trace is not None:
        trace.update(source_tokens=t_src, slots=t_slots, reciprocal=False)
    speaker_tok = _speaker(tok, cues)
    speaker = resolve(acts, speaker_tok, set(), cues=cues) if speaker_tok is not None else None
    if trace is not None:
        trace.update(reported_by=speaker, reported_by_token=speaker_tok.text if speaker_tok is not None else None)
    # sources
    src_toks = subject_tokens(tok) if frame.pos == "VERB" else _nominal_sources(acts, tok, frame, cues)
    sources: list[Resolved] = []
    src_toks = [_named_appositive(acts, s) for s in src_toks]
    if frame.mutual and len(src_toks) == 1 and _plural_pair(src_toks[0]):
        pair = acts.last_parties(tok.i)  # "They also agreed ...", "the two ministers discussed ...":
        if pair is not None:              # the two parties of the event just reported
            for r in pair:
                t_src.append(_arg_note(src_toks[0], r, "the two parties of the previous event", None))
            sources.extend(pair)
            src_toks = []
    we = src_toks[0] if len(src_toks) == 1 and src_toks[0].lower_ in ("we", "us", "our") else None
    for s in src_toks:
        if s.i == tok.i:  # a release's own headline act (a trigger is never its own source otherwise)
            if acts.issuer_entry is not None:
                sources.append(Resolved(acts.issuer_entry, tok.i, tok.i, 0.7))
                t_src.append(_arg_note(s, sources[-1], "the issuer of the release (headline)", None))
            continue
        r = _resolve_speaker_pronoun(acts, s, speaker, cues, set())
        how = "direct"
        if r is None and s.pos_ != "PRON":
            r, how = resolve_loose(acts, s, set(), cues=cues, source=True), "loose (possessor, modifier or agent)"
        m = acts.mention_at(s)
        if r is None and frame.pos == "NOUN" and m is not None and m.how == "demonym" and m.entry.country:
            r = Resolved(acts.gaz.countries.get(m.entry.country) or m.entry, m.start, m.end, 0.8)  # "Russian aggression"
            how = "demonym of a nominal event"
        why = _rejected(r, s)
        t_src.append(_arg_note(s, r, how if r is not None else None, why))
        if why is None:
            sources.append(r)
            for other in _coordinated_countries(acts, s, r):  # "the Russian and US navies": each country's
                if all(other.entry.id != x.entry.id for x in sources):
                    sources.append(other)
                    t_src.append(_arg_note(s, other, "a coordinated country modifier of the same noun", None))
    between = False
    if frame.mutual and frame.pos == "NOUN" and not any(s.i in (tok.i, *(c.i for c in tok.children)) for s in src_toks):
        # "a summit between X and Y": both ways, and they, not a subject lending itself ("everything you've
        # done to make this a summit between the United States and ASEAN"), are its parties
        parties: list[Resolved] = []
        for t in _prep_objects(tok, {"between"}):
            r = resolve_loose(acts, t, set(), cues=cues)
            why = _rejected(r, t)
            t_src.append(_arg_note(t, r, "between-phrase (reciprocal)" if r is not None else None, why))
            if why is None and all(r.entry.id != x.entry.id for x in parties):
                parties.append(r)
        if len(parties) > 1 or not sources:
            sources = parties
        between = len(sources) > 1
    perpetrator = False
    if not sources and frame.relation in UNNAMED_PERPETRATOR:  # "Unidentified gunmen killed ...", "a car bomb hit"
        for s in src_toks:
            if s.pos_ == "NOUN" and (acts.gaz.agents.get(s.lemma_.lower()) or s.lemma_.lower() in cues.get("instrument", ())):
                o = other_target(s)
                if o is not None:
                    sources.append(o)
                    perpetrator = True
                    t_src.append(_arg_note(s, o, "an unnamed perpetrator of force (kind OTHER)", None))
    if not sources and not src_toks and frame.relation in STATE_ACTS and frame.pos == "VERB" and _is_passive(tok):
        for p in _places(tok, "in"):  # "X was arrested in Niger": no agent, the authorities of the place
            m = acts.mention_at(p)
            if m is not None and m.entry.country in acts.gaz.countries:
                sources.append(Resolved(acts.gaz.country_role(m.entry.country, "GOV"), m.start, m.end, 0.6))
                t_src.append(_arg_note(p, sources[-1], "the authorities where an agentless act of the state happened", None))
                break
    if not sources:
        if trace is not None:
            trace["why_not"] = ("no subject" if frame.pos == "VERB" else
                                "no possessor, modifier or by/from-phrase naming a source") if not t_src else "no source actor"
        return None
    excl = {s.entry.country for s in sources if s.entry.country}
    excl_ids = {s.entry.id for s in sources}
    if frame.relation == "CONSULTED" and trace is None:  # "In Bangkok, X will meet ...": the trip's next stop
        acts.destinations.extend((p.i, m.entry.country) for p in _places(tok, "in") for m in [acts.mention_at(p)]
                                 if m is not None and m.entry.country and m.entry.country not in excl)
    # targets: the first slot that yields an actor (or an OTHER where the frame allows it)
    targets: list[Resolved] = []
    others: list[Resolved] = []
    other_slot = None
    # an unnamed perpetrator ("a hotel fire kills 17 in Delhi") takes no place for a victim
    # (not for the parties of a reciprocal act: "Russia and Ukraine exchanged prisoners in Istanbul")
    located = frame.relation in LOCATED and not perpetrator and not (frame.mutual and len(sources) > 1)
    slots = frame.targets + LOCATED_SLOTS if located else frame.targets
    problem_seen = False
    for slot in () if between else slots:
        toks = _slot(tok, slot)
        if slot.endswith("dobj.of") and any(d.lemma_.lower() in cues.get("patient", ()) for d in _children(tok, "dobj")):
            toks = []  # "condemned the bombing of hospitals": the of-phrase is the victim, not the one condemned
        notes: list[dict] = []
        t_slots.append({"slot": slot, "tokens": notes})
        for t in toks:
            # a later conjunct must name an actor itself ("against Ukraine, and our response" is no attack on us)
            conj = t.dep_ == "conj" and t.i != toks[0].i
            r = resolve(acts, t, excl, excl_ids, cues=cues) if conj else resolve_loose(acts, t, excl, excl_ids, cues=cues)
            how = "direct (a later conjunct must be an actor itself)" if conj else "direct or loose"
            if r is not None and t.dep_ == "appos" and acts.doc[r.start].pos_ == "PRON" and r.start != t.i:
                r = None  # "Ukraine, our coordinated response": a pronoun's possession is no actor
            if r is None:
                r, how = _own_institution(acts, t, sources, cues), "the source country's own institution"
            if frame.relation == "CONSULTED" and (r is None or _compatriots(acts, r, excl)):
                trip = _met_on_trip(acts, t, excl)
                if trip is not None:
                    r, how = trip, "people of the country the traveller visits"
            if r is None and slot in frame.allow_other:
                # non-actor targets (each conjunct: "release the soldiers and policemen") of the first
                # slot that has them, kept only when no slot names an actor
                o = other_target(t) if other_slot in (None, slot) else None
                problem = o is not None and _kind_head(acts, o).lemma_.lower() in cues.get("problem", ())
                problem_seen = problem_seen or problem
                if o is not None and not problem and all(o.entry.id != x.entry.id for x in others):
                    others.append(o)
                    other_slot = slot
                notes.append(_arg_note(t, o, "non-actor target (+other), used only if no slot names an actor",
                                       "a problem, not a party (\"fight the epidemic\")" if problem else
                                       None if o is not None else "not an actor"))
                continue
            last = slot.rpartition(".")[2]
            if r is not None and last.startswith("place") and r.entry.kind != "COUNTRY" and \
                    r.entry.id != f"{r.entry.country}-{r.entry.role}":  # (a capital as metonym is still a place)
                notes.append(_arg_note(t, None, None, "not a place"))  # "resigning in protest to May's deal"
                continue
            if r is not None and last.startswith("place") and r.entry.country in acts.gaz.countries:
                # a place stands for its country ("travel to Madrid"), or for its government ("protest in Madrid")
                place = acts.gaz.country_role(r.entry.country, "GOV") if last.startswith("placegov:") \
                    else acts.gaz.countries[r.entry.country]
                r = Resolved(place, r.start, r.end, r.quality * (0.8 if last.startswith("placegov:") else 1.0))
                how = "a place: its government" if last.startswith("placegov:") else "a place: its country"
            # media may be on the receiving end ("arrested a journalist"), never the actor of a report
            why = _rejected(r, t, excl_ids)
            if why is None and slot in LOCATED_SLOTS and r.entry.country in acts.gaz.countries:
                # an unnamed victim of a kind ("an army camp in Kabul", "20 people in Yemen") is that part of
                # the place's country
                victim = _victim_role(acts, others[0]) if others and frame.relation in NEEDS_VICTIM else None
                nonstate = all(x.entry.role in NONSTATE_ROLES for x in sources)
                if r.entry.country in excl and not nonstate and frame.relation in AT_HOME and not others:
                    # a state's curfew, amnesty or relief at home is for its own people ("Bolivian authorities
                    # declared a state of siege in Bolivia")
                    r = Resolved(acts.gaz.country_role(r.entry.country, "CVL"), r.start, r.end, r.quality * 0.8)
                    how = "a place in a state source's own country: its civilians"
                elif r.entry.country in excl and not nonstate and \
                        not (victim and all(x.entry.role not in (None, victim) for x in sources)):
                    # (but "Serb forces killed three villagers in a gunbattle in Serbia": its civilians)
                    why = "the source's own country (a located act needs another party)"
                elif r.entry.country in excl or victim:
                    # rebels acting in their own country act on its state ("FARC laid down arms in Colombia",
                    # "rebels exploded bombs in Kabul": CAMEO codes the government as the target)
                    role = victim or "GOV"
                    span = others[0] if victim else r
                    r = Resolved(acts.gaz.country_role(r.entry.country, role), span.start, span.end, r.quality * 0.8)
                    how = f"a place: its {ROLE_LABELS.get(role, role)}" + (" (the victim's kind)" if victim else
                                                                            " (a non-state source's own country)")
            if why is None and slot in LOCATED_SLOTS and slot not in frame.targets and frame.relation in NEEDS_VICTIM \
                    and not others:  # (a frame that names its place slot means it: "imposed a curfew in Hebron")
                why = "no victim named: a place where force is used is not its target (\"fighting in Mosul\")"
            if why is None and any(r.entry.id == x.entry.id for x in targets):
                why = "already a target"
            if why is None and frame.requires.get("every") and r.entry.country and r.entry.country in excl:
                why = "the source's own country (a party of what it welcomes)"  # "the competition between our countries"
            notes.append(_arg_note(t, r, how if r is not None else None, why))
            if why is None:
                targets.append(r)
                for other in _coordinated_countries(acts, t, r):  # "Sierra Leonean and Liberian refugees"
                    if other.entry.country not in excl and all(other.entry.id != x.entry.id for x in targets):
                        targets.append(other)
                        notes.append(_arg_note(t, other, "a coordinated country modifier of the same noun", None))
        if targets:
            if slot.startswith("place:") and frame.relation == "CONSULTED" and trace is None:  # a trip
                acts.destinations.extend((tok.i, r.entry.country) for r in targets if r.entry.country)
            if not frame.requires.get("every"):  # ("welcomes the visit by Lapid to Morocco": both)
                break
    if not targets and not others and frame.relation in REFERS_BACK and frame.pos == "NOUN":
        for src in sources:  # "its brutal war": the war the source waged before; "similar accusations"
            earlier = acts.earlier_target(frame.relation, src if REFERS_BACK[frame.relation] else None, tok.i)
            if earlier is not None and earlier.entry.id not in excl_ids and \
                    all(earlier.entry.id != x.entry.id for x in targets):
                targets.append(Resolved(earlier.entry, earlier.start, earlier.end, min(earlier.quality, 0.7)))
                if trace is not None:
                    t_slots.append({"slot": "an earlier event of the same kind", "tokens": [
                        _arg_note(acts.doc[earlier.start], targets[-1], "the target of an earlier event", None)]})
    if not targets and not others and frame.relation == "CONSULTED" and frame.pos == "NOUN" and len(sources) == 1 \
            and sources[0].entry.country and not any(sl.startswith("place") for sl in frame.targets):
        stop = acts.current_stop(tok.i)  # "The Deputy's meetings will include ...": on the trip's stop
        if stop is not None and stop not in excl and stop in acts.gaz.countries:
            targets.append(Resolved(acts.gaz.countries[stop], tok.i, tok.i + 1, 0.55))
            if trace is not None:
                t_slots.append({"slot": "the trip's current stop", "tokens": [
                    _arg_note(tok, targets[-1], "the country the traveller is visiting", None)]})
    if not targets and not others and frame.relation == "COERCED" and "place:in" in frame.targets and \
            len(sources) == 1 and sources[0].entry.country in acts.gaz.countries and \
            sources[0].entry.role not in NONSTATE_ROLES:
        # a curfew, emergency or martial law with no place named is the state's at home ("prepared to impose
        # martial law"): on its own civilians
        where = next((o for h in (tok, *_children(tok, "dobj")) for o in _prep_objects(h, {"in"})), None)
        start, end = (where.left_edge.i, where.right_edge.i + 1) if where is not None else (tok.i, tok.i + 1)
        # (its evidence is the in-phrase when one names a place the gazetteer lacks: "in the province of Alta Verapaz")
        home = Resolved(acts.gaz.country_role(sources[0].entry.country, "CVL"), start, end, 0.5)
        targets.append(home)
        if trace is not None:
            t_slots.append({"slot": "the state's own civilians", "tokens": [
                _arg_note(tok, home, "a measure at home with no place named: the source country's civilians", None)]})
    if not targets and frame.relation == "PROTESTED" and sources and (others or not _children(tok, "dobj")) and \
            all(s.entry.country in acts.gaz.countries and s.entry.role in PROTESTERS for s in sources):
        # a protest with no party named is against the protesters' own government ("students marched",
        # "Kenyan students protested the tax increase": the grievance is no party)
        start, end = (others[0].start, others[0].end) if others else (tok.i, tok.i + 1)
        others = []
        for s in sources:
            gov = Resolved(acts.gaz.country_role(s.entry.country, "GOV"), start, end, 0.5)
            if all(gov.entry.id != x.entry.id for x in targets):
                targets.append(gov)
                if trace is not None:
                    t_slots.append({"slot": "the protesters' own government", "tokens": [
                        _arg_note(tok, gov, "a protest with no party named: the protesters' government", None)]})
    if not targets and not others and frame.mutual and frame.relation == "CONSULTED" and we is not None and \
            len(sources) == 1 and acts.turn_at(tok.i) is not None:
        # "we discussed ...", "continue our dialogue" with no one named: in a transcript, the two sides (a
        # meeting only: "we fight corruption" is no fight between them)
        you = acts.addressee(tok.i)
        if you is not None and you.country and sources[0].entry.country and you.country != sources[0].entry.country:
            sources.append(Resolved(you, we.i, we.i + 1, 0.7))
            t_src.append(_arg_note(we, sources[-1], "the other side of the conversation", None))
    # "X and Y agreed to ...": each with the other; not when they act on a problem ("fought the epidemic")
    mutual = not targets and frame.mutual and len(sources) > 1 and not problem_seen
    # an unnamed perpetrator needs a named victim: "gunmen killed three men" links no actor
    targets = [] if mutual else targets or ([] if perpetrator else _own_people(acts, sources, others, frame))
    sources = [_as_people(acts, s, targets) for s in sources]
    targets = [_as_people(acts, t, sources) for t in targets]
    pairs: list[tuple[Resolved, Resolved]] = [(s, t) for s in sources for t in targets]
    if mutual:
        pairs = [(a, b) for a in sources for b in sources if a.entry.id != b.entry.id]
        if trace is not None:
            trace["reciprocal"] = True
    if not pairs:
        if trace is not None:
            trace["why_not"] = "no target actor in any slot"
        return None
    modality, negated = _modality_negation(tok, cues, speaker is not None)
    verb = _clause_verb(tok)
    if frame.pos == "NOUN" and verb.i != tok.i and verb.pos_ in VERBAL and \
            (tok.dep_ == "dobj" and tok.head.i == verb.i or tok.dep_ == "pobj" and tok.head.head.i == verb.i) and \
            verb.lemma_.lower() not in cues.get("aspectual", ()) and \
            src_toks and {t.i for t in src_toks} <= {t.i for t in subject_tokens(verb)}:
        # a nominal event whose source is the subject of the verb it is the object of takes that verb's
        # mood ("agreed to undertake joint exercises"); "to discuss Russia's invasion" keeps its own, and so
        # does an act a verb only stops or continues ("urge Russia to stop its attacks")
        v_modality, v_negated = _modality_negation(verb, cues, speaker is not None)
        negated = negated or v_negated
        if modality in ("asserted", "reported"):
            modality = v_modality
    if frame.relation == "PLEDGED" and any(c.dep_ == "neg" for x in _children(tok, "xcomp") for c in x.children):
        negated = True  # "vowed not to return the Golan Heights" is no pledge
    present = acts.turn_at(tok.i) is not None and frame.relation == "CONSULTED" and \
        {acts.addressee(tok.i), acts.first_person(tok.i)} >= {t.entry for _, t in pairs}
    if not present:  # (in a conversation, a discussion "I am ready to have" with the one there is held, not promised)
        frame = recode(frame, tok, modality, negated, cues)
    if negated and frame.relation in REFUSAL_CODES:  # "will not lift the ban on X": a refusal, CAMEO 12
        frame, negated = replace(frame, relation="REJECTED", cameo=REFUSAL_CODES[frame.relation]), False
    if frame.relation == "ATTACKED" and frame.lemma in cues.get("verbal", ()) and \
            all(_verbal_pair(acts, s, t, cues) for s, t in pairs):
        # "Trump attacked Biden", "attacked the tax plan": words, not force
        frame = replace(frame, relation="CRITICIZED", cameo="111")
    date = _event_date(tok, sent, article_date)
    trigger_tokens = _trigger_tokens(tok, frame)
    if trace is None and frame.pos == "VERB" and len(pairs) <= 2 and all(t.entry.kind != "OTHER" for _, t in pairs):
        acts.parties.append((tok.i, pairs[0][0], pairs[0][1]))
    if trace is None and frame.relation in REFERS_BACK and not negated and modality != "hypothetical":
        acts.targets_so_far.extend((tok.i, frame.relation, s.entry.country or s.entry.id, t)
                                   for s, t in pairs if t.entry.kind != "OTHER")
    out = []
    for s, t in pairs:
        conf = frame.confidence * min(s.quality, 1.0) * min(t.quality, 1.0)
        if frame.pos == "NOUN":
            conf *= 0.9
        out.append(RawEvent(frame=frame, trigger=tok, source=s, target=t,
                            reported_by=speaker,
                            negated=negated, modality=modality, date=date,
                            confidence=round(conf, 3), trigger_tokens=trigger_tokens))
    return out


#: Cooperative relations whose announced intent CAMEO codes as 03 (express intent to cooperate).
INTENT_CODES = {"SUPPORTED": "032", "RECOGNIZED": "032", "COOPERATED": "031", "PROVIDED_AID": "033",
                "YIELDED": "035", "CONSULTED": "036"}
#: Hostile relations whose conditional announcement CAMEO codes as 13 (threaten).
THREAT_CODES = {"REDUCED_RELATIONS": "131", "SANCTIONED": "132", "COERCED": "137", "ATTACKED": "138",
                "MOBILIZED": "138", "REJECTED": "130", "PROTESTED": "133"}


#: Concessions whose negation CAMEO codes as 12 (reject): "will not release", "refused to lift the ban"
#: refuse to yield (124); the negated event would not be an edge, the refusal is one.
REFUSAL_CODES = {"YIELDED": "124"}


#: Relations whose bare nominal trigger ("its war", "similar attributions") refers back to the target of
#: an earlier event of that relation: True when it must be by the same source.
REFERS_BACK = {"ATTACKED": True, "BLAMED": False}


#: Material acts that happen somewhere: with no party named in the frame's slots, the place they happen
#: in is the target, as its country ("killed 23 people in Tel Aviv", "a ceasefire ... in Somalia",
#: "deployed rescue teams in Haiti"); CAMEO codes unnamed victims by location the same way.
LOCATED = {"ATTACKED", "COERCED", "PROVIDED_AID", "YIELDED", "MOBILIZED"}
#: ... but force and coercion take the place only for unnamed victims ("killed 23 people in Tel Aviv").
NEEDS_VICTIM = {"ATTACKED", "COERCED"}
#: Located acts a state does to its own people when it does them at home (curfews, emergencies,
#: releases, relief): the target is the country's civilians (CAMEO: "GOV imposed a curfew in X" -> XCVL).
AT_HOME = {"COERCED", "YIELDED", "PROVIDED_AID"}
#: Sources that act on their own country's state when they act in it (rebels, insurgents, opposition).
NONSTATE_ROLES = {"REB", "OPP"}
#: ("$340 million for assistance in northern Iraq", "aid to families in Gaza": the beneficiaries' place;
#: "arrived in Nepal to deliver aid": the place of the act the purpose clause serves; "remained on
#: alert in the West Bank": the place of the clause a nominal trigger sits in; "gave 350 million euros to
#: promote development in Ethiopia": the place of what the act is for; "killed 23 people when they blew
#: themselves up in Tel Aviv": the place of a clause about the same act)
LOCATED_SLOTS = ("place:in", "place:throughout", "place:across", "dobj.place:in", "dobj.place:throughout",
                 "dobj.for.place:in", "prep:for.place:in", "dobj.to.place:in", "prep:to.place:in",
                 "purpose.place:in", "clause.place:in", "aim.place:in", "aim.dobj.place:in", "advcl.place:in")


#: Acts only a state does (arrest, detain, jail, sentence, deport): an agentless passive's agent is
#: the government of the place it happened in ("was arrested on Monday in Niger").
STATE_ACTS = {"COERCED"}


#: Relations whose unnamed perpetrator (a role noun with no country, a weapon) is kept as kind OTHER.
UNNAMED_PERPETRATOR = {"ATTACKED", "COERCED"}


#: Relations whose future tense is a schedule, not a promise: "will meet" is still a meeting.
SCHEDULED = {"CONSULTED"}


def _intent_governed(tok: Token, cues: dict) -> bool:
    """Whether an intent verb ("plans to", "agreed to", "offered to"), a reported "would" or a
    condition ("would meet if") makes the trigger's clause an offer rather than a schedule."""
    if any(c.dep_ == "aux" and c.lower_ == "would" for c in tok.children) or \
            any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in cues["condition"] for m in c.children)
                for c in tok.children):
        return True
    t = tok
    for _ in range(6):
        if t.dep_ not in ("xcomp", "conj", "acomp") or t.head.i == t.i:
            return False
        coordinated = t.dep_ == "conj"
        t = t.head
        if not coordinated and t.lemma_.lower() in cues["intent"]:
            return True  # (a coordinated verb is no governor: "to offer condolences and to meet with X")
    return False


def _posture(tok: Token, cues: dict) -> bool:
    """Whether an intended attack is being prepared ("prepared to resume shelling", "is readying to
    storm the city"): CAMEO codes that as a force posture (150), not a threat (13)."""
    t = tok
    for _ in range(3):
        if t.dep_ not in ("xcomp", "acomp") or t.head.i == t.i:
            return False
        t = t.head
        if t.lemma_.lower() in cues.get("posture", ()):
            return True
    return False


def recode(frame: Frame, tok: Token, modality: str, negated: bool, cues: dict) -> Frame:
    """CAMEO codes an announced cooperative act as PLEDGED (03) and an announced or conditional
    hostile act ("will withdraw ... unless") as THREATENED (13); other events keep their frame."""
    if negated:
        return frame
    if modality == "intended" and frame.relation in INTENT_CODES and \
            (frame.relation not in SCHEDULED or _intent_governed(tok, cues)):
        return replace(frame, relation="PLEDGED", cameo=INTENT_CODES[frame.relation])
    if frame.relation in THREAT_CODES:
        if modality == "intended" and frame.relation == "ATTACKED" and _posture(tok, cues):
            return replace(frame, relation="MOBILIZED", cameo="150")  # "the army prepared to resume shelling"
        if modality == "intended":
            return replace(frame, relation="THREATENED", cameo=THREAT_CODES[frame.relation])
        conditional = any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("unless", "if") for m in c.children)
                          for c in tok.children)
        if conditional and modality in ("intended", "hypothetical", "reported"):
            return replace(frame, relation="THREATENED", cameo=THREAT_CODES[frame.relation])
    return frame


def _as_people(acts: DocActors, r: Resolved, others: list[Resolved]) -> Resolved:
    """A country named by a plural people noun ("Young Algerians", "Iraqi Kurds") acting on its
    own government is its civilians, not the state."""
    head = acts.doc[r.end - 1]
    if r.entry.kind == "COUNTRY" and head.tag_ in ("NNS", "NNPS") and \
            any(o.entry.country == r.entry.country for o in others):
        return Resolved(acts.gaz.country_role(r.entry.country, "CVL"), r.start, r.end, r.quality)
    return r
