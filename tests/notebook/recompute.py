"""Independent recomputation of a pack's figures from the raw input files.

Nothing here imports ``boardpack``: the raw files are read with csv/pandas/gzip/pyshp and the
definitions of docs/method.md are written out again, so a test comparing these numbers with
``figures.json`` checks the loaders, metrics and sections together rather than re-running them.
The inputs the pack is configured by (``params/boroughs.yaml`` and the crime mapping tables in
``lib/boardpack/mappings/``) are read as data files.

Tests run with ``--import-mode=importlib``, so this module is loaded by path in
``tests/notebook/conftest.py`` and handed to tests as the ``recompute`` fixture.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
MAPPINGS_DIR = PROJECT_DIR / "lib" / "boardpack" / "mappings"
BOROUGHS_YAML = PROJECT_DIR / "params" / "boroughs.yaml"

TNO = "Total Notifiable Offences"
MOPAC7 = "MOPAC 7"
# The seven rows of the reference pack's MOPAC 7 block (docs/method.md, Recorded crime).
MOPAC7_ROWS = ("Violence with Injury", "Robbery (Total)", "Burglary (Total)", "Theft From Person",
               "Theft/Taking of Motor Vehicle", "Theft From Motor Vehicle", "Criminal Damage")
CRIME_KEYS = {
    "ho_2008": ("Borough", "Major Category", "Minor Category"),
    "mixed_2010": ("LookUp_BoroughName", "MajorText", "MinorText"),
    "upper_2010": ("BoroughName", "MajorText", "MinorText"),
    "new_2024": ("BOCU", "Group", "SubGroup"),
}

# docs/method.md, Stop and search, Figure 13.
WEAPONS_OBJECTS = {"Offensive weapons", "Firearms", "Anything to threaten or harm anyone", "Crossbows"}
KEY_CRIME_OBJECTS = {"Stolen goods", "Article for use in theft", "Articles for use in criminal damage"}
ARREST_OUTCOMES = {"Arrest", "Suspect arrested"}
GROUPS = ("White", "Black", "Asian", "Other")

# docs/method.md, Census ethnicity fold "mps" (Census 2011 QS201EW detail columns).
FOLD_2011_MPS = {
    "White": ["White: English/Welsh/Scottish/Northern Irish/British", "White: Irish",
              "White: Gypsy or Irish Traveller", "White: Other White"],
    "Black": ["Black/African/Caribbean/Black British: African", "Black/African/Caribbean/Black British: Caribbean",
              "Black/African/Caribbean/Black British: Other Black",
              "Mixed/multiple ethnic group: White and Black Caribbean",
              "Mixed/multiple ethnic group: White and Black African"],
    "Asian": ["Asian/Asian British: Indian", "Asian/Asian British: Pakistani", "Asian/Asian British: Bangladeshi",
              "Asian/Asian British: Other Asian", "Mixed/multiple ethnic group: White and Asian"],
    "Other": ["Asian/Asian British: Chinese", "Other ethnic group: Arab", "Other ethnic group: Any other ethnic group",
              "Mixed/multiple ethnic group: Other Mixed"],
}
# Census 2021 has no Mixed detail, so the pack falls back to "mixed_to_other" (ONS codes 1-7).
FOLD_2021 = {"White": [4, 5, 6], "Black": [2], "Asian": [1], "Other": [3, 7]}

GOOD_JOB = '"Good Job" local'


# --- small definitions -------------------------------------------------------------------

def half_up(value, places: int) -> float:
    """``value`` (int, Fraction or Decimal-able) rounded half away from zero to ``places`` decimals.

    Parameters
    ----------
    value : int, float, Fraction or str
    places : int

    Returns
    -------
    float
    """
    d = Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(str(value))
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


def wilson(p: float, n: float, alpha: float) -> tuple[float, float]:
    """Wilson (1927) score interval of a proportion ``p`` of ``n``, in %.

    (p + z²/2n ± z√(p(1−p)/n + z²/4n²)) / (1 + z²/n), with z the normal quantile at 1 − alpha/2.
    """
    z = NormalDist().inv_cdf(1 - alpha / 2)
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5 / denominator
    return 100 * max(0.0, centre - half), 100 * min(1.0, centre + half)


def pct_change(previous: int, current: int) -> float | None:
    """(current - previous) / previous * 100, half away from zero to 1 decimal; None when previous is 0.

    Parameters
    ----------
    previous, current : int

    Returns
    -------
    float or None
    """
    if previous == 0:
        return None
    return half_up(Fraction((current - previous) * 100, previous), 1)


def share_pct(part, whole, places: int = 1) -> float | None:
    """``part`` as a percentage of ``whole``, half away from zero; None when ``whole`` is 0.

    Parameters
    ----------
    part, whole : int or float
    places : int

    Returns
    -------
    float or None
    """
    if not whole:
        return None
    return half_up(Fraction(str(part)) * 100 / Fraction(str(whole)), places)


def months_to(period: str, n: int) -> list[str]:
    """The ``n`` months ending with ``period``, oldest first.

    Parameters
    ----------
    period : str
        ``YYYY-MM``.
    n : int

    Returns
    -------
    list of str
    """
    y, m = int(period[:4]), int(period[5:7])
    idx = y * 12 + m - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(idx - n + 1, idx + 1)]


def _norm(label: str) -> str:
    s = re.sub(r"\s+", " ", str(label).strip().lower()).replace("&", "and")
    return re.sub(r"^london borough of ", "", s)


def borough_labels() -> dict[str, set[str]]:
    """Normalised spellings of each borough (name and variants), by GSS code, from params/boroughs.yaml.

    Returns
    -------
    dict
    """
    doc = yaml.safe_load(BOROUGHS_YAML.read_text(encoding="utf-8"))
    return {b["gss_code"]: {_norm(b["name"]), *(_norm(v) for v in b.get("variants", []))} for b in doc["boroughs"]}


def borough_names() -> dict[str, str]:
    """Printed borough name by GSS code.

    Returns
    -------
    dict
    """
    doc = yaml.safe_load(BOROUGHS_YAML.read_text(encoding="utf-8"))
    return {b["gss_code"]: b["name"] for b in doc["boroughs"]}


def code_of(label: str, labels: dict[str, set[str]]) -> str | None:
    """The GSS code a raw borough label names, or None."""
    n = _norm(label)
    for code, spellings in labels.items():
        if n in spellings:
            return code
    return None


def is_demo(data_dir: Path) -> bool:
    """A data folder is the demo dataset when it carries ``DEMO_DATA.txt``."""
    return (Path(data_dir) / "DEMO_DATA.txt").is_file()


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


# --- recorded crime ----------------------------------------------------------------------

def crime_long(data_dir: Path, vintage: str, months: list[str]) -> pd.DataFrame:
    """The ``months`` of one crime vintage, stitched from its raw wide files.

    Where files of the vintage share a month, the month comes whole from the file published
    later (later last month; on a tie the later path), as docs/data.md describes.

    Returns
    -------
    DataFrame
        ``area, major, minor, month, count`` with the raw labels.
    """
    area_col, major_col, minor_col = CRIME_KEYS[vintage]
    files = []
    for path in sorted(Path(data_dir, "mps_borough_crime").rglob("*")):
        if not (path.name.endswith(".csv") or path.name.endswith(".csv.gz")):
            continue
        df = pd.read_csv(io.StringIO(_read_text(path)), dtype=str, keep_default_na=False)
        df.columns = [c.strip() for c in df.columns]
        if not {area_col, major_col, minor_col} <= set(df.columns):
            continue
        if vintage == "mixed_2010" and "BoroughName" in df.columns:
            continue
        month_cols = [c for c in df.columns if re.fullmatch(r"\d{6}", c)]
        files.append((max(month_cols), str(path), df, month_cols))
    files.sort(key=lambda f: (f[0], f[1]))
    winner: dict[str, int] = {}
    for i, (_, _, _, month_cols) in enumerate(files):
        for c in month_cols:
            winner[c] = i
    parts = []
    for ym in months:
        col = ym.replace("-", "")
        assert col in winner, f"month {ym} is in no {vintage} file"
        df = files[winner[col]][2]
        parts.append(pd.DataFrame({
            "area": df[area_col].str.strip(), "major": df[major_col].str.strip(),
            "minor": df[minor_col].str.strip(), "month": ym, "count": df[col].astype("int64"),
        }))
    return pd.concat(parts, ignore_index=True)


def crime_mapping(vintage: str) -> dict[str, set[tuple[str, str]]]:
    """Pack row -> set of raw (major, minor) categories, from the vintage's mapping table."""
    rows: dict[str, set[tuple[str, str]]] = {}
    with open(MAPPINGS_DIR / f"crime_{vintage}.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            row = r["row"].strip()
            if row and row != "-":
                rows.setdefault(row, set()).add((r["major"].strip(), r["minor"].strip()))
    return rows


def recorded_crime(data_dir: Path, vintage: str, gss_code: str, period: str) -> dict:
    """Expected Figure 1 rows and the 24-month trend of one borough.

    Returns
    -------
    dict
        ``rows``: {row: {previous_12m, current_12m, pct_change, mps_pct_change}} for TNO,
        every mapped row and MOPAC 7 (when all seven rows are mapped); ``monthly``: DataFrame
        ``month, borough, mps`` over the 24 months.
    """
    months = months_to(period, 24)
    previous, current = set(months[:12]), set(months[12:])
    long = crime_long(data_dir, vintage, months)
    labels = borough_labels()
    area_codes = {a: code_of(a, labels) for a in long["area"].unique()}
    long["is_borough"] = long["area"].map(area_codes) == gss_code
    mapping = crime_mapping(vintage)

    def sums(frame: pd.DataFrame) -> tuple[int, int]:
        return (int(frame.loc[frame["month"].isin(previous), "count"].sum()),
                int(frame.loc[frame["month"].isin(current), "count"].sum()))

    def row(frame: pd.DataFrame) -> dict:
        bp, bc = sums(frame[frame["is_borough"]])
        mp, mc = sums(frame)
        return {"previous_12m": bp, "current_12m": bc, "pct_change": pct_change(bp, bc),
                "mps_pct_change": pct_change(mp, mc), "_mps": (mp, mc)}

    keys = list(zip(long["major"], long["minor"]))
    out = {TNO: row(long)}
    for name, cats in mapping.items():
        out[name] = row(long[[k in cats for k in keys]])
    if all(r in mapping for r in MOPAC7_ROWS):
        bp = sum(out[r]["previous_12m"] for r in MOPAC7_ROWS)
        bc = sum(out[r]["current_12m"] for r in MOPAC7_ROWS)
        mp = sum(out[r]["_mps"][0] for r in MOPAC7_ROWS)
        mc = sum(out[r]["_mps"][1] for r in MOPAC7_ROWS)
        out[MOPAC7] = {"previous_12m": bp, "current_12m": bc, "pct_change": pct_change(bp, bc),
                       "mps_pct_change": pct_change(mp, mc)}
    for r in out.values():
        r.pop("_mps", None)
    monthly = pd.DataFrame({
        "month": months,
        "borough": [int(long.loc[long["is_borough"] & (long["month"] == m), "count"].sum()) for m in months],
        "mps": [int(long.loc[long["month"] == m, "count"].sum()) for m in months],
    })
    return {"rows": out, "monthly": monthly}


# --- public confidence -------------------------------------------------------------------

def pas_rows(data_dir: Path) -> list[dict]:
    """Every row of the raw PAS files: quarter_end, area (GSS code or "MPS"), measure, proportion."""
    labels = borough_labels()
    out = []
    for path in sorted(Path(data_dir, "pas_confidence").glob("*.csv*")):
        for r in csv.DictReader(io.StringIO(_read_text(path)), delimiter=";"):
            d, m, y = r["Date"].strip().split("/")
            quarter = f"{y}-{m}"
            borough = r["Borough"].strip()
            area = "MPS" if borough.upper() == "MPS" else code_of(borough, labels)
            out.append({"quarter_end": quarter, "area": area, "measure": r["Measure"],
                        "proportion": Decimal(r["Proportion"].replace(",", "."))})
            if r.get("MPS"):
                out.append({"quarter_end": quarter, "area": "MPS", "measure": r["Measure"],
                            "proportion": Decimal(r["MPS"].replace(",", "."))})
    return out


def confidence(data_dir: Path, gss_code: str, period: str) -> dict:
    """Expected confidence: quarter, whole-% value and MPS value, rank among the 32 boroughs.

    The quarter is the latest quarter end on or before ``period`` (docs/method.md).
    """
    rows = [r for r in pas_rows(data_dir) if r["measure"] == GOOD_JOB and r["quarter_end"] <= period]
    quarter = max(r["quarter_end"] for r in rows)
    q = [r for r in rows if r["quarter_end"] == quarter]
    boroughs = {r["area"]: r["proportion"] for r in q if r["area"] not in (None, "MPS")}
    mps = {r["proportion"] for r in q if r["area"] == "MPS"}
    assert len(boroughs) == 32, f"{len(boroughs)} boroughs in the PAS quarter {quarter}"
    whole = lambda p: int((p * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))  # noqa: E731
    own = boroughs[gss_code]
    names = borough_names()
    ranked = sorted(boroughs, key=lambda c: (-boroughs[c], names[c]))
    return {
        "quarter_end": quarter,
        "value": whole(own),
        "mps": whole(max(mps)),
        "rank": 1 + sum(1 for v in boroughs.values() if v > own),
        "ranking": [(names[c], whole(boroughs[c]), 1 + sum(1 for v in boroughs.values() if v > boroughs[c]))
                    for c in ranked],
    }


# --- stop and search ---------------------------------------------------------------------

def boundary_polygons(data_dir: Path) -> tuple[list, list[str]]:
    """Borough polygons in file order (EPSG:27700) and their GSS codes, read with pyshp."""
    import shapefile
    from shapely.geometry import shape

    path = next(Path(data_dir, "boundaries").rglob("London_Borough_Excluding_MHW.shp"))
    with shapefile.Reader(str(path)) as reader:
        fields = [f[0] for f in reader.fields[1:]]
        polys, codes = [], []
        for sr in reader.shapeRecords():
            polys.append(shape(sr.shape.__geo_interface__))
            codes.append(dict(zip(fields, sr.record))["GSS_CODE"])
    return polys, codes


def stop_search_records(data_dir: Path, months: list[str]) -> pd.DataFrame:
    """The police.uk CSV records of ``months`` with a borough code from point-in-polygon.

    Returns
    -------
    DataFrame
        Raw columns plus ``month`` (London-time month of ``Date``) and ``gss`` (the GSS code
        of the first polygon in file order covering the point, None when unlocated or outside).
    """
    import shapely
    from pyproj import Transformer

    frames = []
    for path in sorted(Path(data_dir, "stop_search").rglob("*")):
        name = path.name
        if not path.is_file():
            continue
        named = re.search(r"\d{4}-\d{2}", name)
        if named and named.group(0) not in months:
            continue
        assert name.endswith((".csv", ".csv.gz")), f"{path}: only police.uk CSV is recomputed here"
        frames.append(pd.read_csv(io.StringIO(_read_text(path)), dtype=str, keep_default_na=False))
    df = pd.concat(frames, ignore_index=True)
    stamp = pd.to_datetime(df["Date"], utc=True, format="ISO8601")
    df["month"] = stamp.dt.tz_convert("Europe/London").dt.strftime("%Y-%m")
    df = df[df["month"].isin(months)].reset_index(drop=True)

    lat = pd.to_numeric(df["Latitude"].replace("", np.nan))
    lon = pd.to_numeric(df["Longitude"].replace("", np.nan))
    located = lat.notna() & lon.notna()
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
        lon[located].to_numpy(), lat[located].to_numpy())
    points = shapely.points(x, y)
    polys, codes = boundary_polygons(data_dir)
    tree = shapely.STRtree(polys)
    pt_idx, poly_idx = tree.query(points, predicate="covered_by")
    first = pd.Series(poly_idx).groupby(pt_idx).min()  # first polygon in file order wins on a shared edge
    gss = np.full(len(points), None, dtype=object)
    gss[first.index.to_numpy()] = [codes[i] for i in first.to_numpy()]
    df["gss"] = None
    df.loc[located[located].index, "gss"] = gss
    return df


