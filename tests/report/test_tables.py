import math

import pandas as pd

from boardpack.report.tables import Column, change_class, fmt_change, fmt_count, fmt_pct, html_table


def test_formats():
    assert fmt_count(21173) == "21,173"
    assert fmt_count(float("nan")) == "n/a"
    assert fmt_pct(-0.5) == "-0.5%"
    assert fmt_pct(2.6, signed=True) == "+2.6%"
    assert fmt_pct(-0.0, signed=True) == "0.0%"


def test_change_is_never_shown_by_colour_alone():
    assert fmt_change(2.6) == "▲ +2.6%" and change_class(2.6) == "up"
    assert fmt_change(-15.4) == "▼ -15.4%" and change_class(-15.4) == "down"
    assert fmt_change(0.0) == "● 0.0%" and change_class(0.0) == "same"
    assert fmt_change(None) == "n/a" and change_class(math.nan) == "na"


def test_html_table_escapes_and_repeats_headers():
    df = pd.DataFrame({"cat": ["<b>x</b>", "y"], "n": [1, 2], "g": ["G1", "G1"]})
    html = html_table(df, [Column("cat", "Category", numeric=False), Column("n", "Count", fmt_count)],
                      "Cap & more", "tbl-x", group_col="g")
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert "Cap &amp; more" in html
    assert html.count('scope="rowgroup"') == 1
    assert "<thead>" in html and 'id="tbl-x"' in html


def test_fmt_change_marks_significance_and_small_numbers_without_colour():
    from boardpack.report.tables import fmt_change

    assert fmt_change(-15.4, significant=True) == "▼ -15.4% *"
    assert fmt_change(0.5, significant=False) == "▲ +0.5%"
    assert fmt_change(33.3, significant=False, small=True) == "▲ +33.3% †"
    assert fmt_change(-80.0, significant=True, small=True) == "▼ -80.0% *†"
    assert fmt_change(0.0, significant=True) == "● 0.0%"
    assert fmt_change(None, significant=True) == "n/a"


def test_a_row_formatted_column_reads_the_other_columns():
    import pandas as pd
    from boardpack.report.tables import Column, html_table, marked_change

    df = pd.DataFrame({"name": ["a"], "pct": [-15.4], "sig": [True], "small": [False]})
    html = html_table(df, [Column("name", "Name", numeric=False),
                           Column("pct", "% change", row_fmt=marked_change("pct", "sig", "small"))], "c", "t")
    assert "▼ -15.4% *" in html
