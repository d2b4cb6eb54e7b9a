"""Cleaning keeps offsets, labels page furniture, and finds the date relative expressions refer to."""

import datetime as dt

from eventscope.clean import clean
from eventscope.models import Article


def make(text, published=None, url=None):
    return clean(Article(id="t", text=text, published=published, url=url))


def test_blocks_keep_offsets_and_label_furniture():
    text = ("Troops retake town\n\nAdvertisement\n\nSoldiers retook the town on Monday, officials said.\n\n"
            "Image caption,\nResidents fled as fighting raged\n\nRelated Topics\nMore stories here")
    result = make(text)
    kinds = [(b.kind, text[b.start:b.end]) for b in result.blocks]
    assert kinds[0] == ("headline", "Troops retake town")
    assert ("boilerplate", "Advertisement") in kinds
    assert ("caption", "Residents fled as fighting raged") in kinds
    assert ("body", "Soldiers retook the town on Monday, officials said.") in kinds
    assert kinds[-1][0] == "boilerplate"  # everything after "Related Topics"


def test_reference_date_from_publication_url_or_header():
    assert make("x", published=dt.date(2020, 1, 2)).reference_date == dt.date(2020, 1, 2)
    assert make("Shelling hit the town.", url="https://example.org/news/2015/05/04/story/").reference_date == \
        dt.date(2015, 5, 4)
    header = make("A policeman dispersing protesters in Narayanganj, March 28, 2021.\n\nPolice fired tear gas Sunday.")
    assert header.reference_date == dt.date(2021, 3, 28) and header.reference_evidence.text == "March 28, 2021"
    assert make("Taliban fighters stormed the city before dawn.").reference_date is None


def test_dateline():
    assert make("NARATHIWAT — A bomb killed a ranger today.").dateline.text == "NARATHIWAT"
    assert make("MEXICO CITY (AP) — The army arrested a cartel chief.").dateline.text == "MEXICO CITY"
    text = "Kabul, (APP - News - 12th May, 2021 ) :The Taliban seized a district."
    assert make(text).dateline.text == "Kabul"
    assert make("The Taliban seized a district, officials said.").dateline is None