def _is_s60(df: pd.DataFrame) -> pd.Series:
    return df["Legislation"].str.contains("section 60", case=False, regex=False)


def _group(ethnicity: str) -> str:
    e = ethnicity.strip()
    if e == "":
        return "Not recorded"
    return "Other" if e == "Mixed" else e


def census_population(data_dir: Path, gss_code: str, year: int) -> dict[str, int]:
    """The borough's resident population in the four search groups (the "mps" fold for 2011)."""
    folder = Path(data_dir, "census_ethnicity")
    if year == 2011:
        path = folder / "la-ethnic-groups.csv"
        df = pd.read_csv(path, dtype=str)
        row = df[df["geography code"] == gss_code].iloc[0]
        col = {c.split("Ethnic Group: ", 1)[1].split("; measures", 1)[0]: c
               for c in df.columns if "Ethnic Group: " in c}
        return {g: sum(int(row[col[c]]) for c in cats) for g, cats in FOLD_2011_MPS.items()}
    df = pd.read_csv(folder / "Census_2021_ethnicity.csv", dtype=str)
    df = df[df["Upper tier local authorities Code"] == gss_code]
    by_code = {int(c): int(v) for c, v in zip(df["Ethnic group (8 categories) Code"], df["Observation"])}
    return {g: sum(by_code[c] for c in codes) for g, codes in FOLD_2021.items()}


