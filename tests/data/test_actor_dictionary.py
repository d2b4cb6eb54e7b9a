"""The shipped actor dictionary loads and is consistent; malformed files fail naming file and line."""

from __future__ import annotations

import datetime as dt
import re
from itertools import combinations
from pathlib import Path

import pycountry
import pytest

from eventscope.errors import RuleFileError
from eventscope.models import INTER_NAMES
from eventscope.nlp.actor_dictionary import (
    EXTRA_ISO3,
    GENERIC_ROLES,
    ActorDictionary,
    GroupEntry,
    load_actor_dictionary,
)

GROUPS_HEADER = "# version: 1\nname,aliases,inter,countries,valid_from,valid_to,note\n"
GENERIC_HEADER = "# version: 1\nlemma,role,note\n"
GOOD_GENERIC = GENERIC_HEADER + "gunman,armed_nonstate,\n"
GOOD_GROUPS = GROUPS_HEADER + "Al Shabaab,al-Shabaab|Shabaab,rebel_group,SOM|KEN,,,\n"


@pytest.fixture(scope="module")
def shipped() -> ActorDictionary:
    return load_actor_dictionary()


def names(entries: list[GroupEntry]) -> list[str]:
    return [e.name for e in entries]


# --- The shipped files ---


def test_shipped_files_load_with_versions_and_coverage(shipped: ActorDictionary) -> None:
    assert shipped.groups_version >= 1
    assert shipped.generic_version >= 1
    assert len(shipped.groups) >= 200
    assert len(shipped.generics) >= 120


def test_no_duplicate_names(shipped: ActorDictionary) -> None:
    all_names = [g.name for g in shipped.groups]
    assert len(all_names) == len(set(all_names))


def test_no_alias_names_two_entries_that_a_date_and_country_cannot_separate(shipped: ActorDictionary) -> None:
    def overlap(a: GroupEntry, b: GroupEntry) -> bool:
        return (a.valid_from or dt.date.min) <= (b.valid_to or dt.date.max) and (
            b.valid_from or dt.date.min
        ) <= (a.valid_to or dt.date.max)

    clashes = []
    for a, b in combinations(shipped.groups, 2):
        if a.home_country != b.home_country or not overlap(a, b):
            continue
        a_keys = {x.casefold() for x in a.aliases}
        b_keys = {x.casefold() for x in b.aliases}
        shared = (a_keys & b_keys) | (a_keys & {x.casefold() for x in b.case_sensitive_aliases})
        shared |= b_keys & {x.casefold() for x in a.case_sensitive_aliases}
        shared |= set(a.case_sensitive_aliases) & set(b.case_sensitive_aliases)
        if shared:
            clashes.append((a.name, b.name, sorted(shared)))
    assert clashes == []


def test_country_codes_are_iso3(shipped: ActorDictionary) -> None:
    bad = [
        (g.name, c)
        for g in shipped.groups
        for c in g.countries
        if c not in EXTRA_ISO3 and pycountry.countries.get(alpha_3=c) is None
    ]
    assert bad == []


def test_inter_codes_are_those_of_named_groups(shipped: ActorDictionary) -> None:
    # Rioters (5), protesters (6) and civilians (7) are never named groups.
    assert {g.inter for g in shipped.groups} <= {1, 2, 3, 4, 8}
    assert all(g.inter in INTER_NAMES for g in shipped.groups)


def test_generic_roles_are_known_and_lemmas_lower_case(shipped: ActorDictionary) -> None:
    assert {g.role for g in shipped.generics} <= GENERIC_ROLES
    assert all(g.lemma == g.lemma.lower() for g in shipped.generics)


def test_no_text_or_alias_has_stray_whitespace(shipped: ActorDictionary) -> None:
    texts = [g.name for g in shipped.groups] + [g.lemma for g in shipped.generics]
    texts += [a for g in shipped.groups for a in g.aliases + g.case_sensitive_aliases]
    assert [t for t in texts if t != " ".join(t.split())] == []


def test_short_aliases_are_case_sensitive(shipped: ActorDictionary) -> None:
    # One- and two-letter forms ("IS", "CV") are ordinary words or initials in lower case.
    loose = [(g.name, a) for g in shipped.groups for a in g.aliases if len(a) <= 2]
    assert loose == []


def test_case_sensitive_aliases_have_capitals(shipped: ActorDictionary) -> None:
    pointless = [(g.name, a) for g in shipped.groups for a in g.case_sensitive_aliases if a == a.lower()]
    assert pointless == []


def test_no_generic_lemma_is_also_a_group_alias(shipped: ActorDictionary) -> None:
    aliases = {a.casefold() for g in shipped.groups for a in g.aliases}
    assert [g.lemma for g in shipped.generics if g.lemma in aliases] == []


