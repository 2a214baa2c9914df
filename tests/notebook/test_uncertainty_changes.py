"""Issue 10, year-on-year changes in counts: every tested change of a built pack recomputed independently.

For the demo packs (Waltham Forest, Camden) and the real packs to February 2019 (Lambeth, Waltham
Forest; skipped without the real data), each recorded crime row's counts, borough and MPS, are
summed again from the raw wide files (tests/notebook/recompute.py), and each p-value is recomputed
with statsmodels' exact conditional test for two Poisson rates (``test_poisson_2indep``,
``method="exact-cond"``) and, where the counts are small enough, by summing binomial terms with
``math.comb``. ``significant`` must be ``p < alpha`` and ``small_numbers`` a count under 10. The same
for ASB calls and complaint allegations (demo data only: neither is published by borough), whose
counts are summed from the raw CSVs here. The HTML twin's table carries ``*`` exactly where a change
is significant.
"""

from __future__ import annotations

import html
import io
import math
import re

import pandas as pd
import pytest
from statsmodels.stats.rates import test_poisson_2indep as poisson_2indep

pytestmark = pytest.mark.slow

TNO, MOPAC7 = "Total Notifiable Offences", "MOPAC 7"
SMALL = 10


def exact_p(previous: int, current: int) -> float:
    """The two-sided exact conditional p-value, recomputed with statsmodels (and by hand when small)."""
    if previous + current == 0:
        return 1.0
    p = float(poisson_2indep(current, 1, previous, 1, method="exact-cond").pvalue)
    if previous + current <= 2000:
        # Under no change, current | total ~ Binomial(total, 1/2); two-sided: twice the smaller tail, at most 1.
        n, k = previous + current, min(previous, current)
        by_hand = min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)
        assert p == pytest.approx(by_hand, rel=1e-9, abs=1e-300)
    return min(p, 1.0)


def check_test(got: dict, previous: int, current: int, alpha: float, prefix: str = "", where: str = "") -> None:
    p = exact_p(previous, current)
    assert got[f"{prefix}p_value"] == pytest.approx(p, rel=1e-6, abs=1e-300), where
    assert got[f"{prefix}significant"] is (got[f"{prefix}p_value"] < alpha), where
    assert got[f"{prefix}small_numbers"] is (min(previous, current) < SMALL), where


def mps_counts(recompute, data_dir, vintage: str, period: str) -> dict[str, tuple[int, int]]:
    """(previous, current) 12-month MPS counts of every mapped row, TNO and MOPAC 7, from the raw files."""
    months = recompute.months_to(period, 24)
    previous = set(months[:12])
    long = recompute.crime_long(data_dir, vintage, months)
    long["prev"] = long["month"].isin(previous)
    keys = list(zip(long["major"], long["minor"]))

    def sums(frame):
        return int(frame.loc[frame["prev"], "count"].sum()), int(frame.loc[~frame["prev"], "count"].sum())

    out = {TNO: sums(long)}
    for row, cats in recompute.crime_mapping(vintage).items():
        out[row] = sums(long[[k in cats for k in keys]])
    if all(r in out for r in recompute.MOPAC7_ROWS):
        out[MOPAC7] = tuple(sum(out[r][i] for r in recompute.MOPAC7_ROWS) for i in (0, 1))
    return out


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


def check_recorded_crime(pack, recompute) -> None:
    fig = pack.figures
    rec = fig["recorded_crime"]
    alpha = rec["alpha"]
    assert alpha == 0.05 and rec["test"].startswith("exact conditional test for two Poisson counts")
    expected = recompute.recorded_crime(pack.data_dir, rec["vintage"], fig["gss_code"], fig["period_end"])["rows"]
    mps = mps_counts(recompute, pack.data_dir, rec["vintage"], fig["period_end"])
    shown = crime_table_cells(pack)
    tested = 0
    for row in rec["rows"]:
        name = row["category"]
        if not row["available"]:
            assert row["p_value"] is None and row["significant"] is None and row["mps_p_value"] is None, name
            assert shown[name][3:] == ["n/a", "n/a"], name
            continue
        # The counts the tests rest on are the raw files' sums.
        assert (row["previous_12m"], row["current_12m"]) == (expected[name]["previous_12m"],
                                                             expected[name]["current_12m"]), name
        assert (row["mps_previous_12m"], row["mps_current_12m"]) == mps[name], name
        check_test(row, row["previous_12m"], row["current_12m"], alpha, where=name)
        check_test(row, row["mps_previous_12m"], row["mps_current_12m"], alpha, "mps_", where=name)
        tested += 1
        # The table shows * exactly where the change is significant and has a % to print, † on small numbers.
        for cell, prefix in ((shown[name][3], ""), (shown[name][4], "mps_")):
            has_pct = row[f"{prefix}pct_change"] not in (None, 0.0)
            assert ("*" in cell) is (row[f"{prefix}significant"] and has_pct), (name, cell)
            assert ("†" in cell) is (row[f"{prefix}small_numbers"] and row[f"{prefix}pct_change"] is not None), \
                (name, cell)
    assert tested >= 10
    html_text = (pack.folder / "board_pack.html").read_text(encoding="utf-8")
    assert "marks a statistically significant change at the 5% level" in html.unescape(html_text)
    homicide = rec.get("homicide_victims")
    if homicide:
        check_test(homicide, homicide["previous_12m"], homicide["current_12m"], alpha, where="homicide")
        check_test(homicide, homicide["mps_previous_12m"], homicide["mps_current_12m"], alpha, "mps_",
                   where="homicide MPS")


