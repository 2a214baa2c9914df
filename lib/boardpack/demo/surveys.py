"""Synthetic survey files: the MOPAC PAS dashboard extract and the documented USS input.

PAS files copy the published layout exactly: ``;``-separated, decimal commas, CRLF line
ends, quarter ends as ``dd/mm/yyyy``, Westminster as "City of Westminster" and, for the
last three quarters, Richmond spelt "Richmond Upon Thames" as in the real extract.
"""

from __future__ import annotations

import calendar
from pathlib import Path

import numpy as np

from .areas import boroughs
from .calibration import (
    PAS_BOROUGH_SD,
    PAS_MPS_LEVELS,
    USS_MPS_LEVELS,
    USS_RESPONDENTS_PER_BOROUGH,
)
from .coverage import PAS_FIRST_QUARTER, PAS_TRUST_FIRST_QUARTER, USS_FIRST_QUARTER, quarters_since
from .determinism import csv_text, rng_for, write_text

PAS_FOLDER = Path("pas_confidence")
USS_PATH = Path("victim_satisfaction") / "uss.csv"
PAS_REFERENCE_QUARTER = "2023-12"  # the second value of each PAS_MPS_LEVELS pair
# The real extract's own spellings of two boroughs.
_PAS_LABELS = {"E09000033": "City of Westminster"}
_RICHMOND = ("E09000027", "Richmond Upon Thames")


def _pas_date(quarter_end: str) -> str:
    year, month = int(quarter_end[:4]), int(quarter_end[5:])
    return f"{calendar.monthrange(year, month)[1]:02d}/{month:02d}/{year}"


def _pas_number(value: float) -> str:
    # Two decimals, trailing zeros dropped, decimal comma ("0,6", "0,57").
    return repr(round(float(value), 2)).replace(".", ",")


def pas_values() -> tuple[list[str], dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Synthetic PAS proportions for the MPS and each borough.

    Returns
    -------
    quarters : list of str
        Quarter-end months, oldest first.
    mps : dict
        Measure -> MPS proportion per quarter (NaN before the measure was published).
    borough : dict
        Measure -> array of shape ``(32, quarters)``, boroughs in GSS-code order.
    """
    rng = rng_for("pas")
    quarters = quarters_since(PAS_FIRST_QUARTER)
    ref = quarters.index(PAS_REFERENCE_QUARTER)
    bs = boroughs()
    shared = rng.normal(0, PAS_BOROUGH_SD, len(bs))  # a borough that rates police well does so on most measures
    mps, borough = {}, {}
    for measure, (start, end) in PAS_MPS_LEVELS.items():
        first = quarters.index(PAS_TRUST_FIRST_QUARTER) if measure == "Trust MPS" else 0
        t = np.arange(len(quarters), dtype=float)
        path = np.where(t <= ref, start + (end - start) * (t - first) / (ref - first), end + 0.006 * (t - ref))
        path = path + rng.normal(0, 0.008, len(quarters))
        path[:first] = np.nan
        offsets = 0.7 * shared + rng.normal(0, 0.6 * PAS_BOROUGH_SD, len(bs))
        values = path[None, :] + offsets[:, None] + rng.normal(0, 0.02, (len(bs), len(quarters)))
        mps[measure] = np.clip(path, 0.02, 0.98)
        borough[measure] = np.clip(values, 0.02, 0.98)
    return quarters, mps, borough


def write_pas(out: Path) -> list[Path]:
    """Write ``pas_confidence/PAS_buroughs.csv`` and ``PAS_Total.csv``.

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    quarters, mps, borough = pas_values()
    bs = boroughs()
    # The real extract lists boroughs alphabetically by their plain name (Westminster last).
    order = sorted(range(len(bs)), key=lambda i: bs[i].name)
    rows_b = [["Date", "Survey", "Borough", "Measure", "Proportion", "MPS"]]
    rows_t = [["Date", "Survey", "Borough", "Measure", "Proportion"]]
    for q, quarter in enumerate(quarters):
        date = _pas_date(quarter)
        for measure in PAS_MPS_LEVELS:
            if np.isnan(mps[measure][q]):
                continue
            m = _pas_number(mps[measure][q])
            rows_t.append([date, "PAS", "MPS", measure, m])
            for i in order:
                label = _PAS_LABELS.get(bs[i].code, bs[i].name)
                if bs[i].code == _RICHMOND[0] and q >= len(quarters) - 3:
                    label = _RICHMOND[1]
                rows_b.append([date, "PAS", label, measure, _pas_number(borough[measure][i, q]), m])
    return [
        write_text(out / PAS_FOLDER / "PAS_buroughs.csv", csv_text(rows_b, delimiter=";", lineterminator="\r\n")),
        write_text(out / PAS_FOLDER / "PAS_Total.csv", csv_text(rows_t, delimiter=";", lineterminator="\r\n")),
    ]


def write_uss(out: Path) -> list[Path]:
    """Write the documented input ``victim_satisfaction/uss.csv`` (boroughs and MPS).

    Parameters
    ----------
    out : Path
        The dataset folder.

    Returns
    -------
    list of Path
    """
    rng = rng_for("uss")
    quarters = quarters_since(USS_FIRST_QUARTER)
    bs = boroughs()
    t = np.linspace(0, 1, len(quarters))
    shared = rng.normal(0, 3.0, len(bs))
    white_share = np.clip(rng.normal(0.55, 0.12, len(bs)), 0.2, 0.85)
    base_n = np.round(USS_RESPONDENTS_PER_BOROUGH * rng.lognormal(0, 0.1, (len(bs), len(quarters))))
    rows = [["borough", "quarter_end", "measure", "satisfied_pct", "respondents"]]
    mps_rows = []
    for measure, (start, end) in USS_MPS_LEVELS.items():
        path = start + (end - start) * t + rng.normal(0, 0.6, len(quarters))
        pct = path[None, :] + shared[:, None] + rng.normal(0, 2.5, (len(bs), len(quarters)))
        pct = np.clip(pct, 0, 100)
        if measure == "white":
            n = np.round(base_n * white_share[:, None])
        elif measure == "bme":
            n = base_n - np.round(base_n * white_share[:, None])
        elif measure == "follow_up":
            n = np.round(base_n * 0.8)  # not every victim is due a follow-up
        else:
            n = base_n
        n = n.astype(int)
        for i, b in enumerate(bs):
            rows.extend([b.name, q, measure, f"{pct[i, k]:.1f}", int(n[i, k])] for k, q in enumerate(quarters))
        weighted = (pct * n).sum(axis=0) / n.sum(axis=0)
        mps_rows.extend(["MPS", q, measure, f"{weighted[k]:.1f}", int(n[:, k].sum())] for k, q in enumerate(quarters))
    measure_order = {m: i for i, m in enumerate(USS_MPS_LEVELS)}
    body = sorted(rows[1:], key=lambda r: (r[0], r[1], measure_order[r[2]]))
    body += sorted(mps_rows, key=lambda r: (r[1], measure_order[r[2]]))
    return [write_text(out / USS_PATH, csv_text([rows[0], *body]))]
