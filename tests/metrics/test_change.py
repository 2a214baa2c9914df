"""pct_change and direction, checked against every printed figure of the reference pack."""

from __future__ import annotations

import math

import pytest
from boardpack.metrics.change import direction, pct_change

# Reference pack: Waltham Forest SNB performance summary, data to October 2015,
# Figure 1 "MPS recorded crime", borough columns 2013/14 and 2014/15 and the printed % change.
FIGURE_1 = [
    ("Total Notifiable Offences (TNOs)", 21173, 21062, -0.5),
    ("Violence with Injury", 2334, 2395, 2.6),
    ("Robbery (Total)", 714, 676, -5.3),
    ("Burglary (Total)", 2570, 2175, -15.4),
    ("Theft From Person Offences", 623, 557, -10.6),
    ("Theft/Taking Of MV Offences", 827, 699, -15.5),
    ("Theft From MV Offences", 1847, 1635, -11.5),
    ("Criminal Damage Offences", 1779, 1871, 5.2),
    ("MOPAC 7", 10694, 10008, -6.4),
    ("Violence Against the Person", 6003, 6732, 12.1),
    ("Assault with Injury", 1571, 1656, 5.4),
    ("Homicide", 3, 3, 0.0),
    ("Burglary (res)", 1843, 1342, -27.2),
    ("Burglary (non-res)", 727, 833, 14.6),
    ("Robbery (Personal)", 640, 629, -1.7),
    ("Robbery (Business)", 74, 47, -36.5),
    ("Motor Vehicle Crime", 2674, 2334, -12.7),
    ("Rape", 145, 163, 12.4),
    ("Other Sexual Offences", 328, 322, -1.8),
    ("Youth Violence", 597, 597, 0.0),
    ("Serious Youth Violence", 236, 214, -9.3),
    ("Gun Crime", 59, 69, 16.9),
    ("Knife Crime", 372, 332, -10.8),
    ("Knife Crime with Injury", 159, 140, -11.9),
    ("Domestic Abuse", 2461, 2370, -3.7),
    ("Homophobic Crime", 41, 43, 4.9),
    ("Racist & Religious Hate Crime", 363, 428, 17.9),
    ("Disability Hate Crime", 9, 3, -66.7),
    ("Transgender Hate Crime", 3, 4, 33.3),
    ("Faith Hate Crime", 23, 53, 130.4),
]


@pytest.mark.parametrize("row, previous, current, printed", FIGURE_1, ids=[r[0] for r in FIGURE_1])
def test_reference_figure_1_percentages(row, previous, current, printed):
    assert pct_change(previous, current) == printed


def test_ties_round_half_up_away_from_zero():
    # 1 -> 1.0025 is exactly +0.25%; binary floats would make it 0.2 or 0.3 by accident.
    assert pct_change(400, 401, decimals=1) == 0.3
    assert pct_change(400, 399, decimals=1) == -0.3
    assert pct_change(8, 9, decimals=0) == 13.0  # 12.5 exactly


def test_other_precisions():
    assert pct_change(3, 4, decimals=2) == 33.33
    assert pct_change(3, 4, decimals=0) == 33.0


@pytest.mark.parametrize("previous, current", [(0, 5), (None, 5), (float("nan"), 5), (5, None)])
def test_no_percentage_without_a_base(previous, current):
    assert pct_change(previous, current) is None


def test_zero_is_never_negative():
    result = pct_change(100000, 99999)
    assert result == 0.0 and math.copysign(1, result) == 1


def test_direction():
    assert direction(2.6) == "increase"
    assert direction(-0.5) == "decrease"
    assert direction(0.0) == "no change"
    assert direction(None) is None


def test_round_half_up_is_exact_and_symmetric():
    from fractions import Fraction

    from boardpack.metrics.change import round_half_up, share

    assert round_half_up(2.085, 2) == 2.09  # binary 2.085 is 2.08499..., the printed 2.085 is a tie
    assert round_half_up(Fraction(1, 8), 2) == 0.13
    assert round_half_up(-0.125, 2) == -0.13  # ties go away from zero on both sides
    assert round_half_up(-0.04, 1) == 0.0 and str(round_half_up(-0.04, 1)) == "0.0"
    assert round_half_up(0.5) == 1.0 and round_half_up(1.5) == 2.0 and round_half_up(2.5) == 3.0
    assert share(10, 13, 0) == 77.0 and share(1, 0) is None and share(None, 5) is None
