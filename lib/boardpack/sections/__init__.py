"""One module per pack section. Each public function takes a BoardPack and returns a displayable Section."""

from . import (  # noqa: F401
    asb,
    commitments,
    complaints,
    confidence,
    criminal_justice,
    custody,
    funnels,
    glossary,
    london,
    priorities,
    recorded_crime,
    reference,
    stop_search,
)
