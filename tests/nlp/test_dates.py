"""Date expressions resolved against a publication date, as ACLED coders read them."""

import datetime as dt

import pytest

from eventscope.nlp.dates import DateRules

RULES = DateRules()
MONDAY = dt.date(2015, 9, 28)  # a Monday


def first(text: str, reference: dt.date | None = MONDAY):
    found = RULES.find(text, reference)
    assert found, f"no date expression in {text!r}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("militants stormed the city before dawn", "2015-09-28", 1),
        ("gunmen attacked the village on Monday", "2015-09-28", 1),  # same weekday as the report
        ("the army said on Sunday", "2015-09-27", 1),
        ("rebels took the town late on Thursday", "2015-09-24", 1),
        ("early on Saturday a bomb exploded", "2015-09-26", 1),
        ("on Saturday night the air force struck", "2015-09-26", 1),
        ("last Monday", "2015-09-21", 1),
        ("yesterday", "2015-09-27", 1),
        ("last night", "2015-09-27", 1),
        ("two days ago", "2015-09-26", 1),
        ("last week", "2015-09-21", 2),
        ("earlier this month", "2015-09-28", 3),
        ("in the past 24 hours", "2015-09-28", 2),
        ("on 3 May", "2015-05-03", 1),
        ("on September 25", "2015-09-25", 1),
        ("March 28, 2021", "2021-03-28", 1),
        ("12th May, 2021", "2021-05-12", 1),
        ("Sunday December 4, 2016", "2016-12-04", 1),
        ("2021-05-12", "2021-05-12", 1),
        ("08/15/2023 22:01", "2023-08-15", 1),
    ],
)
def test_resolves(text, expected, precision):
    expression = first(text)
    assert str(expression.date) == expected
    assert expression.precision == precision


def test_weekday_with_day_number_in_brackets():
    assert str(first("killed this Tuesday (15) by police", dt.date(2023, 8, 15)).date) == "2023-08-15"
    assert str(first("killed this Tuesday (8) by police", dt.date(2023, 8, 15)).date) == "2023-08-08"


@pytest.mark.parametrize(
    "text",
    ["attacks since April", "the insurgency 14 years ago", "violence has risen since last year",
     "over the past two years", "since they lost power in 2001's invasion", "the first anniversary",
     "the city was besieged in February", "in 2010"],
)
def test_background(text):
    expressions = RULES.find(text, MONDAY)
    assert expressions and all(e.background for e in expressions), expressions


def test_no_reference_leaves_relative_dates_unresolved():
    assert first("on Monday", None).date is None
    assert first("yesterday", None).date is None
    assert str(first("on March 28, 2021", None).date) == "2021-03-28"


@pytest.mark.parametrize("text", ["it may 3 times", "a peaceful march 5 kilometres long", "next Monday"])
def test_not_dates(text):
    assert [e for e in RULES.find(text, MONDAY) if e.date is not None] == []


def test_ambiguous_slash_date_is_not_guessed():
    assert RULES.find("04/05/2021", MONDAY) == []
