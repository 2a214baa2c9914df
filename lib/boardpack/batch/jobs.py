"""What passes between the steps of a run: one borough's job, its result, and its build stamp."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..paths import NOTEBOOK
from ..registry import Borough

NOTEBOOK_NAME = "board_pack.ipynb"
AUDIT_NAME = "board_pack.audit.html"
# The files of a complete pack: a build publishes all of them, a skip needs all of them on disk,
# and build.json and the manifest record each one's sha256.
OUTPUT_FILES = ("board_pack.ipynb", "board_pack.html", "board_pack.pdf", AUDIT_NAME, "figures.json")
STAMP = "build.json"


@dataclass
class BuildJob:
    """Everything one worker needs to build one borough."""

    borough: Borough
    period: str
    parameters: dict
    output_dir: Path
    input_key: str
    force: bool = False
    template: Path = NOTEBOOK


@dataclass
class BuildResult:
    """What happened to one borough."""

    borough: str
    slug: str
    gss_code: str
    status: str  # built | skipped | failed
    output_dir: str
    parameters: dict
    error: str | None = None
    failing_cell: dict | None = None
    timings: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    stop_run: bool = False  # the failure is the machine's (disk full, read-only): stop the run

    @classmethod
    def for_job(cls, job: BuildJob, status: str, **fields) -> BuildResult:
        """A result naming the job's borough, output folder and parameters."""
        return cls(job.borough.name, job.borough.slug, job.borough.gss_code, status, str(job.output_dir),
                   job.parameters, **fields)

    def as_dict(self) -> dict:
        """The result as plain JSON-ready values, for the manifest."""
        doc = asdict(self)
        doc.pop("stop_run")
        return doc


def read_stamp(output_dir: Path) -> dict | None:
    """The build stamp of a published pack (input key, output hashes, build time); None if unreadable."""
    try:
        doc = json.loads((output_dir / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None


def has_every_output(output_dir: Path) -> bool:
    """Whether every file of a complete pack is in ``output_dir``."""
    return all((output_dir / name).is_file() for name in OUTPUT_FILES)
