"""Synthetic documented inputs: ASB calls, complaints, workforce, custody visits and MoJ figures.

No public borough file exists for these (shared data README section 8), so their levels
are orders of magnitude, not calibrated against real rows; the layouts follow the
documented input formats in docs/data.md. Free-text fields say "DEMO".
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .areas import boroughs
from .calibration import (
    ASB_LONDON_MONTHLY,
    COMPLAINTS_LONDON_MONTHLY,
    CUSTODY_VISITS_PER_QUARTER,
    WORKFORCE_LONDON,
)
from .coverage import CUSTODY_QUARTERS, DEMO_PERIOD, INPUT_MONTHS, months, quarters_since
from .determinism import csv_text, rng_for, write_text
from ..periods import parse_month

# Illustrative mixes (not calibrated): most allegations are about failures in duty.
ALLEGATION_MIX = {
    "Oppressive Behaviour": 0.20, "Discrimination": 0.05, "Malpractice": 0.04, "Failures in Duty": 0.42,
    "Incivility": 0.16, "Traffic Irregularity": 0.01, "Other": 0.12,
}
OUTCOME_MIX = {
    "Case to Answer": 0.03, "No Case to Answer": 0.27, "Local Resolution": 0.35, "Disapplication": 0.05,
    "Discontinuance": 0.02, "Withdrawn": 0.28,
}
# (measure, unit, London start, London end, England and Wales start, England and Wales end)
MOJ_SERIES = (
    ("offence_to_completion_days", "days", 250.0, 285.0, 220.0, 262.0),
    ("charge_to_completion_days", "days", 110.0, 132.0, 95.0, 116.0),
    ("proven_reoffending_rate", "percent", 24.5, 23.6, 25.6, 24.9),
    ("reoffences_per_reoffender", "count", 3.60, 3.52, 3.95, 3.86),
)
COURT_LAG_QUARTERS = 1  # court timeliness is published a quarter behind
REOFFENDING_LAG_QUARTERS = 7  # a cohort needs a year to reoffend plus six months for court outcomes
MOJ_QUARTERS = 16
_OBSERVATIONS = (
    "DEMO (synthetic): detainees reported being offered food and drink; cells clean.",
    "DEMO (synthetic): booking-in area busy; waiting times for a solicitor noted.",
    "DEMO (synthetic): all detainees spoken to knew their rights; no concerns raised.",
    "DEMO (synthetic): heating in one cell corridor not working at the time of the visit.",
    "DEMO (synthetic): visitors kept waiting at the entrance before being admitted.",
)
_ISSUES = (
    "DEMO (synthetic): reading material in other languages was not available.",
    "DEMO (synthetic): a detainee asked for a shower and had not been offered one.",
    "DEMO (synthetic): the suite's log of visits was incomplete.",
)


def _borough_weights() -> np.ndarray:
    # Demand on these services follows both population and crime volumes.
    w = np.array([b.crime_share + b.population_share for b in boroughs()])
    return w / w.sum()


def _summer_peak(span: list[str], amplitude: float) -> np.ndarray:
    month_no = np.array([int(m[5:]) for m in span])
    return 1 + amplitude * np.cos(2 * np.pi * (month_no - 7) / 12)


def write_asb(out: Path) -> list[Path]:
    """Write ``asb/asb_calls.csv`` (``borough,month,calls``).

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("asb")
    span = months(INPUT_MONTHS)
    season = _summer_peak(span, 0.15)  # ASB calls peak in summer
    rows = [["borough", "month", "calls"]]
    for b, w in zip(boroughs(), _borough_weights()):
        lam = ASB_LONDON_MONTHLY * w * season * rng.lognormal(0, 0.06, len(span))
        rows.extend([b.name, m, int(c)] for m, c in zip(span, rng.poisson(lam)))
    return [write_text(out / "asb" / "asb_calls.csv", csv_text([rows[0], *sorted(rows[1:])]))]


def workforce_levels() -> tuple[list[str], np.ndarray]:
    """Synthetic borough workforce (FTE) per month.

    Returns
    -------
    months : list of str
    levels : numpy.ndarray
        Shape ``(32, months)``, boroughs in GSS-code order.
    """
    rng = rng_for("workforce")
    span = months(INPUT_MONTHS)
    t = np.arange(len(span)) / 12
    trend = rng.normal(0.0, 0.02, len(boroughs()))  # a borough's yearly change in headcount
    base = WORKFORCE_LONDON * _borough_weights()
    levels = base[:, None] * (1 + trend[:, None] * t[None, :]) * rng.lognormal(0, 0.004, (len(base), len(span)))
    return span, np.round(levels, 1)


