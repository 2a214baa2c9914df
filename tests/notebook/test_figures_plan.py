"""The Police and Crime Plan in every pack, recomputed from the raw files: local priorities, commitments,
what drives confidence, and (on the real data to 2015) the MOPAC 7 against its 2011/12 baseline.

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
