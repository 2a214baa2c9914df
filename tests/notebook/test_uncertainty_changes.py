"""Year-on-year changes in counts: every tested change of a built pack recomputed independently.

For the demo packs (Waltham Forest, Camden) and the real packs to February 2019 (Lambeth, Waltham
Forest; skipped without the real data), each recorded crime row's monthly counts, borough and MPS,
are summed again from the raw wide files (tests/notebook/recompute.py), and each row's test is worked
out by hand (tests/notebook/significance_by_hand.py): the quasi-Poisson p-value and dispersion from
their closed form, the exact test where the pack's rules send a row to it, and the Benjamini-Hochberg
q-values of the borough column and of the MPS column. ``significant`` must be ``q <= alpha``. The same
for ASB calls, complaint allegations (demo data only: neither is published by borough) and homicide
victims, whose counts are summed from the raw CSVs here. The HTML twin's table carries ``*`` exactly
where a change is significant.
"""

from __future__ import annotations

import html
import io
import re

import pandas as pd
import pytest

from tests.notebook.significance_by_hand import check, monthly_test, q_values

pytestmark = pytest.mark.slow


def crime_table_cells(pack) -> dict[str, list[str]]:
    """The recorded crime table of the HTML twin: category -> cell texts."""
    text = (pack.folder / "board_pack.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="tbl-recorded-crime"[^>]*>.*?</table>', text, re.S).group(0)
    out = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
                 for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)]
        if len(cells) == 5:
            out[cells[0]] = cells
    return out


def check_recorded_crime(pack, recompute) -> dict:
    fig = pack.figures
    rec = fig["recorded_crime"]
    alpha, method = rec["alpha"], rec["change_test"]
    assert alpha == 0.05 and method == "quasi-poisson" and "Benjamini-Hochberg" in rec["family"]
    period, gss = fig["period_end"], fig["gss_code"]
    monthly = recompute.row_months(pack.data_dir, rec["vintage"], gss, period)
    months = recompute.months_to(period, 24)
    for name in recompute.SPECIAL_ROWS:  # the other crime input's rows, where it has the 24 months
        series = recompute.input_months(pack.data_dir, "other_crime", "offences", gss, months, measure=name)
        if series is not None:
            monthly[name] = series
    shown = crime_table_cells(pack)
    rows = [r for r in rec["rows"] if r["available"]]
    for row in rec["rows"]:
        if not row["available"]:
            assert row["p_value"] is None and row["q_value"] is None and row["significant"] is None, row["category"]
            assert shown[row["category"]][3:] == ["n/a", "n/a"], row["category"]
    worked = {}
    for prefix, side in (("", 0), ("mps_", 1)):
        by_hand = {r["category"]: monthly_test(monthly[r["category"]][side][:12], monthly[r["category"]][side][12:],
                                                method) for r in rows}
        qs = dict(zip(by_hand, q_values([t["p_value"] for t in by_hand.values()])))
        for row in rows:
            name = row["category"]
            series = monthly[name][side]
            previous, current = sum(series[:12]), sum(series[12:])
            # The counts the test rests on are the raw files' sums.
            assert (row[f"{prefix}previous_12m"], row[f"{prefix}current_12m"]) == (previous, current), name
            check(row, by_hand[name], qs[name], previous, current, alpha, prefix, where=f"{prefix}{name}")
        worked[prefix] = by_hand
    assert len(rows) >= 10
    assert any(t["test"] == "quasi-poisson" for t in worked[""].values())
    # The table shows * exactly where the change is significant and has a % to print, † on small numbers.
    for row in rows:
        name = row["category"]
        for cell, prefix in ((shown[name][3], ""), (shown[name][4], "mps_")):
            has_pct = row[f"{prefix}pct_change"] not in (None, 0.0)
            assert ("*" in cell) is (row[f"{prefix}significant"] and has_pct), (name, cell)
            assert ("†" in cell) is (row[f"{prefix}small_numbers"] and row[f"{prefix}pct_change"] is not None), \
                (name, cell)
    html_text = html.unescape((pack.folder / "board_pack.html").read_text(encoding="utf-8"))
    assert "marks a statistically significant change at the 5% level" in html_text
    assert "number of rows tested in the column" in html_text
    assert "year-to-year variation" not in html_text
    homicide = rec.get("homicide_victims")
    if homicide:
        borough, mps = recompute.homicide_months_raw(pack.data_dir, gss, recompute.months_to(period, 24))
        for prefix, series in (("", borough), ("mps_", mps)):
            test = monthly_test(series[:12], series[12:], method)
            check(homicide, test, test["p_value"], sum(series[:12]), sum(series[12:]), alpha, prefix,
                  where=f"homicide {prefix}")
    return worked


SLUGS = ["waltham-forest", "camden"]


@pytest.fixture(params=SLUGS)
def demo_pack(request, demo_built):
    return demo_built[request.param]


def test_demo_recorded_crime_changes(demo_pack, recompute):
    check_recorded_crime(demo_pack, recompute)


