"""Date expressions in text, resolved against a reference (publication) date.

`DateRules.find(text, reference)` returns every expression with its span, the day it names (or None
when it cannot be resolved: never guessed) and ACLED's time precision.  The words live in
data/rules/dates.yaml; the rules here are how ACLED coders read them:
- "on Monday" in a report published on a Monday is that same day; otherwise the latest past Monday;
- "early on Sunday" / "late on Saturday" / "Thursday night" are that weekday;
- a day and month without a year take the latest such day not after the reference date;
- without a reference date only expressions with a year resolve.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from eventscope.rules import packaged_yaml

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": 3,
    "several": 3,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DateExpression:
    start: int
    end: int
    text: str
    kind: str  # absolute, weekday, relative, ago, month, year, background
    date: dt.date | None
    precision: int
    # The expression places what it qualifies in the past or over a long span ("since April").
    background: bool = False


class DateRules:
    """Compiled date patterns from a rules mapping (defaults to data/rules/dates.yaml)."""

    def __init__(self, rules: dict[str, Any] | None = None) -> None:
        rules = rules or packaged_yaml("rules/dates.yaml")
        self.history_after_days = int(rules["history_after_days"])
        self.months: dict[str, int] = {k: int(v) for k, v in rules["months"].items() if k != "__line__"}
        self.weekdays: list[str] = list(rules["weekdays"])
        self.relative = {
            k: (int(v["offset"]), int(v["precision"])) for k, v in rules["relative_days"].items() if k != "__line__"
        }
        self.units = {
            k: (int(v["days"]), int(v["precision"])) for k, v in rules["units"].items() if k != "__line__"
        }
        self.background = [re.compile(p, re.IGNORECASE) for p in rules["background"]]
        month = "|".join(sorted((re.escape(m) for m in self.months), key=len, reverse=True))
        weekday = "|".join(self.weekdays)
        ordinal = r"(\d{1,2})(?:st|nd|rd|th)?"
        self._patterns: list[tuple[str, re.Pattern[str]]] = [
            ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
            ("slash", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")),
            # "March 28, 2021", "Sunday December 4, 2016", "Dec. 4"
            ("mdy", re.compile(rf"\b(?:(?:{weekday}),?\s+)?({month})\.?\s+{ordinal}\b(?:,?\s+(\d{{4}})\b)?", re.I)),
            # "28 March 2021", "12th May, 2021", "3rd of May"
            ("dmy", re.compile(rf"\b{ordinal}\s+(?:of\s+)?({month})\b\.?(?:,?\s+(\d{{4}})\b)?", re.I)),
            ("month_year", re.compile(rf"\b({month})\.?\s+(\d{{4}})\b", re.I)),
            # "this Tuesday (15)": a weekday with the day of the month in brackets
            ("weekday", re.compile(
                rf"\b(?:(early|late|last|this|next|on|past)\s+(?:on\s+)?)?({weekday})"
                rf"(?:\s*\((\d{{1,2}})\))?(?:\s+(morning|afternoon|evening|night))?(?!\w)", re.I)),
            ("ago", re.compile(
                r"\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a couple of|a few|several)"
                r"\s+(day|night|week|month|year|decade)s?\s+ago\b", re.I)),
            ("relative", re.compile(
                r"\b(?:" + "|".join(sorted((re.escape(k) for k in self.relative), key=len, reverse=True)) + r")\b",
                re.I)),
            ("in_month", re.compile(rf"\b(?:in|since|during|until|early|late|mid-?)\s+({month})\b(?!\.?\s*\d)", re.I)),
            ("year", re.compile(r"\b(?:in|since|of|during|until|by)\s+((?:19|20)\d\d)\b|\b((?:19|20)\d\d)'s\b")),
        ]  # fmt: skip

    def find(self, text: str, reference: dt.date | None) -> list[DateExpression]:
        """Every date expression in text, left to right, overlapping matches resolved longest-first."""
        found: list[DateExpression] = []
        taken: list[tuple[int, int]] = []
        # Background phrases first: "since the start of 2012" is one span of history, not "of 2012".
        for pattern in self.background:
            for match in pattern.finditer(text):
                span = match.span()
                if any(span[0] < e and s < span[1] for s, e in taken):
                    continue
                taken.append(span)
                found.append(DateExpression(span[0], span[1], match.group(0), "background", None, 3, True))
        for kind, pattern in self._patterns:
            for match in pattern.finditer(text):
                span = match.span()
                if any(span[0] < e and s < span[1] for s, e in taken):
                    continue
                expression = self._resolve(kind, match, reference)
                if expression is None:
                    continue
                taken.append(span)
                found.append(expression)
        found.sort(key=lambda e: e.start)
        return self._mark_history(found, reference)

    def _mark_history(self, found: list[DateExpression], reference: dt.date | None) -> list[DateExpression]:
        out = []
        for e in found:
            old = False
            if e.date is not None and reference is not None:
                old = (reference - e.date).days > self.history_after_days
            if e.kind == "year" and e.date is not None and reference is not None:
                old = e.date.year < reference.year
            if old and not e.background:
                e = DateExpression(e.start, e.end, e.text, e.kind, e.date, e.precision, True)
            out.append(e)
        return out

    # -- resolution ---------------------------------------------------------------------------

    def _resolve(self, kind: str, m: re.Match[str], ref: dt.date | None) -> DateExpression | None:
        text, start, end = m.group(0), m.start(), m.end()

        def make(day: dt.date | None, precision: int, background: bool = False) -> DateExpression:
            return DateExpression(start, end, text, kind, day, precision, background)

        if kind == "iso":
            day = _safe_date(int(m[1]), int(m[2]), int(m[3]))
            return make(day, 1) if day else None
        if kind == "slash":
            first, second, year = int(m[1]), int(m[2]), int(m[3])
            if first > 12 and second <= 12:
                day = _safe_date(year, second, first)
            elif second > 12 and first <= 12:
                day = _safe_date(year, first, second)
            else:
                return None  # 04/05/2021 is April 5 or 4 May: not guessed
            return make(day, 1) if day else None
        if kind in ("mdy", "dmy", "month_year", "in_month") and not _capitalised_month(m, kind):
            return None  # "may", "march" in lower case are a verb and a noun, not months
        if kind in ("mdy", "dmy"):
            if kind == "mdy":
                month, day_number, year = self.months[m[1].lower().rstrip(".")], int(m[2]), m[3]
            else:
                day_number, month, year = int(m[1]), self.months[m[2].lower().rstrip(".")], m[3]
            if year:
                day = _safe_date(int(year), month, day_number)
                return make(day, 1) if day else None
            if not 1 <= day_number <= 31:
                return None
            return make(_latest_before(ref, month, day_number), 1)
        if kind == "month_year":
            month, year = self.months[m[1].lower().rstrip(".")], int(m[2])
            return make(_safe_date(year, month, 1), 3)
        if kind == "in_month":
            month = self.months[m[1].lower().rstrip(".")]
            if ref is None:
                return make(None, 3)
            year = ref.year if month <= ref.month else ref.year - 1
            background = text.lower().startswith("since")
            return make(dt.date(year, month, 1), 3, background)
        if kind == "year":
            year = int(m[1] or m[2])
            background = text.lower().startswith("since")
            return make(dt.date(year, 1, 1), 3, background)
        if kind == "weekday":
            return self._weekday(m, ref, make)
        if kind == "ago":
            count = NUMBER_WORDS.get(m[1].lower()) or (int(m[1]) if m[1].isdigit() else None)
            days, precision = self.units[m[2].lower()]
            if count is None or ref is None:
                return make(None, precision, days >= 30)
            if m[1].lower() in ("a few", "several"):
                precision = max(precision, 2)
            return make(ref - dt.timedelta(days=count * days), precision, days * count > self.history_after_days)
        if kind == "relative":
            offset, precision = self.relative[text.lower()]
            if ref is None:
                return make(None, precision)
            return make(ref + dt.timedelta(days=offset), precision)
        return None

    def _weekday(self, m: re.Match[str], ref: dt.date | None, make: Any) -> DateExpression | None:
        modifier = (m[1] or "").lower()
        weekday = self.weekdays.index(m[2].lower())
        if modifier == "next":
            return None  # the future is not an event
        if ref is None:
            return make(None, 1)
        back = (ref.weekday() - weekday) % 7
        if modifier == "last" and back == 0:
            back = 7
        day = ref - dt.timedelta(days=back)
        if m[3]:  # "Tuesday (15)": trust the day number when it agrees with a recent date
            number = int(m[3])
            if day.day != number:
                for weeks in (1, 2):
                    candidate = day - dt.timedelta(days=7 * weeks)
                    if candidate.day == number:
                        day = candidate
                        break
        return make(day, 1)


def _capitalised_month(m: re.Match[str], kind: str) -> bool:
    month = m[2] if kind == "dmy" else m[1]
    return month[:1].isupper()


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _latest_before(ref: dt.date | None, month: int, day: int) -> dt.date | None:
    """The latest date with this month and day not after ref (a week of slack for late reports)."""
    if ref is None:
        return None
    for year in (ref.year, ref.year - 1):
        candidate = _safe_date(year, month, day)
        if candidate and candidate <= ref + dt.timedelta(days=7):
            return candidate
    return None
