"""Cross-article merge: the reports (event mentions) of one real event, from many articles -> MergedEvent.

Mentions are event records as `ResolvedEvent.to_record()` gives them.  Two mentions are *linked* when
their date, place, actors and type are all compatible under the rules in data/rules/merge.yaml; an event
is a set of mentions that are all pairwise linked (complete linkage), grown greedily from the strongest
link down, ties broken by mention id.  Candidate pairs come from blocks of one country and nearby days,
so the cost grows with the number of mentions, not its square.  Everything here depends only on the set
of mentions, never on the order they arrived in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

from eventscope.errors import RuleFileError
from eventscope.models import (
    INTER_CODES,
    INTER_NAMES,
    Evidence,
    MergedEvent,
    SourceRef,
    interaction_code,
)

log = logging.getLogger(__name__)

DEFAULT_RULES_PATH = files("eventscope") / "data" / "rules" / "merge.yaml"


# ---------------------------------------------------------------------------------------------- rules


@dataclass(frozen=True, slots=True)
class ActorClass:
    """Names that count as one actor when they match with the same country ("state forces")."""

    name: str
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class UnnamedActor:
    """A name for an unknown perpetrator, compatible with named actors of these inter codes."""

    pattern: re.Pattern[str]
    compatible_inter: frozenset[int]


@dataclass(frozen=True, slots=True)
class MergeRules:
    """Thresholds and type relations of merge.yaml, validated."""

    version: int
    max_days: dict[int, int]
    coarse_date_needs_same_location_and_type: bool
    same_name_km: float
    other_name_km: float
    near_km: float
    region_needs_same_type: bool
    ignore_suffix: re.Pattern[str]
    actor_classes: tuple[ActorClass, ...]
    unnamed: tuple[UnnamedActor, ...]
    type_rank: dict[str, int]  # 0 is the top of ACLED's hierarchy
    sub_event_rank: dict[str, int]  # rank within its own type
    compatible_types: frozenset[frozenset[str]]
    exact_sub_event_types: frozenset[str]
    compatible_sub_events: frozenset[frozenset[str]]
    # actor_key results by (name, inter): a corpus names the same few thousand actors over and over.
    actor_cache: dict[tuple[str, int | None], ActorKey] = field(default_factory=dict, compare=False, repr=False)

    @property
    def window_days(self) -> int:
        """The largest date gap any two linked mentions can have."""
        return max(self.max_days.values())


class _RuleReader:
    """Reads merge.yaml; every error names the file and line."""

    def __init__(self, path: str, text: str):
        self.path = path
        try:
            self.root = yaml.compose(text)
            self.data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark else ""
            raise RuleFileError(f"{path}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from None
        if not isinstance(self.data, dict):
            raise RuleFileError(f"{path}: expected a mapping of merge rules")

    def fail(self, keys: Sequence[Any], message: str) -> RuleFileError:
        node = self.root
        for key in keys:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == str(key)), node)
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
                node = node.value[key]
        line = node.start_mark.line + 1 if node is not None else 1
        return RuleFileError(f"{self.path}:{line}: {'.'.join(map(str, keys))}: {message}")

    def get(self, *keys: Any, kind: type | tuple[type, ...]) -> Any:
        value: Any = self.data
        for i, key in enumerate(keys):
            if not isinstance(value, dict) or key not in value:
                raise self.fail(keys[:i], f"missing key {key!r}")
            value = value[key]
        if not isinstance(value, kind) or (kind in (int, float, (int, float)) and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise self.fail(keys, f"expected {names}, got {value!r}")
        return value

    def regex(self, keys: Sequence[Any], pattern: Any) -> re.Pattern[str]:
        if not isinstance(pattern, str):
            raise self.fail(keys, f"expected a regular expression, got {pattern!r}")
        try:
            return re.compile(pattern)
        except re.error as exc:
            raise self.fail(keys, f"bad regular expression ({exc})") from None


def load_merge_rules(path: str | Path | None = None) -> MergeRules:
    """Load and validate merge rules (the packaged merge.yaml by default)."""
    source = DEFAULT_RULES_PATH if path is None else Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(f"{source}: cannot read merge rules ({exc.strerror or exc})") from None
    r = _RuleReader(str(source), text)

    version = r.get("version", kind=int)
    max_days_raw = r.get("date", "max_days", kind=dict)
    if set(max_days_raw) != {1, 2, 3}:
        raise r.fail(("date", "max_days"), "needs exactly the time precisions 1, 2 and 3")
    max_days = {p: r.get("date", "max_days", p, kind=int) for p in (1, 2, 3)}
    if any(v < 0 for v in max_days.values()):
        raise r.fail(("date", "max_days"), "day gaps cannot be negative")

    hierarchy = r.get("types", "hierarchy", kind=list)
    type_rank = {t: i for i, t in enumerate(hierarchy)}
    if len(type_rank) != len(hierarchy):
        raise r.fail(("types", "hierarchy"), "an event type is listed twice")
    sub_event_rank: dict[str, int] = {}
    sub_hierarchy = r.get("types", "sub_event_hierarchy", kind=dict)
    if set(sub_hierarchy) != set(type_rank):
        raise r.fail(("types", "sub_event_hierarchy"), "needs one list for each event type of the hierarchy")
    for event_type in hierarchy:
        for i, sub in enumerate(r.get("types", "sub_event_hierarchy", event_type, kind=list)):
            if sub in sub_event_rank:
                raise r.fail(("types", "sub_event_hierarchy", event_type, i), f"{sub!r} is listed twice")
            sub_event_rank[sub] = i

    def pairs(key: str, known: Mapping[str, int]) -> frozenset[frozenset[str]]:
        out = set()
        for i, pair in enumerate(r.get("types", key, kind=list)):
            if not (isinstance(pair, list) and len(pair) == 2 and all(p in known for p in pair)):
                raise r.fail(("types", key, i), f"expected a pair of known names, got {pair!r}")
            out.add(frozenset(pair))
        return frozenset(out)

    exact = r.get("types", "exact_sub_event_types", kind=list)
    for i, event_type in enumerate(exact):
        if event_type not in type_rank:
            raise r.fail(("types", "exact_sub_event_types", i), f"unknown event type {event_type!r}")

    classes = []
    for i, item in enumerate(r.get("actors", "same_actor_classes", kind=list)):
        keys = ("actors", "same_actor_classes", i)
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            raise r.fail(keys, "expected a mapping with name and pattern")
        pattern = r.regex((*keys, "pattern"), item.get("pattern"))
        if "country" not in pattern.groupindex:
            raise r.fail((*keys, "pattern"), "the pattern needs a (?P<country>...) group")
        classes.append(ActorClass(item["name"], pattern))
    unnamed = []
    for i, item in enumerate(r.get("actors", "unnamed", kind=list)):
        keys = ("actors", "unnamed", i)
        if not isinstance(item, dict):
            raise r.fail(keys, "expected a mapping with pattern and compatible_inter")
        inter = item.get("compatible_inter")
        if not (isinstance(inter, list) and all(c in INTER_NAMES for c in inter)):
            raise r.fail((*keys, "compatible_inter"), f"expected a list of inter codes 1-8, got {inter!r}")
        unnamed.append(UnnamedActor(r.regex((*keys, "pattern"), item.get("pattern")), frozenset(inter)))

    return MergeRules(
        version=version,
        max_days=max_days,
        coarse_date_needs_same_location_and_type=r.get("date", "coarse_needs_same_location_and_type", kind=bool),
        same_name_km=float(r.get("place", "same_name_km", kind=(int, float))),
        other_name_km=float(r.get("place", "other_name_km", kind=(int, float))),
        near_km=float(r.get("place", "near_km", kind=(int, float))),
        region_needs_same_type=r.get("place", "region_needs_same_type", kind=bool),
        ignore_suffix=r.regex(("actors", "ignore_suffix"), r.get("actors", "ignore_suffix", kind=str)),
        actor_classes=tuple(classes),
        unnamed=tuple(unnamed),
        type_rank=type_rank,
        sub_event_rank=sub_event_rank,
        compatible_types=pairs("compatible_types", type_rank),
        exact_sub_event_types=frozenset(exact),
        compatible_sub_events=pairs("compatible_sub_events", sub_event_rank),
    )


# ------------------------------------------------------------------------------------------- mentions


@dataclass(frozen=True, slots=True)
class ActorKey:
    """One actor of a mention, as the merge compares it."""

    name: str  # as reported
    key: str  # casefolded, regime suffix removed
    inter: int | None
    actor_class: tuple[str, str] | None  # (class name, country)
    unnamed_inter: frozenset[int] | None  # set when the name stands for an unknown perpetrator


@dataclass(frozen=True, slots=True)
class Mention:
    """What the merge compares of one event mention."""

    mention_id: str
    article_id: str
    iso3: str
    day: int | None  # date.toordinal(); None when undated
    time_precision: int
    event_type: str
    sub_event_type: str
    actors: tuple[ActorKey, ...]
    location: str  # casefolded location name, "" when unknown
    admin1: str
    latitude: float | None
    longitude: float | None
    geo_precision: int


def _norm(value: Any) -> str:
    return " ".join(str(value).split()).casefold() if value else ""


def actor_key(name: str, inter: int | None, rules: MergeRules) -> ActorKey:
    """How the merge sees one actor name."""
    cached = rules.actor_cache.get((name, inter))
    if cached is None:
        cached = rules.actor_cache[(name, inter)] = _actor_key(name, inter, rules)
    return cached


def _actor_key(name: str, inter: int | None, rules: MergeRules) -> ActorKey:
    bare = rules.ignore_suffix.sub("", name.strip())
    actor_class = None
    for cls in rules.actor_classes:
        match = cls.pattern.match(bare)
        if match:
            actor_class = (cls.name, _norm(match.group("country")))
            break
    unnamed = next((u.compatible_inter for u in rules.unnamed if u.pattern.match(bare)), None)
    return ActorKey(name, _norm(bare), inter, actor_class, unnamed)


def _inter(value: Any) -> int | None:
    if isinstance(value, int):
        return value
    return INTER_CODES.get(value) if value else None


def mention_from_record(record: Mapping[str, Any], rules: MergeRules) -> Mention:
    """The comparable part of an event record (a ResolvedEvent.to_record() dict)."""
    actors = tuple(
        actor_key(record[name], _inter(record.get(inter)), rules)
        for name, inter in (("actor1", "inter1"), ("actor2", "inter2"))
        if record.get(name)
    )
    day = as_date(record.get("event_date"))
    lat, lon = record.get("latitude"), record.get("longitude")
    has_point = lat is not None and lon is not None
    return Mention(
        mention_id=str(record["event_id"]),
        article_id=str(record.get("article_id") or ""),
        iso3=record.get("iso3") or "",
        day=day.toordinal() if day else None,
        time_precision=_clamp(record.get("time_precision"), 1, 3, default=3),
        event_type=record.get("event_type") or "",
        sub_event_type=record.get("sub_event_type") or "",
        actors=actors,
        location=_norm(record.get("location")),
        admin1=_norm(record.get("admin1")),
        latitude=float(lat) if has_point else None,
        longitude=float(lon) if has_point else None,
        geo_precision=_clamp(record.get("geo_precision"), 1, 3, default=3),
    )


def as_date(value: Any) -> dt.date | None:
    """A date from a date or an ISO string (its first ten characters); None otherwise."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _clamp(value: Any, low: int, high: int, default: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return min(max(value, low), high)
    return default


