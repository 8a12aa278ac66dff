"""Actor mentions in a parsed Doc and the resolution of an argument's head word to an actor.

Mentions come from the gazetteer (exact surface forms), from spaCy's named entities (unknown
people and organisations, with country and role from titles, demonyms and appositives), and
from within-article coreference (surnames, pronouns, "the country", "the regime").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from spacy.attrs import IDX, LENGTH, LOWER
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..gazetteer import ActorEntry, Gazetteer, slugify
from ..names import NAME_FUNCTION_WORDS
from .context import NON_SPEAKERS, IssuerSpec, speaker_labels

#: Left modifiers that belong to a noun phrase's head (titles, demonyms, names, possessors).
NP_MODS = {"compound", "amod", "nmod", "poss", "det", "nummod", "case", "punct", "quantmod"}
PRONOUNS_PERSON = {"he", "she", "him", "her", "his", "hers"}
PRONOUNS_GROUP = {"it", "they"}
PRONOUNS_SPEAKER = {"it", "they", "we", "he", "she", "i", "its", "their", "our", "his", "her", "us", "them"}
RELATIVE = {"who", "which", "that", "whom"}
#: First-person pronouns: the transcript speaker, else the article's issuer.
FIRST_PERSON = {"we", "us", "our", "ours", "i", "me", "my"}
#: Second-person pronouns: in a transcript, the other speaker.
SECOND_PERSON = {"you", "your", "yours"}
#: Words after "you" that make it the audience ("thank you, everyone"), not the other speaker.
AUDIENCE = {"everyone", "everybody", "all"}
#: Words in an unknown organisation's name that make it an actor, with the role they imply.
ORG_KEYWORDS = {
    "party": "PTY", "front": "REB", "movement": "OPP", "army": "MIL", "forces": "MIL",
    "brigade": "REB", "brigades": "REB", "militia": "REB", "ministry": "GOV", "council": "GOV",
    "committee": "GOV", "government": "GOV", "court": "JUD", "tribunal": "JUD", "police": "COP",
    "parliament": "LEG", "assembly": "LEG", "congress": "LEG", "senate": "LEG", "union": None,
    "association": "NGO", "organization": None, "organisation": None, "agency": "GOV",
    "alliance": None, "coalition": "OPP", "bank": "BUS", "corporation": "BUS", "company": "BUS",
    "group": None, "forum": "NGO", "jihad": "REB", "league": "PTY", "liberation": "REB", "rebels": "REB", "guard": "MIL",
    "airlines": "BUS", "airline": "BUS", "airways": "BUS", "regulator": "GOV", "commission": "GOV",
    "authority": "GOV", "directorate": "GOV", "department": "GOV", "bureau": "GOV", "militias": "REB",
    "navy": "MIL", "legislature": "LEG", "duma": "LEG", "cabinet": "GOV", "prosecutor": "JUD",
}
#: Roles of national bodies: an unknown ministry or parliament belongs to some country.
NATIONAL_ROLES = {"GOV", "LEG", "MIL", "COP", "JUD"}
#: Prepositions after which a capital or city is where something happens, not who acts.
LOCATIVE = {"in", "to", "at", "into", "near", "outside", "inside", "around", "across", "throughout", "towards",
            "toward", "within", "via"}
#: Prefixes of ship names ("USS Grayback", "HMS Defender"): a vessel, never a person.
SHIP_PREFIXES = {"USS", "U.S.S.", "HMS", "H.M.S.", "HMCS", "HMAS", "HMNZS", "INS", "RFS", "MV", "M/V", "SS", "USNS",
                 "RV", "USCGC", "PNS", "TCG", "HNLMS", "JDS", "JS", "ROKS", "KRI", "BRP", "HMIS"}
#: Words that make a named-entity "person" a building, site or vessel ("Al-Aqsa Mosque", "Hagia Sophia Museum").
NOT_PERSON_WORDS = {"mosque", "church", "cathedral", "palace", "tower", "temple", "basilica", "abbey", "shrine",
                    "museum", "stadium", "airport", "hotel", "hospital", "university", "college", "school",
                    "bridge", "square", "hall", "building", "castle", "fort", "base", "prison", "embassy",
                    "monastery", "synagogue", "centre", "center", "library", "station", "dam", "plant", "arena",
                    "carrier", "destroyer", "frigate", "submarine", "ship", "vessel", "tanker", "cruiser"}
#: Heads of an appositive that tie a person to an organisation ("a spokesman for the PMF").
AFFILIATION_HEADS = {"spokesman", "spokeswoman", "spokesperson", "official", "member", "commander", "leader",
                     "head", "chief", "founder", "representative", "envoy", "negotiator", "fighter", "militant",
                     "deputy", "director", "chairman", "chairwoman", "chair", "president", "secretary",
                     "minister", "officer", "adviser", "advisor", "aide", "lawmaker", "legislator", "senator",
                     "ambassador", "general", "colonel", "lieutenant", "captain", "emir", "cofounder", "co-founder"}
#: Words after "Georgia" (or "Georgia's") that only a US state has ("Georgia governor", "Georgia's secretary of state").
US_STATE_CUES = {"governor", "gov.", "lieutenant", "legislature", "lawmakers", "legislators", "republicans",
                 "democrats", "gop", "voters", "county", "counties", "runoff", "primary", "primaries", "senate",
                 "house", "state", "statehouse", "attorney", "supreme", "sheriff", "sen.", "rep.", "bulldogs"}


@dataclass
class Mention:
    """A span that names an actor; ``how`` says where it came from."""

    start: int
    end: int
    entry: ActorEntry
    how: str
    quality: float = 1.0

    def text(self, doc: Doc) -> str:
        return doc[self.start:self.end].text


@dataclass
class Resolved:
    """An argument resolved to an actor: the entry, its surface span and how sure we are."""

    entry: ActorEntry
    start: int
    end: int
    quality: float
    #: (start, end) of the name a pronoun stands for ("it" -> "the Nigerian Air Force"), when named before.
    antecedent: tuple[int, int] | None = None

    @property
    def named_span(self) -> tuple[int, int]:
        """The tokens that name the actor: the antecedent of a pronoun, else the argument itself."""
        return self.antecedent or (self.start, self.end)

    def record(self, doc: Doc) -> dict:
        a, b = self.named_span
        text = doc[a:b].text.strip(" \"'“”‘’")
        return self.entry.as_record(text or doc[a:b].text)


def with_antecedent(acts: "DocActors", r: Resolved | None, named: list[Resolved] = ()) -> Resolved | None:
    """A pronoun argument with the span of the latest earlier name of the same actor (a mention,
    or another event's argument in ``named``), so the event names "the Nigerian Air Force"
    rather than "it"; the actor itself is unchanged."""
    if r is None or r.antecedent is not None or r.end - r.start != 1 or acts.doc[r.start].pos_ != "PRON":
        return r  # not a pronoun, or one resolved through its antecedent already
    spans = [(m.start, m.end) for m in acts.mentions if m.entry.id == r.entry.id and m.how != "demonym"]
    spans += [(n.start, n.end) for n in named if n.entry.id == r.entry.id and n.antecedent is None and
              not (n.end - n.start == 1 and acts.doc[n.start].pos_ == "PRON")]
    earlier = [sp for sp in spans if sp[1] <= r.start]
    return replace(r, antecedent=max(earlier)) if earlier else r


@dataclass
class DocActors:
    """The mention index of one Doc plus the article-level coreference state."""

    doc: Doc
    gaz: Gazetteer
    mentions: list[Mention] = field(default_factory=list)
    by_token: dict[int, Mention] = field(default_factory=dict)
    #: The article's issuer (issuers.tsv) and the actor it stands for.
    issuer: IssuerSpec | None = None
    issuer_entry: ActorEntry | None = None
    #: Transcript turns: (first token of the turn, speaker or None), in order.
    turns: list[tuple[int, ActorEntry | None]] = field(default_factory=list)
    #: Travel destinations found so far: (token of the trigger, country), in text order.
    destinations: list[tuple[int, str]] = field(default_factory=list)
    #: The two parties of each two-party event found so far: (token of the trigger, a, b).
    parties: list[tuple[int, "Resolved", "Resolved"]] = field(default_factory=list)
    #: Events found so far: (token of the trigger, relation, source country or id, target), in text order.
    targets_so_far: list[tuple[int, str, str, "Resolved"]] = field(default_factory=list)

    def last_parties(self, i: int) -> tuple["Resolved", "Resolved"] | None:
        """The two parties of the latest event before token ``i``'s sentence ("They also agreed")."""
        start = self.doc[i].sent.start
        found = [(a, b) for j, a, b in self.parties if j < start]
        return found[-1] if found else None

    def earlier_target(self, relation: str, source: "Resolved | None", i: int) -> "Resolved | None":
        """The target of the latest ``relation`` event before token ``i`` (by the same ``source``
        when given): what a bare "its brutal war" or "similar accusations" refers back to."""
        key = source and (source.entry.country or source.entry.id)
        found = [t for j, rel, s, t in self.targets_so_far if j < i and rel == relation and (key is None or s == key)]
        return found[-1] if found else None

    def current_stop(self, i: int) -> str | None:
        """The one country the latest trip before token ``i`` goes to ("will then travel to
        Madrid"), or None when that trip names several ("will travel to Turkey, Spain and Egypt")."""
        before = [(j, c) for j, c in self.destinations if j < i]
        if not before:
            return None
        last = {c for j, c in before if j == before[-1][0]}
        return before[-1][1] if len(last) == 1 else None

    def destination_before(self, i: int) -> str | None:
        """The country of the latest trip announced before token ``i`` ("will travel to Rabat")."""
        found = [c for j, c in self.destinations if j < i]
        return found[-1] if found else None

    # ---------------------------------------------------------------- mention index
    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        for i in range(m.start, m.end):
            self.by_token[i] = m

    def replace(self, old: Mention, new: Mention, idx: int | None = None) -> None:
        """Put ``new`` where ``old`` was (same tokens): a reading the sentence corrects."""
        self.mentions[self.mentions.index(old) if idx is None else idx] = new
        for i in range(new.start, new.end):
            self.by_token[i] = new

    def mention_at(self, tok: Token) -> Mention | None:
        return self.by_token.get(tok.i)

    def before(self, i: int):
        """Mentions that end before token ``i``, latest first."""
        for m in sorted((m for m in self.mentions if m.end <= i), key=lambda m: -m.start):
            yield m

    def country_counts(self, i: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for m in self.mentions:
            if m.start < i and m.entry.country and m.entry.kind != "OTHER":
                counts[m.entry.country] = counts.get(m.entry.country, 0) + 1
        return counts

    # ---------------------------------------------------------------- coreference
    def salient_country(self, i: int, exclude: set[str], only: frozenset[str] | None = None) -> str | None:
        """The most mentioned country before token ``i`` (ties: latest), skipping ``exclude``."""
        counts = self.country_counts(i)
        last: dict[str, int] = {}
        for m in self.mentions:
            if m.start < i and m.entry.country:
                last[m.entry.country] = m.start
        best = None
        for iso3, n in counts.items():
            if iso3 in exclude or (only is not None and iso3 not in only):
                continue
            key = (n, last.get(iso3, -1))
            if best is None or key > best[0]:
                best = (key, iso3)
        return best[1] if best else None

    def last_government(self, i: int, exclude: set[str]) -> str | None:
        """The country of the latest government actor (leader or government) before token ``i``."""
        for m in self.before(i):
            e = m.entry
            if e.country and e.country not in exclude and (e.role == "GOV" or m.how == "metonym"):
                return e.country
        return None

    def turn_at(self, i: int) -> int | None:
        """Index into ``turns`` of the transcript turn holding token ``i``, if any."""
        found = None
        for k, (start, _) in enumerate(self.turns):
            if start <= i:
                found = k
        return found

    def first_person(self, i: int) -> ActorEntry | None:
        """Who "we"/"I" at token ``i`` is: the turn's speaker in a transcript, else the issuer."""
        k = self.turn_at(i)
        if k is not None:
            return self.turns[k][1]
        return self.issuer_entry

    def addressee(self, i: int) -> ActorEntry | None:
        """Who "you" at token ``i`` is in a transcript: the nearest turn's other speaker."""
        k = self.turn_at(i)
        if k is None:
            return None
        me = self.turns[k][1]
        order = list(range(k - 1, -1, -1)) + list(range(k + 1, len(self.turns)))
        for j in order:
            other = self.turns[j][1]
            if other is not None and (me is None or other.id != me.id) and \
                    not (me is not None and other.country and other.country == me.country):
                return other
        return None

    def last_person(self, i: int, exclude_ids: set[str]) -> Mention | None:
        for m in self.before(i):
            if m.entry.kind == "PERSON" and m.entry.id not in exclude_ids:
                return m
        return None


# -------------------------------------------------------------------- building mentions
_FIRST_RUN = re.compile(r"[^\W_]+")


class LowerMatcher:
    """Case-insensitive matching of many dictionary names against the text, by character.

    Same ``(key, start, end)`` triples as a ``PhraseMatcher(attr="LOWER")`` for names whose words
    are separated by single spaces, without tokenizing ~20,000 patterns: a PhraseMatcher keeps
    their Docs (~150 MB) and the tokenizer would add their words to the vocabulary.
    """

    def __init__(self, nlp, surfaces) -> None:
        #: first word -> {length in characters: names}; a name is checked only where its last
        #: character ends a token, so frequent first words ("the", "national") stay cheap.
        self.index: dict[str, dict[int, set[str]]] = {}
        for surface in surfaces:
            low = surface.lower()
            first = _FIRST_RUN.match(low)
            if first:
                self.index.setdefault(first.group(), {}).setdefault(len(low), set()).add(low)
        self.lengths = {k: sorted(v, reverse=True) for k, v in self.index.items()}
        self.keys: dict[int, str | None] = {}

    def __len__(self) -> int:
        return sum(len(names) for by_len in self.index.values() for names in by_len.values())

    def _key(self, lower_hash: int, strings) -> str | None:
        """The index key of a token (its first letters/digits, cached by the token's LOWER hash)."""
        key = self.keys.get(lower_hash, False)
        if key is False:
            low = strings[lower_hash]
            first = _FIRST_RUN.match(low)
            key = None
            if first and first.group() in self.index and (first.end() == len(low) or low[first.end()] in "-'."):
                key = first.group()
            self.keys[lower_hash] = key
        return key

    def __call__(self, doc: Doc) -> list[tuple[int, int, int]]:
        if not len(doc):
            return []
        arr = doc.to_array([IDX, LENGTH, LOWER]).tolist()
        strings = doc.vocab.strings
        text = None
        ends = None
        out = []
        for i, (start, _, lower_hash) in enumerate(arr):
            key = self._key(lower_hash, strings)
            if key is None:
                continue
            if text is None:
                text = doc.text.lower()
                ends = {a + n: k for k, (a, n, _) in enumerate(arr)}
            by_len = self.index[key]
            for n in self.lengths[key]:
                stop = start + n
                if stop in ends and text[start:stop] in by_len[n]:
                    out.append((0, i, ends[stop] + 1))
        return out


def build_matchers(nlp, gaz: Gazetteer) -> tuple[PhraseMatcher, LowerMatcher]:
    exact = PhraseMatcher(nlp.vocab, attr="ORTH")
    ex_pats = [nlp.make_doc(s) for s, low in gaz.all_surfaces() if not low]
    if ex_pats:
        exact.add("GAZ", ex_pats)
    lower = LowerMatcher(nlp, [s for s, low in gaz.all_surfaces() if low])
    return exact, lower


def ethnic(acts: DocActors, m: Mention) -> bool:
    """A demonym used as an ethnicity ("ethnic Albanians"), not a nationality."""
    return m.how == "demonym" and m.start > 0 and acts.doc[m.start - 1].lower_ == "ethnic"


def _stance(acts: DocActors, m: Mention) -> bool:
    """A country named as what a stance is for or against ("pro-Russian separatists", "anti-Israel
    protesters"): not who they are."""
    doc = acts.doc
    return m.start >= 2 and doc[m.start - 1].text == "-" and doc[m.start - 2].lower_ in ("pro", "anti")


def _not_identity(acts: DocActors, m: Mention) -> bool:
    """A country modifier that says what people are or stand for, not whose they are."""
    return ethnic(acts, m) or _stance(acts, m)


def _country_of_tokens(acts: DocActors, tokens) -> str | None:
    for t in tokens:
        m = acts.mention_at(t)
        if m and m.entry.country and m.how in ("name", "demonym", "metonym", "org", "person", "place"):
            if _not_identity(acts, m):
                continue  # "ethnic Albanian guerrillas" are no Albanian state actors
            return m.entry.country
    return None


def _title_role(gaz: Gazetteer, words: list[str]) -> str | None:
    """The role implied by the longest title among the trailing words ("foreign minister"); of two
    as long, the later one, which heads the phrase ("Deputy Secretary" is a secretary)."""
    words = [w.lower() for w in words]
    for n in range(min(4, len(words)), 0, -1):
        for start in range(len(words) - n, -1, -1):
            key = " ".join(words[start:start + n])
            if key in gaz.titles:
                return gaz.titles[key]
    return None


def _person_context(acts: DocActors, span: Span) -> tuple[str | None, str | None, str | None]:
    """Country, role and IGO (if any) of an unknown person from titles, modifiers, appositives."""
    root = span.root
    left = [t for t in root.subtree if t.i < span.start]
    right_apps = [c for c in root.children if c.dep_ == "appos" and c.i >= span.end]
    if root.dep_ == "appos":  # "adviser John Bolton": the name is the appositive of the title
        left = [t for t in root.head.subtree if t.i < span.start]
    ctx_tokens = left + [t for a in right_apps for t in a.subtree]
    org = _affiliation(acts, left, right_apps)
    if org is not None:  # "Ahmed al-Assadi, a spokesman for the PMF": the organisation's country and role
        if org.kind == "IGO" or org.role == "IGO":
            return None, "IGO", org.id
        return org.country, org.role, None
    country = _country_of_tokens(acts, ctx_tokens)
    role = _title_role(acts.gaz, [t.text for t in ctx_tokens if not acts.mention_at(t)])
    igo = None
    for t in ctx_tokens:
        m = acts.mention_at(t)
        if m and m.entry.kind == "IGO":
            igo = m.entry
    if igo and not country:
        role = "IGO"
    return country, role, igo.id if igo else None


def _retitle(acts: DocActors, m: Mention) -> None:
    """A listed person's role from the title the sentence gives them, when it differs from the office
    listed (people change office: the list holds the latest); a former office changes nothing."""
    doc = acts.doc
    country, role, igo = _person_context(acts, doc[m.start:m.end])
    if role is None or igo or role == m.entry.role or country not in (None, m.entry.country):
        return
    if any(t.lower_ in ("former", "ex", "ousted", "late", "retired") for t in doc[max(0, m.start - 5):m.start]):
        return
    e = m.entry
    acts.replace(m, Mention(m.start, m.end, replace(e, role=role, cameo=(e.country + role) if e.country else e.cameo),
                            m.how, m.quality))


def person_org(acts: DocActors, span: Span) -> ActorEntry | None:
    """The organisation (not a country) a named person belongs to, as :func:`_person_context` finds
    it: "Ahmed al-Assadi, a spokesman for the PMF", "Hamas commander X" (the person's PART_OF)."""
    root = span.root
    left = [t for t in (root.head if root.dep_ == "appos" else root).subtree if t.i < span.start]
    return _affiliation(acts, left, [c for c in root.children if c.dep_ == "appos" and c.i >= span.end])


def _affiliation(acts: DocActors, left: list[Token], right_apps: list[Token]) -> ActorEntry | None:
    """The organisation a person speaks or fights for: "a spokesman for the PMF", "a Hamas commander",
    "a member of the Houthi movement" (an organisation with a country or an IGO, not a country)."""
    def org_of(tokens) -> ActorEntry | None:
        for t in tokens:
            m = acts.mention_at(t)
            if m and m.how in ("org", "ner-org") and m.entry.kind in ("ORGANIZATION", "GROUP", "IGO") \
                    and (m.entry.country or m.entry.kind == "IGO" or m.entry.role == "IGO"):
                return m.entry
        return None
    for app in right_apps:
        if app.lemma_.lower() not in AFFILIATION_HEADS and app.lower_ not in AFFILIATION_HEADS:
            continue
        for prep in app.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "with", "at", "from", "in"):
                found = org_of(prep.subtree)
                if found:
                    return found
        found = org_of([t for t in app.subtree if t.i < app.i])
        if found:
            return found
    return org_of(left) if any(t.lower_ in AFFILIATION_HEADS for t in left) else None


def _plausible_name(span: Span) -> bool:
    """A named-entity PERSON that looks like a name: capitalised words of letters, no brackets or digits."""
    words = [t for t in span if not t.is_punct]
    return bool(words) and span.text[:1].isupper() and all(
        t.text[:1].isalpha() and not any(ch in t.text for ch in "[](){}<>@#|/\\") and not t.like_num
        for t in words) and any(len(t.text) > 2 for t in words)


def find_mentions(doc: Doc, gaz: Gazetteer, matchers, allow_unknown: bool = True,
                  issuer: IssuerSpec | None = None, prior_people: dict[str, ActorEntry] | None = None) -> DocActors:
    """All actor mentions of a Doc, gazetteer first, then named entities, then surnames.

    ``allow_unknown=False`` (headlines, where Title Case fools NER) keeps only known actors.
    ``issuer`` is who issued the article; ``prior_people`` are people (by surname) that the
    article's body named, for its headline.
    """
    acts = DocActors(doc=doc, gaz=gaz, issuer=issuer,
                     issuer_entry=gaz.country_role(issuer.country, issuer.role) if issuer else None)
    exact, lower = matchers
    spans = [(s, e, False) for _, s, e in exact(doc)] + [(s, e, True) for _, s, e in lower(doc)]
    spans.sort(key=lambda x: (-(x[1] - x[0]), x[0]))
    taken: set[int] = set()
    dictionary_people: list[Mention] = []
    curated_people: list[Mention] = []
    for s, e, low in spans:
        if any(i in taken for i in range(s, e)):
            continue
        alias = gaz.lookup(doc[s:e].text)
        if alias is None:
            continue
        # A lowercase single word ("turkey", "chad") is not a proper name: skip.
        if e - s == 1 and doc[s].is_lower and alias.how != "demonym":
            continue
        if low and gaz.aliases.get(" ".join(doc[s:e].text.split())) is None and not _written_as_name(doc[s:e]):
            continue  # a dictionary name matched case-insensitively must be written as a name
        if alias.how == "place" and _inside_longer_person(doc, s, e):
            continue  # "Orlando Bloom", "Sydney Sweeney": a first name, not the city
        if alias.entry.role == "MED" and _continues_entity(doc, e):
            continue  # "The Independent Electoral and Boundaries Commission" is not the newspaper
        taken.update(range(s, e))
        entry, how = alias.entry, alias.how
        if how == "metonym" and _locative(doc, s, e) and entry.country in gaz.countries:
            entry, how = gaz.countries[entry.country], "place"  # "will travel to Madrid": where, not who
        acts.add(Mention(s, e, entry, how))
        if how == "person":
            (dictionary_people if alias.priority <= 5 else curated_people).append(acts.mentions[-1])
    _us_state_readings(acts)
    _rehome_national_bodies(acts)
    for m in dictionary_people:  # "U.N. mediator Diego Cordovez": the sentence's title beats an old dictionary code
        country, role, igo = _person_context(acts, doc[m.start:m.end])
        if (igo or country) and (country, role if country else "IGO") != (m.entry.country, m.entry.role):
            e = m.entry
            new = Mention(m.start, m.end, ActorEntry(id=e.id, name=e.name, kind=e.kind, country=country,
                                                     role=role or (None if country else "IGO"),
                                                     cameo=(country + (role or "")) if country else None),
                          m.how, 0.9)
            acts.replace(m, new)
    for m in curated_people:  # "Israeli Foreign Minister Yair Lapid": the office the text gives, at its date
        _retitle(acts, m)
    for i, m in enumerate(acts.mentions):  # "Hassan Nasrallah, a spokesman for Hezbollah": PART_OF it
        org = person_org(acts, doc[m.start:m.end]) if m.how == "person" and m.entry.kind == "PERSON" else None
        if org is not None:
            acts.replace(m, Mention(m.start, m.end, replace(m.entry, org=org), m.how, m.quality), i)
    surnames: dict[str, ActorEntry] = dict(prior_people or {})
    for m in sorted(acts.mentions, key=lambda m: m.start):
        if m.entry.kind == "PERSON" and m.end - m.start >= 2:
            surnames[doc[m.end - 1].text] = m.entry
    for ent in doc.ents:
        if any(i in taken for i in range(ent.start, ent.end)):
            continue
        toks = [t for t in ent if not t.is_punct and t.lower_ not in ("the",)]
        if not toks:
            continue
        start, end = toks[0].i, toks[-1].i + 1
        span = doc[start:end]
        last = doc[end - 1].text
        if last.isupper() and len(last) > 2 and last.title() in surnames:
            last = last.title()  # a transcript label ("BLINKEN:") names the person introduced before
        if len(span) == 1 and last in surnames:
            acts.add(Mention(start, end, surnames[last], "person", 0.9))
        elif len(span) == 1 and gaz.surnames.get(last) is not None and ent.label_ in ("PERSON", "ORG", "GPE"):
            entry = gaz.surnames[last]
            surnames[last] = entry
            acts.add(Mention(start, end, entry, "person", 0.8))
        elif not allow_unknown:
            pass
        elif ent.label_ == "PERSON" and _not_a_person(span):
            pass  # "USS Grayback", "Hagia Sophia": a ship or a building
        elif ent.label_ == "PERSON" and _plausible_name(span):
            country, role, igo = _person_context(acts, span)
            name = span.text
            entry = ActorEntry(id=f"person-{slugify(name)}", name=name, kind="PERSON", country=country,
                               role=role, cameo=(country + (role or "")) if country else None,
                               org=person_org(acts, span))
            acts.add(Mention(start, end, entry, "ner-person", 0.85))
            if len(span) >= 2 and doc[end - 2].text != "-":  # not "Trump-Biden"
                surnames[last] = entry
        elif ent.label_ == "ORG":
            words = [t.lower_ for t in span]
            roles = [ORG_KEYWORDS[w] for w in words if w in ORG_KEYWORDS]
            if roles and span.text[:1].isupper():
                country = _country_of_tokens(acts, list(span) + [t for t in span.root.subtree if t.i < start])
                role = next((r for r in roles if r), None)
                quality = 0.8
                owner = next((acts.mention_at(t) for t in span.root.subtree if t.i < start and acts.mention_at(t)
                              and acts.mention_at(t).entry.kind == "IGO"), None)
                if country is None and owner is not None:  # "the UN Human Rights Council's Commission of Inquiry"
                    acts.add(Mention(start, end, owner.entry, "ner-org", 0.75))
                    taken.update(range(start, end))
                    continue
                if country is None and role in NATIONAL_ROLES:  # "the Ministry of Foreign Affairs (of Ukraine)"
                    country = _country_of_tokens(acts, [t for c in span.root.children if c.i >= end
                                                        and c.dep_ == "prep" and c.lower_ == "of" for t in c.subtree])
                    if country is None:
                        country, quality = acts.salient_country(start, set()), 0.7
                entry = ActorEntry(id=f"org-{slugify(span.text)}", name=span.text,
                                   kind="GROUP" if role in ("REB", "OPP", "PTY") else "ORGANIZATION",
                                   country=country, role=role,
                                   cameo=(country + (role or "")) if country else None)
                acts.add(Mention(start, end, entry, "ner-org", quality))
            elif _organisation_name(span):
                # "ICE returned ... to Peru", "the Mine Safety and Health Administration sent ...": an
                # organisation the gazetteer does not know is still a party, of the country its own
                # words name (else none)
                country = _country_of_tokens(acts, list(span))
                entry = ActorEntry(id=f"org-{slugify(span.text)}", name=span.text, kind="ORGANIZATION",
                                   country=country, role=None, cameo=country)
                acts.add(Mention(start, end, entry, "ner-org", 0.6))
        taken.update(range(start, end))
    for tok in doc:  # surname-only mentions the NER missed ("Maduro pins ...")
        if tok.i not in taken and tok.pos_ == "PROPN" and tok.text in surnames:
            acts.add(Mention(tok.i, tok.i + 1, surnames[tok.text], "person", 0.85))
    acts.mentions.sort(key=lambda m: m.start)
    _locate_titled_people(acts)
    _find_turns(acts)
    return acts


#: Head words that make an unknown NER organisation a body that can act (not "the Western Balkans").
ORG_NOUNS = {"administration", "agency", "enforcement", "commission", "association", "federation", "union",
             "service", "office", "department", "bureau", "institute", "foundation", "company", "corporation",
             "inc", "inc.", "ltd", "group", "network", "organisation", "organization", "resistance", "coalition",
             "alliance", "authority", "board", "confederation", "society", "fund", "programme", "program",
             "mission", "agencies", "centre", "center", "league", "congress", "assembly"}


def _organisation_name(span: Span) -> bool:
    """Whether an ORG entity the gazetteer lacks names an organisation: a name with an organisational
    head word ("Immigration and Customs Enforcement", "the Nigerian Union of Teachers"); a bare
    acronym may as well be a technology ("DRM") and is left out."""
    words = [t for t in span if t.is_alpha]
    if not words or not span.text[:1].isupper():
        return False
    if span[-1].is_stop and span[-1].is_lower:
        return False  # a cut span, "the Control Centre of": a better name is around it
    return any(t.lower_ in ORG_NOUNS for t in words)


def has_actors(acts: DocActors | None) -> bool:
    """Whether a Doc can hold an event: it names an actor, or speaks as its issuer or in turns."""
    return acts is not None and bool(acts.mentions or acts.issuer_entry is not None or acts.turns)


def people_by_surname(acts: DocActors) -> dict[str, ActorEntry]:
    """The people an article body names, by surname (for its headline and later mentions)."""
    out: dict[str, ActorEntry] = {}
    for m in acts.mentions:
        if m.entry.kind == "PERSON" and m.end - m.start >= 2 and acts.doc[m.end - 2].text != "-":
            out.setdefault(acts.doc[m.end - 1].text, m.entry)
    return out


def _token_at(doc: Doc, char: int) -> int:
    for t in doc:
        if t.idx + len(t.text) > char and not t.is_space:
            return t.i
    return len(doc)


def _find_turns(acts: DocActors) -> None:
    """Transcript turns ("SECRETARY BLINKEN: ...") and who speaks in each."""
    labels = speaker_labels(acts.doc.text)
    if len(labels) < 2:
        return
    for label_start, text_start, label in labels:
        acts.turns.append((_token_at(acts.doc, label_start), _label_speaker(acts, label)))


def _label_speaker(acts: DocActors, label: str) -> ActorEntry | None:
    """The actor a speaker label names: a person of the article by surname, else the issuer's title."""
    low = label.lower().replace("\u2019", "'")
    if low in NON_SPEAKERS or low.split()[0] in NON_SPEAKERS:
        return None
    last = label.split()[-1].strip(".").lower()
    named = [m.entry for m in acts.mentions if m.entry.kind == "PERSON" and m.entry.name.split()[-1].lower() == last
             and not m.entry.name.isupper()]
    for entry in sorted(named, key=lambda e: e.country is None):  # "Kofi Mensah, Ghanaian Foreign Minister"
        return entry
    for surname, entry in acts.gaz.surnames.items():
        if entry is not None and surname.lower() == last:
            return entry
    if acts.issuer is not None and any(f" {t} " in f" {low} " for t in acts.issuer.titles):
        return acts.issuer_entry
    return _header_person(acts, last)


def _header_person(acts: DocActors, surname: str) -> ActorEntry | None:
    """A speaker the parser did not tag, introduced on a header line of the transcript
    ("Prak Sokhonn, Cambodian Deputy Prime Minister"): the name, and the country and title after it."""
    doc, offset = acts.doc, 0
    for line in doc.text.split("\n"):
        name, comma, rest = line.partition(",")
        words = name.split()
        if comma and 2 <= len(words) <= 4 and words[-1].lower() == surname and all(w[:1].isupper() for w in words):
            start, end = offset + len(name) + 1, offset + len(line)
            country = next((m.entry.country for m in acts.mentions if m.entry.country and m.entry.kind != "OTHER"
                            and start <= doc[m.start].idx < end), None)
            if country:
                role = _title_role(acts.gaz, rest.replace(",", " ").split()) or "GOV"
                name = " ".join(words)
                return ActorEntry(id=f"person-{slugify(name)}", name=name, kind="PERSON", country=country, role=role,
                                  cameo=country + role)
        offset += len(line) + 1
    return None


def _recent_country(acts: DocActors, m: Mention) -> str | None:
    """The country an untitled-nationality official belongs to: the nearest named in the same
    sentence, else the latest named in the two sentences before (never the issuer's own: its
    officials carry its titles), else the article's most mentioned country."""
    doc = acts.doc
    sent = doc[m.start].sent
    own = acts.issuer.country if acts.issuer else None
    # a place they are in or travel to is not their nationality ("Deputy Secretary X's travel to Turkey")
    near = [(o.start, o.entry.country) for o in acts.mentions
            if o is not m and o.entry.country and o.entry.kind != "OTHER" and sent.start <= o.start < sent.end
            and o.how != "place" and not _locative(doc, o.start, o.end) and o.entry.country != own]
    if near:
        return min(near)[1]
    first = sent.start
    for _ in range(2):
        if first == 0:
            break
        first = doc[first - 1].sent.start
    before = [o for o in acts.mentions if first <= o.start < sent.start and o.entry.country
              and o.entry.country != own and o.entry.kind != "OTHER"]
    if before:
        return before[-1].entry.country
    return acts.salient_country(m.start, {own} if own else set())


def _issuer_titled(acts: DocActors, m: Mention) -> bool:
    """Whether the words just before a person's name are one of the issuer's own titles."""
    if acts.issuer is None:
        return False
    words = []
    i = m.start - 1
    while i >= 0 and len(words) < 10:
        t = acts.doc[i]
        if t.is_title or t.is_upper or t.lower_ in ("of", "for", "and", "the"):
            words.insert(0, t.lower_)
            i -= 1
        else:
            break
    while words and words[0] in ("of", "for", "and", "the"):
        words.pop(0)
    phrase = " " + " ".join(words) + " "
    return any(phrase.startswith(f" {t} ") or phrase.startswith(f" acting {t} ") for t in acts.issuer.titles)


def _written_as_name(span: Span) -> bool:
    """Every word capitalised (function words aside): "Islamic Army of Aden", not "islamic army"."""
    words = [t for t in span if t.is_alpha]
    return bool(words) and all(t.text[:1].isupper() or t.lower_ in NAME_FUNCTION_WORDS for t in words) \
        and words[0].text[:1].isupper()


def _inside_longer_person(doc: Doc, s: int, e: int) -> bool:
    """The span lies inside a longer PERSON entity (read from the IOB tags, no Span objects)."""
    if doc[s].ent_type_ != "PERSON":
        return False
    before = doc[s].ent_iob_ == "I"
    after = e < len(doc) and doc[e].ent_iob_ == "I" and doc[e].ent_type_ == "PERSON"
    return before or after


def _continues_entity(doc: Doc, e: int) -> bool:
    """A named entity goes on past token ``e`` with capitalised words."""
    return e < len(doc) and doc[e].ent_iob_ == "I" and doc[e].text[:1].isupper()


def _rehome_national_bodies(acts: DocActors) -> None:
    """A national body named after another country's name or demonym belongs to that country:
    "Brazil's Congress", "the Peruvian Congress" (the gazetteer's bare "Congress" is the US one)."""
    doc, gaz = acts.doc, acts.gaz
    for idx, m in enumerate(acts.mentions):
        e = m.entry
        if m.how != "org" or e.role not in NATIONAL_ROLES or not e.country or m.start == 0:
            continue
        j = m.start - 1
        while j > m.start - 4 and j > 0 and j not in acts.by_token and doc[j].is_alpha and doc[j].is_title:
            j -= 1  # "Brazil's National Congress"
        if doc[j].text in ("'s", "’s") and j > 0:
            j -= 1
        if doc[j].lower_ == "the" and j > 0:
            continue
        owner = acts.by_token.get(j)
        if owner is None or owner.how not in ("name", "demonym", "metonym") or not owner.entry.country \
                or owner.entry.country == e.country:
            continue
        iso3 = owner.entry.country
        text = doc[m.start:m.end].text
        country = gaz.countries.get(iso3)
        name = f"{country.name if country else iso3} {text}"
        new = Mention(m.start, m.end, ActorEntry(id=f"org-{slugify(name)}", name=name, kind=e.kind, country=iso3,
                                                 role=e.role, cameo=iso3 + e.role), "org", 0.85)
        acts.replace(m, new, idx)


def _locative(doc: Doc, s: int, e: int) -> bool:
    """The span is (in) the object of a locative preposition: "in Kabul", "arrived at the White
    House", "travel to Istanbul and Ankara, Turkey" (conjuncts and appositives of the object too)."""
    tok = doc[s:e].root
    for _ in range(6):
        if tok.dep_ == "pobj":
            return tok.head.lower_ in LOCATIVE
        if tok.dep_ not in ("conj", "appos", "compound") or tok.head is tok:
            return False
        tok = tok.head
    return False


def _not_a_person(span: Span) -> bool:
    """A named-entity "person" that is a ship ("USS Grayback") or a building or site ("the Hagia Sophia")."""
    doc = span.doc
    first = span[0]
    prev = doc[span.start - 1] if span.start > 0 else None
    if first.text in SHIP_PREFIXES or (prev is not None and prev.text in SHIP_PREFIXES):
        return True
    after = doc[span.end] if span.end < len(doc) else None
    if any(t.lower_ in NOT_PERSON_WORDS for t in span) or (after is not None and after.lower_ in NOT_PERSON_WORDS):
        return True
    # "the Hagia Sophia" (a name with an article and no noun after it), not "the Obama administration"
    return prev is not None and prev.lower_ == "the" and span[-1].dep_ != "compound" and \
        not (after is not None and after.pos_ in ("NOUN", "PROPN"))


def _us_state_readings(acts: DocActors) -> None:
    """A country named like a US state ("Georgia") is the state in a US context: "Atlanta, Georgia",
    "Georgia governor", "Georgia's secretary of state", "the state of Georgia", or an article that
    names US places and nothing else of that country."""
    doc, gaz = acts.doc, acts.gaz
    ambiguous = [m for m in acts.mentions if m.how == "name" and doc[m.start:m.end].text in gaz.us_states]
    if not ambiguous:
        return
    us_places = [m for m in acts.mentions if m.how == "place" and m.entry.country == "USA"]
    usa = gaz.countries.get("USA")
    if usa is None:
        return
    for m in ambiguous:
        iso3 = m.entry.country
        other = [o for o in acts.mentions if o is not m and o.entry.country == iso3 and o.how != "name"]
        prev = doc[m.start - 1] if m.start > 0 else None
        before = acts.by_token.get(m.start - 2) if prev is not None and prev.text == "," else None
        nxt = [t for t in doc[m.end:m.end + 4]]
        if nxt and nxt[0].text in ("'s", "’s"):
            nxt = nxt[1:]
        words = [t.lower_ for t in nxt]
        cue = bool(words) and (words[0] in US_STATE_CUES or words[:3] == ["secretary", "of", "state"]
                               or words[:2] == ["general", "assembly"])
        cue = cue or (before is not None and before.how == "place" and before.entry.country == "USA")
        cue = cue or (m.start >= 2 and prev is not None and prev.lower_ in ("of", "from") and
                      doc[m.start - 2].lower_ in US_STATE_CUES | {"senator", "congressman", "congresswoman"})
        cue = cue or (bool(us_places) and not other)  # US places in the article, nothing else of Georgia
        if cue:
            acts.replace(m, Mention(m.start, m.end, usa, "place", m.quality))


def _locate_titled_people(acts: DocActors) -> None:
    """An unknown person with a title but no nationality ("President Dos Santos") is taken to
    belong to the nearest country named in the same sentence, else the article's main country;
    in an issued release, a bearer of one of the issuer's own titles belongs to the issuer."""
    located: dict[str, ActorEntry] = {}
    for m in acts.mentions:
        if m.entry.id in located:
            continue
        e = m.entry
        if m.how != "ner-person" or e.country or not e.role or e.role == "IGO":
            continue
        if _issuer_titled(acts, m):
            country = acts.issuer.country
        else:
            country = _recent_country(acts, m)
        if country:
            located[e.id] = ActorEntry(id=e.id, name=e.name, kind=e.kind, country=country, role=e.role,
                                       cameo=country + e.role, wikidata=e.wikidata)
    # every mention of a located person (surnames too) takes the located entry
    for idx, m in enumerate(acts.mentions):
        new = located.get(m.entry.id)
        if new is not None and m.entry.country is None:
            acts.replace(m, Mention(m.start, m.end, new, m.how, min(m.quality, 0.75)), idx)


# -------------------------------------------------------------------- resolution
def _left_mods(tok: Token) -> list[Token]:
    out = []
    for c in tok.lefts:
        if c.dep_ in NP_MODS:
            out.extend(t for t in c.subtree)
    return out


def _span_of(tok: Token) -> tuple[int, int]:
    """Token span of a head word with its left modifiers (articles and punctuation left out)."""
    left = [t for t in _left_mods(tok) if t.dep_ != "det" and not t.is_punct]
    return min([t.i for t in left] + [tok.i]), tok.i + 1


def _country_from_np(acts: DocActors, head: Token, cues: dict | None = None) -> str | None:
    """Country named inside a noun phrase: "U.S. officials", "Israel's cabinet", "government of X"
    (not inside "Israel's allies": cues ``relational``)."""
    patrons = (cues or {}).get("patron", ())  # "US-backed forces" are not US forces
    mods = [t for c in head.lefts if c.dep_ in NP_MODS and not (c.tag_ == "VBN" and c.lemma_.lower() in patrons)
            for t in c.subtree]
    country = _country_of_tokens(acts, mods)
    if country:
        return country
    for c in head.children:
        if c.dep_ == "poss":
            r = resolve(acts, c, set(), depth=1)
            if r and r.entry.country:
                return r.entry.country
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("of", "in", "from"):
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and pobj.lemma_.lower() not in (cues or {}).get("relational", ()):
                    # "workers of the United Bus Company of Tehran": the nearest country below
                    for t in sorted(pobj.subtree, key=lambda x: abs(x.i - pobj.i)):
                        m = acts.mention_at(t)
                        if m and m.entry.country and m.entry.kind != "OTHER":
                            return m.entry.country
    return None


def _people(acts: DocActors, tok: Token, m: Mention) -> Resolved | None:
    """A plural demonym: "Russians" is Russia, but "Bosnian Serbs" and "the Albanians of
    southern Serbia" are civilians of the country they live in; "ethnic Albanians" alone is
    no country at all."""
    host = None
    for c in tok.lefts:
        if c.dep_ in ("amod", "compound"):
            cm = acts.mention_at(c)
            if cm and cm.entry.country and cm.entry.country != m.entry.country:
                host = cm.entry.country
            elif c.lower_ == "ethnic":
                host = host or ""
    if host is None:
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("of", "in", "from"):
                for pobj in prep.children:
                    pm = acts.mention_at(pobj) or next((acts.mention_at(x) for x in pobj.subtree if acts.mention_at(x)), None)
                    if pobj.dep_ == "pobj" and pm and pm.entry.country and pm.entry.country != m.entry.country:
                        host = pm.entry.country
    if host == "":
        return None
    if host:
        s, e = _span_of(tok)
        return Resolved(acts.gaz.country_role(host, "CVL"), s, e, 0.8)
    return Resolved(m.entry, m.start, m.end, 0.9)


def _located_by_metonym(acts: DocActors, head: Token) -> bool:
    for prep in head.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "from"):
            for pobj in prep.children:
                m = acts.mention_at(pobj)
                if pobj.dep_ == "pobj" and m and (m.how == "metonym" or m.how == "place" and getattr(
                        acts.gaz.lookup(m.text(acts.doc)), "how", None) == "metonym"):
                    return True
    return False


