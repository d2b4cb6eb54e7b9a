"""Choose among gazetteer candidates by the article's context, and code the choice at ACLED precision.

- ``PlaceContext``: what the article says about where it is: weighted country counts (places named,
  demonyms), admin1 hints, actors' countries, the dateline place and already-resolved points.
- ``rank_places(candidates, context) -> list[tuple[Place, float]]``: candidates ordered by a score mixing
  the name match, the country and admin1 context, distance to resolved points, the kind word written
  with the name ("province", "district", "city"), feature class and population. Scores are shares
  (softmax) that sum to 1 over the candidates.
- ``resolve_place(gaz, name, context, qualifier=None, start=None, end=None) -> ResolvedPlace | None``:
  ACLED precision: 1 a town named; 2 near / outskirts of a town, or a district (coded to its
  representative town, location = the district); 3 only a province or region (coded to its capital,
  location = the region) or only a country. Neighbourhoods (PPLX) become "City - District".
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventscope.geocode.gazetteer import SCORE_ALTERNATE, SCORE_NAME, Gazetteer, distance_km
from eventscope.geocode.normalize import fold
from eventscope.models import Evidence, Place, PlaceMatch, ResolvedPlace

log = logging.getLogger(__name__)

# Weights of the ranking score (log-odds-like units). Why each:
W_NAME = 3.0  # a place's own name beats an alternate or a transliteration match
W_COUNTRY = 3.0  # x share of the article's country mentions: the strongest disambiguator
W_ACTOR_COUNTRY = 1.0  # x share of actors' countries ("Afghan forces")
W_DATELINE = 1.0  # same country as the dateline place
W_ADMIN1 = 1.5  # inside a province the article names ("Kunduz, in the province of Kunduz")
W_NEAR = 1.0  # within NEAR_KM of a place already resolved in the article
NEAR_KM = 150.0
W_POP = 0.3  # x log10(population): the larger homonym unless context says otherwise
W_TOWN = 0.4  # a town over the same-named area ("Kunduz" is the city unless "province" is written)
W_COUNTRY_NAME = 1.5  # a country's own name is far more often meant than a town or area so called
W_KIND = 2.0  # the kind word written ("Donetsk region" -> the oblast; "Kunduz city" -> the town)
W_UNPLACED = 1.0  # a district the data gives no people or town of its own: its point is borrowed
W_SEAT = 0.5  # a town that is the seat of a same-named area among the candidates ("Kunduz": the city)

# Qualifiers that move an event off the named town: ACLED geo_precision 2.
NEAR_QUALIFIERS = frozenset(
    {"near", "outskirts", "outside", "around", "km", "area", "part", "vicinity", "nearby"}
)
# Qualifiers that are kind words: the name is an area of that level.
AREA_QUALIFIERS = {
    "district": "district",
    "region": "region",
    "province": "province",
    "state": "state",
    "county": "county",
    "governorate": "governorate",
    "oblast": "oblast",
}


@dataclass(slots=True)
class PlaceContext:
    """What an article says about where it happens, for disambiguation (all weights are relative)."""

    countries: dict[str, float] = field(default_factory=dict)  # iso2 -> weight
    admin1: dict[str, float] = field(default_factory=dict)  # folded admin1 name -> weight
    actor_countries: dict[str, float] = field(default_factory=dict)  # iso2 -> weight
    named_countries: set[str] = field(default_factory=set)  # iso2 of countries the text names
    dateline: Place | None = None
    points: list[tuple[float, float, float]] = field(default_factory=list)  # lat, lon, weight

    def add_country(self, iso2: str, weight: float = 1.0) -> None:
        self.countries[iso2] = self.countries.get(iso2, 0.0) + weight

    def add_admin1(self, name: str, weight: float = 1.0) -> None:
        key = fold(name)
        self.admin1[key] = self.admin1.get(key, 0.0) + weight

    def add_actor_country(self, iso2: str, weight: float = 1.0) -> None:
        self.actor_countries[iso2] = self.actor_countries.get(iso2, 0.0) + weight

    def add_place(self, place: Place, weight: float = 1.0) -> None:
        """Count a resolved place: its country, its province and (towns only) its point."""
        self.add_country(place.country.iso2, weight)
        if place.admin1:
            self.add_admin1(place.admin1, weight)
        if place.feature_class == "P" or place.feature_code == "ADM2":
            self.points.append((place.latitude, place.longitude, weight))

    def copy(self) -> PlaceContext:
        """An independent copy (places are immutable and shared)."""
        return PlaceContext(
            countries=dict(self.countries),
            admin1=dict(self.admin1),
            actor_countries=dict(self.actor_countries),
            named_countries=set(self.named_countries),
            dateline=self.dateline,
            points=list(self.points),
        )

    def country_share(self, iso2: str) -> float:
        total = sum(self.countries.values())
        return self.countries.get(iso2, 0.0) / total if total else 0.0

    def likeliest_country(self) -> str | None:
        """ISO2 of the country the evidence favours: what an event keeps when its place is unknown."""
        top = self.top_countries(1)
        return top[0] if top else None

    def top_countries(self, n: int = 2) -> list[str]:
        ranked = sorted({**self.actor_countries, **self.countries}.items(), key=lambda kv: -kv[1])
        if self.dateline is not None and self.dateline.country.iso2 not in dict(ranked):
            ranked.append((self.dateline.country.iso2, 0.0))
        return [cc for cc, _ in ranked[:n]]


def _score(match: PlaceMatch, context: PlaceContext) -> float:
    place = match.place
    cc = place.country.iso2
    s = W_NAME * match.score
    s += W_COUNTRY * context.country_share(cc)
    actor_total = sum(context.actor_countries.values())
    if actor_total:
        s += W_ACTOR_COUNTRY * context.actor_countries.get(cc, 0.0) / actor_total
    if context.dateline is not None and context.dateline.country.iso2 == cc:
        s += W_DATELINE
    # Admin1 and nearness mostly restate the same evidence (the article's other places): the larger counts.
    local = 0.0
    if place.admin1 and context.admin1:
        total = sum(context.admin1.values())
        local = W_ADMIN1 * context.admin1.get(fold(place.admin1), 0.0) / total
    if context.points and place.feature_code != "PCLI":
        near = sum(
            w
            for lat, lon, w in context.points
            if distance_km(lat, lon, place.latitude, place.longitude) <= NEAR_KM
        )
        local = max(local, W_NEAR * min(1.0, near / max(1.0, sum(w for *_, w in context.points))))
    s += local
    s += W_POP * math.log10(max(place.population, 0) + 10)
    if place.feature_class == "A" and place.feature_code not in ("ADM1", "PCLI") and place.population <= 0:
        s -= W_UNPLACED
    if place.feature_code == "PCLI" and match.score >= SCORE_ALTERNATE:
        s += W_COUNTRY_NAME
    kind = match.kind
    if kind is None:
        if place.feature_class == "P":
            s += W_TOWN
    elif kind == "town":
        s += W_KIND if place.feature_class == "P" else -W_KIND
    else:
        level = {"admin1": "ADM1", "admin2": "ADM2"}.get(kind)
        if place.feature_code in ("ADM1", "ADM2"):
            s += W_KIND if level in (None, place.feature_code) else W_KIND / 2
        else:
            s -= W_KIND
    return s


def rank_places(
    candidates: Sequence[Place | PlaceMatch], context: PlaceContext | None = None
) -> list[tuple[Place, float]]:
    """Candidates best first, each with its share of the belief (shares sum to 1)."""
    context = context or PlaceContext()
    matches = [c if isinstance(c, PlaceMatch) else PlaceMatch(c, SCORE_NAME, "name") for c in candidates]
    if not matches:
        return []
    seats = {(m.place.latitude, m.place.longitude) for m in matches if m.place.feature_class == "A"}
    scores = [
        _score(m, context)
        + (W_SEAT if m.place.feature_class == "P" and (m.place.latitude, m.place.longitude) in seats else 0)
        for m in matches
    ]
    top = max(scores)
    weights = [math.exp(s - top) for s in scores]
    total = sum(weights)
    ranked = sorted(zip(matches, weights, strict=True), key=lambda mw: -mw[1])
    out: list[tuple[Place, float]] = []
    seen: set[Place] = set()
    for m, w in ranked:
        if m.place not in seen:
            seen.add(m.place)
            out.append((m.place, w / total))
    return out


def candidates_for(gaz: Gazetteer, name: str, context: PlaceContext | None = None) -> list[PlaceMatch]:
    """Worldwide candidates, else the transliteration fallback inside the context's likeliest countries."""
    found = gaz.matches(name)
    if found or context is None:
        return found
    # A spelling the gazetteer does not have is looked for only where the article clearly is: the
    # likeliest country, and the runner-up only when the evidence is nearly as strong for it.
    ranked = sorted({**context.actor_countries, **context.countries}.items(), key=lambda kv: -kv[1])
    for cc, weight in ranked[:2]:
        if weight < 0.8 * ranked[0][1]:
            break
        found = gaz.matches(name, cc)
        if found:
            return found
    return []


