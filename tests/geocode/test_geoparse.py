"""The geoparser: toponyms in spaCy docs, document context, records."""

from __future__ import annotations

import pytest

from eventscope.geocode.geoparse import find_toponyms, geoparse_records, resolve_toponyms

FIELDS = [
    "article_id",
    "text",
    "start",
    "end",
    "geonames_id",
    "name",
    "feature_class",
    "country",
    "iso3",
    "admin1",
    "latitude",
    "longitude",
]


def texts(nlp, gaz, sentence):
    return [t.text for t in find_toponyms(nlp(sentence), gaz)]


def test_places_found_with_spans(nlp, gaz):
    sentence = "Taliban fighters stormed Kunduz on Monday as clashes spread to Khanabad district."
    toponyms = find_toponyms(nlp(sentence), gaz)
    assert [t.text for t in toponyms] == ["Kunduz", "Khanabad"]
    for t in toponyms:
        assert sentence[t.start : t.end] == t.text
    assert toponyms[1].kind == "admin2"


def test_demonyms_are_not_places(nlp, gaz):
    assert "Afghan" not in texts(nlp, gaz, "Afghan officials said the attack killed four in Herat.")


def test_kind_word_inside_entity_is_split(nlp, gaz):
    toponyms = find_toponyms(nlp("Militants attacked a checkpoint in Narathiwat province on Sunday."), gaz)
    assert [(t.text, t.kind) for t in toponyms] == [("Narathiwat", "admin1")]


def test_qualifiers(nlp, gaz):
    toponyms = find_toponyms(nlp("Shelling hit the outskirts of Kharkiv and villages near Izium."), gaz)
    assert {t.text: t.qualifier for t in toponyms} == {"Kharkiv": "outskirts", "Izium": "near"}


def test_possessive_and_hyphenated_names(nlp, gaz):
    assert "Rio de Janeiro" in texts(nlp, gaz, "A raid in Rio de Janeiro's northern favelas left eight dead.")
    assert "Mazar-i-Sharif" in texts(nlp, gaz, "A bomber targeted a mosque in Mazar-i-Sharif on Friday.")


def test_missed_name_before_a_kind_word(nlp, gaz):
    resolved = dict(
        (t.text, r)
        for t, r in resolve_toponyms(
            nlp("Taliban attacked police in Nerkh district of Wardak province."), gaz
        )
    )
    assert resolved["Nerkh"].place.country.iso3 == "AFG"


@pytest.mark.parametrize(
    ("sentence", "target", "iso3", "admin1"),
    [
        ("Protesters gathered in Atlanta, Georgia, on Saturday.", "Georgia", "USA", "Georgia"),
        ("Russian troops massed near the border with Georgia.", "Georgia", "GEO", None),
        ("TRIPOLI, Lebanon (Reuters) - Clashes broke out between rival factions.", "TRIPOLI", "LBN", None),
        ("A shooting in Portland, Maine, left two dead.", "Portland", "USA", "Maine"),
        ("Police in Hyderabad, Sindh, arrested 12 activists.", "Hyderabad", "PAK", "Sindh"),
    ],
)
def test_document_context_disambiguates(nlp, gaz, sentence, target, iso3, admin1):
    resolved = {t.text: r for t, r in resolve_toponyms(nlp(sentence), gaz)}
    place = resolved[target].place
    assert place.country.iso3 == iso3
    if admin1:
        assert place.admin1 == admin1


def test_records_have_every_field_and_nulls_for_unknown(nlp, gaz):
    text = "Fighting in Xqzzyville and Kunduz killed 12, Afghan officials said."
    records = geoparse_records("a1", text, nlp(text), gaz)
    assert all(list(r) == FIELDS for r in records)
    by_text = {r["text"]: r for r in records}
    assert by_text["Kunduz"]["iso3"] == "AFG" and by_text["Kunduz"]["geonames_id"] == 1135689
    if "Xqzzyville" in by_text:
        assert by_text["Xqzzyville"]["geonames_id"] is None and by_text["Xqzzyville"]["latitude"] is None


def test_name_inside_the_area_named_next(nlp, gaz):
    resolved = {
        t.text: r
        for t, r in resolve_toponyms(nlp("Armed men attacked Kadugli in South Kordofan state."), gaz)
    }
    assert resolved["Kadugli"].place.admin1 == "South Kordofan"


def test_country_abbreviations_and_organisations(nlp, gaz):
    resolved = {
        t.text: r for t, r in resolve_toponyms(nlp("The attack was condemned by the US and Nato."), gaz)
    }
    assert resolved["US"].place.country.iso3 == "USA" and resolved["US"].place.feature_code == "PCLI"
    assert "Nato" not in resolved


def test_small_place_abroad_is_not_taken_against_the_named_country(nlp, gaz):
    text = "Jihadists killed 160 people in the village of Solhan in Burkina Faso's Yagha province."
    resolved = {t.text: r for t, r in resolve_toponyms(nlp(text), gaz)}
    assert resolved.get("Solhan") is None or resolved["Solhan"].place.country.iso3 == "BFA"
    assert resolved["Yagha"].place.country.iso3 == "BFA"


def test_demonyms_do_not_reject_places(nlp, gaz):
    resolved = {
        t.text: r for t, r in resolve_toponyms(nlp("Russian shelling hit Kherson, killing two."), gaz)
    }
    assert resolved["Kherson"].place.country.iso3 == "UKR"
