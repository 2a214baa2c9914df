"""One module per pack section. Each public function takes a BoardPack and returns a displayable Section."""

from . import asb, complaints, confidence, criminal_justice, custody, glossary, recorded_crime, reference, stop_search  # noqa: F401
