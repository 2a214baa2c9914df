"""The Police and Crime Plan's local priorities: each priority's last 12 months against the 12 before.

A priority is a row of the recorded crime table (``"Burglary (Total)"``), a combination of such rows
(``"Sexual violence"`` = Rape + Other Sexual Offences, as ``params/local_priorities.yaml`` defines it),
``"Anti-social behaviour"`` (the ASB calls input), or a measure of the MPS crime dashboard's "other
crime" input (``"Knife Crime"``, ``"Domestic Abuse"``, ``"Child Sexual Exploitation"`` …). Crime
rows come from one vintage of the MPS files, the one the recorded crime table uses, so a priority
named like a crime-table row carries the same counts. Each change is tested as the crime table's
are (:func:`boardpack.metrics.significance.with_change_tests`), the priorities one family of their own.

For the 2013-16 plan, :func:`against_baseline` sets the MOPAC 7 against the 2011/12 baseline and the
plan's 20% reduction target.
"""

from __future__ import annotations

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label, month_range, parse_month, rolling_windows
from .asb import monthly_calls
from .change import pct_change
from .crime import (
    MOPAC7,
    MOPAC7_ROWS,
    ROW_NAMES,
    UNAVAILABLE_ROWS,
    area_row_counts,
    available_rows,
    choose_vintage,
)
from .other_crime import FILE as OTHER_CRIME_FILE
from .other_crime import measure_months
from .significance import ALPHA, QUASI_POISSON, with_change_tests

ASB = "Anti-social behaviour"
ASB_FILE = "asb/asb_calls.csv"
MONTHS = 24
CATALOGUE = ["priority", "source", "available", "reason", "mps_source"]


def source_of(priority: str, combinations: dict) -> str:
    """Where a priority's figures come from: ``"crime"``, ``"asb"`` or ``"other_crime"``."""
    if priority == ASB:
        return "asb"
    if priority in combinations or (priority in ROW_NAMES and priority not in UNAVAILABLE_ROWS):
        return "crime"
    return "other_crime"


def priority_months(priorities, combinations: dict, crime: pd.DataFrame, mappings: pd.DataFrame, gss_code: str,
                    period: str, boroughs: list[str], asb: pd.DataFrame | None = None,
                    other_crime: pd.DataFrame | None = None, vintage: str = "auto") -> pd.DataFrame:
    """The 24 monthly counts to ``period`` of each priority, the borough's and the MPS's.

    Parameters
    ----------
    priorities : sequence of str
        The priority rows, in order (:class:`boardpack.plan_config.PlanInForce` ``priorities``).
    combinations : dict
        Priority name -> the crime-table rows it adds up.
    crime, mappings : DataFrame
        The canonical ``crime`` table and every vintage's mapping (as for the recorded crime table).
    gss_code, period : str
        The borough and the last month.
    boroughs : list of str
        The 32 boroughs' GSS codes (the MPS figure of ASB and of the other crime measures is their sum).
    asb, other_crime : DataFrame, optional
        The documented inputs' tables; None when the data folder has none (their rows are then not available).
    vintage : str
        ``"auto"`` or a vintage name (the notebook parameter ``crime_vintage``).

    Returns
    -------
    DataFrame
        ``priority, month, borough, mps`` for every priority with all 24 months. ``attrs["catalogue"]``
        lists every priority, in order, with ``source`` (the files it reads), ``available``, ``reason``
        (why not) and ``mps_source``; ``attrs["vintage"]`` the crime vintage.
    """
    months = month_range(period, MONTHS)
    vintage = choose_vintage(crime, mappings, period, months=MONTHS, prefer=vintage)
    counts = area_row_counts(crime, mappings, vintage)
    counts = counts[counts["month"].isin(months)]
    have = set(available_rows(mappings, vintage))
    dashboard = measure_months(other_crime, gss_code, period, boroughs, months=MONTHS)
    frames, catalogue = [], []
    for name in priorities:
        kind = source_of(name, combinations)
        series, entry = None, {"priority": name, "mps_source": "MPS"}
        if kind == "crime":
            rows = list(combinations.get(name, (name,)))
            entry["source"] = f"MPS Borough Level Crime ({vintage}): " + " + ".join(rows)
            lacking = [r for r in rows if r not in have]
            if lacking:
                entry["reason"] = (f"{' and '.join(lacking)} {'is' if len(lacking) == 1 else 'are'} not published "
                                   f"in the {vintage} classification of the MPS borough-level files")
            else:
                mine = counts[counts["row"].isin(rows)]
                series = pd.DataFrame({
                    "borough": mine[mine["area_code"] == gss_code].groupby("month")["count"].sum(),
                    "mps": mine[mine["area_code"] == "MPS"].groupby("month")["count"].sum()}).reindex(months)
        elif kind == "asb":
            entry["source"], entry["mps_source"] = ASB_FILE, "sum of the 32 boroughs"
            if asb is None:
                entry["reason"] = f"ASB calls are not in the data folder; add {ASB_FILE} (see docs/data.md)"
            else:
                calls = monthly_calls(asb, gss_code, period, boroughs, months=MONTHS).set_index("month")
                calls = calls.reindex(months)
                if calls["borough"].isna().any():
                    entry["reason"] = f"{ASB_FILE} lacks some of the {MONTHS} months to {month_label(period)}"
                else:
                    series = calls[["borough", "mps"]]
        else:
            entry["source"] = f"{OTHER_CRIME_FILE} (MPS crime dashboard: {name})"
            mine = dashboard[dashboard["row"] == name]
            if other_crime is None:
                entry["reason"] = (f"not in the MPS borough-level files; add the MPS crime dashboard's other crime "
                                   f"measures as {OTHER_CRIME_FILE} (see docs/data.md)")
            elif mine.empty:
                entry["reason"] = (f"{OTHER_CRIME_FILE} has no {name!r} for {gss_code} in every one of the "
                                   f"{MONTHS} months to {month_label(period)}")
            else:
                series = mine.set_index("month")[["borough", "mps"]].reindex(months)
                entry["mps_source"] = dashboard.attrs["mps_source"].get(name, "")
        entry["available"] = series is not None
        entry.setdefault("reason", "")
        catalogue.append(entry)
        if series is not None:
            frames.append(series.reset_index(names="month").assign(priority=name))
    out = (pd.concat(frames, ignore_index=True) if frames
           else pd.DataFrame(columns=["priority", "month", "borough", "mps"]))
    out = out[["priority", "month", "borough", "mps"]]
    out["borough"] = out["borough"].astype("int64")
    out["mps"] = out["mps"].astype("float64")
    out.attrs.update(catalogue=pd.DataFrame(catalogue, columns=CATALOGUE), vintage=vintage, period=period)
    return out


