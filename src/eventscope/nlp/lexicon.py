"""Match lexicon terms against spaCy tokens: each word by lemma or lower-case form, optionally by POS.

Term syntax (see data/lexicons/cues.yaml): words separated by spaces; a word may end in /POS and may be
a choice {a|b|} (an empty choice makes the word optional).  Matching is a dictionary lookup on the
first word, then a check of the following tokens, so it stays cheap on long documents.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Span, Token

from eventscope.errors import RuleFileError

_CHOICE = re.compile(r"\{([^}]*)\}")


@dataclass(frozen=True, slots=True)
class Word:
    forms: frozenset[str]  # lemma or lower-case forms; "" means the word is optional
    pos: str | None


@dataclass(frozen=True, slots=True)
class Term:
    label: str  # the cue (or other category) this term belongs to
    text: str  # the term as written in the data file
    words: tuple[Word, ...]


@dataclass(frozen=True, slots=True)
class TermMatch:
    label: str
    term: str
    start: int  # token index in the doc
    end: int  # exclusive

    @property
    def length(self) -> int:
        return self.end - self.start


def parse_term(label: str, text: str, where: str = "") -> Term:
    """Parse 'shoot dead', 'dead/ADJ', 'lose {their|his} {life|lives}' into a Term."""
    words = []
    # spaCy splits "stone-throwing" into "stone", "-", "throwing": so does the term
    pieces = []
    for raw in text.split():
        head, _, tail = raw.partition("/")
        parts = head.split("-") if "-" in head.strip("-") and "{" not in head else [head]
        for i, part in enumerate(parts):
            if i:
                pieces.append("-")
            pieces.append(part + ("/" + tail if tail and i == len(parts) - 1 else ""))
    for raw in pieces:
        pos = None
        if "/" in raw:
            head, tail = raw.rsplit("/", 1)
            if tail.isupper() and tail.isalpha():
                raw, pos = head, tail
        raw = raw.lower()
        match = _CHOICE.fullmatch(raw)
        forms = frozenset(match.group(1).split("|")) if match else frozenset([raw])
        if not forms or all(not f for f in forms):
            raise RuleFileError(f"{where}: empty word in term {text!r}")
        words.append(Word(forms, pos))
    if not words or "" in words[0].forms:
        raise RuleFileError(f"{where}: term {text!r} must start with a required word")
    return Term(label, text, tuple(words))


class TermMatcher:
    """All terms of a lexicon, indexed by their first word."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms = list(terms)
        self._by_first: dict[str, list[Term]] = {}
        for term in self.terms:
            for form in term.words[0].forms:
                self._by_first.setdefault(form, []).append(term)
        for candidates in self._by_first.values():
            candidates.sort(key=lambda t: -len(t.words))

    def __bool__(self) -> bool:
        return bool(self.terms)

    def match(self, tokens: Sequence[Token] | Span, offset: int = 0) -> list[TermMatch]:
        """Every term match over tokens; at one position the longest term of each label wins."""
        tokens = list(tokens)
        found: list[TermMatch] = []
        for i, token in enumerate(tokens):
            keys = {token.lower_, token.lemma_.lower()}
            candidates = list(itertools.chain.from_iterable(self._by_first.get(k, ()) for k in keys))
            seen_labels: set[str] = set()
            for term in sorted(candidates, key=lambda t: -len(t.words)):
                if term.label in seen_labels:
                    continue
                end = _match_at(term, tokens, i)
                if end is not None:
                    seen_labels.add(term.label)
                    found.append(TermMatch(term.label, term.text, i + offset, end + offset))
        return found


def _word_ok(word: Word, token: Token) -> bool:
    if word.pos and token.pos_ != word.pos:
        return False
    return token.lower_ in word.forms or token.lemma_.lower() in word.forms


def _match_at(term: Term, tokens: list[Token], i: int) -> int | None:
    """The end index when term matches at tokens[i], else None (optional words may be skipped)."""
    position = i
    for word in term.words:
        if position < len(tokens) and _word_ok(word, tokens[position]):
            position += 1
        elif "" in word.forms:
            continue
        else:
            return None
    return position
