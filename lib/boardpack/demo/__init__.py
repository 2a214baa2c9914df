"""A deterministic synthetic demo dataset in the published raw formats, for all 32 boroughs.

``ensure_demo_data()`` gives a fresh clone something to build packs from without
downloading anything. Every file is marked as synthetic (``DEMO_DATA.txt`` at the top,
"demo" in file names, "DEMO" in free-text fields) while keeping the real layouts, so the
same loaders read it as read the real downloads.
"""

from __future__ import annotations

from .coverage import DEMO_PERIOD
from .current import ensure_demo_data, generator_version, is_current

__all__ = ["DEMO_PERIOD", "ensure_demo_data", "generate_demo_data", "generator_version", "is_current"]


def __getattr__(name: str):
    # The writers load on first use: a build that only checks the dataset is current never needs them.
    if name == "generate_demo_data":
        from .generate import generate_demo_data

        return generate_demo_data
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
