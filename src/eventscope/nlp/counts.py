"""Death tolls in a sentence: who was killed, how many, read the way ACLED coders read them.

The dependency parse finds the victims of each death word ("killed", "dead", "died", "bodies",
"death toll"); each victim phrase is counted ("at least 25 militants" 25, "a fellow militant" 1,
"dozens of people" 12) and conjoined victims are summed ("25 militants and two policemen" 27).
Injuries never count.  Words and numbers come from data/lexicons/numbers.yaml.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Span, Token
from text_to_num import alpha2digit

from eventscope.rules import packaged_yaml

DEATH_VERBS = {"kill", "slay", "massacre", "murder", "assassinate", "behead", "decapitate", "lynch", "execute",
               "shoot", "gun", "hack", "burn", "stab", "beat", "strangle", "die", "perish", "claim", "leave"}
DEATH_NOUNS = {"death", "deaths", "body", "bodies", "corpse", "corpses", "fatality", "fatalities", "toll", "life",
               "lives", "dead"}
INJURY_WORDS = {"wound", "wounded", "injure", "injured", "hurt", "maim", "injury", "injuries"}
# Nouns that name who is counted but are not victims themselves ("the number of dead").
NOT_VICTIMS = {"number", "total", "toll", "figure", "count"}
PRONOUN_COUNTS = {"he": 1, "she": 1, "him": 1, "her": 1, "himself": 1, "herself": 1}


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    low: int
    high: int
    vague: bool  # no figure was given ("dozens", "several", plural victims)
    start: int  # token indices of the counted phrase within the doc
    end: int


@dataclass(frozen=True, slots=True)
class DeathToll:
    """The deaths one sentence reports (summed over victim groups), or an explicit zero."""

    value: int
    low: int
    high: int
    vague: bool
    zero_stated: bool
    spans: tuple[tuple[int, int], ...]  # token spans (doc indices) of the evidence
    # (token index of the victim noun, count): who the deaths were, for summing across sentences
    victims: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class NumberRules:
    vague: dict[str, int]
    plural_unspecified: int
    modifiers: tuple[str, ...]
    no_deaths: tuple[re.Pattern[str], ...]


@functools.cache
def number_rules() -> NumberRules:
    data = packaged_yaml("lexicons/numbers.yaml")
    return NumberRules(
        vague={k: int(v) for k, v in data["vague"].items() if k != "__line__"},
        plural_unspecified=int(data["plural_unspecified"]),
        modifiers=tuple(data["modifiers"]),
        no_deaths=tuple(re.compile(p, re.IGNORECASE) for p in data["no_deaths"]),
    )


_RANGE = re.compile(r"(\d[\d,]*)\s*(?:-|–|to|and|or)\s*(\d[\d,]*)")
_NUMBER = re.compile(r"\d[\d,]*")


def parse_quantity(text: str, rules: NumberRules | None = None) -> tuple[int, int, int, bool] | None:
    """(value, low, high, vague) of a quantity phrase: '25', 'twenty-seven', 'at least 5', '10 to 15', 'dozens'."""
    rules = rules or number_rules()
    lowered = text.lower().replace("a dozen", "12")
    words = re.findall(r"[a-z]+", lowered)
    vague_words = [w for w in words if w in rules.vague]
    if vague_words and not re.search(r"\d", lowered):
        rest = " ".join(w for w in words if w not in rules.vague)
        if not re.search(r"\d", alpha2digit(rest, "en", threshold=0)):
            value = rules.vague[vague_words[0]]
            return value, value, value, True
    digits = alpha2digit(lowered.replace("-", " "), "en", threshold=0)
    digits = re.sub(r"(\d+)\s+dozens?\b", lambda m: str(int(m[1]) * 12), digits)  # "two dozen": 24
    match = _RANGE.search(digits)
    if match and ("between" in digits or "to" in digits or "-" in text or "–" in text or " or " in digits):
        low, high = int(match[1].replace(",", "")), int(match[2].replace(",", ""))
        if low <= high:
            return low, low, high, False
    match = _NUMBER.search(digits)
    if match:
        try:
            value = int(match.group(0).replace(",", ""))
        except ValueError:
            value = None
        if value is not None:
            return value, value, value, False
    for word, value in rules.vague.items():
        if re.search(rf"\b{word}\b", lowered):
            return value, value, value, True
    return None


def _number_phrase(token: Token) -> str:
    return " ".join(t.text for t in token.subtree if t.dep_ not in ("prep", "relcl", "acl") or t.i == token.i)


def count_phrase(noun: Token, rules: NumberRules) -> Count | None:
    """How many people a victim phrase headed by `noun` names; None when it names no one countable."""
    lemma = noun.lemma_.lower()
    if noun.like_num or noun.pos_ == "NUM":
        parsed = parse_quantity(_number_phrase(noun), rules)
        if parsed:
            return Count(*parsed, start=noun.left_edge.i, end=noun.i + 1)
    if noun.lower_ in PRONOUN_COUNTS:
        return Count(1, 1, 1, False, noun.i, noun.i + 1)
    if noun.lower_ == "them":
        # "took nine passengers off and shot them dead": the people just counted, as objects
        sentence = noun.sent
        earlier = [t for t in sentence if t.i < noun.i and t.pos_ == "NOUN" and t.dep_ in ("dobj", "pobj")
                   and any(c.dep_ == "nummod" for c in t.children)]
        return count_phrase(earlier[-1], rules) if earlier else None
    # "dozens of people", "scores of civilians", "hundreds of protesters", "a number of soldiers"
    if lemma in rules.vague or noun.lower_ in rules.vague:
        parsed = parse_quantity(noun.lower_, rules)
        if parsed:
            return Count(*parsed, start=noun.left_edge.i, end=noun.i + 1)
    for child in noun.children:
        if child.dep_ in ("nummod", "quantmod") or (child.dep_ in ("amod", "det") and child.like_num):
            parsed = parse_quantity(_number_phrase(child), rules)
            if parsed:
                return Count(*parsed, start=min(child.left_edge.i, noun.i), end=noun.i + 1)
        if child.dep_ in ("amod", "det", "predet") and child.lower_ in rules.vague:
            parsed = parse_quantity(child.lower_, rules)
            if parsed:
                return Count(*parsed, start=child.i, end=noun.i + 1)
    if noun.pos_ == "PROPN" and noun.ent_type_ == "PERSON":
        return Count(1, 1, 1, False, noun.left_edge.i, noun.i + 1)
    if noun.lower_ in ("dead", "deceased"):
        return None  # "buried their dead": the dead told elsewhere, no count of their own
    dets = {c.lower_ for c in noun.children if c.dep_ in ("det", "poss")}
    singular = noun.tag_ in ("NN", "NNP") and lemma not in NOT_VICTIMS
    if singular and dets & {"a", "an", "another", "one", "the", "his", "her", "their"}:
        return Count(1, 1, 1, False, noun.left_edge.i, noun.i + 1)
    if noun.tag_ in ("NNS", "NNPS") and lemma not in NOT_VICTIMS:
        n = rules.plural_unspecified
        return Count(n, n, n, True, noun.i, noun.i + 1)
    return None


def _with_conjuncts(token: Token) -> list[Token]:
    out = [token]
    if any(c.dep_ == "quantmod" and c.lower_ == "between" for c in token.children):
        return out  # "between 10 and 15": one range, not two groups
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_with_conjuncts(child))
    return out


def _victims_of(trigger: Token) -> list[Token]:
    """The noun phrases a death word says were killed."""
    lemma = trigger.lemma_.lower()
    children = list(trigger.children)
    if lemma in ("die", "perish"):
        subjects = [c for c in children if c.dep_ in ("nsubj", "nsubjpass")]
        return subjects or _shared_subject(trigger)
    if lemma in ("dead",) or trigger.lower_ == "dead":
        head = trigger.head
        if head.pos_ in ("NOUN", "PROPN", "NUM") and trigger.dep_ == "amod":
            return [head]
        own = [c for c in trigger.children if c.dep_ in ("nsubj", "nsubjpass")]
        if own:
            return own  # "leaving [at least eight people dead]": the parser's small clause
        # "left seven people dead", "shot dead three farmers", "seven people are dead"
        for deps in (("dobj",), ("nsubjpass",), ("nsubj",)):
            for c in head.children:
                if c.dep_ in deps and c is not trigger:
                    return [c]
        return []
    if lemma in ("death", "body", "corpse", "fatality", "life") or trigger.lower_ in DEATH_NOUNS:
        if lemma == "toll" or trigger.lower_ == "toll":
            for c in trigger.head.subtree:
                if c.like_num and c.i > trigger.i:
                    return [c]
            return []
        # "the deaths of 12 people": count the people, not the deaths
        for c in children:
            if c.dep_ == "prep" and c.lower_ == "of":
                objects = [o for o in c.children if o.dep_ == "pobj"]
                if objects:
                    return objects
        return [trigger]
    if lemma in ("claim", "leave"):
        return [c for c in children if c.dep_ == "dobj" and c.lemma_.lower() in ("life", "person", "people")]
    # verbs of killing: passive subject, else direct object
    passive = [c for c in children if c.dep_ == "nsubjpass"]
    if passive:
        return passive
    objects = [c for c in children if c.dep_ in ("dobj", "obj")]
    if objects:
        return objects
    if any(c.dep_ == "auxpass" for c in children) or trigger.tag_ == "VBN":
        if trigger.dep_ in ("acl", "amod") and trigger.head.pos_ in ("NOUN", "PROPN", "NUM"):
            return [trigger.head]  # "25 militants killed in the raid"
        return _shared_subject(trigger, passive_only=True)
    return []


def _shared_subject(verb: Token, passive_only: bool = False) -> list[Token]:
    """Victims of a verb conjoined to an earlier one: 'were shot and killed'."""
    if verb.dep_ == "conj":
        head = verb.head
        deps = ("nsubjpass",) if passive_only else ("nsubj", "nsubjpass")
        return [c for c in head.children if c.dep_ in deps]
    return []


def _is_death_word(token: Token) -> bool:
    lemma = token.lemma_.lower()
    if lemma in ("shoot", "gun", "hack", "burn", "stab", "beat", "strangle"):
        # only "shot dead", "gunned down", "hacked to death", "burned alive"...
        following = {t.lower_ for t in token.doc[token.i + 1 : token.i + 4]}
        # "beat a factory manager to death": the words may come after the object, in the verb's phrase
        following |= {g.lower_ for c in token.children if c.dep_ in ("prep", "oprd", "acomp", "advmod", "prt")
                      for g in (c, *c.children)}
        return bool(following & {"dead", "death", "alive", "down"}) and not (
            lemma == "shoot" and "down" in following  # "shot down" a drone
        )
    if lemma in ("claim", "leave"):
        following = {t.lemma_.lower() for t in token.doc[token.i + 1 : token.i + 6]}
        return bool(following & {"life", "dead"})
    if lemma == "execute":
        return token.pos_ == "VERB"
    return lemma in DEATH_VERBS or token.lower_ in DEATH_NOUNS or lemma in DEATH_NOUNS


def _negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.dep_ == "neg" for c in token.head.children if token.dep_ in ("xcomp", "acomp")
    )


def death_toll(sentence: Span, rules: NumberRules | None = None, scope: set[int] | None = None) -> DeathToll | None:
    """The deaths a sentence reports; None when it reports none (and does not say nobody died).

    scope: when given, only death words at these token indices count (one clause of the sentence)."""
    rules = rules or number_rules()
    counted: dict[int, Count] = {}
    spans: list[tuple[int, int]] = []
    death_words = [t for t in sentence if _is_death_word(t) and not _negated(t) and (scope is None or t.i in scope)]
    # "one man shot dead, his body carried away": a body counted again only when nothing else is
    if any(t.lemma_.lower() not in ("body", "corpse") for t in death_words):
        death_words = [t for t in death_words if t.lemma_.lower() not in ("body", "corpse")]
    for token in death_words:
        if token.lemma_.lower() in ("leave",) and not any(t.lower_ == "dead" for t in token.subtree):
            continue
        victims: list[Token] = []
        for victim in _victims_of(token):
            victims.extend(_with_conjuncts(victim))
        found = []
        for victim in victims:
            if victim.lemma_.lower() in INJURY_WORDS or victim.i in counted:
                continue
            if _names_nobody(victim):
                return DeathToll(0, 0, 0, False, True, ((victim.left_edge.i, token.i + 1),))
            if _is_injury_only(victim):
                continue
            found.append((victim, count_phrase(victim, rules)))
        # "25 soldiers and police officers died": a figure before a list counts the whole list
        figured = any(c is not None and not c.vague for _, c in found)
        for victim, count in found:
            if figured and count is not None and count.vague and count.start == victim.i:
                continue
            if count is not None:
                counted[victim.i] = count
                spans.append((min(count.start, token.i), max(count.end, token.i + 1)))
    if counted:
        values = list(counted.values())
        # Nested phrases ("one of the wounded") are counted once: keep the outermost figures.
        return DeathToll(
            value=sum(c.value for c in values),
            low=sum(c.low for c in values),
            high=sum(c.high for c in values),
            vague=all(c.vague for c in values),
            zero_stated=False,
            spans=tuple(spans),
            victims=tuple((i, c.value) for i, c in counted.items()),
        )
    for pattern in rules.no_deaths:
        match = pattern.search(sentence.text)
        if match:
            start = sentence.char_span(match.start(), match.end(), alignment_mode="expand")
            span = (start.start, start.end) if start is not None else (sentence.start, sentence.end)
            return DeathToll(0, 0, 0, False, True, (span,))
    return None


def _names_nobody(victim: Token) -> bool:
    """'no one', 'nobody', 'none', 'no civilians'."""
    if victim.lower_ in ("nobody", "none", "noone"):
        return True
    return any(c.dep_ == "det" and c.lower_ == "no" for c in victim.children)


def _is_injury_only(victim: Token) -> bool:
    """'another two critically wounded': a victim phrase attached to an injury word, not a death."""
    head = victim.head
    return head.lemma_.lower() in INJURY_WORDS and victim.dep_ in ("nsubjpass", "dobj", "nsubj")