def _agent_role(acts: DocActors, tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    prev = tok.doc[tok.i - 1].lower_ if tok.i > 0 else ""
    return acts.gaz.agents.get(f"{prev} {lemma}") or acts.gaz.agents.get(lemma) or acts.gaz.agents.get(tok.lower_)


def _clause_subject_country(acts: DocActors, tok: Token) -> str | None:
    """The country of the subject of the clause holding ``tok`` ("Pakistan urged its citizens"),
    following conjoined verbs up to their shared subject."""
    verb = tok
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    for _ in range(4):
        subj = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            m = acts.mention_at(subj)
            return m.entry.country if m is not None and m.entry.kind != "OTHER" else None
        if verb.dep_ not in ("conj", "xcomp") or verb.head.i == verb.i:
            return None
        verb = verb.head
    return None


def resolve(acts: DocActors, tok: Token, exclude_countries: set[str], exclude_ids: set[str] = frozenset(),
            depth: int = 0, cues: dict | None = None) -> Resolved | None:
    """The actor an argument's head word refers to, or None when it is not an actor."""
    if depth > 3 or tok is None:
        return None
    gaz = acts.gaz
    m = acts.mention_at(tok)
    lemma = tok.lemma_.lower()
    if m is not None:
        if m.how == "demonym" and tok.pos_ == "ADJ":
            pass  # "Venezuelan strongman": the adjective is not the actor
        elif m.how == "demonym" and tok.tag_ in ("NNS", "NNPS") and m.end - m.start == 1:
            return _people(acts, tok, m)
        elif m.how != "demonym":
            return Resolved(m.entry, m.start, m.end, m.quality)
    cues = cues or {}
    relational = lemma in cues.get("relational", ())
    if relational and any(c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ == "of" for c in tok.children):
        return None  # "Israel's militia ally", "allies of Russia": the other side of a relation, not its owner
    if tok.pos_ == "PRON" and tok.lower_ in SECOND_PERSON and any(
            c.lower_ in AUDIENCE for c in tok.doc[tok.i + 1: tok.i + 3]):
        return None  # "thank you, everyone": the audience, not the other speaker
    if tok.lower_ == "it" and _extraposed_pleasure(tok, cues):  # "It's a pleasure to welcome X": the speaker
        entry = acts.first_person(tok.i)
        return Resolved(entry, tok.i, tok.i + 1, 0.75) if entry is not None else None
    if tok.pos_ == "PRON" and tok.lower_ in FIRST_PERSON | SECOND_PERSON:
        entry = acts.first_person(tok.i) if tok.lower_ in FIRST_PERSON else acts.addressee(tok.i)
        return Resolved(entry, tok.i, tok.i + 1, 0.85) if entry is not None else None
    own = _issuer_self(acts, tok)
    if own is not None:
        return own
    titled = _titled_antecedent(acts, tok)
    if titled is not None:
        return titled
    role = _agent_role(acts, tok)
    # "opposition candidates", "rebel leaders", "army officers": the modifier says who they are
    for c in tok.lefts:
        if c.dep_ == "compound" and not acts.mention_at(c):
            inner = _agent_role(acts, c)
            if inner:
                role = inner
    # "members of the National Assembly", "the head of the UN": the group in the of-phrase.
    if lemma in cues.get("proxy", ()) or role is None and lemma in ("member", "leader", "head"):
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                for pobj in prep.children:
                    if pobj.dep_ == "pobj":
                        inner = resolve(acts, pobj, exclude_countries, exclude_ids, depth + 1, cues)
                        if inner:
                            s, _ = _span_of(tok)
                            return Resolved(inner.entry, s, inner.end, inner.quality * 0.95)
    if lemma in AFFILIATION_HEADS:  # "a spokesman for the PMF", "officials of Hezbollah": the organisation
        for prep in tok.children:
            if prep.dep_ == "prep" and prep.lower_ in ("for", "of", "with"):
                for pobj in prep.children:
                    pm = acts.mention_at(pobj)
                    if pobj.dep_ == "pobj" and pm and pm.how in ("org", "ner-org") and \
                            (pm.entry.country or pm.entry.kind == "IGO") and pm.entry.country not in exclude_countries:
                        s, _ = _span_of(tok)
                        return Resolved(pm.entry, s, pm.end, 0.85)
    if role is not None:
        country = _country_from_np(acts, tok, cues)
        if role == "PTY" and _located_by_metonym(acts, tok):
            role = "GOV"  # "the Communists in Havana": the ruling party, i.e. the government
        quality = 0.9
        if country is None and any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "its", "their") for c in tok.children) \
                and not any(c.dep_ in ("amod", "compound") for c in tok.children):
            if any(c.dep_ == "poss" for c in tok.children):  # "criticized their government": the subject's own
                country = _clause_subject_country(acts, tok) or acts.salient_country(tok.i, set())
            elif lemma in cues.get("corefgov", ()):
                country = acts.last_government(tok.i, exclude_countries) or \
                    acts.salient_country(tok.i, exclude_countries)
            else:
                named = next((m for m in acts.before(tok.i) if m.entry.role == role and m.entry.kind == "GROUP"
                              and m.entry.country and m.entry.id != f"{m.entry.country}-{role}"), None)
                if named is not None:  # "Houthi rebels ... the rebels": the named group of that role
                    s, e = _span_of(tok)
                    return Resolved(named.entry, s, e, 0.7)
                country = acts.salient_country(tok.i, set())
            quality = 0.7
        elif country is None and role in ("REB", "OPP") and any(
                c.dep_ in ("compound", "amod") and c.i < tok.i and _unnamed_group(acts, c) for c in tok.children):
            # "Shona rebels", "Karen guerrillas": an ethnic group's fighters in the country the text is about
            country, quality = acts.salient_country(tok.i, set()), 0.6
        elif country is None and (lemma in ("authority", "authorities") or role == "COP") and tok.dep_ == "nsubj" and \
                tok.head.lemma_.lower() not in cues.get("speech", ()) and \
                not any(c.dep_ in ("det", "poss", "amod", "compound", "nummod") for c in tok.children):
            country, quality = acts.salient_country(tok.i, set()), 0.6  # "Police detained ...": the article's country
        if country is None:  # "refugees fleeing the civil war in Liberia" (not "ASEAN leaders and the U.S.")
            others_side = {t.i for x in tok.subtree if x.i != tok.i and x.lemma_.lower() in cues.get("relational", ())
                           for t in x.subtree}  # (not "the chief of Israel's militia ally")
            own = [t for c in tok.children if c.dep_ not in ("conj", "cc", "appos", "relcl") for t in c.subtree
                   if t.i not in others_side]
            for t in sorted(own, key=lambda x: x.i):
                sm = acts.mention_at(t)
                if t.i > tok.i and sm and sm.how == "name" and sm.entry.country:
                    country, quality = sm.entry.country, 0.65
                    break

        if country is None:
            for t in _left_mods(tok):  # "EU foreign ministers": the organisation itself
                im = acts.mention_at(t)
                if im and (im.entry.kind == "IGO" or im.entry.role in ("IGO", "NGO")):
                    s, e = _span_of(tok)
                    return Resolved(im.entry, s, e, 0.85)
            return None
        s, e = _span_of(tok)
        return Resolved(gaz.country_role(country, role), s, e, quality)
    if tok.lower_ in PRONOUNS_PERSON:
        entry = antecedent_person(acts, tok, exclude_ids)
        if entry is not None:
            return Resolved(entry, tok.i, tok.i + 1, 0.75)
        m = acts.last_person(tok.i, set(exclude_ids))
        if m:
            return Resolved(m.entry, tok.i, tok.i + 1, 0.75)
        return None
    if tok.lower_ in PRONOUNS_GROUP and tok.dep_ in ("nsubj", "nsubjpass"):
        r = antecedent_group(acts, tok, exclude_countries, exclude_ids, depth, cues)
        if r is not None:
            return Resolved(r.entry, tok.i, tok.i + 1, min(r.quality, 0.75), antecedent=(r.start, r.end))
        return None
    if lemma in cues.get("corefcountry", ()) and tok.tag_ == "NN" and \
            any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "that") for c in tok.children):
        words = " ".join(c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i)
        only = None
        for region, members in gaz.regions.items():
            if region in words or region == words:
                only = members
        # a country named earlier in the same sentence ("recognized Israel and opened relations with the
        # nation"), else the one the text is about
        here = next((m.entry.country for m in acts.before(tok.i) if m.start >= tok.sent.start and m.entry.country
                     and m.entry.kind == "COUNTRY" and m.entry.country not in exclude_countries
                     and (only is None or m.entry.country in only)), None)
        country = here or acts.salient_country(tok.i, exclude_countries, only)
        if country:
            s, e = _span_of(tok)
            return Resolved(gaz.country_role(country, None), s, e, 0.7)
    return None


