"""Match lexicon terms against spaCy tokens: each word by lemma or lower-case form, optionally by POS.

Term syntax (see data/lexicons/cues.yaml): words separated by spaces; a word may end in /POS and may be
a choice {a|b|} (an empty choice makes the word optional).  Matching is a dictionary lookup on the
first word, then a check of the following tokens, so it stays cheap on long documents.  On a Doc or a
Span the first words are found on the doc's integer ids, so only those tokens are looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.attrs import LEMMA, LOWER
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span, Token

from eventscope.errors import RuleFileError

_CHOICE = re.compile(r"\{([^}]*)\}")
_IDS_KEY = "eventscope.lower_lemma_ids"


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
        self._first_ids: frozenset[int] | None = None

    def __bool__(self) -> bool:
        return bool(self.terms)

    def match(self, tokens: Sequence[Token] | Span | Doc, offset: int = 0) -> list[TermMatch]:
        """Every term match over tokens; at one position the longest term of each label wins."""
        if isinstance(tokens, (Span, Doc)):
            positions = self._first_word_positions(tokens)
        else:
            tokens = list(tokens)
            positions = range(len(tokens))
        found: list[TermMatch] = []
        for i in positions:
            token = tokens[i]
            lower, lemma = token.lower_, token.lemma_.lower()
            candidates = self._by_first.get(lower, [])
            if lemma != lower:
                candidates = candidates + self._by_first.get(lemma, [])
            seen_labels: set[str] = set()
            for term in sorted(candidates, key=lambda t: -len(t.words)):
                if term.label in seen_labels:
                    continue
                end = _match_at(term, tokens, i)
                if end is not None:
                    seen_labels.add(term.label)
                    found.append(TermMatch(term.label, term.text, i + offset, end + offset))
        return found

    def _first_word_positions(self, tokens: Span | Doc) -> list[int]:
        """Positions (relative to tokens) whose form or lemma may start a term, found on integer ids."""
        if self._first_ids is None:
            # a lemma keeps its case ("Fighting" as a noun): its capitalised spellings are keys too
            spellings = {v for f in self._by_first for v in (f, f.capitalize(), f.title(), f.upper())}
            self._first_ids = frozenset(get_string_id(v) for v in spellings)
        doc, start = (tokens.doc, tokens.start) if isinstance(tokens, Span) else (tokens, 0)
        ids = doc.user_data.get(_IDS_KEY)
        if ids is None:
            # every matcher and sentence of a doc shares one array of (lower, lemma) ids
            ids = doc.user_data[_IDS_KEY] = doc.to_array([LOWER, LEMMA]).tolist() if len(doc) else []
        first = self._first_ids
        return [i - start for i in range(start, start + len(tokens)) if ids[i][0] in first or ids[i][1] in first]


def _word_ok(word: Word, token: Token) -> bool:
    if word.pos and token.pos_ != word.pos:
        return False
    return token.lower_ in word.forms or token.lemma_.lower() in word.forms


def _match_at(term: Term, tokens: Sequence[Token] | Span | Doc, i: int) -> int | None:
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
