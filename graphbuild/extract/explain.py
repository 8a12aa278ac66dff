"""Why extraction found (or missed) each event: a trace of the rules on one text.

The text goes through the extractor's own pipeline; the events reported are the ones the
pipeline emitted. The trace re-runs :mod:`events` on the same parse, in the order
:func:`events.sentence_events` uses it: for every token with lexicon frames, each frame's
``requires`` check (``_frame_fits``), then for a fitting frame ``_apply_frame`` itself with a
trace that records the source tokens, the target slots, how each argument resolved and why one
was rejected — one implementation, so the trace cannot drift from what extraction does.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from ..ingest import RawArticle
from . import events as ev
from .actors import DocActors, Resolved, has_actors, resolve


def _frame_desc(frame) -> dict:
    req = {k: (sorted(v) if isinstance(v, frozenset) else v) for k, v in frame.requires.items()}
    return {"lemma": frame.lemma, "pos": frame.pos, "requires": req, "targets": list(frame.targets),
            "other_ok": sorted(frame.allow_other), "relation": frame.relation, "cameo": frame.cameo,
            "confidence": frame.confidence}


def _mention_how(m, acts: DocActors) -> str:
    """Where a mention came from: the gazetteer, spaCy's NER, or a surname of an earlier mention."""
    if m.how.startswith("ner-"):
        return "NER" + (" (country from context)" if m.quality == 0.75 else "")
    if m.how == "person" and m.quality < 1.0:
        earlier = any(o.entry.id == m.entry.id and o.start < m.start and o.end - o.start >= 2 for o in acts.mentions)
        return "coref (surname of an earlier mention)" if earlier else "gazetteer (surname)"
    return f"gazetteer ({m.how})"


def _actor(acts: DocActors, r: Resolved) -> dict:
    rec = r.record(acts.doc)
    return {k: rec.get(k) for k in ("text", "id", "name", "kind", "country", "role")}


def _arg_how(acts: DocActors, tok: Token, r: Resolved, loose: bool, speaker: Resolved | None) -> str:
    m = acts.mention_at(tok)
    if m is not None and m.entry.id == r.entry.id:
        return _mention_how(m, acts)
    if tok.pos_ == "PRON" or tok.lower_ in ev.SPEAKER_PERSON | ev.SPEAKER_GROUP:
        if speaker is not None and r.start == tok.i and r.end == tok.i + 1 and r.entry.country == speaker.entry.country:
            return "coref (pronoun = the reporting speaker)"
        return "coref (pronoun)"
    if loose:
        return "loose (possessor, modifier or place phrase)"
    return "context (role word, of-phrase or coreference)"


def _missing(key: str, what: str, have: list[str]) -> str:
    return f"{key}: {what} {', '.join(have)}, not one listed" if have else f"{key}: no {what}"


def _kids(tok: Token, deps: tuple[str, ...], lemma: bool = False) -> list[str]:
    return [f"{c.text!r} (lemma {c.lemma_.lower()})" if lemma else repr(c.text) for c in tok.children if c.dep_ in deps]


#: How ``explain`` words each failed condition of ``events.CONDITIONS`` (what it found instead).
_WHY = {
    "obj": lambda tok, w: _missing("obj", "object", [f"{o.text!r} (lemma {o.lemma_.lower()})" for o in ev._objects(tok)]),
    "prep": lambda tok, w: _missing("prep", "preposition on the trigger", _kids(tok, ev.PREP_DEPS)),
    "prt": lambda tok, w: _missing("prt", "particle", _kids(tok, ev.PRT_DEPS)),
    "xcomp": lambda tok, w: _missing("xcomp", "open complement", _kids(tok, ("xcomp",), lemma=True)),
    "oprd": lambda tok, w: _missing("oprd", "predicative complement", _kids(tok, ev.OPRD_DEPS)),
    "mod": lambda tok, w: _missing("mod", "modifier", _kids(tok, ev.MOD_DEPS)),
    "transitive": lambda tok, w: "transitive: the trigger has no direct object (\"returned to Kabul\" is a trip)",
    "in": lambda tok, w: f"in: the trigger is not the object of {'/'.join(sorted(w))} (\"went on strike\")",
    "intransitive": lambda tok, w: "intransitive: the trigger has a direct object (\"demonstrated its commitment\" is no protest)",
    "notobj": lambda tok, w: "notobj: the object is one the frame excludes (offering condolences is a statement)",
    "nothat": lambda tok, w: "nothat: the trigger has a that-clause (agreeing that is a statement)",
    "pobj": lambda tok, w: _missing("pobj", "prepositional object", [f"{o.text!r} (lemma {o.lemma_.lower()})"
                                                                   for o in ev._pobjs(tok)]),
    "adv": lambda tok, w: _missing("adv", "adverb", _kids(tok, ("advmod",))),
}


def _failed_conditions(frame, tok: Token) -> list[str]:
    """Why a frame does not fit the trigger: each failed ``requires`` condition, with what is there."""
    out = [_WHY[k](tok, frame.requires[k]) for k in ev.failed_conditions(frame, tok)]
    return out or ["a condition explain does not know (see events.CONDITIONS)"]


