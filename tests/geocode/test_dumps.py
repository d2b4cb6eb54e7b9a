"""The GeoNames dump builder on tiny files in GeoNames' formats, written here."""

from __future__ import annotations

import pytest

from eventscope.errors import GazetteerError
from eventscope.geocode.dumps import build_from_dumps
from eventscope.geocode.gazetteer import Gazetteer
from eventscope.geocode.resolve import PlaceContext, resolve_place


def geoname(gid, name, alternates, lat, lon, fclass, fcode, cc, a1, a2="", pop=0):
    cols = [
        str(gid),
        name,
        name,
        ",".join(alternates),
        str(lat),
        str(lon),
        fclass,
        fcode,
        cc,
        "",
        a1,
        a2,
        "",
        "",
        str(pop),
        "",
        "100",
        "Asia/Kabul",
        "2024-01-01",
    ]
    assert len(cols) == 19
    return "\t".join(cols)


@pytest.fixture()
def dumps(tmp_path):
    cities = tmp_path / "AF.txt"
    cities.write_text(
        "\n".join(
            [
                geoname(
                    1135689,
                    "Kunduz",
                    ["Qunduz", "Kondoz", "KDZ"],
                    36.72895,
                    68.857,
                    "P",
                    "PPLA",
                    "AF",
                    "24",
                    "1401",
                    161902,
                ),
                geoname(1136469, "Khanabad", [], 36.6825, 69.1156, "P", "PPLA2", "AF", "24", "1406", 18000),
                geoname(
                    1138958, "Kabul", ["Kabol"], 34.52813, 69.17233, "P", "PPLC", "AF", "13", "", 4434550
                ),
                geoname(1138957, "Kabul", [], 34.5, 69.2, "A", "ADM1", "AF", "13"),
                geoname(
                    1135690,
                    "Kunduz",
                    ["Kunduz Province"],
                    36.8,
                    68.8,
                    "A",
                    "ADM1",
                    "AF",
                    "24",
                ),
                geoname(1130000, "Old Fort", [], 36.0, 68.0, "P", "PPLH", "AF", "24"),
                geoname(1120000, "Shir Khan Bandar", [], 37.2, 68.6, "S", "PSTB", "AF", "24"),
                geoname(1133000, "Sher Khan", [], 36.74, 68.87, "P", "PPLX", "AF", "24", "1401", 500),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    admin1 = tmp_path / "admin1CodesASCII.txt"
    admin1.write_text("AF.24\tKunduz\tKunduz\t1135690\nAF.13\tKabul\tKabul\t1138957\n", encoding="utf-8")
    admin2 = tmp_path / "admin2Codes.txt"
    admin2.write_text(
        "AF.24.1401\tKunduz\tKunduz\t7729833\nAF.24.1406\tKhan Abad\tKhan Abad\t7053316\n", encoding="utf-8"
    )
    alternates = tmp_path / "alternateNamesV2.txt"
    alternates.write_text(
        "1\t1135689\ten\tKunduz City\t1\t\t\t\t\t\n"
        "2\t1135689\tiata\tUND\t\t\t\t\t\t\n"
        "3\t1135689\tfa\tقندوز\t\t\t\t\t\t\n"
        "4\t1136469\ten\tKhan Abad\t\t\t\t\t\t\n",
        encoding="utf-8",
    )
    countries = tmp_path / "countryInfo.txt"
    countries.write_text(
        "#ISO\tISO3\tISO-Numeric\tfips\tCountry\tCapital\tArea(in sq km)\tPopulation\tContinent\ttld"
        "\tCurrencyCode\tCurrencyName\tPhone\tPostal Code Format\tPostal Code Regex\tLanguages\tgeonameid"
        "\tneighbours"
        "\tEquivalentFipsCode\n"
        "AF\tAFG\t004\tAF\tAfghanistan\tKabul\t647500\t37172386\tAS\t.af\tAFN\tAfghani\t93\t\t\tfa-AF,ps\t1149361"
        "\tTM,CN\t\n",
        encoding="utf-8",
    )
    return {
        "cities": cities,
        "admin1": admin1,
        "admin2": admin2,
        "alternates": alternates,
        "countries": countries,
    }


def test_builds_a_working_index(tmp_path, dumps):
    out = tmp_path / "out" / "gaz.sqlite"
    counts = build_from_dumps(out, **dumps)
    assert counts == {"places": 4, "areas": 4, "countries": 1}
    gaz = Gazetteer(out)
    assert gaz.info()["source"].startswith("GeoNames dumps")
    kunduz = gaz.lookup("Kunduz City")
    assert kunduz and kunduz[0].geonames_id == 1135689
    assert gaz.lookup("UND") == []  # airport codes are not names
    assert gaz.lookup("Old Fort") == []  # historical places are left out
    assert gaz.lookup("Shir Khan Bandar") == []  # only populated places and areas
    area = gaz.admin_area("AF", "Kunduz")
    assert gaz.capital(area).geonames_id == 1135689  # PPLA: the capital by feature code
    district = gaz.admin_area("AF", "Khan Abad", level=2)
    assert gaz.capital(district).name == "Khanabad"
    country = gaz.country_place("AF")
    assert gaz.capital(country).geonames_id == 1138958
    assert not list(out.parent.glob(".*"))  # no temporary files left behind


def test_neighbourhood_is_city_dash_district(tmp_path, dumps):
    out = tmp_path / "gaz.sqlite"
    build_from_dumps(out, **dumps)
    ctx = PlaceContext()
    ctx.add_country("AF")
    resolved = resolve_place(Gazetteer(out), "Sher Khan", ctx)
    assert resolved.location == "Kunduz - Sher Khan"


def test_optional_files_may_be_left_out(tmp_path, dumps):
    out = tmp_path / "gaz.sqlite"
    counts = build_from_dumps(out, dumps["cities"], dumps["admin1"])
    assert counts["areas"] == 2 and counts["places"] == 4


def test_missing_file(tmp_path, dumps):
    with pytest.raises(GazetteerError, match="nope.txt: admin2 codes file not found"):
        build_from_dumps(
            tmp_path / "g.sqlite", dumps["cities"], dumps["admin1"], admin2=tmp_path / "nope.txt"
        )


@pytest.mark.parametrize(
    ("which", "content", "message"),
    [
        (
            "cities",
            "1135689\tKunduz\tonly three columns\n",
            r"AF.txt line 1: not a GeoNames geoname table line \(expected 19",
        ),
        ("cities", "\t".join(["x"] * 19) + "\n", r"AF.txt line 1: .*bad number"),
        ("admin1", "AF.24\tKunduz\n", r"admin1CodesASCII.txt line 1: .*expected 4"),
        ("admin1", "AF\tKunduz\tKunduz\t1\n", r"admin1CodesASCII.txt line 1: .*dot-separated"),
        ("alternates", "1\t2\n", r"alternateNamesV2.txt line 1: .*expected 8 or 10"),
        ("countries", "AF\tAFG\n", r"countryInfo.txt line 1: .*expected 19"),
    ],
)
def test_wrong_format_names_file_and_line(tmp_path, dumps, which, content, message):
    dumps[which].write_text(content, encoding="utf-8")
    with pytest.raises(GazetteerError, match=message):
        build_from_dumps(tmp_path / "g.sqlite", **dumps)
    assert not (tmp_path / "g.sqlite").exists()


def test_binary_file(tmp_path, dumps):
    dumps["admin1"].write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(GazetteerError, match="not UTF-8"):
        build_from_dumps(tmp_path / "g.sqlite", **dumps)


def test_no_populated_place(tmp_path, dumps):
    dumps["cities"].write_text(geoname(1, "Hill", [], 1, 1, "T", "HLL", "AF", "24") + "\n", encoding="utf-8")
    with pytest.raises(GazetteerError, match="no populated place"):
        build_from_dumps(tmp_path / "g.sqlite", **dumps)