@pytest.mark.real_data
@pytest.mark.parametrize("slug", ["lambeth", "waltham-forest"])
def test_real_recorded_crime_changes(real_built, recompute, slug):
    worked = check_recorded_crime(real_built[slug], recompute)
    # Police counts vary far more than Poisson counts: the dispersion is estimated, and above 1, in most rows.
    estimated = [t["dispersion"] for t in worked[""].values() if t["dispersion"] is not None]
    assert len(estimated) >= 10 and sum(d > 1 for d in estimated) > len(estimated) / 2


def _raw(pack, recompute, folder: str, file: str) -> pd.DataFrame:
    df = pd.read_csv(io.StringIO(recompute._read_text(pack.data_dir / folder / file)))
    labels = recompute.borough_labels()
    df["gss"] = df["borough"].map(lambda b: recompute.code_of(b, labels))
    return df


def _series(raw: pd.DataFrame, where, value: str, months: list[str]) -> list[int]:
    sums = raw[where].groupby("month")[value].sum()
    return [int(sums.get(m, 0)) for m in months]


def test_demo_asb_changes(demo_pack, recompute):
    fig = demo_pack.figures
    got = fig["asb"]
    assert got["available"] is True and got["alpha"] == 0.05 and got["change_test"] == "quasi-poisson"
    months = recompute.months_to(fig["period_end"], 24)
    raw = _raw(demo_pack, recompute, "asb", "asb_calls.csv")
    raw = raw[raw["month"].isin(months)]
    borough = _series(raw, raw["gss"] == fig["gss_code"], "calls", months)
    mps = _series(raw, raw["gss"].notna(), "calls", months)
    assert (got["previous_12m"], got["total_12m"], got["mps_previous_12m"], got["mps_total_12m"]) == (
        sum(borough[:12]), sum(borough[12:]), sum(mps[:12]), sum(mps[12:]))
    for prefix, series in (("", borough), ("mps_", mps)):
        test = monthly_test(series[:12], series[12:])  # tested alone: q = p
        check(got, test, test["p_value"], sum(series[:12]), sum(series[12:]), 0.05, prefix, where=f"asb {prefix}")


def test_demo_complaints_changes(demo_pack, recompute):
    fig = demo_pack.figures
    got = fig["complaints"]
    alpha = got["alpha"]
    assert alpha == 0.05 and got["change_test"] == "quasi-poisson"
    months = recompute.months_to(fig["period_end"], 24)
    raw = _raw(demo_pack, recompute, "complaints", "allegations.csv")
    raw = raw[raw["month"].isin(months)]
    own = raw["gss"] == fig["gss_code"]
    mps = _series(raw, raw["gss"].notna(), "allegations", months)
    test = monthly_test(mps[:12], mps[12:])
    check(got, test, test["p_value"], sum(mps[:12]), sum(mps[12:]), alpha, "mps_", where="complaints MPS")
    # Every borough of the change chart's table: one family of 32.
    table = demo_pack.table("complaints_change")
    assert len(table) == 32
    series = {r["area_code"]: _series(raw, raw["gss"] == r["area_code"], "allegations", months)
              for _, r in table.iterrows()}
    by_hand = {code: monthly_test(s[:12], s[12:]) for code, s in series.items()}
    qs = dict(zip(by_hand, q_values([t["p_value"] for t in by_hand.values()])))
    for _, r in table.iterrows():
        s = series[r["area_code"]]
        assert (r["previous_12m"], r["current_12m"]) == (sum(s[:12]), sum(s[12:])), r["borough"]
        row = {k: (None if pd.isna(v) else bool(v) if k in ("significant", "small_numbers") else v)
               for k, v in r.items()}
        check(row, by_hand[r["area_code"]], qs[r["area_code"]], sum(s[:12]), sum(s[12:]), alpha,
              where=r["borough"])
        if r["area_code"] == fig["gss_code"]:
            check(got, by_hand[r["area_code"]], qs[r["area_code"]], sum(s[:12]), sum(s[12:]), alpha,
                  where="complaints")
    # Each allegation type: one family of seven.
    types = {r["type"]: _series(raw, own & (raw["allegation_type"] == r["type"]), "allegations", months)
             for r in got["by_type"]}
    by_hand = {k: monthly_test(s[:12], s[12:]) for k, s in types.items()}
    qs = dict(zip(by_hand, q_values([t["p_value"] for t in by_hand.values()])))
    for r in got["by_type"]:
        s = types[r["type"]]
        assert (r["previous_12m"], r["allegations"]) == (sum(s[:12]), sum(s[12:])), r["type"]
        check(r, by_hand[r["type"]], qs[r["type"]], sum(s[:12]), sum(s[12:]), alpha, where=r["type"])
    # The chart marks the significant boroughs.
    marks = next((d for d in fig["charts"]["fig-complaints-change"]["data"] if d["kind"] == "marks"),
                 {"labels": [], "marks": []})
    marked = dict(zip(marks["labels"], marks["marks"]))
    for _, r in table.dropna(subset=["pct_change"]).iterrows():
        assert ("*" in marked.get(r["borough"], "")) is bool(r["significant"]), r["borough"]
