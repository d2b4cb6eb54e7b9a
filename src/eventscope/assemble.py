"""AnalysedDoc -> EventMentions: what each sentence reports as having happened.

A mention is built around cue words (lexicons/cues.yaml) in a sentence that reports a real, past,
concrete happening: not a threat, plan, denial, condition, generic statement, court case, metaphor or
piece of history.  The dependency parse gives who did it (agent), to whom (patient), where (the
place tied to the cue by a preposition), when (the date expression in the same clause) and how many
died; the event-type rules turn cues and roles into an ACLED sub-event type.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

from eventscope.models import Evidence
from eventscope.nlp.actors import ARMED_ROLES, CIVILIAN_ROLES, STATE_ROLES, ActorFinder, ActorMention
from eventscope.nlp.analyse import AnalysedDoc, Sentence
from eventscope.nlp.counts import DeathToll, death_toll
from eventscope.nlp.dates import DateExpression
from eventscope.nlp.event_rules import EventRule, EventRules, load_event_rules
from eventscope.nlp.lexicon import TermMatch, TermMatcher, parse_term
from eventscope.rules import packaged_yaml

log = logging.getLogger(__name__)

# Cues that can anchor a mention; the others only colour one (withdrawal, strikes by workers).
SUPPORT_CUES = frozenset({"withdraw", "peaceful_handover", "labour_strike", "operation"})
# "after two days of looting that followed the shooting of protesters": what came before the news
PRIOR_PREPOSITIONS = frozenset({"after", "following", "before", "since", "prior"})
WEAPON_CUES = frozenset({"air", "shelling", "ied", "suicide", "grenade", "chemical"})
# Gear a cue word may name a kind of: "attack helicopter", "assault rifle", "bomb squad".
EQUIPMENT = frozenset({"helicopter", "rifle", "gear", "vehicle", "squad", "unit", "dog", "boat", "aircraft", "plane",
                       "jet", "drone", "team", "training", "shelter", "suit", "detector"})
# Cue words an accident shares with an attack: "explosion", "blast".
ACCIDENT_PRONE_TERMS = frozenset({"explosion", "blast", "explode", "detonation", "explosive", "explosives"})
# An article with this many words of another field's vocabulary, and more than this many times its
# violent words, is that field's news ("the battle for the title", "a bloodbath on the markets").
DOMAIN_MIN_HITS = 5
DOMAIN_OVER_VIOLENCE = 2
# "The death toll rose": a count of the dead, whose rise is news, not a trend.
TOLL_NOUNS = frozenset({"toll", "tally", "count"})
# Cues whose direct object may be the place struck or taken.
TARGET_CUES = frozenset({"take_territory", "regain_territory", "shelling", "air", "attack", "strike"})
# Cues that tell what an event did to people, not what kind of event it was.
OUTCOME_CUES = frozenset({"kill", "injure"})
IRREALIS_NOUNS = frozenset({"threat", "plan", "fear", "warning", "risk", "possibility", "prospect", "call",
                            "demand", "bid", "attempt", "plot", "intention", "vow", "ultimatum"})
PAST_AUX = frozenset({"have", "has", "had", "was", "were", "did", "been", "'ve", "'d"})
DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "their"})
TERRITORY_NOUNS = frozenset({
    "city", "town", "village", "district", "province", "area", "areas", "region", "territory", "base",
    "airport", "checkpoint", "position", "positions", "outpost", "post", "headquarters", "compound",
    "building", "buildings", "jail", "prison", "barracks", "camp", "control", "capital", "stronghold",
    "county", "locality", "settlement", "neighbourhood", "neighborhood", "suburb", "port", "bridge",
    "road", "highway", "border", "crossing", "mine", "oilfield", "field", "airbase", "garrison", "office",
})  # fmt: skip


@dataclass(frozen=True)
class DiscourseRules:
    group_anaphors: frozenset[str]
    event_anaphors: frozenset[str]
    place_anaphors: frozenset[str]
    place_kinds: dict[str, str]
    place_prepositions: dict[str, str]
    non_event_heads: frozenset[str]
    reporting_verbs: frozenset[str]
    physical_targets: frozenset[str]
    jurisdiction_heads: frozenset[str]
    force_posts: frozenset[str]
    bearings: frozenset[str]
    name_connectors: frozenset[str]


@dataclass(frozen=True)
class ModalityRules:
    modal_aux: frozenset[str]
    irrealis_verbs: frozenset[str]
    generic_verbs: frozenset[str]
    conditional_marks: frozenset[str]
    legal_terms: frozenset[str]
    metaphors: TermMatcher
    domains: dict[str, frozenset[str]]
    rehearsals: frozenset[str]
    accidents: frozenset[str]
    past_forms: frozenset[str]


def _words(data: dict, key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in data[key])


@functools.cache
def discourse_rules() -> DiscourseRules:
    d = packaged_yaml("rules/discourse.yaml")
    return DiscourseRules(
        _words(d, "group_anaphors"), _words(d, "event_anaphors"), _words(d, "place_anaphors"),
        {k: v for k, v in d["place_kinds"].items() if k != "__line__"},
        {k: v for k, v in d["place_prepositions"].items() if k != "__line__"},
        _words(d, "non_event_heads"), _words(d, "reporting_verbs"), _words(d, "physical_targets"),
        _words(d, "jurisdiction_heads"), _words(d, "force_posts"), _words(d, "bearings"),
        _words(d, "name_connectors"),
    )


@functools.cache
def modality_rules() -> ModalityRules:
    d = packaged_yaml("rules/modality.yaml")
    metaphors = TermMatcher(parse_term("metaphor", str(t), "modality.yaml metaphors") for t in d["metaphors"])
    return ModalityRules(
        _words(d, "modal_aux"), _words(d, "irrealis_verbs"), _words(d, "generic_verbs"),
        _words(d, "conditional_marks"), _words(d, "legal_terms"), metaphors,
        {k: _words(d, f"{k}_terms") for k in ("sport", "culture", "market")},
        _words(d, "rehearsals"), _words(d, "accidents"), _words(d, "past_forms"),
    )


@dataclass(slots=True)
class PlaceMention:
    """Words naming where a mention happened, before the gazetteer resolves them."""

    text: str
    start: int  # article offsets
    end: int
    qualifier: str | None  # None (in), "near", a kind word ("district", "region")
    strength: int  # 3 tied to the cue, 2 elsewhere in the sentence, 1 dateline or inherited
    # Surely a place even if the gazetteer lacks it: tagged as one, or written with a kind word.
    surely_place: bool = False
    # The area another place of the sentence lies in ("in Zamfara" after "Kango village").
    container: bool = False
    # "in the capital": the capital of the country the story is in.
    capital: bool = False
    # "southern Lebanon": the direction written before the name (south, north, east, west, central).
    direction: str | None = None
    # "a raid on the village": the town the story named last, whatever words it was named in.
    anaphor: bool = False


@dataclass(slots=True)
class PlaceCandidate:
    """A place name in a sentence with the word its phrase hangs on (for splitting by clause)."""

    span: Span
    target: Token | None
    mention: PlaceMention

    def tokens(self) -> set[int]:
        return set(range(self.span.start, self.span.end))

    def noun(self) -> Token:
        """The noun the name stands for: 'Kango' in 'Kango villages' stands for 'villages'."""
        root = self.span.root
        head = root.head
        while root.dep_ == "conj" and head.i != root.i:
            root, head = head, head.head
        if root.dep_ in ("compound", "nmod", "appos", "amod") and head.pos_ == "NOUN":
            return head  # ("amod": "Sagaing region" when the parser took the name for an adjective)
        return root


@dataclass(slots=True)
class EventMention:
    """One reported happening in one sentence, before actors, place and date are given ACLED form."""

    sentence: Sentence
    doc: Doc
    anchors: list[TermMatch]
    labels: set[str]
    rule: EventRule
    agent: ActorMention | None
    patient: ActorMention | None
    actors: list[ActorMention]
    agent_class: str
    patient_class: str
    places: list[PlaceMention]
    date: DateExpression | None
    date_inherited: bool = False
    toll: DeathToll | None = None
    anaphoric: bool = False
    place_inherited: bool = False
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def place(self) -> PlaceMention | None:
        return self.places[0] if self.places else None

    @property
    def weak(self) -> bool:
        """Points back to an event, or only tells an outcome with no one doing it ("one of the rangers
        later died"): such a mention adds to an event but does not decide its type."""
        cues = {a.label for a in self.anchors}
        return self.anaphoric or (cues <= OUTCOME_CUES and self.agent is None)

    def span_evidence(self, field_name: str, start: int, end: int) -> Evidence:
        """Evidence for doc tokens [start, end) of this mention's doc."""
        span = self.doc[start:end]
        offset = self.sentence.offset
        return Evidence(field_name, span.text, offset + span.start_char, offset + span.end_char)


# -- roles ---------------------------------------------------------------------------------------


def role_class(actor: ActorMention | None) -> str:
    """The role class event rules test: state, armed, civilians, protesters, rioters, mob, none."""
    if actor is None:
        return "none"
    if actor.role == "named":
        inters = {g.inter for g in actor.groups}
        return "state" if inters <= {1, 8} else "armed"
    if actor.role in STATE_ROLES:
        return "state"
    if actor.role in ARMED_ROLES:
        return "armed"
    if actor.role in CIVILIAN_ROLES:
        return "civilians"
    if actor.role in ("protesters", "rioters", "mob"):
        return actor.role
    return "none"


# -- the Assembler -------------------------------------------------------------------------------


class Assembler:
    """Turns analysed articles into event mentions, one sentence at a time, with discourse context."""

    def __init__(self, actor_finder: ActorFinder, event_rules: EventRules | None = None) -> None:
        self._header = (0, 0)  # article offsets of the current article's dateline header
        self._place_named = False
        self.actors = actor_finder
        self.rules = event_rules or load_event_rules()
        self.modality = modality_rules()
        self.discourse = discourse_rules()

    def mentions(self, analysed: AnalysedDoc) -> list[EventMention]:
        if self._is_off_topic(analysed):
            return []
        dateline = analysed.clean.dateline
        self._header = (dateline.start, analysed.clean.dateline_end or dateline.end) if dateline else (0, 0)
        self._place_named = False  # whether a sentence before has named a place ("the town" can point back)
        actor_cache: dict[int, list[ActorMention]] = {}
        for _, doc in analysed.docs:
            actor_cache[id(doc)] = self.actors.find(doc)
        self._qualify_state_forces(analysed, actor_cache)
        mentions: list[EventMention] = []
        salient_groups: list[ActorMention] = []
        previous_actors: list[ActorMention] = []
        # Pages often print the lead twice (a teaser, then the story): a sentence ending as an earlier
        # one did is the same sentence, reported once.
        seen_tails: set[str] = set()
        for sentence in analysed.sentences:
            doc = sentence.span.doc
            if id(doc) not in actor_cache:
                actor_cache[id(doc)] = self.actors.find(doc)
            actors = [a for a in actor_cache[id(doc)] if sentence.span.start <= a.head < sentence.span.end]
            actors = [self._resolve_anaphor(a, salient_groups, actors) for a in actors]
            tail = _tail_key(sentence.text) if sentence.block.kind == "body" else None
            repeated = tail is not None and tail in seen_tails
            if tail is not None:
                seen_tails.add(tail)
            if sentence.block.kind == "body" and not repeated:
                found = self._mentions(sentence, actors, previous_actors)
                for mention in found:
                    mentions.append(mention)
                    for actor in (mention.agent, mention.patient):
                        if actor is not None and actor.role == "named" and not actor.as_modifier:
                            salient_groups.append(actor)
                if not found and mentions:
                    self._lend_place(sentence, mentions[-1])
            previous_actors = [a for a in actors if not a.as_modifier] or previous_actors
            self._place_named = self._place_named or any(e.label_ in PLACE_LABELS for e in sentence.span.ents)
        self._inherit_dates(analysed, mentions)
        return mentions

    # -- article level ----------------------------------------------------------------------

    @staticmethod
    def _qualify_state_forces(analysed: AnalysedDoc, actor_cache: dict[int, list[ActorMention]]) -> None:
        """'the air force', 'warplanes', 'troops' with no country: the country of the state forces the
        article last named with one ('the Israeli military'), else the first it names later."""
        ordered = [a for _, doc in analysed.docs for a in actor_cache[id(doc)]]
        qualified = [a.country for a in ordered if a.role in STATE_ROLES and a.country is not None]
        if not qualified:
            return
        last = qualified[0]
        for _, doc in analysed.docs:
            updated = []
            for actor in actor_cache[id(doc)]:
                if actor.role in STATE_ROLES and actor.country is not None:
                    last = actor.country
                elif actor.role in STATE_ROLES:
                    actor = replace(actor, country=last)
                updated.append(actor)
            actor_cache[id(doc)] = updated

    def _is_off_topic(self, analysed: AnalysedDoc) -> bool:
        """Sport, culture or market reports: dense in their own vocabulary, thin in violence."""
        hits = dict.fromkeys(self.modality.domains, 0)
        violence = 0
        for sentence in analysed.sentences:
            violence += len(sentence.cue_labels() & (WEAPON_CUES | {"kill"}))
            words = [t.lower_ for t in sentence.span]
            for domain, terms in self.modality.domains.items():
                hits[domain] += sum(1 for w in words if w in terms)
        return any(n >= DOMAIN_MIN_HITS and n > DOMAIN_OVER_VIOLENCE * violence for n in hits.values())

    def _resolve_anaphor(self, actor: ActorMention, salient: list[ActorMention],
                         sentence_actors: list[ActorMention] = ()) -> ActorMention:
        """'militants' after 'the Taliban overran...': the group already named as an actor; 'its
        fighters' after 'the Arakan Army said': the group the sentence names before them."""
        if actor.role != "armed_nonstate":
            return actor
        owner = self._possessive_owner(actor, sentence_actors)
        if owner is not None:
            return ActorMention(actor.start, actor.end, actor.head, "named", actor.text, owner.groups, None, False)
        if not salient:
            return actor
        head = actor.text.split()[-1].lower().rstrip("s")
        if head not in self.discourse.group_anaphors:
            return actor
        names = {g.name for a in salient for g in a.groups}
        if len(names) != 1:
            return actor
        latest = salient[-1]
        return ActorMention(actor.start, actor.end, actor.head, "named", actor.text, latest.groups, None, False)

    def _possessive_owner(self, actor: ActorMention, sentence_actors: list[ActorMention]) -> ActorMention | None:
        """The named group 'its'/'their' points to: the nearest one named before in the sentence."""
        words = actor.text.lower().split()
        if not words or words[0] not in ("its", "their"):
            return None
        before = [a for a in sentence_actors if a.role == "named" and a.end <= actor.start]
        return before[-1] if before else None

    # -- sentence level ---------------------------------------------------------------------

    def _accidental(self, span: Span, anchors: list[TermMatch]) -> bool:
        """'A gas explosion at a factory killed 12', 'a bus crash killed five': deaths and blasts with
        an accident's words and nothing of an attack."""
        words = {t.lemma_.lower() for t in span} | {t.lower_ for t in span}
        if not words & self.modality.accidents:
            return False
        harmless = {"kill", "injure", "ied"}
        return all(a.label in harmless and a.term in ACCIDENT_PRONE_TERMS or a.label in ("kill", "injure")
                   for a in anchors)

    def _lend_place(self, sentence: Sentence, mention: EventMention) -> None:
        """'Security forces made a tactical retreat from Nerkh district': a sentence telling how the
        last event unfolded (a withdrawal, a handover) without being one names where it happened."""
        if sentence.index - mention.sentence.index > 2:
            return
        support = [c for c in sentence.cues if c.label in SUPPORT_CUES]
        if not support or not all(self._is_realis(sentence.span.doc[c.start:c.end].root) for c in support):
            return
        for candidate in self._place_candidates(sentence, support):
            place = candidate.mention
            if place.qualifier != "from" and not place.container:
                place.strength = min(place.strength, 2)
                mention.places.append(place)

    def _mentions(self, sentence: Sentence, actors: list[ActorMention],
                  previous_actors: list[ActorMention]) -> list[EventMention]:
        """The happenings one sentence reports: one, or one per place when its clauses put
        different things in different places ("13 were killed in A while five were killed in B")."""
        span = sentence.span
        metaphors = self._metaphor_spans(sentence)
        anchors = self._anchors(sentence, metaphors)
        if not anchors:
            return []
        if any(t.lemma_.lower() in self.modality.legal_terms for t in span) and not (
            {a.label for a in anchors} & {"arrest"}
        ):
            return []
        if any(t.lemma_.lower() in self.modality.rehearsals and t.dep_ not in ("compound", "amod") for t in span):
            return []  # "a live-fire exercise", "a missile test": rehearsals of force are no events
        if self._accidental(span, anchors):
            return []
        doc = span.doc
        prior = _prior_tokens(span, self.discourse)
        named = {i for a in actors if a.role == "named" for i in range(a.start, a.end)}
        # "Tigray People's Liberation Front": a word of a group's name is no cue
        anchors = [a for a in anchors if not set(range(a.start, a.end)) <= named]
        if not anchors:
            return []
        actors = [a for a in actors if not self._is_reporter(doc[a.head]) and a.head not in prior]
        support = {c.label for c in sentence.cues if c.label in SUPPORT_CUES and not self._in_metaphor(c, metaphors)}
        candidates = self._place_candidates(sentence, anchors, actors)
        mentions = []
        for part, places, scope in self._split_by_place(doc, anchors, candidates):
            mention = self._build(sentence, part, places, scope, support, actors, previous_actors)
            if mention is not None:
                mentions.append(mention)
        return mentions

    def _build(self, sentence: Sentence, anchors: list[TermMatch], places: list[PlaceMention],
               scope: set[int] | None, support: set[str], actors: list[ActorMention],
               previous_actors: list[ActorMention]) -> EventMention | None:
        span = sentence.span
        doc = span.doc
        cue_labels = {a.label for a in anchors} | support
        present = {role_class(a) for a in actors if not a.as_modifier} - {"none"}
        if "protest" in cue_labels:
            present.add("protesters")  # "mass protests erupted": a protest has protesters
        reading = self._reading(doc, anchors, cue_labels, present, actors, previous_actors)
        if reading is None:
            return None
        # Another cue of the sentence may tell more of the same kind of event: "police shot dead five
        # protesters as demonstrators stormed parliament" is a riot, as ACLED's hierarchy reads it.
        for anchor in anchors:
            readings = [self._reading(doc, [anchor], cue_labels, present, actors, previous_actors)]
            if anchor.label not in OUTCOME_CUES | {"attack", "strike", "clash"}:
                # a defining cue read alone: "recaptured Palmyra, backed by air strikes" is a recapture
                readings.append(self._reading(doc, [anchor], {anchor.label} | support, present, actors,
                                              previous_actors))
            for other in readings:
                if other is not None and _family(other[0]) == _family(reading[0]) and (
                    self.rules.rank(other[0].sub_event_type) < self.rules.rank(reading[0].sub_event_type)
                ):
                    reading = other
        rule, agent, patient, agent_class, patient_class, labels = reading
        date = self._attached_date(sentence, anchors)
        if date is not None and date.background:
            return None
        if date is None and self._sentence_is_background(sentence):
            return None
        toll = death_toll(span, scope=scope)
        if not (agent or patient or places or toll or present):
            return None  # "clashes" with no one, nowhere, no toll: nothing a coder could code
        return EventMention(
            sentence=sentence, doc=doc, anchors=anchors, labels=labels, rule=rule, agent=agent, patient=patient,
            actors=actors, agent_class=agent_class, patient_class=patient_class,
            places=places, date=date, toll=toll,
            anaphoric=self._is_anaphoric(anchors, doc, span),
        )

    def _reading(self, doc: Doc, anchors: list[TermMatch], cue_labels: set[str], present: set[str],
                 actors: list[ActorMention], previous_actors: list[ActorMention]) -> tuple | None:
        """(rule, agent, patient, agent class, patient class, labels) for the cues read around these
        anchors, or None when no event-type rule applies."""
        # "overran the city", "the province fell": what was taken is ground, not people
        territory = self._patient_is_territory(anchors, doc)
        agent, patient = self._arguments(doc, anchors, actors, previous_actors, territory)
        agent_class, patient_class = role_class(agent), role_class(patient)
        if territory and patient_class in ("none", "civilians", "state"):
            patient, patient_class = None, "territory"
        labels = set(cue_labels)
        labels |= self._derived_labels(labels, agent_class, patient_class, present)
        if self._figurative_object(anchors, doc, actors):
            labels.add("abstract_target")
        if not territory and self._takes_an_object(anchors, doc, actors):
            labels.add("takes_object")
        rule = self.rules.classify(labels, agent_class, patient_class, present)
        if rule is None:
            return None
        return rule, agent, patient, agent_class, patient_class, labels

    def _split_by_place(self, doc: Doc, anchors: list[TermMatch], candidates: list[PlaceCandidate]
                        ) -> list[tuple[list[TermMatch], list[PlaceMention], set[int] | None]]:
        """Anchors grouped by the place their own clause names; containers ("in Zamfara") go with
        every place inside them; anchors that name no place go with every place of the sentence."""
        whole = [(anchors, [c.mention for c in candidates], None)]
        if len(candidates) < 2:
            return whole
        verbs = {a: _governing_verb(doc[a.start:a.end].root) for a in anchors}
        containers = {id(c) for c in candidates
                      if c.mention.container or any(c is not o and _contains(c, o) for o in candidates)}
        own: dict[TermMatch, list[PlaceCandidate]] = {}
        for anchor, verb in verbs.items():
            places = []
            for c in candidates:
                if id(c) in containers or _qualifies_other(c, candidates):
                    continue
                if c.target is not None and verb is not None and (
                    c.target == verb or _governing_verb(c.target) == verb
                ):
                    places.append(c)
                elif verb is not None and _where_clause_of(verb, c, candidates):
                    places = [c]
                    break
            if verb is not None and any(c.target == verb for c in places):
                # "militants in Gaza fired rockets at Israel": where the doers are from is not a second
                # place of the act when the act names its own
                places = [c for c in places if c.target is None or c.target.dep_ != "nsubj" or c.target.head != verb]
            if any(c.mention.qualifier not in ("near", "km") for c in places):
                # "in Bulacan province, north of Manila": a bearing beside a place named is the same place
                places = [c for c in places if c.mention.qualifier not in ("near", "km")]
            own[anchor] = places
        # "a civilian was killed when troops fired in Shopian": a cue with no place of its own takes the
        # place of the clause that tells how it happened
        for anchor, verb in verbs.items():
            if own[anchor] or verb is None:
                continue
            below = {id(c): c for other, v in verbs.items() if v is not None and v.i != verb.i
                     and v in verb.subtree and not _coordinated(v, verb) for c in own[other]}
            if len(below) == 1:
                own[anchor] = list(below.values())
        primaries = []
        for places in own.values():
            for c in places:
                if all(c is not p for p in primaries):
                    primaries.append(c)
        if len(primaries) < 2:
            return whole
        shared = [a for a in anchors if not own[a]]
        out = []
        for place in primaries:
            part = [a for a in anchors if any(c is place for c in own[a])] + shared
            part.sort(key=lambda a: a.start)
            inside = [place.mention] + [c.mention for c in candidates if id(c) in containers and _contains(c, place)]
            scope_verbs = {verbs[a] for a in part if verbs[a] is not None}
            scope = {t.i for t in doc if _governing_verb(t) in scope_verbs}
            out.append((part, inside, scope))
        return out

    def _anchors(self, sentence: Sentence, metaphors: tuple[tuple[int, int], ...]) -> list[TermMatch]:
        """Cue matches that report a real happening in this sentence."""
        doc = sentence.span.doc
        anchors = []
        for cue in sentence.cues:
            if cue.label in SUPPORT_CUES or self._in_metaphor(cue, metaphors):
                continue
            token = doc[cue.start:cue.end].root
            if token.dep_ == "compound" and cue.end - cue.start == 1 and (
                self.actors.generic_role(token.head) is not None or token.head.lemma_.lower() in EQUIPMENT
            ):
                continue  # "riot police", "attack helicopter": a kind of force or gear, not a happening
            if self._is_realis(token):
                anchors.append(cue)
        return anchors

    def _metaphor_spans(self, sentence: Sentence) -> tuple[tuple[int, int], ...]:
        return tuple((m.start, m.end) for m in self.modality.metaphors.match(sentence.span, sentence.span.start))

    @staticmethod
    def _in_metaphor(cue: TermMatch, metaphors: tuple[tuple[int, int], ...]) -> bool:
        return any(s <= cue.start < e for s, e in metaphors)

    def _is_realis(self, token: Token) -> bool:
        """Does the clause around token report something that happened (past, asserted, real)?"""
        if token.pos_ == "NOUN" and any(c.dep_ == "det" and c.lower_ in ("no", "neither") for c in token.children):
            return False  # "no attack took place", "no clashes were reported"
        if token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") and token.head.i != token.i:
            token = token.head  # "Russian shelling hit a hospital": a gerund used as a noun
            verb = _governing_verb(token)
            return verb is None or self._clause_is_realis(verb, depth=0)
        verb = _governing_verb(token)
        # "the threat of an attack", "plans for an offensive": a noun that makes its complement unreal;
        # "after days of looting": what came before the news
        for word in [token, *token.ancestors]:
            if verb is not None and word == verb and word.i != token.i:
                break
            if word.lemma_.lower() in IRREALIS_NOUNS:
                return False
            if token.pos_ != "VERB" and _is_prior(word, self.discourse):
                return False
        if verb is not None and verb.dep_ == "relcl" and any(_is_prior(a, self.discourse) for a in verb.ancestors):
            return False
        if verb is not None and verb.tag_ == "VBG" and verb.dep_ == "pcomp" and verb.head.lower_ in ("after", "before"):
            return False  # "raped women after taking control of the area": what came first
        if verb is None:
            return True  # a verbless fragment ("Two killed in blast"): nothing says it did not happen
        # "the province has seen attacks": a noun under a verb of general experience is no incident
        # ("he saw four others killed" is: there the cue is a verb of its own)
        if token.pos_ != "VERB" and verb.lemma_.lower() in self.modality.generic_verbs and not any(
            c.dep_ == "nsubj" and c.lemma_.lower() in TOLL_NOUNS for c in verb.children
        ):  # ("the death toll from the attack has risen to 12" is news of the attack)
            return False
        # "Kenya has been the scene of attacks", "this attack is one of the worst": a noun said to be
        # something describes; "there were clashes" reports
        if token.pos_ == "NOUN" and verb.lemma_.lower() == "be" and token.dep_ not in ("nsubj", "nsubjpass") and (
            not any(c.dep_ == "expl" for c in verb.children)
        ):
            return False
        return self._clause_is_realis(verb, depth=0)

    def _clause_is_realis(self, verb: Token, depth: int) -> bool:
        m = self.modality
        children = list(verb.children)
        if any(c.dep_ == "neg" for c in children):
            return False
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in m.modal_aux for c in children):
            return False
        if any(c.dep_ == "mark" and c.lower_ in m.conditional_marks for c in children):
            return False
        if any(c.dep_ == "mark" and c.lower_ in ("after", "before") for c in children) and any(
            c.dep_ == "npadvmod" and c.lemma_.lower() in PRIOR_SPANS for c in children
        ):
            return False  # "two days after police killed 32 people": another day's event, told as context
        head = verb.head
        complement = verb.dep_ in ("xcomp", "ccomp", "advcl", "conj", "pcomp", "acl", "relcl")
        if head.i != verb.i and complement and head.lemma_.lower() in m.irrealis_verbs | IRREALIS_NOUNS:
            return False
        if self._is_past(verb):
            return True
        # A participle or infinitive ("quickly seizing", "were shot and killed", "started fighting")
        # takes its tense from the clause it hangs on.
        has_aux = any(c.dep_ in ("aux", "auxpass") for c in children)
        if (
            depth < 4 and head.i != verb.i and not has_aux and verb.tag_ in ("VBG", "VBN", "VB")
            and verb.dep_ in ("advcl", "xcomp", "acl", "conj", "pcomp", "prep", "dep", "relcl", "amod", "compound")
        ):
            outer = _governing_verb(head)
            return outer is not None and self._clause_is_realis(outer, depth + 1)
        return False

    def _is_past(self, verb: Token) -> bool:
        """Past tense, present perfect or passive past: 'killed', 'have overrun', 'were killed'.
        'has been fighting' is a state of affairs, not an incident."""
        if verb.tag_ == "VBD" or verb.lower_ in self.modality.past_forms:
            return True
        aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
        if verb.tag_ == "VBN" and not aux and any(c.dep_ == "nsubj" for c in verb.children):
            return True  # "militants killed 19 civilians" tagged as a participle: a subject makes it past
        if verb.tag_ == "VBG" and aux & {"has", "have", "'ve"} and "been" in aux:
            return False
        return bool(aux & PAST_AUX)

    def _derived_labels(self, labels: set[str], agent: str, patient: str, present: set[str]) -> set[str]:
        derived = set()
        violent_cues = WEAPON_CUES | {"kill", "injure", "live_fire"}
        if labels & violent_cues or {agent, patient} & {"armed", "state"} or present & {"armed"}:
            derived.add("violent_context")
        if {agent, patient} <= {"armed", "state"} and agent != "none":
            derived.add("armed_parties")
        if {"armed", "state"} <= present | {agent, patient}:
            derived.add("both_sides")
        return derived

    def _figurative_object(self, anchors: list[TermMatch], doc: Doc, actors: list[ActorMention]) -> bool:
        """'attacked the budget', 'shot the ball', 'killed off the match': every violent verb has an
        object that is neither an actor, nor a place, nor a thing that can be hit."""
        actor_heads = {a.head for a in actors}
        violent = [a for a in anchors if a.label in ("attack", "kill", "clash", "loot")]
        if not violent or any(a.label in WEAPON_CUES for a in anchors):
            return False
        for anchor in violent:
            root = doc[anchor.start:anchor.end].root
            if root.pos_ != "VERB":
                return False
            objects = [c for c in root.children if c.dep_ in ("dobj", "obj")]
            if not objects:
                return False
            for obj in objects:
                if obj.i in actor_heads or obj.ent_type_ in ("GPE", "LOC", "FAC", "PERSON", "NORP") or obj.like_num:
                    return False
                if {obj.lemma_.lower(), obj.lower_} & self.discourse.physical_targets:
                    return False
                if obj.pos_ == "PRON":
                    return False
        return True

    def _takes_an_object(self, anchors: list[TermMatch], doc: Doc, actors: list[ActorMention]) -> bool:
        """'seized computer files', 'captured weapons': taking a thing, not ground or people."""
        actor_heads = {a.head for a in actors}
        for anchor in anchors:
            if anchor.label not in ("take_territory", "regain_territory"):
                continue
            root = doc[anchor.start:anchor.end].root
            for obj in (c for c in root.children if c.dep_ in ("dobj", "nsubjpass")):
                if obj.i not in actor_heads and obj.ent_type_ not in ("GPE", "LOC", "FAC") and obj.pos_ != "PRON":
                    return True
        return False

    def _patient_is_territory(self, anchors: list[TermMatch], doc: Doc) -> bool:
        for anchor in anchors:
            if anchor.label not in ("take_territory", "regain_territory"):
                continue
            root = doc[anchor.start:anchor.end].root
            for child in root.children:
                if child.dep_ in ("dobj", "nsubjpass", "pobj", "nsubj") and (
                    child.lemma_.lower() in TERRITORY_NOUNS or child.ent_type_ in ("GPE", "LOC", "FAC")
                ):
                    return True
                if child.dep_ == "prep" and child.lower_ == "of" and any(  # "control of the city"
                    o.lemma_.lower() in TERRITORY_NOUNS or o.ent_type_ in ("GPE", "LOC", "FAC") for o in child.children
                ):
                    return True
        return False

    def _is_anaphoric(self, anchors: list[TermMatch], doc: Doc, span: Span | None = None) -> bool:
        """'The attack came...', 'the incident occurred...': the sentence points back to an event."""
        for token in span if span is not None else ():
            main = token.head.dep_ == "ROOT" or (
                token.head.dep_ == "ccomp" and token.head.head.lemma_.lower() in self.discourse.reporting_verbs
            )
            if token.dep_ in ("nsubj", "nsubjpass") and main and (
                token.lemma_.lower() in self.discourse.event_anaphors
                and any(c.dep_ == "det" and c.lower_ in DEFINITE for c in token.children)
            ):
                return True
        # Every cue either points back ("the clash") or only tells the outcome ("two bodies were
        # recovered"), and at least one points back: the sentence adds to an event already reported.
        pointing = 0
        for anchor in anchors:
            root = doc[anchor.start:anchor.end].root
            definite = any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in root.children)
            if root.pos_ == "NOUN" and root.lemma_.lower() in self.discourse.event_anaphors and definite:
                pointing += 1
            elif anchor.label not in OUTCOME_CUES:
                return False
        return pointing > 0

    # -- arguments --------------------------------------------------------------------------

    def _arguments(self, doc: Doc, anchors: list[TermMatch], actors: list[ActorMention],
                   previous: list[ActorMention], territory: bool) -> tuple[ActorMention | None, ActorMention | None]:
        """Who did it and to whom, from the parse around the cue words, else from the sentence.

        The sentence is only searched when the parse names no subject: "a bomb killed a ranger" has a
        subject that is no actor, and the soldiers elsewhere in the sentence did not plant it."""
        by_head = {a.head: a for a in actors}
        agent = patient = None
        subject_seen = False
        for anchor in anchors:
            a, p, seen = self._arguments_of(doc[anchor.start:anchor.end].root, by_head, previous)
            subject_seen = subject_seen or seen
            agent = agent or a
            patient = patient or (p if p is not agent else None)
            if agent and patient:
                break
        agent, patient = _named_nearby(agent, actors, doc), _named_nearby(patient, actors, doc)
        real = [a for a in actors if not a.as_modifier and not self._is_reporter(doc[a.head])]
        if agent is None and not subject_seen:
            # only the subject of the main clause: "when a group of rangers passed by" did nothing
            agent = next((a for a in real if a is not patient and role_class(a) in ("armed", "state")
                          and _is_main_subject(doc[a.head])), None)
        if patient is None and not territory:
            patient = next((a for a in real if a is not agent and role_class(a) != "none"), None)
        return agent, patient

    def _country_forces(self, token: Token) -> ActorMention | None:
        """A country or its adjective standing for its forces: 'Israeli strike', 'Russia shelled'."""
        if token.pos_ not in ("PROPN", "ADJ", "NOUN") or not token.text[:1].isupper():
            return None
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        text = ent.text if ent is not None and ent.label_ in ("GPE", "NORP") else token.text
        country = self.actors.country(text.removesuffix("'s").removesuffix("’s"))
        if country is None:
            return None
        start, end = (ent.start, ent.end) if ent is not None else (token.i, token.i + 1)
        return ActorMention(start, end, token.i, "state_military", text, (), country)

    def _is_reporter(self, token: Token) -> bool:
        """'police say', 'according to officials': who told the story, not who took part."""
        head = token.head
        if token.dep_ == "nsubj" and head.lemma_.lower() in self.discourse.reporting_verbs:
            # "claimed responsibility" is no report: the claimant owns the act
            return not any(c.dep_ == "dobj" and c.lemma_.lower() == "responsibility" for c in head.children)
        return token.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according"

    def _arguments_of(self, root: Token, by_head: dict[int, ActorMention],
                      previous: list[ActorMention]) -> tuple[ActorMention | None, ActorMention | None, bool]:
        """(agent, patient, whether the parse gave the cue a subject at all)."""
        agent = patient = None
        subject_seen = False

        def actor_at(token: Token) -> ActorMention | None:
            # "two militants from the armed wing of the PFLP", "one of the rangers"
            in_phrase = [by_head[o.i] for c in token.children if c.dep_ == "prep" and c.lower_ in ("of", "from")
                         for o in c.subtree if o.i in by_head]
            named = [a for a in in_phrase if a.role == "named" and not a.as_modifier]
            if named:
                return named[0]
            for t in [token, *[c for c in token.children if c.dep_ in ("conj", "appos")]]:
                if t.i in by_head:
                    return by_head[t.i]
                if t.lower_ in ("them", "him", "her") and t.dep_ in ("dobj", "obj", "nsubjpass"):
                    # "took nine passengers off and shot them dead": the people just named as objects
                    earlier = [a for a in by_head.values() if a.end <= t.i and not a.as_modifier
                               and token.doc[a.head].dep_ in ("dobj", "obj", "pobj")]
                    return max(earlier, key=lambda a: a.end, default=None)
                if t.lower_ in ("they", "it", "he", "she"):
                    # the nearest armed actor before it in the sentence, else in the sentences before
                    earlier = [a for a in by_head.values() if a.end <= t.i and not a.as_modifier]
                    for a in sorted(earlier, key=lambda a: -a.end) + list(reversed(previous)):
                        if role_class(a) in ("armed", "state"):
                            return a
                    return None
            if in_phrase:
                return in_phrase[0]
            if token.lemma_.lower() in self.discourse.force_posts:
                # "attacked a military base", "a police checkpoint": the force holding the post
                for c in token.children:
                    if c.dep_ not in ("amod", "compound", "nmod"):
                        continue
                    role = by_head[c.i].role if c.i in by_head else self.actors.generic_role(c)
                    holder = by_head.get(c.i) or (role and ActorMention(c.i, c.i + 1, c.i, role, c.text))
                    if holder and role_class(holder) in ("state", "armed"):
                        return holder
            by_agent = token.dep_ == "pobj" and token.head.lower_ == "by"
            return self._country_forces(token) if token.dep_ == "nsubj" or by_agent else None

        nominal = root.tag_ == "VBG" and root.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj")  # "Russian shelling"
        verb = root if root.pos_ in ("VERB", "AUX") and not nominal else None
        if verb is not None and verb.lemma_.lower() == "fall":
            # "the city fell to the Taliban": the taker is the object of "to", the subject is ground
            for c in verb.children:
                if c.dep_ == "prep" and c.lower_ == "to":
                    agent = next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
            return agent, None, True
        if verb is not None and verb.lemma_.lower() in ("die", "perish"):
            # "one of the rangers died": the subject is who was killed
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            return None, actor_at(subject) if subject is not None else None, False
        if verb is None:
            claim = _governing_verb(root)
            if claim is not None and claim.lemma_.lower() == "claim" and any(
                c.dep_ == "dobj" and c.lemma_.lower() == "responsibility" for c in claim.children
            ):
                # "Islamic State claimed responsibility for the attack": the claimant did it
                subject = next((c for c in claim.children if c.dep_ == "nsubj"), None)
                return (actor_at(subject) if subject is not None else None), None, True
            # a noun cue: "Israeli strike", "Taliban attack", "attack by gunmen", "attack on police"
            for c in root.children:
                if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i in by_head:
                    agent = agent or by_head[c.i]
                elif c.dep_ in ("poss", "compound", "amod", "nmod"):
                    # "an Israeli strike", "Russia's shelling", "a Russian missile strike"
                    agent = agent or self._country_forces(c) or next(
                        (f for g in c.children if g.dep_ in ("amod", "compound", "poss")
                         and (f := self._country_forces(g)) is not None), None)
                if c.dep_ == "prep" and c.lower_ == "by":
                    agent = agent or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                if c.dep_ == "prep" and c.lower_ in ("on", "against", "targeting", "at"):
                    patient = patient or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                if c.dep_ == "prep" and c.lower_ in ("with", "between"):
                    for o in (o for o in c.children if o.dep_ == "pobj"):
                        found = actor_at(o)
                        conj = [actor_at(x) for x in o.children if x.dep_ == "conj"]
                        if c.lower_ == "between" and found and conj and conj[0]:
                            agent, patient = agent or found, patient or conj[0]
                        else:
                            patient = patient or found
            if agent is None and root.head.pos_ in ("VERB", "AUX") and root.dep_ in ("dobj", "nsubj", "pobj"):
                verb = root.head  # "launched an attack", "came under attack", "killed in an attack"
                if root.dep_ == "nsubj":
                    # "gunmen stopped a bus": a cue that names its doer is the doer
                    doer = by_head.get(root.i)
                    if doer is not None and role_class(doer) in ("armed", "state"):
                        return doer, patient, True
                    return agent, patient, True
            elif agent is None and root.dep_ in ("pobj", "conj", "appos"):
                # "launched waves of drones and missiles at Odesa": the verb whose object holds the noun
                governing = _governing_verb(root)
                if governing is not None and not any(
                    c.dep_ in ("nsubj", "nsubjpass") and root in c.subtree for c in governing.children
                ):
                    subject = next((c for c in governing.children if c.dep_ == "nsubj"), None)
                    if subject is not None:
                        return actor_at(subject), patient, True
        if verb is not None:
            passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
            # "the bomb was planted": a passive without "by" hides its agent; the sentence does not name it
            subject_seen = subject_seen or passive
            subjects = [c for c in verb.children if c.dep_ == "nsubj"]
            head = verb
            while not subjects and not passive and head.dep_ == "conj" and head.head.i != head.i:
                head = head.head  # "stopped a bus, took nine passengers off and shot them": one subject
                subjects = [c for c in head.children if c.dep_ == "nsubj"]
            for c in subjects:
                if not passive:
                    subject_seen = True
                    agent = agent or actor_at(c)
            for c in verb.children:
                if c.dep_ == "nsubj":
                    continue
                elif c.dep_ == "nsubjpass" or c.dep_ in ("dobj", "obj"):
                    patient = patient or actor_at(c)
                elif c.dep_ == "agent":
                    subject_seen = True
                    agent = agent or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                elif c.dep_ == "prep" and c.lower_ in ("on", "at", "against", "with"):
                    patient = patient or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                elif c.dep_ == "prep" and c.lower_ == "by":
                    subject_seen = True
                    agent = agent or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
            if agent is None and verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
                subject = next((c for c in verb.head.children if c.dep_ == "nsubj"), None)
                if subject is not None:
                    subject_seen = True
                    agent = actor_at(subject)
        return agent, patient, subject_seen

    # -- places -----------------------------------------------------------------------------

    def _place_candidates(self, sentence: Sentence, anchors: list[TermMatch],
                          actors: list[ActorMention] = ()) -> list[PlaceCandidate]:
        """Place names in the sentence, strongest first: tied to a cue, then others not tied elsewhere."""
        doc = sentence.span.doc
        anchor_roots = [doc[a.start:a.end].root for a in anchors]
        clause_tokens: set[int] = set()
        for root in anchor_roots:
            verb = _governing_verb(root) or root
            clause_tokens.update(t.i for t in verb.subtree)
            clause_tokens.update(t.i for t in root.subtree)
        found: list[PlaceCandidate] = []
        spans = list(_place_spans(sentence.span, self.discourse))
        # "shelled Goma", "overran Kidal": the object of a strike or a seizure is a place if the
        # gazetteer knows it, whatever label the small model gave the name
        for anchor, root in zip(anchors, anchor_roots, strict=True):
            if anchor.label not in TARGET_CUES or root.pos_ != "VERB":
                continue
            for obj in (c for c in root.children if c.dep_ in ("dobj", "nsubjpass")):
                ent = next((e for e in doc.ents if e.start <= obj.i < e.end), None)
                if ent is not None and ent.label_ in ("ORG", "PERSON", "NORP") and len(ent) <= 2 and not any(
                    s.start <= obj.i < s.end for s in spans
                ):
                    spans.append(ent)
        named = {i for a in actors if a.role == "named" for i in range(a.start, a.end)}
        for candidate in spans:
            if named & set(range(candidate.start, candidate.end)):
                continue  # "M23", "Hamas": a group's name, not a place
            if self._header[0] <= sentence.offset + candidate.start_char < self._header[1]:
                continue  # the dateline: where the story was filed, used only when nothing else says
            qualifier, target = self._place_attachment(candidate)
            if qualifier == "from":
                continue
            if qualifier is None and candidate.root.dep_ in ("nsubj", "dobj", "nsubjpass") and not (
                target is not None and any(target.i == r.i for r in anchor_roots)
                and target.lemma_.lower() not in self.discourse.reporting_verbs
            ):
                continue  # "slammed Russia", "Russia said": a country as actor or addressee, not a place
            if target is not None and target.pos_ == "VERB" and target.lemma_.lower() in self.discourse.reporting_verbs:
                continue
            head_word = target.lemma_.lower() if target is not None else ""
            jurisdiction = head_word in self.discourse.jurisdiction_heads & self.discourse.non_event_heads
            if head_word in self.discourse.non_event_heads and not jurisdiction:
                continue
            tied = (target is not None and target.i in clause_tokens) or candidate.root.i in clause_tokens
            strength = 3 if tied else 2
            if jurisdiction:
                strength = 1  # "the governor of Donetsk region said...": where, failing anything better
            if qualifier == "km":
                strength = 1  # a bearing from a landmark: any place the story names later is better
            offset = sentence.offset
            direction = _direction_of(candidate)
            surely = candidate.label_ in ("GPE", "LOC", "FAC") or _kind_word_with(candidate, self.discourse) or (
                target is not None and (target.lemma_.lower() == "control" or any(
                    target.i == r.i for a, r in zip(anchors, anchor_roots, strict=True)
                    if a.label in ("take_territory", "regain_territory"))))  # "took control of X"
            mention = PlaceMention(candidate.text, offset + candidate.start_char, offset + candidate.end_char,
                                   qualifier, strength, surely, direction=direction)
            found.append(PlaceCandidate(candidate, target, mention))
        # "stormed the prison in the capital": the country's capital, named or not
        for token in sentence.span:
            located = token.dep_ == "pobj" and token.head.lower_ in self.discourse.place_prepositions
            if token.lower_ == "capital" and located and _definite(token):
                named = [c for c in token.children if c.dep_ in ("appos", "compound") and c.pos_ == "PROPN"]
                regional = any(c.lemma_.lower() in ("provincial", "regional", "state") for c in token.children)
                if not named and not regional:
                    verb = _governing_verb(token)
                    tied = verb is not None and verb.i in clause_tokens
                    start = sentence.offset + token.idx
                    place = PlaceMention(token.text, start, start + len(token.text), None, 3 if tied else 2,
                                         surely_place=True, capital=True)
                    found.append(PlaceCandidate(sentence.span.doc[token.i:token.i + 1], token.head, place))
        # "an overnight raid on the village": the town or village named before, when no name is tied here
        if not any(c.mention.strength >= 3 for c in found):
            for token in sentence.span:
                located = token.dep_ == "pobj" and (
                    token.head.lower_ in self.discourse.place_prepositions or token.head.lower_ == "on"
                )
                kind = self.discourse.place_kinds.get(token.lower_)
                if kind != "town" or not located or not _definite(token) or token.i not in clause_tokens:
                    continue
                if not self._place_named and not any(
                    e.label_ in PLACE_LABELS and e.end <= token.i for e in sentence.span.ents
                ):
                    continue  # "no attack took place in the city": no town named to point back to
                if any(c.dep_ in ("appos", "compound", "prep") for c in token.children):
                    continue  # "the village of Solhan", "the town Kidal": named here, not pointed back to
                start = sentence.offset + token.idx
                place = PlaceMention(token.text, start, start + len(token.text), None, 3, anaphor=True)
                found.append(PlaceCandidate(sentence.span.doc[token.i:token.i + 1], token.head, place))
        # a place that lies in another the sentence names is surely a place, known or not; the other
        # is where it lies, not where things happened
        for candidate in found:
            if any(o is not candidate and _contains(o, candidate) for o in found):
                candidate.mention.surely_place = True
            if any(o is not candidate and _contains(candidate, o) for o in found):
                candidate.mention.container = True
        # "Umm Qasr and Shatra": a place listed with another hangs where the first one does
        for candidate in found:
            root = candidate.span.root
            if root.dep_ == "conj":
                first = next((o for o in found if root.head.i in o.tokens()), None)
                if first is not None:
                    candidate.target = first.target
                    candidate.mention.qualifier = candidate.mention.qualifier or first.mention.qualifier
        found.sort(key=lambda c: -c.mention.strength)
        return found

    def _place_attachment(self, span: Span) -> tuple[str | None, Token | None]:
        """(qualifier, the word the place phrase hangs on) for a place name in context."""
        kinds = self.discourse.place_kinds
        preps = self.discourse.place_prepositions
        token = span.root
        qualifier: str | None = None
        # "Waeng district", "the town of Jabaliya", "Kunduz province"
        after = span.doc[span.end] if span.end < len(span.doc) else None
        if after is not None and after.lower_ in kinds:
            qualifier = kinds[after.lower_] if kinds[after.lower_] != "town" else None
            token = after
        for _ in range(4):
            head = token.head
            if token.dep_ in ("compound", "appos", "nmod", "poss") and head.lower_ in kinds:
                qualifier = qualifier or (kinds[head.lower_] if kinds[head.lower_] != "town" else None)
                token = head
                continue
            if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in kinds | {"outskirts": "near"}:
                noun = head.head
                if noun.lower_ == "outskirts":
                    qualifier = "near"
                else:
                    qualifier = qualifier or (kinds[noun.lower_] if kinds[noun.lower_] != "town" else None)
                token = noun
                continue
            if token.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in preps:
                qualifier = preps[head.head.lower_] if preps[head.head.lower_] != "in" else qualifier
                token = head.head
                continue
            break
        if token.dep_ == "pobj" and token.head.dep_ == "prep":
            prep = token.head
            meaning = preps.get(prep.lower_)
            if meaning == "from" and _distance_before(prep):
                qualifier = "km"  # "40 km from Kabul": somewhere near it, not in it
            elif meaning == "near":
                qualifier = "near"
            elif meaning == "from":
                return "from", prep.head
            elif meaning is None and prep.lower_ not in ("of", "to"):
                return qualifier, prep.head
            # "east of Deir al-Balah": the direction word heads the preposition
            direction = prep.head
            if direction.lower_ in preps and preps[direction.lower_] == "near":
                qualifier = "near"
                return qualifier, direction.head
            return qualifier, prep.head
        if token.dep_ in ("dobj", "nsubjpass", "nsubj", "conj"):
            return qualifier, token.head
        return qualifier, token.head if token.head.i != token.i else None

    # -- dates ------------------------------------------------------------------------------

    def _attached_date(self, sentence: Sentence, anchors: list[TermMatch]) -> DateExpression | None:
        """The date expression in the clause of the cue words, else one not tied to a verb of saying,
        else (not for a death toll's update, which tells of an earlier event) the day it was told."""
        if not sentence.dates:
            return None
        doc = sentence.span.doc
        roots = [doc[a.start:a.end].root for a in anchors]
        verbs = [(_governing_verb(r) or r) for r in roots]
        attached, loose, reported, own = [], [], [], []
        root_ids = {r.i for r in roots}
        for expression in sentence.dates:
            span = doc.char_span(expression.start - sentence.offset, expression.end - sentence.offset,
                                 alignment_mode="expand")
            if span is None:
                continue
            if self._is_stamp(expression, sentence, loose=False):
                continue
            if span.root.dep_ in ("poss", "compound", "nmod", "amod") and span.root.head.i in root_ids:
                own.append(expression)  # "last year's bombing": the time written on the event's own noun
            head = _governing_verb(span.root) or span.root
            if any(head == v or head in v.subtree and _same_clause(head, v) for v in verbs) or any(
                span.root in r.subtree for r in roots
            ):
                attached.append(expression)
            elif head.lemma_.lower() not in self.discourse.reporting_verbs and not self._is_stamp(expression, sentence):
                loose.append(expression)
            elif head.lemma_.lower() in self.discourse.reporting_verbs:
                reported.append(expression)
        # "the group said on Tuesday that its fighters had captured...": when nothing else dates the
        # event, the day it was told, to the week
        told = [e for e in reported if e.date is not None and not e.background]
        reported = [replace(e, precision=max(e.precision, 2)) for e in told]
        if any(a.term.split()[-1] in TOLL_NOUNS for a in anchors):
            reported = []
        for group in (own, attached, loose, reported):
            dated = [e for e in group if e.date is not None or e.background]
            if dated:
                recent = [e for e in dated if not e.background]
                # "overnight on Sunday": the day named beats the day implied
                chosen = min(recent or dated, key=lambda e: (e.precision, DATE_KIND_RANK.get(e.kind, 9)))
                return self._from_day_told(chosen, told, sentence.reference_date) if group is not reported else chosen
            if group:
                return group[0]
        return None

    @staticmethod
    def _from_day_told(expression: DateExpression, told: list[DateExpression],
                       reference: dt.date | None) -> DateExpression:
        """'officials said on Sunday that ... overnight': a day counted from now ("overnight",
        "yesterday") counts from the day the words were said, when the sentence names that day."""
        if expression.kind not in ("relative", "ago") or expression.date is None or reference is None:
            return expression
        said = [e.date for e in told if e.date is not None and e.date < reference]
        if not said:
            return expression
        return replace(expression, date=expression.date - (reference - max(said)))

    def _is_stamp(self, expression: DateExpression, sentence: Sentence, loose: bool = True) -> bool:
        """The report's own time stamp: a date inside the dateline, a numeric date equal to the
        report's, or (outside the clause of the cue) a written full date equal to it."""
        start, end = self._header
        if start <= expression.start < end:
            return True
        reference = sentence.reference_date
        if not reference or expression.date != reference:
            return False
        return expression.kind in ("iso", "slash")

    def _sentence_is_background(self, sentence: Sentence) -> bool:
        return any(e.background for e in sentence.dates) and not any(
            not e.background and e.date is not None for e in sentence.dates
        )

    def _inherit_dates(self, analysed: AnalysedDoc, mentions: list[EventMention]) -> None:
        """A mention with no date of its own takes the last date expression of its paragraph.

        Background carries over too: the sentence after 'The 2015 attack killed 148' that says
        'several attackers were also killed' is still about 2015.
        """
        last_in_block: dict[int, DateExpression] = {}
        by_sentence: dict[int, list[EventMention]] = {}
        for m in mentions:
            by_sentence.setdefault(m.sentence.index, []).append(m)
        dropped = set()
        last_event_date: DateExpression | None = None
        for sentence in analysed.sentences:
            here = by_sentence.get(sentence.index, [])
            # the paragraph's last date, else the last day the story gave an event
            inherited = last_in_block.get(sentence.block_index) or last_event_date
            for mention in here:
                if mention.date is None and inherited is not None:
                    if inherited.background:
                        dropped.add(sentence.index)
                    else:
                        mention.date = inherited
                        mention.date_inherited = True
            own = [e for e in sentence.dates if e.date is not None or e.background]
            told = [m.date for m in here if m.date is not None and m.sentence.index not in dropped]
            if told:
                # the date the sentence's own event took, not a "since 2001" beside it
                last_in_block[sentence.block_index] = told[-1]
            elif own:
                last_in_block[sentence.block_index] = own[-1]
            for mention in here:
                if mention.date is not None and not mention.date.background:
                    last_event_date = mention.date
        mentions[:] = [m for m in mentions if m.sentence.index not in dropped]