def trace_frame(acts: DocActors, sent: Span, tok: Token, frame, cues: dict, date: str | None) -> dict:
    """Sources, target slots and outcome of one fitting frame, as ``events._apply_frame`` records them."""
    trace: dict = {}
    found = ev._apply_frame(acts, sent, tok, frame, cues, date, trace=trace)
    speaker = trace.get("reported_by")

    def arg(note: dict) -> dict:
        r = note["resolved"]
        t = acts.doc[note["i"]]
        how = note["how"]
        if r is not None and how in ("direct", "direct or loose"):
            how = _arg_how(acts, t, r, resolve(acts, t, set(), cues=cues) is None, speaker)
        return {"token": note["token"], "i": note["i"], "actor": _actor(acts, r) if r is not None else None,
                "how": how if r is not None else None, "rejected": note["rejected"]}

    out = {"reported_by": _actor(acts, speaker) if speaker is not None else None,
           "reported_by_token": trace.get("reported_by_token"),
           "source_tokens": [arg(n) for n in trace.get("source_tokens", ())],
           "slots": [{"slot": sl["slot"], "tokens": [arg(n) for n in sl["tokens"]]} for sl in trace.get("slots", ())],
           "reciprocal": trace.get("reciprocal", False)}
    if "why_not" in trace:
        out["why_not"] = trace["why_not"]
    out["_found"] = found
    return out


def _event(acts: DocActors, e) -> dict:
    return {"source": _actor(acts, e.source), "relation": e.frame.relation, "cameo": e.frame.cameo,
            "target": _actor(acts, e.target), "modality": e.modality, "negated": e.negated, "date": e.date.date,
            "date_source": e.date.source, "date_period": e.date.period,
            "trigger": " ".join(t.text for t in e.trigger_tokens), "confidence": e.confidence}


def trace_sentence(acts: DocActors, sent: Span, frames: dict, cues: dict, date: str | None,
                   irregular: dict[str, str] | None = None) -> dict:
    """Every trigger with lexicon frames in a sentence and what each frame did (``sentence_events``' loop)."""
    triggers, unknown = [], []
    for tok in sent:
        pos = "VERB" if tok.pos_ in ev.VERBAL else ("NOUN" if tok.pos_ in ("NOUN", "PROPN") else None)
        if pos is None:
            continue
        tried, candidates = [], None
        for lemma in ev._lemmas(tok, pos, irregular):
            tried.append(lemma)
            candidates = frames.get((lemma, pos))
            if candidates:
                break
        if not candidates:
            if pos == "VERB" and tok.pos_ == "VERB":
                unknown.append(tok.lemma_.lower())
            continue
        entry = {"token": tok.text, "i": tok.i, "lemma": tok.lemma_.lower(), "pos": pos, "tag": tok.tag_,
                 "dep": tok.dep_, "lemmas_tried": tried, "frames": []}
        for n, frame in enumerate(candidates, 1):
            note = {"n": n, "frame": _frame_desc(frame)}
            entry["frames"].append(note)
            if not ev._frame_fits(frame, tok):
                note["fits"], note["failed"] = False, _failed_conditions(frame, tok)
                continue
            note["fits"] = True
            note.update(trace_frame(acts, sent, tok, frame, cues, date))
            found = note.pop("_found")
            note["events"] = [_event(acts, e) for e in found or ()]
            if found is not None and all(e.target.entry.kind == "OTHER" for e in found) and n < len(candidates):
                note["fallback"] = True  # a non-actor target: kept only if no later frame names an actor
                continue
            if found is not None:
                note["used"] = True
                if n < len(candidates):
                    note["later_frames_not_tried"] = len(candidates) - n
                break
        triggers.append(entry)
    obligations = [_event(acts, e) for e in ev.obligation_events(acts, sent, cues, date)]
    return {"triggers": triggers, "verbs_without_frames": unknown, "obligation_events": obligations}


def explain(extractor, text: str, title: str | None = None, date: str | None = None,
            source: str | None = None, url: str | None = None) -> list[dict]:
    """The trace of every sentence of a text (and its title), with the events extraction emitted."""
    from . import to_record
    raw = RawArticle(id="explain", text=text, title=title, date=date, source=source, url=url)
    finder = extractor.nlp.get_pipe("graphbuild_events")
    out = []
    for doc in extractor.nlp.pipe(extractor._docs([raw])):
        field = doc.user_data["gb_field"]
        original = raw.title if field == "title" else raw.text
        acts: DocActors = doc._.gb_actors
        emitted = sorted(doc._.gb_events or (), key=lambda e: (e.trigger.i, e.source.start, e.target.start))
        for sent in doc.sents:
            if not sent.text.strip():
                continue
            mentions = [m for m in acts.mentions if sent.start <= m.start < sent.end]
            rec = {"field": field, "start": sent.start_char, "end": sent.end_char,
                   "text": original[sent.start_char:sent.end_char].strip(),
                   "actors": [{"text": m.text(doc), "id": m.entry.id, "name": m.entry.name, "kind": m.entry.kind,
                               "country": m.entry.country, "role": m.entry.role, "how": _mention_how(m, acts),
                               "quality": m.quality} for m in mentions]}
            if has_actors(acts):
                rec.update(trace_sentence(acts, sent, finder.frames, finder.cues, doc.user_data.get("gb_date"),
                                          finder.irregular))
            else:
                rec.update({"triggers": [], "verbs_without_frames": [], "obligation_events": [],
                            "skipped": "no actor anywhere in the text: no frame is tried"})
            rec["events"] = [to_record(e, raw.id, original, field) for e in emitted
                             if sent.start <= e.trigger.i < sent.end]
            out.append(rec)
    return out