def stop_search(data_dir: Path, gss_code: str, period: str, census_year: int) -> dict:
    """Expected stop and search figures for Figures 11-13 of one borough.

    Returns
    -------
    dict
        ``monthly``: [{month, searches, mps}] (s60 excluded); ``population``: {group: n};
        ``disproportionality``: [{month, group, ratio, searches}]; ``not_recorded``:
        [{month, searches, not_recorded, pct_not_recorded}]; ``last_month``: borough and ``mps``
        {searches, arrest_rate, pct_weapons, pct_key_crime} (all powers).
    """
    months = months_to(period, 13)
    df = stop_search_records(data_dir, months)
    in_data = set(df["month"])
    # docs/method.md: a month in which under 80% of the Met's records fall in one of the 32
    # boroughs cannot be split by borough, so its borough figures are not shown (None).
    in_borough = df["gss"].notna() & (df["gss"] != "E09000001")
    split_ok = {m: bool(in_borough[df["month"] == m].mean() >= 0.8) for m in in_data}
    no_s60 = df[~_is_s60(df)]
    monthly = [{"month": m,
                "searches": int(((no_s60["month"] == m) & (no_s60["gss"] == gss_code)).sum())
                if m in in_data and split_ok[m] else None,
                "mps": int((no_s60["month"] == m).sum()) if m in in_data else None} for m in months]

    pop = census_population(data_dir, gss_code, census_year)
    people = no_s60[(no_s60["gss"] == gss_code) & (no_s60["Type"] != "Vehicle search")]
    people = people.assign(group=people["Officer-defined ethnicity"].map(_group))
    disp, not_recorded = [], []
    for m in sorted(in_data):
        counts = people[people["month"] == m]["group"].value_counts()
        n = {g: int(counts.get(g, 0)) for g in (*GROUPS, "Not recorded")}
        if not split_ok[m]:
            disp += [{"month": m, "group": g, "ratio": None, "searches": None} for g in GROUPS]
            not_recorded.append({"month": m, "searches": None, "not_recorded": None, "pct_not_recorded": None})
            continue
        for g in GROUPS:
            ratio = None
            if n["White"]:
                ratio = half_up(Fraction(n[g] * pop["White"], pop[g] * n["White"]), 2)
            disp.append({"month": m, "group": g, "ratio": ratio, "searches": n[g]})
        total = sum(n.values())
        not_recorded.append({"month": m, "searches": total, "not_recorded": n["Not recorded"],
                             "pct_not_recorded": share_pct(n["Not recorded"], total)})

    def summary(rows: pd.DataFrame) -> dict:
        total = len(rows)
        return {"searches": total,
                "arrest_rate": share_pct(int(rows["Outcome"].isin(ARREST_OUTCOMES).sum()), total),
                "pct_weapons": share_pct(int(rows["Object of search"].isin(WEAPONS_OBJECTS).sum()), total),
                "pct_key_crime": share_pct(int(rows["Object of search"].isin(KEY_CRIME_OBJECTS).sum()), total)}

    last = df[df["month"] == period]
    return {"monthly": monthly, "population": pop, "disproportionality": disp, "not_recorded": not_recorded,
            "last_month": {**summary(last[last["gss"] == gss_code]), "mps": summary(last)}}