# -- helpers -------------------------------------------------------------------------------------


FAMILY_OF_TYPE = {"Battles": "violence", "Explosions/Remote violence": "violence",
                  "Violence against civilians": "violence", "Protests": "crowd", "Riots": "crowd",
                  "Strategic developments": "strategic"}


def _family(rule: EventRule) -> str:
    return FAMILY_OF_TYPE[rule.event_type]


DATE_KIND_RANK = {"iso": 0, "slash": 0, "mdy": 0, "dmy": 0, "weekday": 1, "ago": 2, "relative": 3}


def _prior_tokens(span: Span, rules: DiscourseRules) -> set[int]:
    """Tokens of phrases that tell what came before the news ("after two days of looting that
    followed the shooting of protesters"); "after the clash" is the event itself and stays."""
    prior: set[int] = set()
    for token in span:
        if _is_prior(token, rules):
            prior.update(t.i for t in token.subtree)
    return prior


PRIOR_SPANS = frozenset({"day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades"})


def _is_prior(token: Token, rules: DiscourseRules) -> bool:
    """'before the vote', 'since the attacks', 'after two days of looting', 'following weeks of clashes':
    an earlier time.
    'after a gun battle' or 'after the clash' tells how the event itself went, and is not."""
    if token.dep_ != "pobj" or token.head.lower_ not in PRIOR_PREPOSITIONS:
        return False
    if token.head.lower_ in ("before", "prior", "since"):
        return True  # "since the September 11 attacks": a point in the past the sentence counts from
    return token.lemma_.lower() in PRIOR_SPANS or token.lower_ in PRIOR_SPANS