def priority_table(months: pd.DataFrame, alpha: float = ALPHA, method: str = QUASI_POISSON) -> pd.DataFrame:
    """One row per priority: the last 12 months against the 12 before, the borough and the MPS, tested.

    Parameters
    ----------
    months : DataFrame
        From :func:`priority_months` (with its ``attrs["catalogue"]``).
    alpha : float
        Significance level and false discovery rate (the notebook parameter ``alpha``).
    method : str
        ``"quasi-poisson"`` or ``"exact-poisson"`` (the notebook parameter ``change_test``).

    Returns
    -------
    DataFrame
        ``priority, source, available, reason, previous_12m, current_12m, pct_change,
        mps_previous_12m, mps_current_12m, mps_pct_change, mps_source`` and the test columns
        (:data:`boardpack.metrics.significance.TEST_COLUMNS`, and their ``mps_`` twins); counts missing
        for a priority that is not available. The borough's rows are one family, the MPS's another.
    """
    catalogue = months.attrs["catalogue"]
    period = months.attrs["period"]
    previous, current = rolling_windows(period, 12)
    lines = []
    for entry in catalogue.to_dict("records"):
        line = dict(entry)
        mine = months[months["priority"] == entry["priority"]].set_index("month")
        for prefix, column in (("", "borough"), ("mps_", "mps")):
            prev = mine.loc[previous, column].sum(min_count=12) if entry["available"] else None
            cur = mine.loc[current, column].sum(min_count=12) if entry["available"] else None
            prev, cur = (None if v is None or pd.isna(v) else int(v) for v in (prev, cur))
            line.update({f"{prefix}previous_12m": prev, f"{prefix}current_12m": cur,
                         f"{prefix}pct_change": pct_change(prev, cur)})
        lines.append(line)
    table = pd.DataFrame(lines, columns=[*CATALOGUE, "previous_12m", "current_12m", "pct_change",
                                         "mps_previous_12m", "mps_current_12m", "mps_pct_change"])
    for key in ("previous_12m", "current_12m", "mps_previous_12m", "mps_current_12m"):
        table[key] = table[key].astype("Int64")
    for key in ("pct_change", "mps_pct_change"):
        table[key] = table[key].astype("float64")
    table = table.set_index("priority", drop=False)
    for prefix, column in (("", "borough"), ("mps_", "mps")):
        wide = months.pivot(index="priority", columns="month", values=column)
        wide = wide.reindex(columns=[*previous, *current]).reindex(table.index).dropna(how="any")
        table = with_change_tests(table, f"{prefix}previous_12m", f"{prefix}current_12m", alpha, prefix=prefix,
                                  monthly=wide, method=method)
    table = table.reset_index(drop=True)
    table.attrs.update(vintage=months.attrs.get("vintage"), previous_months=(previous[0], previous[-1]),
                       current_months=(current[0], current[-1]))
    return table


