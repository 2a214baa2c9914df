"""The one path for "not available": coverage decides first, then the net under it; parts recorded."""

from types import SimpleNamespace

import pytest
from boardpack.coverage import Coverage
from boardpack.errors import CoverageError, DataValidationError
from boardpack.report.recorder import FiguresRecord
from boardpack.pack import NotAvailable
from boardpack.sections.section import Section, guarded, require


def fake_pack(**coverage):
    return SimpleNamespace(coverage=coverage, record=FiguresRecord({}), is_demo=False)


def cov(available, reason="r"):
    return Coverage("x", available, None, [], [], reason, [])


def test_guarded_turns_a_coverage_gap_into_the_box_and_records_it():
    @guarded("asb", "anti-social behaviour calls")
    def trend(pack):
        raise CoverageError("ASB calls for May 2026 are missing for Camden")

    pack = fake_pack(asb=cov(True))
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
        trend(fake_pack(asb=cov(True)))


def test_part_box_only_when_the_part_is_missing_and_both_recorded():
    @guarded("stop_search", "by ethnic group", part="stop_search_ethnicity")
    def ratios(pack):
        return Section(["<p>drawn</p>"], "stop_search", False)

    @guarded("recorded_crime", "rates", part="crime_rates")
    def rates(pack):
        return Section(["<p>drawn</p>"], "recorded_crime", False)

    pack = fake_pack(stop_search=cov(True), recorded_crime=cov(True),
                     stop_search_ethnicity=cov(False, "no Census"), crime_rates=cov(True, "ok"))
    box = ratios(pack)
    assert "Not available: By ethnic group" in box.html and "no Census" in box.html
    assert "drawn" in rates(pack).html
    assert pack.record.sections["stop_search"]["parts"] == {
        "stop_search_ethnicity": {"available": False, "reason": "no Census"}}
    assert pack.record.sections["recorded_crime"]["parts"] == {"crime_rates": {"available": True, "reason": "ok"}}
    assert "available" not in pack.record.sections["stop_search"]  # the rest of the section is still built


def test_coverage_rules_out_the_section_before_the_function_runs_and_says_so_once():
    calls = []

    @guarded("asb", "anti-social behaviour calls")
    def trend(pack):
        calls.append(1)

    pack = fake_pack(asb=cov(False, "no asb_calls.csv"))
    first, second = trend(pack), trend(pack)
    assert calls == []
    assert "Not available: Anti-social behaviour calls" in first.html and "no asb_calls.csv" in first.html
    assert "not-available" not in second.html  # the section's box is shown once
    assert pack.record.sections["asb"] == {"available": False, "reason": "no asb_calls.csv"}


def test_any_of_draws_when_one_section_is_covered():
    @guarded("confidence", "trend", any_of=("confidence", "victim_satisfaction"))
    def trends(pack):
        return Section(["<p>drawn</p>"], "confidence", False)

    assert "drawn" in trends(fake_pack(confidence=cov(False), victim_satisfaction=cov(True))).html
    box = trends(fake_pack(confidence=cov(False, "no PAS"), victim_satisfaction=cov(False)))
    assert "no PAS" in box.html


def test_a_result_still_not_available_is_a_recorded_gap():
    @guarded("custody_visits", "custody visits")
    def report(pack, rep):
        return Section([str(require(rep))], "custody_visits", False)

    pack = fake_pack(custody_visits=cov(True))
    box = report(pack, NotAvailable("custody_visits", "no report for Camden", from_coverage=False))
    assert "No report for Camden" in box.html
    assert pack.record.sections["custody_visits"]["gaps"] == [
        {"figure": "report", "title": "custody visits", "reason": "No report for Camden"}]
    assert "drawn" in report(pack, "drawn").html
