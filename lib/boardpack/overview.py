"""The London overview: every borough's headline figures on one page, from the packs' own figures.json.

Nothing is computed twice: each column is read from the figures record the borough's pack wrote
(the funnel position, the change test, the survey verdict and the ratio's interval included), so
the overview always says what the packs say. Written at the end of every run as
``outputs/<period>/index.html`` (one self-contained page: no network request, a small inline
script for sorting, allowed by the page's content security policy by its hash) and
``outputs/<period>/overview.csv``.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
from pathlib import Path

from .atomic import write_bytes_atomic, write_text_atomic
from .hashing import file_sha256, text_sha256, tree_sha256
from .paths import PACKAGE_DIR
from .provenance import lock_sha256, package_versions

TNO = "Total Notifiable Offences"
# The overview's columns: (key, heading, unit) in order; overview.csv has the same keys, and
# datapackage.json gives each its Table Schema type (FIELD_TYPES) and unit.
COLUMNS = (
    ("borough", "Borough", ""),
    ("gss_code", "GSS code", ""),
    ("crime_per_1000", "Crime per 1,000 residents", "offences per 1,000 residents, 12 months"),
    ("crime_per_1000_ci_low", "Interval low", "offences per 1,000 residents"),
    ("crime_per_1000_ci_high", "Interval high", "offences per 1,000 residents"),
    ("funnel_position", "Against London (funnel)", ""),
    ("tno_pct_change", "Change in offences, 12 months", "per cent"),
    ("tno_significant", "Change significant", ""),
    ("confidence", "Public confidence", "per cent"),
    ("confidence_vs_mps", "Confidence against the MPS", ""),
    ("black_white_ratio", "Black/White search ratio", "ratio"),
    ("black_white_ci_low", "Ratio interval low", "ratio"),
    ("black_white_ci_high", "Ratio interval high", "ratio"),
    ("black_white_month", "Ratio month", "YYYY-MM"),
)
FIELD_TYPES = {"crime_per_1000": "number", "crime_per_1000_ci_low": "number", "crime_per_1000_ci_high": "number",
               "tno_pct_change": "number", "tno_significant": "boolean", "confidence": "integer",
               "black_white_ratio": "number", "black_white_ci_low": "number", "black_white_ci_high": "number",
               "black_white_month": "yearmonth"}
# What write_overview writes into the period folder.
OVERVIEW_FILES = ("index.html", "overview.csv", "overview.pdf", "datapackage.json")
# index.html names the hash of everything the overview is made from (inputs_key), so a run that would
# write the same files leaves them as they are.
KEY_META = "boardpack-overview-inputs"
# The page's sorting instruction, which the printed copy leaves out.
SORT_HINT = " Select a column heading to sort by it; without scripts the table stays in alphabetical order."
LINKS = (("board_pack.pdf", "PDF"), ("board_pack.html", "HTML"), ("board_pack.audit.html", "Audit"))
SORT_SCRIPT = (
    "document.querySelectorAll('th[data-sort] button').forEach(function(b){b.addEventListener('click',function(){"
    "var th=b.parentNode,t=th.closest('table'),i=Array.prototype.indexOf.call(th.parentNode.children,th),"
    "up=th.getAttribute('aria-sort')!=='ascending',body=t.tBodies[0],rows=Array.prototype.slice.call(body.rows);"
    "rows.sort(function(x,y){var a=x.cells[i].getAttribute('data-value'),c=y.cells[i].getAttribute('data-value'),"
    "na=parseFloat(a),nc=parseFloat(c),r;if(a===''&&c!=='')return 1;if(c===''&&a!=='')return -1;"
    "r=(!isNaN(na)&&!isNaN(nc))?na-nc:a.localeCompare(c);return up?r:-r;});"
    "rows.forEach(function(r){body.appendChild(r);});"
    "t.querySelectorAll('th[data-sort]').forEach(function(h){h.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',up?'ascending':'descending');});});"
)


def borough_row(figures: dict) -> dict:
    """One borough's headline figures, from its figures.json; a figure its pack could not give is None.

    ``reasons`` maps a column key to why it is missing (the pack's own words).
    """
    row = {key: None for key, _, _ in COLUMNS}
    row.update(borough=figures["borough"], gss_code=figures["gss_code"], reasons={})
    crime = figures.get("recorded_crime", {})
    rate = crime.get("rate_per_1000")
    if rate:
        row.update(crime_per_1000=rate["borough"], crime_per_1000_ci_low=rate.get("ci_low"),
                   crime_per_1000_ci_high=rate.get("ci_high"),
                   funnel_position=(crime.get("funnel") or {}).get("position"))
    else:
        row["reasons"]["crime_per_1000"] = _reason(crime, "crime_rates")
    tno = next((r for r in crime.get("rows", []) if r.get("category") == TNO and r.get("available")), None)
    if tno:
        row.update(tno_pct_change=tno["pct_change"], tno_significant=tno.get("significant"))
    else:
        row["reasons"]["tno_pct_change"] = _reason(crime)
    conf = figures.get("confidence", {})
    if conf.get("available", True) and "value" in conf:
        row.update(confidence=conf["value"], confidence_vs_mps=conf.get("vs_mps"))
    else:
        row["reasons"]["confidence"] = _reason(conf)
    black = [r for r in figures.get("stop_search", {}).get("disproportionality", [])
             if r.get("group") == "Black" and r.get("ratio") is not None]
    if black:
        last = black[-1]
        row.update(black_white_ratio=last["ratio"], black_white_ci_low=last.get("ci_low"),
                   black_white_ci_high=last.get("ci_high"), black_white_month=last["month"])
    else:
        row["reasons"]["black_white_ratio"] = _reason(figures.get("stop_search", {}), "stop_search_ethnicity")
    return row


def _reason(section: dict, part: str | None = None) -> str:
    if part and not section.get("parts", {}).get(part, {}).get("available", True):
        return section["parts"][part]["reason"]
    return section.get("reason") or "Not in this borough's pack"


def read_rows(period_dir: Path, entries: list[dict]) -> list[dict]:
    """The overview rows of the boroughs with a pack in ``period_dir``, alphabetical, each with its files,
    its 24 monthly counts and its tables' schemas."""
    rows = []
    for entry in entries:
        path = Path(period_dir) / entry["slug"] / "figures.json"
        if not path.is_file():
            continue
        figures = json.loads(path.read_text(encoding="utf-8"))
        row = borough_row(figures)
        row["slug"] = entry["slug"]
        # Kept for the trends chart and the data package, so each figures.json is read once per run.
        row["monthly"] = figures.get("recorded_crime", {}).get("monthly") or []
        row["table_schemas"] = figures.get("table_schemas", {})
        row["files"] = [name for name, _ in LINKS if (Path(period_dir) / entry["slug"] / name).is_file()]
        rows.append(row)
    return sorted(rows, key=lambda r: r["borough"])


def overview_csv(rows: list[dict]) -> str:
    """overview.csv: one line per borough, the columns of :data:`COLUMNS` (empty where not available)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _, _ in COLUMNS])
    for r in rows:
        writer.writerow(["" if r[key] is None else r[key] for key, _, _ in COLUMNS])
    return out.getvalue()


def _cell(value, text: str, sort_value=None) -> str:
    sort_value = value if sort_value is None else sort_value
    data = "" if sort_value is None else html.escape(str(sort_value))
    return f'<td data-value="{data}">{text}</td>'


def _num(value, places: int = 1) -> str:
    return "" if value is None else f"{value:,.{places}f}"


def _na(row: dict, key: str) -> str:
    reason = row["reasons"].get(key, "not available")
    return f'<span class="na">n/a</span><span class="reason">{html.escape(reason)}</span>'


def _row_html(r: dict) -> str:
    links = " ".join(f'<a href="{html.escape(r["slug"])}/{name}">{label}<span class="visually-hidden"> for '
                     f'{html.escape(r["borough"])}</span></a>' for name, label in LINKS if name in r["files"])
    rate = (_cell(r["crime_per_1000"], f'{_num(r["crime_per_1000"])} <span class="ci">('
                  f'{_num(r["crime_per_1000_ci_low"])}–{_num(r["crime_per_1000_ci_high"])})</span>')
            if r["crime_per_1000"] is not None else _cell(None, _na(r, "crime_per_1000")))
    position = _cell(r["funnel_position"], html.escape(r["funnel_position"] or "")) if r["crime_per_1000"] is not None \
        else _cell(None, "")
    if r["tno_pct_change"] is not None:
        mark = " *" if r["tno_significant"] else ""
        change = _cell(r["tno_pct_change"], f'{r["tno_pct_change"]:+.1f}%{mark}')
    else:
        change = _cell(None, _na(r, "tno_pct_change"))
    conf = (_cell(r["confidence"], f'{r["confidence"]}% ({html.escape(r["confidence_vs_mps"] or "")})')
            if r["confidence"] is not None else _cell(None, _na(r, "confidence")))
    ratio = (_cell(r["black_white_ratio"], f'{r["black_white_ratio"]:.2f} <span class="ci">('
                   f'{_num(r["black_white_ci_low"], 2)}–{_num(r["black_white_ci_high"], 2)}, '
                   f'{html.escape(r["black_white_month"])})</span>')
             if r["black_white_ratio"] is not None else _cell(None, _na(r, "black_white_ratio")))
    return (f'<tr><th scope="row" data-value="{html.escape(r["borough"])}">{html.escape(r["borough"])}</th>'
            f"{rate}{position}{change}{conf}{ratio}<td>{links}</td></tr>")


def _figure(png: bytes, alt: str, caption: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><figcaption>{html.escape(caption)}</figcaption>'
            f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt)}" style="max-width:100%"></figure>')


def charts_html(rows: list[dict], monthly: dict, boundaries, period_label: str) -> str:
    """The maps of crime per 1,000 and of its change, and the 32 boroughs' 24-month trends, as embedded figures.

    ``boundaries`` is the store's ``borough_shapes`` table (the GLA boundary file's outlines), or None
    when the data folder has none (the maps then say so); ``monthly`` maps a borough to its pack's
    24 monthly counts (``month``, ``borough``).
    """
    import pandas as pd

    from .report.alt_text import trend_alt
    from .report.charts import figure_png, plot_small_multiples
    from .report.maps import choropleth_alt, plot_choropleth

    names = {r["gss_code"]: r["borough"] for r in rows}
    parts = []
    if boundaries is None:
        parts.append('<p class="na">Maps not available: the data folder has no GLA borough boundary file '
                     "(boundaries/London_Borough_Excluding_MHW.shp; see docs/data.md).</p>")
    else:
        for key, title, label, diverging, fmt in (
                ("crime_per_1000", f"Offences per 1,000 residents, 12 months to {period_label}",
                 "Offences per 1,000 residents", False, "{:.0f}"),
                ("tno_pct_change", f"Change in offences, 12 months to {period_label} against the 12 before",
                 "Change in offences (%)", True, "{:+.1f}")):
            values = {r["gss_code"]: r[key] for r in rows}
            fig = plot_choropleth(boundaries, values, title, label, diverging=diverging, fmt=fmt)
            what = label.lower().replace(" (%)", " in per cent")
            missing = [r["borough"] for r in rows if r[key] is None]
            alt = choropleth_alt(values, names, what, "{:.1f}" if fmt == "{:.0f}" else fmt)
            if missing:
                alt += f" Not available for {', '.join(missing)}."
            parts.append(_figure(figure_png(fig), alt, title))
    series = {b: m for b, m in sorted(monthly.items()) if m}
    if series:
        months = next(iter(series.values()))
        df = pd.DataFrame({"month": [m["month"] for m in months]})
        for borough, m in series.items():
            df[borough] = [x["borough"] for x in m] if len(m) == len(df) else [None] * len(df)
        title = f"Recorded offences per month in each borough, 24 months to {period_label}, each on its own scale"
        fig = plot_small_multiples(df, "month", {b: b for b in series}, title, columns=4, panel_height=1.05)
        alt = "Small multiples, one chart per borough, each on its own scale. " + trend_alt(
            df, "month", {b: b for b in series}, "recorded offences per month")
        parts.append(_figure(figure_png(fig), alt, title))
    return "".join(parts)


def overview_html(rows: list[dict], period_label: str, demo: bool, failed: list[dict], charts: str = "",
                  key: str = "") -> str:
    """The overview page: the 32 boroughs' headline figures, sortable, with links to each pack, then ``charts``;
    ``key`` is :func:`inputs_key`'s hash, kept in a ``meta`` element."""
    script_hash = base64.b64encode(hashlib.sha256(SORT_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    heads = [("Borough", True), ("Crime per 1,000 residents (95% interval)", True),
             ("Against the London rate (funnel plot)", True), ("Change in offences, 12 months", True),
             ("Public confidence (against the MPS)", True),
             ("Black/White stop and search ratio (interval, month)", True), ("Packs", False)]

    def head(i: int, text: str, sortable: bool) -> str:
        if not sortable:
            return f'<th scope="col">{html.escape(text)}</th>'
        order = ' aria-sort="ascending"' if i == 0 else ""
        return f'<th scope="col" data-sort{order}><button type="button">{html.escape(text)}</button></th>'

    head_cells = "".join(head(i, text, sortable) for i, (text, sortable) in enumerate(heads))
    banner = ('<p class="demo"><strong>DEMO DATA – NOT OFFICIAL STATISTICS</strong>: every figure here is '
              "synthetic.</p>") if demo else ""
    failures = ""
    if failed:
        items = "".join(f"<li>{html.escape(f['borough'])}: {html.escape(f.get('error') or f['status'])}</li>"
                        for f in failed)
        failures = f"<h2>Boroughs not built</h2><ul>{items}</ul>"
    key_meta = f'<meta name="{KEY_META}" content="{html.escape(key)}">' if key else ""
    csp = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
           f"script-src 'sha256-{script_hash}'; base-uri 'none'; form-action 'none'")
    return (
        '<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"{key_meta}"
        f"<title>London overview, data to {html.escape(period_label)}</title>"
        "<style>body{font-family:sans-serif;max-width:72em;margin:1.5em auto;padding:0 1em;color:#1a1a1a}"
        "table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #bbb;padding:.3em .5em;"
        "text-align:left;vertical-align:top}td[data-value]{font-variant-numeric:tabular-nums}"
        "th button{font:inherit;font-weight:bold;background:none;border:0;padding:0;text-align:left;"
        "cursor:pointer;white-space:normal;"
        "color:#003c71;text-decoration:underline}.ci,.reason{color:#444;font-size:.85em}.reason{display:block}"
        ".visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}"
        ".demo{background:#fde8e8;padding:.5em;border:1px solid #a00}</style></head><body>"
        "<header><p>Safer Neighbourhood Board performance packs</p></header><main>"
        f"<h1>London overview, data to {html.escape(period_label)}</h1>{banner}"
        "<p>Each borough's headline figures, as its own pack gives them. Intervals are 95%. "
        "* marks a change in offences that is statistically significant after allowing for the counts' "
        "usual month-to-month variation and for the number of rows tested. n/a marks a figure the pack "
        f"could not give, with its reason.{SORT_HINT}</p>"
        f"<table><caption>The 32 boroughs' headline figures, data to {html.escape(period_label)}</caption>"
        f"<thead><tr>{head_cells}</tr></thead><tbody>{''.join(_row_html(r) for r in rows)}</tbody></table>"
        f"{failures}<h2>Maps and trends</h2>{charts or '<p>No borough was built.</p>'}"
        "<p>Also as <a href=\"overview.csv\">overview.csv</a> and <a href=\"overview.pdf\">overview.pdf</a>; "
        "inputs and hashes in "
        "<a href=\"manifest.json\">manifest.json</a>.</p></main>"
        f"<script>{SORT_SCRIPT}</script></body></html>"
    )


def write_overview(period_dir: Path, period_label: str, entries: list[dict], store) -> list[Path]:
    """Write ``index.html``, ``overview.csv``, ``overview.pdf`` and ``datapackage.json`` from the packs' figures.json,
    and return their paths; where the folder already holds them, made from the same inputs, write nothing.

    Parameters
    ----------
    period_dir : Path
        ``outputs/<period>``.
    period_label : str
        ``"September 2026"``.
    entries : list of dict
        The manifest's borough entries (``borough``, ``slug``, ``status``, ``error``).
    store : Store
        The run's data store: whether it is the synthetic demo data, and its ``borough_shapes`` table
        the maps are drawn from (read only when the overview is drawn; the key takes the boundary
        files' hashes from the store's record).
    """
    period_dir = Path(period_dir)
    demo, shapes = store.is_demo, store.has("borough_shapes")
    boundaries_key = json.dumps(store.sources[store.source_of("borough_shapes")]["files"], sort_keys=True) \
        if shapes else ""
    key = inputs_key(period_dir, entries, period_label, demo, boundaries_key)
    if has_overview(period_dir, key):
        return []
    rows = read_rows(period_dir, entries)
    shown = {r["slug"] for r in rows}
    failed = [{**e, "error": (e.get("error") or e["status"]) + ("; the figures shown are its earlier pack's"
                                                               if e["slug"] in shown else "")}
              for e in entries if e.get("status") not in ("built", "skipped") or e["slug"] not in shown]
    package = datapackage(period_dir, rows, period_label, demo)
    monthly = {r["borough"]: r["monthly"] for r in rows}
    boundaries = store.table("borough_shapes") if shapes else None
    charts = charts_html(rows, monthly, boundaries, period_label) if rows else ""
    page = overview_html(rows, period_label, demo, failed, charts, key)
    from .render.pdf import html_to_pdf

    printed = page.replace("<script>" + SORT_SCRIPT + "</script>", "")  # the PDF needs no sorting
    return [write_text_atomic(period_dir / "overview.csv", overview_csv(rows)),
            write_text_atomic(period_dir / "datapackage.json", json.dumps(package, indent=1) + "\n"),
            write_bytes_atomic(period_dir / "overview.pdf", html_to_pdf(_for_print(printed, demo))),
            write_text_atomic(period_dir / "index.html", page)]


def inputs_key(period_dir: Path, entries: list[dict], period_label: str, demo: bool, boundaries_key: str = "") -> str:
    """A hash of everything the overview's files are made from, read without parsing a pack.

    Each borough's entry (its status and error where it was not built), the bytes of its figures.json,
    which of its files and tables exist; the period; the boundary files (``boundaries_key``, empty
    without them); the suite's code and the versions of the packages that draw and print the overview.
    """
    parts = []
    for e in sorted(entries, key=lambda e: e["slug"]):
        folder = Path(period_dir) / e["slug"]
        figures = folder / "figures.json"
        done = e.get("status") in ("built", "skipped")  # built this run or before: the same to the overview
        parts.append(json.dumps([e.get("borough"), e["slug"], None if done else [e.get("status"), e.get("error")],
                                 file_sha256(figures) if figures.is_file() else None,
                                 [name for name, _ in LINKS if (folder / name).is_file()],
                                 sorted(p.name for p in (folder / "tables").glob("*.csv"))]))
    return text_sha256(*parts, period_label, str(demo), boundaries_key, tree_sha256(PACKAGE_DIR),
                       lock_sha256() or "", json.dumps(package_versions(), sort_keys=True))


def has_overview(period_dir: Path, key: str) -> bool:
    """Whether ``period_dir`` holds every overview file, its index.html made from the inputs ``key`` names."""
    if not all((period_dir / name).is_file() for name in OVERVIEW_FILES):
        return False
    head = (period_dir / "index.html").read_text(encoding="utf-8", errors="replace")[:4096]
    return f'<meta name="{KEY_META}" content="{key}">' in head


def _for_print(page: str, demo: bool = False) -> str:
    """The page for an A4 PDF: landscape pages, the sort buttons as plain headings (WeasyPrint does not wrap a
    button's text, so the long headings ran into each other); from the demo data, every page marked so."""
    page = page.replace('<button type="button">', "<span>").replace("</button>", "</span>").replace(SORT_HINT, "")
    mark = ('@page{@top-right{content:"DEMO DATA – NOT OFFICIAL STATISTICS";font:bold 7pt sans-serif;'
            "color:#A00000}}") if demo else ""
    return page.replace("</style>", mark + "@page{size:A4 landscape;margin:1.2cm}body{max-width:none;margin:0;"
                        "padding:0;font-size:8pt}table{table-layout:fixed}th,td{padding:.15em .3em;"
                        "overflow-wrap:anywhere}th button{color:inherit;text-decoration:none}"
                        ".visually-hidden{display:none}figure{break-inside:avoid;margin:0}"
                        "img{max-height:16cm}</style>", 1)


def _resource(name: str, path: str, fields: list[dict], **extra) -> dict:
    return {"name": name, "path": path, "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", **extra, "schema": {"fields": fields, **({"primaryKey": ["gss_code"]}
                                                                           if name == "overview" else {})}}


def datapackage(period_dir: Path, rows: list[dict], period_label: str, demo: bool) -> dict:
    """The period folder as a Frictionless Data Package: overview.csv and every borough's tables/*.csv.

    Each resource has its Table Schema (the overview's from :data:`COLUMNS`, a borough table's from
    its figures.json ``table_schemas``); the GSS code keys the overview's rows, and each borough
    table's resource carries its borough's ``gss_code``.
    """
    fields = [{"name": key, "title": title, "type": FIELD_TYPES.get(key, "string"),
               **({"unit": unit} if unit else {})} for key, title, unit in COLUMNS]
    for f in fields:
        if f["name"] == "gss_code":
            f["constraints"] = {"required": True, "unique": True, "pattern": "E09[0-9]{6}"}
    resources = [_resource("overview", "overview.csv", fields,
                           title=f"The boroughs' headline figures, data to {period_label}")]
    for r in rows:
        for table_id, table_fields in sorted(r.get("table_schemas", {}).items()):
            path = f"{r['slug']}/tables/{table_id}.csv"
            if (period_dir / path).is_file():
                resources.append(_resource(f"{r['slug']}-{table_id}".lower(), path, table_fields,
                                           title=f"{r['borough']}: {table_id}", gss_code=r["gss_code"]))
    return {"name": f"snb-board-packs-{period_dir.name}".lower(), "profile": "tabular-data-package",
            "title": f"Safer Neighbourhood Board packs, data to {period_label}"
                     + (" (DEMO DATA - NOT OFFICIAL STATISTICS)" if demo else ""),
            "resources": resources}
