"""The Police and Crime Plan and London at a glance in every pack, recomputed from the raw files: local
priorities, commitments, what drives confidence, the borough's rank among London's boroughs, and (on the
real data to 2015) the MOPAC 7 against its 2011/12 baseline.

The expected numbers come from tests/notebook/recompute.py, which reads the raw files and
params/local_priorities.yaml and never calls the boardpack loaders, metrics or sections.
"""

import pytest

pytestmark = pytest.mark.slow


def test_local_priorities_equal_the_raw_files(pack, recompute):
    recompute.check_local_priorities(pack.figures, pack.data_dir)
    assert "Police and Crime Plan" in pack.pdf_text and "priorities as configured" in pack.pdf_text.lower()


def test_confidence_drivers_equal_the_raw_pas(pack, recompute):
    recompute.check_confidence_drivers(pack.figures, pack.data_dir)
    chart = pack.figures["charts"]["fig-confidence-drivers"]
    assert all(r["measure"] in chart["alt"] for r in pack.figures["confidence_drivers"]["rows"])


def test_commitments_equal_the_raw_tracker_or_name_the_file(pack, recompute):
    rec = pack.figures["commitments"]
    if pack.figures["data"] == "demo":
        recompute.check_commitments(pack.figures, pack.data_dir)
    else:  # no tracker in the shared data: the box names the file to add
        assert rec["available"] is False and "commitments/commitments.csv" in rec["reason"]


@pytest.mark.real_data
def test_mopac7_against_the_2011_12_baseline_on_the_real_data(real_2015, recompute):
    figures = real_2015.figures
    assert figures["local_priorities"]["plan"] == "Police and Crime Plan 2013-16"
    recompute.check_mopac7_baseline(figures, real_2015.data_dir)
    recompute.check_local_priorities(figures, real_2015.data_dir)
    assert "2011/12 baseline" in real_2015.pdf_text


def test_london_at_a_glance_ranks_every_borough(pack, recompute):
    rec, figures = pack.figures["london_glance"], pack.figures
    ranks = pack.table("london_ranks")
    assert len(ranks) == 32 == rec["boroughs"] and list(ranks["rate"]) == sorted(ranks["rate"], reverse=True)
    assert rec["rate"] == pytest.approx(figures["recorded_crime"]["rate_per_1000"]["borough"], abs=0.05)
    assert rec["rank_best"] <= rec["rank"] <= rec["rank_worst"]
    # The dispersion of the borough's 12 monthly counts, from the raw files.
    months = recompute.row_months(pack.data_dir, figures["recorded_crime"]["vintage"], figures["gss_code"],
                                  figures["period_end"])["Total Notifiable Offences"][0][12:]
    mean = sum(months) / 12
    phi = max(1.0, sum((m - mean) ** 2 for m in months) / 11 / mean)
    assert rec["dispersion"] == pytest.approx(phi)
    half = 1.959964 * (phi / sum(months)) ** 0.5
    assert (rec["ci_low"], rec["ci_high"]) == pytest.approx((rec["rate"] * 2.718281828 ** -half,
                                                             rec["rate"] * 2.718281828 ** half), rel=1e-5)
    assert figures["borough"] in figures["charts"]["fig-london-map"]["alt"]
