"""The geoparser as a tool: every place name in a text with its span and its resolution.

- ``find_toponyms(doc, gaz) -> list[Toponym]``: spaCy GPE/LOC/FAC entities, plus ORG/PERSON/NORP
  entities and proper-noun runs after a locative preposition that the gazetteer confirms (the small
  English model often labels a city ORG or PERSON: the label is a hint, the gazetteer decides).
  Demonyms ("Afghan") are not places unless written where a place goes ("in Somali").
- ``document_context(doc, gaz, toponyms) -> PlaceContext``: countries named, demonyms, unambiguous
  places and the dateline, for disambiguating the rest.
- ``resolve_toponyms(doc, gaz) -> list[tuple[Toponym, ResolvedPlace | None]]``: each toponym resolved
  with the document's context (two passes: resolved towns and provinces then sharpen the context).
- ``geoparse_records(article_id, text, doc, gaz) -> list[dict]``: the ``eventscope geoparse`` rows:
  {article_id, text, start, end, geonames_id, name, feature_class, country, iso3, admin1, latitude,
  longitude}, nulls where a name cannot be resolved.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from eventscope.geocode.gazetteer import SCORE_ALTERNATE, Gazetteer
from eventscope.geocode.normalize import fold, split_kind_words
from eventscope.geocode.resolve import PlaceContext, candidates_for, rank_places, resolve_place
from eventscope.models import ResolvedPlace, Toponym

log = logging.getLogger(__name__)

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
CONFIRM_LABELS = frozenset({"ORG", "PERSON", "NORP"})
# Words after which a capitalised name is taken for a place if the gazetteer knows it ("in Nerkh").
# Not "and" or "of": "the US and Nato", "leader of Hamas".
LOCATIVE = frozenset(
    {
        "in",
        "near",
        "at",
        "from",
        "outside",
        "to",
        "into",
        "around",
        "across",
        "towards",
        "toward",
        "via",
        "inside",
        "within",
        "through",
    }
)
DIRECTIONS = frozenset(
    {
        "north",
        "south",
        "east",
        "west",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
        "north-east",
        "north-west",
        "south-east",
        "south-west",
        "northern",
        "southern",
        "eastern",
        "western",
        "central",
    }
)
DISTANCE_UNITS = frozenset(
    {"km", "kms", "kilometres", "kilometers", "kilometre", "kilometer", "miles", "mile"}
)
# A confirmed ORG/PERSON span must name a place this large (or an area or a country) when nothing around
# it says "place": small villages share names with people and organisations.
MIN_UNPROMPTED_POPULATION = 100_000
# Even after "in", a hamlet sharing an organisation's or a person's name is not taken.
MIN_PROMPTED_POPULATION = 1_000
# Dateline: "KABUL, Afghanistan (Reuters) -", "MOGADISHU —": a toponym near the start then a dash/agency.
_DATELINE = re.compile(
    r"^[^\n]{0,60}?(\((?:AP|AFP|Reuters|Xinhua|dpa|Anadolu|UPI|IANS|PTI)\)|\s[-\u2013\u2014]\s?|:)"
)

# Contribution of each kind of mention to the country context.
W_COUNTRY_MENTION = 2.0
W_DEMONYM = 1.0
W_UNAMBIGUOUS = 1.0
W_RESOLVED = 0.5  # a place another name of the document resolved to (second pass)
W_CONTAINER = 2.0  # the area or country named right after a comma ("Portland, Maine")


def _kind_after(doc: Any, end_token: int, gaz: Gazetteer) -> tuple[str | None, int]:
    """A kind word right after a span ("Kunduz province"): its kind and the token index past it."""
    for size in (3, 2, 1):
        if end_token + size <= len(doc):
            words = fold(doc[end_token : end_token + size].text)
            if words in gaz.rules.suffixes:
                return gaz.rules.suffixes[words], end_token + size
    return None, end_token


def _kind_before(doc: Any, start_token: int, gaz: Gazetteer) -> str | None:
    """A kind phrase right before a span ("the town of Bor", "the province of Kunduz")."""
    for size in (3, 2):
        if start_token - size >= 0:
            words = fold(doc[start_token - size : start_token].text)
            if words in gaz.rules.prefixes:
                return gaz.rules.prefixes[words]
    return None


def qualifier_before(doc: Any, start_token: int) -> str | None:
    """How the words before a toponym place an event: "near", "outside", "outskirts", "km" or None."""
    words = [t.lower_ for t in doc[max(0, start_token - 7) : start_token]]
    while words and words[-1] in ("the", "a"):
        words.pop()
    if not words:
        return None
    last = words[-1]
    if last in ("near", "outside", "around", "nearby"):
        return last
    if last in ("of", "from"):
        before = words[:-1]
        while before and before[-1] in ("the",):
            before.pop()
        if before and before[-1] in ("outskirts", "edge", "suburbs", "vicinity"):
            return "outskirts"
        if before and before[-1] in ("part", "parts"):
            return "part"
        if any(w in DISTANCE_UNITS or w.rstrip("km").isdigit() for w in before[-4:]):
            return "km"
        if before and before[-1] in DIRECTIONS:
            return "km"
    return None


def _confirmed(gaz: Gazetteer, text: str, prompted: bool) -> bool:
    """Does the gazetteer know ``text`` well enough to take it as a place though NER did not say so?"""
    if gaz.countries.find(text) is not None and gaz.countries.demonym(text) is None:
        return True
    for m in gaz.matches(text):
        if m.score < SCORE_ALTERNATE:
            continue
        floor = MIN_PROMPTED_POPULATION if prompted else MIN_UNPROMPTED_POPULATION
        if m.place.feature_class == "A" or m.place.population >= floor:
            return True
    return False


def find_toponyms(doc: Any, gaz: Gazetteer) -> list[Toponym]:
    """Every place name in a spaCy Doc, with kind words and qualifiers (see the module docstring)."""
    out: list[Toponym] = []
    covered: set[int] = set()
    for ent in doc.ents:
        start, end = _trim(doc, ent.start, ent.end)
        end = _extend_hyphenated(doc, start, end, gaz)
        if start >= end:
            continue
        span = doc[start:end]
        prev = doc[start - 1].lower_ if start > 0 else ""
        prompted = prev in LOCATIVE
        is_demonym = (
            gaz.countries.demonym(span.text) is not None and gaz.countries.find(span.text) is not None
        )
        is_demonym = is_demonym and fold(span.text) not in gaz.countries.names
        if ent.label_ in PLACE_LABELS:
            if is_demonym and not prompted:
                continue
        elif ent.label_ in CONFIRM_LABELS:
            if is_demonym or not _confirmed(gaz, span.text, prompted):
                continue
        else:
            continue
        toponym = _make_toponym(doc, start, end, ent.label_, gaz)
        if toponym is not None:
            out.append(toponym)
            covered.update(range(ent.start, ent.end))
    out.extend(_missed_proper_nouns(doc, gaz, covered))
    out.sort(key=lambda t: t.start)
    return out


def _trim(doc: Any, start: int, end: int) -> tuple[int, int]:
    """Drop a leading "the" and a trailing possessive ("Rio de Janeiro's" -> "Rio de Janeiro")."""
    while start < end and doc[start].lower_ == "the":
        start += 1
    while end > start and doc[end - 1].lower_ in ("'s", "\u2019s", "'", "\u2019"):
        end -= 1
    return start, end


def _extend_hyphenated(doc: Any, start: int, end: int, gaz: Gazetteer) -> int:
    """Grow a span over hyphen-glued tokens NER cut off ("Mazar" + "-i-Sharif") if the gazetteer knows it."""
    j = end
    while j < len(doc) and not doc[j - 1].whitespace_ and (doc[j].text == "-" or doc[j - 1].text == "-"):
        j += 1
    if j == end or doc[j - 1].text == "-":
        return end
    return j if gaz.matches(doc[start:j].text) else end


def _make_toponym(doc: Any, start: int, end: int, label: str, gaz: Gazetteer) -> Toponym | None:
    span = doc[start:end]
    parts = split_kind_words(span.text, gaz.rules)
    text_end = span.end_char
    kind = parts.kind
    if kind is not None and parts.name and span.text.startswith(parts.name):
        text_end = span.start_char + len(parts.name)
    elif kind is not None:
        # "the province of Kunduz" inside one entity: keep the span, let the resolver read the kind.
        text_end = span.end_char
    if kind is None:
        kind, _ = _kind_after(doc, end, gaz)
    if kind is None:
        kind = _kind_before(doc, start, gaz)
    text = doc.text[span.start_char : text_end].rstrip(" ,.")
    if not text or not any(c.isalpha() for c in text):
        return None
    return Toponym(
        text=text,
        start=span.start_char,
        end=span.start_char + len(text),
        label=label,
        kind=kind,
        qualifier=qualifier_before(doc, start),
    )


def _nnp_run(doc: Any, i: int, covered: set[int]) -> int:
    """End of the proper-noun run starting at token i (hyphen-joined parts included)."""
    j = i
    while (
        j < len(doc)
        and j not in covered
        and (doc[j].tag_ == "NNP" or (doc[j].text == "-" and j + 1 < len(doc) and doc[j + 1].tag_ == "NNP"))
    ):
        j += 1
    return j


def _inside_next(doc: Any, gaz: Gazetteer, start: int, end: int, covered: set[int]) -> bool:
    """ "Kadugli in South Kordofan", "Owo, Ondo": a run the gazetteer puts inside the area named next."""
    if end + 1 >= len(doc) or doc[end].lower_ not in ("in", ",") or end + 1 not in covered:
        return False
    k = _nnp_run(doc, end + 1, set()) or end + 2
    container = fold(split_kind_words(doc[end + 1 : max(k, end + 2)].text, gaz.rules).name)
    country = gaz.countries.find(doc[end + 1 : max(k, end + 2)].text)
    for m in gaz.matches(doc[start:end].text):
        if m.score < SCORE_ALTERNATE:
            continue
        if (m.place.admin1 and fold(m.place.admin1) == container) or (country and m.place.country == country):
            return True
    return False


def _missed_proper_nouns(doc: Any, gaz: Gazetteer, covered: set[int]) -> list[Toponym]:
    """Proper-noun runs NER missed that are places: after a locative preposition if the gazetteer knows
    them, before a kind word ("in Nerkh district"), or inside the area named next ("Kadugli in South
    Kordofan")."""
    out: list[Toponym] = []
    i = 0
    while i < len(doc):
        if doc[i].tag_ != "NNP" or i in covered or not doc[i].text[:1].isupper():
            i += 1
            continue
        j = _nnp_run(doc, i, covered)
        span = doc[i:j]
        prompted = i > 0 and doc[i - 1].lower_ in LOCATIVE
        # The kind word says place even when the spelling is not the gazetteer's.
        kind_follows = prompted and _kind_after(doc, j, gaz)[0] not in (None, "town")
        if gaz.countries.demonym(span.text) is None and (
            kind_follows
            or (prompted and _confirmed(gaz, span.text, True))
            or _inside_next(doc, gaz, i, j, covered)
        ):
            toponym = _make_toponym(doc, i, j, "PROPN", gaz)
            if toponym is not None:
                out.append(toponym)
        i = j
    return out


def _dateline_index(text: str, toponyms: list[Toponym]) -> int | None:
    m = _DATELINE.match(text)
    if not m:
        return None
    for i, t in enumerate(toponyms):
        if t.end <= m.start(1):
            return i
    return None


def _country_evidence(gaz: Gazetteer, t: Toponym) -> tuple[str, float] | None:
    """The country a toponym speaks for: a country it names, or the only country of its candidates."""
    country = gaz.countries.find(t.text)
    if country is not None and gaz.countries.demonym(t.text) is None:
        return country.iso2, W_COUNTRY_MENTION
    countries = {m.place.country.iso2 for m in gaz.matches(t.text) if m.score >= SCORE_ALTERNATE}
    if len(countries) == 1:
        return countries.pop(), W_UNAMBIGUOUS
    return None


def document_context(doc: Any, gaz: Gazetteer, toponyms: list[Toponym]) -> PlaceContext:
    """Country evidence in a document: countries named, demonyms, unambiguous places, the dateline."""
    context = PlaceContext()
    for ent in doc.ents:
        if ent.label_ == "NORP" or (ent.label_ in PLACE_LABELS and gaz.countries.demonym(ent.text)):
            country = gaz.countries.demonym(ent.text)
            if country is not None:
                context.add_country(country.iso2, W_DEMONYM)
    for t in toponyms:
        evidence = _country_evidence(gaz, t)
        if evidence is not None:
            context.add_country(*evidence)
            if evidence[1] == W_COUNTRY_MENTION:
                context.named_countries.add(evidence[0])
    index = _dateline_index(doc.text, toponyms)
    if index is not None:
        ranked = rank_places(candidates_for(gaz, toponyms[index].text, context), context)
        if ranked:
            context.dateline = ranked[0][0]
    return context


def _container_hints(
    gaz: Gazetteer, toponyms: list[Toponym], i: int, text: str, context: PlaceContext
) -> None:
    """A name right after a comma is the area or country holding it ("Portland, Maine")."""
    if i > 0 and text[toponyms[i - 1].end : toponyms[i].start].strip() == ",":
        # This name follows another after a comma: it may be the area holding it ("Atlanta, Georgia").
        key = fold(toponyms[i].text)
        for m in gaz.matches(toponyms[i - 1].text):
            if m.place.admin1 and fold(m.place.admin1) == key:
                context.add_admin1(m.place.admin1, W_CONTAINER)
                context.add_country(m.place.country.iso2, W_CONTAINER)
                break
    if i + 1 >= len(toponyms):
        return
    here, after = toponyms[i], toponyms[i + 1]
    if text[here.end : after.start].strip() != ",":
        return
    country = gaz.countries.find(after.text)
    if country is not None and gaz.countries.demonym(after.text) is None:
        context.add_country(country.iso2, W_CONTAINER)
        return
    for m in gaz.matches(after.text):
        if m.place.feature_code == "ADM1" and m.score >= SCORE_ALTERNATE and m.place.admin1:
            context.add_admin1(m.place.admin1, W_CONTAINER)
            context.add_country(m.place.country.iso2, W_CONTAINER / 2)


def resolve_toponyms(doc: Any, gaz: Gazetteer) -> list[tuple[Toponym, ResolvedPlace | None]]:
    """Every toponym in a document resolved with the document's context.

    First pass: each name with the document's country evidence. Second pass: each name again, with
    the provinces and points the *other* names resolved to, and the container named after a comma.
    """
    toponyms = find_toponyms(doc, gaz)
    context = document_context(doc, gaz, toponyms)

    def resolve_one(t: Toponym, ctx: PlaceContext) -> ResolvedPlace | None:
        query = t.text if not t.kind else _with_kind(t, gaz)
        return resolve_place(gaz, query, ctx, t.qualifier, t.start, t.end)

    first = [resolve_one(t, context) for t in toponyms]
    out: list[tuple[Toponym, ResolvedPlace | None]] = []
    for i, t in enumerate(toponyms):
        ctx = context.copy()
        own = _country_evidence(gaz, t)
        if own is not None:  # a name is no evidence for its own reading ("Georgia" for the country)
            ctx.add_country(own[0], -own[1])
        for j, resolved in enumerate(first):
            if j != i and resolved is not None and resolved.place.feature_code != "PCLI":
                ctx.add_place(resolved.place, W_RESOLVED)
        _container_hints(gaz, toponyms, i, doc.text, ctx)
        out.append((t, resolve_one(t, ctx)))
    return out


def _with_kind(t: Toponym, gaz: Gazetteer) -> str:
    word = {"admin1": "province", "admin2": "district", "admin": "county", "town": "town"}[t.kind or "town"]
    if split_kind_words(t.text, gaz.rules).kind is not None:
        return t.text
    return f"{t.text} {word}"


def geoparse_records(article_id: str, text: str, doc: Any, gaz: Gazetteer) -> list[dict[str, Any]]:
    """One row per place name in ``text`` (``doc`` is spaCy's parse of it), resolved or null."""
    rows: list[dict[str, Any]] = []
    for t, resolved in resolve_toponyms(doc, gaz):
        place = resolved.place if resolved else None
        rows.append(
            {
                "article_id": article_id,
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "geonames_id": place.geonames_id if place else None,
                "name": place.name if place else None,
                "feature_class": place.feature_class if place else None,
                "country": place.country.name if place else None,
                "iso3": place.country.iso3 if place else None,
                "admin1": place.admin1 if place else None,
                "latitude": round(place.latitude, 5) if place else None,
                "longitude": round(place.longitude, 5) if place else None,
            }
        )
    return rows
