"""Recording a run: its report, ``manifest.json`` and the London overview (``index.html``, ``overview.csv``)."""

from __future__ import annotations

import datetime as dt
import json
import signal
from dataclasses import dataclass, field
from pathlib import Path

from ..atomic import write_json_atomic
from ..clock import source_date_epoch
from ..hashing import file_sha256
from ..log import get_logger
from ..manifest import build_manifest
from ..overview import write_overview
from ..periods import month_label
from ..registry import load_registry
from ..store import Store
from .jobs import BuildResult

log = get_logger(__name__)

SIGNAL_WORDS = {signal.SIGINT: "Ctrl-C (SIGINT)", signal.SIGTERM: "a termination request (SIGTERM)"}


@dataclass
class RunReport:
    """The outcome of a batch run."""

    period: str
    period_dir: Path
    results: list[BuildResult]
    seconds: float
    not_done: list[str] = field(default_factory=list)  # slugs a stopped run did not finish
    stopped: str | None = None  # why the run stopped early, e.g. "interrupted by Ctrl-C"

    @property
    def ok(self) -> bool:
        """True when every borough was built or skipped as unchanged (the exit status is 0)."""
        return not self.not_done and all(r.status in ("built", "skipped") for r in self.results)

    def count(self, status: str) -> int:
        """How many boroughs ended with ``status`` (built, skipped or failed)."""
        return sum(r.status == status for r in self.results)

    @property
    def manifest_path(self) -> Path:
        """``<output>/<period>/manifest.json``."""
        return self.period_dir / "manifest.json"


def interrupted_by(signum: int) -> str:
    """``"interrupted by Ctrl-C (SIGINT)"``: why a run stopped, for the manifest."""
    return f"interrupted by {SIGNAL_WORDS.get(signum, f'signal {signum}')}"


def record_run(report: RunReport, store: Store, data_path: Path, workers: int, force: bool,
               coverage: dict | None = None, template: Path | None = None) -> None:
    """Write ``manifest.json`` and the overview for the period, merging earlier boroughs' entries.

    Only the boroughs in ``report.results`` change: those a stopped run did not finish keep
    their previous entries (and packs), and are listed under the run's ``not_done``.
    """
    path = report.manifest_path
    previous = {}
    if path.is_file():
        try:
            previous = {b["slug"]: b for b in json.loads(path.read_text(encoding="utf-8"))["boroughs"]}
        except (ValueError, KeyError, TypeError):
            previous = {}
    for r in report.results:
        previous[r.slug] = r.as_dict()
    entries = [previous[b.slug] for b in load_registry().boroughs if b.slug in previous]
    run = {
        "period": report.period, "data_dir": str(data_path), "data": "demo" if store.is_demo else "real",
        "workers": workers, "force": force, "seconds": report.seconds,
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        "boroughs_this_run": [r.slug for r in report.results],
        # What `run_all.py verify` needs to rebuild the same bytes: the template and the build's
        # fixed time (SOURCE_DATE_EPOCH, or the build day's start when it was not set).
        "template": str(template) if template else None,
        "template_sha256": file_sha256(template) if template and template.is_file() else None,
        "source_date_epoch": source_date_epoch(),
        "stopped": report.stopped,
        "not_done": list(report.not_done),
    }
    write_json_atomic(path, build_manifest(run, entries, store.sources, coverage))
    # The overview is rewritten only where what it is made from changed (overview.inputs_key).
    write_overview(report.period_dir, month_label(report.period), entries, store)
    log.info("wrote %s, index.html and overview.csv (%d borough%s this run)", path, len(report.results),
             "" if len(report.results) == 1 else "s")

