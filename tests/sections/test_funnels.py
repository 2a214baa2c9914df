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
    """Ten areas of 10,000 with counts near 1,000: Waltham Forest on the target, one area far above."""
    counts = [1000, 1010, 990, 1020, 980, 1005, 995, 1015, 985, 1400]
    return fn.rate_funnel(areas(counts, [10_000.0] * 10), "count", "size", per=per)


def spread_funnel(per=1000):
    """Ten areas whose rates differ far more than chance: almost all outside, over-dispersed."""
    counts = [1000, 600, 1400, 700, 1300, 800, 1200, 500, 1500, 900]
    return fn.rate_funnel(areas(counts, [10_000.0] * 10), "count", "size", per=per)


def test_crime_funnel_within_names_the_position_and_the_outlier():
    pack = fake_pack()
    f = calm_funnel()
    html = unescape(funnels.crime_funnel(pack, f).html)
    assert "Waltham Forest's rate of" in html
    assert "within the range expected from chance variation around the London rate" in html
    assert "Above the 99.8% limits (crime rates higher than chance alone would give): Borough 9." in html
    rec = pack.record.sections["recorded_crime"]["funnel"]
    assert rec["position"] == "within" and rec["outside_998"] == 1 and rec["areas"] == 10
    assert rec["target"] == pytest.approx(f.target) and rec["limits"] == ["95%", "99.8%"]
    assert rec["outliers"] == [{"borough": "Borough 9", "area_code": "E09000009", "rate": pytest.approx(140.0),
                                "position": "above 99.8%"}]
    assert "Spiegelhalter" in rec["method"]
    assert pack.record.cells["recorded_crime"]["funnel"] == "compute-recorded-crime"
    assert "recorded_crime_funnel" in pack.record.tables
    alt = pack.figures["fig-crime-funnel"]["alt"]
    assert "Waltham Forest" in alt and "Borough 9" in alt
    assert "does not mean that each of them is unusual" not in html


def test_crime_funnel_says_plainly_when_nearly_all_are_outside():
    pack = fake_pack()
    f = spread_funnel()
    assert f.overdispersed and len(f.outside("99.8")) >= 8
    html = unescape(funnels.crime_funnel(pack, f).html)
    n = len(f.outside("99.8"))
    assert f"{n} of the 10 boroughs lie outside the 99.8% limits" in html
    assert "does not mean that each of them is unusual" in html
    assert "φ =" in html and "Waltham Forest is within the widened limits" in html
    rec = pack.record.sections["recorded_crime"]["funnel"]
    assert rec["overdispersed"] is True and rec["phi"] == pytest.approx(f.phi) and rec["adjusted_position"] == "within"


def test_complaints_funnel_above_the_limit():
    pack = fake_pack()
    counts = [140, 100, 98, 102, 101, 99, 100, 103, 97, 100]
    f = fn.rate_funnel(areas(counts, [1000.0] * 10), "count", "size", per=100)
    html = unescape(funnels.complaints_funnel(pack, f).html)
    assert "above the 99.8% limit around the MPS rate" in html
    assert pack.record.sections["complaints"]["funnel"]["position"] == "above 99.8%"
    assert pack.record.cells["complaints"]["funnel"] == "compute-complaints"
    assert "fig-complaints-funnel" in pack.figures and "complaints_funnel" in pack.record.tables


@pytest.mark.parametrize("position,words", [
    ("above 95%", "above the 95% limit around the London rate but within the 99.8% limit"),
    ("below 99.8%", "below the 99.8% limit around the London rate"),
])
def test_position_words(position, words):
    assert funnels.position_phrase(position, "the London rate").startswith(words)


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
