"""EventMentions -> ResolvedEvents: one ACLED event per actors, place and day, every field with evidence.

Mentions of one article are grouped the way ACLED coders fold a report: the same kind of interaction
at the same place on the same day is one event of the highest type in ACLED's hierarchy; the same
actors in two towns, or on two days, are two events.  A mention that names no place takes the place
the story is at (the last one named, else the dateline, else the article's main place); one that names
no day takes its paragraph's last date, else the report's date at week precision.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from eventscope.assemble import FAMILY_OF_TYPE as FAMILIES
from eventscope.assemble import EventMention, PlaceMention, role_class
from eventscope.geocode.gazetteer import Gazetteer, distance_km
from eventscope.geocode.geoparse import _country_evidence, document_context, find_toponyms
from eventscope.geocode.resolve import PlaceContext, resolve_place
from eventscope.models import (
    Actor,
    Country,
    EventDate,
    Evidence,
    Fatalities,
    ResolvedEvent,
    ResolvedPlace,
    Toponym,
)
from eventscope.nlp.actors import ActorFinder, ActorMention
from eventscope.nlp.analyse import AnalysedDoc
from eventscope.nlp.event_rules import EventRules, load_event_rules
from eventscope.rules import packaged_yaml

log = logging.getLogger(__name__)

# Two resolved places closer than this are the same place for one report.
SAME_PLACE_KM = 5.0
# "southern Lebanon" -> Lebanon's "South" governorate, where a country has an area so named.
DIRECTION_AREAS = {
    "south": ("South", "Southern", "South Governorate", "Southern Region", "Southern Province"),
    "north": ("North", "Northern", "North Governorate", "Northern Region", "Northern Province"),
    "east": ("East", "Eastern", "Eastern Region", "Eastern Province"),
    "west": ("West", "Western", "Western Region", "Western Province"),
    "central": ("Central", "Centre", "Center", "Central Region", "Central Province"),
}
# How far (in sentences) a place named elsewhere still tells where an event of unknown place was.
NEARBY_SENTENCES = 2
# "The incident occurred just east of X": a place stated for an event already reported refines its
# place when it is this close.
STATED_PLACE_KM = 50.0
ADDITIVE_WORDS = frozenset({"also", "another", "more", "additional", "further"})


@functools.cache
def state_institutions() -> frozenset[str]:
    return frozenset(packaged_yaml("rules/discourse.yaml")["state_institutions"])


@functools.cache
def claimed_objects() -> frozenset[str]:
    """What a group claims when it claims an act: "claimed responsibility", "claimed the attack"."""
    return frozenset(packaged_yaml("rules/discourse.yaml")["claimed_objects"])


@functools.cache
def separate_markers() -> tuple[str, ...]:
    return tuple(str(m).lower() for m in packaged_yaml("rules/discourse.yaml")["separate_markers"])


@functools.cache
def attribution_verbs() -> frozenset[str]:
    return frozenset(packaged_yaml("rules/discourse.yaml")["attribution_verbs"])


@functools.cache
def note_phrases() -> dict[str, str]:
    data = packaged_yaml("rules/notes.yaml")
    return {k: v for k, v in data["phrases"].items() if k != "__line__"}


@dataclass(slots=True)
class Placed:
    """A mention with its place resolved (or inherited) and its grouping keys."""

    mention: EventMention
    place: ResolvedPlace | None
    place_inherited: bool
    family: str
    explicit_date: dt.date | None
    group: int = -1


@dataclass(slots=True)
class Group:
    members: list[Placed] = field(default_factory=list)

    @property
    def place(self) -> ResolvedPlace | None:
        # "The incident occurred just east of X": a sentence about the event's place is the authority
        own = [m.place for m in self.members if m.place is not None and not m.place_inherited]
        stated = [m.place for m in self.members if m.place is not None and not m.place_inherited
                  and m.mention.anaphoric]
        if own:
            best = min(own, key=lambda p: p.geo_precision)
            # only a nearby place refines it: a far one in such a sentence is somewhere else talked of
            for place in stated:
                if _km(place, best) <= STATED_PLACE_KM:
                    return place
            return best
        inherited = [m.place for m in self.members if m.place is not None]
        return inherited[0] if inherited else None

    @property
    def dates(self) -> set[dt.date]:
        return {m.explicit_date for m in self.members if m.explicit_date is not None}

    def accepts_date(self, item: Placed) -> bool:
        """Same day; a date known only to the week or month fits any day of it."""
        if item.explicit_date is None or not self.dates:
            return True
        for member in self.members:
            if member.explicit_date is None:
                continue
            slack = {1: 0, 2: 7, 3: 31}[max(member.mention.date.precision, item.mention.date.precision)]
            if abs((member.explicit_date - item.explicit_date).days) <= slack:
                return True
        return False


class EventBuilder:
    """Groups an article's mentions into events and gives every field its ACLED form."""

    def __init__(self, gazetteer: Gazetteer, event_rules: EventRules | None = None,
                 actors: ActorFinder | None = None) -> None:
        self.gaz = gazetteer
        self.rules = event_rules or load_event_rules()
        self.actors = actors
        # Per article, found when first asked: the state forces its body names, as (mention, sentence).
        self._analysed: AnalysedDoc | None = None
        self._state_forces: list[tuple[ActorMention, Evidence]] | None = None
        self._blame: list[tuple[ActorMention, Evidence]] | None = None
        # Per article, set by build(): its state forces are mostly police; its place names by sentence.
        self._police_story = False
        self._toponyms: list[tuple[int, Toponym]] = []

    # -- public -----------------------------------------------------------------------------

    def build(self, analysed: AnalysedDoc, mentions: list[EventMention]) -> list[ResolvedEvent]:
        if not mentions:
            return []
        self._analysed, self._state_forces, self._blame = analysed, None, None
        context = self._context(analysed, mentions)
        # Which force an article's unspecific "security forces" most likely are: the one it names most.
        kinds = [a.role for m in mentions for a in m.actors if a.role in ("state_police", "state_military")]
        self._police_story = kinds.count("state_police") > kinds.count("state_military")
        placed = self._place_all(analysed, mentions, context)
        groups = self._group(placed)
        events = []
        for group in groups:
            event = self._event(analysed, group, context)
            if event is not None:
                events.append(event)
        return events

    # -- place ------------------------------------------------------------------------------

    def _context(self, analysed: AnalysedDoc, mentions: list[EventMention]) -> PlaceContext:
        """Where the article is: countries it names, demonyms, unambiguous places (the geoparser's
        document evidence over every block, the body weighted over headlines and captions), the
        countries of its actors, and the dateline."""
        context = PlaceContext()
        self._toponyms = []  # (sentence index, toponym) of body prose
        starts = {(s.block_index, s.span.start_char): s.index for s in analysed.sentences}
        for block_index, (block, doc) in enumerate(analysed.docs):
            weight = 1.0 if block.kind == "body" else 0.5
            toponyms = find_toponyms(doc, self.gaz)
            if block.kind == "body":
                for toponym in toponyms:
                    sent = doc.char_span(toponym.start, toponym.end, alignment_mode="expand")
                    if sent is not None:
                        index = starts.get((block_index, sent.sent.start_char))
                        if index is not None:
                            self._toponyms.append((index, toponym))
            evidence = document_context(doc, self.gaz, toponyms)
            for iso2, value in evidence.countries.items():
                context.add_country(iso2, value * weight)
            context.named_countries |= evidence.named_countries
            # A notable place only one country has ("Zamfara") names that country as its name would.
            for toponym in toponyms:
                found = _country_evidence(self.gaz, toponym)
                if found is not None:
                    context.named_countries.add(found[0])
        for mention in mentions:
            for actor in mention.actors:
                if actor.country is not None:
                    context.add_actor_country(actor.country.iso2)
                for group in actor.groups[:1]:
                    # a named group's home country: where its fights mostly are
                    country = self.gaz.country(group.countries[0]) if group.countries else None
                    if country is not None:
                        context.add_actor_country(country.iso2, 0.5 if len(group.countries) == 1 else 0.3)
        dateline = analysed.clean.dateline
        if dateline is not None:
            resolved = resolve_place(self.gaz, dateline.text, context, None, dateline.start, dateline.end)
            if resolved is not None:
                context.dateline = resolved.place
                context.add_place(resolved.place, 0.5)
        return context

    def _resolve(self, place: PlaceMention, context: PlaceContext) -> ResolvedPlace | None:
        if place.anaphor:
            return self._town_named_before(place.start, context)
        if place.capital:
            # "in the capital": the capital of the country the story is in
            top = context.likeliest_country()
            country = self.gaz.country_place(top) if top else None
            if country is None:
                return None
            capital = self.gaz.capital(country)
            evidence = Evidence("location", place.text, place.start, place.end)
            return ResolvedPlace(capital, capital.name, 1, evidence)
        found = resolve_place(self.gaz, place.text, context, place.qualifier, place.start, place.end)
        if found is not None and found.place.feature_code.startswith("PCL") and place.direction:
            # "southern Lebanon": the country's area named for that direction, where it has one
            for name in DIRECTION_AREAS.get(place.direction, ()):
                area = self.gaz.admin_area(found.place.country, name)
                if area is not None:
                    return ResolvedPlace(area, area.name, 3, found.evidence)
        return found

    def _place_all(self, analysed: AnalysedDoc, mentions: list[EventMention], context: PlaceContext) -> list[Placed]:
        placed: list[Placed] = []
        current: ResolvedPlace | None = None
        focus = self._focus_place(analysed, context)
        # Names the gazetteer lacks that the article showed to be places ("Kango and Dangulbi villages")
        named_here: dict[str, ResolvedPlace] = {}
        for mention in mentions:
            resolved, unknown = self._place_of(mention, context, named_here)
            inherited = resolved is None
            if resolved is None and unknown is not None and unknown.surely_place and unknown.strength >= 2 and (
                current or focus
            ):
                # a village the gazetteer lacks, named where the story is: keep its name, code it at the
                # nearest place the story names below country level, else the story's place (ACLED's
                # precision 2: a place near or within a known one)
                nearby = self._nearby_places(mention.sentence.index, context, NEARBY_SENTENCES)
                base = nearby[0][1] if nearby and (current is None or current.geo_precision == 3) else (
                    current or focus)
                resolved = ResolvedPlace(base.place, _bare_name(unknown.text), max(base.geo_precision, 2),
                                         Evidence("location", unknown.text, unknown.start, unknown.end))
                named_here[unknown.text.lower()] = resolved
                inherited = False
                current = resolved
            elif resolved is None:
                resolved = current or focus
            else:
                dateline = context.dateline
                if resolved.place.feature_code.startswith("PCL") and dateline is not None and (
                    dateline.country.iso2 == resolved.place.country.iso2 and dateline.feature_class == "P"
                ):
                    # "gangs attacked Haiti's prisons", filed from Port-au-Prince: the dateline town, near
                    resolved = ResolvedPlace(dateline, dateline.name, 2, resolved.evidence)
                context.add_place(resolved.place, 1.0)
                current = resolved
            family = FAMILIES[mention.rule.event_type]
            explicit = mention.date.date if (mention.date is not None and not mention.date_inherited) else None
            placed.append(Placed(mention, resolved, inherited, family, explicit))
        return placed

    def _place_of(self, mention: EventMention, context: PlaceContext, named_here: dict[str, ResolvedPlace]
                  ) -> tuple[ResolvedPlace | None, PlaceMention | None]:
        """The most specific place a mention names that the gazetteer knows; a village it lacks is
        kept by name at the area it lies in (or at another place of the sentence)."""
        def resolve(candidate: PlaceMention) -> ResolvedPlace | None:
            return self._resolve(candidate, context) or named_here.get(candidate.text.lower())

        places = sorted(mention.places, key=lambda p: -p.strength)
        spots = [p for p in places if not p.container]
        areas = [p for p in places if p.container]
        known_areas = [a for a in (self._resolve_area(area, context) for area in areas) if a is not None]
        for spot in spots:
            found = resolve(spot)
            if found is not None and known_areas and not all(self._contains(a, found) for a in known_areas):
                found = None  # "Myebon township in Rakhine state" is not a Maubin elsewhere
            if found is not None:
                return found, None
            if not spot.surely_place:
                continue
            # "Kango village in Maru district": the village the gazetteer lacks, at its district (the
            # most specific area it lies in), else at another place of the sentence
            areas_first = sorted(known_areas, key=lambda a: a.geo_precision if a.place.feature_code != "PCLI" else 9)
            others = (resolve(p) for p in spots if p is not spot)
            for base in [*areas_first, *others]:
                if base is not None:
                    kept = ResolvedPlace(base.place, _bare_name(spot.text), max(base.geo_precision, 2),
                                         Evidence("location", spot.text, spot.start, spot.end))
                    named_here[spot.text.lower()] = kept
                    return kept, None
            return None, spot
        for area in known_areas:
            return area, None
        return None, None

    def _town_named_before(self, offset: int, context: PlaceContext) -> ResolvedPlace | None:
        """The last town or village the article named before `offset` ("the village" pointing back)."""
        for _, toponym in sorted(self._toponyms, key=lambda item: -item[1].start):
            if toponym.start >= offset:
                continue
            found = resolve_place(self.gaz, toponym.text, context, None, toponym.start, toponym.end)
            if found is not None and found.place.feature_class == "P":
                return found
        return None

    def _resolve_area(self, area: PlaceMention, context: PlaceContext) -> ResolvedPlace | None:
        """A place another lies in is an area first: "Guaruja, on the coast of Sao Paulo" is the state."""
        if area.qualifier is None and not area.capital:
            plain = self._resolve(area, context)
            if plain is not None and plain.place.feature_code.startswith("PCL"):
                return plain  # "in western Niger": a country's name is the country, not a province so named
            found = resolve_place(self.gaz, area.text, context, "region", area.start, area.end)
            if found is not None and found.place.feature_class == "A":
                return found
        return self._resolve(area, context)

    def _nearby_places(
        self, sentence_index: int, context: PlaceContext, window: int
    ) -> list[tuple[int, ResolvedPlace]]:
        """Places the article names within `window` sentences of one, below country level, nearest first."""
        out = []
        for index, toponym in self._toponyms:
            distance = abs(index - sentence_index)
            if distance > window:
                continue
            qualifier = {"admin1": "province", "admin2": "district"}.get(toponym.kind or "", toponym.qualifier)
            found = resolve_place(self.gaz, toponym.text, context, qualifier)
            if found is not None and not found.place.feature_code.startswith("PCL"):
                out.append((distance, found))
        out.sort(key=lambda item: item[0])
        return out

    def _focus_place(self, analysed: AnalysedDoc, context: PlaceContext) -> ResolvedPlace | None:
        """Where the story is when a mention says nothing of place: the dateline, else its country."""
        if context.dateline is not None:
            place = context.dateline
            return ResolvedPlace(place, place.name, 1 if place.feature_class == "P" else 3,
                                 analysed.clean.dateline)
        top = context.top_countries(1)
        if top:
            country_place = self.gaz.country_place(top[0])
            if country_place is not None:
                return ResolvedPlace(country_place, country_place.country.name, 3, None)
        return None

    def _contains(self, outer: ResolvedPlace, inner: ResolvedPlace) -> bool:
        """Is inner inside (or the same as) outer: a town in a province, a district in a province."""
        a, b = outer.place, inner.place
        if a.country.iso2 != b.country.iso2:
            return False
        if a.feature_code == "PCLI" or a.feature_code.startswith("PCL"):
            return True
        if a.feature_code == "ADM1":
            return bool(a.admin1) and a.admin1 == b.admin1
        if a.feature_code == "ADM2":
            return bool(a.admin2) and a.admin2 == b.admin2
        return distance_km(a.latitude, a.longitude, b.latitude, b.longitude) <= SAME_PLACE_KM

    # -- grouping ---------------------------------------------------------------------------

    def _same_place(self, a: ResolvedPlace | None, b: ResolvedPlace | None) -> bool:
        if a is None or b is None:
            return a is None and b is None
        unknown_a, unknown_b = a.location != a.place.name, b.location != b.place.name
        if unknown_a and unknown_b:
            # a village the gazetteer lacks has only its name, not a point of its own: two such names
            # are two places even when coded at the same district
            return a.location.lower() == b.location.lower()
        if unknown_a or unknown_b:
            known, unknown = (b, a) if unknown_a else (a, b)
            # it lies in an area named (its country, its province), but is no town named elsewhere
            return known.place.feature_class == "A" and self._contains(known, unknown)
        if a.place.geonames_id is not None and a.place.geonames_id == b.place.geonames_id:
            return True
        return self._contains(a, b) or self._contains(b, a)

    def _group(self, placed: list[Placed]) -> list[Group]:
        """Mentions in story order into events: same family of event, same day, same place. A mention
        that points back, or names no place, joins the event the story was last telling."""
        groups: list[Group] = []
        crowd_events = any(p.family == "crowd" for p in placed)
        for item in placed:
            if crowd_events and item.mention.rule.sub_event_type == "Attack" and item.mention.agent_class in (
                "state", "none"
            ):
                # people shot by the police, or by no one named, where a crowd gathered: the protest's policing
                item.family = "crowd"
                deadly = item.mention.toll is not None and item.mention.toll.value > 0
                item.mention.rule = self.rules.first(
                    "Excessive force against protesters" if deadly else "Protest with intervention"
                )
            elif crowd_events and item.mention.rule.sub_event_type == "Arrests" and item.mention.agent_class in (
                "state", "none"
            ):
                # "several people were detained" where a crowd gathered: how the protest was policed
                item.family = "crowd"
                item.mention.rule = self.rules.first("Protest with intervention")
            target = None
            # the event most recently added to first
            for group in sorted(groups, key=lambda g: -g.members[-1].mention.sentence.index):
                # a sentence pointing back ("after the clash two bodies were found") joins the last event
                if not item.mention.anaphoric and not any(m.family == item.family for m in group.members):
                    continue
                if not group.accepts_date(item):
                    continue
                if _fires_back(item, group):
                    continue
                if _told_apart(item):
                    continue
                placeless = all(m.place_inherited for m in group.members)
                if item.place_inherited or item.mention.anaphoric or placeless or self._same_place(
                    group.place, item.place
                ):
                    target = group
                    break
            if target is None:
                target = Group()
                groups.append(target)
            target.members.append(item)
        return groups

    # -- one event --------------------------------------------------------------------------

    def _event(self, analysed: AnalysedDoc, group: Group, context: PlaceContext) -> ResolvedEvent | None:
        article = analysed.article
        members = group.members
        if all(m.mention.weak for m in members) and not any(
            m.mention.patient_class in ("state", "armed") for m in members
        ):
            # only deaths nobody is said to have caused ("12 people were killed"), of civilians: a crash,
            # a fire, a disease as likely as an attack; an event needs someone to have done it
            return None
        strong = [m for m in members if not m.mention.weak] or members
        winner = min(strong, key=lambda m: (self.rules.rank(m.mention.rule.sub_event_type), m.mention.sentence.index))
        rule = winner.mention.rule
        place = self._refined(group, context)
        country = place.place.country if place is not None else self._top_country(context)
        if place is None and country is None and not self._toponyms:
            return None  # the story names no place at all: ACLED codes every event at a place
        date = self._date(analysed, group)
        actor1, ev1 = self._actor(rule.actor1, winner, members, country, date.date, rule.event_type, None)
        if actor1 is None:
            return None
        actor2, ev2 = self._actor(rule.actor2, winner, members, country, date.date, rule.event_type, actor1.name)
        assoc1 = self._state_partners(actor1, actor2, members, country, date.date)
        assoc2 = self._state_partners(actor2, actor1, members, country, date.date)
        fatalities = self._fatalities(members)
        evidence: list[Evidence] = []
        first_anchor = winner.mention.anchors[0] if winner.mention.anchors else None
        if first_anchor is not None:
            evidence.append(winner.mention.span_evidence("event_type", first_anchor.start, first_anchor.end))
        if ev1 is not None:
            evidence.append(Evidence("actor1", ev1.text, ev1.start, ev1.end))
        if ev2 is not None and actor2 is not None:
            evidence.append(Evidence("actor2", ev2.text, ev2.start, ev2.end))
        if place is not None and place.evidence is not None:
            evidence.append(Evidence("location", place.evidence.text, place.evidence.start, place.evidence.end))
        if date.evidence is not None:
            evidence.append(date.evidence)
        evidence.extend(fatalities.evidence)
        sub = rule.sub_event_type
        event_id = _event_id(article.id, sub, date.date, place, actor1.name)
        notes = self._notes(sub, actor1, actor2, place, country, date, fatalities)
        confidence = self._confidence(winner, place, date, actor1, fatalities)
        return ResolvedEvent(
            article_id=article.id, event_id=event_id, disorder_type=rule.disorder_type, event_type=rule.event_type,
            sub_event_type=sub, actor1=actor1, actor2=actor2, assoc_actor_1=assoc1, assoc_actor_2=assoc2, place=place,
            country=country, date=date, fatalities=fatalities, notes=notes, source=article.source, url=article.url,
            confidence=confidence, evidence=tuple(evidence),
        )

    def _refined(self, group: Group, context: PlaceContext) -> ResolvedPlace | None:
        """An event known only to a country or province takes the one more specific place the story
        names beside it inside that area ("in south Kashmir" ... "a house in Shopian district")."""
        place = group.place
        code = place.place.feature_code if place is not None else ""
        if place is None or not (code == "ADM1" or code.startswith("PCL")) or place.location != place.place.name:
            return place  # (a village coded at its province keeps its own name)
        found: dict[int | None, ResolvedPlace] = {}
        for member in group.members:
            for _, nearby in self._nearby_places(member.mention.sentence.index, context, 1):
                if nearby.geo_precision < 3 or nearby.place.feature_code == "ADM2":
                    inside = self._contains(place, nearby) and nearby.place.geonames_id != place.place.geonames_id
                    if inside:
                        found[nearby.place.geonames_id] = nearby
        if len(found) == 1:
            return next(iter(found.values()))
        return place

    def _top_country(self, context: PlaceContext) -> Country | None:
        top = context.top_countries(1)
        return self.gaz.country(top[0]) if top else None

    def _date(self, analysed: AnalysedDoc, group: Group) -> EventDate:
        explicit = [m.mention for m in group.members if m.explicit_date is not None]
        if explicit:
            best = min(explicit, key=lambda m: (m.date.precision, m.sentence.index))
            return EventDate(best.date.date, best.date.precision, _date_evidence(best))
        inherited = [m.mention for m in group.members if m.mention.date is not None and m.mention.date.date]
        if inherited:
            best = inherited[0]
            return EventDate(best.date.date, best.date.precision, _date_evidence(best))
        reference = analysed.clean.reference_date
        if reference is None:
            return EventDate(None, 3, None)
        # A recent report that gives no day: the report's date, to the week (the annotation guide's rule).
        return EventDate(reference, 2, analysed.clean.reference_evidence)

    def _fatalities(self, members: list[Placed]) -> Fatalities:
        """Deaths of one event from all its sentences, the way a careful coder adds them up.

        Within one group of victims (militants, soldiers, civilians, "people") reports of the same
        deaths are alternatives: the lowest figure is taken, plus deaths reported as additional ("also",
        "another", "more"). Different groups add up ("15 insurgents ... two soldiers were killed"),
        unless a figure for people in general is larger: that one is the total."""
        reports: list[tuple[frozenset[str], int, int, bool]] = []  # (victim classes, value, high, additive)
        evidence: list[Evidence] = []
        zero = None
        for item in members:
            mention = item.mention
            toll = mention.toll
            if toll is None:
                continue
            spans = [mention.span_evidence("fatalities", s, e) for s, e in toll.spans]
            if toll.zero_stated:
                zero = zero or spans
                continue
            words = {t.lower_ for s, e in toll.spans for t in mention.doc[max(s - 2, 0):e + 1]}
            classes = frozenset(_victim_class(mention, i) for i, _ in toll.victims) or frozenset({"people"})
            reports.append((classes, toll.value, toll.high, bool(words & ADDITIVE_WORDS)))
            for span in spans:  # nested figures ("two policemen" inside "25 militants and two...") once
                if not any(e.start <= span.start and span.end <= e.end for e in evidence):
                    evidence = [e for e in evidence if not (span.start <= e.start and e.end <= span.end)]
                    evidence.append(span)
        if not reports:
            return Fatalities(0, 0, 0, zero is not None, tuple(zero or ()))
        best = high = 0
        for cluster in _overlapping(reports):
            # the same victims reported alike: the lowest figure; a figure for people in general
            # against one for soldiers: the general one is the total
            by_kind: dict[frozenset[str], list[tuple[int, int, bool]]] = {}
            for classes, value, top, more in cluster:
                by_kind.setdefault(classes, []).append((value, top, more))
            totals = []
            added = added_high = 0
            for values in by_kind.values():
                if all(more for _, _, more in values) and len(by_kind) > 1:
                    # "one soldier was also killed" beside "twelve Palestinians were killed": not
                    # another count of the same dead, but deaths on top of them
                    added += sum(v for v, _, _ in values)
                    added_high += sum(t for _, t, _ in values)
                    continue
                base = [v for v, _, more in values if not more] or [values[0][0]]
                extra = sum(v for v, _, more in values if more) if len(values) > 1 else 0
                tops = [t for _, t, more in values if not more] or [values[0][1]]
                totals.append((min(base) + extra, max(tops) + extra))
            best += max((t[0] for t in totals), default=0) + added
            high += max((t[1] for t in totals), default=0) + added_high
        return Fatalities(best, best, max(high, best), True, tuple(evidence))

    # -- actors -----------------------------------------------------------------------------

    def _actor(self, sources: tuple[str, ...], winner: Placed, members: list[Placed], country: Country | None,
               day: dt.date | None, event_type: str, exclude: str | None) -> tuple[Actor | None, Evidence | None]:
        ordered = [winner] + [m for m in members if m is not winner]
        # unspecific "security forces" who police a crowd or make arrests are its police (ACLED)
        crowd = event_type in ("Protests", "Riots") or winner.mention.rule.sub_event_type == "Arrests"
        # A group the report names for the event ("Islamic State claimed the attack") stands for the
        # unnamed "gunmen" or "suicide bomber" another sentence gives.
        named = [m.mention.agent for m in ordered if m.mention.agent is not None and m.mention.agent.role == "named"
                 and role_class(m.mention.agent) == "armed"]
        for source in sources:
            if source == "none":
                return None, None
            if source == "state_forces":
                actor, evidence = self._state_side(ordered, country, day)
                if actor is not None and actor.name != exclude:
                    return actor, evidence
                continue
            if source == "unidentified":
                blamed, evidence = self._blamed(country, day)
                if blamed is not None and blamed.name != exclude:
                    # "he blamed federal troops": the perpetrator the report names, though unproven
                    return blamed, evidence
            generated = self._generated(source, country)
            if generated is not None:
                if generated.name != exclude:
                    return generated, self._generated_evidence(source, winner)
                continue
            for item in ordered:
                mention = item.mention
                candidates: list[ActorMention] = []
                if source == "agent" and mention.agent is not None:
                    candidates = [mention.agent]
                elif source == "patient" and mention.patient is not None:
                    candidates = [mention.patient]
                elif source in ("state", "armed"):
                    candidates = [a for a in mention.actors if not a.as_modifier and role_class(a) == source]
                for candidate in candidates:
                    if role_class(candidate) == "none":
                        continue
                    if source == "agent" and candidate.role == "armed_nonstate" and named:
                        candidate = named[0]
                    elif source in ("agent", "armed") and candidate.role == "armed_nonstate":
                        # "gang members attacked ..." and later "the Gran Grif gang claimed responsibility"
                        claimed, evidence = self._blamed(country, day)
                        if claimed is not None and claimed.inter in (2, 3, 4) and claimed.name != exclude:
                            return claimed, evidence
                    patient = winner.mention.patient
                    if source == "armed" and candidate.role == "armed_nonstate" and patient is not None and (
                        patient.role == "named" and role_class(patient) == "armed"
                    ):
                        continue  # "two militants of JeM were killed": the militants are JeM, not its foe
                    actor = self.acled_actor(candidate, country, day, crowd)
                    if actor is not None and actor.name != exclude:
                        return actor, mention.span_evidence(source, candidate.start, candidate.end)
        return None, None

    def _state_partners(self, actor: Actor | None, other: Actor | None, members: list[Placed],
                        country: Country | None, day: dt.date | None) -> tuple[str, ...]:
        """Other state forces on a state actor's side, as ACLED's associated actors: the police beside
        the army against an armed group, or foreign troops beside them. Only where the other side is
        not a state: between two states' forces, who stood with whom is not in the words."""
        if actor is None or actor.inter not in (1, 8) or (other is not None and other.inter in (1, 8)):
            return ()
        partners: list[str] = []
        for item in members:
            for mention in item.mention.actors:
                if mention.as_modifier or mention.role not in ("state_military", "state_police", "named"):
                    continue
                partner = self.acled_actor(mention, country, day)
                if partner is None or partner.inter not in (1, 8):
                    continue  # ("named": state units and foreign forces such as the Wagner Group)
                if partner.name != actor.name and partner.name not in partners:
                    partners.append(partner.name)
        return tuple(partners)

    def _state_side(self, ordered: list[Placed], country: Country | None,
                    day: dt.date | None) -> tuple[Actor | None, Evidence | None]:
        """The state's forces as a whole, as in a fight for a town: its military when the event's
        sentences name the army, or the article names its forces unspecifically ("Afghan forces",
        "security forces"); its police only when police are all the article names."""
        iso3 = country.iso3 if country is not None else None
        named = [(a, item.mention) for item in ordered for a in item.mention.actors
                 if not a.as_modifier and a.role in ("state_military", "state_police", "state_generic")]
        # the event's own words first, the forces of its country before foreign ones
        named.sort(key=lambda pair: pair[0].country is not None and pair[0].country.iso3 != iso3)
        for actor, mention in named:
            if actor.role == "state_military":
                return self.acled_actor(actor, country, day), mention.span_evidence("state", actor.start, actor.end)
        for actor, evidence in self._article_state_forces():
            own_country = actor.country is None or actor.country.iso3 == iso3
            if actor.role in ("state_military", "state_generic") and own_country:
                return self.acled_actor(replace(actor, role="state_military"), country, day), evidence
        for actor, mention in named:
            return self.acled_actor(actor, country, day), mention.span_evidence("state", actor.start, actor.end)
        return None, None

    def _blamed(self, country: Country | None, day: dt.date | None) -> tuple[Actor | None, Evidence | None]:
        """An armed actor or state force the article says was blamed, accused or claimed the act
        ("residents blamed the army", "blamed the attack on Boko Haram", "the gang claimed
        responsibility"), when the event names no perpetrator itself."""
        if self._blame is None:
            self._blame = []
            if self.actors is not None and self._analysed is not None:
                verbs = attribution_verbs()
                for block, doc in self._analysed.docs:
                    if block.kind != "body" or not any(t.lemma_.lower() in verbs | {"claim"} for t in doc):
                        continue
                    for actor in self.actors.find(doc):
                        head = doc[actor.head]
                        verb = head.head.head if head.dep_ == "pobj" and head.head.lower_ == "on" else head.head
                        # "the Gran Grif gang claimed responsibility"
                        claimed = actor.role == "named" and head.dep_ == "nsubj" and verb.lemma_.lower() == "claim"
                        claimed = claimed and any(
                            c.dep_ == "dobj" and c.lemma_.lower() in claimed_objects() for c in verb.children
                        )
                        if any(c.dep_ == "det" and c.lower_ == "no" for c in head.children):
                            continue  # "no group claimed the killings"
                        if not claimed and (head.dep_ not in ("dobj", "pobj") or verb.lemma_.lower() not in verbs):
                            continue
                        if role_class(actor) in ("armed", "state") and not actor.as_modifier:
                            self._blame.append((actor, _block_evidence("actor1", doc, block.start, actor)))
        for actor, evidence in self._blame:
            named = self.acled_actor(actor, country, day)
            if named is not None:
                return named, evidence
        return None, None

    def _article_state_forces(self) -> list[tuple[ActorMention, Evidence]]:
        """State forces named anywhere in the article's body, in story order, with their words (found
        once, when first asked)."""
        if self._state_forces is None:
            self._state_forces = []
            if self.actors is not None and self._analysed is not None:
                roles = ("state_military", "state_police", "state_generic")
                for block, doc in self._analysed.docs:
                    if block.kind != "body":
                        continue
                    found = [a for a in self.actors.find(doc) if a.role in roles and not a.as_modifier
                             and doc[a.head].lemma_.lower() not in state_institutions()]
                    for a in sorted(found, key=lambda a: a.start):
                        self._state_forces.append((a, _block_evidence("state", doc, block.start, a)))
        return self._state_forces

    @staticmethod
    def _generated_evidence(source: str, winner: Placed) -> Evidence | None:
        """The words that imply a generated actor: the victims for civilians, else the cue itself
        ("gunmen" unnamed, "protested", "rioted")."""
        mention = winner.mention
        if source == "civilians" and mention.patient is not None:
            return mention.span_evidence(source, mention.patient.start, mention.patient.end)
        if source == "unidentified" and mention.agent is not None:
            return mention.span_evidence(source, mention.agent.start, mention.agent.end)
        anchor = mention.anchors[0] if mention.anchors else None
        return mention.span_evidence(source, anchor.start, anchor.end) if anchor is not None else None

    def _generated(self, source: str, country: Country | None) -> Actor | None:
        label = _country_label(country)
        if source == "civilians":
            return Actor(f"Civilians ({label})", 7, country.iso3 if country else None)
        if source == "protesters":
            return Actor(f"Protesters ({label})", 6, country.iso3 if country else None)
        if source == "rioters":
            return Actor(f"Rioters ({label})", 5, country.iso3 if country else None)
        if source == "unidentified":
            return Actor(f"Unidentified Armed Group ({label})", 3, country.iso3 if country else None)
        if source == "police":
            return Actor(f"Police Forces of {label}", 1, country.iso3 if country else None)
        return None

    def acled_actor(self, mention: ActorMention, event_country: Country | None, day: dt.date | None,
                    crowd: bool = False) -> Actor | None:
        """An actor mention in ACLED's naming, for an event in event_country on day."""
        label = _country_label(event_country)
        iso3 = event_country.iso3 if event_country else None
        if mention.role == "named":
            entry = _entry_on(mention.groups, day, mention.text, iso3)
            if entry is None:
                return None
            inter = entry.inter
            if inter == 1 and event_country is not None and entry.countries and entry.countries[0] != iso3:
                inter = 8
            return Actor(entry.name, inter, entry.countries[0] if entry.countries else iso3)
        if mention.role in ("state_military", "state_police", "state_generic"):
            force_country = mention.country or event_country
            force_label = _country_label(force_country)
            police = mention.role == "state_police" or (
                mention.role == "state_generic" and (crowd or self._police_story)
            )
            name = f"{'Police' if police else 'Military'} Forces of {force_label}"
            foreign = force_country is not None and event_country is not None and force_country.iso3 != iso3
            return Actor(name, 8 if foreign else 1, force_country.iso3 if force_country else None)
        if mention.role == "armed_nonstate":
            return Actor(f"Unidentified Armed Group ({label})", 3, iso3)
        if mention.role == "militia_identity":
            return Actor(f"Unidentified Communal Militia ({label})", 4, iso3)
        if mention.role in ("civilians", "people"):
            return Actor(f"Civilians ({label})", 7, iso3)
        if mention.role == "protesters":
            return Actor(f"Protesters ({label})", 6, iso3)
        if mention.role in ("rioters", "mob"):
            return Actor(f"Rioters ({label})", 5, iso3)
        return None

    # -- notes and confidence ---------------------------------------------------------------

    def _notes(self, sub: str, actor1: Actor, actor2: Actor | None, place: ResolvedPlace | None,
               country: Country | None, date: EventDate, fatalities: Fatalities) -> str:
        phrase = note_phrases().get(sub, "{actor1} was involved in an event")
        if actor2 is None:
            phrase = phrase.split(" {actor2}")[0].rsplit(" ", 1)[0] if "{actor2}" in phrase else phrase
            if phrase.endswith((" at", " on", " from", " with", " against", " by", " of", " targeting", " hit")):
                phrase = phrase.rsplit(" ", 1)[0]
        text = phrase.format(actor1=actor1.name, actor2=actor2.name if actor2 else "")
        when = f"On {date.date:%d %B %Y}" if date.date and date.time_precision == 1 else (
            f"Around {date.date:%d %B %Y}" if date.date else "On an unknown date")
        where = ""
        if place is not None:
            parts = [place.location]
            if place.place.admin1 and place.place.admin1 != place.location:
                parts.append(place.place.admin1)
            if country is not None and country.name not in parts:
                parts.append(country.name)
            where = " in " + ", ".join(parts)
        elif country is not None:
            where = f" in {country.name}"
        toll = f" {fatalities.best} reported fatalities." if fatalities.best else (
            " No fatalities reported." if fatalities.stated else "")
        return f"{when}, {text}{where}.{toll}".replace("  ", " ")

    def _confidence(self, winner: Placed, place: ResolvedPlace | None, date: EventDate, actor1: Actor,
                    fatalities: Fatalities) -> float:
        """A rough 0-1 trust score: how much of the event the text states rather than we infer."""
        score = 0.35
        score += 0.15 if place is not None and not winner.place_inherited else 0.0
        score += 0.15 if winner.explicit_date is not None else 0.0
        score += 0.15 if winner.mention.agent is not None else 0.0
        score += 0.1 if fatalities.stated else 0.0
        score += 0.1 if not winner.mention.anaphoric else 0.0
        del actor1
        return min(score, 1.0)


