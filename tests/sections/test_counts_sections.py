"""Recorded crime, ASB and complaints sections with each year-on-year change tested (issue 10).

The recorded crime tables are made by hand from the reference pack's Figure 1 counts; ASB and
complaints use the tiny prepared store of test_sections_h5.py (loaded by path) and its
template compute cells.
"""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from boardpack.coverage import Coverage
from boardpack.metrics import crime as crime_metrics
from boardpack.report.narrative import significance_key
from boardpack.report.recorder import FiguresRecord
from boardpack.sections import complaints, recorded_crime

WF = "E09000031"


def _h5():
    spec = importlib.util.spec_from_file_location("boardpack_sections_h5", Path(__file__).with_name(
        "test_sections_h5.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


H5 = _h5()


def text_of(section) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", section.html)).split())


def cells(section, table_id: str) -> list[list[str]]:
    """The text of every body row of a table, cell by cell."""
    table = re.search(rf'<table id="{table_id}".*?</table>', section.html, re.S).group(0)
    body = table.split("<tbody>", 1)[1]
    return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body) if "<td" in row]


class FakePack:
    """What the recorded crime render functions read of a pack."""

    def __init__(self):
        self.borough = SimpleNamespace(name="Waltham Forest", gss_code=WF)
        self.period, self.period_label, self.is_demo = "2015-10", "October 2015", False
        ok = Coverage("x", True, "2015-10", [], [], "ok", [])
        self.coverage = {"recorded_crime": ok, "crime_rates": ok, "homicide_victims": ok}
        self.record = FiguresRecord({})

    def table_caption(self, table_id: str, title: str) -> str:
        return title


ROWS = [  # (row, group, previous, current, mps previous, mps current): the reference pack's counts
    ("Total Notifiable Offences", "total", 21173, 21062, 100, 200),
    ("Burglary (Total)", "mopac7", 2570, 2175, 1000, 1010),
    ("Homicide", "other", 3, 3, 0, 5),
    ("Youth Violence", "other", None, None, None, None),
]


def crime_table(alpha: float = 0.05) -> pd.DataFrame:
    lines = []
    for row, group, p, c, mp, mc in ROWS:
        lines.append({"row": row, "group": group, "previous_12m": p, "current_12m": c,
                      "pct_change": None if p is None else round((c - p) * 100 / p, 1),
                      "mps_previous_12m": mp, "mps_current_12m": mc,
                      "mps_pct_change": None if not mp else round((mc - mp) * 100 / mp, 1),
                      "available": p is not None, "note": "" if p is not None else "not published"})
    df = pd.DataFrame(lines)
    for key in ("previous_12m", "current_12m", "mps_previous_12m", "mps_current_12m"):
        df[key] = df[key].astype("Int64")
    for key in ("pct_change", "mps_pct_change"):
        df[key] = df[key].astype("float64")
    df.attrs["vintage"] = "ho_2008"
    return crime_metrics.change_tests(df, alpha=alpha)


def test_crime_table_marks_legend_sentence_and_record():
    pack = FakePack()
    s = recorded_crime.table(pack, crime_table())
    body = {r[0]: r for r in cells(s, "tbl-recorded-crime")}
    assert body["Burglary (Total)"][3:] == ["▼ -15.4% *", "▲ +1.0%"]
    assert body["Total Notifiable Offences"][3:] == ["▼ -0.5%", "▲ +100.0% *"]
    assert body["Homicide"][3:] == ["● 0.0% †", "n/a"]  # 0 -> 5 in the MPS: tested, but no % to print
    assert body["Youth Violence"][1:] == ["n/a"] * 4
    # The arrows keep their colour classes.
    assert '<td class="num down">▼ -15.4% *</td>' in s.html
    text = text_of(s)
    assert significance_key(0.05) in text
    # No monthly counts here: each row takes the exact test of its totals, and says so.
    assert ("Waltham Forest recorded 21,062 notifiable offences in the 12 months to October 2015, a decrease of 0.5% "
            "in recorded offences on the previous 12 months, not statistically significant: chance variation alone "
            "could give it. Across the MPS there was a statistically significant rise of 100% in recorded offences."
            ) in text
    rec = pack.record.as_dict()["recorded_crime"]
    assert rec["alpha"] == 0.05 and rec["change_test"] == "quasi-poisson" and "Benjamini" in rec["family"]
    rows = {r["category"]: r for r in rec["rows"]}
    assert rows["Burglary (Total)"]["significant"] is True and rows["Burglary (Total)"]["p_value"] < 1e-7
    assert rows["Burglary (Total)"]["q_value"] >= rows["Burglary (Total)"]["p_value"]
    assert rows["Burglary (Total)"]["test"] == "exact-poisson" and rows["Burglary (Total)"]["dispersion"] is None
    assert rows["Homicide"]["small_numbers"] is True and rows["Homicide"]["p_value"] == 1.0
    assert rows["Homicide"]["mps_p_value"] == pytest.approx(2 / 32) and rows["Homicide"]["mps_significant"] is False
    youth = rows["Youth Violence"]
    assert youth["p_value"] is None and youth["significant"] is None and youth["mps_small_numbers"] is None


def test_crime_legend_follows_the_alpha_of_the_computed_table():
    pack = FakePack()
    s = recorded_crime.table(pack, crime_table(alpha=0.01))
    assert significance_key(0.01) in text_of(s) and "at the 1% level" in text_of(s)
    assert pack.record.as_dict()["recorded_crime"]["alpha"] == 0.01