# ------------------------------------------------------------------------------------------ decisions


@dataclass(frozen=True, slots=True)
class Check:
    """One criterion of a pair decision and why it held or failed."""

    criterion: str  # "article", "type", "date", "place", "actors"
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class PairDecision:
    """Whether two mentions are linked (may be one event), criterion by criterion."""

    a: str
    b: str
    linked: bool
    checks: tuple[Check, ...]
    score: float  # ordering of links: higher is merged first

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "linked": self.linked,
            "score": self.score,
            "checks": [{"criterion": c.criterion, "ok": c.ok, "detail": c.detail} for c in self.checks],
        }


EARTH_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def _same_place_and_type(a: Mention, b: Mention) -> bool:
    return bool(a.location) and a.location == b.location and a.event_type == b.event_type


def _check_type(a: Mention, b: Mention, rules: MergeRules, explain: bool) -> tuple[bool, str]:
    # Each check decides first and words its reason only when explaining: the blocking loop runs
    # millions of checks and needs no words.
    if a.sub_event_type == b.sub_event_type:
        return True, f"same sub-event type {a.sub_event_type}" if explain else ""
    if frozenset((a.sub_event_type, b.sub_event_type)) in rules.compatible_sub_events:
        ok, why = True, "sub-event types listed as compatible"
    elif a.event_type == b.event_type:
        ok = a.event_type not in rules.exact_sub_event_types
        why = "same event type" if ok else f"{a.event_type} merge only with the same sub-event type"
    else:
        ok = frozenset((a.event_type, b.event_type)) in rules.compatible_types
        why = "event types listed as compatible" if ok else "incompatible types"
    if not explain:
        return ok, ""
    return ok, f"{a.event_type}/{a.sub_event_type} vs {b.event_type}/{b.sub_event_type}: {why}"