def _entry_on(groups, day: dt.date | None, text: str = "", iso3: str | None = None):
    """The dictionary entry for a group on a day, in the event's country where the name is shared
    ("Islamic State" in Mozambique is Islamic State (Mozambique)); undated, the entry that bears the
    name written."""
    if day is None:
        written = text.lower()
        named = [g for g in groups if g.name.lower() in written or written in g.name.lower()]
        candidates = named or list(groups)
    else:
        candidates = [g for g in groups if (g.valid_from is None or g.valid_from <= day)
                      and (g.valid_to is None or day <= g.valid_to)]
    local = [g for g in candidates if iso3 is not None and iso3 in (g.countries or ())]
    return (local or candidates or [None])[0]


KIND_WORDS = ("village", "town", "city", "district", "township", "area", "camp", "community", "neighbourhood",
              "neighborhood", "county", "province", "region", "state")


def _bare_name(text: str) -> str:
    """'Jangebe village' -> 'Jangebe': the name, without the kind word written with it."""
    words = text.split()
    # a capitalised "City" or "Town" is part of the name ("Old City", "Gaza City", "Old Town")
    while len(words) > 1 and words[-1].lower() in KIND_WORDS and words[-1] not in ("City", "Town"):
        words.pop()
    while len(words) > 1 and words[0].lower() in ("the",):
        words.pop(0)
    return " ".join(words)