def test_date_ranged_rows_are_ordered(shipped: ActorDictionary) -> None:
    for g in shipped.groups:
        if g.valid_from and g.valid_to:
            assert g.valid_from <= g.valid_to, g.name


# --- Coding that changes over time ---


@pytest.mark.parametrize(
    ("alias", "day", "name", "inter"),
    [
        ("Taliban", dt.date(2015, 9, 28), "Taliban", 2),
        ("Taliban", dt.date(2021, 8, 14), "Taliban", 2),
        ("Taliban", dt.date(2021, 8, 15), "Military Forces of Afghanistan (2021-)", 1),
        ("Islamic Emirate", dt.date(2023, 1, 1), "Military Forces of Afghanistan (2021-)", 1),
        ("HTS", dt.date(2020, 3, 1), "HTS: Hayat Tahrir al Sham", 2),
        ("HTS", dt.date(2025, 3, 1), "Military Forces of Syria (2024-)", 1),
        ("RSF", dt.date(2019, 6, 3), "Military Forces of Sudan (2019-) Rapid Support Forces", 1),
        ("Rapid Support Forces", dt.date(2023, 4, 15), "RSF: Rapid Support Forces", 3),
        ("FARC", dt.date(2015, 1, 1), "FARC: Revolutionary Armed Forces of Colombia", 2),
        ("FARC", dt.date(2022, 1, 1), "FARC Dissidents", 2),
        ("AU troops", dt.date(2019, 5, 1), "AMISOM: African Union Mission in Somalia", 8),
        ("AU troops", dt.date(2023, 5, 1), "ATMIS: African Union Transition Mission in Somalia", 8),
    ],
)
def test_coding_follows_the_date(
    shipped: ActorDictionary, alias: str, day: dt.date, name: str, inter: int
) -> None:
    found = shipped.groups_for_alias(alias, day)
    assert [(g.name, g.inter) for g in found] == [(name, inter)]


def test_without_a_date_every_period_is_returned(shipped: ActorDictionary) -> None:
    assert names(shipped.groups_for_alias("Taliban")) == ["Taliban", "Military Forces of Afghanistan (2021-)"]


def test_pre_2021_afghan_state_rows_end_with_the_republic(shipped: ActorDictionary) -> None:
    assert shipped.groups_for_alias("Afghan National Army", dt.date(2022, 1, 1)) == []
    assert names(shipped.groups_for_alias("ANDSF", dt.date(2020, 1, 1))) == ["Military Forces of Afghanistan"]


# --- Alias lookups ---


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("al-Shabab", "Al Shabaab"),
        ("Al-Shabaab", "Al Shabaab"),
        ("AL SHABAAB", "Al Shabaab"),
        ("Harakat al-Shabaab al-Mujahideen", "Al Shabaab"),
        ("Harakat al-Shabaab\nal-Mujahideen", "Al Shabaab"),
        ("Houthi rebels", "Houthi Movement"),
        ("Ansarallah", "Houthi Movement"),
        ("ISWAP", "Islamic State West Africa Province (ISWAP)"),
        ("Boko Haram", "Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad"),
        ("JNIM", "JNIM: Group for Support of Islam and Muslims"),
        ("Ezzedine al-Qassam Brigades", "Hamas Movement"),
        ("Hizbullah", "Hezbollah"),
        ("M23", "M23: March 23 Movement"),
        ("Wagner", "Wagner Group"),
        ("ELN", "ELN: National Liberation Army"),
        ("CJNG", "CJNG: Jalisco New Generation Cartel"),
        ("Clan del Golfo", "AGC: Gaitanista Self-Defense Forces of Colombia"),
        ("ISKP", "Islamic State (Afghanistan)"),
        ("Naxalites", "CPI (Maoist): Communist Party of India (Maoist)"),
        ("Pakistani Taliban", "TTP: Tehreek-i-Taliban Pakistan"),
        ("Arakan Army", "AA: Arakan Army"),
        ("PDF", "PDF: People's Defense Force"),
        ("NPA", "NPA: New People's Army"),
        ("Rapid Action Battalion", "Police Forces of Bangladesh"),
        ("IRGC", "Military Forces of Iran"),
        ("BSF", "Military Forces of India"),
        ("MS-13", "MS-13: Mara Salvatrucha"),
        ("400 Mawozo", "400 Mawozo"),
        ("Comando Vermelho", "CV: Red Command"),
        ("Donetsk People's Republic", "DPR: Donetsk People's Republic"),
        ("Segunda Marquetalia", "Segunda Marquetalia"),
    ],
)
def test_alias_names_group(shipped: ActorDictionary, alias: str, name: str) -> None:
    assert names(shipped.groups_for_alias(alias))[0] == name


