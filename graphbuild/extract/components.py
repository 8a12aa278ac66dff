"""spaCy pipeline components registered by name; configured by paths, not code.

- ``graphbuild_paragraphs`` (before the parser): a line break always starts a new sentence,
  so a headline or dateline is never glued to the first sentence.
- ``graphbuild_actors`` (after NER): actor mentions -> ``doc._.gb_actors``.
- ``graphbuild_events`` (last): lexicon frames -> ``doc._.gb_events``; the article date for
  relative dates is read from ``doc.user_data["gb_date"]``; ``verb_files`` adds TABARI/PETRARCH
  verb dictionaries (``--verbs``) after the shipped lexicon.
"""

from __future__ import annotations

from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from ..gazetteer import load_gazetteer
from .actors import build_matchers, find_mentions, has_actors, people_by_surname, with_antecedent
from .context import issuer_of
from .events import sentence_events
from .lexicon import load_cues, load_lexicon

for _name in ("gb_actors", "gb_events"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


@lru_cache(maxsize=4)
def cached_gazetteer(data_dir: str | None, actor_files: tuple[str, ...]):
    return load_gazetteer(data_dir, list(actor_files))


@Language.component("graphbuild_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A token after a line break starts a sentence (one pass: spaCy keeps line breaks as
    whitespace tokens; ``char_span`` per newline was quadratic on long articles)."""
    for tok in doc[:-1]:
        if tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


class ActorFinder:
    def __init__(self, nlp: Language, data_dir: str | None, actor_files: list[str]):
        self.gazetteer = cached_gazetteer(data_dir, tuple(actor_files))
        self.matchers = build_matchers(nlp, self.gazetteer)
        #: (article key, people of its body by surname): the body is parsed before its headline.
        self._body_people: tuple[object, dict] = (None, {})

    def __call__(self, doc: Doc) -> Doc:
        ud = doc.user_data
        title = ud.get("gb_field") == "title"
        key = ud.get("gb_article")
        prior = self._body_people[1] if title and key is not None and self._body_people[0] == key else None
        acts = find_mentions(doc, self.gazetteer, self.matchers, not title,
                             issuer=issuer_of(ud.get("gb_source"), ud.get("gb_url")), prior_people=prior)
        if not title:
            self._body_people = (key, people_by_surname(acts))
        doc._.gb_actors = acts
        return doc


@Language.factory("graphbuild_actors", default_config={"data_dir": None, "actor_files": []})
def make_actor_finder(nlp: Language, name: str, data_dir: str | None, actor_files: list[str]):
    return ActorFinder(nlp, data_dir, actor_files)


def irregular_verbs(nlp: Language, frames: dict) -> dict[str, str]:
    """Irregular verb forms of lexicon lemmas ("overran" -> "overrun"), from the pipeline's own
    lemmatizer tables: the tagger sometimes takes a past form for a present one and keeps it as lemma."""
    try:
        table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")["verb"]
    except (KeyError, AttributeError, ValueError):
        return {}
    verbs = {lemma for lemma, pos in frames if pos == "VERB"}
    return {form: lemmas[0] for form, lemmas in table.items() if lemmas and lemmas[0] in verbs and form != lemmas[0]}


class EventFinder:
    def __init__(self, lexicon: str | None, cues: str | None, verb_files: list[str] = (),
                 nlp: Language | None = None):
        self.frames = load_lexicon(lexicon, tuple(verb_files))
        self.cues = load_cues(cues)
        self.irregular = irregular_verbs(nlp, self.frames) if nlp is not None else {}

    def __call__(self, doc: Doc) -> Doc:
        acts = doc._.gb_actors
        date = doc.user_data.get("gb_date")
        events = []
        if has_actors(acts):
            for sent in doc.sents:
                events.extend(sentence_events(acts, sent, self.frames, self.cues, date, self.irregular))
        named = [r for ev in events for r in (ev.source, ev.target, ev.reported_by) if r is not None]
        for ev in events:  # pronoun arguments are named by what they refer to
            ev.source, ev.target = with_antecedent(acts, ev.source, named), with_antecedent(acts, ev.target, named)
            ev.reported_by = with_antecedent(acts, ev.reported_by, named)
        doc._.gb_events = events
        return doc


@Language.factory("graphbuild_events", default_config={"lexicon": None, "cues": None, "verb_files": []})
def make_event_finder(nlp: Language, name: str, lexicon: str | None, cues: str | None, verb_files: list[str]):
    return EventFinder(lexicon, cues, verb_files, nlp)
