"""Section builders for ASB, complaints, custody visits and criminal justice, on a tiny prepared store.

The canonical tables are made-up rows written as Parquet with a store index, as
boardpack.store.prepare_store would leave them; numbers are worked by hand (see
tests/metrics for the same arithmetic).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from boardpack.pack import BoardPack
from boardpack.periods import month_range
from boardpack.registry import load_registry
from boardpack.sections import asb, complaints, criminal_justice, custody
from boardpack.store import Store

WF = "E09000031"
PERIOD = "2015-10"
WF_NOW = {"Failures in Duty": 43, "Oppressive Behaviour": 26, "Incivility": 20, "Discrimination": 5,
          "Malpractice": 3, "Traffic Irregularity": 2, "Other": 1}
WF_BEFORE = {"Failures in Duty": 68, "Oppressive Behaviour": 27, "Incivility": 16, "Discrimination": 5,
             "Malpractice": 0, "Traffic Irregularity": 4, "Other": 1}
WF_OUTCOMES = {"No Case to Answer": 263, "Disapplication": 19, "Local Resolution": 15, "Withdrawn": 10,
               "Discontinuance": 6, "Case to Answer": 3}


def tables() -> dict[str, pd.DataFrame]:
    codes = load_registry().codes
    span = month_range(PERIOD, 24)
    asb_rows, alleg = [], []
    for i, code in enumerate(codes):
        for k, m in enumerate(span):
            asb_rows.append((code, m, (9 if k >= 12 else 10) if code == WF else 1))
            if code != WF:
                alleg.append((code, m, "Incivility", i % 5 if k >= 12 else 2))
            elif m == PERIOD:
                alleg.extend((code, m, t, n) for t, n in WF_NOW.items())
            elif m == span[11]:
                alleg.extend((code, m, t, n) for t, n in WF_BEFORE.items())
            else:
                alleg.append((code, m, "Other", 0))
    workforce = [(c, "2015-01", 100.0) for c in codes if c != WF] + [(WF, "2015-01", 400.0), (WF, "2015-06", 1600.0)]
    custody_rows = [
        (WF, "2015-06", "Leyton", 12, 12, 80, 40, "Earlier.", ""),
        (WF, "2015-09", "Leyton – weekly visits", 13, 10, 100, 54, "Staff <b>helpful</b> & polite.", ""),
    ]
    cj = []
    for q, (l_days, e_days) in zip(["2014-12", "2015-03", "2015-06", "2015-09"], [(150, 145), (152, 146), (155, 147),
                                                                                   (160, 150)]):
        cj += [("offence_to_completion_days", q, "London", float(l_days), "days"),
               ("offence_to_completion_days", q, "England and Wales", float(e_days), "days")]
    cj += [("proven_reoffending_rate", "2014-03", "London", 27.5, "percent"),
           ("proven_reoffending_rate", "2014-03", "England and Wales", 29.0, "percent")]
    return {
        "asb": pd.DataFrame(asb_rows, columns=["area_code", "month", "calls"]),
        "complaint_allegations": pd.DataFrame(alleg, columns=["area_code", "month", "allegation_type", "allegations"]),
        "complaint_outcomes": pd.DataFrame([(WF, PERIOD, o, n) for o, n in WF_OUTCOMES.items()],
                                           columns=["area_code", "month", "outcome", "allegations"]),
        "workforce": pd.DataFrame(workforce, columns=["area_code", "month", "workforce"]),
        "custody_visits": pd.DataFrame(custody_rows, columns=[
            "area_code", "quarter_end", "custody_suites", "visits_scheduled", "visits_conducted", "detainees_held",
            "detainees_spoken_to", "observations", "issues_raised"]),
        "criminal_justice": pd.DataFrame(cj, columns=["measure", "period_end", "area", "value", "unit"]),
    }


def make_pack(tmp_path, leave_out=(), change=None, borough="Waltham Forest") -> BoardPack:
    folder = tmp_path / "store"
    folder.mkdir()
    sources = {}
    data = tables()
    if change:
        change(data)
    for name, df in data.items():
        if name in leave_out:
            continue
        path = folder / f"{name}.parquet"
        df.to_parquet(path, index=False)
        sources[name] = {"status": "ok", "files": [], "tables": {name: str(path)}, "description": name}
    index = tmp_path / "index.json"
    index.write_text(json.dumps({"data_dir": str(tmp_path), "demo": False, "sources": sources}))
    return BoardPack(load_registry().get(borough), PERIOD, Store(index), tmp_path / "out", {})


@pytest.fixture
def pack(tmp_path):
    return make_pack(tmp_path)


TEMPLATE = Path(__file__).resolve().parents[2] / "notebooks" / "board_pack.ipynb"


def run_compute(pack, tag: str) -> dict:
    """The variables the template's compute cell tagged ``tag`` binds, run on ``pack`` as the notebook runs it."""
    from boardpack import coverage, metrics, sections

    nb = nbformat.read(TEMPLATE, as_version=4)
    source = next(c.source for c in nb.cells if tag in c.metadata.get("tags", []))
    namespace = {"pack": pack, "metrics": metrics, "sections": sections, "coverage": coverage,
                 "gss": pack.borough.gss_code, "period": pack.period, "display": lambda *args: None,
                 "crime_vintage": pack.options.get("crime_vintage", "auto"),
                 "census_fold": pack.options.get("census_fold", "mps"),
                 # the run's uncertainty parameters (the template's parameters cell)
                 "alpha": pack.options.get("alpha", 0.05),
                 "change_test": pack.options.get("change_test", "quasi-poisson"),
                 "pas_respondents": pack.options.get("pas_respondents", 400),
                 "pas_design_effect": pack.options.get("pas_design_effect", 1),
                 "uss_respondents": pack.options.get("uss_respondents", 516)}
    exec(compile(source, tag, "exec"), namespace)  # the template's own cell
    return namespace