# --- complaints --------------------------------------------------------------------------

def _complaints_csv(data_dir: Path, column: str) -> pd.DataFrame:
    for path in sorted(Path(data_dir, "complaints").glob("*.csv*")):
        df = pd.read_csv(io.StringIO(_read_text(path)), dtype=str)
        if column in df.columns:
            labels = borough_labels()
            df["gss"] = df["borough"].map(lambda b, labels=labels: code_of(b, labels))
            return df
    raise FileNotFoundError(f"no complaints file with a {column!r} column in {data_dir}")


def complaints(data_dir: Path, gss_code: str, period: str) -> dict:
    """Expected complaints figures: totals, change, rank, rate per 100 workforce, types, outcomes."""
    months = months_to(period, 24)
    previous, current = months[:12], months[12:]
    alg = _complaints_csv(data_dir, "allegation_type")
    alg["allegations"] = alg["allegations"].astype(int)
    cur_by_borough = alg[alg["month"].isin(current)].groupby("gss")["allegations"].sum()
    own = alg[alg["gss"] == gss_code]
    total = int(own.loc[own["month"].isin(current), "allegations"].sum())
    prev_total = int(own.loc[own["month"].isin(previous), "allegations"].sum())

    wf = _complaints_csv(data_dir, "workforce")
    wf = wf[wf["month"] <= period].sort_values("month")
    latest = wf.groupby("gss").tail(1).set_index("gss")
    workforce = Decimal(latest.loc[gss_code, "workforce"])

    types = own[own["month"].isin(current)].groupby("allegation_type")["allegations"].sum()
    out = _complaints_csv(data_dir, "outcome")
    out["allegations"] = out["allegations"].astype(int)
    outcomes = out[(out["gss"] == gss_code) & out["month"].isin(current)].groupby("outcome")["allegations"].sum()
    return {
        "total": total,
        "previous_total": prev_total,
        "pct_change": pct_change(prev_total, total),
        "rank": 1 + int((cur_by_borough > total).sum()),
        "workforce": float(workforce),
        "workforce_month": latest.loc[gss_code, "month"],
        "rate_per_100_workforce": half_up(Decimal(total) * 100 / workforce, 1),
        "by_type": {t: int(n) for t, n in types.items()},
        "type_total": int(types.sum()),
        "by_outcome": {o: int(n) for o, n in outcomes.items()},
        "outcome_total": int(outcomes.sum()),
    }