def _check_date(a: Mention, b: Mention, rules: MergeRules, explain: bool) -> tuple[bool, str]:
    if a.day is None or b.day is None:
        ok = _same_place_and_type(a, b)
        if not explain:
            return ok, ""
        return ok, "undated report: " + ("same location and event type" if ok else
                                         "needs the same location and event type")  # fmt: skip
    gap = abs(a.day - b.day)
    precision = max(a.time_precision, b.time_precision)
    allowed = rules.max_days[precision]
    coarse = precision > 1 and rules.coarse_date_needs_same_location_and_type
    too_vague = gap <= allowed and coarse and not _same_place_and_type(a, b)
    ok = gap <= allowed and not too_vague
    if not explain:
        return ok, ""
    when = f"{dt.date.fromordinal(a.day)} vs {dt.date.fromordinal(b.day)}, {gap} day(s) apart"
    if too_vague:
        return False, f"{when}; time precision {precision} needs the same location and event type"
    return ok, f"{when} (allowed {allowed} at time precision {precision})"


def _check_place(a: Mention, b: Mention, rules: MergeRules, explain: bool) -> tuple[bool, str, float | None]:
    if a.latitude is None or b.latitude is None or a.longitude is None or b.longitude is None:
        ok = bool(a.location) and a.location == b.location and (not a.admin1 or not b.admin1 or a.admin1 == b.admin1)
        if not explain:
            return ok, "", None
        detail = f"no coordinates: location {a.location or '?'} vs {b.location or '?'}"
        return ok, detail + (" (same name)" if ok else " (needs the same name)"), None
    km = distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
    precision = max(a.geo_precision, b.geo_precision)
    if precision >= 3:
        same_region = bool(a.admin1) and a.admin1 == b.admin1
        type_ok = not rules.region_needs_same_type or a.event_type == b.event_type
        ok = same_region and type_ok
        if not explain:
            return ok, "", km
        if not same_region:
            why = f"region-level place needs the same admin1 ({a.admin1 or '?'} vs {b.admin1 or '?'})"
        else:
            why = f"same admin1 {a.admin1} at region precision" if ok else (
                "region-level place needs the same event type")  # fmt: skip
    elif precision == 2:
        ok = km <= rules.near_km
        why = f"allowed {rules.near_km:g} km at geo precision 2"
    else:
        same_name = bool(a.location) and a.location == b.location
        allowed = rules.same_name_km if same_name else rules.other_name_km
        ok = km <= allowed
        why = f"allowed {allowed:g} km for {'the same name' if same_name else 'different names'}"
    if not explain:
        return ok, "", km
    return ok, f"{a.location or '?'} vs {b.location or '?'}, {km:.1f} km ({why})", km