def _extraposed_pleasure(tok: Token, cues: dict | None) -> bool:
    """Whether "it" is the dummy subject of a speaker's pleasure whose infinitive the speaker performs
    ("It's a pleasure to welcome X", "it's very good to have you here"; cues ``pleasure``); not when a
    for-phrase names who does it ("it's wonderful for Cambodia to host ...")."""
    cop = tok.head
    if any(p.dep_ == "prep" and p.lower_ == "for" for c in cop.children for p in (c, *c.children)):
        return False
    return bool(cues) and tok.dep_ == "nsubj" and cop.lemma_ == "be" and any(
        c.dep_ in ("attr", "acomp", "dep") and c.lemma_.lower() in cues.get("pleasure", ()) and
        (any(x.dep_ in ("acl", "xcomp") for x in c.children) or any(x.dep_ == "xcomp" for x in cop.children))
        for c in cop.children)


def _unnamed_group(acts: DocActors, tok: Token) -> bool:
    """A capitalised modifier that names no known actor ("Shona", or "Karen" taken for a first name
    by the tagger): a people the gazetteer lacks; not a word capitalised only as the sentence's first
    ("Several militias") nor a stance ("Pro-Russian separatists")."""
    if not tok.text[:1].isupper() or tok.lower_ in ("pro", "anti") or \
            tok.is_sent_start and tok.pos_ != "PROPN" and tok.ent_type_ not in ("NORP", "GPE"):
        return False
    m = acts.mention_at(tok)
    return m is None or m.how == "ner-person" and not m.entry.country and m.end - m.start == 1


