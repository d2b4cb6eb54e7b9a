"""Every event-type rule's own examples: each 'match' sentence codes that sub-event type, each
'no_match' sentence does not (data/rules/event_types.yaml)."""

import pytest

from eventscope.api import Pipeline
from eventscope.nlp.event_rules import load_event_rules

PUBLISHED = "2023-06-13"  # a Tuesday: "on Monday" is the day before

RULES = load_event_rules()
MATCH = [(r.sub_event_type, s) for r in RULES.rules for s in r.examples_match]
NO_MATCH = [(r.sub_event_type, s) for r in RULES.rules for s in r.examples_no_match]


@pytest.fixture(scope="module")
def pipeline():
    return Pipeline.load()


def coded(pipeline, sentence):
    from eventscope.api import extract

    return [e.sub_event_type for e in extract(sentence, PUBLISHED, pipeline=pipeline)]


def test_every_rule_has_examples():
    for rule in RULES.rules:
        assert rule.examples_match and rule.examples_no_match, f"line {rule.line}: {rule.sub_event_type}"


def test_every_sub_event_type_is_coded_by_a_rule():
    assert {r.sub_event_type for r in RULES.rules} >= set(RULES.types)


@pytest.mark.parametrize(("sub_event_type", "sentence"), MATCH)
def test_example_matches(pipeline, sub_event_type, sentence):
    assert sub_event_type in coded(pipeline, sentence)


@pytest.mark.parametrize(("sub_event_type", "sentence"), NO_MATCH)
def test_example_does_not_match(pipeline, sub_event_type, sentence):
    assert sub_event_type not in coded(pipeline, sentence)
