"""Glossaries: one topic after its section, and all topics together at the end of the pack."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from ..errors import ConfigurationError
from ..report.html import esc
from .section import Section

GLOSSARY_FILE = Path(__file__).resolve().parent.parent / "text" / "glossary.yaml"
TOPIC_TITLES = {
    "crime": "Recorded crime",
    "asb": "Anti-social behaviour",
    "confidence": "Public confidence and victim satisfaction",
    "complaints": "Complaints",
    "stop_search": "Stop and search",
    "custody": "Independent custody visits",
    "criminal_justice": "Criminal justice",
}


@lru_cache(maxsize=1)
def load_glossary() -> dict[str, list[dict]]:
    """All glossary entries by topic."""
    return yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8"))


def topic_html(topic: str, heading: str | None = None) -> str:
    """A definition list for one topic."""
    entries = load_glossary()[topic]
    items = "".join(f"<dt>{esc(e['term'])}</dt><dd>{esc(e['definition'])}</dd>" for e in entries)
    head = f"<h3>{esc(heading)}</h3>" if heading else ""
    return f'{head}<dl class="glossary">{items}</dl>'


def terms(pack, topic: str | None = None) -> Section:
    """The glossary: one topic's definitions after its section, or, with no topic, every topic's at the end.

    Parameters
    ----------
    pack : BoardPack
    topic : str, optional
        A key of :data:`TOPIC_TITLES` (``"crime"``, ``"complaints"`` …).

    Raises
    ------
    ConfigurationError
        If ``topic`` is not a glossary topic; the message lists the topics.
    """
    if topic is None:
        return Section([topic_html(t, title) for t, title in TOPIC_TITLES.items()], "glossary", pack.is_demo)
    if topic not in TOPIC_TITLES:
        raise ConfigurationError(f"unknown glossary topic {topic!r}; the topics are {', '.join(TOPIC_TITLES)}")
    return Section([topic_html(topic, f"Glossary: {TOPIC_TITLES[topic].lower()}")], f"glossary_{topic}",
                   pack.is_demo)