@pytest.mark.parametrize("alias", ["adf", "Adf", "pdf", "npa", "is", "Is", "eln", "cv"])
def test_case_sensitive_alias_needs_its_case(shipped: ActorDictionary, alias: str) -> None:
    assert shipped.groups_for_alias(alias) == []


def test_case_sensitive_alias_matches_exactly(shipped: ActorDictionary) -> None:
    # Congo's ADF comes first when no country is known: it is the one most reports mean.
    assert names(shipped.groups_for_alias("ADF"))[0] == "ADF: Allied Democratic Forces"


@pytest.mark.parametrize(
    ("alias", "country", "name"),
    [
        ("ADF", "COD", "ADF: Allied Democratic Forces"),
        ("ADF", "CMR", "ADF: Ambazonia Defence Forces"),
        ("al-Shabab", "SOM", "Al Shabaab"),
        ("al-Shabab", "MOZ", "Islamic State (Mozambique)"),
        ("Islamic State", "AFG", "Islamic State (Afghanistan)"),
        ("ISIS", "SYR", "Islamic State (Syria)"),
        ("IS", "NGA", "Islamic State West Africa Province (ISWAP)"),
        ("JEM", "SDN", "JEM: Justice and Equality Movement"),
        ("JEM", "IND", "Jaish-e-Mohammed"),
        ("SNA", "SOM", "Military Forces of Somalia"),
        ("SNA", "SYR", "SNA: Syrian National Army"),
    ],
)
def test_country_ranks_shared_aliases(shipped: ActorDictionary, alias: str, country: str, name: str) -> None:
    assert names(shipped.groups_for_alias(alias, dt.date(2024, 1, 1), country=country))[0] == name


def test_all_aliases_for_a_phrase_matcher(shipped: ActorDictionary) -> None:
    pairs = shipped.all_aliases()
    assert ("ADF", True) in pairs
    assert ("Allied Democratic Forces", False) in pairs
    assert ("adf", False) not in pairs
    # Each distinct alias once, whatever the number of rows sharing it.
    assert [p for p in pairs if p == ("Islamic State", False)] == [("Islamic State", False)]
    loose = [a.casefold() for a, case_sensitive in pairs if not case_sensitive]
    assert len(loose) == len(set(loose))


@pytest.mark.parametrize(
    ("lemma", "role"),
    [
        ("gunman", "armed_nonstate"),
        ("Gunman", "armed_nonstate"),
        ("militant", "armed_nonstate"),
        ("fighter", "armed_nonstate"),
        ("soldier", "state_military"),
        ("security force", "state_generic"),
        ("policeman", "state_police"),
        ("officer", "state_police"),
        ("villager", "civilians"),
        ("protester", "protesters"),
        ("rioter", "rioters"),
        ("mob", "mob"),
        ("vigilante", "militia_identity"),
        ("people", "people"),
        ("spokesman", None),
    ],
)
def test_generic_role(shipped: ActorDictionary, lemma: str, role: str | None) -> None:
    assert shipped.generic_role(lemma) == role


# --- Malformed files: the error names the file and the line ---


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("X,x,rebel_gruop,SOM,,,\n", 3, "unknown inter"),
        ("X,x,rebel_group,SOX,,,\n", 3, "not an ISO 3166"),
        ("X,x,rebel_group,som,,,\n", 3, "not an ISO 3166"),
        ("X,x,rebel_group,SOM|SOM,,,\n", 3, "repeated"),
        ("X,x,rebel_group,,,,\n", 3, "not an ISO 3166"),
        ("X,x,rebel_group,SOM,2021-13-01,,\n", 3, "not a real date"),
        ("X,x,rebel_group,SOM,15/08/2021,,\n", 3, "not a YYYY-MM-DD date"),
        ("X,x,rebel_group,SOM,2022-01-01,2021-01-01,\n", 3, "after valid_to"),
        ("X,x||y,rebel_group,SOM,,,\n", 3, "empty alias"),
        ("X,x|=,rebel_group,SOM,,,\n", 3, "empty alias"),
        ("X,x|X,rebel_group,SOM,,,\n", 3, "repeats another alias"),
        ("X,x |y,rebel_group,SOM,,,\n", 3, "stray whitespace"),
        ("X,x|y  z,rebel_group,SOM,,,\n", 3, "stray whitespace"),
        ("X ,x,rebel_group,SOM,,,\n", 3, "stray whitespace"),
        (",x,rebel_group,SOM,,,\n", 3, "empty name"),
        ("X,x,rebel_group,SOM,,\n", 3, "expected 7 fields"),
        ('X,"x,rebel_group,SOM,,,\n', 3, "malformed CSV"),
        ("X,x,rebel_group,SOM,,,\n\n# comment\nX,y,rebel_group,KEN,,,\n", 6, "already used on line 3"),
        ("X,x,rebel_group,SOM,,,\nY,X,rebel_group,SOM|KEN,,,\n", 4, "also names 'X' (line 3)"),
        (
            "X,x,rebel_group,SOM,,2021-08-15,\nY,x,state_forces,SOM,2021-08-15,,\n",
            4,
            "overlapping dates",
        ),
    ],
)
def test_bad_groups_file(tmp_path: Path, body: str, line: int, problem: str) -> None:
    groups = write(tmp_path, "bad_groups.csv", GROUPS_HEADER + body)
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    with pytest.raises(RuleFileError, match=rf"bad_groups\.csv line {line}: .*{re.escape(problem)}"):
        load_actor_dictionary(groups, generic)


