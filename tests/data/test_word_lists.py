"""The word lists of rules/discourse.yaml and rules/modality.yaml: non-empty lists of lower-case words.

YAML reads some bare words as booleans (on, off, yes, no): a list that holds anything but strings has
lost a word without saying so.
"""

import pytest

from eventscope.rules import packaged_yaml

DISCOURSE_LISTS = ("group_anaphors", "event_anaphors", "place_anaphors", "non_event_heads", "jurisdiction_heads",
                   "reporting_verbs", "physical_targets", "state_institutions", "attribution_verbs", "force_posts",
                   "separate_markers", "bearings", "name_connectors", "claimed_objects", "affiliation_words")
MODALITY_LISTS = ("modal_aux", "irrealis_verbs", "generic_verbs", "conditional_marks", "legal_terms", "rehearsals",
                  "accidents", "past_forms")


@pytest.mark.parametrize(("path", "key"), [("rules/discourse.yaml", k) for k in DISCOURSE_LISTS]
                         + [("rules/modality.yaml", k) for k in MODALITY_LISTS])
def test_word_list(path, key):
    words = packaged_yaml(path)[key]
    assert words, f"{path}: {key} is empty"
    assert all(isinstance(w, str) and w == w.lower() and w.strip() == w for w in words), f"{path}: {key}"


@pytest.mark.parametrize("key", ["place_kinds", "place_prepositions"])
def test_word_maps_have_string_keys(key):
    mapping = {k: v for k, v in packaged_yaml("rules/discourse.yaml")[key].items() if k != "__line__"}
    assert mapping and all(isinstance(k, str) for k in mapping), key