# --- comparison with a built pack --------------------------------------------------------

def check_header(figures: dict, data_dir: Path, gss_code: str, period: str) -> None:
    """The top-level keys: borough, gss_code, period_end and data ("demo"/"real")."""
    assert figures["gss_code"] == gss_code
    assert figures["borough"] == borough_names()[gss_code]
    assert figures["period_end"] == period
    assert figures["data"] == ("demo" if is_demo(data_dir) else "real")


def check_recorded_crime(figures: dict, data_dir: Path) -> None:
    """Every available Figure 1 row and the monthly trend equal the sums of the raw wide files."""
    rec = figures["recorded_crime"]
    assert rec["available"] is True
    expected = recorded_crime(data_dir, rec["vintage"], figures["gss_code"], figures["period_end"])
    months = months_to(figures["period_end"], 24)
    assert rec["previous_window"] == [months[0], months[11]]
    assert rec["current_window"] == [months[12], months[23]]
    got = {r["category"]: r for r in rec["rows"]}
    for name in SPECIAL_ROWS:  # filled from the other crime input where it has the 24 months
        series = input_months(data_dir, "other_crime", "offences", figures["gss_code"], months, measure=name)
        if series is not None:
            b, m = series
            expected["rows"][name] = {"previous_12m": sum(b[:12]), "current_12m": sum(b[12:]),
                                      "pct_change": pct_change(sum(b[:12]), sum(b[12:])),
                                      "mps_pct_change": pct_change(sum(m[:12]), sum(m[12:]))}
    assert {c for c, r in got.items() if r["available"]} == set(expected["rows"])
    for category, want in expected["rows"].items():
        assert {k: got[category][k] for k in want} == want, category
    for category, r in got.items():
        if not r["available"]:
            assert r["current_12m"] is None and r["previous_12m"] is None and r["note"], category
    assert rec["monthly"] == expected["monthly"].to_dict(orient="records")


def check_confidence(figures: dict, data_dir: Path) -> dict:
    """Quarter, whole-% value, MPS value and rank equal the raw PAS files; returns the expectation."""
    expected = confidence(data_dir, figures["gss_code"], figures["period_end"])
    got = figures["confidence"]
    assert {k: got[k] for k in ("quarter_end", "value", "mps", "rank")} == {
        k: expected[k] for k in ("quarter_end", "value", "mps", "rank")}
    assert got["boroughs"] == 32
    return expected


def census_year_for(period: str) -> int:
    """Census 2021 from 2022 on, Census 2011 before (the pack's documented choice)."""
    return 2021 if int(period[:4]) >= 2022 else 2011