def _actors_match(x: ActorKey, y: ActorKey) -> str | None:
    """Why two actors may be one (a short reason), or None."""
    if x.key == y.key:
        return "same"
    if x.actor_class and x.actor_class == y.actor_class:
        return f"both {x.actor_class[0]} of one country"
    for unnamed, named in ((x, y), (y, x)):
        maybe = unnamed.unnamed_inter
        if maybe is not None and named.unnamed_inter is None and named.inter in maybe:
            return f"{unnamed.name} may be {named.name}"
    return None


def _check_actors(a: Mention, b: Mention, explain: bool) -> tuple[bool, str, int]:
    """Actors are compatible when each actor of the report naming fewer pairs up with one of the other's."""
    small, large = (a.actors, b.actors) if len(a.actors) <= len(b.actors) else (b.actors, a.actors)
    if not small:
        return True, "one report names no actor" if explain else "", 0
    if len(small) == 1:
        pairings = [((small[0], other),) for other in large]
    else:
        straight, crossed = (large[0], large[1]), (large[1], large[0])
        pairings = [tuple(zip(small, straight, strict=True)), tuple(zip(small, crossed, strict=True))]
    for pairing in pairings:
        reasons = [_actors_match(x, y) for x, y in pairing]
        if all(reasons):
            exact = sum(x.key == y.key for x, y in pairing)
            if not explain:
                return True, "", exact
            words = [f"{x.name} = {y.name}" if r == "same" else f"{x.name} ~ {y.name} ({r})"
                     for (x, y), r in zip(pairing, reasons, strict=True)]  # fmt: skip
            return True, "; ".join(words), exact
    if not explain:
        return False, "", 0
    names = [" and ".join(x.name for x in m.actors) for m in (a, b)]
    return False, f"{names[0]} vs {names[1]}: no compatible pairing", 0


