"""Short reports we wrote: what must be coded, and what must not (negation, hypotheticals, threats,
denials, metaphors, history, court cases), with actors, places, dates and tolls."""

import pytest

from eventscope.api import Pipeline, extract

PUBLISHED = "2023-06-13"  # a Tuesday


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline.load()


def events(pipeline, text, published=PUBLISHED):
    return [e.to_record() for e in extract(text, published, pipeline=pipeline)]


# (text, sub_event_type, actor1 contains, actor2 contains or None, location, event_date, fatalities)
POSITIVE = [
    ("Gunmen killed seven villagers in Zamfara state on Sunday, local officials said.",
     "Attack", "Unidentified Armed Group (Nigeria)", "Civilians (Nigeria)", "Zamfara", "2023-06-11", 7),
    ("Al-Shabaab fighters stormed a military base in Lower Shabelle on Monday, killing twelve soldiers.",
     "Armed clash", "Al Shabaab", "Military Forces of Somalia", None, "2023-06-12", 12),
    ("A roadside bomb killed two police officers in Quetta yesterday.",
     "Remote explosive/landmine/IED", "Unidentified Armed Group (Pakistan)", "Police Forces of Pakistan", "Quetta",
     "2023-06-12", 2),
    ("A suicide bomber blew himself up at a mosque in Peshawar on Friday, killing 30 worshippers.",
     "Suicide bomb", "Unidentified Armed Group (Pakistan)", "Civilians (Pakistan)", "Peshawar", "2023-06-09", 30),
    ("Russian forces shelled the city of Kherson overnight, killing three civilians, the governor said.",
     "Shelling/artillery/missile attack", "Military Forces of Russia", "Civilians (Ukraine)", "Kherson",
     "2023-06-13", 3),
    ("An Israeli air strike on a house in Rafah killed five people on Saturday.",
     "Air/drone strike", "Military Forces of Israel", "Civilians (Palestine)", "Rafah", "2023-06-10", 5),
    ("M23 rebels seized the town of Bunagana on Monday after the army withdrew.",
     "Non-state actor overtakes territory", "M23", None, None, "2023-06-12", 0),
    ("Malian troops recaptured the town of Kidal from rebels on Sunday.",
     "Government regains territory", "Military Forces of Mali", None, "Kidal", "2023-06-11", 0),
    ("Bandits abducted 25 students from a school in Kebbi state on Thursday.",
     "Abduction/forced disappearance", "Unidentified Armed Group (Nigeria)", "Civilians (Nigeria)", None,
     "2023-06-08", 0),
    ("Police arrested a senior Boko Haram commander in Maiduguri on Saturday.",
     "Arrests", "Police Forces of Nigeria", "Boko Haram", "Maiduguri", "2023-06-10", 0),
    ("Thousands of teachers protested peacefully outside parliament in Nairobi on Monday.",
     "Peaceful protest", "Protesters (Kenya)", None, "Nairobi", "2023-06-12", 0),
    ("Police fired tear gas to disperse hundreds of protesters in Dakar on Friday.",
     "Protest with intervention", "Protesters (Senegal)", "Police Forces of Senegal", "Dakar", "2023-06-09", 0),
    ("Security forces opened fire on demonstrators in Khartoum on Sunday, killing four of them.",
     "Excessive force against protesters", "Protesters (Sudan)", "Sudan", "Khartoum", "2023-06-11", 4),
    ("Rioters torched cars and threw stones at police in Marseille on Saturday night.",
     "Violent demonstration", "Rioters (France)", "Police Forces of France", "Marseille", "2023-06-10", 0),
    ("A mob lynched two men accused of theft in Kano on Wednesday.",
     "Mob violence", "Rioters (Nigeria)", "Civilians (Nigeria)", "Kano", "2023-06-07", 2),
    ("Army engineers defused a landmine planted on a road near Kandahar on Monday.",
     "Disrupted weapons use", "Military Forces of Afghanistan", None, None, "2023-06-12", 0),
    ("Twenty-seven people died when gunmen attacked a market in Bunia on Sunday.",
     "Attack", "Unidentified Armed Group", "Civilians (Democratic Republic of Congo)", "Bunia", "2023-06-11", 27),
]


@pytest.mark.parametrize(("text", "sub", "actor1", "actor2", "location", "day", "deaths"), POSITIVE)
def test_codes(pipeline, text, sub, actor1, actor2, location, day, deaths):
    found = [e for e in events(pipeline, text) if e["sub_event_type"] == sub]
    assert found, f"{sub} not coded from: {text} -> {[e['sub_event_type'] for e in events(pipeline, text)]}"
    event = found[0]
    assert actor1 in event["actor1"]
    if actor2 is not None:
        assert actor2 in (event["actor2"] or "")
    if location is not None:
        assert event["location"] == location or event["admin1"] == location
    assert event["event_date"] == day
    assert event["fatalities"] == deaths
    fields = {e["field"] for e in event["evidence"]}
    assert {"event_type", "actor1"} <= fields


NEGATIVE = [
    # threats, plans, hypotheticals, forecasts
    "The group threatened to attack the capital if its demands were not met.",
    "Rebels could seize the town within days, analysts warned.",
    "The army plans to launch an offensive against the militants next month.",
    "If the talks fail, fighting will resume in the north.",
    # denials and negation
    "The army denied that its soldiers had killed any civilians in the village.",
    "No attack took place in the city on Monday, police said.",
    # metaphors: sport, politics, markets
    "Pakistan's pace attack destroyed India's batting line-up in New York on Sunday.",
    "The opposition leader attacked the government's budget in a fiery speech on Monday.",
    "The striker shot the ball past the goalkeeper to kill off the match in the second half.",
    "Shares were hammered as a price war hit the airline market on Monday.",
    # history, anniversaries, court cases, aggregates
    "The country marked the tenth anniversary of the 2013 massacre on Monday.",
    "A court in Nairobi convicted three men over the 2015 attack on Garissa University.",
    "More than 6,000 people have been killed in the insurgency since 2004.",
    "The province has seen a number of attacks since April.",
    # general statements
    "Security forces are stretched thin as they deal with attacks all over the country.",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_codes_nothing(pipeline, text):
    assert events(pipeline, text) == []


def test_without_publication_date_relative_dates_are_null(pipeline):
    [event] = events(pipeline, "Gunmen killed seven villagers in Zamfara state on Sunday.", None)
    assert event["event_date"] is None and event["year"] is None


def test_absolute_date_needs_no_publication_date(pipeline):
    [event] = events(pipeline, "Gunmen killed seven villagers in Zamfara state on 4 March 2023.", None)
    assert event["event_date"] == "2023-03-04" and event["time_precision"] == 1


def test_no_day_given_is_the_report_week(pipeline):
    [event] = events(pipeline, "Gunmen killed seven villagers in Zamfara state, local officials said.")
    assert event["event_date"] == PUBLISHED and event["time_precision"] == 2


def test_two_towns_are_two_events(pipeline):
    found = events(pipeline, "Gunmen killed five people in Kano and six people in Kaduna on Sunday.")
    assert sorted(e["location"] for e in found) == ["Kaduna", "Kano"]


def test_event_ids_are_stable(pipeline):
    text = "Gunmen killed seven villagers in Zamfara state on Sunday."
    assert [e["event_id"] for e in events(pipeline, text)] == [e["event_id"] for e in events(pipeline, text)]


def test_evidence_points_at_the_words(pipeline):
    text = "A roadside bomb killed two police officers in Quetta yesterday."
    [event] = events(pipeline, text)
    for evidence in event["evidence"]:
        assert text[evidence["start"]:evidence["end"]] == evidence["text"]
