"""Synthetic documented inputs: ASB calls, complaints, workforce, custody visits, MoJ figures,
"other crime" measures and plan commitments.

No public borough file exists for most of these (shared data README section 8), so their levels
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
    KNIFE_CRIME_STRATEGY_COMMITMENTS,
    KNIFE_CRIME_STRATEGY_COMPLETE,
    OTHER_CRIME_LONDON_MONTHLY,
    PCP_2017_COMMITMENTS,
    PCP_2017_COMPLETE_OR_ON_TRACK,
    PCP_2022_COMMITMENTS,
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
# "Other crime" measures that count a subset of another measure's offences: drawn by thinning it.
OTHER_CRIME_SUBSETS = {"Knife Crime with Injury": "Knife Crime", "Serious Youth Violence": "Youth Violence"}
# The hate crime strands; "Hate Crime" counts offences with any of these flags.
HATE_STRANDS = ("Racist & Religious Hate Crime", "Homophobic Crime", "Disability Hate Crime",
                "Transgender Hate Crime", "Faith Hate Crime")
# Plans, strategies and themes of the commitments tracker (themes as the plans name them).
PCP_2017 = "Police and Crime Plan 2017-21"
PCP_2022 = "Police and Crime Plan 2022-25"
PCP_STRATEGY = "Police and Crime Plan"
KNIFE_STRATEGY = "Knife Crime Strategy"
PCP_2017_THEMES = (
    "A better police service for London", "A better criminal justice service for London",
    "Keeping children and young people safe", "Tackling violence against women and girls",
    "Standing together against hatred and intolerance",
)
KNIFE_STRATEGY_THEMES = (
    "Targeting lawbreakers", "Offering ways out of crime", "Keeping deadly weapons off our streets",
    "Protecting and educating young people", "Standing with communities, neighbourhoods and families",
    "Supporting victims of knife crime",
)
PCP_2022_THEMES = (
    "Reducing and preventing violence", "Increasing trust and confidence", "Better supporting victims",
    "Protecting people from exploitation and harm",
)
PCP_2017_AS_AT = ("2019-03", "2021-03")  # the mid-term and the end-of-term reports
PCP_2022_FIRST_AS_AT = "2022-06"  # then every quarter end to DEMO_PERIOD
# Illustrative (not calibrated): at the end of 2017-21, the share of the complete-or-on-track
# commitments that were complete, and of the others the share at risk (the rest not started).
PCP_2017_END_COMPLETE_SHARE = 0.6
PCP_2017_END_AT_RISK_SHARE = 2 / 3
# Illustrative quarterly moves of a live tracker's statuses; "complete" never goes back.
_STATUS_STEPS = {
    "not started": (("not started", 0.70), ("on track", 0.30)),
    "on track": (("on track", 0.86), ("complete", 0.08), ("at risk", 0.06)),
    "at risk": (("at risk", 0.60), ("on track", 0.35), ("complete", 0.05)),
    "complete": (("complete", 1.0),),
}


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


def write_other_crime(out: Path) -> list[Path]:
    """Write ``other_crime/other_crime.csv`` (``borough,month,measure,offences``).

    Every borough, measure and month of the 48 months to the demo period; no MPS rows (the
    pack sums the boroughs). Each measure is Poisson around an illustrative London level split
    by the boroughs' weights. Knife Crime with Injury and Serious Youth Violence are drawn out
    of Knife Crime and Youth Violence, so never exceed them; Hate Crime is the strands' sum
    thinned for offences carrying several flags, but never below the largest strand.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("other-crime")
    span = months(INPUT_MONTHS)
    season = _summer_peak(span, 0.10)
    levels = OTHER_CRIME_LONDON_MONTHLY
    hate_share = levels["Hate Crime"] / sum(levels[s] for s in HATE_STRANDS)
    rows = []
    for b, w in zip(boroughs(), _borough_weights()):
        counts = {}
        for measure, level in levels.items():
            if measure in OTHER_CRIME_SUBSETS or measure == "Hate Crime":
                continue
            mix = rng.lognormal(0, 0.2)  # a borough's level of this measure differs from its share of all demand
            counts[measure] = rng.poisson(level * w * mix * season * rng.lognormal(0, 0.05, len(span)))
        for part, whole in OTHER_CRIME_SUBSETS.items():
            counts[part] = rng.binomial(counts[whole], levels[part] / levels[whole])
        strands = np.array([counts[s] for s in HATE_STRANDS])
        counts["Hate Crime"] = np.maximum(strands.max(axis=0), rng.binomial(strands.sum(axis=0), hate_share))
        for measure in levels:
            rows.extend([b.name, m, measure, int(c)] for m, c in zip(span, counts[measure]))
    header = ["borough", "month", "measure", "offences"]
    return [write_text(out / "other_crime" / "other_crime.csv", csv_text([header, *sorted(rows)]))]


