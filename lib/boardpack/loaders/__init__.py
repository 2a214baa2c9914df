"""One loader per public source format (and one for the documented inputs).

Each module exposes ``SOURCES``, a list of :class:`~boardpack.loaders.source.Source`.
The store prepares them in this order.
"""

from __future__ import annotations

from . import census, crime, homicide, inputs, pas, population, stop_search

ALL_SOURCES = [
    *crime.SOURCES,
    *pas.SOURCES,
    *stop_search.SOURCES,
    *census.SOURCES,
    *population.SOURCES,
    *homicide.SOURCES,
    *inputs.SOURCES,
]
