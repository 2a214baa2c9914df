"""MOPAC Public Attitude Survey (PAS) dashboard data -> the ``pas`` table.

The public copies were re-saved in a Dutch locale: ``;``-separated with decimal commas.
Two forms exist and are read alike: the borough file (``Date;Survey;Borough;Measure;
Proportion;MPS``, where ``MPS`` repeats the Met-wide value on every borough row) and the
total file (the same without ``MPS``, ``Borough`` = ``MPS``).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import DataValidationError
from ..registry import Registry
from ..validation import check_not_future, validate
from ._io import read_csv
from .discovery import discover_pas

discover = discover_pas  # the source's files (found without parsing: see .discovery)

REQUIRED = ("Date", "Survey", "Borough", "Measure", "Proportion")
COLUMNS = ["quarter_end", "area_code", "measure", "proportion"]

# Values are published to two decimals, so two copies of one figure may differ by
# half a unit in the last place without disagreeing.
ROUNDING_TOLERANCE = 0.005 + 1e-9

_SCHEMA = pa.DataFrameSchema(
    {
        "proportion": pa.Column(float, [pa.Check.in_range(0.0, 1.0)], nullable=False),
        "MPS": pa.Column(float, [pa.Check.in_range(0.0, 1.0)], nullable=True, required=False),
        "Measure": pa.Column(str, pa.Check.str_length(min_value=1), nullable=False),
    }
)


def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Parse and validate PAS files into the ``pas`` table.

    Parameters
    ----------
    paths : list of Path
        Files from :func:`discover`.
    registry : Registry
        Resolves borough names.

    Returns
    -------
    dict
        ``{"pas": DataFrame}`` with columns ``quarter_end, area_code, measure, proportion``,
        one row per quarter, area and measure; the Met-wide value has ``area_code`` ``MPS``.

    Raises
    ------
    DataValidationError
        Wrong delimiter, a missing column, a date that is not a quarter end or is a
        quarter end after the current month, an unknown
        borough, a proportion outside 0-1 or not a number, or two files (or two rows)
        giving different values for the same quarter, area and measure.
    """
    frames = [_read_file(Path(p), registry) for p in paths]
    if not frames:
        return {"pas": pd.DataFrame({c: pd.Series(dtype=t) for c, t in _DTYPES.items()})}
    rows = pd.concat(frames, ignore_index=True)
    return {"pas": _dedupe(rows)}


_DTYPES = {"quarter_end": "str", "area_code": "str", "measure": "str", "proportion": "float64"}


def _read_file(path: Path, registry: Registry) -> pd.DataFrame:
    # Read every cell as text: the decimal separator is checked by hand below, so that a
    # copy saved with "." decimals reads the same and a stray thousands mark is caught.
    raw = read_csv(path, required=REQUIRED, sep=";", dtype=str, keep_default_na=False)
    for col in ("Date", "Survey", "Borough", "Measure"):
        raw[col] = raw[col].str.strip()
    line = raw.index + 2

    quarter = _quarter_ends(raw["Date"], path)
    bad_survey = raw["Survey"] != "PAS"
    if bad_survey.any():
        i = bad_survey.idxmax()
        raise DataValidationError(
            path, f"Survey is {raw.at[i, 'Survey']!r}; this loader reads Public Attitude Survey ('PAS') rows only",
            row=int(line[i]), column="Survey",
        )
    codes = raw["Borough"].map(registry.area_code)
    allowed = set(registry.codes) | {"MPS"}
    unknown = ~codes.isin(allowed)
    if unknown.any():
        i = unknown.idxmax()
        raise DataValidationError(
            path, f"unknown borough {raw.at[i, 'Borough']!r}; expected one of the 32 MPS boroughs or 'MPS'",
            row=int(line[i]), column="Borough",
        )

    checked = pd.DataFrame(
        {"proportion": _numbers(raw["Proportion"], path, "Proportion"), "Measure": raw["Measure"]}
    )
    if "MPS" in raw.columns:
        checked["MPS"] = _numbers(raw["MPS"], path, "MPS")
    checked = validate(checked, _SCHEMA, path)

    out = pd.DataFrame(
        {"quarter_end": quarter, "area_code": codes, "measure": raw["Measure"], "proportion": checked["proportion"]}
    )
    out["_file"] = str(path)
    out["_line"] = line
    if "MPS" in raw.columns:
        mps = pd.DataFrame(
            {"quarter_end": quarter, "area_code": "MPS", "measure": raw["Measure"], "proportion": checked["MPS"]}
        )
        mps["_file"] = str(path)
        mps["_line"] = line
        out = pd.concat([out, mps[mps["proportion"].notna()]], ignore_index=True)
    return out


def _quarter_ends(dates: pd.Series, path: Path) -> pd.Series:
    parsed = pd.to_datetime(dates, format="%d/%m/%Y", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        i = bad.idxmax()
        raise DataValidationError(
            path, f"Date {dates[i]!r} is not a date in the form dd/mm/yyyy", row=int(i) + 2, column="Date"
        )
    not_end = ~(parsed.dt.is_month_end & parsed.dt.month.isin([3, 6, 9, 12]))
    if not_end.any():
        i = not_end.idxmax()
        raise DataValidationError(
            path, f"Date {dates[i]!r} is not a quarter end (31 March, 30 June, 30 September or 31 December)",
            row=int(i) + 2, column="Date",
        )
    quarters = parsed.dt.strftime("%Y-%m")
    check_not_future(path, quarters.to_numpy(), rows=quarters.index + 2, columns="Date",
                     labels=[f"quarter ending {q} (Date {d!r})" for q, d in zip(quarters, dates)])
    return quarters


def _numbers(text: pd.Series, path: Path, column: str) -> pd.Series:
    # A proportion has no thousands separator, so one comma can only be a decimal comma.
    cleaned = text.str.strip().str.replace(",", ".", regex=False)
    values = pd.to_numeric(cleaned.replace("", None), errors="coerce")
    bad = values.isna() & cleaned.ne("")
    if bad.any():
        i = bad.idxmax()
        raise DataValidationError(
            path, f"value {text[i]!r} is not a number (expected a proportion such as 0,67)", row=int(i) + 2,
            column=column,
        )
    return values.astype("float64")


def _dedupe(rows: pd.DataFrame) -> pd.DataFrame:
    # The MPS value is repeated on every borough row and again in the total file; keep it
    # once, but only if every copy agrees.
    key = ["quarter_end", "area_code", "measure"]
    copies = rows.groupby(key, sort=False)["proportion"]
    spread = copies.transform("max") - copies.transform("min")
    clash = spread > ROUNDING_TOLERANCE
    if clash.any():
        first = rows[clash].iloc[0]
        others = rows[clash & (rows[key] == first[key]).all(axis=1)]
        found = ", ".join(f"{v:g} ({Path(f).name} line {n})"
                          for v, f, n in others[["proportion", "_file", "_line"]].values[:4])
        raise DataValidationError(
            first["_file"],
            f"{first['area_code']} {first['measure']!r} for quarter ending {first['quarter_end']} "
            f"is given with different values: {found}",
            row=int(first["_line"]),
        )
    out = rows.drop_duplicates(key, keep="first")[COLUMNS]
    out = out.sort_values(["quarter_end", "measure", "area_code"], kind="stable").reset_index(drop=True)
    return out.astype(_DTYPES)