def antecedent_group(acts: DocActors, tok: Token, exclude_countries: set[str], exclude_ids=frozenset(),
                     depth: int = 0, cues: dict | None = None) -> Resolved | None:
    """The group "it"/"they" as a subject refers to: the nearest subject before it whose clause holds
    the pronoun's ("The Sri Lankan government has made it clear it will not ..."), when that
    subject is an actor other than a person; a nearer such subject that is no actor ("The plan
    says it will ...") ends the search. Across sentences "it" is too often a thing to guess."""
    ancestors = set(t.i for t in tok.ancestors)
    subjects = [t for t in tok.sent if t.dep_ in ("nsubj", "nsubjpass") and t.i < tok.i and t.pos_ != "PRON"]
    for t in reversed(subjects):
        if t.head.i not in ancestors:
            continue  # only a subject whose clause holds the pronoun's ("X made it clear it will ...")
        r = resolve(acts, t, exclude_countries, exclude_ids, depth + 1, cues)
        if r is None or r.entry.kind == "PERSON" or r.entry.id in exclude_ids:
            return None
        return r
    return None


def antecedent_person(acts: DocActors, tok: Token, exclude_ids=frozenset(), hops: int = 0) -> ActorEntry | None:
    """The person "he"/"she" refers to: the subject of this sentence before it, else of the
    nearest earlier sentence whose subject is a person (or the issuer's official), up to three
    sentences back; a pronoun subject there is followed back in turn."""
    doc = acts.doc
    sent = tok.sent
    for back in range(4):
        for t in sent:
            if back == 0 and t.i >= tok.i:
                break
            if t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if t.pos_ == "PRON":
                if t.lower_ in ("he", "she") and hops < 6:
                    found = antecedent_person(acts, t, exclude_ids, hops + 1)
                    if found is not None:
                        return found
                continue
            m = acts.mention_at(t)
            if m is not None and m.entry.kind == "PERSON" and m.entry.id not in exclude_ids:
                return m.entry
            own = _issuer_self(acts, t)
            if own is not None and own.entry.id not in exclude_ids:
                return own.entry
        if sent.start == 0:
            break
        sent = doc[sent.start - 1].sent
    return None


