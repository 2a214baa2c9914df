"""Pure DataFrame-in, DataFrame-out calculations behind the figures in the pack.

The template notebook's compute cells call these functions on the store's canonical tables;
``from boardpack import metrics`` makes every module available as ``metrics.<module>``.
"""

from . import (  # noqa: F401
    asb,
    change,
    complaints,
    confidence,
    commitments,
    crime,
    criminal_justice,
    custody,
    ethnicity,
    funnel,
    london,
    other_crime,
    priorities,
    rates,
    stop_search,
    uncertainty,
)