def compare(a: Mention, b: Mention, rules: MergeRules, explain: bool = False) -> PairDecision | None:
    """Decide whether two mentions may report one event.

    Without `explain`, returns None at the first failing criterion and words no reasons (the fast
    path of the blocking loop); with it, every criterion is checked and described.
    """
    if not explain:
        if a.article_id == b.article_id or not _check_type(a, b, rules, False)[0]:
            return None
        if not _check_date(a, b, rules, False)[0]:
            return None
        place_ok, _, km = _check_place(a, b, rules, False)
        if not place_ok:
            return None
        actors_ok, _, exact_actors = _check_actors(a, b, False)
        if not actors_ok:
            return None
        checks: list[Check] = []
    else:
        checks = []
        if a.article_id == b.article_id:
            checks.append(Check("article", False, "two events of one article are never merged"))
        ok, detail = _check_type(a, b, rules, True)
        checks.append(Check("type", ok, detail))
        ok, detail = _check_date(a, b, rules, True)
        checks.append(Check("date", ok, detail))
        ok, detail, km = _check_place(a, b, rules, True)
        checks.append(Check("place", ok, detail))
        ok, detail, exact_actors = _check_actors(a, b, True)
        checks.append(Check("actors", ok, detail))

    # The order links are merged in: closer in time and space, same sub-event, same names first.
    score = 0.25 * exact_actors
    score += 0.5 * (a.sub_event_type == b.sub_event_type)
    score += 0.5 * (bool(a.location) and a.location == b.location)
    if a.day is not None and b.day is not None:
        score -= abs(a.day - b.day)
    if km is not None:
        score -= km / 25.0
    x, y = sorted((a.mention_id, b.mention_id))
    return PairDecision(x, y, all(c.ok for c in checks), tuple(checks), round(score, 6))


# ---------------------------------------------------------------------------------------- clustering


