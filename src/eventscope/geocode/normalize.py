"""Name keys for matching toponyms as news text writes them against gazetteer names.

Three keys, from strict to loose:
- ``fold(name)``: lower case, diacritics and apostrophes removed, punctuation to spaces
  ("Guarujá" -> "guaruja", "Ma'arat" -> "maarat").
- ``loose_key(name)``: ``fold`` without articles and spaces ("Deir al-Balah" and "Dayr al Balah" ->
  "deirbalah"/"dayrbalah"; with "Deir el-Balah" -> "deirbalah").
- ``skeleton(name)``: consonants only, after transliteration rewrites ("Kunduz" and "Qunduz" -> "kndz",
  "Mogadishu" and "Muqdisho" -> "mkds"); used only as a guarded fallback inside one country.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from eventscope.errors import RuleFileError

log = logging.getLogger(__name__)

# Letters NFKD does not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "þ": "th",
        "Þ": "Th",
        "ð": "d",
        "Ð": "D",
        "ħ": "h",
        "Ħ": "H",
        "ŧ": "t",
        "ŋ": "ng",
        "ə": "e",
        "Ə": "E",
        "ɨ": "i",
    }
)
# Apostrophe-like marks (ayn, hamza, okina, quotes) vanish rather than split a word: "Ma'arrat".
_APOSTROPHES = re.compile("['`\u00b4\u02b0-\u02ff\u2018\u2019\u201b\u2032]")
_NON_WORD = re.compile(r"[^a-z0-9]+")
_VOWELS = set("aeiouy")


@dataclass(frozen=True, slots=True)
class ToponymRules:
    """The data file's rules: articles, kind words before/after a name, area words, skeleton rewrites."""

    version: int
    articles: frozenset[str]
    suffixes: dict[str, str]  # folded word(s) -> kind ("admin1", "admin2", "admin", "town")
    prefixes: dict[str, str]
    area_words: frozenset[str]
    english_area_words: frozenset[str]  # as written, capitalised
    position_words: frozenset[str]
    skeleton: tuple[tuple[str, str], ...]


_KINDS = {"admin1", "admin2", "admin", "town"}


def _rule_error(source: str, message: str) -> RuleFileError:
    return RuleFileError(f"{source}: {message}")


def parse_toponym_rules(text: str, source: str) -> ToponymRules:
    """Validate and build ToponymRules from the YAML text of a rules file."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" line {line + 1}" if line is not None else ""
        raise _rule_error(source, f"not valid YAML{where}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("version"), int):
        raise _rule_error(source, "needs a mapping with an integer 'version'")
    for key in ("articles", "area_words", "english_area_words", "position_words"):
        if not isinstance(raw.get(key), list) or not all(isinstance(w, str) for w in raw[key]):
            raise _rule_error(source, f"'{key}' must be a list of words")
    kinds: dict[str, dict[str, str]] = {}
    for key in ("suffixes", "prefixes"):
        table = raw.get(key)
        if not isinstance(table, dict):
            raise _rule_error(source, f"'{key}' must map words to a kind")
        for word, kind in table.items():
            if kind not in _KINDS:
                raise _rule_error(source, f"'{key}.{word}' has unknown kind {kind!r} (use {sorted(_KINDS)})")
        kinds[key] = {fold(str(w)): k for w, k in table.items()}
    pairs = raw.get("skeleton")
    if not isinstance(pairs, list) or not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(s, str) and s for s in p) for p in pairs
    ):
        raise _rule_error(source, "'skeleton' must be a list of [from, to] pairs")
    return ToponymRules(
        version=raw["version"],
        articles=frozenset(fold(w) for w in raw["articles"]),
        suffixes=kinds["suffixes"],
        prefixes=kinds["prefixes"],
        area_words=frozenset(fold(w) for w in raw["area_words"]),
        english_area_words=frozenset(raw["english_area_words"]),
        position_words=frozenset(fold(w) for w in raw["position_words"]),
        skeleton=tuple((a, b) for a, b in pairs),
    )


@lru_cache(maxsize=1)
def load_toponym_rules() -> ToponymRules:
    """The packaged toponym rules (data/geo/toponym_rules.yaml), read once a process."""
    path = resources.files("eventscope") / "data" / "geo" / "toponym_rules.yaml"
    return parse_toponym_rules(path.read_text(encoding="utf-8"), "data/geo/toponym_rules.yaml")


def ascii_name(name: str) -> str:
    """A display name without diacritics ("Zābul" -> "Zabul", "Ḩimş" -> "Hims"); case kept."""
    text = _APOSTROPHES.sub("", name.translate(_SPECIAL))
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.split())


@lru_cache(maxsize=200_000)
def fold(name: str) -> str:
    """Lower case, no diacritics or apostrophes, words separated by single spaces."""
    return _NON_WORD.sub(" ", ascii_name(name).lower()).strip()


def is_latin(name: str) -> bool:
    """True when the folded name keeps letters: Latin-script names an English text may use."""
    folded = ascii_name(name)
    return bool(folded) and all(ord(c) < 0x250 for c in folded)


def strip_articles(words: list[str], articles: frozenset[str]) -> list[str]:
    """Drop article words while another word remains ("al bab" -> "bab", but "al" stays "al")."""
    kept = [w for w in words if w not in articles]
    return kept or words


def loose_key(name: str, rules: ToponymRules | None = None) -> str:
    """``fold`` without articles, spaces and doubled letters: one key for "Deir al-Balah" and "Deir el
    Balah", for "Hiiraan" and "Hiran"."""
    rules = rules or load_toponym_rules()
    return re.sub(r"(.)\1+", r"\1", "".join(strip_articles(fold(name).split(), rules.articles)))


