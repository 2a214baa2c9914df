"""Where each source's files are in a data folder.

Finding a source's files needs only the file system, so the store can check a data folder
(what is there, and whether it changed) without loading the parsers: pandas, pandera and the
geography libraries load only when a source has to be read (:mod:`boardpack.loaders`).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataValidationError

# Every function here returns an empty list when the source's folder is absent: the source was not
# supplied, which is not an error.

CRIME_FOLDER = "mps_borough_crime"
PAS_FOLDER = "pas_confidence"
CENSUS_FOLDER = "census_ethnicity"
POPULATION_FOLDER = "population"
HOMICIDE_FOLDER = "mps_homicide"
STOP_SEARCH_FOLDER = "stop_search"
BOUNDARY_FOLDER = "boundaries"
BOUNDARY_STEM = "London_Borough_Excluding_MHW"
BOUNDARY_SUFFIXES = (".shp", ".shx", ".dbf", ".prj")
SEARCH_CSV_SUFFIXES = (".csv", ".csv.gz")
SEARCH_JSON_SUFFIXES = (".json", ".json.gz")


def find_files(data_dir: Path, folder: str, suffixes: tuple[str, ...] = (".csv", ".csv.gz"),
               recursive: bool = False) -> list[Path]:
    """The files of one source under ``data_dir/folder`` whose names end with ``suffixes``.

    Parameters
    ----------
    data_dir : Path
        The data folder.
    folder : str
        The source's sub-folder, e.g. ``"pas_confidence"``.
    suffixes : tuple of str
        Name endings to keep.
    recursive : bool
        Look in sub-folders too.

    Returns
    -------
    list of Path
        Sorted; empty when the folder is absent (the source was not supplied).
    """
    root = Path(data_dir) / folder
    if not root.is_dir():
        return []
    found = root.rglob("*") if recursive else root.iterdir()
    return sorted(p for p in found if p.is_file() and p.name.endswith(suffixes))


def discover_crime(data_dir: Path) -> list[Path]:
    """Every ``*.csv`` and ``*.csv.gz`` file under ``data_dir/mps_borough_crime``, at any depth, sorted."""
    return find_files(data_dir, CRIME_FOLDER, recursive=True)


def discover_pas(data_dir: Path) -> list[Path]:
    """The ``*.csv`` and ``*.csv.gz`` files in ``data_dir/pas_confidence``, sorted."""
    return find_files(data_dir, PAS_FOLDER)


def discover_census(data_dir: Path) -> list[Path]:
    """The ``*.csv`` and ``*.csv.gz`` files in ``data_dir/census_ethnicity``, sorted.

    The GLA Annual Population Survey workbook (``*.xls``) that may sit in the same folder
    is not read: it is a survey estimate rounded to thousands, not a Census count.
    """
    return find_files(data_dir, CENSUS_FOLDER)


def discover_population(data_dir: Path) -> list[Path]:
    """The workbooks (``*.xlsx``, ``*.xls``) in ``data_dir/population``, sorted, without lock files (``~$...``)."""
    folder = Path(data_dir) / POPULATION_FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xls") and not p.name.startswith("~$")
    )


def discover_homicide(data_dir: Path) -> list[Path]:
    """The ``*.csv`` and ``*.csv.gz`` files in ``data_dir/mps_homicide``, sorted."""
    return find_files(data_dir, HOMICIDE_FOLDER)


def search_file_format(path: Path) -> str | None:
    """``"csv"`` or ``"api_json"`` for a stop and search file, by its name; None for any other file."""
    name = path.name.lower()
    if name.endswith(SEARCH_CSV_SUFFIXES):
        return "csv"
    if name.endswith(SEARCH_JSON_SUFFIXES):
        return "api_json"
    return None


def find_boundary_files(data_dir: Path) -> list[Path]:
    """The borough shapefile's parts (``London_Borough_Excluding_MHW.shp/.shx/.dbf/.prj``) anywhere under
    ``data_dir/boundaries``, sorted."""
    folder = Path(data_dir) / BOUNDARY_FOLDER
    if not folder.is_dir():
        return []
    names = {BOUNDARY_STEM + s for s in BOUNDARY_SUFFIXES}
    return sorted(p for p in folder.rglob(f"{BOUNDARY_STEM}.*") if p.name in names and p.is_file())


def discover_stop_search(data_dir: Path) -> list[Path]:
    """Stop and search files under ``data_dir/"stop_search"`` plus the borough boundary parts.

    The boundary shapefile is listed too, so that replacing the boundaries changes the
    store key and the borough assignment is redone. Empty when there are no stop and search files.

    Raises
    ------
    DataValidationError
        If there are stop and search files but no borough boundary shapefile.
    """
    folder = Path(data_dir) / STOP_SEARCH_FOLDER
    if not folder.is_dir():
        return []
    records = [p for p in folder.rglob("*") if p.is_file() and search_file_format(p)]
    if not records:
        return []
    bounds = find_boundary_files(data_dir)
    if not any(p.suffix == ".shp" for p in bounds):
        raise DataValidationError(
            Path(data_dir) / BOUNDARY_FOLDER,
            f"stop and search files were found, but the borough boundaries are needed to assign "
            f"each search to a borough: put the GLA shapefile {BOUNDARY_STEM}.shp "
            f"(with its .shx, .dbf and .prj) under boundaries/",
        )
    return sorted(records + bounds)


def discover_folder(data_dir: Path, folder: str) -> list[Path]:
    """The ``*.csv`` and ``*.csv.gz`` files directly inside ``data_dir/folder`` (a documented input), sorted."""
    root = Path(data_dir) / folder
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.name.lower().endswith((".csv", ".csv.gz"))
    )