def _definite(token: Token) -> bool:
    return any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in token.children)


def _tail_key(text: str) -> str | None:
    """The last 80 letters and digits of a long sentence, to spot a repeated one."""
    letters = "".join(ch for ch in text.lower() if ch.isalnum())
    return letters[-80:] if len(letters) >= 60 else None


def _governing_verb(token: Token) -> Token | None:
    """The verb a word belongs to: itself, or the first verb among its heads."""
    current = token
    for _ in range(8):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _same_clause(token: Token, verb: Token) -> bool:
    """No finite verb other than `verb` stands between token and verb."""
    current = token
    for _ in range(10):
        if current == verb:
            return True
        if current.i != token.i and current.pos_ in ("VERB", "AUX") and current.dep_ in ("ccomp", "relcl", "advcl"):
            return False
        if current.head.i == current.i:
            return False
        current = current.head
    return False


def _named_nearby(actor: ActorMention | None, actors: list[ActorMention], doc: Doc) -> ActorMention | None:
    """'militants from the armed wing of the PFLP': a generic noun followed by the group it belongs to
    (however the parser attached the 'from'/'of' phrase)."""
    if actor is None or actor.role != "armed_nonstate":
        return actor
    for other in actors:
        if other.role == "named" and not other.as_modifier and actor.end <= other.start <= actor.end + 10:
            between = {t.lower_ for t in doc[actor.end:other.start]}
            if between & {"from", "of", "belonging", "linked", "affiliated"} and not between & {",", ";", "and"}:
                return other
    return actor