@pytest.mark.parametrize(
    "body",
    [
        # Dates that touch but do not overlap.
        "X,x,rebel_group,SOM,,2021-08-14,\nY,x,state_forces,SOM,2021-08-15,,\n",
        # Different home countries.
        "X,x|=ADF,rebel_group,SOM,,,\nY,x|=ADF,rebel_group,KEN|SOM,,,\n",
        # Case-sensitive spellings that differ in case never match the same text.
        "X,=JeM|=JEM,rebel_group,SOM,,,\nY,=Jem,rebel_group,SOM,,,\n",
        # Comments and blank lines between rows.
        "# a section\n\nX,x,rebel_group,XKX|PSE,,,\n",
    ],
)
def test_valid_groups_files(tmp_path: Path, body: str) -> None:
    groups = write(tmp_path, "groups.csv", GROUPS_HEADER + body)
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    assert load_actor_dictionary(groups, generic).groups


def test_case_insensitive_alias_clashes_with_case_sensitive_one(tmp_path: Path) -> None:
    body = "X,=ADF,rebel_group,SOM,,,\nY,adf,rebel_group,SOM,,,\n"
    groups = write(tmp_path, "groups.csv", GROUPS_HEADER + body)
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    with pytest.raises(RuleFileError, match=r"groups\.csv line 4: alias 'adf' also names 'X'"):
        load_actor_dictionary(groups, generic)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("name,aliases\n", 1, "first line must be '# version: N'"),
        ("# version: one\n", 1, "first line must be '# version: N'"),
        ("", 1, "first line must be '# version: N'"),
        ("# version: 1\nname,aliases,inter\n", 2, "header must be"),
    ],
)
def test_bad_groups_header(tmp_path: Path, text: str, line: int, problem: str) -> None:
    groups = write(tmp_path, "groups.csv", text)
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    with pytest.raises(RuleFileError, match=rf"groups\.csv line {line}: .*{re.escape(problem)}"):
        load_actor_dictionary(groups, generic)


def test_groups_file_without_header(tmp_path: Path) -> None:
    groups = write(tmp_path, "groups.csv", "# version: 1\n# only comments\n")
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    with pytest.raises(RuleFileError, match=r"groups\.csv: no header line"):
        load_actor_dictionary(groups, generic)


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("gunman,armed_nonstate,\nGunman,armed_nonstate,\n", 4, "must be lower case"),
        ("gunman,armed_nonstate,\ngunman,civilians,\n", 4, "already listed on line 3"),
        ("gunman,armed,\n", 3, "unknown role"),
        ("gunman ,armed_nonstate,\n", 3, "stray whitespace"),
        ("security  force,state_generic,\n", 3, "stray whitespace"),
        (",civilians,\n", 3, "empty lemma"),
        ("gunman,armed_nonstate\n", 3, "expected 3 fields"),
    ],
)
def test_bad_generic_file(tmp_path: Path, body: str, line: int, problem: str) -> None:
    groups = write(tmp_path, "groups.csv", GOOD_GROUPS)
    generic = write(tmp_path, "bad_generic.csv", GENERIC_HEADER + body)
    with pytest.raises(RuleFileError, match=rf"bad_generic\.csv line {line}: .*{re.escape(problem)}"):
        load_actor_dictionary(groups, generic)


def test_missing_and_undecodable_files(tmp_path: Path) -> None:
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    with pytest.raises(RuleFileError, match=r"nowhere\.csv: file not found"):
        load_actor_dictionary(tmp_path / "nowhere.csv", generic)
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(GOOD_GROUPS.replace("Al Shabaab,", "Séléka,").encode("latin-1"))
    with pytest.raises(RuleFileError, match=r"latin1\.csv: not UTF-8"):
        load_actor_dictionary(latin1, generic)


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    groups = tmp_path / "groups.csv"
    groups.write_bytes(b"\xef\xbb\xbf" + GOOD_GROUPS.encode("utf-8"))
    generic = write(tmp_path, "generic.csv", GOOD_GENERIC)
    assert load_actor_dictionary(groups, generic).groups[0].name == "Al Shabaab"
