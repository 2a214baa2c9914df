"""One module per pack section. Each public function takes a BoardPack and returns a displayable Section."""

from . import glossary, recorded_crime  # noqa: F401
