"""The funnel plot sections: the sentence, the outliers, the over-dispersion note, the record and the boxes."""

from __future__ import annotations

from html import unescape
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest
from boardpack.coverage import Coverage
from boardpack.metrics import funnel as fn
from boardpack.pack import NotAvailable
from boardpack.report.recorder import FiguresRecord
from boardpack.sections import funnels

ME = "E09000031"


def cov(available: bool, reason: str = "ok") -> Coverage:
    return Coverage("x", available, None, [], [], reason, [])


class FakePack(SimpleNamespace):
    def figure(self, fig_id, section, fig, title, alt, source):
        self.figures[fig_id] = {"section": section, "title": title, "alt": alt, "fig": fig}
        plt.close(fig)
        return f"<figure id='{fig_id}'></figure>"


def fake_pack(**coverage) -> FakePack:
    base = {"recorded_crime": cov(True), "crime_rates": cov(True), "complaints": cov(True)}
    base.update(coverage)
    return FakePack(coverage=base, record=FiguresRecord({}), is_demo=False, period_label="February 2019",
                    borough=SimpleNamespace(name="Waltham Forest", gss_code=ME), figures={})


def areas(counts, sizes) -> pd.DataFrame:
    codes = [ME] + [f"E0900{i:04d}" for i in range(1, len(counts))]
    names = ["Waltham Forest"] + [f"Borough {i}" for i in range(1, len(counts))]
    return pd.DataFrame({"area_code": codes, "borough": names, "count": counts, "size": sizes})


def calm_funnel(per=1000):
    """Nine areas of 10,000 spread no more than chance around the target, and one small area far above it."""
    counts = [1011, 1020, 1000, 1025, 995, 1015, 1005, 1030, 990, 200]
    return fn.rate_funnel(areas(counts, [10_000.0] * 9 + [1_000.0]), "count", "size", per=per)


def spread_funnel(per=1000):
    """Ten areas whose rates differ far more than chance: limits for chance alone would put most outside."""
    counts = [1000, 600, 1400, 700, 1300, 800, 1200, 500, 1500, 900]
    return fn.rate_funnel(areas(counts, [10_000.0] * 10), "count", "size", per=per)


def test_a_funnel_that_spreads_no_more_than_chance_keeps_its_limits_and_says_so():
    pack = fake_pack()
    f = calm_funnel()
    assert not f.adjusted and f.phi <= 1
    html = unescape(funnels.crime_funnel(pack, f).html)
    assert "Waltham Forest's rate of" in html
    assert "within the range expected from chance variation around the London rate" in html
    assert "so the limits are those for chance alone" in html
    assert "Above the 99.8% limits (crime rates higher than chance alone would give): Borough 9." in html
    rec = pack.record.sections["recorded_crime"]["funnel"]
    assert rec["position"] == "within" and rec["areas_outside_998"] == 1 and rec["areas"] == 10
    assert "1 of the 10 boroughs lies outside the 99.8% limits" in html
    assert rec["target"] == rec["london_rate"] == pytest.approx(f.target) and rec["limits"] == ["95%", "99.8%"]
    assert rec["outliers"] == [{"borough": "Borough 9", "area_code": "E09000009", "rate": pytest.approx(200.0),
                                "position": "above 99.8%"}]
    assert rec["adjusted"] is False and rec["phi"] == pytest.approx(f.phi) and rec["tau2"] == f.tau2
    assert "Spiegelhalter" in rec["method"]
    assert [p["borough"] for p in rec["points"] if p["outside_998"]] == ["Borough 9"]
    assert pack.record.cells["recorded_crime"]["funnel"] == "compute-recorded-crime"
    assert "recorded_crime_funnel" in pack.record.tables
    alt = pack.figures["fig-crime-funnel"]["alt"]
    assert "Waltham Forest" in alt and "Borough 9" in alt and "usual spread" not in alt


def test_a_funnel_of_boroughs_that_differ_screens_against_the_usual_spread():
    pack = fake_pack()
    f = spread_funnel()
    assert f.adjusted and f.tau2 > 0
    assert (f.table["unadjusted_position"] != "within").sum() >= 8  # chance alone would put nearly all outside
    html = unescape(funnels.crime_funnel(pack, f).html)
    n = len(f.outside("99.8"))
    assert f"{n} of the 10 boroughs {'lies' if n == 1 else 'lie'} outside the 99.8% limits" in html
    assert "screen each borough against the usual spread between boroughs, not against chance alone" in html
    assert f"τ² = {f.tau2:.4f}" in html and f"spread {f.phi:,.1f} times as widely" in html
    assert "Waltham Forest's rate of 100.0 per 1,000 residents is within the usual spread between boroughs" in html
    rec = pack.record.sections["recorded_crime"]["funnel"]
    assert rec["adjusted"] is True and rec["phi"] == pytest.approx(f.phi) and rec["tau2"] == pytest.approx(f.tau2)
    assert rec["position"] == "within"
    assert "FunnelPlotR" in rec["method"]
    assert "allowing for the usual spread between areas" in pack.figures["fig-crime-funnel"]["alt"]


def test_complaints_funnel_above_the_limit():
    pack = fake_pack()
    counts = [140, 100, 98, 102, 101, 99, 100, 103, 97, 100]
    f = fn.rate_funnel(areas(counts, [1000.0] * 10), "count", "size", per=100)
    html = unescape(funnels.complaints_funnel(pack, f).html)
    assert "above the 99.8% limit around the MPS rate" in html
    assert pack.record.sections["complaints"]["funnel"]["position"] == "above 99.8%"
    assert pack.record.cells["complaints"]["funnel"] == "compute-complaints"
    assert "fig-complaints-funnel" in pack.figures and "complaints_funnel" in pack.record.tables


@pytest.mark.parametrize("position,adjusted,words", [
    ("above 95%", False, "above the 95% limit around the London rate but within the 99.8% limit"),
    ("below 99.8%", False, "below the 99.8% limit around the London rate"),
    ("within", True, "within the usual spread between boroughs around the London rate"),
    ("above 99.8%", True, "above the 99.8% limit: higher than the usual spread between boroughs around the London"),
])
def test_position_words(position, adjusted, words):
    assert funnels.position_phrase(position, "the London rate", adjusted).startswith(words)


def test_no_crime_rates_coverage_shows_the_box_and_no_funnel():
    pack = fake_pack(crime_rates=cov(False, "no population estimate for 2019"))
    html = unescape(funnels.crime_funnel(pack, calm_funnel()).html)
    assert "no population estimate for 2019" in html
    assert "funnel" not in pack.record.sections["recorded_crime"]
    assert pack.figures == {}


def test_a_gap_in_the_calculation_is_the_box_and_a_recorded_gap():
    pack = fake_pack()
    gap = NotAvailable("complaints", "no workforce for Camden", False)
    html = unescape(funnels.complaints_funnel(pack, gap).html)
    assert "No workforce for Camden" in html
    assert pack.record.sections["complaints"]["gaps"][0]["figure"] == "complaints_funnel"


def test_section_not_available_shows_its_box_once():
    pack = fake_pack(complaints=cov(False, "no complaints data"))
    html = unescape(funnels.complaints_funnel(pack, NotAvailable("complaints", "no complaints data")).html)
    assert "no complaints data" in html
    assert pack.record.sections["complaints"]["available"] is False
