"""The gazetteer API on the default index, and bad index files."""

from __future__ import annotations

import sqlite3
import time

import pytest

from eventscope.errors import GazetteerError
from eventscope.geocode import gazetteer as gazetteer_module
from eventscope.geocode.gazetteer import Gazetteer, distance_km, load_gazetteer


def near(place, lat, lon, km=25):
    return distance_km(place.latitude, place.longitude, lat, lon) <= km


@pytest.mark.parametrize(
    ("name", "country", "iso3", "lat", "lon"),
    [
        ("Kunduz", None, "AFG", 36.73, 68.86),
        ("Qunduz", "AF", "AFG", 36.73, 68.86),
        ("Kiev", None, "UKR", 50.45, 30.52),
        ("Muqdisho", None, "SOM", 2.04, 45.34),
        ("Ghazzah", None, "PSE", 31.50, 34.47),
        ("Deir al-Balah", None, "PSE", 31.42, 34.35),
        ("Dayr al Balah", "PSE", "PSE", 31.42, 34.35),
        ("Guaruja", None, "BRA", -23.99, -46.26),
        ("Guarujá", None, "BRA", -23.99, -46.26),
        ("Khan Younis", "PS", "PSE", 31.34, 34.31),
        ("Kharkov", None, "UKR", 49.99, 36.23),
    ],
)
def test_lookup_finds_spellings(gaz, name, country, iso3, lat, lon):
    places = gaz.lookup(name, country)
    assert any(p.country.iso3 == iso3 and near(p, lat, lon) for p in places), places[:3]


def test_lookup_returns_towns_areas_and_countries(gaz):
    codes = {p.feature_code for p in gaz.lookup("Kunduz")}
    assert "ADM1" in codes and any(c.startswith("PPL") for c in codes)
    assert "PCLI" in {p.feature_code for p in gaz.lookup("Georgia")}
    assert "ADM1" in {p.feature_code for p in gaz.lookup("Georgia")}


@pytest.mark.parametrize(
    ("text", "code", "fcode"),
    [
        ("Narathiwat province", "THA", "ADM1"),
        ("Donetsk region", "UKR", "ADM1"),
        ("Sinaloa state", "MEX", "ADM1"),
        ("Kunduz city", "AFG", "PPLA"),
    ],
)
def test_kind_words_are_read(gaz, text, code, fcode):
    matches = gaz.matches(text)
    assert any(m.place.country.iso3 == code and m.place.feature_code == fcode for m in matches)
    assert all(m.kind is not None for m in matches if m.place.country.iso3 == code)


def test_skeleton_fallback_needs_a_country(gaz):
    assert gaz.lookup("Nerkh") == []
    assert [p.country.iso3 for p in gaz.lookup("Nerkh", "AFG")][:1] == ["AFG"]


def test_country_filter_accepts_iso2_iso3_and_names(gaz):
    for code in ("LB", "LBN", "Lebanon"):
        assert {p.country.iso3 for p in gaz.lookup("Tripoli", code)} == {"LBN"}
    with pytest.raises(GazetteerError, match="unknown country"):
        gaz.lookup("Tripoli", "Atlantis")


def test_unknown_name_is_empty(gaz):
    assert gaz.lookup("Xqzzyville") == []
    assert gaz.lookup("") == []


@pytest.mark.parametrize(
    ("text", "iso3"),
    [
        ("DR Congo", "COD"),
        ("DRC", "COD"),
        ("Ivory Coast", "CIV"),
        ("Gaza Strip", "PSE"),
        ("West Bank", "PSE"),
        ("Britain", "GBR"),
        ("UK", "GBR"),
        ("AF", "AFG"),
        ("AFG", "AFG"),
        ("Afghan", "AFG"),
        ("Nigerian", "NGA"),
        ("Ukrainian", "UKR"),
        ("Congolese", "COD"),
        ("Israeli", "ISR"),
        ("Palestinian", "PSE"),
        ("Bangladeshi", "BGD"),
        ("Afghans", "AFG"),
        ("the Netherlands", "NLD"),
        ("Côte d'Ivoire", "CIV"),
        ("Democratic Republic of Congo", "COD"),
        ("Russian Federation", "RUS"),
    ],
)
def test_country_by_name_alias_code_or_demonym(gaz, text, iso3):
    country = gaz.country(text)
    assert country is not None and country.iso3 == iso3


def test_country_codes_need_upper_case(gaz):
    assert gaz.country("us") is None or gaz.country("us").iso3 == "USA"
    assert gaz.country("Atlantis") is None
    country = gaz.country("Palestine")
    assert (country.iso_numeric, country.region) == (275, "Middle East")


def test_admin_area_and_capital(gaz):
    sinaloa = gaz.admin_area("MX", "Sinaloa")
    assert sinaloa is not None and sinaloa.feature_code == "ADM1"
    capital = gaz.capital(sinaloa)
    assert capital.name == "Culiacan" and capital.feature_class == "P"
    assert gaz.admin_area("MEX", "Sinaloa", level=2) is not None
    assert gaz.admin_area("MX", "Xqzzy") is None


def test_country_place_sits_at_the_capital(gaz):
    place = gaz.country_place("AFG")
    assert place.feature_code == "PCLI" and near(place, 34.53, 69.17)
    assert gaz.capital(place).name == "Kabul"


def test_get_by_geonames_id(gaz):
    kunduz = gaz.get(1135689)
    assert kunduz is not None and kunduz.name == "Kunduz"
    assert gaz.get(999_999_999) is None
    assert gaz.admin1_place(kunduz).feature_code == "ADM1"


def test_load_is_fast_and_cached(gaz):
    gazetteer_module._LOADED.clear()
    started = time.perf_counter()
    first = load_gazetteer()
    assert time.perf_counter() - started < 1.0
    assert load_gazetteer() is first


def test_env_var_selects_the_index(gaz, monkeypatch, tmp_path):
    missing = tmp_path / "nowhere.sqlite"
    monkeypatch.setenv("EVENTSCOPE_GAZETTEER", str(missing))
    with pytest.raises(GazetteerError, match="nowhere.sqlite: gazetteer index not found"):
        load_gazetteer()


def test_explicit_path_wins(gaz):
    assert load_gazetteer(gaz.path).path == gaz.path


def test_corrupt_index(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(GazetteerError, match="not a readable gazetteer index"):
        Gazetteer(bad)


def test_foreign_sqlite_file(tmp_path):
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE meta(key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('schema', 'something-else')")
        db.execute("CREATE TABLE place(id INTEGER)")
        db.execute("CREATE TABLE name(key TEXT)")
    with pytest.raises(GazetteerError, match="rebuild it"):
        Gazetteer(other)


def test_pickles_as_its_path(gaz):
    import pickle

    copy = pickle.loads(pickle.dumps(gaz))
    assert isinstance(copy, Gazetteer) and copy.path == gaz.path and copy.lookup("Kunduz")


def test_threads_share_one_gazetteer(gaz):
    from concurrent.futures import ThreadPoolExecutor

    names = ["Kunduz", "Tripoli", "Gaza", "Kyiv", "Herat", "Goma"] * 20
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda n: gaz.lookup(n)[0].name, names))
    assert results[:6] == [gaz.lookup(n)[0].name for n in names[:6]]