def sparklines(months: pd.DataFrame) -> pd.DataFrame:
    """The borough's 24 monthly counts of each available priority, wide: one column per priority, by month."""
    order = list(dict.fromkeys(months["priority"]))
    wide = months.pivot(index="month", columns="priority", values="borough")
    return wide[order].reset_index().rename_axis(columns=None)


def against_baseline(crime: pd.DataFrame, mappings: pd.DataFrame, gss_code: str, period: str,
                     baseline: tuple[str, str] | None, target_pct: float = -20.0, alpha: float = ALPHA,
                     method: str = QUASI_POISSON, vintage: str = "auto") -> pd.DataFrame | None:
    """The MOPAC 7 over the 12 months to ``period`` against the baseline year and the plan's target.

    Parameters
    ----------
    crime, mappings : DataFrame
        As for the recorded crime table.
    gss_code, period : str
        The borough and the last month.
    baseline : (str, str) or None
        The first and last month of the baseline year (``("2011-04", "2012-03")`` for the 2013-16 plan);
        None when the plan in force sets no baseline (the result is then None).
    target_pct : float
        The reduction target against the baseline, in per cent (-20).
    alpha, method
        As for :func:`priority_table`; each change from the baseline year is tested from the two
        years' monthly counts, the seven crimes and their total one family.
    vintage : str
        ``"auto"`` or a vintage name; one vintage must hold the baseline year and the 12 months.

    Returns
    -------
    DataFrame or None
        One row per MOPAC 7 crime and the MOPAC 7 total: ``row, baseline, current_12m,
        pct_vs_baseline, target, meets_target`` and the same with an ``mps_`` prefix, with the test
        columns. ``attrs``: ``vintage``, ``baseline_months``, ``current_months``, ``target_pct``.

    Raises
    ------
    CoverageError
        If no vintage holds both the baseline year and the 12 months to ``period``.
    """
    if baseline is None:
        return None
    first, last = baseline
    base_months = month_range(last, (parse_month(last) - parse_month(first)).n + 1)
    span = (parse_month(period) - parse_month(first)).n + 1
    try:
        vintage = choose_vintage(crime, mappings, period, months=span, prefer=vintage)
    except CoverageError as exc:
        raise CoverageError(f"the MOPAC 7 baseline needs one edition of the MPS files from {month_label(first)} "
                            f"to {month_label(period)}: {exc}") from exc
    current = month_range(period, 12)
    counts = area_row_counts(crime, mappings, vintage)
    rows = [*MOPAC7_ROWS, MOPAC7]
    counts = counts[counts["row"].isin(rows)]
    lines, monthly = [], {}
    for row in rows:
        line = {"row": row}
        for prefix, area in (("", gss_code), ("mps_", "MPS")):
            mine = counts[counts["area_code"] == area].query("row == @row").set_index("month")["count"]
            base, cur = int(mine.reindex(base_months).sum()), int(mine.reindex(current).sum())
            target = base * (1 + target_pct / 100)
            line.update({f"{prefix}baseline": base, f"{prefix}current_12m": cur,
                         f"{prefix}pct_vs_baseline": pct_change(base, cur), f"{prefix}target": round(target, 1),
                         f"{prefix}meets_target": bool(cur <= target)})
            # The quasi-Poisson test pairs the same months of the year: the baseline's in the current order.
            by_month = dict(zip((m[5:] for m in base_months), mine.reindex(base_months).tolist()))
            monthly.setdefault(prefix, {})[row] = [*(by_month[m[5:]] for m in current),
                                                  *mine.reindex(current).tolist()]
        lines.append(line)
    table = pd.DataFrame(lines).set_index("row", drop=False)
    for prefix in ("", "mps_"):
        wide = pd.DataFrame.from_dict(monthly[prefix], orient="index")
        table = with_change_tests(table, f"{prefix}baseline", f"{prefix}current_12m", alpha, prefix=prefix,
                                  monthly=wide, method=method)
    table = table.reset_index(drop=True)
    table.attrs.update(vintage=vintage, baseline_months=(base_months[0], base_months[-1]),
                       current_months=(current[0], current[-1]), target_pct=float(target_pct))
    return table
