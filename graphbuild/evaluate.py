"""Score the extractor on a gold file in one of three formats, as the reference scorers do.

- ``plover``: one sentence a record (optional ``context`` sentence before it), dyadic events with
  CAMEO actor codes ("USAGOV") and a CAMEO ``code``/``cameo`` (or a ``relation``).
- ``article``: one record per sentence of whole articles (``article_id``, ``field``, ``span``),
  events with structured actors ``{text, country, role, name}``; each article is extracted whole
  (title + text, from ``--articles``) and an event belongs to the gold sentence whose span holds
  its sentence start.
- ``spans``: one annotated dyad a sentence as text spans (``source_text``/``target_text``) and a
  5-way class ``pentaclass``; a dyad is found when one event's source and target texts share a
  content word with the gold spans.

The definition of every number is the reference scorers' (``../shared/eval/score.py``,
``article_score.py``, ``spans_score.py``, ``sentence_score.py``): events are sets of
(source key, relation, target key) per sentence, actors keyed by ISO-3 country (same-country
pairs also by role), international organisations by normalised name; negated gold events and
negated or hypothetical predictions are not scored.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .ingest import IngestError, RawArticle, article_from_dict

FORMATS = ("plover", "article", "spans")

# ------------------------------------------------------------------ actor keys (score.py)
#: CAMEO code prefix -> relation, most specific first (the reference scorer's table).
CAMEO_TO_REL = [
    ("054", "RECOGNIZED"), ("112", "BLAMED"), ("163", "SANCTIONED"),
    ("02", "APPEALED_TO"), ("03", "PLEDGED"), ("04", "CONSULTED"), ("05", "SUPPORTED"),
    ("06", "COOPERATED"), ("07", "PROVIDED_AID"), ("08", "YIELDED"), ("09", "INVESTIGATED"),
    ("10", "DEMANDED"), ("11", "CRITICIZED"), ("12", "REJECTED"), ("13", "THREATENED"),
    ("14", "PROTESTED"), ("15", "MOBILIZED"), ("16", "REDUCED_RELATIONS"), ("17", "COERCED"),
    ("18", "ATTACKED"), ("19", "ATTACKED"), ("20", "ATTACKED")]
#: Old or CAMEO-specific country codes -> ISO-3.
ALIAS = {"JAP": "JPN", "UK": "GBR", "ENG": "GBR", "PAL": "PSE", "PSE": "PSE", "USR": "RUS", "SUD": "SDN",
         "GER": "DEU", "FRG": "DEU", "SER": "SRB", "ROM": "ROU", "TAW": "TWN", "KOS": "XKX"}
#: CAMEO actor code prefixes that name no country (not scorable by country).
NONSTATE3 = {"IGO", "NGO", "MNC", "---", "INT", "UNK"}
#: ConfliBERT's 5-way class -> the relations that fall in it.
PENTA = {0: {"APPEALED_TO"}, 1: {"PLEDGED", "CONSULTED", "RECOGNIZED", "SUPPORTED"},
         2: {"COOPERATED", "PROVIDED_AID", "YIELDED"},
         3: {"INVESTIGATED", "DEMANDED", "CRITICIZED", "BLAMED", "REJECTED", "THREATENED", "REDUCED_RELATIONS"},
         4: {"PROTESTED", "MOBILIZED", "COERCED", "SANCTIONED", "ATTACKED"}}
#: Words that do not count as overlap between span texts.
STOP = set("the a an of in on at to for and his her its their this that these those another other some".split())


def rel_of_code(code) -> str | None:
    """The relation a CAMEO event code falls in, or None (codes 01, unknown)."""
    if not code:
        return None
    for prefix, rel in CAMEO_TO_REL:
        if str(code).startswith(prefix):
            return rel
    return None


def norm_name(s) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (s or "").lower()).strip()


def actor_key(a) -> str | None:
    """Country code, or ``IGO:<name>``, or None when not a scorable political actor."""
    if a is None:
        return None
    if isinstance(a, str):  # CAMEO actor code like HUNGOV
        c = a[:3].upper()
        if not c.isalpha() or c in NONSTATE3:
            return None
        return ALIAS.get(c, c)
    if not isinstance(a, dict):
        return None
    c = a.get("country")
    if c:
        c = c.upper()
        return ALIAS.get(c, c)
    role = (a.get("role") or "").upper()
    kind = (a.get("kind") or "").upper()
    if role == "IGO" or kind in ("IGO", "INTERNATIONAL_ORGANIZATION"):
        name = norm_name(a.get("name"))
        return "IGO:" + name if name else None
    return None


def role_of(a) -> str | None:
    if isinstance(a, str):
        return a[3:6].upper() or None
    return (a.get("role") or None) if isinstance(a, dict) else None


def dyad(src, tgt) -> tuple[str | None, str | None]:
    """Actor keys for a pair; within one country the role (GOV, REB, OPP...) tells them apart."""
    s, t = actor_key(src), actor_key(tgt)
    if s and t and s == t and not s.startswith("IGO:"):
        rs, rt = role_of(src), role_of(tgt)
        if rs and rt and rs != rt:
            return f"{s}:{rs}", f"{t}:{rt}"
    return s, t


def event_relation(e: dict) -> str | None:
    return e.get("relation") or rel_of_code(e.get("code") or e.get("cameo"))


def event_key(e: dict) -> tuple[str, str, str] | None:
    """(source key, relation, target key) of a gold or predicted event, or None if not scorable."""
    rel = event_relation(e)
    s, t = dyad(e.get("source"), e.get("target"))
    if rel and s and t and s != t:
        return s, rel, t
    return None


def scored_prediction(e: dict) -> bool:
    """Negated and hypothetical events are not analyst edges: never scored."""
    return not e.get("negated") and e.get("modality") != "hypothetical"


# ------------------------------------------------------------------ reports
@dataclass
class Scores:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    """Scores of one gold file; ``spans`` holds the span-dyad figures (spans format only)."""

    format: str
    sentences: int = 0
    gold_events: int = 0
    pred_events: int = 0
    unscored_gold: int = 0
    typed: Scores = field(default_factory=Scores)
    untyped: Scores = field(default_factory=Scores)
    by_relation: dict[str, Scores] = field(default_factory=dict)
    spans: dict | None = None
    errors: list[dict] = field(default_factory=list)

    def as_dict(self, by_relation: bool = False, errors: bool = False) -> dict:
        out: dict = {"format": self.format, "sentences": self.sentences}
        if self.spans is not None:
            out.update(self.spans)
        else:
            out.update({"gold_events": self.gold_events, "pred_events": self.pred_events,
                        "unscored_gold_events": self.unscored_gold,
                        "typed": self.typed.as_dict(), "untyped": self.untyped.as_dict()})
            if by_relation:
                out["by_relation"] = {k: v.as_dict() for k, v in sorted(self.by_relation.items())}
        if errors:
            out["errors"] = self.errors
        return out


# ------------------------------------------------------------------ reading gold files
def _jsonl_objects(path: str | Path, what: str):
    """(line number, object) of each non-empty line; a malformed line or an unreadable file is a
    one-line error naming it."""
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield lineno, json.loads(line)
                except ValueError as exc:
                    raise UserError(f"{path}:{lineno}: malformed JSON ({exc})") from None
    except OSError as exc:
        raise UserError(f"{path}: cannot read {what} ({exc.strerror})") from None


def load_gold(path: str | Path) -> list[dict]:
    """The records of a gold JSONL file; a malformed line is a one-line error naming it."""
    items = []
    for lineno, obj in _jsonl_objects(path, "gold file"):
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) \
                or not isinstance(obj.get("events"), list) \
                or not all(isinstance(e, dict) for e in obj["events"]):
            raise UserError(f"{path}:{lineno}: expected an object with 'text' and a list of 'events'")
        obj["_line"] = lineno
        items.append(obj)
    if not items:
        raise UserError(f"{path}: no gold records")
    return items


def _record_format(obj: dict) -> str:
    if "article_id" in obj or "span" in obj:
        return "article"
    if "pentaclass" in obj or any(("source_text" in e or "target_text" in e) and "source" not in e
                                  for e in obj["events"]):
        return "spans"
    return "plover"


def detect_format(items: list[dict], path: str | Path = "gold") -> str:
    """The gold format from the records' fields; records of mixed formats are an error."""
    seen: dict[str, dict] = {}
    for it in items:
        seen.setdefault(_record_format(it), it)
    if len(seen) > 1:
        (f1, a), (f2, b) = list(seen.items())[:2]
        raise UserError(f"{path}: records of two formats (line {a['_line']}: {f1}, line {b['_line']}: {f2}); "
                        f"choose one with --format")
    return next(iter(seen))


