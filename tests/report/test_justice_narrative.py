"""The words of the criminal justice context: labels, period names, values and sentences."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
from boardpack.metrics import criminal_justice as cj
from boardpack.report import justice_narrative as words

# The metric test's made-up table, loaded by path (test folders are not packages).
_spec = importlib.util.spec_from_file_location(
    "cj_metric_rows", Path(__file__).resolve().parents[1] / "metrics" / "test_criminal_justice.py")
_rows = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_rows)


def table():
    return pd.DataFrame(_rows.ROWS, columns=["measure", "period_end", "area", "value", "unit"])


def test_labelled_adds_label_and_period_label():
    t = words.labelled(cj.latest_comparison(table(), "2019-01"))
    assert list(t.columns) == ["measure", "label", "unit", "period_end", "period_label", "london", "england_wales",
                               "difference"]
    t = t.set_index("measure")
    assert t.loc["proven_reoffending_rate", "period_label"] == "Offenders in the 12 months to March 2017"
    assert t.loc["offence_to_completion_days", "period_label"] == "Quarter to December 2018"
    assert t.loc["offence_to_completion_days", "label"] == words.LABELS["offence_to_completion_days"]


def test_sentences():
    t = words.labelled(cj.latest_comparison(table(), "2019-01"))
    s = [words.difference_sentence(r) for _, r in t.iterrows()]
    assert s[0] == ("Average days from offence to completion at criminal courts (quarter to December 2018): "
                    "London 160 days, England and Wales 150 days, 10 days more in London.")
    assert s[1].endswith("London 60.5 days, England and Wales 61.5 days, 1 day fewer in London.")
    assert s[2].endswith("London 27.5%, England and Wales 29%, 1.5 percentage points lower in London.")
    assert s[3].endswith("London 3.9, England and Wales 4, 0.1 lower in London.")
    same = t.iloc[0].copy()
    same["england_wales"], same["difference"] = 160.0, 0.0
    assert words.difference_sentence(same).endswith("the same in both.")


def test_format_value():
    assert words.format_value(1234.0) == "1,234"
    assert words.format_value(27.5) == "27.5"
    assert words.format_value(3.95) == "3.95"