class LinkGraph:
    """The links among a set of mentions, found block by block.

    Blocks: one country and the days a mention's time precision allows; within them, mentions placed
    at town precision (geo_precision 1-2) only meet others in neighbouring latitude bands as wide as
    the largest linking distance, so a busy country costs candidates near each mention, not all of them.
    """

    def __init__(self, mentions: Iterable[Mention], rules: MergeRules):
        self.rules = rules
        self.mentions: dict[str, Mention] = {m.mention_id: m for m in mentions}
        self.adjacent: dict[str, set[str]] = {mid: set() for mid in self.mentions}
        self.links: list[tuple[float, str, str]] = []
        # A degree of latitude is at least 110.5 km: points closer than the largest linking distance
        # are at most one band apart.
        self._band_deg = max(rules.same_name_km, rules.other_name_km, rules.near_km) / 110.0
        self._by_day: dict[tuple[str, int], list[Mention]] = defaultdict(list)
        self._loose_by_day: dict[tuple[str, int], list[Mention]] = defaultdict(list)
        self._by_band: dict[tuple[str, int, int], list[Mention]] = defaultdict(list)
        self._by_place: dict[tuple[str, str, str], list[Mention]] = defaultdict(list)
        for m in self.mentions.values():
            if m.day is not None:
                self._by_day[(m.iso3, m.day)].append(m)
                band = self._band(m)
                if band is None:
                    self._loose_by_day[(m.iso3, m.day)].append(m)
                else:
                    self._by_band[(m.iso3, m.day, band)].append(m)
            if m.location:
                self._by_place[(m.iso3, m.location, m.event_type)].append(m)
        for m in self.mentions.values():
            for other in self._candidates(m):
                decision = compare(m, other, rules)
                if decision is not None:
                    self.adjacent[m.mention_id].add(other.mention_id)
                    self.adjacent[other.mention_id].add(m.mention_id)
                    self.links.append((decision.score, decision.a, decision.b))

    def _band(self, m: Mention) -> int | None:
        """The latitude band of a town-precise mention; None for region-level or unplaced ones."""
        if m.latitude is None or m.longitude is None or m.geo_precision > 2:
            return None
        return math.floor(m.latitude / self._band_deg)

    def _candidates(self, m: Mention) -> Iterator[Mention]:
        """Mentions that may link to m, each pair produced once: from the side with the wider window
        (the coarser time precision), or the smaller id when both are alike."""
        if m.day is None:
            # Undated: only the same event type at the same named place can match.
            for other in self._by_place.get((m.iso3, m.location, m.event_type), ()) if m.location else ():
                if other.day is not None or other.mention_id > m.mention_id:
                    yield other
            return
        window = self.rules.max_days[m.time_precision]
        band = self._band(m)
        for day in range(m.day - window, m.day + window + 1):
            if band is None:
                pools = [self._by_day.get((m.iso3, day), ())]
            else:
                pools = [self._by_band.get((m.iso3, day, band + k), ()) for k in (-1, 0, 1)]
                pools.append(self._loose_by_day.get((m.iso3, day), ()))
            for pool in pools:
                for other in pool:
                    if other.time_precision < m.time_precision or (
                        other.time_precision == m.time_precision and other.mention_id > m.mention_id
                    ):
                        yield other

    def components(self, seeds: Iterable[str]) -> list[set[str]]:
        """The connected groups of mentions that contain any of the seeds."""
        seen: set[str] = set()
        out = []
        for seed in seeds:
            if seed in seen:
                continue
            group, stack = {seed}, [seed]
            while stack:
                for nxt in self.adjacent[stack.pop()]:
                    if nxt not in group:
                        group.add(nxt)
                        stack.append(nxt)
            seen |= group
            out.append(group)
        return out

    def clusters(self, ids: set[str] | None = None) -> list[list[str]]:
        """Complete-linkage clusters of the given mentions (all by default), each sorted by id."""
        ids = set(self.mentions) if ids is None else ids
        owner = {mid: mid for mid in ids}
        members = {mid: [mid] for mid in ids}
        links = sorted((-s, a, b) for s, a, b in self.links if a in ids and b in ids)
        for _, a, b in links:
            ra, rb = owner[a], owner[b]
            if ra == rb:
                continue
            left, right = members[ra], members[rb]
            if all(y in self.adjacent[x] for x in left for y in right):
                if len(left) < len(right):
                    ra, rb, left, right = rb, ra, right, left
                left.extend(right)
                for mid in right:
                    owner[mid] = ra
                del members[rb]
        return sorted(sorted(group) for group in members.values())


def cluster(records: Iterable[Mapping[str, Any]], rules: MergeRules) -> list[list[str]]:
    """Group event records into events: lists of mention ids (record event_id), sorted."""
    return LinkGraph((mention_from_record(r, rules) for r in records), rules).clusters()


# ------------------------------------------------------------------------------------- merged events


def merged_event_id(mention_ids: Iterable[str], iso3: str | None) -> str:
    """A merged event's id: from its smallest mention id, so it does not depend on arrival order."""
    digest = hashlib.sha1(min(mention_ids).encode("utf-8")).hexdigest()[:10]
    return f"{iso3 or 'XXX'}-{digest}"