def check_stop_search(figures: dict, data_dir: Path) -> dict:
    """Figures 11-13 equal the raw police.uk records placed in boroughs here; returns the expectation."""
    period = figures["period_end"]
    got = figures["stop_search"]
    year = census_year_for(period)
    assert got["population"]["census_year"] == year
    expected = stop_search(data_dir, figures["gss_code"], period, year)
    assert got["monthly"] == expected["monthly"]
    assert {g: got["population"][g] for g in GROUPS} == expected["population"]
    assert [{k: r[k] for k in ("month", "group", "ratio", "searches")} for r in got["disproportionality"]] == \
        expected["disproportionality"]
    assert got["not_recorded"] == expected["not_recorded"]
    # The recorded intervals and verdicts are recomputed in test_uncertainty_stop_search.py.
    last = {k: got["last_month"][k] for k in ("searches", "arrest_rate", "pct_weapons", "pct_key_crime")}
    last["mps"] = {k: got["last_month"]["mps"][k] for k in expected["last_month"]["mps"]}
    assert got["last_month"]["month"] == period
    assert last == expected["last_month"]
    return expected


def check_complaints(figures: dict, data_dir: Path) -> dict:
    """Totals, change, rank, rate per 100 workforce and type/outcome counts equal the raw CSVs."""
    expected = complaints(data_dir, figures["gss_code"], figures["period_end"])
    got = figures["complaints"]
    assert got["available"] is True
    for key in ("total", "previous_total", "pct_change", "rank", "workforce", "workforce_month",
                "rate_per_100_workforce"):
        assert got[key] == expected[key], key
    types = {r["type"]: r["allegations"] for r in got["by_type"]}
    assert {t: n for t, n in types.items() if n} == expected["by_type"]
    for r in got["by_type"]:
        assert r["pct"] == share_pct(r["allegations"], expected["type_total"]), r
    outcomes = {r["outcome"]: r["allegations"] for r in got["by_outcome"]}
    assert {o: n for o, n in outcomes.items() if n} == expected["by_outcome"]
    for r in got["by_outcome"]:
        assert r["pct"] == share_pct(r["allegations"], expected["outcome_total"]), r
    return expected


def key_sentences(figures: dict) -> list[str]:
    """Sentences the PDF must print, built from figures.json with the pack's number formats."""
    name = figures["borough"]
    out = []
    rows = {r["category"]: r for r in figures["recorded_crime"]["rows"]}
    if figures["recorded_crime"].get("available"):
        out.append(f"{name} recorded {rows[TNO]['current_12m']:,} notifiable offences in the 12 months")
    conf = figures["confidence"]
    if "value" in conf:
        out.append(f"PAS results in {name} show confidence currently at {conf['value']}%.")
        out.append(f"the MPS average ({conf['mps']}%). {name} ranks {conf['rank']} of 32 boroughs.")
    last = figures["stop_search"].get("last_month")
    if last:
        out.append(f"{last['searches']:,} searches were recorded in {name}; "
                   f"{last['arrest_rate']:.1f}% led to an arrest")
    comp = figures["complaints"]
    if comp.get("available"):
        out.append(f"{name} recorded a total of {comp['total']:,} public complaint allegations")
    return out


def mid_year_population(data_dir: Path) -> dict[tuple[str, int], int]:
    """Population by (GSS code, year) from the MYE4 sheets; where workbooks overlap the newest release wins."""
    releases = []
    for path in sorted(Path(data_dir, "population").glob("*")):
        if path.suffix not in (".xlsx", ".xls"):
            continue
        df = pd.read_excel(path, sheet_name="MYE4", header=7)
        years = {int(c[4:]): c for c in df.columns if re.fullmatch(r"Mid-\d{4}", str(c))}
        releases.append((max(years), df, years))
    out: dict[tuple[str, int], int] = {}
    for _, df, years in sorted(releases, key=lambda r: r[0]):  # later releases overwrite earlier ones
        for _, row in df[df["Code"].astype(str).str.startswith("E09")].iterrows():
            for year, col in years.items():
                out[(row["Code"], year)] = int(row[col])
    return out


def row_months(data_dir: Path, vintage: str, gss_code: str, period: str) -> dict[str, tuple[list, list]]:
    """Every recorded crime row's 24 monthly counts to ``period``, (borough, MPS), from the raw files."""
    months = months_to(period, 24)
    long = crime_long(data_dir, vintage, months)
    labels = borough_labels()
    codes = {a: code_of(a, labels) for a in long["area"].unique()}
    long["is_borough"] = long["area"].map(codes) == gss_code
    keys = list(zip(long["major"], long["minor"]))

    def series(frame: pd.DataFrame) -> tuple[list, list]:
        mine = frame[frame["is_borough"]].groupby("month")["count"].sum()
        every = frame.groupby("month")["count"].sum()
        return [int(mine.get(m, 0)) for m in months], [int(every.get(m, 0)) for m in months]

    out = {TNO: series(long)}
    for name, cats in crime_mapping(vintage).items():
        out[name] = series(long[[k in cats for k in keys]])
    if all(r in out for r in MOPAC7_ROWS):
        out["MOPAC 7"] = tuple([sum(out[r][i][m] for r in MOPAC7_ROWS) for m in range(24)] for i in (0, 1))
    return out


def homicide_months_raw(data_dir: Path, gss_code: str, months: list[str]) -> tuple[list, list]:
    """(borough victims, all victims) in each of ``months`` from the raw homicide dashboard CSV."""
    pairs = [homicide_victims_raw(data_dir, gss_code, [m]) for m in months]
    return [b for b, _ in pairs], [a for _, a in pairs]


