"""The actor dictionary: named groups (data/actors/groups.csv) and generic actor nouns (generic.csv).

Both files are versioned CSV: the first line is ``# version: N``; later lines starting with ``#`` and
blank lines are comments; the next line is the header. A row never spans lines, so every error can
name its file and line. Aliases are ``|``-separated; a leading ``=`` marks an alias matched with its
exact case (abbreviations that are ordinary words in lower case: ``=ADF``, ``=IS``).

One alias may name several groups only where the text plus an event's date and country still pick
one: their date ranges do not overlap, or their home countries (first ISO3 code) differ. That is how
``Taliban`` is a rebel group until 2021-08-14 and Afghanistan's state forces after, and how
``Islamic State`` names a different ACLED actor in Iraq, Syria or Afghanistan.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pycountry

from eventscope.errors import RuleFileError

# The inter types a named group can have; rioters, protesters and civilians are never named groups.
GROUP_INTER: dict[str, int] = {
    "state_forces": 1,
    "rebel_group": 2,
    "political_militia": 3,
    "identity_militia": 4,
    "external_forces": 8,
}

GENERIC_ROLES: frozenset[str] = frozenset(
    {
        "armed_nonstate",
        "state_military",
        "state_police",
        "state_generic",
        "civilians",
        "protesters",
        "rioters",
        "mob",
        "militia_identity",
        "people",
    }
)

GROUP_COLUMNS: tuple[str, ...] = ("name", "aliases", "inter", "countries", "valid_from", "valid_to", "note")
GENERIC_COLUMNS: tuple[str, ...] = ("lemma", "role", "note")

# ISO3 codes ACLED uses that ISO 3166-1 lacks (Kosovo's user-assigned code).
EXTRA_ISO3: frozenset[str] = frozenset({"XKX"})

_VERSION_LINE = re.compile(r"# version: ([1-9][0-9]*)")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO3 = re.compile(r"[A-Z]{3}")
_DATA_PACKAGE = "eventscope"


@dataclass(frozen=True, slots=True)
class GroupEntry:
    """A named actor in ACLED's naming, with the surface forms news uses for it."""

    name: str
    aliases: tuple[str, ...]  # matched ignoring case
    case_sensitive_aliases: tuple[str, ...]  # matched with their exact case
    inter: int  # ACLED inter code, see models.INTER_NAMES
    countries: tuple[str, ...]  # ISO3 codes, home country first
    valid_from: dt.date | None
    valid_to: dt.date | None
    note: str = ""

    @property
    def home_country(self) -> str:
        return self.countries[0]

    def valid_on(self, day: dt.date) -> bool:
        """Whether the entry names the actor on this day (both ends inclusive)."""
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day <= self.valid_to


@dataclass(frozen=True, slots=True)
class GenericEntry:
    """A common noun for an unnamed actor ("gunman", "villager") and the role it denotes."""

    lemma: str
    role: str


class ActorDictionary:
    """Named groups and generic nouns, indexed for alias and lemma lookup."""

    def __init__(
        self,
        groups: tuple[GroupEntry, ...],
        generics: tuple[GenericEntry, ...],
        groups_version: int,
        generic_version: int,
    ) -> None:
        self.groups = groups
        self.generics = generics
        self.groups_version = groups_version
        self.generic_version = generic_version
        # casefolded alias -> [(entry, alias as written, case_sensitive)]
        self._by_alias: dict[str, list[tuple[GroupEntry, str, bool]]] = {}
        for entry in groups:
            for alias in entry.aliases:
                self._by_alias.setdefault(alias.casefold(), []).append((entry, alias, False))
            for alias in entry.case_sensitive_aliases:
                self._by_alias.setdefault(alias.casefold(), []).append((entry, alias, True))
        self._roles = {g.lemma: g.role for g in generics}

    def groups_for_alias(
        self, alias: str, on: dt.date | None = None, *, country: str | None = None
    ) -> list[GroupEntry]:
        """Groups an alias names, in file order (the likelier reading first); the caller picks.

        on: keep only entries valid on that day; None keeps every entry.
        country: an event's ISO3 code; entries at home there come first, then entries active there.
        """
        alias = " ".join(alias.split())  # a span of article text may break across a line
        found: list[GroupEntry] = []
        for entry, written, case_sensitive in self._by_alias.get(alias.casefold(), ()):
            if case_sensitive and alias != written:
                continue
            if on is not None and not entry.valid_on(on):
                continue
            if entry not in found:
                found.append(entry)
        if country is not None:
            found.sort(key=lambda e: (e.home_country != country, country not in e.countries))
        return found

    def all_aliases(self) -> list[tuple[str, bool]]:
        """Every distinct (alias, case_sensitive) pair, for building a PhraseMatcher."""
        seen: set[tuple[str, bool]] = set()
        out: list[tuple[str, bool]] = []
        for entry in self.groups:
            pairs = [(a.casefold(), a, False) for a in entry.aliases]
            pairs += [(a, a, True) for a in entry.case_sensitive_aliases]
            for key, alias, case_sensitive in pairs:
                if (key, case_sensitive) not in seen:
                    seen.add((key, case_sensitive))
                    out.append((alias, case_sensitive))
        return out

    def generic_role(self, lemma: str) -> str | None:
        """The role a generic noun denotes ("gunman" -> "armed_nonstate"), or None."""
        return self._roles.get(" ".join(lemma.lower().split()))


