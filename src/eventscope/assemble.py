"""AnalysedDoc -> EventMentions: what each sentence reports as having happened.

A mention is built around cue words (lexicons/cues.yaml) in a sentence that reports a real, past,
concrete happening: not a threat, plan, denial, condition, generic statement, court case, metaphor or
piece of history.  The dependency parse gives who did it (agent), to whom (patient), where (the
place tied to the cue by a preposition), when (the date expression in the same clause) and how many
died; the event-type rules turn cues and roles into an ACLED sub-event type.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

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
SUPPORT_CUES = frozenset({"withdraw", "peaceful_handover", "labour_strike"})
WEAPON_CUES = frozenset({"air", "shelling", "ied", "suicide", "grenade", "chemical"})
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


@dataclass(frozen=True)
class ModalityRules:
    modal_aux: frozenset[str]
    irrealis_verbs: frozenset[str]
    generic_verbs: frozenset[str]
    conditional_marks: frozenset[str]
    legal_terms: frozenset[str]
    metaphors: TermMatcher
    sport_terms: frozenset[str]


def _words(data: dict, key: str) -> frozenset[str]:
    return frozenset(str(w).lower() for w in data[key])


@functools.cache
def discourse_rules() -> DiscourseRules:
    d = packaged_yaml("rules/discourse.yaml")
    return DiscourseRules(
        _words(d, "group_anaphors"), _words(d, "event_anaphors"), _words(d, "place_anaphors"),
        {k: v for k, v in d["place_kinds"].items() if k != "__line__"},
        {k: v for k, v in d["place_prepositions"].items() if k != "__line__"},
        _words(d, "non_event_heads"), _words(d, "reporting_verbs"),
    )


@functools.cache
def modality_rules() -> ModalityRules:
    d = packaged_yaml("rules/modality.yaml")
    metaphors = TermMatcher(parse_term("metaphor", str(t), "modality.yaml metaphors") for t in d["metaphors"])
    return ModalityRules(
        _words(d, "modal_aux"), _words(d, "irrealis_verbs"), _words(d, "generic_verbs"),
        _words(d, "conditional_marks"), _words(d, "legal_terms"), metaphors, _words(d, "sport_terms"),
    )


@dataclass(slots=True)
class PlaceMention:
    """Words naming where a mention happened, before the gazetteer resolves them."""

    text: str
    start: int  # article offsets
    end: int
    qualifier: str | None  # None (in), "near", a kind word ("district", "region")
    strength: int  # 3 tied to the cue, 2 elsewhere in the sentence, 1 dateline or inherited


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
        self.actors = actor_finder
        self.rules = event_rules or load_event_rules()
        self.modality = modality_rules()
        self.discourse = discourse_rules()

    def mentions(self, analysed: AnalysedDoc) -> list[EventMention]:
        if self._is_off_topic(analysed):
            return []
        actor_cache: dict[int, list[ActorMention]] = {}
        mentions: list[EventMention] = []
        salient_groups: list[ActorMention] = []
        previous_actors: list[ActorMention] = []
        for sentence in analysed.sentences:
            doc = sentence.span.doc
            if id(doc) not in actor_cache:
                actor_cache[id(doc)] = self.actors.find(doc)
            actors = [a for a in actor_cache[id(doc)] if sentence.span.start <= a.head < sentence.span.end]
            actors = [self._resolve_anaphor(a, salient_groups) for a in actors]
            if sentence.block.kind == "body":
                mention = self._mention(sentence, actors, previous_actors)
                if mention is not None:
                    mentions.append(mention)
                    for actor in (mention.agent, mention.patient):
                        if actor is not None and actor.role == "named" and not actor.as_modifier:
                            salient_groups.append(actor)
            previous_actors = [a for a in actors if not a.as_modifier] or previous_actors
        self._inherit_dates(analysed, mentions)
        return mentions

    # -- article level ----------------------------------------------------------------------

    def _is_off_topic(self, analysed: AnalysedDoc) -> bool:
        """Sport reports and the like: dense in their own vocabulary, thin in violence."""
        sport = violence = 0
        for sentence in analysed.sentences:
            labels = sentence.cue_labels()
            violence += len(labels & (WEAPON_CUES | {"kill"}))
            sport += sum(1 for t in sentence.span if t.lower_ in self.modality.sport_terms)
        return sport >= 8 and sport > 3 * violence

    def _resolve_anaphor(self, actor: ActorMention, salient: list[ActorMention]) -> ActorMention:
        """'militants' after 'the Taliban overran...': the group already named as an actor."""
        if actor.role != "armed_nonstate" or not salient:
            return actor
        head = actor.text.split()[-1].lower().rstrip("s")
        if head not in self.discourse.group_anaphors:
            return actor
        names = {g.name for a in salient for g in a.groups}
        if len(names) != 1:
            return actor
        latest = salient[-1]
        return ActorMention(actor.start, actor.end, actor.head, "named", actor.text, latest.groups, None, False)

    # -- sentence level ---------------------------------------------------------------------

    def _mention(self, sentence: Sentence, actors: list[ActorMention],
                 previous_actors: list[ActorMention]) -> EventMention | None:
        span = sentence.span
        anchors = self._anchors(sentence)
        if not anchors:
            return None
        if any(t.lemma_.lower() in self.modality.legal_terms for t in span) and not (
            {a.label for a in anchors} & {"arrest"}
        ):
            return None
        doc = span.doc
        labels = {c.label for c in sentence.cues if not self._in_metaphor(c, sentence)}
        agent, patient = self._arguments(doc, anchors, actors, previous_actors)
        agent_class, patient_class = role_class(agent), role_class(patient)
        if patient is None and self._patient_is_territory(anchors, doc):
            patient_class = "territory"
        present = {role_class(a) for a in actors if not a.as_modifier} - {"none"}
        labels |= self._derived_labels(labels, agent_class, patient_class, present)
        rule = self.rules.classify(labels, agent_class, patient_class, present)
        if rule is None:
            return None
        date = self._attached_date(sentence, anchors)
        if date is not None and date.background:
            return None
        if date is None and self._sentence_is_background(sentence):
            return None
        mention = EventMention(
            sentence=sentence, doc=doc, anchors=anchors, labels=labels, rule=rule, agent=agent, patient=patient,
            actors=actors, agent_class=agent_class, patient_class=patient_class,
            places=self._places(sentence, anchors), date=date, toll=death_toll(span),
            anaphoric=self._is_anaphoric(anchors, doc),
        )
        return mention

    def _anchors(self, sentence: Sentence) -> list[TermMatch]:
        """Cue matches that report a real happening in this sentence."""
        doc = sentence.span.doc
        anchors = []
        for cue in sentence.cues:
            if cue.label in SUPPORT_CUES or self._in_metaphor(cue, sentence):
                continue
            token = doc[cue.start:cue.end].root
            if self._is_realis(token):
                anchors.append(cue)
        return anchors

    @functools.lru_cache(maxsize=1024)  # noqa: B019 - keyed by sentence object, per assembler
    def _metaphor_spans(self, sentence: Sentence) -> tuple[tuple[int, int], ...]:
        return tuple((m.start, m.end) for m in self.modality.metaphors.match(sentence.span, sentence.span.start))

    def _in_metaphor(self, cue: TermMatch, sentence: Sentence) -> bool:
        return any(s <= cue.start < e for s, e in self._metaphor_spans(sentence))

    def _is_realis(self, token: Token) -> bool:
        """Does the clause around token report something that happened (past, asserted, real)?"""
        m = self.modality
        for word in [token, *list(token.ancestors)[:6]]:
            lemma = word.lemma_.lower()
            if word is not token and lemma in m.irrealis_verbs | IRREALIS_NOUNS:
                return False
            if word is not token and lemma in m.generic_verbs and word.pos_ == "VERB":
                return False
            children = list(word.children)
            if any(c.dep_ == "neg" for c in children) and word.pos_ in ("VERB", "AUX", "ADJ"):
                return False
            if any(c.dep_ in ("aux", "auxpass") and c.lower_ in m.modal_aux for c in children):
                return False
            if any(c.dep_ == "mark" and c.lower_ in m.conditional_marks for c in children):
                return False
            if word.pos_ in ("VERB", "AUX") and word.dep_ not in ("xcomp", "advcl", "acl", "relcl", "conj", "pcomp"):
                return self._is_past(word)
            if word.dep_ == "ROOT":
                break
        verb = _governing_verb(token)
        return verb is None or self._is_past(verb)

    def _is_past(self, verb: Token) -> bool:
        """Past tense, present perfect or passive past: 'killed', 'have overrun', 'were killed'."""
        if verb.tag_ in ("VBD", "VBN"):
            return True
        aux = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
        if aux & PAST_AUX:
            return True
        if verb.tag_ == "VBG" and verb.head is not verb:
            return self._is_past(verb.head) if verb.head.pos_ in ("VERB", "AUX") else False
        return False

    def _derived_labels(self, labels: set[str], agent: str, patient: str, present: set[str]) -> set[str]:
        derived = set()
        violent_cues = WEAPON_CUES | {"kill", "injure", "live_fire"}
        if labels & violent_cues or {agent, patient} & {"armed", "state"} or present & {"armed"}:
            derived.add("violent_context")
        if {agent, patient} <= {"armed", "state"} and agent != "none":
            derived.add("armed_parties")
        return derived

    def _patient_is_territory(self, anchors: list[TermMatch], doc: Doc) -> bool:
        for anchor in anchors:
            if anchor.label not in ("take_territory", "regain_territory"):
                continue
            root = doc[anchor.start:anchor.end].root
            for child in root.children:
                if child.dep_ in ("dobj", "nsubjpass", "pobj") and (
                    child.lemma_.lower() in TERRITORY_NOUNS or child.ent_type_ in ("GPE", "LOC", "FAC")
                ):
                    return True
                if child.dep_ == "prep" and child.lower_ == "of":  # "control of the city"
                    if any(o.lemma_.lower() in TERRITORY_NOUNS or o.ent_type_ in ("GPE", "LOC", "FAC")
                           for o in child.children):
                        return True
        return False

    def _is_anaphoric(self, anchors: list[TermMatch], doc: Doc) -> bool:
        """'The attack came...', 'the incident occurred...': the sentence points back to an event."""
        for anchor in anchors:
            root = doc[anchor.start:anchor.end].root
            if root.pos_ != "NOUN" or root.lemma_.lower() not in self.discourse.event_anaphors:
                return False
            if not any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in root.children):
                return False
        return True

    # -- arguments --------------------------------------------------------------------------

    def _arguments(self, doc: Doc, anchors: list[TermMatch], actors: list[ActorMention],
                   previous: list[ActorMention]) -> tuple[ActorMention | None, ActorMention | None]:
        """Who did it and to whom, from the parse around the cue words, else from the sentence."""
        by_head = {a.head: a for a in actors}
        agent = patient = None
        for anchor in anchors:
            a, p = self._arguments_of(doc[anchor.start:anchor.end].root, by_head, previous)
            agent = agent or a
            patient = patient or (p if p is not agent else None)
            if agent and patient:
                break
        real = [a for a in actors if not a.as_modifier]
        if agent is None:
            agent = next((a for a in real if a is not patient and role_class(a) in ("armed", "state")), None)
        if patient is None:
            patient = next((a for a in real if a is not agent and role_class(a) != "none"), None)
        return agent, patient

    def _arguments_of(self, root: Token, by_head: dict[int, ActorMention],
                      previous: list[ActorMention]) -> tuple[ActorMention | None, ActorMention | None]:
        agent = patient = None

        def actor_at(token: Token) -> ActorMention | None:
            for t in [token, *[c for c in token.children if c.dep_ in ("conj", "appos")]]:
                if t.i in by_head:
                    return by_head[t.i]
                if t.lower_ in ("they", "it", "he", "she") and previous:
                    return next((a for a in reversed(previous) if role_class(a) in ("armed", "state")), None)
            for c in token.children:  # "two militants from the armed wing of the PFLP"
                if c.dep_ == "prep" and c.lower_ in ("of", "from"):
                    for o in c.subtree:
                        if o.i in by_head and by_head[o.i].role == "named":
                            return by_head[o.i]
            return None

        verb = root if root.pos_ in ("VERB", "AUX") else None
        if verb is None:
            # a noun cue: "Israeli strike", "Taliban attack", "attack by gunmen", "attack on police"
            for c in root.children:
                if c.dep_ in ("poss", "compound", "amod", "nmod") and c.i in by_head:
                    agent = agent or by_head[c.i]
                if c.dep_ == "prep" and c.lower_ == "by":
                    agent = agent or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                if c.dep_ == "prep" and c.lower_ in ("on", "against", "targeting", "at"):
                    patient = patient or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                if c.dep_ == "prep" and c.lower_ in ("with", "between"):
                    objects = [o for o in c.children if o.dep_ == "pobj"]
                    for o in objects:
                        found = actor_at(o)
                        conj = [actor_at(x) for x in o.children if x.dep_ == "conj"]
                        if c.lower_ == "between" and found and conj and conj[0]:
                            agent, patient = agent or found, patient or conj[0]
                        else:
                            patient = patient or found
            if agent is None and root.head.pos_ in ("VERB", "AUX") and root.dep_ in ("dobj", "nsubj", "pobj"):
                verb = root.head  # "launched an attack", "came under attack", "killed in an attack"
        if verb is not None:
            passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)
            for c in verb.children:
                if c.dep_ == "nsubj" and not passive:
                    agent = agent or actor_at(c)
                elif c.dep_ == "nsubjpass":
                    patient = patient or actor_at(c)
                elif c.dep_ in ("dobj", "obj"):
                    patient = patient or actor_at(c)
                elif c.dep_ == "agent":
                    agent = agent or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                elif c.dep_ == "prep" and c.lower_ in ("on", "at", "against"):
                    patient = patient or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                elif c.dep_ == "prep" and c.lower_ == "with":
                    patient = patient or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
                elif c.dep_ == "prep" and c.lower_ == "by":
                    agent = agent or next((actor_at(o) for o in c.children if o.dep_ == "pobj"), None)
            if agent is None and verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
                agent = next((actor_at(c) for c in verb.head.children if c.dep_ == "nsubj"), None)
        return agent, patient

    # -- places -----------------------------------------------------------------------------

    def _places(self, sentence: Sentence, anchors: list[TermMatch]) -> list[PlaceMention]:
        """Place names in the sentence, strongest first: tied to a cue, then others not tied elsewhere."""
        doc = sentence.span.doc
        anchor_roots = [doc[a.start:a.end].root for a in anchors]
        clause_tokens: set[int] = set()
        for root in anchor_roots:
            verb = _governing_verb(root) or root
            clause_tokens.update(t.i for t in verb.subtree)
            clause_tokens.update(t.i for t in root.subtree)
        found: list[PlaceMention] = []
        for candidate in _place_candidates(sentence.span, self.discourse):
            qualifier, target = self._place_attachment(candidate)
            if qualifier == "from":
                continue
            if target is not None and (
                target.lemma_.lower() in self.discourse.non_event_heads
                or target.lemma_.lower() in self.discourse.reporting_verbs
            ):
                continue
            strength = 3 if (target is not None and target.i in clause_tokens) or candidate.root.i in clause_tokens else 2
            offset = sentence.offset
            found.append(PlaceMention(candidate.text, offset + candidate.start_char, offset + candidate.end_char,
                                      qualifier, strength))
        found.sort(key=lambda p: -p.strength)
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
            if meaning == "near" or (meaning == "from" and _distance_before(prep)):
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
        return qualifier, token.head if token.head is not token else None

    # -- dates ------------------------------------------------------------------------------

    def _attached_date(self, sentence: Sentence, anchors: list[TermMatch]) -> DateExpression | None:
        """The date expression in the clause of the cue words, else one not tied to a verb of saying."""
        if not sentence.dates:
            return None
        doc = sentence.span.doc
        roots = [doc[a.start:a.end].root for a in anchors]
        verbs = [(_governing_verb(r) or r) for r in roots]
        attached, loose = [], []
        for expression in sentence.dates:
            span = doc.char_span(expression.start - sentence.offset, expression.end - sentence.offset,
                                 alignment_mode="expand")
            if span is None:
                continue
            head = _governing_verb(span.root) or span.root
            if any(head == v or head in v.subtree and _same_clause(head, v) for v in verbs) or any(
                span.root in r.subtree for r in roots
            ):
                attached.append(expression)
            elif head.lemma_.lower() not in self.discourse.reporting_verbs:
                loose.append(expression)
        for group in (attached, loose):
            dated = [e for e in group if e.date is not None or e.background]
            if dated:
                recent = [e for e in dated if not e.background]
                return min(recent or dated, key=lambda e: e.precision)
            if group:
                return group[0]
        return None

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
        by_sentence = {m.sentence.index: m for m in mentions}
        dropped = set()
        for sentence in analysed.sentences:
            mention = by_sentence.get(sentence.index)
            if mention is not None and mention.date is None:
                inherited = last_in_block.get(sentence.block_index)
                if inherited is not None:
                    if inherited.background:
                        dropped.add(sentence.index)
                    else:
                        mention.date = inherited
                        mention.date_inherited = True
            own = [e for e in sentence.dates if e.date is not None or e.background]
            if own:
                last_in_block[sentence.block_index] = own[-1]
        mentions[:] = [m for m in mentions if m.sentence.index not in dropped]


# -- helpers -------------------------------------------------------------------------------------


def _governing_verb(token: Token) -> Token | None:
    """The verb a word belongs to: itself, or the first verb among its heads."""
    current = token
    for _ in range(8):
        if current.pos_ in ("VERB", "AUX"):
            return current
        if current.head is current:
            return None
        current = current.head
    return None


def _same_clause(token: Token, verb: Token) -> bool:
    """No finite verb other than `verb` stands between token and verb."""
    current = token
    for _ in range(10):
        if current == verb:
            return True
        if current is not token and current.pos_ in ("VERB", "AUX") and current.dep_ in ("ccomp", "relcl", "advcl"):
            return False
        if current.head is current:
            return False
        current = current.head
    return False


def _distance_before(prep: Token) -> bool:
    """'40 kilometres from Kabul': a distance phrase heads the preposition."""
    head = prep.head
    return head.lemma_.lower() in ("kilometre", "kilometer", "km", "mile", "kms", "metre", "meter") or any(
        t.like_num for t in head.children
    ) and head.pos_ == "NOUN"


def _place_candidates(span: Span, rules: DiscourseRules) -> Iterable[Span]:
    """Named places in a sentence: GPE/LOC/FAC entities, plus names the small model mislabels
    (ORG, PERSON, NORP) when a place word or preposition frames them; the gazetteer decides later."""
    doc = span.doc
    seen: set[int] = set()
    for ent in span.ents:
        if ent.label_ in ("GPE", "LOC", "FAC"):
            seen.update(range(ent.start, ent.end))
            yield ent
        elif ent.label_ in ("ORG", "PERSON", "NORP") and _framed_as_place(ent, rules):
            seen.update(range(ent.start, ent.end))
            yield ent
    # Proper nouns the model missed: "in Sanarpara", "Waeng district"
    for token in span:
        if token.i in seen or token.pos_ != "PROPN" or not token.text[:1].isupper():
            continue
        if token.dep_ == "compound" and token.head.pos_ == "PROPN":
            continue
        start = token.left_edge.i if token.left_edge.pos_ == "PROPN" else token.i
        candidate = doc[start : token.i + 1]
        if any(i in seen for i in range(candidate.start, candidate.end)):
            continue
        if _framed_as_place(candidate, rules):
            seen.update(range(candidate.start, candidate.end))
            yield candidate


def _framed_as_place(span: Span, rules: DiscourseRules) -> bool:
    doc = span.doc
    after = doc[span.end] if span.end < len(doc) else None
    if after is not None and after.lower_ in rules.place_kinds:
        return True
    root = span.root
    if root.dep_ == "pobj" and root.head.lower_ in rules.place_prepositions:
        return True
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in rules.place_kinds:
        return True
    return False