# Words that may stand between a place and the area it lies in: "Sarail in the eastern district of
# Brahmanbaria", "Sanarpara in Narayanganj district", "Guruja, Sao Paulo".
PLACE_LABELS = ("GPE", "LOC", "FAC")
CONTAINER_GLUE = frozenset({"in", ",", "of", "the", "a", "an", "on", "coast", "shores", "banks", "edge", "'s", "’s",
                            "district", "province", "state", "region", "county", "township", "municipality",
                            "division", "governorate", "oblast", "prefecture", "department", "commune",
                            "eastern", "western", "northern", "southern", "central", "north", "south", "east",
                            "west", "neighbouring", "neighboring", "nearby", "restive", "border"})


DIRECTIONS = {"southern": "south", "northern": "north", "eastern": "east", "western": "west", "central": "central",
              "south": "south", "north": "north", "east": "east", "west": "west"}


def _direction_of(span: Span) -> str | None:
    """'southern Lebanon' -> 'south'."""
    before = span.doc[span.start - 1] if span.start > 0 else None
    return DIRECTIONS.get(before.lower_) if before is not None and before.dep_ == "amod" else None


def _coordinated(inner: Token, outer: Token) -> bool:
    """'X shot a policeman in A and a civilian was killed in B': the second clause is conjoined to
    the first, not a part of it."""
    token = inner
    while token.i != outer.i and token.head.i != token.i:
        if token.dep_ == "conj" and token.head.i <= outer.i:
            return True
        token = token.head
    return False


