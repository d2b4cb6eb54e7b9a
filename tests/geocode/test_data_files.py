"""The geo data files: no duplicates, no stray spaces, valid ISO codes, ACLED regions."""

from __future__ import annotations

import csv
from importlib import resources

import pycountry
import pytest
import yaml

from eventscope.geocode.countries import ACLED_REGIONS, load_country_table

GEO = resources.files("eventscope") / "data" / "geo"
# Codes GeoNames and ACLED use that ISO 3166 has not assigned: Kosovo.
NON_ISO = {"XK"}


def rows(name):
    with (GEO / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_version_headers():
    for name in ("countries.csv", "country_aliases.csv", "demonyms.csv"):
        first = (GEO / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# version:"), name
    assert isinstance(yaml.safe_load((GEO / "toponym_rules.yaml").read_text())["version"], int)


@pytest.mark.parametrize("name", ["countries.csv", "country_aliases.csv", "demonyms.csv"])
def test_no_stray_spaces_or_empty_keys(name):
    for row in rows(name):
        for key, value in row.items():
            assert value == value.strip(), f"{name}: stray space in {key}={value!r}"
            assert "  " not in value, f"{name}: double space in {key}={value!r}"


def test_countries_are_unique_and_valid():
    data = rows("countries.csv")
    for key in ("iso2", "iso3", "name"):
        values = [r[key] for r in data]
        assert len(values) == len(set(values)), f"duplicate {key}"
    numerics = [r["iso_numeric"] for r in data if r["iso2"] not in NON_ISO]
    assert len(numerics) == len(set(numerics)), "duplicate iso_numeric"
    for r in data:
        assert r["region"] in ACLED_REGIONS, r
        if r["iso2"] in NON_ISO:
            continue
        iso = pycountry.countries.get(alpha_2=r["iso2"])
        assert iso is not None, f"{r['iso2']} is not an ISO 3166 code"
        assert iso.alpha_3 == r["iso3"], r
        assert int(iso.numeric) == int(r["iso_numeric"]), r


@pytest.mark.parametrize(
    ("iso3", "name", "region"),
    [
        ("COD", "Democratic Republic of Congo", "Middle Africa"),
        ("PSE", "Palestine", "Middle East"),
        ("RUS", "Russia", "Europe"),
        ("IRN", "Iran", "Middle East"),
        ("SYR", "Syria", "Middle East"),
        ("KOR", "South Korea", "East Asia"),
        ("AFG", "Afghanistan", "South Asia"),
        ("NGA", "Nigeria", "Western Africa"),
        ("MMR", "Myanmar", "Southeast Asia"),
        ("GEO", "Georgia", "Caucasus and Central Asia"),
        ("MEX", "Mexico", "Central America"),
        ("SOM", "Somalia", "Eastern Africa"),
        ("SDN", "Sudan", "Northern Africa"),
        ("ZAF", "South Africa", "Southern Africa"),
        ("USA", "United States", "North America"),
    ],
)
def test_acled_spelling_and_region(iso3, name, region):
    country = load_country_table().by_iso3[iso3]
    assert (country.name, country.region) == (name, region)


@pytest.mark.parametrize(("name", "key"), [("country_aliases.csv", "alias"), ("demonyms.csv", "demonym")])
def test_aliases_unique_and_point_at_countries(name, key):
    data = rows(name)
    values = [r[key].lower() for r in data]
    assert len(values) == len(set(values)), f"{name}: duplicate {key}"
    iso3 = {r["iso3"] for r in rows("countries.csv")}
    for r in data:
        assert r["iso3"] in iso3, r


def test_demonyms_are_not_aliases():
    aliases = {r["alias"].lower() for r in rows("country_aliases.csv")}
    assert not aliases & {r["demonym"].lower() for r in rows("demonyms.csv")}


def test_rules_have_no_duplicates():
    raw = yaml.safe_load((GEO / "toponym_rules.yaml").read_text())
    for key in ("articles", "area_words", "english_area_words", "position_words"):
        assert len(raw[key]) == len(set(raw[key])), key
    assert not set(raw["suffixes"]) & set(raw["prefixes"])