def fatalities_stated(record: Mapping[str, Any]) -> bool:
    """Did the report give a death toll (a figure, or an explicit "no one was killed")?"""
    if "fatalities_stated" in record:
        return bool(record["fatalities_stated"])
    if record.get("fatalities"):
        return True
    return any(str(e.get("field", "")).startswith("fatalities") for e in record.get("evidence") or ())


def _record_sort_key(record: Mapping[str, Any]) -> str:
    return str(record["event_id"])


def merge_records(records: Sequence[Mapping[str, Any]], rules: MergeRules) -> MergedEvent:
    """One merged event from the records of its mentions.

    Type and sub-event type: the highest in ACLED's hierarchy.  Date: the most precise, then the most
    reported, then the earliest.  Place: the most precise, then the most reported.  Actors: the lead
    report's, with an unidentified group replaced by the named group another report gives.  Fatalities:
    the lowest figure any report states (ACLED's most conservative figure), with the lowest low and
    the highest high; reports that say nothing of deaths do not count.
    """
    if not records:
        raise ValueError("merge_records needs at least one record")
    ordered = sorted(records, key=_record_sort_key)

    def type_order(r: Mapping[str, Any]) -> tuple[int, int]:
        return (
            rules.type_rank.get(r.get("event_type") or "", len(rules.type_rank)),
            rules.sub_event_rank.get(r.get("sub_event_type") or "", 99),
        )

    top_type = min(map(type_order, ordered))

    def precision_order(r: Mapping[str, Any]) -> tuple[int, int, float]:
        return (r.get("geo_precision") or 9, r.get("time_precision") or 9, -(r.get("confidence") or 0.0))

    lead = min((r for r in ordered if type_order(r) == top_type), key=precision_order)
    fields: dict[str, Any] = {k: v for k, v in lead.items() if k not in ("evidence", "event_id")}

    dated = [r for r in ordered if r.get("event_date")]
    if dated:
        best = min(r.get("time_precision") or 3 for r in dated)
        counts = Counter(r["event_date"] for r in dated if (r.get("time_precision") or 3) == best)
        day = min(counts, key=lambda d: (-counts[d], d))
        fields.update(event_date=day, year=int(day[:4]), time_precision=best)

    placed = [r for r in ordered if r.get("location") or r.get("latitude") is not None]
    if placed:
        best = min(r.get("geo_precision") or 3 for r in placed)
        place_keys = ("location", "admin1", "admin2", "latitude", "longitude", "geo_precision", "geonames_id")
        candidates = [tuple(r.get(k) for k in place_keys) for r in placed if (r.get("geo_precision") or 3) == best]
        counts = Counter(candidates)
        lead_place = tuple(lead.get(k) for k in place_keys)
        chosen = max(counts, key=lambda p: (counts[p], p == lead_place, -candidates.index(p)))
        fields.update(zip(place_keys, chosen, strict=True))

    _name_actors(fields, ordered, rules)

    stated = [r for r in ordered if fatalities_stated(r)]
    if stated:
        fields["fatalities"] = min(int(r.get("fatalities") or 0) for r in stated)
        fields["fatalities_low"] = min(int(_first(r, "fatalities_low", "fatalities")) for r in stated)
        fields["fatalities_high"] = max(int(_first(r, "fatalities_high", "fatalities")) for r in stated)
    else:
        fields.update(fatalities=0, fatalities_low=0, fatalities_high=0)
    fields["confidence"] = max(float(r.get("confidence") or 0) for r in ordered)

    sources = tuple(dict.fromkeys(SourceRef(str(r.get("article_id")), r.get("source"), r.get("url")) for r in ordered))
    evidence = tuple(
        (str(r.get("article_id")), Evidence(e["field"], e["text"], int(e["start"]), int(e["end"])))
        for r in ordered
        for e in r.get("evidence") or ()
    )
    mention_ids = tuple(str(r["event_id"]) for r in ordered)
    event_id = merged_event_id(mention_ids, fields.get("iso3"))
    return MergedEvent(event_id, fields, mention_ids, sources, evidence)


