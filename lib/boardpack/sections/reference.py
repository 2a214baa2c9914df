"""The closing parts of the pack: further sources and notes on method and data (the glossary is :mod:`.glossary`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from ..coverage import SECTIONS, TITLES
from ..periods import month_label
from ..report.html import paragraph
from ..report.tables import Column, html_table
from .section import Section

TEXT = Path(__file__).resolve().parent.parent / "text"


@lru_cache(maxsize=2)
def _load(name: str):
    return yaml.safe_load((TEXT / name).read_text(encoding="utf-8"))


def further_sources(pack, cell: str = "tbl-further-sources") -> Section:
    """A table of further sources of information with their web addresses (recorded as made by ``cell``)."""
    with pack.record.cell(cell):
        return _further_sources(pack)


def _further_sources(pack) -> Section:
    df = pd.DataFrame(_load("sources.yaml"))
    caption = pack.table_caption("tbl-further-sources", "Further sources of information")
    cols = [Column("name", "Name", numeric=False), Column("content", "Content", numeric=False),
            Column("link", "Web address", numeric=False)]
    pack.record.add_table("further_sources", df)
    return Section([html_table(df, cols, caption, "tbl-further-sources")], "further_sources", pack.is_demo)


def _files_used(pack, section: str, sources: list[str]) -> list[str]:
    """Input files behind a section; for recorded crime only the files of the vintage used."""
    vintage = pack.record.sections.get("recorded_crime", {}).get("vintage")
    if section == "recorded_crime" and vintage and pack.store.has("crime"):
        crime = pack.store.table("crime")
        if "source_file" in crime.columns:
            used = crime.loc[crime["vintage"] == vintage, "source_file"].unique()
            return sorted(f"mps_borough_crime/{f}" for f in used)
    names = {pack.store.source_of(t) or t for t in sources}
    return [f["path"] for name in sorted(names) for f in pack.store.sources.get(name, {}).get("files", [])]


def _describe_files(paths: list[str]) -> str:
    """File names, or a count per folder when a folder holds many (monthly files)."""
    if not paths:
        return "none"
    by_folder: dict[str, list[str]] = {}
    for p in sorted(set(paths)):
        by_folder.setdefault(str(Path(p).parent), []).append(Path(p).name)
    parts = []
    for folder, names in by_folder.items():
        if len(names) > 3:
            parts.append(f"{len(names)} files in {folder}/ ({names[0]} … {names[-1]})")
        else:
            parts.append(", ".join(f"{folder}/{n}" for n in names))
    return "; ".join(parts)


def method_notes(pack, cell: str = "tbl-method-notes") -> Section:
    """Per section: source, files and vintage, data-to date, and how the figures are computed.

    Records ``method_notes`` with the same rows, so an auditor can trace every figure to
    its inputs (file names and sha256 are in figures.json ``inputs`` and the run manifest);
    the rows are worked out here from the coverage and the method text, in the cell ``cell``.
    """
    with pack.record.cell(cell):
        return _method_notes(pack)


def _method_notes(pack) -> Section:
    method = _load("method.yaml")
    rows = []
    for section in SECTIONS:
        cov = pack.coverage[section]
        files = _describe_files(_files_used(pack, section, cov.sources))
        data_to = month_label(cov.data_to) if cov.available and cov.data_to else "not available"
        rows.append({
            "section": TITLES[section],
            "source": method[section]["source"],
            "files": files,
            "data_to": data_to,
            "method": method[section]["method"] + ("" if cov.available else f" Not shown: {cov.reason}"),
        })
    df = pd.DataFrame(rows)
    vintage = pack.record.sections.get("recorded_crime", {}).get("vintage")
    extras = [paragraph(f"Recorded crime uses the '{vintage}' category vintage for this period.")] if vintage else []
    if pack.is_demo:
        extras.append(paragraph("This pack was built from the synthetic demo dataset. Its figures are invented "
                                "for demonstration and are not official statistics.", "demo-flag-inline"))
    extras.append(paragraph(
        f"Every number printed in this pack is recorded in figures.json beside it, by section, with the input files "
        f"and their sha256 hashes. Census fold: {pack.options.get('census_fold', 'mps')}. "
        "Full method: docs/method.md."))
    caption = pack.table_caption("tbl-method-notes", "Sources, data-to dates and method by section")
    cols = [Column("section", "Section", numeric=False), Column("source", "Source", numeric=False),
            Column("files", "Files", numeric=False), Column("data_to", "Data to", numeric=False),
            Column("method", "How the figures are computed", numeric=False)]
    pack.record.set("method_notes", "rows", df)
    pack.record.add_table("method_notes", df)
    return Section([html_table(df, cols, caption, "tbl-method-notes"), *extras], "method_notes", pack.is_demo)

