"""The demo files keep the exact published layouts (headers, delimiters, quoting, encodings)."""

from __future__ import annotations

import csv
import gzip
import io
import re
import zipfile

import numpy as np
import pandas as pd
import shapefile
from pyproj import Transformer
from shapely.geometry import Point, shape

from boardpack.demo import DEMO_PERIOD
from boardpack.periods import month_range
from boardpack.registry import load_registry

CRIME = "mps_borough_crime/demo/MPS Borough Level Crime ({}).csv"
POLICE_UK_HEADER = (
    "Type,Date,Part of a policing operation,Policing operation,Latitude,Longitude,Gender,Age range,"
    "Self-defined ethnicity,Officer-defined ethnicity,Legislation,Object of search,Outcome,"
    "Outcome linked to object of search,Removal of more than just outer clothing"
)


def _header(path) -> str:
    return path.read_bytes().split(b"\n", 1)[0].decode("utf-8").rstrip("\r")


def test_crime_headers_follow_the_upper_2010_pattern(demo_dir):
    months = [m.replace("-", "") for m in month_range(DEMO_PERIOD, 48)]
    keys = ["MajorText", "MinorText", "BoroughName"]
    assert _header(demo_dir / CRIME.format("Historical")) == ",".join([*keys, *months[:24]])
    assert _header(demo_dir / CRIME.format("most recent 24 months")) == ",".join(
        ["MajorText", "MinorText", "BoroughName", *months[24:]]
    )


def test_crime_rows_cover_every_borough_and_the_non_borough_rows(demo_dir):
    df = pd.read_csv(demo_dir / CRIME.format("most recent 24 months"))
    registry = load_registry()
    codes = {registry.area_code(name) for name in df["BoroughName"].unique()}
    assert set(registry.codes) <= codes and {"AIRPORTS", "UNKNOWN"} <= codes
    assert df.groupby("BoroughName").size().nunique() == 1  # one row per area x category
    assert (df.iloc[:, 3:] >= 0).all().all()
    assert df["MajorText"].str.isupper().all()
    hist = pd.read_csv(demo_dir / CRIME.format("Historical"))
    airports = hist[hist["BoroughName"] == "London Heathrow and London City Airports"]
    later = [c for c in hist.columns[3:] if c >= "202403"]
    assert airports[later].to_numpy().sum() == 0 and airports[["202306"]].to_numpy().sum() > 0


def test_stop_search_files_are_police_uk_csv_in_plain_gzip(demo_dir):
    for path in sorted((demo_dir / "stop_search" / "demo_police_uk_csv").glob("*.csv.gz")):
        raw = path.read_bytes()
        assert raw[3] & 0x08 == 0, "gzip header must not carry a file name"
        assert raw[4:8] == b"\0\0\0\0", "gzip mtime must be zero"
        text = gzip.decompress(raw).decode("utf-8")
        assert text.split("\n", 1)[0] == POLICE_UK_HEADER
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    month = path.name[:7]
    assert df["Date"].str.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:00\+00:00").all()
    assert df["Date"].is_monotonic_increasing
    # UTC stamps of searches made in the file's month, London time (as police.uk writes them).
    local = pd.to_datetime(df["Date"]).dt.tz_convert("Europe/London")
    assert (local.dt.strftime("%Y-%m") == month).all()
    assert set(df["Officer-defined ethnicity"]) <= {"White", "Black", "Asian", "Other", ""}
    assert {"Arrest", "A no further action disposal", "Community resolution"} <= set(df["Outcome"])
    no_location = (df["Latitude"] == "").mean()
    assert 0.06 < no_location < 0.10


def test_stop_search_points_lie_in_their_polygons_except_a_few(demo_dir):
    shp = shapefile.Reader(str(demo_dir / "boundaries" / "demo" / "London_Borough_Excluding_MHW.shp"))
    polygons = [shape(s.__geo_interface__) for s in shp.shapes()]
    name = f"{DEMO_PERIOD}-metropolitan-stop-and-search.csv.gz"
    df = pd.read_csv(demo_dir / "stop_search" / "demo_police_uk_csv" / name)
    df = df.dropna(subset=["Latitude"])
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
        df["Longitude"].to_numpy(), df["Latitude"].to_numpy()
    )
    inside = np.array([any(p.contains(Point(a, b)) for p in polygons) for a, b in zip(x, y)])
    assert 0 < (~inside).sum() < 0.01 * len(inside)


def test_boundaries_have_33_areas_with_the_real_fields(demo_dir):
    shp = shapefile.Reader(str(demo_dir / "boundaries" / "demo" / "London_Borough_Excluding_MHW.shp"))
    fields = [f[0] for f in shp.fields[1:]]
    assert fields == ["NAME", "GSS_CODE", "HECTARES", "NONLD_AREA", "ONS_INNER", "SUB_2009", "SUB_2006"]
    codes = sorted(r["GSS_CODE"] for r in shp.records())
    assert codes == [f"E090000{i:02d}" for i in range(1, 34)]
    polygons = [shape(s.__geo_interface__) for s in shp.shapes()]
    total = sum(p.area for p in polygons)
    union = polygons[0]
    for p in polygons[1:]:
        union = union.union(p)
    assert abs(union.area - total) < 1  # no overlaps
    prj = demo_dir / "boundaries" / "demo" / "London_Borough_Excluding_MHW.prj"
    assert "British_National_Grid" in prj.read_text()


