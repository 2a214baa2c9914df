"""The run manifest and the period index page."""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import tempfile
from pathlib import Path

from .provenance import git_commit, package_versions
from .store import source_record


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_atomic(path: Path, text: str) -> None:
    # mkstemp makes the file readable by its owner alone; the manifest and index are for everyone
    # the output folder is shared with, so they get the ordinary mode a new file would have.
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)  # a full disk or a stop must not leave a half-written temporary file
        except OSError:
            pass
        raise


def write_json_atomic(path: Path, doc: dict) -> None:
    """Write JSON through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False))


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
            "inputs": {name: source_record(s) for name, s in store_sources.items()},
            "sections": {
                name: {"available": bool(c.available), "reason": c.reason, "data_to": c.data_to}
                for name, c in (sections or {}).items()
            },
        },
        "boroughs": results,
    }


def write_index_html(period_dir: Path, period_label: str, results: list[dict], demo: bool) -> Path:
    """``outputs/<period>/index.html``: a table linking every borough's PDF, HTML and figures."""
    rows = []
    for r in sorted(results, key=lambda r: r["borough"]):
        files = r.get("files") or {}
        links = " · ".join(
            f'<a href="{html.escape(r["slug"])}/{html.escape(name)}">{label}</a>'
            for name, label in (("board_pack.pdf", "PDF"), ("board_pack.html", "HTML"), ("figures.json", "figures"))
            if name in files
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
        f"<p>Built {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')}. See manifest.json for inputs and hashes.</p>"
        "<table><thead><tr><th scope=\"col\">Borough</th><th scope=\"col\">Status</th><th scope=\"col\">Outputs</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )
    path = period_dir / "index.html"
    _write_atomic(path, doc)
    return path
