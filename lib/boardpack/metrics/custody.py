"""The Independent Custody Visitor panel's quarterly report for a borough (Figure 14 of the pack).

The quarter's name is made in :mod:`boardpack.report.custody_narrative`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from ..errors import CoverageError
from ..periods import month_label, parse_month
from .change import share

# A board hears its panel's report for a quarter ending in the six months to the pack's period.
WINDOW_MONTHS = 6


@dataclass(frozen=True)
class CustodyReport:
    """One quarter's custody visiting figures for one borough.

    Attributes
    ----------
    quarter_end : str
        ``"YYYY-MM"``.
    custody_suites, observations, issues_raised : str
        The panel's free text ("" when none was given).
    visits_scheduled, visits_conducted, detainees_held, detainees_spoken_to : int
    pct_visits_conducted, pct_detainees_spoken_to : int or None
        Whole percentages (halves round up); None when the base is 0.
    """

    quarter_end: str
    custody_suites: str
    visits_scheduled: int
    visits_conducted: int
    pct_visits_conducted: int | None
    detainees_held: int
    detainees_spoken_to: int
    pct_detainees_spoken_to: int | None
    observations: str
    issues_raised: str

    def as_dict(self) -> dict:
        """The report as plain values, for the figures record."""
        return asdict(self)

    def to_frame(self) -> pd.DataFrame:
        """The report as a two-column table (``measure``, ``value``), for the notebook to show."""
        return pd.DataFrame({"measure": list(self.as_dict()), "value": [str(v) for v in self.as_dict().values()]})

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """A compute cell shows the report as its table (:meth:`to_frame`)."""
        frame = self.to_frame()
        return {"text/plain": frame.to_string(index=False), "text/html": frame.to_html(index=False)}


def whole_pct(part: int, total: int) -> int | None:
    """``part`` as a whole percentage of ``total``, halves rounded up.

    Parameters
    ----------
    part, total : int

    Returns
    -------
    int or None
        E.g. 10 of 13 -> 77; None when ``total`` is 0.
    """
    pct = share(part, total, 0)
    return None if pct is None else int(pct)


def latest_report(custody_visits: pd.DataFrame, gss_code: str, period: str,
                  within_months: int | None = None) -> CustodyReport:
    """The borough's latest custody visiting report on or before ``period``.

    Parameters
    ----------
    custody_visits : DataFrame
        The ``custody_visits`` canonical table.
    gss_code : str
        The borough.
    period : str
        The pack's month, ``"YYYY-MM"``.
    within_months : int, optional
        Only reports whose quarter ends within this many months up to ``period`` count, so an
        old report is never shown as current.

    Returns
    -------
    CustodyReport

    Raises
    ------
    CoverageError
        Defensively, if the borough has no report in that time; the coverage rules refuse
        such data first (``coverage.for_borough``).
    """
    end = parse_month(period)
    rows = custody_visits[(custody_visits["area_code"] == gss_code) & (custody_visits["quarter_end"] <= str(end))]
    if within_months is not None:
        rows = rows[rows["quarter_end"] > str(end - within_months)]
    if rows.empty:
        since = (f" in the {within_months} month{'' if within_months == 1 else 's'}"
                 if within_months is not None else "")
        raise CoverageError(f"no custody visiting report for this borough{since} to {month_label(period)}")
    r = rows.sort_values("quarter_end").iloc[-1]
    scheduled, conducted = int(r["visits_scheduled"]), int(r["visits_conducted"])
    held, spoken = int(r["detainees_held"]), int(r["detainees_spoken_to"])
    return CustodyReport(
        quarter_end=str(r["quarter_end"]),
        custody_suites=_text(r["custody_suites"]),
        visits_scheduled=scheduled,
        visits_conducted=conducted,
        pct_visits_conducted=whole_pct(conducted, scheduled),
        detainees_held=held,
        detainees_spoken_to=spoken,
        pct_detainees_spoken_to=whole_pct(spoken, held),
        observations=_text(r["observations"]),
        issues_raised=_text(r["issues_raised"]),
    )


def _text(value) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()