def _title_before(acts: DocActors, m: Mention) -> str:
    """The lowercase title words written just before a person's name ("secretary general")."""
    words = []
    i = m.start - 1
    while i >= 0 and len(words) < 8 and (acts.doc[i].is_title or acts.doc[i].is_upper or
                                          acts.doc[i].lower_ in ("of", "for", "and")) and not acts.mention_at(acts.doc[i]):
        words.insert(0, acts.doc[i].lower_)
        i -= 1
    return " ".join(words)


def _titled_antecedent(acts: DocActors, tok: Token) -> Resolved | None:
    """A title standing alone ("the Secretary General", "Foreign Minister") names the person the
    article last introduced with that title."""
    if tok.pos_ not in ("NOUN", "PROPN") or acts.mention_at(tok) is not None:
        return None
    mods = [t for c in tok.lefts if c.dep_ in ("compound", "amod") for t in c.subtree]
    if any(acts.mention_at(t) for t in mods):
        return None
    phrase = " ".join([t.lower_ for t in sorted(mods, key=lambda t: t.i) if not t.is_punct] + [tok.lower_])
    if phrase not in acts.gaz.titles or len(phrase.split()) < 2:
        return None
    for m in acts.before(tok.i):
        if m.entry.kind == "PERSON" and _title_before(acts, m).endswith(phrase):
            s, e = _span_of(tok)
            return Resolved(m.entry, s, e, 0.7)
    return None


