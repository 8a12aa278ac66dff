"""Score the extractor on a gold file of dyadic events (PLOVER gold-standard record format).

A predicted event matches a gold one when the relation is equal and both actors match: by
country (first three letters of the gold CAMEO actor code; for two actors of the same
country also the role), international organisations by name. Negated and hypothetical
predictions are not coded events and do not count (CAMEO codes "threatened to cut ties" as a
threat only). Gold events outside the relation vocabulary or without both actors are not scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError
from .gazetteer import CAMEO_ROLE_ALIASES, Gazetteer
from .ingest import RawArticle
from .vocab import ROLES, relation_for_cameo


@dataclass
class GoldEvent:
    relation: str
    source: str
    target: str
    source_text: str
    target_text: str


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
    typed: Scores = field(default_factory=Scores)
    untyped: Scores = field(default_factory=Scores)
    by_relation: dict[str, Scores] = field(default_factory=dict)
    sentences: int = 0
    gold_events: int = 0
    skipped_gold: int = 0
    errors: list[dict] = field(default_factory=list)


def load_gold(path: str | Path) -> list[dict]:
    items = []
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    raise UserError(f"{path}:{lineno}: malformed JSON ({exc})") from None
                if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not isinstance(obj.get("events"), list):
                    raise UserError(f"{path}:{lineno}: expected an object with 'text' and 'events'")
                obj["_line"] = lineno
                items.append(obj)
    except OSError as exc:
        raise UserError(f"{path}: cannot read gold file ({exc.strerror})") from None
    return items


def gold_events(item: dict) -> tuple[list[GoldEvent], int]:
    out, skipped = [], 0
    for ev in item["events"]:
        code = ev.get("code")
        rel = relation_for_cameo(code) if code else None
        if not rel or not ev.get("source") or not ev.get("target"):
            skipped += 1
            continue
        out.append(GoldEvent(rel, ev["source"], ev["target"], ev.get("source_text") or "", ev.get("target_text") or ""))
    return out, skipped


def _cameo_to_iso(gaz: Gazetteer) -> dict[str, str]:
    table = {iso: iso for iso in gaz.countries}
    for iso, entry in gaz.countries.items():
        if entry.cameo:
            table.setdefault(entry.cameo, iso)
    table.update({"ITL": "ITA", "JAP": "JPN", "VTN": "VNM", "KSV": "XKX", "ROM": "ROU", "ZAR": "COD"})
    return table


def _gold_role(code: str) -> str | None:
    sub = code[3:6].upper()
    if sub in ROLES:
        return sub
    return CAMEO_ROLE_ALIASES.get(sub)


def _norm(text: str) -> str:
    return " ".join(text.lower().replace(".", "").replace("'s ", " ").replace("`", "").split())


def _alias_index(gaz: Gazetteer) -> dict[str, set[str]]:
    """Every normalised surface form of each gazetteer actor id (to match organisations by name)."""
    index: dict[str, set[str]] = {}
    for surface, alias in list(gaz.aliases.items()) + list(gaz.aliases_lower.items()):
        index.setdefault(alias.entry.id, set()).add(_norm(surface))
    return index


def actor_matches(pred: dict, code: str, text: str, same_country: bool, iso: dict[str, str],
                  aliases: dict[str, set[str]] | None = None) -> bool:
    if code.upper().startswith(("IGO", "NGO")) or code[:3].upper() not in iso:  # by name (IGO, NGO, IMG...)
        # gold codes also use IGO for international NGOs (Amnesty International, Red Cross)
        if code.upper().startswith(("IGO", "NGO")) and pred.get("kind") not in ("IGO", "ORGANIZATION") \
                and pred.get("role") not in ("IGO", "NGO"):
            return False
        gold = _norm(text)
        names = {_norm(pred.get("name") or ""), _norm(pred.get("text") or "")}
        names |= (aliases or {}).get(pred.get("id"), set())
        names.discard("")
        return any(n in gold.split() or f" {n} " in f" {gold} " or gold in n for n in names if len(n) > 1)
    country = iso.get(code[:3].upper(), code[:3].upper())
    if pred.get("country") != country:
        return False
    if same_country:
        return (pred.get("role") or None) == _gold_role(code)
    return True


def _match(preds: list[dict], golds: list[GoldEvent], iso, typed: bool, aliases=None) -> int:
    used: set[int] = set()
    hits = 0
    for g in golds:
        same = g.source[:3].upper() == g.target[:3].upper() and g.source[:3].upper() in iso
        for k, p in enumerate(preds):
            if k in used or (typed and p["relation"] != g.relation):
                continue
            if actor_matches(p["source"], g.source, g.source_text, same, iso, aliases) and \
                    actor_matches(p["target"], g.target, g.target_text, same, iso, aliases):
                used.add(k)
                hits += 1
                break
    return hits


def evaluate(items: list[dict], extractor) -> Report:
    """Run ``extractor`` on every gold sentence and score it."""
    gaz = extractor.nlp.get_pipe("graphbuild_actors").gazetteer
    iso = _cameo_to_iso(gaz)
    aliases = _alias_index(gaz)
    report = Report()
    raws = [RawArticle(id=str(it.get("id") or f"line-{it['_line']}"), text=it["text"],
                       date=(it.get("date") or None)) for it in items]
    for item, (raw, records) in zip(items, extractor.extract_many(raws)):
        golds, skipped = gold_events(item)
        report.sentences += 1
        report.gold_events += len(golds)
        report.skipped_gold += skipped
        preds = [r for r in records if not r["negated"] and r["modality"] != "hypothetical"]
        typed_hits = _match(preds, golds, iso, typed=True, aliases=aliases)
        untyped_hits = _match(preds, golds, iso, typed=False, aliases=aliases)
        report.typed.tp += typed_hits
        report.typed.fp += len(preds) - typed_hits
        report.typed.fn += len(golds) - typed_hits
        report.untyped.tp += untyped_hits
        report.untyped.fp += len(preds) - untyped_hits
        report.untyped.fn += len(golds) - untyped_hits
        for rel in {p["relation"] for p in preds} | {g.relation for g in golds}:
            rp = [p for p in preds if p["relation"] == rel]
            rg = [g for g in golds if g.relation == rel]
            hits = _match(rp, rg, iso, typed=True, aliases=aliases)
            s = report.by_relation.setdefault(rel, Scores())
            s.tp += hits
            s.fp += len(rp) - hits
            s.fn += len(rg) - hits
        if typed_hits < max(len(preds), len(golds)):
            report.errors.append({"id": raw.id, "text": item["text"],
                                  "gold": [(g.source, g.relation, g.target) for g in golds],
                                  "pred": [((p["source"]["country"] or "") + (p["source"]["role"] or "") + ":" + p["source"]["name"], p["relation"],
                                            (p["target"]["country"] or "") + (p["target"]["role"] or "") + ":" + p["target"]["name"]) for p in preds]})
    return report