def test_pas_files_use_semicolons_decimal_commas_and_crlf(demo_dir):
    raw = (demo_dir / "pas_confidence" / "PAS_buroughs.csv").read_bytes()
    assert raw.startswith(b"Date;Survey;Borough;Measure;Proportion;MPS\r\n")
    assert b';"""Good Job"" local";' in raw
    assert re.search(rb";0,\d\d?;0,\d\d?\r\n", raw)
    df = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",")
    assert df["Date"].iloc[0] == "31/12/2014" and df["Date"].iloc[-1] == "30/09/2026"
    assert df["Measure"].nunique() == 8
    assert df["Proportion"].between(0, 1).all()
    assert "City of Westminster" in set(df["Borough"])
    total = pd.read_csv(demo_dir / "pas_confidence" / "PAS_Total.csv", sep=";", decimal=",")
    assert list(total.columns) == ["Date", "Survey", "Borough", "Measure", "Proportion"]
    assert set(total["Borough"]) == {"MPS"}


def test_census_files_keep_the_nomis_and_2021_layouts(demo_dir):
    path = demo_dir / "census_ethnicity" / "la-ethnic-groups.csv"
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(header) == 28 and header[:4] == ["date", "geography", "geography code", "Rural Urban"]
    assert path.read_text(encoding="utf-8").startswith('"date","geography"')
    df = pd.read_csv(path)
    london = df[df["geography code"].str.startswith("E09")]
    assert len(london) == 33
    broad_name = r"Ethnic Group: (White|Mixed|Asian|Black|Other); measures: Value"
    broad = [c for c in df.columns if re.fullmatch(broad_name, c)]
    assert (london[broad].sum(axis=1) == london[header[4]]).all()
    c21 = pd.read_csv(demo_dir / "census_ethnicity" / "Census_2021_ethnicity.csv")
    assert list(c21.columns) == ["Upper tier local authorities Code", "Upper tier local authorities",
                                 "Ethnic group (8 categories) Code", "Ethnic group", "Observation"]
    assert c21[c21.iloc[:, 0].str.startswith("E09")].iloc[:, 0].nunique() == 33


def test_population_workbook_has_an_mye4_sheet_with_header_on_row_8(demo_dir):
    path = demo_dir / "population" / "demo-mid-year-estimates-mye4.xlsx"
    df = pd.read_excel(path, sheet_name="MYE4", header=7)
    assert list(df.columns[:4]) == ["Code", "Name", "Geography", "Mid-2025"]
    assert df["Code"].str.startswith("E09").sum() == 33
    with zipfile.ZipFile(path) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 10, 1, 0, 0, 0)}


def test_homicide_file_keeps_the_dashboard_layout(demo_dir):
    raw = (demo_dir / "mps_homicide" / "Homicides_demo.csv").read_bytes()
    assert raw.startswith(b"Count of Victims,Age Group,Sex,Method of Killing,Domestic Abuse,Recorded Date,")
    assert b"\r\n" in raw
    df = pd.read_csv(io.BytesIO(raw))
    assert df["Recorded Date"].str.fullmatch(r"[A-Z][a-z]{2}-\d\d").all()


def test_documented_inputs_follow_docs_data_md(demo_dir):
    headers = {
        "asb/asb_calls.csv": "borough,month,calls",
        "victim_satisfaction/uss.csv": "borough,quarter_end,measure,satisfied_pct,respondents",
        "complaints/allegations.csv": "borough,month,allegation_type,allegations",
        "complaints/outcomes.csv": "borough,month,outcome,allegations",
        "complaints/workforce.csv": "borough,month,workforce",
        "custody_visits/icv_reports.csv": "borough,quarter_end,custody_suites,visits_scheduled,visits_conducted,"
        "detainees_held,detainees_spoken_to,observations,issues_raised",
        "moj/criminal_justice.csv": "measure,period_end,area,value,unit",
    }
    for name, header in headers.items():
        assert _header(demo_dir / name) == header, name
    icv = pd.read_csv(demo_dir / "custody_visits" / "icv_reports.csv", keep_default_na=False)
    assert (icv["visits_conducted"] <= icv["visits_scheduled"]).all()
    assert (icv["detainees_spoken_to"] <= icv["detainees_held"]).all()
    assert icv["custody_suites"].str.contains("DEMO").all() and icv["observations"].str.contains("DEMO").all()
    uss = pd.read_csv(demo_dir / "victim_satisfaction" / "uss.csv")
    assert uss["quarter_end"].min() == "2012-03" and "MPS" in set(uss["borough"])
    assert uss["satisfied_pct"].between(0, 100).all()