def asb_trend(pack):
    c = run_compute(pack, "compute-asb")
    return asb.trend(pack, c["asb"], c["asb_change"])


def complaints_figures(pack) -> dict:
    c = run_compute(pack, "compute-complaints")
    return {
        "summary": lambda: complaints.summary(pack, c["complaints"], c["complaints_average"]),
        "change": lambda: complaints.change(pack, c["complaints_change"], c["boroughs_up"], c["mps_change"]),
        "rate": lambda: complaints.rate(pack, c["complaints_rate"]),
        "by_type": lambda: complaints.by_type(pack, c["complaints_type"]),
        "by_outcome": lambda: complaints.by_outcome(pack, c["complaints_outcome"]),
    }


def custody_report(pack):
    return custody.report(pack, run_compute(pack, "compute-custody")["custody"])


def justice_context(pack):
    c = run_compute(pack, "compute-criminal-justice")
    return criminal_justice.context(pack, c["justice"], c["justice_trend"])


def text_of(section) -> str:
    """The section's visible text, tags removed and entities decoded, for sentence checks."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", " ", section.html))


def charts(pack) -> dict:
    return pack.record.as_dict()["charts"]


def test_asb_trend(pack):
    s = asb_trend(pack)
    text = " ".join(text_of(s).split())
    # Each change says what its test says (120 -> 108 and 492 -> 480 are not significant). The calls are
    # the same every month of each year, so the model fits them exactly: the exact test, and its words.
    assert ("Waltham Forest recorded 108 ASB calls in the 12 months to October 2015, a decrease of 10% in ASB calls "
            "on the previous 12 months, not statistically significant: chance variation alone could give it. Across "
            "the MPS there was a decrease of 2.4% in ASB calls, not statistically significant: chance variation "
            "alone could give it.") in text
    assert "Computer Aided Dispatch" in text and s.html.count("<li>") == 3
    rec = pack.record.as_dict()["asb"]
    assert (rec["total_12m"], rec["previous_12m"], rec["pct_change"]) == (108, 120, -10.0)
    assert (rec["mps_total_12m"], rec["mps_pct_change"]) == (480, -2.4)
    assert [r["borough"] for r in rec["monthly"]] == [10] * 12 + [9] * 12
    chart = charts(pack)["fig-asb-trend"]
    lines = {d["label"]: d["y"] for d in chart["data"] if d["kind"] == "line"}
    assert lines["Waltham Forest"] == [float(r["borough"]) for r in rec["monthly"]]
    assert lines["MPS"] == [float(r["mps"]) for r in rec["monthly"]]
    assert chart["alt"].startswith("Line chart of anti-social behaviour calls per month")
    assert 'alt="Line chart' in s.html and "Source:" in s.html
    assert "asb_monthly" in pack.record.tables


def test_complaints_summary_change_and_rate(pack):
    s1, s2, s3 = (complaints_figures(pack)["summary"](), complaints_figures(pack)["change"](),
                  complaints_figures(pack)["rate"]())
    t1, t2, t3 = (" ".join(text_of(s).split()) for s in (s1, s2, s3))
    assert "Waltham Forest recorded a total of 100 public complaint allegations over the last 12 months." in t1
    assert "11 boroughs have recorded an increase in the number of complaint allegations" in t2
    # The change says what its test says (121 -> 100 is not significant; two months of allegations only,
    # so the exact test).
    assert ("Waltham Forest recorded a decrease of 17.4% in the number of recorded complaint allegations, not "
            "statistically significant: chance variation alone could give it.") in t2
    assert ("Waltham Forest recorded a rate of 6.3 allegations per 100 workforce. This is below the MPS rate (16.7)."
            in t3)
    rec = pack.record.as_dict()["complaints"]
    assert (rec["total"], rec["rank"], rec["mps_average_allegations"]) == (100, 1, 24.5)
    assert (rec["previous_total"], rec["pct_change"], rec["mps_pct_change"]) == (121, -17.4, -9.4)
    assert rec["boroughs_with_increase"] == 11
    assert (rec["rate_per_100_workforce"], rec["rate_rank"], rec["mps_rate_per_100_workforce"]) == (6.3, 25, 16.7)
    assert (rec["workforce"], rec["workforce_month"]) == (1600.0, "2015-06")

    ranked = pack.record.tables["complaints_by_borough"]
    bars = next(d for d in charts(pack)["fig-complaints-ranked"]["data"] if d["kind"] == "bars")
    assert bars["labels"] == ranked["borough"].tolist() and len(bars["labels"]) == 32
    assert bars["values"] == [float(v) for v in ranked["allegations"]]
    rate_bars = next(d for d in charts(pack)["fig-complaints-rate"]["data"] if d["kind"] == "bars")
    assert rate_bars["values"] == pack.record.tables["complaints_rate"]["rate"].tolist()
    change_bars = next(d for d in charts(pack)["fig-complaints-change"]["data"] if d["kind"] == "bars")
    assert change_bars["values"] == pack.record.tables["complaints_change"]["pct_change"].tolist()
    for fig_id in ("fig-complaints-ranked", "fig-complaints-change", "fig-complaints-rate"):
        assert "Waltham Forest" in charts(pack)[fig_id]["alt"]
    assert "Waltham Forest is 1st of 32" in charts(pack)["fig-complaints-ranked"]["alt"]


def test_complaints_by_type_and_outcome(pack):
    s_type, s_out = complaints_figures(pack)["by_type"](), complaints_figures(pack)["by_outcome"]()
    t_type, t_out = (" ".join(text_of(s).split()) for s in (s_type, s_out))
    assert "Failures in Duty allegations account for the highest proportion (43.0%)" in t_type
    assert ("'No case to answer' accounts for the highest proportion (83.2% or 263), followed by disapplication "
            "(6.0% or 19). 'Case to answer' outcomes account for 0.9% (3).") in t_out
    rec = pack.record.as_dict()["complaints"]
    first = rec["by_type"][0]
    assert (first["type"], first["allegations"], first["pct"], first["pct_change"]) == ("Failures in Duty", 43, 43.0,
                                                                                        -36.8)
    assert [r["outcome"] for r in rec["by_outcome"]][:2] == ["No Case to Answer", "Disapplication"]
    assert rec["by_outcome"][0]["pct"] == 83.2
    type_bars = next(d for d in charts(pack)["fig-complaints-type"]["data"] if d["kind"] == "bars")
    assert type_bars["labels"] == [r["type"] for r in rec["by_type"]]
    assert type_bars["values"] == [float(r["allegations"]) for r in rec["by_type"]]
    out_bars = next(d for d in charts(pack)["fig-complaints-outcome"]["data"] if d["kind"] == "bars")
    assert out_bars["values"] == [float(r["allegations"]) for r in rec["by_outcome"]]
    # The tables print the same numbers.
    assert 'id="tbl-complaints-type"' in s_type.html and ">42.8%<" not in s_type.html and ">43.0%<" in s_type.html
    assert ">83.2%<" in s_out.html and ">263<" in s_out.html
    assert charts(pack)["fig-complaints-outcome"]["alt"].startswith("Bar chart of outcomes")
    # Figures are numbered in the order printed: each chart before its table.
    for section in (s_type, s_out):
        numbers = [int(n) for n in re.findall(r"Figure (\d+):", section.html)]
        assert len(numbers) == 2 and numbers == sorted(numbers)


def test_custody_report_escapes_panel_text(pack):
    s = custody_report(pack)
    text = " ".join(text_of(s).split())
    assert "July – September 2015" in text and "10 (77%)" in text and "54 (54%)" in text
    assert "<b>helpful</b>" not in s.html and "&lt;b&gt;helpful&lt;/b&gt; &amp; polite." in s.html
    assert "Issues raised None recorded" in text
    rec = pack.record.as_dict()["custody_visits"]
    assert (rec["quarter_end"], rec["visits_conducted"], rec["pct_visits_conducted"]) == ("2015-09", 10, 77)
    assert rec["pct_detainees_spoken_to"] == 54
    assert "tbl-custody-visits" in s.html and "custody_visits" in pack.record.tables


def test_criminal_justice_context(pack):
    s = justice_context(pack)
    text = " ".join(text_of(s).split())
    assert "London 160 days, England and Wales 150 days, 10 days more in London." in text
    assert "1.5 percentage points lower in London" in text
    rec = pack.record.as_dict()["criminal_justice"]
    assert [m["measure"] for m in rec["measures"]] == ["offence_to_completion_days", "proven_reoffending_rate"]
    assert rec["measures"][0]["difference"] == 10.0
    lines = {d["label"]: d["y"] for d in charts(pack)["fig-justice-trend"]["data"] if d["kind"] == "line"}
    assert lines["London"] == [r["london"] for r in rec["trend"]] == [150.0, 152.0, 155.0, 160.0]
    assert lines["England and Wales"] == [145.0, 146.0, 147.0, 150.0]
    assert charts(pack)["fig-justice-trend"]["alt"]


def test_missing_tables_give_the_not_available_box(tmp_path):
    pack = make_pack(tmp_path, leave_out=("asb", "complaint_outcomes", "custody_visits", "criminal_justice"))
    for section in (asb_trend(pack), complaints_figures(pack)["by_outcome"](), custody_report(pack),
                    justice_context(pack)):
        assert 'class="not-available"' in section.html
    rec = pack.record.as_dict()
    assert rec["asb"]["available"] is False and "asb_calls.csv" in rec["asb"]["reason"]
    assert rec["custody_visits"]["available"] is False
    assert "outcomes.csv" in rec["complaints"]["parts"]["complaint_outcomes"]["reason"]
    # The complaints figures that do not need outcomes are still built.
    assert "not-available" not in complaints_figures(pack)["summary"]().html


def test_asb_earlier_month_missing_shortens_the_chart(tmp_path):
    def drop_first_month(data):
        df = data["asb"]
        data["asb"] = df[~((df.area_code == "E09000003") & (df.month == month_range(PERIOD, 24)[0]))]

    pack = make_pack(tmp_path, change=drop_first_month)
    s = asb_trend(pack)
    text = " ".join(text_of(s).split())
    assert "the 12 months before are not all in the data, so no change can be given" in text
    assert "November 2013 are not in the data, so the chart shows 23 of 24 months" in text
    rec = pack.record.as_dict()["asb"]
    assert len(rec["monthly"]) == 23 and rec["previous_12m"] is None and rec["pct_change"] is None


def test_borough_missing_from_custody_data(tmp_path):
    """Coverage decides it for the borough's pack: the compute cell gets its NotAvailable, the box names the borough."""
    pack = make_pack(tmp_path, borough="Barnet")
    assert not pack.coverage["custody_visits"].available
    s = custody_report(pack)
    assert 'class="not-available"' in s.html and "No custody visiting report for Barnet" in s.html
    assert "gaps" not in pack.record.sections["custody_visits"]