def test_untested_crime_table_keeps_the_plain_table():
    pack = FakePack()
    plain = crime_table().drop(columns=[f"{p}{c}" for p in ("", "mps_") for c in
                                        ("p_value", "q_value", "significant", "small_numbers", "dispersion", "test")])
    plain.attrs.pop("alpha")
    s = recorded_crime.table(pack, plain)
    assert "*" not in "".join(sum(cells(s, "tbl-recorded-crime"), []))
    assert "statistically significant" not in text_of(s)
    assert "alpha" not in pack.record.as_dict()["recorded_crime"]


def test_homicide_row_carries_its_test():
    pack = FakePack()
    h = crime_metrics.homicide_change_tests({"previous_12m": 3, "current_12m": 12, "mps_previous_12m": 110,
                                             "mps_current_12m": 130}, alpha=0.05)
    rates = {"borough": 80.0, "mps": 90.0, "population": 270000, "mps_population": 8600000, "population_year": 2015}
    s = recorded_crime.rates(pack, rates, h)
    body = {r[0].split(",")[0]: r for r in cells(s, "tbl-crime-rates")}
    assert body["Homicide victims"][1:] == ["12 (previous 12 months 3) *†", "130 (previous 12 months 110)"]
    assert significance_key(0.05, "quasi-poisson", family=False) in text_of(s)
    rec = pack.record.as_dict()["recorded_crime"]["homicide_victims"]
    assert rec["p_value"] == pytest.approx(1152 / 32768) and rec["significant"] is True
    assert rec["small_numbers"] is True and rec["mps_significant"] is False and "alpha" not in rec


@pytest.fixture
def pack(tmp_path):
    return H5.make_pack(tmp_path)


def test_asb_records_the_tests(pack):
    c = H5.run_compute(pack, "compute-asb")
    assert c["asb_change"].alpha == 0.05
    H5.asb.trend(pack, c["asb"], c["asb_change"])
    rec = pack.record.as_dict()["asb"]
    assert (rec["previous_12m"], rec["total_12m"]) == (120, 108)
    assert 0.4 < rec["p_value"] < 0.5 and rec["significant"] is False and rec["small_numbers"] is False
    assert rec["mps_significant"] is False and rec["mps_small_numbers"] is False and rec["alpha"] == 0.05
    assert rec["change_test"] == "quasi-poisson" and rec["test"] in ("quasi-poisson", "exact-poisson")
    assert rec["q_value"] == rec["p_value"]  # tested alone


def test_complaints_change_chart_marks_sentence_and_record(pack):
    c = H5.run_compute(pack, "compute-complaints")
    s = complaints.change(pack, c["complaints_change"], c["boroughs_up"], c["mps_change"], c["mps_change_test"])
    text = text_of(s)
    assert ("Waltham Forest recorded a decrease of 17.4% in the number of recorded complaint allegations, not "
            "statistically significant: chance variation alone could give it.") in text
    t = c["mps_change_test"]
    assert (t.previous, t.current) == (865, 784)
    mps_words = ("a statistically significant fall of 9.4%" if t.significant else
                 "a decrease of 9.4% in complaint allegations, not statistically significant")
    assert f"Across the MPS there was {mps_words}" in text
    assert significance_key(0.05) in text
    rec = pack.record.as_dict()["complaints"]
    assert rec["p_value"] == pytest.approx(c["complaints_change"].set_index("area_code").loc[WF, "p_value"])
    assert rec["significant"] is False and rec["small_numbers"] is False and rec["alpha"] == 0.05
    assert rec["mps_p_value"] == t.p_value and rec["mps_significant"] == t.significant
    chart = pack.record.as_dict()["charts"]["fig-complaints-change"]
    marks = next(d for d in chart["data"] if d["kind"] == "marks")
    drawn = c["complaints_change"].dropna(subset=["pct_change"]).set_index("borough")
    want = {b: ("*" if r["significant"] else "") + ("†" if r["small_numbers"] else "") for b, r in drawn.iterrows()}
    assert dict(zip(marks["labels"], marks["marks"])) == {b: m for b, m in want.items() if m}
    assert "Barking and Dagenham" in marks["labels"]  # 24 -> 0: significant, and small numbers
    assert "Marked * (statistically significant change): " in chart["alt"]


def test_complaints_by_type_table_marks(pack):
    c = H5.run_compute(pack, "compute-complaints")
    s = complaints.by_type(pack, c["complaints_type"])
    body = {r[0]: r for r in cells(s, "tbl-complaints-type")}
    assert body["Failures in Duty"][-1] == "▼ -36.8%"  # 68 -> 43: p = 0.022 alone, q = 0.15 among seven types
    assert body["Malpractice"][-1] == "n/a"  # 0 -> 3: no % to print
    assert body["Traffic Irregularity"][-1] == "▼ -50.0% †"  # 4 -> 2
    assert body["Oppressive Behaviour"][-1] == "▼ -3.7%"
    assert significance_key(0.05) in text_of(s)
    rec = {r["type"]: r for r in pack.record.as_dict()["complaints"]["by_type"]}
    assert rec["Failures in Duty"]["significant"] is False and rec["Malpractice"]["p_value"] == pytest.approx(0.25)
    assert rec["Failures in Duty"]["q_value"] == pytest.approx(7 * rec["Failures in Duty"]["p_value"])
    assert rec["Other"]["small_numbers"] is True
