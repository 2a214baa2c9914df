"""The run manifest and the period index page."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

from .atomic import write_text_atomic
from .provenance import git_commit, lock_sha256, package_versions
from .store import source_record

# The outputs index.html links for each borough, in order, where the borough has them.
INDEX_LINKS = (("board_pack.pdf", "PDF"), ("board_pack.html", "HTML"), ("board_pack.audit.html", "Audit"),
               ("figures.json", "figures"))


def build_manifest(run: dict, results: list[dict], store_sources: dict, sections: dict | None = None) -> dict:
    """The manifest document: the run as a whole, then each borough.

    Parameters
    ----------
    run : dict
        Period, data folder, options, start and end times.
    results : list of dict
        One :meth:`BuildResult.as_dict` per borough.
    store_sources : dict
        The store index's sources (input files with sha256, status: ``ok``, ``absent``, ``empty``).
    sections : dict, optional
        The run's section coverage (section id to :class:`boardpack.coverage.Coverage`), recorded
        as ``{"available", "reason", "data_to"}`` so a reader sees which sections are not
        available and why.
    """
    return {
        "run": {
            **run,
            "git_commit": git_commit(),
            "package_versions": package_versions(),
            "lock_sha256": lock_sha256(),
            "inputs": {name: source_record(s) for name, s in store_sources.items()},
            "sections": {
                name: {"available": bool(c.available), "reason": c.reason, "data_to": c.data_to}
                for name, c in (sections or {}).items()
            },
        },
        "boroughs": results,
    }


def write_index_html(period_dir: Path, period_label: str, results: list[dict], demo: bool) -> Path:
    """``outputs/<period>/index.html``: a table linking every borough's PDF, HTML, audit edition and figures."""
    rows = []
    for r in sorted(results, key=lambda r: r["borough"]):
        files = r.get("files") or {}
        links = " · ".join(
            f'<a href="{html.escape(r["slug"])}/{html.escape(name)}">{label}</a>'
            for name, label in INDEX_LINKS if name in files
        )
        status = html.escape(r["status"]) + (f": {html.escape(r['error'])}" if r.get("error") else "")
        rows.append(f"<tr><th scope=\"row\">{html.escape(r['borough'])}</th><td>{status}</td><td>{links}</td></tr>")
    banner = "<p><strong>DEMO DATA – NOT OFFICIAL STATISTICS</strong></p>" if demo else ""
    doc = (
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f"<title>SNB board packs, data to {html.escape(period_label)}</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
        "th,td{border-bottom:1px solid #ccc;padding:.3em .8em;text-align:left}</style></head><body>"
        f"<h1>Safer Neighbourhood Board packs, data to {html.escape(period_label)}</h1>{banner}"
        f"<p>Built {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}. "
        "See manifest.json for inputs and hashes.</p>"
        "<table><thead><tr><th scope=\"col\">Borough</th><th scope=\"col\">Status</th>"
        "<th scope=\"col\">Outputs</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    path = period_dir / "index.html"
    write_text_atomic(path, doc)
    return path