def _issuer_self(acts: DocActors, tok: Token) -> Resolved | None:
    """ "the Department", "the Deputy Secretary" in an issued release: the issuer itself."""
    if acts.issuer is None or tok.pos_ not in ("NOUN", "PROPN") or \
            not any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children):
        return None
    mods = [t for c in tok.lefts if c.dep_ in ("compound", "amod", "nmod") for t in c.subtree]
    words = [t.lower_ for t in sorted(mods, key=lambda t: t.i) if not t.is_punct] + [tok.lower_]
    phrase = " ".join(words)
    for prep in tok.children:  # "the Department of State"
        if prep.dep_ == "prep" and prep.lower_ == "of":
            longer = phrase + " of " + " ".join(t.lower_ for t in prep.subtree if t.i != prep.i)
            if longer in acts.issuer.selves:
                phrase = longer
    if phrase not in acts.issuer.selves:
        return None
    s, e = _span_of(tok)
    return Resolved(acts.issuer_entry, s, e, 0.85)


#: Generic heads that stand for the place or people their demonym/name modifier names.
PLACE_HEADS = {"republic", "country", "nation", "state", "kingdom", "people", "province", "region",
               "territory", "city", "town", "capital", "village", "public", "population", "citizen",
               "national", "civilian"}


def resolve_loose(acts: DocActors, tok: Token, exclude_countries: set[str], exclude_ids: set[str] = frozenset(),
                  cues: dict | None = None, source: bool = False) -> Resolved | None:
    """Like :func:`resolve`, then falls back to whose thing the phrase names: "Serbia's
    suppression", "an Indian proposal", "the Taliban religious faction" -> the possessor or
    the named modifier (as CAMEO coders do). A ``source`` is never just where the thing is
    ("a car bomb in Kiev killed ...": not Ukraine)."""
    r = resolve(acts, tok, exclude_countries, exclude_ids, cues=cues)
    if r is not None:
        return r
    relational = bool(cues) and tok.lemma_.lower() in cues.get("relational", ())
    named = _named_organisation(acts, tok)
    if named is not None:  # "bin Laden's al-Qaeda network" is al-Qaeda's, not its possessor's
        return named
    for c in tok.children:
        if c.dep_ == "poss" and not relational:  # (not "Russia's allies")
            if c.pos_ == "PRON":  # "defended his policy": "his" is bound by the subject first
                r = resolve(acts, c, set(), frozenset(), depth=1, cues=cues)
                if r is None or r.entry.id in exclude_ids:
                    return None
            else:
                r = resolve(acts, c, exclude_countries, exclude_ids, depth=1, cues=cues)
            if r is not None:
                return Resolved(r.entry, r.start, r.end, r.quality * 0.8)
    leader = _leader(acts, tok)
    if leader is not None:
        return leader
    for c in tok.lefts:
        if c.dep_ not in ("compound", "amod", "nmod"):
            continue
        m = acts.mention_at(c)
        if m is None or m.entry.kind == "OTHER" or _not_identity(acts, m):
            continue
        if m.how in ("demonym", "name") and m.entry.country in exclude_countries:
            continue  # "the US trip supports U.S. commitments": the source's own things are no target
        if m.how == "demonym" or m.how == "name":
            entry = acts.gaz.countries.get(m.entry.country) or m.entry
        else:
            entry = m.entry
        quality = 0.8 if (tok.lemma_.lower() in PLACE_HEADS or m.how not in ("demonym",)) else 0.65
        return Resolved(entry, min(m.start, tok.i), tok.i + 1, quality)
    for acl in tok.children:  # "missiles fired by the Israeli military", "sanctions imposed by X"
        if acl.dep_ == "acl" and acl.tag_ == "VBN":
            for agent in _prep_objects_by(acl):
                r = resolve(acts, agent, exclude_countries, exclude_ids, depth=1, cues=cues)
                if r is not None and r.entry.kind != "OTHER":
                    return Resolved(r.entry, r.start, r.end, r.quality * 0.8)
    if not source:  # "welcomed the role that Cambodia is playing": the one doing what is welcomed
        for rel in tok.children:
            lemma_rel = rel.lemma_.lower()
            if rel.dep_ == "relcl" and not any(c.lower_ in ("which", "that") and c.dep_.startswith("nsubj")
                                               for c in rel.children) and \
                    not any(c.dep_ == "dobj" and c.lower_ not in ("which", "that") for c in rel.children) and \
                    rel.left_edge.i > 0 and tok.doc[rel.left_edge.i - 1].text != "," and \
                    not any(lemma_rel in cues.get(k, ()) for k in ("reaction", "speech", "negator")):
                # (only a restrictive clause about doing it: "cyber-attacks, which U.S. officials denied" is no
                # attack by them)
                for subj in rel.children:
                    if subj.dep_ == "nsubj" and subj.lower_ not in ("who", "which", "that"):
                        r = resolve(acts, subj, exclude_countries, exclude_ids, depth=1, cues=cues)
                        if r is not None and r.entry.kind != "OTHER":
                            return Resolved(r.entry, r.start, r.end, r.quality * 0.7)
    words = ("for", "of", "by") if source else ("in", "to", "for", "of", "by")
    if cues and tok.lemma_.lower() in cues.get("patient", ()) or relational:
        words = tuple(w for w in words if w != "of")  # "the arrest of Navalny" is not Navalny's
    for prep in tok.children:  # "a peace-keeping force in Liberia", "a camp for Congolese refugees", "a depot of the
        # Syrian army", "violations by Algerian forces"
        if prep.dep_ == "prep" and prep.lower_ in words:
            for pobj in prep.children:
                if pobj.dep_ != "pobj":
                    continue
                m = acts.mention_at(pobj)
                if m and m.how in ("name", "metonym") and m.entry.country not in exclude_countries:
                    return Resolved(acts.gaz.countries.get(m.entry.country) or m.entry, m.start, m.end, 0.6)
                r = resolve(acts, pobj, exclude_countries, exclude_ids, depth=1, cues=cues) or _leader(acts, pobj)
                if r is not None and r.entry.kind == "COUNTRY" and r.entry.country in exclude_countries:
                    continue  # "stormed a checkpoint in Idlib" by Syrians: not Syria itself
                if r is not None and r.entry.kind != "OTHER" and r.entry.id not in exclude_ids:
                    return Resolved(r.entry, r.start, r.end, r.quality * 0.7)
    return None