def _contains(outer: PlaceCandidate, inner: PlaceCandidate) -> bool:
    """'Kango villages in Maru LGA': outer's phrase hangs on inner's name or the noun it stands for,
    or follows it with nothing but 'in the ... district of' between (however the parser attached it)."""
    if outer.target is None or outer.target.i in inner.tokens() and outer.span.root.dep_ == "conj":
        return False
    named_by = outer.span.root.head.head if outer.span.root.head.lower_ == "of" else outer.span.root
    if named_by.dep_ == "conj" and outer.target.i in inner.tokens():
        return False  # "in Nairobi and the western city of Kisumu": listed beside it, not around it
    if outer.target.i in inner.tokens() or outer.target.i == inner.noun().i:
        return True
    root = outer.span.root
    if root.dep_ == "poss" and (root.head.i in inner.tokens() or root.head.i == inner.noun().i):
        return True  # "Nigeria's northwestern Kaduna state": the possessor is where the place lies
    named = inner.span.root
    if named.dep_ == "pobj" and named.head.lower_ == "of" and outer.target.i == named.head.head.i:
        return True  # "the village of Toulfe in Loroum province": the phrase hangs on what the name names
    doc = outer.span.doc
    between = doc[inner.span.end : outer.span.start]
    words = [t.lower_ for t in between]
    bearings = discourse_rules().bearings
    if any(w in bearings and words[i + 1 : i + 2] == ["of"] and words[i - 1 : i] != ["the"]
           for i, w in enumerate(words)):
        return False  # "Bulacan province, north of Manila": a bearing from a place, not an area around it
    # a country's name may stand between too: "Myebon township in Myanmar's Rakhine state"
    return 0 < len(between) <= 8 and between[0].lower_ in ("in", ",") and all(
        t.lower_ in CONTAINER_GLUE or t.ent_type_ == "GPE" for t in between
    )