# A small place abroad is not taken when the article clearly happens elsewhere (a country it names
# holds most of the evidence; demonyms do not count: "Russian shelling hit Kherson"). "Solhan" in a
# report on Burkina Faso is not the Turkish town of that name, even if the gazetteer has only that one.
FOREIGN_MAX_POPULATION = 100_000
FOREIGN_MIN_SHARE = 0.5


def _foreign_hamlet(place: Place, context: PlaceContext) -> bool:
    if place.feature_code == "PCLI" or place.population >= FOREIGN_MAX_POPULATION or not context.countries:
        return False
    cc = place.country.iso2
    if context.country_share(cc) > 0 or cc in context.actor_countries:
        return False
    if context.dateline is not None and context.dateline.country.iso2 == cc:
        return False
    return any(context.country_share(other) >= FOREIGN_MIN_SHARE for other in context.named_countries)


# A country's own name is the country, never a small town or district of that name abroad ("Jordan"
# is not Jordan, Minnesota, whatever else the article says of the United States); a large homonym
# ("Georgia" the US state) stays for the context to decide.
HOMONYM_MIN_POPULATION = 100_000


def _without_small_homonyms(matches: list[PlaceMatch]) -> list[PlaceMatch]:
    if not any(m.place.feature_code == "PCLI" and m.score >= SCORE_ALTERNATE for m in matches):
        return matches
    return [m for m in matches if m.place.feature_code == "PCLI" or m.place.population >= HOMONYM_MIN_POPULATION]


