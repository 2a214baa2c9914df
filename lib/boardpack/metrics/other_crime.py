"""Monthly counts of the MPS crime dashboard's "other crime" measures (knife, gun, domestic abuse, hate crime …).

The MPS borough-level crime files do not carry these measures; the board's analyst supplies them
as the documented input ``other_crime/other_crime.csv`` (docs/data.md). They fill the recorded
crime table's special rows and the local priorities that name them. The MPS figure is the file's
``MPS`` row where it has one for every month, else the sum of the 32 boroughs where all 32 have a
row for every month (airport and unknown-location offences are then left out of it).
"""

from __future__ import annotations

import pandas as pd

from ..periods import month_range

FILE = "other_crime/other_crime.csv"


def measure_months(other_crime: pd.DataFrame | None, gss_code: str, period: str, boroughs: list[str] | None = None,
                   months: int = 24) -> pd.DataFrame:
    """The ``months`` monthly counts to ``period`` of every measure the file has in full for the borough.

    Parameters
    ----------
    other_crime : DataFrame or None
        The canonical ``other_crime`` table (``area_code, month, measure, offences``); None when the
        data folder has none (the result is then empty).
    gss_code : str
        The borough.
    period : str
        The last month, ``YYYY-MM``.
    boroughs : list of str, optional
        The 32 boroughs' GSS codes, for the MPS figure when the file has no ``MPS`` rows.
    months : int
        How many months, ending at ``period``.

    Returns
    -------
    DataFrame
        ``row, month, borough, mps``, oldest month first within each measure (``row`` is the measure's
        name). A measure is left out when the borough lacks a month; ``mps`` is missing (NaN) when
        neither the MPS rows nor all 32 boroughs cover every month. ``attrs["mps_source"]`` maps each
        measure to ``"MPS rows"`` or ``"sum of the 32 boroughs"``.
    """
    columns = ["row", "month", "borough", "mps"]
    out = pd.DataFrame(columns=columns)
    out.attrs["mps_source"] = {}
    if other_crime is None or other_crime.empty:
        return out
    wanted = month_range(period, months)
    window = other_crime[other_crime["month"].isin(wanted)]
    frames, sources = [], {}
    for measure, rows in window.groupby("measure", sort=False):
        own = rows[rows["area_code"] == gss_code].set_index("month")["offences"]
        if set(own.index) != set(wanted):
            continue
        mps_rows = rows[rows["area_code"] == "MPS"].set_index("month")["offences"]
        if set(mps_rows.index) == set(wanted):
            mps, sources[measure] = mps_rows.reindex(wanted).astype("float64"), "MPS rows"
        else:
            per_month = rows[rows["area_code"].isin(boroughs or [])].groupby("month")
            complete = boroughs and (per_month["area_code"].nunique().reindex(wanted) == len(boroughs)).all()
            mps = per_month["offences"].sum().reindex(wanted).astype("float64") if complete else \
                pd.Series(float("nan"), index=wanted)
            sources[measure] = "sum of the 32 boroughs" if complete else "not available"
        frames.append(pd.DataFrame({"row": measure, "month": wanted, "borough": own.reindex(wanted).to_numpy(),
                                    "mps": mps.to_numpy()}))
    if frames:
        out = pd.concat(frames, ignore_index=True)[columns]
        out["borough"] = out["borough"].astype("int64")
    out.attrs["mps_source"] = sources
    return out