def _qualifies_other(place: PlaceCandidate, candidates: list[PlaceCandidate]) -> bool:
    """'Bulacan province, north of Manila': a place whose phrase hangs on another place says where
    that one is, and is no place of its own."""
    target = place.target
    return target is not None and any(
        o is not place and (target.i in o.tokens() or target.i == o.noun().i) for o in candidates
    )


def _where_clause_of(verb: Token, place: PlaceCandidate, candidates: list[PlaceCandidate]) -> bool:
    """'..., Umm Qasr and Shatra, where security forces killed one': a relative clause on a list of
    places belongs to the nearest one (the last named before it)."""
    if verb.dep_ != "relcl" and not any(c.lower_ in ("where", "wherein") for c in verb.children):
        return False
    head = verb.head
    heads = [c for c in candidates if head.i in c.tokens() or head.i == c.noun().i]
    if not heads:
        return False
    before = [c for c in candidates if c.span.end <= verb.i and (
        c in heads or any(h.span.root in c.span.root.ancestors or c.span.root in h.span.root.conjuncts
                          for h in heads))]
    nearest = max(before, key=lambda c: c.span.end) if before else heads[0]
    return nearest is place


def _is_main_subject(token: Token) -> bool:
    """The subject of the sentence's main verb (or of a verb conjoined to it)."""
    if token.dep_ not in ("nsubj", "nsubjpass"):
        return False
    verb = token.head
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head
    return verb.dep_ in ("ROOT", "ccomp")


