"""The 33 London local authorities the demo dataset covers (32 MPS boroughs + the City)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..registry import load_registry
from .calibration import CRIME_BOROUGH_SHARE, POPULATION_SHARE

CITY_NAME = "City of London"
CITY_CODE = "E09000001"
# ONS 2011 "Inner London" local authorities (the Nomis Census tables list these first).
INNER_LONDON = frozenset({
    "E09000001", "E09000007", "E09000012", "E09000013", "E09000014", "E09000019", "E09000020",
    "E09000022", "E09000023", "E09000025", "E09000028", "E09000030", "E09000032", "E09000033",
})


@dataclass(frozen=True)
class DemoArea:
    """One local authority as the demo generators see it."""

    name: str
    code: str
    is_borough: bool
    inner: bool
    population_share: float
    crime_share: float


@lru_cache(maxsize=1)
def london_areas() -> tuple[DemoArea, ...]:
    """All 33 London local authorities, ordered by GSS code.

    Returns
    -------
    tuple of DemoArea
        The City of London first (``is_borough`` False, no crime share), then the
        32 boroughs named as ``params/boroughs.yaml`` names them.

    Raises
    ------
    UnknownBoroughError
        If a calibration table names a borough the registry does not know.
    """
    registry = load_registry()
    crime = {registry.get(name).gss_code: share for name, share in CRIME_BOROUGH_SHARE.items()}
    total = sum(crime.values())
    pop = {CITY_CODE: POPULATION_SHARE[CITY_NAME]}
    pop.update({registry.get(n).gss_code: s for n, s in POPULATION_SHARE.items() if n != CITY_NAME})
    pop_total = sum(pop.values())
    areas = [DemoArea(CITY_NAME, CITY_CODE, False, True, pop[CITY_CODE] / pop_total, 0.0)]
    for b in registry.boroughs:
        areas.append(
            DemoArea(b.name, b.gss_code, True, b.gss_code in INNER_LONDON, pop[b.gss_code] / pop_total,
                     crime[b.gss_code] / total)
        )
    return tuple(sorted(areas, key=lambda a: a.code))


def boroughs() -> tuple[DemoArea, ...]:
    """The 32 MPS boroughs (the City of London excluded), ordered by GSS code."""
    return tuple(a for a in london_areas() if a.is_borough)