def homicide_victims_raw(data_dir: Path, gss_code: str, months: list[str]) -> tuple[int, int]:
    """(borough victims, all victims) in ``months`` from the raw homicide dashboard CSV."""
    labels = borough_labels()
    borough = total = 0
    for path in sorted(Path(data_dir, "mps_homicide").glob("*.csv")):
        for row in csv.DictReader(io.StringIO(_read_text(path))):
            stamp = pd.to_datetime(row["Recorded Date"].strip(), format="%b-%y")
            if stamp.strftime("%Y-%m") not in months:
                continue
            n = int(row["Count of Victims"])
            total += n
            if code_of(row["Borough"], labels) == gss_code:
                borough += n
    return borough, total


def check_rates(figures: dict, data_dir: Path) -> None:
    """Offences per 1,000 residents and homicide victims equal the raw files."""
    rec = figures["recorded_crime"]
    period, gss = figures["period_end"], figures["gss_code"]
    codes = list(borough_names())
    pop = mid_year_population(data_dir)
    year = max(y for (c, y) in pop if c == gss and y <= int(period[:4]))
    current = months_to(period, 12)
    crime = crime_long(data_dir, rec["vintage"], current)
    labels = borough_labels()
    own = int(crime.loc[crime["area"].map(lambda a: code_of(a, labels)) == gss, "count"].sum())
    mps = int(crime["count"].sum())
    mps_pop = sum(pop[(c, year)] for c in codes)
    expected = {"borough": half_up(Fraction(own * 1000, pop[(gss, year)]), 1),
                "mps": half_up(Fraction(mps * 1000, mps_pop), 1),
                "population": pop[(gss, year)], "mps_population": mps_pop, "population_year": year}
    assert {k: rec["rate_per_1000"][k] for k in expected} == expected
    # Each rate's exact Poisson interval: the gamma quantiles of the count (Garwood's limits), per 1,000.
    from scipy.stats import gamma

    alpha = rec["rate_per_1000"]["alpha"]
    for prefix, count, people in (("", own, pop[(gss, year)]), ("mps_", mps, mps_pop)):
        low = gamma.ppf(alpha / 2, count) * 1000 / people
        high = gamma.ppf(1 - alpha / 2, count + 1) * 1000 / people
        assert abs(rec["rate_per_1000"][f"{prefix}ci_low"] - low) <= 0.05 + 1e-9
        assert abs(rec["rate_per_1000"][f"{prefix}ci_high"] - high) <= 0.05 + 1e-9
    last = max(pd.to_datetime(r["Recorded Date"].strip(), format="%b-%y").strftime("%Y-%m")
               for p in Path(data_dir, "mps_homicide").glob("*.csv")
               for r in csv.DictReader(io.StringIO(_read_text(p))))
    if last < period:
        assert "homicide_victims" not in rec
        return
    previous = months_to(period, 24)[:12]
    b_prev, m_prev = homicide_victims_raw(data_dir, gss, previous)
    b_cur, m_cur = homicide_victims_raw(data_dir, gss, current)
    counts = {"previous_12m": b_prev, "current_12m": b_cur, "mps_previous_12m": m_prev, "mps_current_12m": m_cur}
    # The record also carries each change's test (issue 10), checked in test_uncertainty_changes.py.
    assert {k: rec["homicide_victims"][k] for k in counts} == counts


# --- Police and Crime Plan -------------------------------------------------------------------

PLAN_YAML = PROJECT_DIR / "params" / "local_priorities.yaml"
ASB = "Anti-social behaviour"
# The reference pack's rows the MPS borough files do not carry (docs/method.md); the other crime input may.
SPECIAL_ROWS = ("Youth Violence", "Serious Youth Violence", "Gun Crime", "Knife Crime", "Knife Crime with Injury",
                "Domestic Abuse", "Homophobic Crime", "Racist & Religious Hate Crime", "Disability Hate Crime",
                "Transgender Hate Crime", "Faith Hate Crime")


def plan_rows(period: str, gss_code: str) -> tuple[dict, list[str]]:
    """The plan in force (the last to start on or before ``period``) and the borough's priority rows, from the YAML."""
    import yaml

    doc = yaml.safe_load(PLAN_YAML.read_text(encoding="utf-8"))
    plan = [p for p in sorted(doc["plans"], key=lambda p: str(p["first_month"])) if str(p["first_month"]) <= period][-1]
    name = borough_names()[gss_code]
    chosen = list(doc["boroughs"][name]["volume_crimes"])[: int(plan["volume_crimes"])]
    return plan, chosen + [m for m in plan["mandatory"] if m not in chosen]


def _csv_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def input_months(data_dir: Path, folder: str, value: str, gss_code: str, months: list[str],
                 measure: str | None = None) -> tuple[list, list] | None:
    """(borough, MPS) monthly counts of a documented input, MPS the sum of the 32 boroughs (or its MPS rows)."""
    files = sorted(Path(data_dir, folder).glob("*.csv")) if Path(data_dir, folder).is_dir() else []
    if not files:
        return None
    labels = borough_labels()
    mine, every, mps_rows, seen = {}, {}, {}, {}
    for path in files:
        for r in _csv_rows(path):
            if measure is not None and r["measure"] != measure or r["month"] not in months:
                continue
            n = int(r[value])
            if r["borough"].strip().upper() == "MPS":
                mps_rows[r["month"]] = n
                continue
            code = code_of(r["borough"], labels)
            every[r["month"]] = every.get(r["month"], 0) + n
            seen.setdefault(r["month"], set()).add(code)
            if code == gss_code:
                mine[r["month"]] = n
    if set(mine) != set(months):
        return None
    mps = [mps_rows[m] for m in months] if set(mps_rows) == set(months) else [every[m] for m in months]
    return [mine[m] for m in months], mps


