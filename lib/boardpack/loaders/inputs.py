"""Documented inputs: borough figures that no public file publishes (docs/data.md).

ASB calls, victim satisfaction, complaints, custody visits, criminal justice figures,
the MPS crime dashboard's "other crime" measures and the plan commitments tracker are
supplied by the board's analyst as small CSV files in the formats that docs/data.md
"Documented inputs" describes. Each format is one :class:`InputFormat`;
pandera checks types, ranges and allowed values row by row, and the rules that span
rows or columns (known borough, one row per key, no gap in a borough's months,
visits conducted not above visits scheduled) are checked here with the same
file-and-line errors.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from ..errors import BoardPackError, DataValidationError
from ..periods import check_month, parse_month
from ..registry import Registry
from ..validation import check_not_future, validate
from ._io import Layout, match_layout, read_csv, require_rows

HEADER_LINES = 1
MONTH_RULE = "is not a month in the form YYYY-MM, e.g. 2019-02"
QUARTER_RULE = "is not a quarter end in the form YYYY-MM with month 03, 06, 09 or 12, e.g. 2019-03"


@dataclass(frozen=True)
class Field:
    """One column of a documented input format.

    ``kind`` is one of ``area`` (a borough label), ``month``, ``quarter``, ``count``
    (int >= 0), ``number`` (float >= 0), ``choice`` (one of ``choices``) or ``text``.
    ``optional`` lets a cell be empty; ``may_be_absent`` lets the whole column be left out of
    the header (it is then read as empty); ``positive`` makes a count or number more than 0.
    """

    name: str
    kind: str
    optional: bool = False
    choices: tuple[str, ...] = ()
    maximum: float | None = None
    positive: bool = False
    may_be_absent: bool = False


@dataclass(frozen=True)
class InputFormat:
    """A documented CSV format and the canonical table it becomes.

    Attributes
    ----------
    name : str
        Short name used in messages, e.g. ``"allegations"``.
    table : str
        The canonical table it fills.
    fields : tuple of Field
        The columns, in documented order.
    key : tuple of str
        Canonical columns that identify a row; each key may appear once across all files.
    period : str or None
        The month column whose series must have no gap.
    step : int
        Months between consecutive periods (1 monthly, 3 quarterly).
    series : tuple of str
        Canonical columns that identify one series for the gap check.
    allow_mps : bool
        Whether a Met-wide row (borough ``MPS``) is accepted.
    not_above : tuple of (str, str)
        Pairs ``(small, big)``: ``small`` may not exceed ``big`` on the same row.
    """

    name: str
    table: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    period: str | None = None
    step: int = 1
    series: tuple[str, ...] = ("area_code",)
    allow_mps: bool = False
    not_above: tuple[tuple[str, str], ...] = ()

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


BOROUGH = Field("borough", "area")
ALLEGATION_TYPES = ("Oppressive Behaviour", "Discrimination", "Malpractice", "Failures in Duty",
                    "Incivility", "Traffic Irregularity", "Other")
OUTCOMES = ("Case to Answer", "No Case to Answer", "Local Resolution", "Disapplication",
            "Discontinuance", "Withdrawn")
USS_MEASURES = ("overall", "ease_of_contact", "police_actions", "treatment", "follow_up", "white", "bme")
CJ_MEASURES = ("offence_to_completion_days", "charge_to_completion_days", "proven_reoffending_rate",
               "reoffences_per_reoffender")
# The unit each criminal justice measure must carry, so a rate is never read as days.
CJ_UNITS = {"offence_to_completion_days": "days", "charge_to_completion_days": "days",
            "proven_reoffending_rate": "percent", "reoffences_per_reoffender": "count"}
# The measures of the MPS crime dashboard's "other crime" file, spelt as the dashboard spells them.
OTHER_CRIME_MEASURES = ("Youth Violence", "Serious Youth Violence", "Gun Crime", "Knife Crime",
                        "Knife Crime with Injury", "Domestic Abuse", "Homophobic Crime",
                        "Racist & Religious Hate Crime", "Disability Hate Crime", "Transgender Hate Crime",
                        "Faith Hate Crime", "Hate Crime", "Child Sexual Exploitation")
# A plan commitment's delivery status in the commitments tracker.
COMMITMENT_STATUSES = ("complete", "on track", "at risk", "not started")

ASB = InputFormat(
    "ASB calls", "asb", (BOROUGH, Field("month", "month"), Field("calls", "count")),
    key=("area_code", "month"), period="month",
)
USS = InputFormat(
    "victim satisfaction", "victim_satisfaction",
    (BOROUGH, Field("quarter_end", "quarter"), Field("measure", "choice", choices=USS_MEASURES),
     Field("satisfied_pct", "number", maximum=100),
     Field("respondents", "count", optional=True, positive=True, may_be_absent=True)),
    key=("area_code", "quarter_end", "measure"), period="quarter_end", step=3,
    series=("area_code", "measure"), allow_mps=True,
)
ALLEGATIONS = InputFormat(
    "complaint allegations", "complaint_allegations",
    (BOROUGH, Field("month", "month"), Field("allegation_type", "choice", choices=ALLEGATION_TYPES),
     Field("allegations", "count")),
    key=("area_code", "month", "allegation_type"), period="month",
)
OUTCOMES_FORMAT = InputFormat(
    "complaint outcomes", "complaint_outcomes",
    (BOROUGH, Field("month", "month"), Field("outcome", "choice", choices=OUTCOMES), Field("allegations", "count")),
    key=("area_code", "month", "outcome"), period="month",
)
WORKFORCE = InputFormat(
    "workforce", "workforce", (BOROUGH, Field("month", "month"), Field("workforce", "number", positive=True)),
    key=("area_code", "month"), period="month",
)
ICV = InputFormat(
    "custody visits", "custody_visits",
    (BOROUGH, Field("quarter_end", "quarter"), Field("custody_suites", "text", optional=True),
     Field("visits_scheduled", "count"), Field("visits_conducted", "count"), Field("detainees_held", "count"),
     Field("detainees_spoken_to", "count"), Field("observations", "text", optional=True),
     Field("issues_raised", "text", optional=True)),
    key=("area_code", "quarter_end"), period="quarter_end", step=3,
    not_above=(("visits_conducted", "visits_scheduled"), ("detainees_spoken_to", "detainees_held")),
)
CRIMINAL_JUSTICE = InputFormat(
    "criminal justice", "criminal_justice",
    (Field("measure", "choice", choices=CJ_MEASURES), Field("period_end", "month"),
     Field("area", "choice", choices=("London", "England and Wales")), Field("value", "number"),
     Field("unit", "choice", choices=("days", "percent", "count"))),
    key=("measure", "period_end", "area"),
)
OTHER_CRIME = InputFormat(
    "other crime", "other_crime",
    (BOROUGH, Field("month", "month"), Field("measure", "choice", choices=OTHER_CRIME_MEASURES),
     Field("offences", "count")),
    key=("area_code", "month", "measure"), period="month", series=("area_code", "measure"), allow_mps=True,
)
# London-wide: no borough column. A tracker re-issued each quarter repeats its commitments under a
# new as-at month, so a commitment may appear once per as-at month; the as-at months need not be consecutive.
COMMITMENTS = InputFormat(
    "commitments", "commitments",
    (Field("plan", "text"), Field("strategy", "text"), Field("theme", "text"), Field("commitment_id", "text"),
     Field("title", "text"), Field("status", "choice", choices=COMMITMENT_STATUSES), Field("as_at", "month")),
    key=("plan", "strategy", "commitment_id", "as_at"),
)

# The complaints folder holds three formats; a file's header says which it is.
COMPLAINT_FORMATS = {"allegation_type": ALLEGATIONS, "outcome": OUTCOMES_FORMAT, "workforce": WORKFORCE}
COMPLAINT_LAYOUTS = [Layout(f.table, f"{f.name} format", tuple(f.columns)) for f in COMPLAINT_FORMATS.values()]
_COMPLAINT_TABLES = {f.table: f for f in COMPLAINT_FORMATS.values()}


def read_input(path: Path, fmt: InputFormat, registry: Registry) -> pd.DataFrame:
    """Read and validate one file of a documented format, row by row.

    Parameters
    ----------
    path : Path
        The CSV file.
    fmt : InputFormat
        Its format.
    registry : Registry
        Resolves borough labels.

    Returns
    -------
    DataFrame
        Canonical columns plus ``_file`` and ``_line`` (the file line of each row), for
        the checks across files in :func:`check_rows`.

    Raises
    ------
    DataValidationError
        Naming the file, line and column of the first broken rule.
    """
    required = [f.name for f in fmt.fields if not f.may_be_absent]
    df = read_csv(path, required=required, dtype=str, keep_default_na=False, na_values=[""],
                  skip_blank_lines=False)
    return _validate_frame(df, path, fmt, registry)


def _validate_frame(df: pd.DataFrame, path: Path, fmt: InputFormat, registry: Registry) -> pd.DataFrame:
    absent = {f.name: pd.Series(None, index=df.index, dtype=object) for f in fmt.fields
              if f.may_be_absent and f.name not in df.columns}
    df = df.assign(**absent)
    df = df[fmt.columns].apply(lambda s: s.str.strip()).replace("", None)
    # Blank lines are kept by the reader so that the index still counts file lines.
    df = require_rows(path, df.loc[df.notna().any(axis=1)])
    for schema in _schemas(fmt):
        df = validate(df, schema, path, line_offset=HEADER_LINES + 1)
    df = df.assign(_file=str(path), _line=df.index + HEADER_LINES + 1)
    _check_periods(df, path, fmt)
    for small, big in fmt.not_above:
        bad = df[df[small] > df[big]]
        if len(bad):
            r = bad.iloc[0]
            raise DataValidationError(
                path, f"{small} ({r[small]}) is greater than {big} ({r[big]}) on the same row",
                row=int(r["_line"]), column=small,
            )
    if fmt.table == "criminal_justice":
        _check_units(df, path)
    if BOROUGH in fmt.fields:
        df["area_code"] = _area_codes(df, path, fmt, registry)
    if any(f.name == "satisfied_pct" for f in fmt.fields):
        df["proportion"] = df["satisfied_pct"] / 100.0
    return df


def _schemas(fmt: InputFormat) -> list[pa.DataFrameSchema]:
    # Three passes so that each message names the real fault: an empty cell is reported as
    # empty (not as "nan cannot be read"), and a range check never runs on unconverted text.
    present = pa.DataFrameSchema({f.name: pa.Column(nullable=f.optional) for f in fmt.fields})
    types, rules = {}, {}
    for f in fmt.fields:
        if f.kind == "count":
            types[f.name] = pa.Column("Int64" if f.optional else "int64", coerce=True, nullable=f.optional)
            rules[f.name] = pa.Column(checks=pa.Check.gt(0) if f.positive else pa.Check.ge(0), nullable=f.optional)
        elif f.kind == "number":
            types[f.name] = pa.Column("float64", coerce=True)
            checks = [pa.Check.gt(0) if f.positive else pa.Check.ge(0)]
            if f.maximum is not None:
                checks.append(pa.Check.le(f.maximum))
            rules[f.name] = pa.Column(checks=checks)
        elif f.kind == "choice":
            rules[f.name] = pa.Column(checks=pa.Check.isin(list(f.choices)))
    return [present, pa.DataFrameSchema(types), pa.DataFrameSchema(rules)]


def _check_periods(df: pd.DataFrame, path: Path, fmt: InputFormat) -> None:
    for f in fmt.fields:
        if f.kind not in ("month", "quarter"):
            continue
        for value, line in zip(df[f.name], df["_line"]):
            if not _is_month(value):
                raise DataValidationError(path, f"{value!r} {MONTH_RULE}", row=int(line), column=f.name)
            if f.kind == "quarter" and value[5:] not in ("03", "06", "09", "12"):
                raise DataValidationError(path, f"{value!r} {QUARTER_RULE}", row=int(line), column=f.name)
        what = "quarter ending" if f.kind == "quarter" else "month"
        check_not_future(path, df[f.name].to_numpy(), rows=df["_line"].to_numpy(), columns=f.name,
                         labels=[f"{what} {v}" for v in df[f.name]])


@functools.lru_cache(maxsize=4096)  # a file repeats a few dozen months over thousands of rows
def _is_month(value: str) -> bool:
    try:
        check_month(value)
    except BoardPackError:
        return False
    return len(value) == 7


def _check_units(df: pd.DataFrame, path: Path) -> None:
    for _, r in df.iterrows():
        expected = CJ_UNITS[r["measure"]]
        if r["unit"] != expected:
            raise DataValidationError(
                path, f"unit {r['unit']!r} does not fit measure {r['measure']!r}; expected {expected!r}",
                row=int(r["_line"]), column="unit",
            )
        if expected == "percent" and r["value"] > 100:
            raise DataValidationError(path, f"value {r['value']} is a percentage above 100",
                                      row=int(r["_line"]), column="value")


def _area_codes(df: pd.DataFrame, path: Path, fmt: InputFormat, registry: Registry) -> list[str]:
    boroughs = set(registry.codes)
    codes = []
    for label, line in zip(df["borough"], df["_line"]):
        code = registry.area_code(label)
        if code == "MPS" and fmt.allow_mps:
            codes.append(code)
            continue
        if code not in boroughs:
            if code == "MPS":
                rule = (f"{label!r} is the Met-wide total, which is not accepted in this file: "
                        "the MPS figure is computed as the sum of the 32 boroughs")
            else:
                extra = ' or "MPS" for the Met-wide value' if fmt.allow_mps else ""
                rule = (f"{label!r} is not one of the 32 MPS boroughs; use a borough name, slug or "
                        f"GSS code, e.g. 'Waltham Forest', 'waltham-forest' or 'E09000031'{extra}")
            raise DataValidationError(path, rule, row=int(line), column="borough")
        codes.append(code)
    return codes


def check_rows(df: pd.DataFrame, fmt: InputFormat, registry: Registry) -> None:
    """Check the rules that span rows, across every file of one format.

    Parameters
    ----------
    df : DataFrame
        Rows from :func:`read_input`, possibly from several files.
    fmt : InputFormat
    registry : Registry
        Names boroughs in messages.

    Raises
    ------
    DataValidationError
        When a key appears twice, or a borough's series skips a month (or quarter).
    """
    key = list(fmt.key)
    repeats = df[df.duplicated(key, keep="first")]
    if len(repeats):
        second = repeats.iloc[0]
        first = df[(df[key] == second[key]).all(axis=1)].iloc[0]
        what = ", ".join(_show(second, c, registry) for c in key)
        where = f"line {first['_line']}" + ("" if first["_file"] == second["_file"] else f" of {first['_file']}")
        raise DataValidationError(
            second["_file"],
            f"a second row for {what} (the first is at {where}); give one row per {' and '.join(_names(fmt))}",
            row=int(second["_line"]), column=fmt.period or key[-1],
        )
    if fmt.period is None:
        return
    for _, group in df.groupby(list(fmt.series), sort=False):
        # Several rows may share a month (one per allegation type), so the series is its distinct months.
        firsts = group.drop_duplicates(fmt.period)
        order = firsts[fmt.period].map(_month_ordinal).sort_values(kind="stable")
        steps = order.diff().iloc[1:]
        jumps = steps[steps != fmt.step]
        if len(jumps) == 0:
            continue
        after = df.loc[jumps.index[0]]
        before = df.loc[order.index[order.index.get_loc(jumps.index[0]) - 1]]
        missing = str(parse_month(before[fmt.period]) + fmt.step)
        unit = "quarter" if fmt.step == 3 else "month"
        # Name the whole series: "Barnet (Knife Crime)" when a borough has one series per measure.
        series = _show(after, fmt.series[0], registry)
        if len(fmt.series) > 1:
            series += f" ({', '.join(_show(after, c, registry) for c in fmt.series[1:])})"
        raise DataValidationError(
            after["_file"],
            f"{series} has no row for {missing} (its series jumps from "
            f"{before[fmt.period]} at line {before['_line']} to {after[fmt.period]}); every {unit} between "
            "a borough's first and last must be present",
            row=int(after["_line"]), column=fmt.period,
        )


def _month_ordinal(month: str) -> int:
    """Months since the year 0 (only differences between them are used)."""
    year, number = check_month(month).split("-")
    return int(year) * 12 + int(number) - 1


def _show(row: pd.Series, column: str, registry: Registry) -> str:
    if column == "area_code":
        return "MPS" if row[column] == "MPS" else registry.by_code(row[column]).name
    return str(row[column])


def _names(fmt: InputFormat) -> list[str]:
    return ["borough" if c == "area_code" else c for c in fmt.key]


def to_table(frames: list[pd.DataFrame], fmt: InputFormat, registry: Registry) -> pd.DataFrame:
    """Combine validated files of one format into its canonical table.

    Parameters
    ----------
    frames : list of DataFrame
        Outputs of :func:`read_input`.
    fmt : InputFormat
    registry : Registry

    Returns
    -------
    DataFrame
        The canonical table (docs/data.md), sorted by its key.

    Raises
    ------
    DataValidationError
        From :func:`check_rows`.
    """
    df = pd.concat(frames, ignore_index=True)
    check_rows(df, fmt, registry)
    columns = {
        "asb": ["area_code", "month", "calls"],
        "victim_satisfaction": ["area_code", "quarter_end", "measure", "proportion", "respondents"],
        "complaint_allegations": ["area_code", "month", "allegation_type", "allegations"],
        "complaint_outcomes": ["area_code", "month", "outcome", "allegations"],
        "workforce": ["area_code", "month", "workforce"],
        "custody_visits": ["area_code", "quarter_end", "custody_suites", "visits_scheduled", "visits_conducted",
                           "detainees_held", "detainees_spoken_to", "observations", "issues_raised"],
        "criminal_justice": ["measure", "period_end", "area", "value", "unit"],
        "other_crime": ["area_code", "month", "measure", "offences"],
        "commitments": ["plan", "strategy", "theme", "commitment_id", "title", "status", "as_at"],
    }[fmt.table]
    out = df[columns].sort_values(list(fmt.key), kind="stable").reset_index(drop=True)
    for f in fmt.fields:
        if f.kind == "text":  # empty free text is kept as "" so a notebook can print it as is
            out[f.name] = out[f.name].fillna("").astype(str)
    return out


def _load_single(fmt: InputFormat):
    def load(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
        return {fmt.table: to_table([read_input(p, fmt, registry) for p in paths], fmt, registry)}

    return load


load_asb = _load_single(ASB)
load_victim_satisfaction = _load_single(USS)
load_custody_visits = _load_single(ICV)
load_criminal_justice = _load_single(CRIMINAL_JUSTICE)
load_other_crime = _load_single(OTHER_CRIME)
load_commitments = _load_single(COMMITMENTS)


def load_complaints(paths: list[Path], registry: Registry) -> dict[str, pd.DataFrame]:
    """Load the complaints folder: allegations, outcomes and workforce files, told apart by header.

    Parameters
    ----------
    paths : list of Path
        CSV files from ``complaints/``.
    registry : Registry

    Returns
    -------
    dict of DataFrame
        ``complaint_allegations``, ``complaint_outcomes`` and ``workforce``, each only when
        at least one file of that format was supplied.

    Raises
    ------
    DataValidationError
        If a file's header matches none of the three formats, or any rule is broken.
    """
    frames: dict[str, list[pd.DataFrame]] = {}
    for path in paths:
        df = read_csv(path, dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=False)
        fmt = _COMPLAINT_TABLES[match_layout(path, df.columns, COMPLAINT_LAYOUTS, "complaints").name]
        frames.setdefault(fmt.table, []).append(_validate_frame(df, path, fmt, registry))
    formats = {f.table: f for f in COMPLAINT_FORMATS.values()}
    return {table: to_table(fs, formats[table], registry) for table, fs in frames.items()}