def _earlier_status(rng: np.random.Generator, later: str) -> str:
    """A status some time before ``later``: complete only if the commitment is complete later."""
    if later == "complete":
        return str(rng.choice(["complete", "on track", "at risk", "not started"], p=[0.3, 0.5, 0.1, 0.1]))
    return str(rng.choice(["on track", "at risk", "not started"], p=[0.5, 0.2, 0.3]))


def _next_status(rng: np.random.Generator, status: str) -> str:
    draw, total = rng.random(), 0.0
    for to, p in _STATUS_STEPS[status]:
        total += p
        if draw < total:
            return to
    return status


def _end_statuses(rng: np.random.Generator, n: int, complete: int, on_track: int) -> list[str]:
    """``n`` statuses with exactly ``complete`` complete and ``on_track`` on track, in random order."""
    rest = n - complete - on_track
    at_risk = round(rest * PCP_2017_END_AT_RISK_SHARE)
    ends = (["complete"] * complete + ["on track"] * on_track + ["at risk"] * at_risk
            + ["not started"] * (rest - at_risk))
    return [str(s) for s in rng.permutation(ends)]


def write_commitments(out: Path) -> list[Path]:
    """Write ``commitments/commitments.csv`` (``plan,strategy,theme,commitment_id,title,status,as_at``).

    The Police and Crime Plan 2017-21 as at March 2019 and March 2021: its own 119 commitments
    (87% complete or on track at the end) and the Knife Crime Strategy's 39 (37 complete), as
    MOPAC reported them; then the 2022-25 plan's illustrative tracker every quarter end from
    June 2022 to the demo period. Titles say "DEMO (synthetic)". No status goes back from complete.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("commitments")
    rows = []

    def add(plan: str, strategy: str, prefix: str, themes: tuple[str, ...],
            snapshots: list[tuple[str, list[str]]]) -> None:
        # One row per commitment per (as-at month, statuses) snapshot; themes taken in turn.
        n = len(snapshots[0][1])
        width = max(2, len(str(n)))  # zero-padded, so the ids sort in order
        for i in range(n):
            number = f"{i + 1:0{width}d}"
            theme = themes[i % len(themes)]
            title = f"DEMO (synthetic): commitment {number} under '{theme}'"
            rows.extend([plan, strategy, theme, f"{prefix}-{number}", title, statuses[i], as_at]
                        for as_at, statuses in snapshots)

    good = round(PCP_2017_COMPLETE_OR_ON_TRACK * PCP_2017_COMMITMENTS)
    complete = round(PCP_2017_END_COMPLETE_SHARE * good)
    end = _end_statuses(rng, PCP_2017_COMMITMENTS, complete, good - complete)
    mid = [_earlier_status(rng, s) for s in end]
    add(PCP_2017, PCP_STRATEGY, "PCP", PCP_2017_THEMES, list(zip(PCP_2017_AS_AT, (mid, end))))

    n_knife = KNIFE_CRIME_STRATEGY_COMMITMENTS
    end = _end_statuses(rng, n_knife, KNIFE_CRIME_STRATEGY_COMPLETE, n_knife - KNIFE_CRIME_STRATEGY_COMPLETE)
    mid = [_earlier_status(rng, s) for s in end]
    add(PCP_2017, KNIFE_STRATEGY, "KCS", KNIFE_STRATEGY_THEMES, list(zip(PCP_2017_AS_AT, (mid, end))))

    tracker = []
    statuses = [str(s) for s in rng.choice(["not started", "on track"], p=[0.4, 0.6], size=PCP_2022_COMMITMENTS)]
    for as_at in quarters_since(PCP_2022_FIRST_AS_AT):
        tracker.append((as_at, statuses))
        statuses = [_next_status(rng, s) for s in statuses]
    add(PCP_2022, PCP_STRATEGY, "PCP22", PCP_2022_THEMES, tracker)

    header = ["plan", "strategy", "theme", "commitment_id", "title", "status", "as_at"]
    rows.sort(key=lambda r: (r[0], r[1], r[3], r[6]))  # by plan, strategy, commitment and as-at month
    return [write_text(out / "commitments" / "commitments.csv", csv_text([header, *rows]))]