DISTANCE_UNITS = frozenset({"kilometre", "kilometer", "km", "kms", "mile", "metre", "meter", "yard"})


def _distance_before(prep: Token) -> bool:
    """'40 kilometres from Kabul': a distance phrase heads or precedes the preposition."""
    before = prep.doc[prep.i - 1] if prep.i > 0 else None
    return prep.head.lemma_.lower() in DISTANCE_UNITS or (
        before is not None and before.lemma_.lower() in DISTANCE_UNITS
    )


def _place_spans(span: Span, rules: DiscourseRules) -> Iterable[Span]:
    """Named places in a sentence (see _raw_place_candidates), tidied: "Narathiwat's Ru" becomes
    "Ru So" (the possessor is the province, the name runs on to the kind word)."""
    doc = span.doc
    for candidate in _raw_place_spans(span, rules):
        possessive = [t.i for t in candidate if t.tag_ == "POS" or t.text in ("'s", "’s")]
        if possessive and possessive[-1] == candidate.end - 1:
            # "Gaza City's al-Shati camp": the name is the possessor itself, without its "'s"
            if possessive[-1] > candidate.start:
                yield doc[candidate.start : possessive[-1]]
            continue
        start = possessive[-1] + 1 if possessive else candidate.start
        end = candidate.end
        # "Ru So district": run on over capitalised words only when a kind word ends the run
        run = end
        while run < span.end and doc[run].is_alpha and doc[run].text[:1].isupper() and (
            doc[run].lower_ not in rules.place_kinds
        ):
            run += 1
        if run > end and run < len(doc) and doc[run].lower_ in rules.place_kinds:
            end = run
        if start < end:
            yield doc[start:end]