REMOTE = "Explosions/Remote violence"


def _agent_key(placed: Placed) -> tuple | None:
    """Who fired, as far as the words tell apart: a named group, or a state's forces by country."""
    agent = placed.mention.agent
    if agent is None:
        return None
    if agent.role == "named":
        return ("named", frozenset(g.name for g in agent.groups))
    if role_class(agent) == "state" and agent.country is not None:
        return ("state", agent.country.iso3)
    return None


def _fires_back(item: Placed, group: Group) -> bool:
    """'Hezbollah fired missiles at Israeli positions and Israel shelled villages in Lebanon': each
    side's fire is its own event of remote violence, though told in one breath."""
    if item.mention.rule.event_type != REMOTE:
        return False
    key = _agent_key(item)
    others = {_agent_key(m) for m in group.members if m.mention.rule.event_type == REMOTE} - {None}
    return key is not None and bool(others) and key not in others


def _told_apart(item: Placed) -> bool:
    """'In a separate incident, troops killed ...': the report itself says it is another event."""
    text = item.mention.sentence.text.lower()
    return any(marker in text for marker in separate_markers())


def _block_evidence(field_name: str, doc: Doc, offset: int, actor: ActorMention) -> Evidence:
    """Evidence for an actor mention of a block's doc (offset: the block's start in the article)."""
    span = doc[actor.start : actor.end]
    return Evidence(field_name, span.text, offset + span.start_char, offset + span.end_char)


