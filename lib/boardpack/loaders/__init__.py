"""One loader per public source format (and one for the documented inputs).

:data:`ALL_SOURCES` lists every source, in the order the store prepares them: its name, a line
for the manifest, how to find its files (:mod:`.discovery`) and how to parse them (the
``load`` of the source's own module). A source's module, and pandas, pandera and the
geography libraries with it, is imported the first time its files are parsed, so checking
that the store is current loads none of them.
"""

from __future__ import annotations

import importlib

from .discovery import (
    discover_census,
    discover_crime,
    discover_folder,
    discover_homicide,
    discover_pas,
    discover_population,
    discover_stop_search,
    find_boundary_files,
)
from .source import Source


def _parser(module: str, name: str = "load"):
    """``boardpack.loaders.<module>.<name>``, imported when it is first called."""

    def load(paths, registry):
        return getattr(importlib.import_module(f"{__name__}.{module}"), name)(paths, registry)

    load.__qualname__ = load.__name__ = f"{module}.{name}"
    return load


def _documented(folder: str):
    return lambda data_dir: discover_folder(data_dir, folder)


PUBLIC_SOURCES = [
    Source("crime", "MPS Borough Level Crime (Historical and most recent 24 months), monthly counts by borough and "
           "category", discover_crime, _parser("crime")),
    Source("pas", "MOPAC Public Attitude Survey: borough and MPS confidence measures by quarter", discover_pas,
           _parser("pas")),
    Source("stop_search", "police.uk stop and search records (CSV or API JSON), assigned to boroughs by location",
           discover_stop_search, _parser("stop_search")),
    Source("census", "ONS Census 2011 (QS201EW) and Census 2021 usual residents by ethnic group, London boroughs",
           discover_census, _parser("census")),
    Source("population", "ONS mid-year population estimates (MYE4) for the London boroughs", discover_population,
           _parser("population")),
    Source("homicide", "MPS homicide dashboard: victims by month, borough, method and offence type", discover_homicide,
           _parser("homicide")),
    Source("boundaries", "GLA Statistical GIS Boundary Files: the borough polygons, for maps", find_boundary_files,
           _parser("boundaries")),
]
# The sections with no public borough data read these documented formats (docs/data.md).
DOCUMENTED_INPUTS = [
    Source("asb", "ASB calls by borough and month (documented input, asb/)", _documented("asb"),
           _parser("inputs", "load_asb")),
    Source("victim_satisfaction", "User Satisfaction Survey results by borough and quarter (documented input, "
           "victim_satisfaction/)", _documented("victim_satisfaction"), _parser("inputs", "load_victim_satisfaction")),
    Source("complaints", "Complaint allegations, outcomes and workforce by borough and month (documented input, "
           "complaints/)", _documented("complaints"), _parser("inputs", "load_complaints")),
    Source("custody_visits", "Independent custody visiting by borough and quarter (documented input, "
           "custody_visits/)", _documented("custody_visits"), _parser("inputs", "load_custody_visits")),
    Source("criminal_justice", "Court timeliness and proven reoffending for London (documented input, moj/)",
           _documented("moj"), _parser("inputs", "load_criminal_justice")),
    Source("other_crime", "MPS crime dashboard 'other crime' measures (knife, gun, domestic abuse, hate crime, child "
           "sexual exploitation) by borough and month (documented input, other_crime/)", _documented("other_crime"),
           _parser("inputs", "load_other_crime")),
    Source("commitments", "Police and Crime Plan and strategy commitments tracker (documented input, commitments/)",
           _documented("commitments"), _parser("inputs", "load_commitments")),
]
ALL_SOURCES = [*PUBLIC_SOURCES, *DOCUMENTED_INPUTS]