def _raw_place_spans(span: Span, rules: DiscourseRules) -> Iterable[Span]:
    """Named places in a sentence: GPE/LOC/FAC entities, plus names the small model mislabels
    (ORG, PERSON, NORP) when a place word or preposition frames them; the gazetteer decides later."""
    doc = span.doc
    seen: set[int] = set()
    for ent in span.ents:
        # "Myanmar's central Sagaing region": a name the parser took for an adjective of a kind word
        named_kind = ent.root.dep_ == "amod" and ent.root.head.lower_ in rules.place_kinds and ent.label_ in (
            "GPE", "LOC") and ent.root.tag_ != "JJ"
        if (ent.root.dep_ == "amod" and not named_kind) or ent.root.tag_ == "JJ" or _modifies_modifier(
            ent.root
        ) or _names_a_kind(
            ent.root, rules
        ) or (
            ent.root.dep_ == "poss" and ent.root.head.lower_ not in rules.place_kinds
            and ent.root.head.pos_ != "PROPN"
        ):  # "New Delhi's stripping of autonomy": the government, not a place
            # "the northern Afghan city": an adjective; "the Gulf port Umm Qasr": a modifier of a modifier
            seen.update(range(ent.start, ent.end))
            continue
        after = doc[ent.end + 1] if ent.end + 1 < len(doc) else None
        if after is not None and doc[ent.end].text in ("-", "–") and after.tag_ in ("VBN", "VBD", "JJ"):
            # "Iran-backed militants", "Kabul-based officials": a word about the actor, not a place
            seen.update(range(ent.start, ent.end))
            continue
        tagged = ent.label_ in ("GPE", "LOC", "FAC")
        # a nationality is a place only after a place preposition ("fled into Afghan territory")
        located = ent.label_ == "NORP" and ent.root.dep_ == "pobj" and ent.root.head.lower_ in rules.place_prepositions
        framed = ent.label_ in ("ORG", "PERSON") and _framed_as_place(ent, rules)
        if tagged or located or framed:
            end = ent.end
            # "Tal Abyad" with only "Tal" tagged: the name runs on over the proper nouns it compounds with
            while end < span.end:
                if doc[end].pos_ == "PROPN" and doc[end - 1].dep_ == "compound" and doc[end - 1].head.i >= end:
                    end += 1
                elif doc[end].lower_ in rules.name_connectors and end + 1 < span.end and (
                    doc[end + 1].pos_ == "PROPN" and doc[end + 1].text[:1].isupper()
                ):
                    end += 2  # "Valle del Cauca", "Santiago de Cali": a name's own connector
                else:
                    break
            seen.update(range(ent.start, end))
            yield doc[ent.start : end] if end > ent.end else ent
    # Proper nouns the model missed: "in Sanarpara", "Waeng district"
    for token in span:
        if token.i in seen or token.pos_ != "PROPN" or not token.text[:1].isupper():
            continue
        if token.dep_ == "compound" and token.head.pos_ == "PROPN" or _modifies_modifier(token):
            continue
        start = token.left_edge.i if token.left_edge.pos_ == "PROPN" else token.i
        candidate = doc[start : token.i + 1]
        if any(i in seen for i in range(candidate.start, candidate.end)):
            continue
        if _framed_as_place(candidate, rules):
            seen.update(range(candidate.start, candidate.end))
            yield candidate


def _kind_word_with(span: Span, rules: DiscourseRules) -> bool:
    """'Dangulbi village', 'the village of Dangulbi', 'Kango and Dangulbi villages'."""
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in rules.place_kinds:
        return True
    root = span.root
    for token in (root, root.head if root.dep_ == "conj" else root):
        if token.dep_ in ("compound", "nmod", "appos") and token.head.lower_ in rules.place_kinds:
            return True
        if token.dep_ == "pobj" and token.head.lower_ == "of" and token.head.head.lower_ in rules.place_kinds:
            return True
    return False


def _names_a_kind(token: Token, rules: DiscourseRules) -> bool:
    """'Tuareg rebels', 'Kabul police': a name modifying a noun that is no place word names a kind of
    thing or people, not where something happened."""
    head = token.head
    return token.dep_ in ("compound", "nmod", "det") and head.i != token.i and head.pos_ == "NOUN" and (
        head.lower_ not in rules.place_kinds and head.lemma_.lower() not in rules.place_kinds
    )


def _modifies_modifier(token: Token) -> bool:
    return token.dep_ == "compound" and token.head.dep_ == "compound" and token.head.head.pos_ == "PROPN"


def _framed_as_place(span: Span, rules: DiscourseRules, depth: int = 0) -> bool:
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in rules.place_kinds:
        return True
    root = span.root
    if root.dep_ == "conj" and depth < 3:
        # "Kango and Dangulbi villages": listed with a place, it is one
        head = root.head
        if head.ent_type_ in ("GPE", "LOC", "FAC") or _framed_as_place(doc[head.i : head.i + 1], rules, depth + 1):
            return True
    if root.dep_ == "pobj" and root.head.lower_ in rules.place_prepositions:
        return True
    if root.dep_ == "appos" and root.head.lower_ in rules.place_kinds:
        return True  # "its second city, Ganja"
    return root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in rules.place_kinds