def _overlapping(reports: list) -> list[list]:
    """Death reports clustered by the victims they name: reports sharing a victim group (people in
    general share with every group) may tell the same deaths; clusters apart are different deaths."""
    clusters: list[list] = []
    for report in reports:
        classes = report[0]
        touching = [c for c in clusters if any(_share(classes, other[0]) for other in c)]
        merged = [report] + [r for c in touching for r in c]
        clusters = [c for c in clusters if not any(c is t for t in touching)] + [merged]
    return clusters


def _share(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a & b) or "people" in a or "people" in b


def _victim_class(mention: EventMention, index: int | None) -> str:
    """Which group a counted victim belongs to: state, armed, civilians, or people in general."""
    if index is None:
        return "people"
    token = mention.doc[index]
    heads = {token.i} | {o.i for c in token.children if c.dep_ == "prep" and c.lower_ == "of" for o in c.children}
    for actor in mention.actors:
        if actor.head in heads:
            role = role_class(actor)
            if actor.role == "people" or role == "none":
                return "people"
            return role
    return "people"


def _km(a: ResolvedPlace, b: ResolvedPlace) -> float:
    return distance_km(a.place.latitude, a.place.longitude, b.place.latitude, b.place.longitude)


def _country_label(country: Country | None) -> str:
    return country.name if country is not None else "Unknown"


def _date_evidence(mention: EventMention) -> Evidence | None:
    expression = mention.date
    if expression is None:
        return None
    return Evidence("event_date", expression.text, expression.start, expression.end)


def _event_id(article_id: str, sub: str, day: dt.date | None, place: ResolvedPlace | None, actor1: str) -> str:
    """Stable: the same article coded the same way always gets the same id."""
    where = place.place.geonames_id or place.location if place is not None else ""
    key = f"{article_id}|{sub}|{day}|{where}|{actor1}"
    return "ES" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:14].upper()