def _named_organisation(acts: DocActors, tok: Token) -> Resolved | None:
    """An organisation or group named in the head's compound when a person is its possessor ("Osama
    bin Laden's al-Qaeda terror network"): the thing is that organisation's, not the leader's own
    (a country's stays the country's: "Albania's EU accession")."""
    if not any(c.dep_ == "poss" and (m := acts.mention_at(c)) is not None and m.entry.kind == "PERSON"
               for c in tok.children):
        return None
    for c in tok.lefts:
        if c.dep_ != "compound":
            continue
        m = acts.mention_at(c)
        if m is not None and m.how not in ("demonym", "name", "place") and \
                m.entry.kind in ("ORGANIZATION", "GROUP", "IGO"):
            return Resolved(m.entry, min(m.start, tok.i), tok.i + 1, 0.8)
    return None


def _leader(acts: DocActors, tok: Token) -> Resolved | None:
    """The leader of "the United States-led war" (whose war it is)."""
    for a in tok.children:
        if a.dep_ == "amod" and a.tag_ == "VBN" and a.lemma_.lower() == "lead":
            for c in a.children:
                m = acts.mention_at(c)
                if c.dep_ in ("npadvmod", "compound", "nmod") and m is not None and m.entry.kind != "OTHER":
                    return Resolved(acts.gaz.countries.get(m.entry.country) or m.entry if m.how in ("demonym", "name")
                                    else m.entry, m.start, m.end, 0.75)
    return None


