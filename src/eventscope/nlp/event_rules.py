"""ACLED event-type rules (data/rules/event_types.yaml): cues plus actor roles -> sub-event type."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

from eventscope.errors import RuleFileError
from eventscope.rules import data_path, load_yaml, packaged_yaml

ROLE_CLASSES = frozenset({"state", "armed", "civilians", "protesters", "rioters", "mob", "territory", "none"})
ACTOR_SOURCES = frozenset({"agent", "patient", "state", "state_forces", "armed", "civilians", "protesters", "rioters",
                           "unidentified", "police", "none"})
# Labels computed from a mention rather than matched as words (see assemble.frame_labels).
DERIVED_LABELS = frozenset({"violent_context", "armed_parties", "both_sides", "abstract_target",
                            "takes_object"})
CONDITION_KEYS = ("any", "all", "none", "agent", "patient", "present", "absent")


@dataclass(frozen=True, slots=True)
class EventRule:
    sub_event_type: str
    event_type: str
    disorder_type: str
    any: frozenset[str]
    all: frozenset[str]
    none: frozenset[str]
    agent: frozenset[str] | None
    patient: frozenset[str] | None
    present: frozenset[str]
    absent: frozenset[str]
    actor1: tuple[str, ...]
    actor2: tuple[str, ...]
    line: int
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()

    def applies(self, labels: set[str], agent: str, patient: str, present: set[str]) -> bool:
        seen = present | {agent, patient}
        return (
            bool(self.any & labels)
            and self.all <= labels
            and not (self.none & labels)
            and (self.agent is None or agent in self.agent)
            and (self.patient is None or patient in self.patient)
            and (not self.present or bool(self.present & seen))
            and not (self.absent & seen)
        )


@dataclass(frozen=True, slots=True)
class EventRules:
    rules: tuple[EventRule, ...]
    hierarchy: tuple[str, ...]
    types: dict[str, tuple[str, str]]

    def classify(self, labels: set[str], agent: str, patient: str, present: set[str]) -> EventRule | None:
        """The first rule that applies to a mention, or None when nothing in it is an ACLED event."""
        for rule in self.rules:
            if rule.applies(labels, agent, patient, present):
                return rule
        return None

    def first(self, sub_event_type: str) -> EventRule:
        """The first rule coding this sub-event type (its actor sources apply)."""
        return next(r for r in self.rules if r.sub_event_type == sub_event_type)

    def rank(self, sub_event_type: str) -> int:
        """Position in ACLED's hierarchy: lower wins when one event is reported with several types."""
        return self.hierarchy.index(sub_event_type)

    def type_of(self, sub_event_type: str) -> tuple[str, str]:
        return self.types[sub_event_type]


def _labels(value: object, where: str, allowed: Iterable[str] | None = None) -> frozenset[str]:
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RuleFileError(f"{where}: expected a list of names, got {value!r}")
    if allowed is not None:
        unknown = set(value) - set(allowed)
        if unknown:
            raise RuleFileError(f"{where}: unknown name(s) {sorted(unknown)}")
    return frozenset(value)


def parse_event_rules(data: dict, cue_labels: set[str], name: str = "event_types.yaml") -> EventRules:
    """Validate a rules mapping: every type known, every cue and role a real one, the hierarchy complete."""
    types: dict[str, tuple[str, str]] = {}
    for sub_event_type, pair in data["types"].items():
        if sub_event_type == "__line__":
            continue
        if not isinstance(pair, list) or len(pair) != 2:
            raise RuleFileError(f"{name}: type '{sub_event_type}' needs [event type, disorder type]")
        types[sub_event_type] = (str(pair[0]), str(pair[1]))
    hierarchy = tuple(data["hierarchy"])
    if set(hierarchy) != set(types) or len(hierarchy) != len(types):
        missing = set(types) ^ set(hierarchy)
        raise RuleFileError(f"{name}: hierarchy and types must list the same sub-event types ({sorted(missing)})")
    known_labels = cue_labels | DERIVED_LABELS
    rules = []
    for entry in data["rules"]:
        line = entry.get("__line__", 0)
        where = f"{name} line {line}"
        unknown_keys = set(entry) - {"sub_event_type", "actor1", "actor2", "examples", "__line__", *CONDITION_KEYS}
        if unknown_keys:
            raise RuleFileError(f"{where}: unknown key(s) {sorted(unknown_keys)}")
        sub = entry.get("sub_event_type")
        if sub not in types:
            raise RuleFileError(f"{where}: unknown sub_event_type {sub!r}")
        if not entry.get("any"):
            raise RuleFileError(f"{where}: a rule needs 'any' cues")
        examples = entry.get("examples") or {}
        rules.append(EventRule(
            sub_event_type=sub,
            event_type=types[sub][0],
            disorder_type=types[sub][1],
            any=_labels(entry.get("any"), where, known_labels),
            all=_labels(entry.get("all"), where, known_labels),
            none=_labels(entry.get("none"), where, known_labels),
            agent=_labels(entry["agent"], where, ROLE_CLASSES) if "agent" in entry else None,
            patient=_labels(entry["patient"], where, ROLE_CLASSES) if "patient" in entry else None,
            present=_labels(entry.get("present"), where, ROLE_CLASSES),
            absent=_labels(entry.get("absent"), where, ROLE_CLASSES),
            actor1=tuple(_labels(entry.get("actor1"), where, ACTOR_SOURCES) and entry["actor1"]),
            actor2=tuple(_labels(entry.get("actor2"), where, ACTOR_SOURCES) and entry.get("actor2") or ["none"]),
            line=line,
            examples_match=tuple(examples.get("match") or ()),
            examples_no_match=tuple(examples.get("no_match") or ()),
        ))
        if not rules[-1].actor1:
            raise RuleFileError(f"{where}: a rule needs 'actor1' sources")
    return EventRules(tuple(rules), hierarchy, types)


@functools.cache
def load_event_rules() -> EventRules:
    cues = packaged_yaml("lexicons/cues.yaml")["cues"]
    data = load_yaml(data_path("rules/event_types.yaml"), required=("hierarchy", "types", "rules"))
    return parse_event_rules(data, {k for k in cues if k != "__line__"})