SLUGS = ["waltham-forest", "camden"]


@pytest.fixture(params=SLUGS)
def demo_pack(request, demo_built):
    return demo_built[request.param]


def test_demo_recorded_crime_changes(demo_pack, recompute):
    check_recorded_crime(demo_pack, recompute)


@pytest.mark.real_data
@pytest.mark.parametrize("slug", ["lambeth", "waltham-forest"])
def test_real_recorded_crime_changes(real_built, recompute, slug):
    check_recorded_crime(real_built[slug], recompute)


def _raw(pack, recompute, folder: str, file: str) -> pd.DataFrame:
    df = pd.read_csv(io.StringIO(recompute._read_text(pack.data_dir / folder / file)))
    labels = recompute.borough_labels()
    df["gss"] = df["borough"].map(lambda b: recompute.code_of(b, labels))
    return df


def test_demo_asb_changes(demo_pack, recompute):
    fig = demo_pack.figures
    got = fig["asb"]
    assert got["available"] is True and got["alpha"] == 0.05
    months = recompute.months_to(fig["period_end"], 24)
    raw = _raw(demo_pack, recompute, "asb", "asb_calls.csv")
    raw = raw[raw["month"].isin(months)]
    previous = raw["month"].isin(months[:12])
    own = raw["gss"] == fig["gss_code"]
    b_prev, b_cur = int(raw.loc[own & previous, "calls"].sum()), int(raw.loc[own & ~previous, "calls"].sum())
    m_prev, m_cur = int(raw.loc[previous, "calls"].sum()), int(raw.loc[~previous, "calls"].sum())
    assert (got["previous_12m"], got["total_12m"], got["mps_previous_12m"], got["mps_total_12m"]) == (
        b_prev, b_cur, m_prev, m_cur)
    check_test(got, b_prev, b_cur, 0.05, where="asb")
    check_test(got, m_prev, m_cur, 0.05, "mps_", where="asb MPS")


def test_demo_complaints_changes(demo_pack, recompute):
    fig = demo_pack.figures
    got = fig["complaints"]
    alpha = got["alpha"]
    assert alpha == 0.05
    months = recompute.months_to(fig["period_end"], 24)
    raw = _raw(demo_pack, recompute, "complaints", "allegations.csv")
    raw = raw[raw["month"].isin(months)]
    previous = raw["month"].isin(months[:12])
    own = raw["gss"] == fig["gss_code"]
    b_prev, b_cur = int(raw.loc[own & previous, "allegations"].sum()), int(raw.loc[own & ~previous,
                                                                                  "allegations"].sum())
    assert (got["previous_total"], got["total"]) == (b_prev, b_cur)
    check_test(got, b_prev, b_cur, alpha, where="complaints")
    m_prev, m_cur = int(raw.loc[previous, "allegations"].sum()), int(raw.loc[~previous, "allegations"].sum())
    check_test(got, m_prev, m_cur, alpha, "mps_", where="complaints MPS")
    # Every borough of the change chart's table.
    table = demo_pack.table("complaints_change")
    assert len(table) == 32
    for _, r in table.iterrows():
        mine = raw["gss"] == r["area_code"]
        p, c = int(raw.loc[mine & previous, "allegations"].sum()), int(raw.loc[mine & ~previous, "allegations"].sum())
        assert (r["previous_12m"], r["current_12m"]) == (p, c), r["borough"]
        check_test({k: (bool(v) if k != "p_value" else v) for k, v in r.items()}, p, c, alpha, where=r["borough"])
    # Each allegation type.
    for r in got["by_type"]:
        kind = own & (raw["allegation_type"] == r["type"])
        p, c = int(raw.loc[kind & previous, "allegations"].sum()), int(raw.loc[kind & ~previous, "allegations"].sum())
        assert (r["previous_12m"], r["allegations"]) == (p, c), r["type"]
        check_test(r, p, c, alpha, where=r["type"])
    # The chart marks the significant boroughs.
    marks = next((d for d in fig["charts"]["fig-complaints-change"]["data"] if d["kind"] == "marks"),
                 {"labels": [], "marks": []})
    marked = dict(zip(marks["labels"], marks["marks"]))
    for _, r in table.dropna(subset=["pct_change"]).iterrows():
        assert ("*" in marked.get(r["borough"], "")) is bool(r["significant"]), r["borough"]