def _prep_objects_by(verb: Token) -> list[Token]:
    return [p for a in verb.children if a.dep_ == "agent" or (a.dep_ == "prep" and a.lower_ == "by")
            for p in a.children if p.dep_ == "pobj"]


def other_target(tok: Token) -> Resolved | None:
    """A non-actor target kept as kind OTHER ("pinned the outage on multiple cyber-attacks")."""
    partitive = any(c.dep_ == "prep" and c.lower_ == "of" for c in tok.children)  # "dozens of supporters"
    if tok.pos_ == "PRON" or tok.ent_type_ in ("DATE", "TIME", "PERCENT", "MONEY") or \
            tok.ent_type_ == "CARDINAL" and not partitive:
        return None
    toks = [t for t in tok.subtree if not (t.dep_ in ("relcl", "acl") or any(a.dep_ in ("relcl", "acl") and a.i != tok.i for a in t.ancestors if a in tok.subtree))]
    toks = [t for t in toks if t.i <= tok.i or t.dep_ in ("prep", "pobj", "compound", "amod")]
    while toks and (toks[0].is_punct or toks[0].is_space or toks[0].dep_ == "det" or toks[0].is_quote):
        toks.pop(0)
    while toks and (toks[-1].is_punct or toks[-1].is_space or toks[-1].is_quote):
        toks.pop()
    if not toks:
        return None
    span = tok.doc[toks[0].i: toks[-1].i + 1]
    name = " ".join(span.text.split()).strip(" \"'“”‘’,")
    if not name or len(name) > 80:
        return None
    entry = ActorEntry(id=f"other-{slugify(name.lower())}", name=name, kind="OTHER")
    return Resolved(entry, span.start, span.end, 0.7)