def write_complaints(out: Path) -> list[Path]:
    """Write ``complaints/allegations.csv``, ``outcomes.csv`` and ``workforce.csv``.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("complaints")
    span, workforce = workforce_levels()
    share = workforce / workforce.sum(axis=0, keepdims=True)
    folder = out / "complaints"
    allegations = [["borough", "month", "allegation_type", "allegations"]]
    outcomes = [["borough", "month", "outcome", "allegations"]]
    staff = [["borough", "month", "workforce"]]
    level = COMPLAINTS_LONDON_MONTHLY * rng.lognormal(0, 0.05, len(span))
    for i, b in enumerate(boroughs()):
        rate = rng.lognormal(0, 0.2)  # some boroughs attract more complaints per officer
        for k, m in enumerate(span):
            lam = level[k] * share[i, k] * rate
            allegations.extend([b.name, m, t, int(rng.poisson(lam * p))] for t, p in ALLEGATION_MIX.items())
            outcomes.extend([b.name, m, o, int(rng.poisson(0.9 * lam * p))] for o, p in OUTCOME_MIX.items())
            staff.append([b.name, m, f"{workforce[i, k]:.1f}"])
    return [
        write_text(folder / "allegations.csv", csv_text([allegations[0], *sorted(allegations[1:])])),
        write_text(folder / "outcomes.csv", csv_text([outcomes[0], *sorted(outcomes[1:])])),
        write_text(folder / "workforce.csv", csv_text([staff[0], *sorted(staff[1:])])),
    ]


def write_custody_visits(out: Path) -> list[Path]:
    """Write ``custody_visits/icv_reports.csv`` (one row per borough and quarter).

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("custody-visits")
    end = parse_month(DEMO_PERIOD)
    quarters = quarters_since(str(end - 3 * (CUSTODY_QUARTERS - 1)))
    header = ["borough", "quarter_end", "custody_suites", "visits_scheduled", "visits_conducted",
              "detainees_held", "detainees_spoken_to", "observations", "issues_raised"]
    rows = []
    for b in boroughs():
        n_suites = 1 + int(rng.random() < 0.3)
        suites = "; ".join(f"DEMO {b.name} custody suite {chr(65 + s)}" for s in range(n_suites))
        for q in quarters:
            scheduled = int(CUSTODY_VISITS_PER_QUARTER * n_suites + rng.integers(-1, 2))
            conducted = scheduled - int(rng.binomial(scheduled, 0.08))
            held = int(rng.poisson(6.5 * conducted))
            spoken = int(rng.binomial(held, 0.55))
            observation = _OBSERVATIONS[rng.integers(len(_OBSERVATIONS))]
            issue = _ISSUES[rng.integers(len(_ISSUES))] if rng.random() < 0.5 else ""
            rows.append([b.name, q, suites, scheduled, conducted, held, spoken, observation, issue])
    return [write_text(out / "custody_visits" / "icv_reports.csv", csv_text([header, *sorted(rows)]))]


def write_moj(out: Path) -> list[Path]:
    """Write ``moj/criminal_justice.csv`` (London and England and Wales series).

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("moj")
    end = parse_month(DEMO_PERIOD)
    rows = []
    for measure, unit, l0, l1, e0, e1 in MOJ_SERIES:
        lag = REOFFENDING_LAG_QUARTERS if measure.startswith(("proven", "reoffences")) else COURT_LAG_QUARTERS
        last = end - 3 * lag
        quarters = quarters_since(str(last - 3 * (MOJ_QUARTERS - 1)), str(last))
        t = np.linspace(0, 1, len(quarters))
        digits = 2 if unit == "count" else 1
        for area, a, b in (("London", l0, l1), ("England and Wales", e0, e1)):
            values = (a + (b - a) * t) * rng.lognormal(0, 0.015, len(quarters))
            rows.extend([measure, q, area, f"{v:.{digits}f}", unit] for q, v in zip(quarters, values))
    header = ["measure", "period_end", "area", "value", "unit"]
    return [write_text(out / "moj" / "criminal_justice.csv", csv_text([header, *sorted(rows)]))]
