"""Accessible HTML tables (real <table> markup, header rows that repeat across PDF pages)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from collections.abc import Callable

import pandas as pd

from .html import esc


def fmt_count(value) -> str:
    """``21173`` -> ``"21,173"``; missing -> ``"n/a"``."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "n/a"
    return f"{int(round(float(value))):,}"


def fmt_pct(value, decimals: int = 1, signed: bool = False) -> str:
    """``-0.5`` -> ``"-0.5%"``; with ``signed``, ``2.6`` -> ``"+2.6%"``; missing -> ``"n/a"``."""
    if value is None or pd.isna(value):
        return "n/a"
    text = f"{float(value):+.{decimals}f}%" if signed else f"{float(value):.{decimals}f}%"
    return text.replace("+0.0%", "0.0%").replace("-0.0%", "0.0%")


def fmt_change(value, decimals: int = 1, significant: bool | None = None, small: bool = False) -> str:
    """A year-on-year change with a sign and an arrow, so colour is never the only cue.

    With a test: ``*`` after a statistically significant change and ``†`` after one on small
    numbers (the legend is :func:`boardpack.report.narrative.significance_key`).
    """
    if value is None or pd.isna(value):
        return "n/a"
    if value > 0:
        text = f"▲ {fmt_pct(value, decimals, signed=True)}"
    elif value < 0:
        text = f"▼ {fmt_pct(value, decimals, signed=True)}"
    else:
        text = f"● {fmt_pct(0, decimals)}"
    marks = ("*" if significant is True and value != 0 else "") + ("†" if small is True else "")
    return f"{text} {marks}" if marks else text


def marked_change(pct: str, significant: str, small: str, decimals: int = 1) -> Callable[[pd.Series], str]:
    """A row formatter (:attr:`Column.row_fmt`) for a change column with its test's marks."""

    def fmt(row: pd.Series) -> str:
        sig = row.get(significant)
        sm = row.get(small)
        return fmt_change(row[pct], decimals, significant=None if sig is None or pd.isna(sig) else bool(sig),
                          small=bool(sm) if sm is not None and not pd.isna(sm) else False)

    return fmt


def change_class(value) -> str:
    """CSS class for a change cell: ``up``, ``down``, ``same`` or ``na``."""
    if value is None or pd.isna(value):
        return "na"
    return "up" if value > 0 else "down" if value < 0 else "same"


@dataclass(frozen=True)
class Column:
    """How one DataFrame column is shown.

    Attributes
    ----------
    key : str
        DataFrame column.
    label : str
        Header text.
    fmt : callable
        Value -> display text.
    css : callable, optional
        Value -> CSS class of the cell (e.g. :func:`change_class`).
    numeric : bool
        Right-align the column.
    row_fmt : callable, optional
        Row -> display text, used instead of ``fmt`` when the text needs other columns (e.g. a
        change with its significance mark, :func:`marked_change`).
    """

    key: str
    label: str
    fmt: Callable = str
    css: Callable | None = None
    numeric: bool = True
    row_fmt: Callable[[pd.Series], str] | None = None


def html_table(
    df: pd.DataFrame,
    columns: list[Column],
    caption: str,
    table_id: str,
    group_col: str | None = None,
    row_class: Callable[[pd.Series], str] | None = None,
    header_groups: list[tuple[str, int]] | None = None,
    wide: bool = False,
) -> str:
    """Render ``df`` as an accessible table.

    Parameters
    ----------
    df : DataFrame
    columns : list of Column
    caption : str
        The table's caption (its figure title).
    table_id : str
        Element id; tests and CSV files use the same id.
    group_col : str, optional
        When given, a full-width group heading row is inserted whenever this column changes.
    row_class : callable, optional
        Row -> CSS class for the ``<tr>``.
    header_groups : list of (label, span), optional
        An extra header row above the column headers (e.g. years above months).
    wide : bool
        Many columns (e.g. 13 months): smaller type, and cells may wrap so nothing is clipped.

    Returns
    -------
    str
        HTML. The ``<thead>`` repeats on every PDF page the table spans.
    """
    head = ""
    if header_groups:
        # A group with no label (the column of row names) is an empty cell, not an empty header.
        head += "<tr>" + "".join(
            f'<th scope="colgroup" colspan="{span}">{esc(label)}</th>' if label else f'<td colspan="{span}"></td>'
            for label, span in header_groups
        ) + "</tr>"
    head += "<tr>" + "".join(
        f'<th scope="col" class="{"num" if c.numeric else "txt"}">{esc(c.label)}</th>' for c in columns
    ) + "</tr>"
    body = []
    current_group = object()
    for _, row in df.iterrows():
        if group_col and row[group_col] != current_group:
            current_group = row[group_col]
            if isinstance(current_group, str) and current_group:
                body.append(f'<tr class="group"><th scope="rowgroup" colspan="{len(columns)}">'
                            f'{esc(current_group)}</th></tr>')
        cls = f' class="{esc(row_class(row))}"' if row_class else ""
        cells = []
        for i, c in enumerate(columns):
            value = row[c.key]
            css = [("num" if c.numeric else "txt")]
            if c.css:
                css.append(c.css(value))
            tag = "th scope=\"row\"" if i == 0 else "td"
            end = "th" if i == 0 else "td"
            text = c.row_fmt(row) if c.row_fmt else c.fmt(value)
            cells.append(f'<{tag} class="{" ".join(css)}">{esc(text)}</{end}>')
        body.append(f"<tr{cls}>{''.join(cells)}</tr>")
    return (
        f'<table id="{esc(table_id)}" class="data{" wide" if wide else ""}"><caption>{esc(caption)}</caption>'
        f"<thead>{head}</thead><tbody>{''.join(body)}</tbody></table>"
    )
