"""The glossary's one call: a topic after its section, every topic at the end, an unknown topic refused."""

from types import SimpleNamespace

import pytest
from boardpack.errors import ConfigurationError
from boardpack.sections import glossary

PACK = SimpleNamespace(is_demo=False)


def test_one_topic_and_all_topics():
    crime = glossary.terms(PACK, "crime")
    assert crime.section_id == "glossary_crime" and "Glossary: recorded crime" in crime.html
    every = glossary.terms(PACK)
    assert every.section_id == "glossary"
    for title in glossary.TOPIC_TITLES.values():
        assert f"<h3>{title}</h3>" in every.html


def test_an_unknown_topic_lists_the_topics():
    with pytest.raises(ConfigurationError, match="unknown glossary topic 'crimes'; the topics are crime, asb"):
        glossary.terms(PACK, "crimes")
