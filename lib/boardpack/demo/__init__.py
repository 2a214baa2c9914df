"""A deterministic synthetic demo dataset in the published raw formats, for all 32 boroughs.

``ensure_demo_data()`` gives a fresh clone something to build packs from without
downloading anything. Every file is marked as synthetic (``DEMO_DATA.txt`` at the top,
"demo" in file names, "DEMO" in free-text fields) while keeping the real layouts, so the
same loaders read it as read the real downloads.
"""

from __future__ import annotations

from .coverage import DEMO_PERIOD
from .current import ensure_demo_data, generator_version, is_current

# The writers (boardpack.demo.generate.generate_demo_data) are not imported here: a build that only
# checks that the dataset is current never needs them.
__all__ = ["DEMO_PERIOD", "ensure_demo_data", "generator_version", "is_current"]
