"""MPS Homicide Dashboard data -> the ``homicide`` table.

One published row is one group of victims (``Count of Victims``) with the month it was
recorded as ``Mon-YY`` (``Jan-03``). Borough labels carry stray spaces and ``&`` spellings,
and Heathrow appears as its own "borough"; all go through the registry.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..registry import Registry
from ..validation import check_not_future, validate
from ._io import read_csv
from .discovery import discover_homicide

discover = discover_homicide  # the source's files (found without parsing: see .discovery)

COLUMNS = ["month", "area_code", "victims", "method", "domestic_abuse", "offence_type"]
REQUIRED = (
    "Count of Victims",
    "Method of Killing",
    "Domestic Abuse",
    "Recorded Date",
    "Homicide Offence Type",
    "Borough",
)
_DOMESTIC = {"Domestic Abuse": True, "Not Domestic Abuse": False}
_RECORDED = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-(\d{2})$")
_MONTHS = {m: i for i, m in enumerate("Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split(), start=1)}

# Coerce first, check after: pandera would otherwise report the range check failing on the
# uncoerced text column instead of the cell that cannot be read.
_WHOLE = pa.DataFrameSchema({"Count of Victims": pa.Column("int64", nullable=False, coerce=True)})
_SCHEMA = pa.DataFrameSchema(
    {
        "Count of Victims": pa.Column("int64", pa.Check.ge(1), nullable=False),
        "Method of Killing": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
        "Homicide Offence Type": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
    }
)


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Parse and validate homicide dashboard files into the ``homicide`` table.

    Parameters
    ----------
    paths : list of Path
        Files from :func:`discover`.
    registry : Registry
        Resolves borough labels.

    Returns
    -------
    dict
        ``{"homicide": DataFrame}`` with columns ``month, area_code, victims, method,
        domestic_abuse, offence_type``, one row per published victim group.

    Raises
    ------
    DataValidationError
        A missing column, a ``Recorded Date`` not in the form ``Mon-YY`` or after the
        current month, a victim count below 1, an unknown borough, or a ``Domestic Abuse``
        value other than "Domestic Abuse" / "Not Domestic Abuse".
    EmptyInputError
        If a file is empty or has only its header.
    """
    frames = [_read_file(Path(p), registry) for p in paths]
    if not frames:
        return {"homicide": _typed(pd.DataFrame(columns=COLUMNS))}
    return {"homicide": pd.concat(frames, ignore_index=True)}


def _read_file(path: Path, registry: Registry) -> pd.DataFrame:
    raw = read_csv(path, required=REQUIRED, dtype=str, keep_default_na=False)
    for col in REQUIRED:
        raw[col] = raw[col].str.strip()
    checked = validate(validate(raw[list(_SCHEMA.columns)], _WHOLE, path), _SCHEMA, path)

    parts = raw["Recorded Date"].str.extract(_RECORDED)
    bad = parts[0].isna()
    if bad.any():
        i = bad.idxmax()
        raise DataValidationError(
            path, f"Recorded Date {raw.at[i, 'Recorded Date']!r} is not a month in the form Mon-YY, e.g. Jan-03",
            row=int(i) + 2, column="Recorded Date",
        )
    # The dashboard starts in January 2003, so a two-digit year is always 20YY.
    month = (2000 + parts[1].astype(int)).astype(str) + "-" + parts[0].map(_MONTHS).map("{:02d}".format)
    check_not_future(path, month.to_numpy(), rows=month.index + 2, columns="Recorded Date",
                     labels=[f"Recorded Date {d!r} (month {m})" for d, m in zip(raw["Recorded Date"], month)])

    area = raw["Borough"].map(registry.area_code)
    bad = area.isna() | area.isin(["MPS", "CITY"])
    if bad.any():
        i = bad.idxmax()
        raise DataValidationError(
            path, f"unknown borough {raw.at[i, 'Borough']!r}; expected one of the 32 MPS boroughs or Heathrow",
            row=int(i) + 2, column="Borough",
        )

    domestic = raw["Domestic Abuse"].map(_DOMESTIC)
    if domestic.isna().any():
        i = domestic.isna().idxmax()
        raise DataValidationError(
            path,
            f"Domestic Abuse is {raw.at[i, 'Domestic Abuse']!r}; expected 'Domestic Abuse' or 'Not Domestic Abuse'",
            row=int(i) + 2, column="Domestic Abuse",
        )
    return _typed(
        pd.DataFrame(
            {
                "month": month,
                "area_code": area,
                "victims": checked["Count of Victims"],
                "method": raw["Method of Killing"],
                "domestic_abuse": domestic,
                "offence_type": raw["Homicide Offence Type"],
            }
        )
    )


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(
        {"month": "str", "area_code": "str", "victims": "int64", "method": "str", "domestic_abuse": "bool",
         "offence_type": "str"}
    )