def _check(items: list[dict], fmt: str, path) -> None:
    for it in items:
        where = f"{path}:{it['_line']}"
        if fmt == "article":
            span = it.get("span")
            if not isinstance(it.get("article_id"), str) or not (
                    isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
                raise UserError(f"{where}: a whole-article record needs 'article_id' and 'span': [start, end]")
            if it.get("field", "text") not in ("title", "text"):
                raise UserError(f"{where}: 'field' must be 'title' or 'text'")
    seen: dict[str, int] = {}
    for it in items:
        gid = _gold_id(it)
        if gid in seen:
            raise UserError(f"{path}:{it['_line']}: id {gid!r} already used on line {seen[gid]}")
        seen[gid] = it["_line"]


def _gold_id(it: dict) -> str:
    return str(it.get("id") or f"line-{it['_line']}")


# ------------------------------------------------------------------ inputs given to the extractor
@dataclass
class Inputs:
    """What the extractor reads for a gold file, and where each gold sentence sits in it."""

    articles: list[dict]  # the article records, exactly as the reference scorer writes them
    #: gold id -> (article id, field, start, end): an event starting there belongs to it
    spans: dict[str, tuple[str, str, int, int]]


def _read_articles(path: str | Path, want: set[str]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for _, a in _jsonl_objects(path, "articles"):
        if isinstance(a, dict) and a.get("id") in want and a["id"] not in found:
            found[a["id"]] = a
    return found


def build_inputs(items: list[dict], fmt: str, articles_path: str | Path | None = None) -> Inputs:
    """The articles to extract for a gold file (as the reference scorers build them)."""
    arts: list[dict] = []
    spans: dict[str, tuple[str, str, int, int]] = {}
    if fmt == "article":
        if not articles_path:
            raise UserError("whole-article gold needs the articles: --articles ARTICLES.jsonl")
        want = {it["article_id"] for it in items}
        found = _read_articles(articles_path, want)
        for it in items:
            if it["article_id"] not in found:
                raise UserError(f"{articles_path}: no article {it['article_id']!r} (gold line {it['_line']})")
        for a in found.values():  # in the order of the articles file, as the reference scorer does
            arts.append({k: a[k] for k in ("id", "title", "date", "text", "url", "source") if a.get(k)})
        for it in items:
            spans[_gold_id(it)] = (it["article_id"], it.get("field", "text"), it["span"][0], it["span"][1])
    elif fmt == "plover":
        for it in items:
            gid = _gold_id(it)
            ctx = (it.get("context") or "").strip()
            text = (ctx + " " + it["text"]) if ctx else it["text"]
            rec = {"id": gid, "text": text}
            if it.get("date") and it["date"] != "2000-01-01":
                rec["date"] = it["date"]
            arts.append(rec)
            spans[gid] = (gid, "text", len(ctx) + 1 if ctx else 0, len(text))
    else:
        for it in items:
            gid = _gold_id(it)
            arts.append({"id": gid, "text": it["text"]})
            spans[gid] = (gid, "text", 0, len(it["text"]))
    return Inputs(arts, spans)


def extract_inputs(inputs: Inputs, extractor, progress: bool = False) -> dict[str, list[dict]]:
    """Event records by article id, extracted in-process exactly as ``graphbuild extract`` would."""
    from tqdm import tqdm

    from .pipeline import extract_stream
    from .progress import bar as progress_bar

    raws: list[RawArticle | IngestError] = [article_from_dict(a, f"article {a.get('id')}") for a in inputs.articles]
    preds: dict[str, list[dict]] = {}
    with progress_bar(not progress, total=len(raws), desc="eval", unit=" articles",
                      mininterval=0.5) as bar:
        for result in extract_stream(raws, extractor=extractor):
            bar.update(1)
            if result.error is not None:
                tqdm.write(f"graphbuild eval: {result.error} (scored without events)", file=sys.stderr)
                continue
            preds[result.raw.id] = result.records
    return preds


def assign(inputs: Inputs, preds: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Predicted records by gold sentence id: the first gold span holding the event's start."""
    by_place: dict[tuple[str, str], list[tuple[int, int, str]]] = defaultdict(list)
    for gid, (aid, fld, s0, s1) in inputs.spans.items():
        by_place[(aid, fld)].append((s0, s1, gid))
    out: dict[str, list[dict]] = defaultdict(list)
    for aid, records in preds.items():
        for e in records:
            st = e.get("start") or 0
            for s0, s1, gid in by_place.get((aid, e.get("field", "text")), []):
                if s0 - 1 <= st < s1:
                    out[gid].append(e)
                    break
    return out


# ------------------------------------------------------------------ scoring
def _actor_text(a) -> str:
    if isinstance(a, dict):
        return a.get("text") or a.get("name") or ""
    return ""


def score_triples(items: list[dict], fmt: str, by_sentence: dict[str, list[dict]]) -> Report:
    """Typed and untyped (dyad) P/R/F1 over sets of (source, relation, target) per sentence."""
    report = Report(format=fmt)
    for it in items:
        gid = _gold_id(it)
        report.sentences += 1
        gold: dict[tuple, dict] = {}
        for e in it["events"]:
            key = event_key(e)
            if key is None or e.get("negated"):
                report.unscored_gold += 1
                continue
            gold.setdefault(key, e)
        pred: dict[tuple, dict] = {}
        for e in by_sentence.get(gid, ()):
            if not scored_prediction(e):
                continue
            key = event_key(e)
            if key is not None:
                pred.setdefault(key, e)
        report.gold_events += len(gold)
        report.pred_events += len(pred)
        for key in pred:
            s = report.by_relation.setdefault(key[1], Scores())
            if key in gold:
                report.typed.tp += 1
                s.tp += 1
            else:
                report.typed.fp += 1
                s.fp += 1
        for key in gold.keys() - pred.keys():
            report.typed.fn += 1
            report.by_relation.setdefault(key[1], Scores()).fn += 1
        gd = {(a, b) for a, _, b in gold}
        pd = {(a, b) for a, _, b in pred}
        report.untyped.tp += len(gd & pd)
        report.untyped.fp += len(pd - gd)
        report.untyped.fn += len(gd - pd)
        sentence = it.get("text", "")
        for key, e in pred.items():
            if key not in gold:
                other = sorted(k[1] for k in gold if (k[0], k[2]) == (key[0], key[2]))
                report.errors.append({
                    "sentence_id": gid, "kind": "false_positive", "sentence": e.get("sentence") or sentence,
                    "relation": key[1], "gold_relation": other[0] if other else None,
                    "source": {"key": key[0], "text": _actor_text(e.get("source"))},
                    "target": {"key": key[2], "text": _actor_text(e.get("target"))},
                    "trigger": e.get("trigger"), "modality": e.get("modality")})
        for key, e in gold.items():
            if key not in pred:
                other = sorted(k[1] for k in pred if (k[0], k[2]) == (key[0], key[2]))
                report.errors.append({
                    "sentence_id": gid, "kind": "miss", "sentence": sentence,
                    "relation": key[1], "predicted_relation": other[0] if other else None,
                    "source": {"key": key[0], "text": _actor_text(e.get("source")) or e.get("source_text") or ""},
                    "target": {"key": key[2], "text": _actor_text(e.get("target")) or e.get("target_text") or ""},
                    "trigger": e.get("event_text") or None, "note": e.get("note")})
    return report


def _toks(s) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", (s or "").lower()) if w not in STOP}


def _overlap(a, b) -> bool:
    return bool(_toks(a) & _toks(b))


def score_spans(items: list[dict], by_sentence: dict[str, list[dict]]) -> Report:
    """Span dyads: fired rate, dyad recall by content-word overlap, class-typed recall."""
    report = Report(format="spans")
    n = hit = typed = fired = npred = 0
    for it in items:
        gid = _gold_id(it)
        report.sentences += 1
        preds = [e for e in by_sentence.get(gid, ()) if scored_prediction(e)]
        npred += len(preds)
        penta = it.get("pentaclass")
        for ge in it["events"]:
            if not ge.get("source_text") or not ge.get("target_text"):
                report.unscored_gold += 1
                continue
            n += 1
            fired += bool(preds)
            m = [e for e in preds if _overlap((e.get("source") or {}).get("text"), ge["source_text"])
                 and _overlap((e.get("target") or {}).get("text"), ge["target_text"])]
            good = bool(m) and penta in PENTA and any(e.get("relation") in PENTA[penta] for e in m)
            hit += bool(m)
            typed += good
            if not good:
                report.errors.append({
                    "sentence_id": gid, "kind": "wrong_class" if m else "miss", "sentence": it["text"],
                    "pentaclass": penta, "relations": sorted(PENTA.get(penta, ())),
                    "source": {"text": ge["source_text"]}, "target": {"text": ge["target_text"]},
                    "predicted": [{"relation": e.get("relation"), "source": _actor_text(e.get("source")),
                                   "target": _actor_text(e.get("target")), "trigger": e.get("trigger")}
                                  for e in preds]})
    report.gold_events = n
    report.pred_events = npred
    report.spans = {"gold": n, "fired": round(fired / n, 3) if n else 0.0,
                    "dyad_recall": round(hit / n, 3) if n else 0.0,
                    "typed_recall": round(typed / n, 3) if n else 0.0,
                    "events_per_sentence": round(npred / len(items), 3) if items else 0.0}
    return report


def score(items: list[dict], fmt: str, inputs: Inputs, preds: dict[str, list[dict]]) -> Report:
    """Score predictions (records by article id) against the gold records."""
    by_sentence = assign(inputs, preds)
    return score_spans(items, by_sentence) if fmt == "spans" else score_triples(items, fmt, by_sentence)


def evaluate(path: str | Path, extractor, fmt: str | None = None, articles: str | Path | None = None,
             progress: bool = False) -> Report:
    """Read a gold file, extract its sentences or articles in-process and score them."""
    items = load_gold(path)
    if fmt is not None and fmt not in FORMATS:
        raise UserError(f"unknown gold format {fmt!r} (one of {', '.join(FORMATS)})")
    fmt = fmt or detect_format(items, path)
    _check(items, fmt, path)
    if fmt == "article" and articles is None:
        beside = Path(path).resolve().parent.parent / "corpus" / "articles.jsonl"
        articles = beside if beside.exists() else None
    inputs = build_inputs(items, fmt, articles)
    preds = extract_inputs(inputs, extractor, progress)
    return score(items, fmt, inputs, preds)
