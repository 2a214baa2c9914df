"""Recorded crime rows of the pack (Figure 1) from the canonical ``crime`` table.

Raw MPS categories reach pack rows only through the documented mapping table of their
vintage (``lib/boardpack/mappings/crime_<vintage>.csv``), which
:func:`boardpack.loaders.mappings.crime_mappings` reads and validates; the functions here are
handed that table and read no file. Total Notifiable Offences is the
sum of every row for an area, not a mapped row, because no published file carries it.
The MPS figure is the sum over every area in the file, including the airport and
"Unknown" rows; borough figures never include those rows (docs/method.md).
"""

from __future__ import annotations

import pandas as pd

from ..errors import ConfigurationError, CoverageError, DataValidationError
from ..periods import month_range, parse_month, rolling_windows
from .change import pct_change
from .other_crime import FILE as OTHER_CRIME_FILE
from .other_crime import measure_months
from .significance import ALPHA, QUASI_POISSON, change_test, monthly_change_test, with_change_tests

TNO = "Total Notifiable Offences"
MOPAC7 = "MOPAC 7"
VINTAGES = ("ho_2008", "mixed_2010", "upper_2010", "new_2024")

# (row, group) in the reference pack's order (Figure 1), then the extra rows the
# published categories support. "mopac7_total" is the sum of the seven "mopac7" rows.
PACK_ROWS: tuple[tuple[str, str], ...] = (
    (TNO, "total"),
    ("Violence with Injury", "mopac7"),
    ("Robbery (Total)", "mopac7"),
    ("Burglary (Total)", "mopac7"),
    ("Theft From Person", "mopac7"),
    ("Theft/Taking of Motor Vehicle", "mopac7"),
    ("Theft From Motor Vehicle", "mopac7"),
    ("Criminal Damage", "mopac7"),
    (MOPAC7, "mopac7_total"),
    ("Violence Against the Person", "other"),
    ("Assault with Injury", "other"),
    ("Homicide", "other"),
    ("Burglary (res)", "other"),
    ("Burglary (non-res)", "other"),
    ("Robbery (Personal)", "other"),
    ("Robbery (Business)", "other"),
    ("Motor Vehicle Crime", "other"),
    ("Rape", "other"),
    ("Other Sexual Offences", "other"),
    ("Youth Violence", "other"),
    ("Serious Youth Violence", "other"),
    ("Gun Crime", "other"),
    ("Knife Crime", "other"),
    ("Knife Crime with Injury", "other"),
    ("Domestic Abuse", "other"),
    ("Homophobic Crime", "other"),
    ("Racist & Religious Hate Crime", "other"),
    ("Disability Hate Crime", "other"),
    ("Transgender Hate Crime", "other"),
    ("Faith Hate Crime", "other"),
    ("Drug Offences", "other"),
    ("Shoplifting", "other"),
    ("Possession of Weapons", "other"),
    ("Possession of Article with Blade or Point", "other"),
    ("Racially or Religiously Aggravated Public Fear", "other"),
)
ROW_NAMES = [name for name, _ in PACK_ROWS]
MOPAC7_ROWS = [name for name, group in PACK_ROWS if group == "mopac7"]
# The rows the reference pack prints (everything up to its last row, Faith Hate Crime).
FIGURE1_ROWS = ROW_NAMES[: ROW_NAMES.index("Faith Hate Crime") + 1]

_NOT_PUBLISHED = "not published in the MPS borough-level files"
# These need victim ages, weapon or hate flags that the borough-level files do not carry.
UNAVAILABLE_ROWS: dict[str, str] = {
    name: _NOT_PUBLISHED
    for name in (
        "Youth Violence",
        "Serious Youth Violence",
        "Gun Crime",
        "Knife Crime",
        "Knife Crime with Injury",
        "Domestic Abuse",
        "Homophobic Crime",
        "Racist & Religious Hate Crime",
        "Disability Hate Crime",
        "Transgender Hate Crime",
        "Faith Hate Crime",
    )
}

# Shown beside the figure whichever vintage supplies it, so a proxy is never read as the real thing.
ROW_NOTES: dict[str, str] = {
    "Possession of Weapons": "possession offences only; not Knife Crime or Gun Crime",
    "Possession of Article with Blade or Point": "a possession offence; not Knife Crime",
    "Racially or Religiously Aggravated Public Fear": "one public-order offence; part of hate crime only",
}

