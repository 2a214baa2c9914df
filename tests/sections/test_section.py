"""The section helpers: part boxes, parts recorded, and the net under coverage."""

from types import SimpleNamespace

import pytest
from boardpack.coverage import Coverage
from boardpack.errors import CoverageError, DataValidationError
from boardpack.report.recorder import FiguresRecord
from boardpack.sections.section import Section, guarded, part_unavailable


def fake_pack(**coverage):
    return SimpleNamespace(coverage=coverage, record=FiguresRecord({}), is_demo=False)


def cov(available, reason="r"):
    return Coverage("x", available, None, [], [], reason, [])


def test_guarded_turns_a_coverage_gap_into_the_box_and_records_it():
    @guarded("asb", "anti-social behaviour calls")
    def trend(pack):
        raise CoverageError("ASB calls for May 2026 are missing for Camden")

    pack = fake_pack()
    shown = trend(pack)
    assert isinstance(shown, Section)
    assert "Not available: Anti-social behaviour calls" in shown.html
    assert "ASB calls for May 2026 are missing for Camden" in shown.html
    assert pack.record.sections["asb"]["gaps"] == [
        {"figure": "trend", "title": "anti-social behaviour calls",
         "reason": "ASB calls for May 2026 are missing for Camden"}]


def test_guarded_lets_other_errors_through():
    @guarded("asb", "calls")
    def trend(pack):
        raise DataValidationError("f.csv", "bad")

    with pytest.raises(DataValidationError):
        trend(fake_pack())


def test_part_box_only_when_the_part_is_missing_and_both_recorded():
    pack = fake_pack(stop_search_ethnicity=cov(False, "no Census"), crime_rates=cov(True, "ok"))
    box = part_unavailable(pack, "stop_search_ethnicity", "stop_search", "by ethnic group")
    assert "no Census" in box.html
    assert part_unavailable(pack, "crime_rates", "recorded_crime", "rates") is None
    assert pack.record.sections["stop_search"]["parts"] == {
        "stop_search_ethnicity": {"available": False, "reason": "no Census"}}
    assert pack.record.sections["recorded_crime"]["parts"] == {"crime_rates": {"available": True, "reason": "ok"}}