# ------------------------------------------------------------------ text rendering
def _who(a: dict | None) -> str:
    if not a:
        return "-"
    bits = [a.get("id") or "?"]
    if a.get("country") or a.get("role"):
        bits.append(f"{a.get('country') or '-'}/{a.get('role') or '-'}")
    return f"{a.get('text')!r} -> " + " ".join(bits)


def _req(frame: dict) -> str:
    parts = [k if v is True else f"{k}={'|'.join(v)}" for k, v in frame["requires"].items()]
    return ", ".join(parts) or "nothing"


def render(sentences: list[dict]) -> str:
    """The trace as readable text, one block per sentence."""
    lines: list[str] = []
    w = lines.append
    for s in sentences:
        w(f"[{s['field']} {s['start']}:{s['end']}] {' '.join(s['text'].split())}")
        if s["actors"]:
            w("  actors:")
            for a in s["actors"]:
                w(f"    {a['text']!r}: id {a['id']}, {a['kind']}, country {a['country'] or '-'}, "
                  f"role {a['role'] or '-'} [{a['how']}]")
        else:
            w("  actors: none in this sentence")
        if s.get("skipped"):
            w(f"  {s['skipped']}")
        for t in s["triggers"]:
            tried = " -> ".join(t["lemmas_tried"])
            w(f"  trigger {t['token']!r} (lemma {t['lemma']}, {t['pos']} {t['tag']}, dep {t['dep']}; "
              f"lexicon looked up: {tried}): {len(t['frames'])} frame(s) tried")
            for f in t["frames"]:
                fr = f["frame"]
                w(f"    frame {f['n']}: {fr['relation']} {fr['cameo']}  requires {_req(fr)}  "
                  f"targets {'|'.join(fr['targets'])}")
                if not f["fits"]:
                    for c in f["failed"]:
                        w(f"      does not fit: {c}")
                    continue
                w("      fits")
                if f.get("reported_by_token"):
                    w(f"      reported by {f['reported_by_token']!r}: {_who(f['reported_by'])}")
                if not f["source_tokens"]:
                    w("      source: none")
                for a in f["source_tokens"]:
                    verdict = f"rejected: {a['rejected']}" if a["rejected"] else "ok"
                    w(f"      source {_who(a['actor']) if a['actor'] else repr(a['token'])}"
                      f"{' [' + a['how'] + ']' if a['how'] else ''}: {verdict}")
                empty = [sl["slot"] for sl in f["slots"] if not sl["tokens"]]
                if empty:
                    w(f"      target slots with nothing there: {', '.join(empty)}")
                for sl in f["slots"]:
                    for a in sl["tokens"]:
                        verdict = f"rejected: {a['rejected']}" if a["rejected"] else "ok"
                        w(f"      target slot {sl['slot']}: {_who(a['actor']) if a['actor'] else repr(a['token'])}"
                          f"{' [' + a['how'] + ']' if a['how'] else ''}: {verdict}")
                if f.get("reciprocal"):
                    w("      no target: coordinated sources act on each other (mutual)")
                if f.get("why_not"):
                    w(f"      => no event: {f['why_not']}")
                for e in f.get("events", ()):
                    w(f"      => {e['source']['id']} {e['relation']} {e['target']['id']} ({e['cameo']}, {e['modality']}"
                      f"{', negated' if e['negated'] else ''})")
                if f.get("fallback"):
                    w("      (a non-actor target: kept only if no later frame names an actor)")
                if f.get("later_frames_not_tried"):
                    w(f"      (the first frame that yields events wins: {f['later_frames_not_tried']} later frame(s) not tried)")
        if s["verbs_without_frames"]:
            w(f"  verbs with no lexicon frame: {', '.join(s['verbs_without_frames'])}")
        for e in s["obligation_events"]:
            w(f"  obligation (must/should under a speech verb): {e['source']['id']} DEMANDED {e['target']['id']}")
        if s["events"]:
            w("  events:")
            for e in s["events"]:
                w(f"    {e['source']['text']!r} ({e['source']['id']}) {e['relation']} {e['target']['text']!r} "
                  f"({e['target']['id']})  cameo {e['cameo']}, {e['modality']}, "
                  f"{'NEGATED' if e['negated'] else 'not negated'}, date {e['date'] or '-'}, "
                  f"trigger {e['trigger']!r}, confidence {e['confidence']}")
        else:
            w("  events: none")
        w("")
    return "\n".join(lines)