def _word_skeleton(word: str, rules: ToponymRules) -> str:
    # A w or y after a vowel and not before one is part of a diphthong ("Zawr", "Dayr"): drop it.
    chars = list(word)
    for i, c in enumerate(chars):
        if (
            c in "wy"
            and i > 0
            and chars[i - 1] in _VOWELS
            and (i + 1 == len(chars) or chars[i + 1] not in _VOWELS)
        ):
            chars[i] = "a"
    word = "".join(chars)
    for old, new in rules.skeleton:
        word = word.replace(old, new)
    out: list[str] = []
    for c in word:
        if c in _VOWELS or c == "h" or not c.isalpha():
            continue
        if out and out[-1] == c:
            continue
        out.append(c)
    return "".join(out)


def skeleton(name: str, rules: ToponymRules | None = None) -> str:
    """Consonant skeleton of a name for the transliteration fallback ("Qunduz" -> "kndz")."""
    rules = rules or load_toponym_rules()
    words = strip_articles(fold(name).split(), rules.articles)
    joined = "".join(_word_skeleton(w, rules) for w in words)
    # Doubled letters across word joins ("Khan Nunis") collapse as inside words.
    return re.sub(r"(.)\1+", r"\1", joined)


@dataclass(frozen=True, slots=True)
class ToponymParts:
    """A toponym as written, split into its name and the kind word around it."""

    name: str  # the name without kind words ("Narathiwat" from "Narathiwat province")
    kind: str | None  # "admin1", "admin2", "admin", "town" or None


def split_kind_words(text: str, rules: ToponymRules | None = None) -> ToponymParts:
    """Separate "Narathiwat province", "the town of Bor", "Kunduz city" into name and kind."""
    rules = rules or load_toponym_rules()
    name = " ".join(text.split()).strip(" .,;:")
    lowered = fold(name)
    if lowered.startswith("the "):
        name = name[4:]
        lowered = lowered[4:]
    for phrase, kind in sorted(rules.prefixes.items(), key=lambda kv: -len(kv[0])):
        if lowered.startswith(phrase + " ") and len(lowered) > len(phrase) + 1:
            words = name.split()
            rest = " ".join(words[len(phrase.split()) :])
            if rest.lower().startswith("the "):
                rest = rest[4:]
            return ToponymParts(rest, kind)
    words = name.split()
    for size in (3, 2, 1):
        if len(words) > size:
            tail = fold(" ".join(words[-size:]))
            if tail in rules.suffixes:
                return ToponymParts(" ".join(words[:-size]), rules.suffixes[tail])
    return ToponymParts(name, None)
