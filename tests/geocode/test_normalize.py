"""Name keys: folding, loose keys, transliteration skeletons and kind words."""

from __future__ import annotations

import pytest

from eventscope.errors import RuleFileError
from eventscope.geocode.normalize import (
    ascii_name,
    fold,
    load_toponym_rules,
    loose_key,
    parse_toponym_rules,
    skeleton,
    split_kind_words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Guarujá", "guaruja"),
        ("Ma'arrat al-Nu'man", "maarrat al numan"),
        ("  Kunduz  ", "kunduz"),
        ("Łódź", "lodz"),
        ("São Paulo", "sao paulo"),
        ("Ḩimş", "hims"),
    ],
)
def test_fold(text, expected):
    assert fold(text) == expected


def test_ascii_name_keeps_case():
    assert ascii_name("Zābul") == "Zabul"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Deir al-Balah", "Deir el Balah"),
        ("Al-Bab", "Bab"),
        ("Deir ez-Zor", "Deir Zor"),
        ("Ras al-Ain", "Ras Ain"),
    ],
)
def test_loose_key_drops_articles(a, b):
    assert loose_key(a) == loose_key(b)


def test_loose_key_keeps_a_lone_article():
    assert loose_key("Al") == "al"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kunduz", "Qunduz"),
        ("Kyiv", "Kiev"),
        ("Mogadishu", "Muqdisho"),
        ("Gaza", "Ghazzah"),
        ("Deir al-Balah", "Dayr al Balah"),
        ("Khan Younis", "Khan Yunis"),
        ("Kharkiv", "Kharkov"),
        ("Nerkh", "Nirkh"),
        ("Wardak", "Vardak"),
    ],
)
def test_skeleton_joins_transliterations(a, b):
    assert skeleton(a) == skeleton(b)


@pytest.mark.parametrize(("a", "b"), [("Kunduz", "Kandahar"), ("Homs", "Hama"), ("Gaza", "Goma")])
def test_skeleton_keeps_different_places_apart(a, b):
    assert skeleton(a) != skeleton(b)


@pytest.mark.parametrize(
    ("text", "name", "kind"),
    [
        ("Narathiwat province", "Narathiwat", "admin1"),
        ("Donetsk region", "Donetsk", "admin1"),
        ("Nerkh district", "Nerkh", "admin2"),
        ("Sinaloa state", "Sinaloa", "admin1"),
        ("Kunduz city", "Kunduz", "town"),
        ("the town of Bor", "Bor", "town"),
        ("province of Kunduz", "Kunduz", "admin1"),
        ("Mandera county", "Mandera", "admin"),
        ("Kunduz", "Kunduz", None),
        ("Province", "Province", None),
    ],
)
def test_split_kind_words(text, name, kind):
    parts = split_kind_words(text)
    assert (parts.name, parts.kind) == (name, kind)


def test_packaged_rules_load():
    rules = load_toponym_rules()
    assert rules.version >= 1
    assert "al" in rules.articles


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: [", "not valid YAML"),
        ("articles: []", "integer 'version'"),
        ("version: 1\narticles: al", "'articles' must be a list"),
    ],
)
def test_bad_rules_file_is_named(text, message):
    with pytest.raises(RuleFileError, match=message) as info:
        parse_toponym_rules(text, "rules.yaml")
    assert str(info.value).startswith("rules.yaml")


def test_unknown_kind_is_rejected():
    text = (
        "version: 1\narticles: []\narea_words: []\nenglish_area_words: []\nposition_words: []\n"
        "suffixes: {province: galaxy}\nprefixes: {}\nskeleton: []\n"
    )
    with pytest.raises(RuleFileError, match="unknown kind"):
        parse_toponym_rules(text, "rules.yaml")
