"""Actor mentions in a parsed block: named groups, state forces, and the generic nouns news uses.

Named groups come from the versioned actor dictionary (data/actors/groups.csv), generic nouns and the
role they denote from data/actors/generic.csv.  A mention records its role and, for state forces, the
country word that qualifies it ("Afghan forces", "Russia's army"); ACLED names are given later, when
the event's country and date are known (resolve.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Token

from eventscope.models import Country
from eventscope.nlp.actor_dictionary import ActorDictionary, GroupEntry, load_actor_dictionary
from eventscope.rules import packaged_yaml

# Roles that take part in violence as perpetrators or armed opponents.
STATE_ROLES = frozenset({"state_military", "state_police", "state_generic"})
ARMED_ROLES = frozenset({"armed_nonstate", "militia_identity", "named"})
CIVILIAN_ROLES = frozenset({"civilians", "people"})
CROWD_ROLES = frozenset({"protesters", "rioters", "mob"})
# A named group written as a modifier of these nouns is mentioned, but is not the actor
# ("Hamas-run health ministry", "Taliban spokesman").
NON_ACTOR_HEADS = frozenset({
    "ministry", "spokesman", "spokeswoman", "spokesperson", "statement", "official", "media", "website",
    "channel", "account", "government", "administration", "health",
    "authority", "authorities", "agency", "news", "propaganda", "founder", "ideology", "court",
    "prisoner", "detainee", "supporter", "sympathiser", "sympathizer", "insurgency", "rule", "control",
    "flag", "office", "negotiator", "delegation", "talks",
})  # fmt: skip

# People who belong to the force that modifies them: "police delegate", "army captain".
@functools.cache
def affiliation_words() -> frozenset[str]:
    """'linked to', 'affiliated with', 'loyal to': a named group after these is an allegiance, not who acted."""
    return frozenset(packaged_yaml("rules/discourse.yaml")["affiliation_words"])


MEMBER_NOUNS = frozenset({"officer", "delegate", "commander", "captain", "chief", "inspector", "sergeant",
                          "agent", "constable", "member", "personnel", "staff", "guard", "lieutenant",
                          "colonel", "major", "general", "corporal", "private", "recruit", "cadet", "driver"})

# A named group's people: "a senior Boko Haram commander" stands for Boko Haram.
GROUP_MEMBER_NOUNS = frozenset({"leader", "commander", "chief", "member", "militant", "operative", "cadre",
                                "emir", "kingpin", "boss", "lieutenant", "henchman", "gunman", "suspect",
                                "group", "movement", "organisation", "organization", "faction", "wing",
                                "network", "coalition", "alliance", "outfit", "force", "forces", "unit",
                                "affiliate", "branch", "offshoot", "franchise", "cell", "arm"})

# Roles a qualifying actor word overrides, and the roles that override them.
NEUTRAL_ROLES = frozenset({"civilians", "people", "state_generic"})
FORCE_ROLES = frozenset({"state_military", "state_police", "armed_nonstate", "militia_identity"})

CountryLookup = Callable[[str], Country | None]


@dataclass(frozen=True, slots=True)
class ActorMention:
    """Words in a doc that name an actor, with the role they denote."""

    start: int  # token indices in the doc
    end: int
    head: int
    role: str  # named, state_military, state_police, state_generic, armed_nonstate, civilians, ...
    text: str
    groups: tuple[GroupEntry, ...] = ()
    country: Country | None = None  # the country a demonym or country name qualifying it names
    as_modifier: bool = False  # named only as a modifier of a non-actor noun


class ActorFinder:
    """Finds actor mentions in spaCy docs with the actor dictionary and a country lookup."""

    def __init__(self, nlp: Language, dictionary: ActorDictionary | None = None,
                 country_lookup: CountryLookup | None = None) -> None:
        self.dictionary = dictionary or load_actor_dictionary()
        self.country_lookup = country_lookup or (lambda text: None)
        self._insensitive = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._sensitive = PhraseMatcher(nlp.vocab, attr="ORTH")
        lower, exact = [], []
        for alias, case_sensitive in self.dictionary.all_aliases():
            (exact if case_sensitive else lower).append(alias)
        # make_doc only tokenizes: fast, and the same tokenization as the parsed text.
        if lower:
            self._insensitive.add("GROUP", [nlp.make_doc(a) for a in sorted(set(lower))])
        if exact:
            self._sensitive.add("GROUP", [nlp.make_doc(a) for a in sorted(set(exact))])

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one finder per process; words repeat a lot
    def country(self, text: str) -> Country | None:
        """The country a name or adjective denotes ("Afghan", "Russia"), or None."""
        return self.country_lookup(text)

    def find(self, doc: Doc) -> list[ActorMention]:
        """All actor mentions in a doc, longest first where they overlap."""
        mentions: list[ActorMention] = []
        taken: set[int] = set()
        spans = [doc[s:e] for _, s, e in self._insensitive(doc)] + [doc[s:e] for _, s, e in self._sensitive(doc)]
        for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
            if taken & set(range(span.start, span.end)):
                continue
            groups = tuple(self.dictionary.groups_for_alias(span.text, None))
            if not groups:
                continue
            head = span.root
            start, end, as_modifier = span.start, span.end, False
            outer = head.head if head.dep_ in ("compound", "amod", "nmod", "poss") else None
            if outer is not None and outer.i >= span.end:
                role = self.generic_role(outer)
                if role is not None or outer.lemma_.lower() in MEMBER_NOUNS | GROUP_MEMBER_NOUNS:
                    end = outer.i + 1  # "Taliban fighters", "M23 rebels": one mention
                    head = outer
                elif outer.lemma_.lower() in NON_ACTOR_HEADS or outer.pos_ in ("NOUN", "PROPN"):
                    as_modifier = True
            root = span.root
            noun = root.head.head if root.dep_ == "pobj" and root.head.lower_ in ("of", "from") else None
            if noun is not None and noun.i < span.start and noun.pos_ == "NOUN" and not taken & set(
                range(noun.i, span.start)
            ) and (self.generic_role(noun) == "armed_nonstate" or noun.lemma_.lower() in GROUP_MEMBER_NOUNS):
                # "fighters from the Rapid Support Forces", "two militants of Jaish-e-Mohammad": one
                # actor, the group, standing where its members do in the sentence
                start = min([noun.i] + [c.i for c in noun.children if c.dep_ in ("nummod", "amod", "compound")
                                        and c.i < noun.i])
                head, as_modifier = noun, False
            if span.end < len(doc) and doc[span.end].text in ("-", "–") and span.end + 1 < len(doc):
                as_modifier = as_modifier or doc[span.end + 1].tag_ in ("VBN", "VBD")  # "Hamas-run"
            if root.dep_ == "pobj" and root.head.lower_ in ("to", "with") and root.head.head.lemma_.lower() in (
                affiliation_words()
            ):
                as_modifier = True  # "jihadists linked to al-Qaeda": an affiliation, not the actor
            taken.update(range(start, end))
            mentions.append(ActorMention(start, end, head.i, "named", doc[start:end].text, groups, None, as_modifier))
        for token in doc:
            if token.i in taken or token.pos_ not in ("NOUN", "PROPN"):
                continue
            role = self.generic_role(token)
            if role is None:
                continue
            if token.dep_ == "compound" and token.head.i > token.i and self.generic_role(token.head) is not None:
                continue  # "army" in "army ranger": the head noun's mention covers it
            start = min([token.i] + [c.i for c in token.children if c.dep_ in ("compound", "amod", "poss", "nmod")
                                     and c.i < token.i])
            start = start if not (taken & set(range(start, token.i))) else token.i
            country = self._qualifying_country(token)
            if role in ("people",) and token.ent_type_ == "NORP":
                continue
            # "police station", "army base", "rebel spokesman": a modifier of a thing, not an actor
            as_modifier = token.dep_ in ("compound", "nmod") and token.head.pos_ in ("NOUN", "PROPN") and (
                self.generic_role(token.head) is None
            )
            head, end = token, token.i + 1
            if as_modifier and token.head.lemma_.lower() in MEMBER_NOUNS and token.head.i > token.i:
                # "a Federal Police delegate": a member of the force, who is the actor
                as_modifier, head, end = False, token.head, token.head.i + 1
            taken.update(range(start, end))
            mentions.append(ActorMention(start, end, head.i, role, doc[start:end].text, (), country, as_modifier))
        mentions.sort(key=lambda m: m.start)
        return mentions

    def generic_role(self, token: Token) -> str | None:
        """The role a generic noun denotes, trying 'security force' before 'force'; a neutral noun
        takes the role of the actor word that qualifies it ('army engineers', 'rebel forces')."""
        lemma = token.lemma_.lower()
        modifiers = [c for c in token.children if c.dep_ in ("compound", "amod") and c.i < token.i]
        for child in modifiers:
            if child.i == token.i - 1:
                for word in (child.lemma_.lower(), child.lower_):
                    role = self.dictionary.generic_role(f"{word} {lemma}")
                    if role:
                        return role
            # "stone-throwing youths": the whole modifier as written
            written = "".join(t.text_with_ws for t in child.subtree).strip().lower()
            role = self.dictionary.generic_role(f"{written} {lemma}")
            if role:
                return role
        role = self.dictionary.generic_role(lemma) or self.dictionary.generic_role(token.lower_)
        if role in NEUTRAL_ROLES:
            for child in modifiers:
                qualifying = self.dictionary.generic_role(child.lemma_.lower())
                if qualifying in FORCE_ROLES:
                    return qualifying
        return role

    def _qualifying_country(self, token: Token) -> Country | None:
        """'Afghan forces', 'Kenyan police', "Russia's army", 'forces of Ukraine'."""
        for child in token.children:
            if child.dep_ in ("amod", "compound", "poss", "nmod") and child.i < token.i:
                text = child.text if child.dep_ != "poss" else child.text.removesuffix("'s")
                country = self.country(text)
                if country is not None:
                    return country
                if child.ent_type_ in ("GPE", "NORP"):
                    span = next((e for e in token.doc.ents if e.start <= child.i < e.end), None)
                    if span is not None:
                        country = self.country(span.text)
                        if country is not None:
                            return country
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        country = self.country(obj.text)
                        if country is not None:
                            return country
        return None
