"""The pack's gate on coverage: a known part computes or says why not; an unknown name is an error."""

from __future__ import annotations

import pytest
from boardpack.coverage_record import Coverage
from boardpack.errors import ConfigurationError
from boardpack.pack import BoardPack, NotAvailable


def gate(**coverage) -> BoardPack:
    pack = BoardPack.__new__(BoardPack)  # only the coverage is needed to decide
    pack.coverage = coverage
    return pack


def cov(available: bool, reason: str = "r") -> Coverage:
    return Coverage("x", available, None, [], [], reason, [])


def test_compute_calls_the_function_only_when_coverage_allows():
    pack = gate(asb=cov(True), custody_visits=cov(False, "no report for Barnet"))
    assert pack.compute("asb", lambda a, b=0: a + b, 1, b=2) == 3
    result = pack.compute("custody_visits", lambda: pytest.fail("not called"))
    assert isinstance(result, NotAvailable) and result.from_coverage and result.reason == "no report for Barnet"
    assert pack.covers("asb") and not pack.covers("custody_visits")


@pytest.mark.parametrize("call", [
    lambda pack: pack.compute("custody_visit", len, [1]),
    lambda pack: pack.covers("custody_visit"),
    lambda pack: pack.inputs("custody_visit"),
])
def test_a_misspelt_part_is_an_error_listing_the_known_names(call):
    pack = gate(asb=cov(True), custody_visits=cov(False))
    with pytest.raises(ConfigurationError, match=r"unknown section or part 'custody_visit'; the known ones are "
                                                 r"asb, custody_visits"):
        call(pack)


def test_a_result_not_available_passes_through_and_a_missing_table_says_so():
    pack = gate(asb=cov(True))
    gap = NotAvailable("asb", "earlier gap", from_coverage=False)
    assert pack.compute("asb", lambda x: pytest.fail("not called"), gap) is gap
    missing = pack.compute("asb", lambda x: pytest.fail("not called"), None)
    assert isinstance(missing, NotAvailable) and "no table" in missing.reason