def resolve_place(
    gaz: Gazetteer,
    name: str,
    context: PlaceContext | None = None,
    qualifier: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> ResolvedPlace | None:
    """The place a toponym names, at ACLED precision; None when the gazetteer does not know it.

    ``qualifier``: None, or how the text places the event relative to the name: "near", "outskirts",
    "outside", "km" (N km from X), "area", or a kind word ("district", "province", "region").
    ``start``/``end``: the toponym's offsets in the article text, kept as the Evidence span.
    """
    context = context or PlaceContext()
    query = name
    q = (qualifier or "").lower()
    if q in AREA_QUALIFIERS and fold(name).split()[-1:] != [q]:
        query = f"{name} {AREA_QUALIFIERS[q]}"
    ranked = rank_places(_without_small_homonyms(candidates_for(gaz, query, context)), context)
    if not ranked and query != name:
        ranked = rank_places(_without_small_homonyms(candidates_for(gaz, name, context)), context)
    if not ranked:
        log.debug("no gazetteer place for %r", name)
        return None
    place = ranked[0][0]
    if _foreign_hamlet(place, context):
        log.debug(
            "%r: best candidate %s is a small place in a country the article never mentions", name, place
        )
        return None
    evidence = Evidence("location", name, start, end) if start is not None and end is not None else None
    if place.feature_code == "PCLI":
        return ResolvedPlace(place=place, location=place.country.name, geo_precision=3, evidence=evidence)
    if place.feature_class == "A":
        precision = 2 if place.feature_code not in ("ADM1",) else 3
        return ResolvedPlace(place=place, location=place.name, geo_precision=precision, evidence=evidence)
    location = place.name
    if place.feature_code == "PPLX":
        parent = gaz.parent_town(place)
        if parent is not None and parent.name != place.name:
            location = f"{parent.name} - {place.name}"
    precision = 2 if q in NEAR_QUALIFIERS else 1
    return ResolvedPlace(place=place, location=location, geo_precision=precision, evidence=evidence)
