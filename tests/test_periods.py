import pytest

from boardpack.errors import BoardPackError
from boardpack.periods import check_month, month_label, month_range, parse_month, rolling_windows


def test_rolling_windows_match_the_reference_pack():
    # Reference pack, data to October 2015: "NOV - OCT 2013/14 against 2014/15"
    previous, current = rolling_windows("2015-10")
    assert (previous[0], previous[-1]) == ("2013-11", "2014-10")
    assert (current[0], current[-1]) == ("2014-11", "2015-10")
    assert len(previous) == len(current) == 12


def test_month_range_crosses_years():
    assert month_range("2019-02", 3) == ["2018-12", "2019-01", "2019-02"]


@pytest.mark.parametrize("bad", ["2019-13", "2019-2", "201902", "", "Feb 2019", None])
def test_bad_months_are_refused(bad):
    with pytest.raises(BoardPackError, match="YYYY-MM"):
        parse_month(bad)


def test_labels():
    assert month_label("2019-02") == "February 2019"
    assert month_label("2019-02", "short") == "Feb 2019"


@pytest.mark.parametrize("month", ["0001-01", "1999-12", "2019-02", " 2026-09 ", "9999-12"])
def test_labels_name_the_month_as_its_period_does(month):
    period = parse_month(month)
    assert month_label(month) == period.strftime("%B %Y") and month_label(month, "short") == period.strftime("%b %Y")


@pytest.mark.parametrize("bad", ["2019-13", "2019-2", "19-02", "2019/02", "0000-01", None, 201902])
def test_checking_a_month_refuses_what_parsing_refuses(bad):
    with pytest.raises(BoardPackError, match="YYYY-MM"):
        check_month(bad)
    with pytest.raises(BoardPackError, match="YYYY-MM"):
        month_label(bad)


def test_checking_and_naming_a_month_load_no_pandas(loaded_by):
    # A run checks its period and names it (in its log and its index page) without reading a table.
    code = ("from boardpack.periods import check_month, month_label\n"
            "print(check_month(' 2019-02 '), month_label('2019-02'))")
    assert loaded_by(code, ["pandas"]) == ("2019-02 February 2019", [])