_NO_ROW = "-"
# The rows a line of a mapping file may name (the loader checks every line against them).
MAPPABLE_ROWS = tuple(r for r in ROW_NAMES if r not in (TNO, MOPAC7) and r not in UNAVAILABLE_ROWS)


def mapping_of(mappings: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """One vintage's lines of the mapping table: raw (major, minor) category to pack row.

    Parameters
    ----------
    mappings : DataFrame
        Every vintage's mapping, ``vintage, major, minor, row, note, source_file``
        (:func:`boardpack.loaders.mappings.crime_mappings`, as ``pack.crime_mappings()`` gives it).
    vintage : str
        One of ``ho_2008``, ``mixed_2010``, ``upper_2010``, ``new_2024``.

    Returns
    -------
    DataFrame
        Columns ``major, minor, row, note, source_file``; ``row`` is ``"-"`` for a category
        that feeds no pack row (it still counts in Total Notifiable Offences). A category
        feeding several rows has one line per row.

    Raises
    ------
    ConfigurationError
        If ``vintage`` is not a known vintage.
    """
    if vintage not in VINTAGES:
        raise ConfigurationError(f"unknown crime vintage {vintage!r}; expected one of {', '.join(VINTAGES)}")
    rows = mappings[mappings["vintage"] == vintage]
    return rows.drop(columns="vintage").reset_index(drop=True)


def available_rows(mappings: pd.DataFrame, vintage: str) -> list[str]:
    """Pack rows a vintage can supply, in pack order.

    Parameters
    ----------
    mappings : DataFrame
        Every vintage's mapping (see :func:`mapping_of`).
    vintage : str

    Returns
    -------
    list of str
        Total Notifiable Offences, every mapped row, and MOPAC 7 when all seven of its rows are mapped.
    """
    mapped = set(mapping_of(mappings, vintage)["row"]) - {_NO_ROW}
    have = mapped | {TNO}
    if set(MOPAC7_ROWS) <= mapped:
        have.add(MOPAC7)
    return [r for r in ROW_NAMES if r in have]


def unavailable_reason(row: str, mappings: pd.DataFrame, vintage: str) -> str | None:
    """Why a pack row has no figure in a vintage, or None when it has one.

    Parameters
    ----------
    row : str
        A pack row name.
    mappings : DataFrame
        Every vintage's mapping (see :func:`mapping_of`).
    vintage : str

    Returns
    -------
    str or None
    """
    if row in UNAVAILABLE_ROWS:
        return UNAVAILABLE_ROWS[row]
    if row not in available_rows(mappings, vintage):
        return f"not published separately in the {vintage} classification of the MPS borough-level files"
    return None


def vintage_coverage(crime: pd.DataFrame) -> pd.DataFrame:
    """First and last month of each vintage in the ``crime`` table.

    Parameters
    ----------
    crime : DataFrame
        The canonical ``crime`` table.

    Returns
    -------
    DataFrame
        Columns ``vintage, first_month, last_month, months`` (distinct months present) and
        ``complete`` (True when no month between first and last is missing), one row per
        vintage, most recently published (latest last month) first.
    """
    g = crime.groupby("vintage")["month"]
    cov = pd.DataFrame({"first_month": g.min(), "last_month": g.max(), "months": g.nunique()}).reset_index()
    span = [(parse_month(b) - parse_month(a)).n + 1 for a, b in zip(cov["first_month"], cov["last_month"])]
    cov["complete"] = cov["months"].to_numpy() == span
    return cov.sort_values(["last_month", "vintage"], ascending=[False, True], ignore_index=True)


def choose_vintage(crime: pd.DataFrame, mappings: pd.DataFrame, period: str, months: int = 24,
                   prefer: str = "auto") -> str:
    """Pick the vintage to report ``months`` months to ``period`` from.

    Rule: among vintages that hold every one of the ``months`` months ending at ``period``,
    take the one that supplies the most rows of the reference pack's Figure 1; on a tie, the
    most pack rows in all; then the most recently published (latest last month). So the
    2008 Home Office scheme, which alone splits out Assault with Injury, is used wherever
    it reaches. Vintages are never mixed within a table.

    Parameters
    ----------
    crime : DataFrame
        The canonical ``crime`` table.
    mappings : DataFrame
        Every vintage's mapping (see :func:`mapping_of`).
    period : str
        The last month, ``"YYYY-MM"``.
    months : int
        How many months must be present (24: two rolling 12-month windows).
    prefer : str
        ``"auto"`` for the rule above, or a vintage name to use that vintage.

    Returns
    -------
    str
        The vintage name.

    Raises
    ------
    CoverageError
        If no vintage (or not the preferred one) holds all the months; the message lists
        the months each vintage has.
    ConfigurationError
        If ``prefer`` is not ``"auto"`` or a known vintage.
    """
    needed = set(month_range(period, months))
    present = crime.groupby("vintage")["month"].unique()
    covering = [v for v in present.index if needed <= set(present[v])]
    if prefer != "auto":
        if prefer not in VINTAGES:
            raise ConfigurationError(
                f"unknown crime vintage {prefer!r}; expected 'auto' or one of {', '.join(VINTAGES)}"
            )
        covering = [v for v in covering if v == prefer]
    if not covering:
        cov = vintage_coverage(crime)
        have = "; ".join(
            f"{r.vintage} {r.first_month} to {r.last_month}{'' if r.complete else ' (with gaps)'}"
            for r in cov.itertuples()
        ) or "no crime data at all"
        which = "no crime vintage" if prefer == "auto" else f"vintage {prefer}"
        first = min(needed)
        raise CoverageError(f"{which} holds all {months} months {first} to {period}; months available: {have}")
    last = {v: max(present[v]) for v in covering}
    def rank(v: str):
        rows = available_rows(mappings, v)
        return (-len(set(rows) & set(FIGURE1_ROWS)), -len(rows), -parse_month(last[v]).ordinal, v)

    return min(covering, key=rank)


def area_row_counts(crime: pd.DataFrame, mappings: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Monthly counts of every available pack row for every area of one vintage.

    Parameters
    ----------
    crime : DataFrame
        The canonical ``crime`` table.
    mappings : DataFrame
        Every vintage's mapping (see :func:`mapping_of`).
    vintage : str

    Returns
    -------
    DataFrame
        Columns ``area_code, row, month, count`` for each area in the files (boroughs,
        ``AIRPORTS``, ``UNKNOWN``) and for ``MPS``, the sum over all of them. Every area has
        every available row for every month of the vintage (0 where nothing was recorded).

    Raises
    ------
    DataValidationError
        If the data holds a (major, minor) category that the vintage's mapping file does not
        list, so that no category silently drops out of the mapped rows; it names the file.
    """
    data = crime.loc[crime["vintage"] == vintage, ["area_code", "major", "minor", "month", "count"]]
    mapping = mapping_of(mappings, vintage)
    _check_mapping_covers(data, vintage, mapping)
    mapped = data.merge(mapping.loc[mapping["row"] != _NO_ROW, ["major", "minor", "row"]], on=["major", "minor"])
    parts = [
        data.groupby(["area_code", "month"], as_index=False)["count"].sum().assign(row=TNO),
        mapped.groupby(["area_code", "row", "month"], as_index=False)["count"].sum(),
    ]
    long = pd.concat(parts, ignore_index=True)
    rows = available_rows(mappings, vintage)
    base = [r for r in rows if r != MOPAC7]
    grid = pd.MultiIndex.from_product(
        [sorted(data["area_code"].unique()), base, sorted(data["month"].unique())], names=["area_code", "row", "month"]
    )
    wide = long.set_index(["area_code", "row", "month"])["count"].reindex(grid, fill_value=0).unstack("row")
    if MOPAC7 in rows:
        wide[MOPAC7] = wide[MOPAC7_ROWS].sum(axis=1)
    mps = wide.groupby(level="month").sum()
    mps.index = pd.MultiIndex.from_product([["MPS"], mps.index], names=["area_code", "month"])
    out = pd.concat([wide, mps]).stack().rename("count").reset_index()
    out["count"] = out["count"].astype("int64")
    out["row"] = pd.Categorical(out["row"], categories=rows, ordered=True)
    out = out.sort_values(["area_code", "row", "month"], ignore_index=True)
    out["row"] = out["row"].astype(str)
    return out[["area_code", "row", "month", "count"]]


def _check_mapping_covers(crime: pd.DataFrame, vintage: str, mapping: pd.DataFrame) -> None:
    """Raise, naming the mapping file, if the crime rows hold a category the mapping does not list."""
    known = set(zip(mapping["major"], mapping["minor"]))
    pairs = crime[["major", "minor"]].drop_duplicates()  # a few hundred pairs, not every row in Python
    missing = sorted(set(zip(pairs["major"], pairs["minor"])) - known)
    if missing:
        major, minor = missing[0]
        more = f" ({len(missing) - 1} more unlisted)" if len(missing) > 1 else ""
        where = mapping["source_file"].iloc[0] if "source_file" in mapping and len(mapping) else f"crime_{vintage}.csv"
        raise DataValidationError(
            where,
            f"crime category {major!r} / {minor!r} of vintage {vintage} is not in the mapping{more}; "
            f"add a line for it (row '-' if it feeds no pack row) so it is not silently dropped",
        )


def _resolve(crime: pd.DataFrame, mappings: pd.DataFrame, period: str, months: int, vintage: str) -> str:
    return choose_vintage(crime, mappings, period, months=months, prefer=vintage)


def _area_series(counts: pd.DataFrame, area_code: str, vintage: str) -> pd.DataFrame:
    mine = counts[counts["area_code"] == area_code]
    if mine.empty:
        raise CoverageError(f"no recorded crime rows for area {area_code} in vintage {vintage}")
    return mine


def recorded_crime_table(crime: pd.DataFrame, mappings: pd.DataFrame, gss_code: str, period: str,
                         vintage: str = "auto", other_crime: pd.DataFrame | None = None,
                         boroughs: list[str] | None = None) -> pd.DataFrame:
    """Figure 1: rolling 12 months to ``period`` against the 12 months before.

    Parameters
    ----------
    crime : DataFrame
        The canonical ``crime`` table.
    mappings : DataFrame
        Every vintage's mapping (see :func:`mapping_of`).
    gss_code : str
        The borough's GSS code.
    period : str
        The last month of the current window, ``"YYYY-MM"``.
    vintage : str
        ``"auto"`` (see :func:`choose_vintage`) or a vintage name.
    other_crime : DataFrame, optional
        The ``other_crime`` table (the MPS crime dashboard's measures, a documented input): it fills
        the rows the borough files do not publish (:data:`UNAVAILABLE_ROWS`) where it has the borough's
        24 months (:func:`boardpack.metrics.other_crime.measure_months`).
    boroughs : list of str, optional
        The 32 boroughs' GSS codes, for those rows' MPS figure when the file has no MPS rows.

    Returns
    -------
    DataFrame
        One line per pack row, in pack order, with columns ``row, group, previous_12m,
        current_12m, pct_change, mps_previous_12m, mps_current_12m, mps_pct_change,
        available, note``. Counts are nullable integers, missing (never 0) for rows that
        are not available; ``note`` says why, or flags a proxy. ``attrs`` holds
        ``vintage``, ``previous_months`` and ``current_months`` (first, last).

    Raises
    ------
    CoverageError
        If no vintage holds the 24 months, or the borough has no rows in it.
    """
    vintage = _resolve(crime, mappings, period, 24, vintage)
    previous, current = rolling_windows(period, 12)
    counts = area_row_counts(crime, mappings, vintage)
    borough = _area_series(counts, gss_code, vintage)
    mps = counts[counts["area_code"] == "MPS"]

    def window_sums(frame: pd.DataFrame, months: list[str]) -> pd.Series:
        return frame[frame["month"].isin(months)].groupby("row")["count"].sum()

    extra = _dashboard_rows(other_crime, gss_code, period, boroughs)
    sums = {
        "previous_12m": window_sums(borough, previous),
        "current_12m": window_sums(borough, current),
        "mps_previous_12m": window_sums(mps, previous),
        "mps_current_12m": window_sums(mps, current),
    }
    for key, column, months in (("previous_12m", "borough", previous), ("current_12m", "borough", current),
                                ("mps_previous_12m", "mps", previous), ("mps_current_12m", "mps", current)):
        filled = extra[extra["month"].isin(months)].groupby("row")[column].sum(min_count=len(months))
        sums[key] = pd.concat([sums[key], filled.dropna()])
    lines = []
    for row, group in PACK_ROWS:
        reason = unavailable_reason(row, mappings, vintage)
        note = reason or ROW_NOTES.get(row, "")
        if reason is not None and row in set(extra["row"]):
            reason, note = None, f"from {OTHER_CRIME_FILE} (MPS crime dashboard)"
        elif reason is not None and other_crime is not None and row in UNAVAILABLE_ROWS:
            note = f"{reason}; {OTHER_CRIME_FILE} lacks it for some of the 24 months"
        line = {"row": row, "group": group, "available": reason is None, "note": note}
        for key, series in sums.items():
            line[key] = series.get(row) if reason is None else None
        line["pct_change"] = pct_change(line["previous_12m"], line["current_12m"])
        line["mps_pct_change"] = pct_change(line["mps_previous_12m"], line["mps_current_12m"])
        lines.append(line)
    table = pd.DataFrame(lines)
    for key in sums:
        table[key] = table[key].astype("Int64")
    for key in ("pct_change", "mps_pct_change"):
        table[key] = table[key].astype("float64")
    columns = ["row", "group", "previous_12m", "current_12m", "pct_change", "mps_previous_12m", "mps_current_12m",
               "mps_pct_change", "available", "note"]
    table = table[columns]
    table.attrs.update(vintage=vintage, previous_months=(previous[0], previous[-1]),
                       current_months=(current[0], current[-1]))
    return table


def monthly_series(
    crime: pd.DataFrame, mappings: pd.DataFrame, gss_code: str, period: str, months: int = 24, row: str = TNO,
    vintage: str = "auto",
) -> pd.DataFrame:
    """Monthly counts of one pack row for a borough and for the MPS.

    Parameters
    ----------
    crime : DataFrame
        The canonical ``crime`` table.
    mappings : DataFrame
        Every vintage's mapping (see :func:`mapping_of`).
    gss_code : str
        The borough's GSS code.
    period : str
        The last month, ``"YYYY-MM"``.
    months : int
        How many months, ending at ``period``.
    row : str
        A pack row name.
    vintage : str
        ``"auto"`` or a vintage name.

    Returns
    -------
    DataFrame
        Columns ``month, borough, mps``, oldest month first; ``attrs["vintage"]`` names the vintage.

    Raises
    ------
    CoverageError
        If no vintage holds the months, the borough has no rows, or the row is not available
        in the chosen vintage.
    ConfigurationError
        If ``row`` is not a pack row or the vintage is unknown.
    """
    vintage = _resolve(crime, mappings, period, months, vintage)
    if row not in ROW_NAMES:
        raise ConfigurationError(f"unknown pack row {row!r}")
    reason = unavailable_reason(row, mappings, vintage)
    if reason is not None:
        raise CoverageError(f"row {row!r} has no figures in vintage {vintage}: {reason}")
    wanted = month_range(period, months)
    counts = area_row_counts(crime, mappings, vintage)
    counts = counts[(counts["row"] == row) & counts["month"].isin(wanted)]
    borough = _area_series(counts, gss_code, vintage).set_index("month")["count"]
    mps = counts[counts["area_code"] == "MPS"].set_index("month")["count"]
    out = pd.DataFrame({"month": wanted, "borough": borough.reindex(wanted).to_numpy(),
                        "mps": mps.reindex(wanted).to_numpy()})
    out.attrs["vintage"] = vintage
    return out


def row_months(crime: pd.DataFrame, mappings: pd.DataFrame, gss_code: str, period: str,
               vintage: str = "auto", other_crime: pd.DataFrame | None = None,
               boroughs: list[str] | None = None) -> pd.DataFrame:
    """The 24 monthly counts behind every available row of the recorded crime table, borough and MPS.

    Parameters
    ----------
    crime, mappings, gss_code, period, vintage, other_crime, boroughs
        As for :func:`recorded_crime_table`, whose 12-month sums these months add up to.

    Returns
    -------
    DataFrame
        ``row, month, borough, mps``: one line per available pack row and month, the 24 months to
        ``period`` oldest first, in pack order. ``attrs["vintage"]`` names the vintage.
    """
    vintage = _resolve(crime, mappings, period, 24, vintage)
    months = month_range(period, 24)
    counts = area_row_counts(crime, mappings, vintage)
    counts = counts[counts["month"].isin(months)]
    borough = _area_series(counts, gss_code, vintage).rename(columns={"count": "borough"})
    mps = counts[counts["area_code"] == "MPS"].rename(columns={"count": "mps"})
    out = borough[["row", "month", "borough"]].merge(mps[["row", "month", "mps"]], on=["row", "month"])
    extra = _dashboard_rows(other_crime, gss_code, period, boroughs)
    if len(extra):
        out = pd.concat([out, extra], ignore_index=True)
    order = {row: i for i, row in enumerate(ROW_NAMES)}
    out = out.sort_values(["row", "month"], key=lambda s: s.map(order) if s.name == "row" else s, ignore_index=True)
    out.attrs["vintage"] = vintage
    return out


def _dashboard_rows(other_crime: pd.DataFrame | None, gss_code: str, period: str,
                    boroughs: list[str] | None) -> pd.DataFrame:
    """The 24 months of the pack rows the borough files lack, from the other crime input where it has them."""
    months = measure_months(other_crime, gss_code, period, boroughs, months=24)
    return months[months["row"].isin(list(UNAVAILABLE_ROWS))].reset_index(drop=True)


def change_tests(table: pd.DataFrame, months: pd.DataFrame | None = None, alpha: float = ALPHA,
                 method: str = QUASI_POISSON) -> pd.DataFrame:
    """Test every change of the recorded crime table: the borough's rows are one family, the MPS's another.

    Each row's change is tested from its 24 monthly counts by
    :func:`boardpack.metrics.significance.monthly_change_test` (quasi-Poisson by default, the exact
    Poisson test where that cannot be more cautious), and the p-values of each column are adjusted
    for the number of rows tested (Benjamini–Hochberg: ``q_value``; ``significant`` is q <= alpha).

    Parameters
    ----------
    table : DataFrame
        From :func:`recorded_crime_table` (``row, previous_12m, current_12m, mps_previous_12m,
        mps_current_12m``).
    months : DataFrame, optional
        From :func:`row_months` (``row, month, borough, mps``). Without it every row takes the exact
        test of its two totals.
    alpha : float
        The significance level and the false discovery rate (the notebook parameter ``alpha``).
    method : str
        ``"quasi-poisson"`` or ``"exact-poisson"`` (the notebook parameter ``change_test``).

    Returns
    -------
    DataFrame
        A copy of ``table`` with the test columns (:data:`boardpack.metrics.significance.TEST_COLUMNS`)
        for the borough and the same with an ``mps_`` prefix; all missing for a row that is not
        available. ``attrs`` keeps the table's and adds ``alpha``, ``change_test``, ``test`` and ``family``.
    """
    out = table
    for prefix, column in (("", "borough"), ("mps_", "mps")):
        monthly = None
        if months is not None:
            wide = months.pivot(index="row", columns="month", values=column)
            monthly = wide.reindex(table["row"]).set_axis(table.index).dropna(how="any")
        out = with_change_tests(out, f"{prefix}previous_12m", f"{prefix}current_12m", alpha, prefix=prefix,
                                monthly=monthly, method=method)
    return out


def homicide_change_tests(homicides: dict, months: pd.DataFrame | None = None, alpha: float = ALPHA,
                          method: str = QUASI_POISSON) -> dict:
    """Test the change in homicide victims, the borough's and the MPS's, each alone (q = p).

    Parameters
    ----------
    homicides : dict
        From :func:`boardpack.metrics.rates.homicide_victims` (``previous_12m, current_12m,
        mps_previous_12m, mps_current_12m``).
    months : DataFrame, optional
        From :func:`boardpack.metrics.rates.homicide_months` (``month, borough, mps``, 24 months);
        without it the exact test of the totals.
    alpha : float
        The significance level.
    method : str
        ``"quasi-poisson"`` or ``"exact-poisson"``.

    Returns
    -------
    dict
        The four counts, then the test columns for the borough, the same with an ``mps_`` prefix,
        ``alpha`` and ``change_test``.
    """
    out = dict(homicides)
    for prefix, column in (("", "borough"), ("mps_", "mps")):
        prev, cur = homicides[f"{prefix}previous_12m"], homicides[f"{prefix}current_12m"]
        if months is not None and len(months) == 24:
            series = months[column].tolist()
            test = monthly_change_test(series[:12], series[12:], alpha, method)
        else:
            test = change_test(prev, cur, alpha)  # no monthly series: the exact test of the totals
        out.update({f"{prefix}{k}": v for k, v in test.as_dict().items()})
    out["alpha"] = float(alpha)
    out["change_test"] = method
    return out