def _first(record: Mapping[str, Any], *keys: str) -> int:
    for key in keys:
        if record.get(key) is not None:
            return record[key]
    return 0


def _name_actors(fields: dict[str, Any], records: Sequence[Mapping[str, Any]], rules: MergeRules) -> None:
    """Name an unidentified lead actor when another report names the group; fill a missing actor2."""

    def actors_of(r: Mapping[str, Any]) -> list[tuple[ActorKey, str | None]]:
        return [
            (actor_key(r[name], _inter(r.get(inter)), rules), r.get(assoc))
            for name, inter, assoc in _ACTOR_SLOTS
            if r.get(name)
        ]

    reported = [actor for r in records for actor in actors_of(r)]
    lead = actors_of(fields)
    for slot, (mine, _) in zip(_ACTOR_SLOTS, lead, strict=False):
        if mine.unnamed_inter is not None:
            named = next((x for x, _ in reported if x.unnamed_inter is None and x.inter in mine.unnamed_inter), None)
            if named is not None:
                fields[slot[0]], fields[slot[1]] = named.name, INTER_NAMES.get(named.inter or 0)
    if fields.get("actor1") and not fields.get("actor2"):
        first = actor_key(fields["actor1"], _inter(fields.get("inter1")), rules)
        other = next(((x, assoc) for x, assoc in reported if _actors_match(first, x) is None), None)
        if other is not None:
            fields["actor2"], fields["inter2"] = other[0].name, INTER_NAMES.get(other[0].inter or 0)
            fields["assoc_actor_2"] = other[1] or ""
    inter1, inter2 = _inter(fields.get("inter1")), _inter(fields.get("inter2"))
    fields["interaction"] = interaction_code(inter1, inter2)
    fields["civilian_targeting"] = "Civilian targeting" if inter2 == 7 else ""


_ACTOR_SLOTS = (("actor1", "inter1", "assoc_actor_1"), ("actor2", "inter2", "assoc_actor_2"))


# ------------------------------------------------------------------------------------------- explain


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A nearby mention that was not merged into the event, and the decision against its closest member."""

    mention_id: str
    article_id: str
    event_id: str | None  # the merged event it is in instead
    decision: PairDecision


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a merged event holds the mentions it holds."""

    event: dict[str, Any]  # the merged record
    members: list[dict[str, Any]]  # the mentions' own records, with evidence
    links: list[PairDecision]  # every pair of members: all are linked (complete linkage)
    near_misses: list[NearMiss]

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "members": self.members,
            "links": [d.to_dict() for d in self.links],
            "near_misses": [
                {"mention_id": n.mention_id, "article_id": n.article_id, "event_id": n.event_id,
                 "decision": n.decision.to_dict()}
                for n in self.near_misses
            ],
        }  # fmt: skip


def explain_event(
    event: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    neighbours: Iterable[tuple[Mapping[str, Any], str | None]],
    rules: MergeRules,
    max_near_misses: int = 10,
) -> Explanation:
    """Every pair decision among the members, and the closest decisions against nearby non-members.

    `neighbours` are (mention record, id of the event it is in) for mentions of the same country and
    nearby days; the ones closest to being merged are kept.
    """
    keys = [mention_from_record(m, rules) for m in members]
    links = []
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            decision = compare(a, b, rules, explain=True)
            assert decision is not None  # explain=True always decides
            links.append(decision)
    misses = []
    member_ids = {k.mention_id for k in keys}
    for record, event_id in neighbours:
        other = mention_from_record(record, rules)
        if other.mention_id in member_ids or not keys:
            continue
        decisions = [compare(other, k, rules, explain=True) for k in keys]
        closest = max(
            (d for d in decisions if d is not None),
            key=lambda d: (sum(c.ok for c in d.checks), d.score, d.a, d.b),
        )
        misses.append(NearMiss(other.mention_id, other.article_id, event_id, closest))
    misses.sort(key=lambda n: (-sum(c.ok for c in n.decision.checks), -n.decision.score, n.mention_id))
    return Explanation(dict(event), [dict(m) for m in members], links, misses[:max_near_misses])