def load_actor_dictionary(
    groups_path: str | Path | None = None, generic_path: str | Path | None = None
) -> ActorDictionary:
    """Read and validate both files; defaults are the files shipped in eventscope/data/actors/."""
    groups_source = _source(groups_path, "groups.csv")
    generic_source = _source(generic_path, "generic.csv")
    groups_version, groups = _parse_groups(*groups_source)
    generic_version, generics = _parse_generic(*generic_source)
    return ActorDictionary(groups, generics, groups_version, generic_version)


def _source(path: str | Path | None, default_name: str) -> tuple[str, str]:
    """(label for messages, text) of a user-given path or of the packaged file."""
    # A Path, or the package data file (an importlib Traversable: it may live inside a zip).
    packaged = resources.files(_DATA_PACKAGE) / "data" / "actors" / default_name
    file = Path(path) if path is not None else packaged
    label = str(file)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RuleFileError(f"{label}: file not found") from None
    except UnicodeDecodeError as exc:
        raise RuleFileError(f"{label}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise RuleFileError(f"{label}: cannot be read ({exc.strerror})") from None
    return label, text.removeprefix("\ufeff")


def _rows(label: str, text: str, columns: tuple[str, ...]) -> tuple[int, Iterator[tuple[int, list[str]]]]:
    """The file's version and its data rows as (line number, fields), checked for shape and spacing."""
    lines = text.splitlines()
    version_match = _VERSION_LINE.fullmatch(lines[0].rstrip("\r")) if lines else None
    if version_match is None:
        raise RuleFileError(f"{label} line 1: the first line must be '# version: N' (N a positive integer)")
    version = int(version_match.group(1))

    def rows() -> Iterator[tuple[int, list[str]]]:
        header_seen = False
        for lineno, line in enumerate(lines[1:], start=2):
            if not line.strip() or line.startswith("#"):
                continue
            try:
                fields = next(csv.reader([line], strict=True))
            except csv.Error as exc:
                raise RuleFileError(f"{label} line {lineno}: malformed CSV ({exc})") from None
            if not header_seen:
                if tuple(fields) != columns:
                    raise RuleFileError(
                        f"{label} line {lineno}: header must be {','.join(columns)}, got {','.join(fields)}"
                    )
                header_seen = True
                continue
            if len(fields) != len(columns):
                raise RuleFileError(
                    f"{label} line {lineno}: expected {len(columns)} fields, got {len(fields)}"
                    " (quote fields that contain commas)"
                )
            for column, value in zip(columns, fields, strict=True):
                if value != value.strip() or "  " in value:
                    raise RuleFileError(f"{label} line {lineno}: stray whitespace in {column} {value!r}")
            yield lineno, fields
        if not header_seen:
            raise RuleFileError(f"{label}: no header line ({','.join(columns)})")

    return version, rows()


def _parse_date(label: str, lineno: int, column: str, value: str) -> dt.date | None:
    if not value:
        return None
    if not _ISO_DATE.fullmatch(value):
        raise RuleFileError(f"{label} line {lineno}: {column} {value!r} is not a YYYY-MM-DD date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RuleFileError(f"{label} line {lineno}: {column} {value!r} is not a real date") from None


def _is_iso3(code: str) -> bool:
    return code in EXTRA_ISO3 or pycountry.countries.get(alpha_3=code) is not None


def _overlap(a: GroupEntry, b: GroupEntry) -> bool:
    """Whether two entries' date ranges share a day (open ends reach forever)."""
    a_from, b_from = a.valid_from or dt.date.min, b.valid_from or dt.date.min
    a_to, b_to = a.valid_to or dt.date.max, b.valid_to or dt.date.max
    return a_from <= b_to and b_from <= a_to


def _parse_groups(label: str, text: str) -> tuple[int, tuple[GroupEntry, ...]]:
    version, rows = _rows(label, text, GROUP_COLUMNS)
    entries: list[GroupEntry] = []
    name_lines: dict[str, int] = {}
    # casefolded alias -> [(entry, alias as written, case_sensitive, line)]
    seen_aliases: dict[str, list[tuple[GroupEntry, str, bool, int]]] = {}
    for lineno, (name, alias_field, inter, country_field, from_field, to_field, note) in rows:
        where = f"{label} line {lineno}"
        if not name:
            raise RuleFileError(f"{where}: empty name")
        if name in name_lines:
            raise RuleFileError(f"{where}: name {name!r} already used on line {name_lines[name]}")
        name_lines[name] = lineno
        if inter not in GROUP_INTER:
            raise RuleFileError(f"{where}: unknown inter {inter!r} (one of {', '.join(GROUP_INTER)})")

        insensitive: list[str] = []
        sensitive: list[str] = []
        for raw in alias_field.split("|"):
            case_sensitive = raw.startswith("=")
            alias = raw[1:] if case_sensitive else raw
            if not alias:
                raise RuleFileError(f"{where}: empty alias in {alias_field!r}")
            if alias != alias.strip() or "  " in alias:
                raise RuleFileError(f"{where}: stray whitespace in alias {raw!r}")
            folded = alias.casefold()
            repeated = (
                alias in sensitive if case_sensitive else folded in {a.casefold() for a in sensitive}
            ) or folded in {a.casefold() for a in insensitive}
            if repeated:
                raise RuleFileError(f"{where}: alias {raw!r} repeats another alias of the row")
            (sensitive if case_sensitive else insensitive).append(alias)

        countries = tuple(country_field.split("|"))
        for code in countries:
            if not _ISO3.fullmatch(code) or not _is_iso3(code):
                raise RuleFileError(f"{where}: {code!r} is not an ISO 3166 alpha-3 country code")
        if len(set(countries)) != len(countries):
            raise RuleFileError(f"{where}: a country code is repeated in {country_field!r}")

        valid_from = _parse_date(label, lineno, "valid_from", from_field)
        valid_to = _parse_date(label, lineno, "valid_to", to_field)
        if valid_from and valid_to and valid_from > valid_to:
            raise RuleFileError(f"{where}: valid_from {valid_from} is after valid_to {valid_to}")

        entry = GroupEntry(
            name=name,
            aliases=tuple(insensitive),
            case_sensitive_aliases=tuple(sensitive),
            inter=GROUP_INTER[inter],
            countries=countries,
            valid_from=valid_from,
            valid_to=valid_to,
            note=note,
        )
        for alias, case_sensitive in [(a, False) for a in insensitive] + [(a, True) for a in sensitive]:
            for other, other_alias, other_sensitive, other_line in seen_aliases.get(alias.casefold(), ()):
                # Two case-sensitive spellings that differ in case ("JeM", "JEM") never match the same text.
                same_text = not (case_sensitive and other_sensitive) or alias == other_alias
                if same_text and other.home_country == entry.home_country and _overlap(other, entry):
                    raise RuleFileError(
                        f"{where}: alias {alias!r} also names {other.name!r} (line {other_line}) with the"
                        f" same home country {entry.home_country} over overlapping dates"
                    )
            seen_aliases.setdefault(alias.casefold(), []).append((entry, alias, case_sensitive, lineno))
        entries.append(entry)
    return version, tuple(entries)


def _parse_generic(label: str, text: str) -> tuple[int, tuple[GenericEntry, ...]]:
    version, rows = _rows(label, text, GENERIC_COLUMNS)
    entries: list[GenericEntry] = []
    lemma_lines: dict[str, int] = {}
    for lineno, (lemma, role, _note) in rows:
        where = f"{label} line {lineno}"
        if not lemma:
            raise RuleFileError(f"{where}: empty lemma")
        if lemma != lemma.lower():
            raise RuleFileError(f"{where}: lemma {lemma!r} must be lower case")
        if lemma in lemma_lines:
            raise RuleFileError(f"{where}: lemma {lemma!r} already listed on line {lemma_lines[lemma]}")
        lemma_lines[lemma] = lineno
        if role not in GENERIC_ROLES:
            raise RuleFileError(f"{where}: unknown role {role!r} (one of {', '.join(sorted(GENERIC_ROLES))})")
        entries.append(GenericEntry(lemma=lemma, role=role))
    return version, tuple(entries)
