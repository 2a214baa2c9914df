"""Plan commitments: how many of a plan's commitments are complete, on track, at risk or not started.

Reads the ``commitments`` canonical table (docs/data.md, ``commitments/``). Commitments are
London-wide, so the figures are the same in every borough's pack. The latest tracker at or before
the pack's month is used; each strategy of the plan (the Police and Crime Plan itself, the Knife
Crime Strategy, ...) is counted on its own.
"""

from __future__ import annotations

import pandas as pd

from ..errors import CoverageError
from ..periods import check_month, month_label

# The statuses in the order they are shown; the same as ``loaders.inputs.COMMITMENT_STATUSES``
# (metrics may not import the loaders, so a test keeps the two equal).
STATUSES = ("complete", "on track", "at risk", "not started")
# The strategy whose counts are the plan's headline figures, listed first.
MAIN_STRATEGY = "Police and Crime Plan"
FILE = "commitments/commitments.csv"
_SHOWN_AS_AT = 3  # how many of the latest as-at months an error names


def plans(commitments: pd.DataFrame) -> list[str]:
    """The plans in the table.

    Parameters
    ----------
    commitments : DataFrame
        The ``commitments`` canonical table.

    Returns
    -------
    list of str
        Distinct ``plan`` labels, sorted.
    """
    return sorted(str(p) for p in commitments["plan"].dropna().unique())


def summary(commitments: pd.DataFrame, period: str, plan: str) -> dict:
    """A plan's commitments by status, theme and strategy, from its latest tracker at or before ``period``.

    Parameters
    ----------
    commitments : DataFrame
        The ``commitments`` canonical table (``plan, strategy, theme, commitment_id, title, status,
        as_at``).
    period : str
        The pack's month, ``"YYYY-MM"``.
    plan : str
        The plan's label, e.g. ``"Police and Crime Plan 2017-21"``.

    Returns
    -------
    dict
        ``{"available": True, "plan", "as_at", "strategies", "total", "by_status", "by_theme",
        "at_risk"}``. ``as_at`` is the latest as-at month at or before ``period`` with rows for
        the plan. ``strategies`` holds one dict per strategy of the plan at that month, the
        ``"Police and Crime Plan"`` strategy first and the others alphabetically, each
        ``{"strategy", "total", "by_status", "by_theme", "at_risk"}``:

        - ``total``: the number of commitments (int);
        - ``by_status``: ``{status: count}`` for every status in :data:`STATUSES` order, zeros
          kept, adding up to ``total``;
        - ``by_theme``: ``[{"theme", "total", "complete", "on track", "at risk", "not started"}]``
          sorted by theme;
        - ``at_risk``: ``[{"commitment_id", "theme", "title"}]`` of the commitments at risk,
          sorted by ``commitment_id``.

        The top-level ``total``, ``by_status``, ``by_theme`` and ``at_risk`` are those of the
        ``"Police and Crime Plan"`` strategy, or of the first strategy when the plan has none by
        that name.

    Raises
    ------
    CoverageError
        When the plan has no rows at or before ``period``; the message names
        commitments/commitments.csv and the latest as-at months it holds.
    """
    period = check_month(period)
    rows = commitments[commitments["plan"] == plan]
    dated = rows[rows["as_at"] <= period]
    if dated.empty:
        raise CoverageError(_no_rows(commitments, rows, period, plan))
    as_at = str(dated["as_at"].max())
    current = dated[dated["as_at"] == as_at]
    names = sorted(str(s) for s in current["strategy"].unique())
    names.sort(key=lambda s: s != MAIN_STRATEGY)  # stable: the main strategy first, the rest alphabetical
    strategies = [_strategy(current[current["strategy"] == name], name) for name in names]
    headline = strategies[0]
    return {
        "available": True,
        "plan": plan,
        "as_at": as_at,
        "strategies": strategies,
        "total": headline["total"],
        "by_status": headline["by_status"],
        "by_theme": headline["by_theme"],
        "at_risk": headline["at_risk"],
    }


def _strategy(rows: pd.DataFrame, name: str) -> dict:
    by_status = _count(rows)
    by_theme = [{"theme": str(theme), "total": len(group), **_count(group)}
                for theme, group in sorted(rows.groupby("theme", sort=False), key=lambda item: str(item[0]))]
    at_risk = rows[rows["status"] == "at risk"].sort_values("commitment_id", kind="stable")
    return {
        "strategy": name,
        "total": len(rows),
        "by_status": by_status,
        "by_theme": by_theme,
        "at_risk": [{"commitment_id": str(r["commitment_id"]), "theme": str(r["theme"]), "title": str(r["title"])}
                    for _, r in at_risk.iterrows()],
    }


def _count(rows: pd.DataFrame) -> dict[str, int]:
    counts = rows["status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in STATUSES}


def _no_rows(commitments: pd.DataFrame, rows: pd.DataFrame, period: str, plan: str) -> str:
    if rows.empty:
        known = plans(commitments)
        if not known:
            return f"{FILE} has no rows, so there are no commitments of the plan {plan!r} to show"
        return (f"{FILE} has no rows for the plan {plan!r}; its plans are {', '.join(repr(p) for p in known)} "
                f"(latest as-at months in the file: {_latest(commitments)})")
    months = sorted(str(m) for m in rows["as_at"].unique())
    return (f"{FILE} has no rows for the plan {plan!r} as at {month_label(period)} or earlier: its as-at "
            f"months run from {months[0]} to {months[-1]} (latest: {_latest(rows)})")


def _latest(rows: pd.DataFrame) -> str:
    return ", ".join(sorted(str(m) for m in rows["as_at"].unique())[-_SHOWN_AS_AT:])


def themes(summary_: dict) -> pd.DataFrame:
    """The counts by theme of every strategy of :func:`summary`, as one table for the notebook and the record.

    Returns
    -------
    DataFrame
        ``strategy, theme, total`` and one column per status of :data:`STATUSES`.
    """
    rows = [{"strategy": s["strategy"], **t} for s in summary_["strategies"] for t in s["by_theme"]]
    return pd.DataFrame(rows, columns=["strategy", "theme", "total", *STATUSES])