def check_local_priorities(figures: dict, data_dir: Path) -> None:
    """Every priority row's counts and changes equal the raw files' sums; a crime-table row's counts are its own."""
    rec = figures["local_priorities"]
    period, gss = figures["period_end"], figures["gss_code"]
    plan, names = plan_rows(period, gss)
    assert rec["plan"] == plan["label"]
    assert [r["priority"] for r in rec["rows"]] == names
    months = months_to(period, 24)
    crime = row_months(data_dir, rec["vintage"], gss, period)
    crime_rows = {r["category"]: r for r in figures["recorded_crime"]["rows"]}
    combos = {"Sexual violence": ("Rape", "Other Sexual Offences")}
    for r in rec["rows"]:
        name = r["priority"]
        if name == ASB:
            want = input_months(data_dir, "asb", "calls", gss, months)
        elif name in combos:
            want = tuple([sum(crime[c][i][m] for c in combos[name]) for m in range(24)] for i in (0, 1))
        elif name in crime:
            want = crime[name]
        else:
            want = input_months(data_dir, "other_crime", "offences", gss, months, measure=name)
        if want is None:
            assert r["available"] is False and r["reason"] and r["current_12m"] is None, name
            continue
        (b, m) = want
        assert r["available"] is True, name
        assert (r["previous_12m"], r["current_12m"]) == (sum(b[:12]), sum(b[12:])), name
        assert r["pct_change"] == pct_change(sum(b[:12]), sum(b[12:])), name
        assert r["mps_pct_change"] == pct_change(sum(m[:12]), sum(m[12:])), name
        if name in crime_rows and crime_rows[name]["available"]:
            assert (r["previous_12m"], r["current_12m"]) == (crime_rows[name]["previous_12m"],
                                                             crime_rows[name]["current_12m"]), name
        assert rec["monthly"] and [x[name] for x in rec["monthly"]] == b, name


def check_mopac7_baseline(figures: dict, data_dir: Path) -> None:
    """The MOPAC 7 against the 2011/12 baseline: both years' sums of the raw wide files, the target 0.8 × baseline."""
    rec = figures["local_priorities"]["mopac7_baseline"]
    period, gss = figures["period_end"], figures["gss_code"]
    assert rec["baseline_months"] == ["2011-04", "2012-03"] and rec["target_pct"] == -20.0
    base = row_months(data_dir, rec["vintage"], gss, "2012-03")
    now = row_months(data_dir, rec["vintage"], gss, period)
    for r in rec["rows"]:
        b, c = sum(base[r["row"]][0][12:]), sum(now[r["row"]][0][12:])
        mb, mc = sum(base[r["row"]][1][12:]), sum(now[r["row"]][1][12:])
        assert (r["baseline"], r["current_12m"]) == (b, c), r["row"]
        assert r["pct_vs_baseline"] == pct_change(b, c) and r["mps_pct_vs_baseline"] == pct_change(mb, mc)
        assert r["target"] == round(b * 0.8, 1) and r["meets_target"] == (c <= b * 0.8)


def check_commitments(figures: dict, data_dir: Path) -> None:
    """The plan's commitments by status, theme and at risk, counted from the raw tracker."""
    rec = figures["commitments"]
    rows = [r for r in _csv_rows(Path(data_dir, "commitments", "commitments.csv")) if r["plan"] == rec["plan"]]
    as_at = max(r["as_at"] for r in rows if r["as_at"] <= figures["period_end"])
    mine = [r for r in rows if r["as_at"] == as_at and r["strategy"] == "Police and Crime Plan"]
    assert rec["as_at"] == as_at and rec["total"] == len(mine) == sum(rec["by_status"].values())
    for status in ("complete", "on track", "at risk", "not started"):
        assert rec["by_status"][status] == sum(r["status"] == status for r in mine), status
    assert sorted(a["commitment_id"] for a in rec["at_risk"]) == sorted(
        r["commitment_id"] for r in mine if r["status"] == "at risk")
    assert sum(t["total"] for t in rec["by_theme"]) == rec["total"]


def check_confidence_drivers(figures: dict, data_dir: Path, respondents: float = 400, alpha: float = 0.05) -> None:
    """Each PAS measure of the quarter: the borough's and the MPS's printed values, the Wilson interval, the verdict."""
    rec = figures["confidence_drivers"]
    quarter, gss = rec["quarter_end"], figures["gss_code"]
    values = {(r["area"], r["measure"]): float(r["proportion"]) for r in pas_rows(data_dir)
              if r["quarter_end"] == quarter}
    assert len(rec["rows"]) >= 7
    for row in rec["rows"]:
        p, m = values[(gss, row["measure"])], values[("MPS", row["measure"])]
        assert row["value"] == int(half_up(p * 100, 0)) and row["mps"] == int(half_up(m * 100, 0)), row["measure"]
        low, high = wilson(p, respondents, alpha)
        assert abs(row["ci_low"] - low) < 1e-4 and abs(row["ci_high"] - high) < 1e-4, row["measure"]
        want = "above" if low > m * 100 else "below" if high < m * 100 else "similar"
        assert row["vs_mps"] == want, row["measure"]
