"""Ranking by context and ACLED precision."""

from __future__ import annotations

import pytest

from eventscope.geocode.gazetteer import distance_km
from eventscope.geocode.resolve import PlaceContext, rank_places, resolve_place


def context(*countries, admin1=()):
    ctx = PlaceContext()
    for cc in countries:
        ctx.add_country(cc)
    for name in admin1:
        ctx.add_admin1(name)
    return ctx


@pytest.mark.parametrize(
    ("name", "countries", "iso3"),
    [
        ("Tripoli", ["LB"], "LBN"),
        ("Tripoli", ["LY"], "LBY"),
        ("Tripoli", [], "LBY"),
        ("Hyderabad", ["PK"], "PAK"),
        ("Hyderabad", ["IN"], "IND"),
        ("Georgia", ["US"], "USA"),
        ("Georgia", ["RU"], "GEO"),
        ("Georgia", [], "GEO"),
    ],
)
def test_context_decides_homonyms(gaz, name, countries, iso3):
    ranked = rank_places(gaz.matches(name), context(*countries))
    assert ranked[0][0].country.iso3 == iso3


def test_admin1_context(gaz):
    ranked = rank_places(gaz.matches("Portland"), context("US", admin1=["Maine"]))
    assert ranked[0][0].admin1 == "Maine"


def test_shares_sum_to_one(gaz):
    ranked = rank_places(gaz.matches("Tripoli"), PlaceContext())
    assert abs(sum(s for _, s in ranked) - 1.0) < 1e-9
    assert ranked == sorted(ranked, key=lambda ps: -ps[1])


@pytest.mark.parametrize("name", ["Georgia", "Jordan", "Chad", "Lebanon", "Niger", "Mali", "Congo"])
def test_country_names_resolve_to_countries(gaz, name):
    resolved = resolve_place(gaz, name, PlaceContext())
    assert resolved.place.feature_code == "PCLI"
    assert resolved.geo_precision == 3


def test_unknown_name_is_none_and_others_still_resolve(gaz):
    ctx = context("AF")
    assert resolve_place(gaz, "Xqzzyville", ctx) is None
    assert resolve_place(gaz, "Kunduz", ctx).place.country.iso3 == "AFG"


def test_town_named_precision_1(gaz):
    r = resolve_place(gaz, "Kunduz", context("AF"), start=10, end=16)
    assert (r.location, r.geo_precision, r.place.feature_class) == ("Kunduz", 1, "P")
    assert r.place.geonames_id == 1135689
    assert (r.evidence.start, r.evidence.end, r.evidence.text) == (10, 16, "Kunduz")


@pytest.mark.parametrize("qualifier", ["near", "outskirts", "outside", "km"])
def test_near_a_town_precision_2(gaz, qualifier):
    r = resolve_place(gaz, "Kandahar", context("AF"), qualifier=qualifier)
    assert r.geo_precision == 2 and r.place.feature_class == "P" and r.location == "Kandahar"


def test_district_precision_2_at_its_town(gaz):
    r = resolve_place(gaz, "Khanabad", context("AF"), qualifier="district")
    assert r.place.feature_code == "ADM2" and r.geo_precision == 2 and r.location == "Khanabad"
    assert r.place.admin1 == "Kunduz"


def test_province_precision_3_at_its_capital(gaz):
    r = resolve_place(gaz, "Sinaloa state", context("MX"))
    assert r.geo_precision == 3 and r.place.admin1 == "Sinaloa" and r.location == "Sinaloa"
    assert distance_km(r.place.latitude, r.place.longitude, 24.80, -107.39) < 10
    donetsk = resolve_place(gaz, "Donetsk", context("UA"), qualifier="region")
    assert donetsk.geo_precision == 3 and donetsk.place.feature_code == "ADM1"


def test_no_evidence_without_offsets(gaz):
    assert resolve_place(gaz, "Kunduz", context("AF")).evidence is None


def test_transliteration_fallback_uses_context_country(gaz):
    r = resolve_place(gaz, "Nerkh", context("AF"), qualifier="district")
    assert r is not None and r.place.country.iso3 == "AFG" and r.place.admin1 == "Maidan Wardak"


def test_likeliest_country_for_an_unresolved_place():
    ctx = context("AF", "AF", "PK")
    assert ctx.likeliest_country() == "AF"
    assert PlaceContext().likeliest_country() is None
